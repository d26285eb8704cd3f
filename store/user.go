package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/saperi/saperi"
	"go.etcd.io/bbolt"
)

// CreateUser validates u (email already normalised, password already
// hashed), assigns its ID and stores it. The email must be unused
// (ECONFLICT); a linked profile or hub must exist (EINVALID).
func (db *DB) CreateUser(ctx context.Context, u *saperi.User, ev saperi.Event) error {
	if err := u.Validate(); err != nil {
		return err
	}
	err := db.update(ctx, func(tx *bbolt.Tx) error { return createUser(tx, u, ev) })
	if err != nil {
		u.ID = 0
	}
	return err
}

// createUser is CreateUser inside tx, u already validated.
func createUser(tx *bbolt.Tx, u *saperi.User, ev saperi.Event) error {
	emails := tx.Bucket(userEmailBucket)
	if emails.Get([]byte(u.Email)) != nil {
		return &saperi.Error{Code: saperi.ECONFLICT, Key: "error.user.email_taken", Field: "email",
			Message: "an account with this email already exists"}
	}
	if u.ProfileID != 0 && tx.Bucket(profileBucket).Get(itob(u.ProfileID)) == nil {
		return &saperi.Error{Code: saperi.EINVALID, Key: "error.unknown_profile", Field: "profile_id",
			Args: map[string]any{"ID": u.ProfileID}, Message: "unknown profile"}
	}
	if u.HubID != 0 && !hubExists(tx, u.HubID) {
		return unknownHub(u.HubID)
	}
	users := tx.Bucket(userBucket)
	id, err := users.NextSequence()
	if err != nil {
		return fmt.Errorf("store: create user: %w", err)
	}
	u.ID = id
	if err := putJSON(users, itob(id), u); err != nil {
		return fmt.Errorf("store: put user %d: %w", id, err)
	}
	if err := emails.Put([]byte(u.Email), itob(id)); err != nil {
		return fmt.Errorf("store: index user %d: %w", id, err)
	}
	if u.ProfileID != 0 {
		if err := tx.Bucket(profileUserBucket).Put(pairKey(u.ProfileID, id), nil); err != nil {
			return fmt.Errorf("store: index user %d: %w", id, err)
		}
	}
	ev.Subject = fmt.Sprintf("user/%d", id)
	if ev.Action == "" {
		ev.Action = "user.create"
	}
	return addEvent(tx, ev)
}

// UpdateUser reads user id, lets fn change it, validates and writes it
// back. ID, Email and ProfileID cannot change.
func (db *DB) UpdateUser(ctx context.Context, id uint64, fn func(*saperi.User) error) (*saperi.User, error) {
	var u *saperi.User
	err := db.update(ctx, func(tx *bbolt.Tx) error {
		var err error
		if u, err = getUser(tx, id); err != nil {
			return err
		}
		email, profile := u.Email, u.ProfileID
		if err := fn(u); err != nil {
			return err
		}
		switch {
		case u.ID != id:
			return immutable("id")
		case u.Email != email:
			return immutable("email")
		case u.ProfileID != profile:
			return immutable("profile_id")
		}
		if err := u.Validate(); err != nil {
			return err
		}
		return putJSON(tx.Bucket(userBucket), itob(id), u)
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// User returns user id.
func (db *DB) User(ctx context.Context, id uint64) (*saperi.User, error) {
	var u *saperi.User
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		var err error
		u, err = getUser(tx, id)
		return err
	})
	return u, err
}

// UserByEmail returns the account with that email (compared normalised).
func (db *DB) UserByEmail(ctx context.Context, email string) (*saperi.User, error) {
	var u *saperi.User
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		v := tx.Bucket(userEmailBucket).Get([]byte(saperi.NormalizeEmail(email)))
		if len(v) != 8 {
			return &saperi.Error{Code: saperi.ENOTFOUND, Key: "error.not_found.user", Message: "no such account"}
		}
		var err error
		u, err = getUser(tx, btoi(v))
		return err
	})
	return u, err
}

// Users returns every account, by id; role "" lists all roles.
func (db *DB) Users(ctx context.Context, role saperi.Role) ([]*saperi.User, error) {
	out := []*saperi.User{}
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		return tx.Bucket(userBucket).ForEach(func(k, v []byte) error {
			u := &saperi.User{}
			if err := json.Unmarshal(v, u); err != nil {
				return fmt.Errorf("store: get user %d: %w", btoi(k), err)
			}
			if role == "" || u.Role == role {
				out = append(out, u)
			}
			return nil
		})
	})
	return out, err
}

// ProfileUsers returns the accounts acting for profile id.
func (db *DB) ProfileUsers(ctx context.Context, profileID uint64) ([]*saperi.User, error) {
	out := []*saperi.User{}
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		return scanPairs(tx.Bucket(profileUserBucket), profileID, 0, func(id uint64, _ []byte) (bool, error) {
			u, err := getUser(tx, id)
			if err != nil {
				return false, err
			}
			out = append(out, u)
			return false, nil
		})
	})
	return out, err
}

func getUser(tx *bbolt.Tx, id uint64) (*saperi.User, error) {
	u := &saperi.User{}
	ok, err := getJSON(tx.Bucket(userBucket), id, u)
	if err != nil {
		return nil, fmt.Errorf("store: get user %d: %w", id, err)
	}
	if !ok {
		return nil, saperi.NotFound("user", id)
	}
	return u, nil
}

// deleteUser removes an account, its email and its sessions.
func deleteUser(tx *bbolt.Tx, u *saperi.User) error {
	if err := deleteUserSessions(tx, u.ID); err != nil {
		return err
	}
	if err := tx.Bucket(userEmailBucket).Delete([]byte(u.Email)); err != nil {
		return err
	}
	if u.ProfileID != 0 {
		if err := tx.Bucket(profileUserBucket).Delete(pairKey(u.ProfileID, u.ID)); err != nil {
			return err
		}
	}
	return tx.Bucket(userBucket).Delete(itob(u.ID))
}

// unauthenticated is the error for a missing, expired or revoked secret.
func unauthenticated() error {
	return &saperi.Error{Code: saperi.EUNAUTHORIZED, Key: "error.auth.required", Message: "log in first"}
}

// CreateSession stores a session under the SHA-256 of its secret.
func (db *DB) CreateSession(ctx context.Context, hash []byte, s saperi.Session) error {
	if len(hash) != 32 {
		return fmt.Errorf("store: create session: hash of %d bytes", len(hash))
	}
	return db.update(ctx, func(tx *bbolt.Tx) error {
		if _, err := getUser(tx, s.UserID); err != nil {
			return err
		}
		if err := putJSON(tx.Bucket(sessionBucket), hash, s); err != nil {
			return fmt.Errorf("store: put session: %w", err)
		}
		return tx.Bucket(userSessionBucket).Put(append(itob(s.UserID), hash...), nil)
	})
}

// Session returns the session with that hash and its user; an unknown or
// expired session is EUNAUTHORIZED.
func (db *DB) Session(ctx context.Context, hash []byte, now time.Time) (*saperi.Session, *saperi.User, error) {
	var (
		s saperi.Session
		u *saperi.User
	)
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		v := tx.Bucket(sessionBucket).Get(hash)
		if v == nil {
			return unauthenticated()
		}
		if err := json.Unmarshal(v, &s); err != nil {
			return fmt.Errorf("store: get session: %w", err)
		}
		if !now.Before(s.Expires) {
			return unauthenticated()
		}
		var err error
		u, err = getUser(tx, s.UserID)
		if saperi.ErrorCode(err) == saperi.ENOTFOUND {
			return unauthenticated()
		}
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return &s, u, nil
}

// DeleteSession ends one session (logout); an unknown one is no error.
func (db *DB) DeleteSession(ctx context.Context, hash []byte) error {
	return db.update(ctx, func(tx *bbolt.Tx) error {
		v := tx.Bucket(sessionBucket).Get(hash)
		if v == nil {
			return nil
		}
		var s saperi.Session
		if err := json.Unmarshal(v, &s); err != nil {
			return fmt.Errorf("store: get session: %w", err)
		}
		if err := tx.Bucket(userSessionBucket).Delete(append(itob(s.UserID), hash...)); err != nil {
			return err
		}
		return tx.Bucket(sessionBucket).Delete(hash)
	})
}

// DeleteUserSessions ends every session of a user ("log out everywhere")
// and returns how many there were.
func (db *DB) DeleteUserSessions(ctx context.Context, userID uint64) (int, error) {
	n := 0
	err := db.update(ctx, func(tx *bbolt.Tx) error {
		n = countPrefix(tx.Bucket(userSessionBucket), itob(userID))
		return deleteUserSessions(tx, userID)
	})
	return n, err
}

func countPrefix(b *bbolt.Bucket, prefix []byte) int {
	n := 0
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		n++
	}
	return n
}

func deleteUserSessions(tx *bbolt.Tx, userID uint64) error {
	idx, sessions := tx.Bucket(userSessionBucket), tx.Bucket(sessionBucket)
	prefix := itob(userID)
	var keys [][]byte
	c := idx.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		keys = append(keys, bytes.Clone(k))
	}
	for _, k := range keys {
		if err := sessions.Delete(k[8:]); err != nil {
			return fmt.Errorf("store: delete session: %w", err)
		}
		if err := idx.Delete(k); err != nil {
			return fmt.Errorf("store: delete session: %w", err)
		}
	}
	return nil
}

// CreateToken validates t (Hash set by the caller), assigns its ID and
// stores it.
func (db *DB) CreateToken(ctx context.Context, t *saperi.APIToken, hash []byte, ev saperi.Event) error {
	if err := t.Validate(); err != nil {
		return err
	}
	err := db.update(ctx, func(tx *bbolt.Tx) error {
		if t.HubID != 0 && !hubExists(tx, t.HubID) {
			return unknownHub(t.HubID)
		}
		b := tx.Bucket(tokenBucket)
		id, err := b.NextSequence()
		if err != nil {
			return fmt.Errorf("store: create token: %w", err)
		}
		t.ID = id
		if err := putJSON(b, itob(id), t); err != nil {
			return fmt.Errorf("store: put token %d: %w", id, err)
		}
		if err := tx.Bucket(tokenHashBucket).Put(hash, itob(id)); err != nil {
			return fmt.Errorf("store: index token %d: %w", id, err)
		}
		ev.Subject = fmt.Sprintf("token/%d", id)
		if ev.Action == "" {
			ev.Action = "token.create"
		}
		return addEvent(tx, ev)
	})
	if err != nil {
		t.ID = 0
	}
	return err
}

// TokenByHash returns the live token with that secret hash; an unknown or
// revoked one is EUNAUTHORIZED.
func (db *DB) TokenByHash(ctx context.Context, hash []byte) (*saperi.APIToken, error) {
	t := &saperi.APIToken{}
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		v := tx.Bucket(tokenHashBucket).Get(hash)
		if len(v) != 8 {
			return unauthenticated()
		}
		if _, err := getJSON(tx.Bucket(tokenBucket), btoi(v), t); err != nil {
			return fmt.Errorf("store: get token: %w", err)
		}
		if !t.Revoked.IsZero() {
			return unauthenticated()
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// Tokens returns every token, revoked ones included, by id.
func (db *DB) Tokens(ctx context.Context) ([]*saperi.APIToken, error) {
	out := []*saperi.APIToken{}
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		return tx.Bucket(tokenBucket).ForEach(func(k, v []byte) error {
			t := &saperi.APIToken{}
			if err := json.Unmarshal(v, t); err != nil {
				return fmt.Errorf("store: get token %d: %w", btoi(k), err)
			}
			out = append(out, t)
			return nil
		})
	})
	return out, err
}

// RevokeToken revokes token id as of now; its secret stops working at
// once. Revoking twice is no error.
func (db *DB) RevokeToken(ctx context.Context, id uint64, now time.Time, ev saperi.Event) (*saperi.APIToken, error) {
	t := &saperi.APIToken{}
	err := db.update(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket(tokenBucket)
		ok, err := getJSON(b, id, t)
		if err != nil {
			return fmt.Errorf("store: get token %d: %w", id, err)
		}
		if !ok {
			return saperi.NotFound("token", id)
		}
		if !t.Revoked.IsZero() {
			return nil
		}
		t.Revoked = now
		if err := putJSON(b, itob(id), t); err != nil {
			return fmt.Errorf("store: put token %d: %w", id, err)
		}
		ev.Subject = fmt.Sprintf("token/%d", id)
		if ev.Action == "" {
			ev.Action = "token.revoke"
		}
		return addEvent(tx, ev)
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// LoginAttempts returns the failed-login counters of keys ("email:…",
// "ip:…"); absent keys have zero counts.
func (db *DB) LoginAttempts(ctx context.Context, keys ...string) (map[string]saperi.Attempts, error) {
	out := make(map[string]saperi.Attempts, len(keys))
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket(loginAttemptBucket)
		for _, k := range keys {
			var a saperi.Attempts
			if v := b.Get([]byte(k)); v != nil {
				if err := json.Unmarshal(v, &a); err != nil {
					return fmt.Errorf("store: get login attempts: %w", err)
				}
			}
			out[k] = a
		}
		return nil
	})
	return out, err
}

// FailLogin counts a failed login at now against each key.
func (db *DB) FailLogin(ctx context.Context, now time.Time, keys ...string) error {
	return db.update(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket(loginAttemptBucket)
		for _, k := range keys {
			var a saperi.Attempts
			if v := b.Get([]byte(k)); v != nil {
				if err := json.Unmarshal(v, &a); err != nil {
					return fmt.Errorf("store: get login attempts: %w", err)
				}
			}
			if err := putJSON(b, []byte(k), a.Add(now)); err != nil {
				return fmt.Errorf("store: put login attempts: %w", err)
			}
		}
		return nil
	})
}

// ClearLogin forgets the failures of key (after a successful login).
func (db *DB) ClearLogin(ctx context.Context, key string) error {
	return db.update(ctx, func(tx *bbolt.Tx) error {
		return tx.Bucket(loginAttemptBucket).Delete([]byte(key))
	})
}
