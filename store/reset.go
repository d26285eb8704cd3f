package store

import (
	"context"
	"fmt"

	"github.com/saperi/saperi"
	"go.etcd.io/bbolt"
)

// SetPassword gives user id the bcrypt hash (computed by the caller,
// outside any transaction) and ends all of the user's sessions, in one
// transaction, and returns how many sessions it ended. check, when set,
// sees the user as stored before the change and may refuse it: a reset
// link checks its stamp here, so that of two requests with the same link
// only the first one changes the password. ev goes to the audit trail
// (Action "user.password" unless set, Subject "user/<id>").
func (db *DB) SetPassword(ctx context.Context, id uint64, hash string, check func(*saperi.User) error, ev saperi.Event) (int, error) {
	n := 0
	err := db.update(ctx, func(tx *bbolt.Tx) error {
		u, err := getUser(tx, id)
		if err != nil {
			return err
		}
		if check != nil {
			if err := check(u); err != nil {
				return err
			}
		}
		u.PasswordHash = hash
		if err := u.Validate(); err != nil {
			return err
		}
		if err := putJSON(tx.Bucket(userBucket), itob(id), u); err != nil {
			return fmt.Errorf("store: put user %d: %w", id, err)
		}
		n = countPrefix(tx.Bucket(userSessionBucket), itob(id))
		if err := deleteUserSessions(tx, id); err != nil {
			return err
		}
		ev.Subject = fmt.Sprintf("user/%d", id)
		if ev.Action == "" {
			ev.Action = "user.password"
		}
		return addEvent(tx, ev)
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// AddEvent appends ev to the audit trail on its own, for what changes
// nothing else in the store (a request for a password-reset mail, whose
// record the notifier keeps).
func (db *DB) AddEvent(ctx context.Context, ev saperi.Event) error {
	if ev.Action == "" {
		return fmt.Errorf("store: add event: no action")
	}
	return db.update(ctx, func(tx *bbolt.Tx) error { return addEvent(tx, ev) })
}
