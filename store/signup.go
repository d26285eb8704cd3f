package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/saperi/saperi"
	"go.etcd.io/bbolt"
)

// CreateSignup stores the pending sign-up p (profile validated, password
// hashed), assigns its ID and adds ev (Subject "signup/<id>"), in one
// transaction. A pending sign-up for the same address is replaced, which
// voids the link mailed for it, and pending sign-ups past their expiry
// (as of p.Created) are deleted. An address that has an account meanwhile
// is ECONFLICT ("error.user.email_taken").
func (db *DB) CreateSignup(ctx context.Context, p *saperi.PendingSignup, ev saperi.Event) error {
	p.Email = saperi.NormalizeEmail(p.Email)
	if p.Email == "" || p.Nonce == "" || p.PasswordHash == "" || p.Expires.IsZero() {
		return fmt.Errorf("store: create signup: incomplete record")
	}
	err := db.update(ctx, func(tx *bbolt.Tx) error {
		if tx.Bucket(userEmailBucket).Get([]byte(p.Email)) != nil {
			return &saperi.Error{Code: saperi.ECONFLICT, Key: "error.user.email_taken", Field: "email",
				Message: "an account with this email already exists"}
		}
		if _, err := sweepSignups(tx, p.Created); err != nil {
			return err
		}
		if err := deleteSignups(tx, map[string]bool{p.Email: true}); err != nil {
			return err
		}
		b := tx.Bucket(signupBucket)
		id, err := b.NextSequence()
		if err != nil {
			return fmt.Errorf("store: create signup: %w", err)
		}
		p.ID = id
		if err := putJSON(b, itob(id), p); err != nil {
			return fmt.Errorf("store: put signup %d: %w", id, err)
		}
		if err := tx.Bucket(signupEmailBucket).Put([]byte(p.Email), itob(id)); err != nil {
			return fmt.Errorf("store: index signup %d: %w", id, err)
		}
		ev.Subject = fmt.Sprintf("signup/%d", id)
		return addEvent(tx, ev)
	})
	if err != nil {
		p.ID = 0
	}
	return err
}

// SweepSignups deletes the pending sign-ups expired at now and returns
// how many (serve runs it with its purge loop, so that what was typed in
// a form nobody confirmed does not outlive its link by long).
func (db *DB) SweepSignups(ctx context.Context, now time.Time) (int, error) {
	n := 0
	err := db.update(ctx, func(tx *bbolt.Tx) error {
		var err error
		n, err = sweepSignups(tx, now)
		return err
	})
	return n, err
}

// Signup returns pending sign-up id; one that was confirmed, replaced or
// erased is ENOTFOUND.
func (db *DB) Signup(ctx context.Context, id uint64) (*saperi.PendingSignup, error) {
	var p *saperi.PendingSignup
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		var err error
		p, err = getSignup(tx, id)
		return err
	})
	return p, err
}

// SignupByEmail returns the pending sign-up of an address (tests and
// erasure checks); none is ENOTFOUND.
func (db *DB) SignupByEmail(ctx context.Context, email string) (*saperi.PendingSignup, error) {
	var p *saperi.PendingSignup
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		v := tx.Bucket(signupEmailBucket).Get([]byte(saperi.NormalizeEmail(email)))
		if len(v) != 8 {
			return notFoundSignup()
		}
		var err error
		p, err = getSignup(tx, btoi(v))
		return err
	})
	return p, err
}

// ConfirmSignup turns pending sign-up id into its profile and account, in
// one transaction: check (the link's nonce and expiry) sees the record
// first and may refuse; the profile is created with the audit event
// created (Action "profile.create"), the account with created too
// (Action "user.create"), then confirmed is added (Subject the account,
// on behalf of the profile), and the pending record is deleted, so that
// a link works once. A record that is gone is ECONFLICT
// ("error.signup.used"); an address that has an account meanwhile
// ECONFLICT ("error.user.email_taken").
func (db *DB) ConfirmSignup(ctx context.Context, id uint64, check func(*saperi.PendingSignup) error,
	created, confirmed saperi.Event) (*saperi.User, error) {
	var u *saperi.User
	err := db.update(ctx, func(tx *bbolt.Tx) error {
		p, err := getSignup(tx, id)
		if saperi.ErrorCode(err) == saperi.ENOTFOUND {
			return saperi.SignupUsed()
		}
		if err != nil {
			return err
		}
		if err := check(p); err != nil {
			return err
		}
		prof := p.Profile
		prof.ID = 0
		if err := prof.Validate(); err != nil {
			return err
		}
		if err := createProfile(tx, &prof, created); err != nil {
			return err
		}
		u = p.User(prof.ID)
		if err := u.Validate(); err != nil {
			return err
		}
		uev := created
		uev.Action, uev.OnBehalfOf = "user.create", prof.ID
		if err := createUser(tx, u, uev); err != nil {
			return err
		}
		if err := deleteSignups(tx, map[string]bool{p.Email: true}); err != nil {
			return err
		}
		confirmed.Subject, confirmed.OnBehalfOf = fmt.Sprintf("user/%d", u.ID), prof.ID
		return addEvent(tx, confirmed)
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

func notFoundSignup() error {
	return &saperi.Error{Code: saperi.ENOTFOUND, Key: "error.signup.used", Message: "no such pending sign-up"}
}

func getSignup(tx *bbolt.Tx, id uint64) (*saperi.PendingSignup, error) {
	p := &saperi.PendingSignup{}
	ok, err := getJSON(tx.Bucket(signupBucket), id, p)
	if err != nil {
		return nil, fmt.Errorf("store: get signup %d: %w", id, err)
	}
	if !ok {
		return nil, notFoundSignup()
	}
	return p, nil
}

// deleteSignups deletes the pending sign-ups of addrs (normalised).
func deleteSignups(tx *bbolt.Tx, addrs map[string]bool) error {
	idx, b := tx.Bucket(signupEmailBucket), tx.Bucket(signupBucket)
	for a := range addrs {
		v := idx.Get([]byte(a))
		if v == nil {
			continue
		}
		if len(v) == 8 {
			if err := b.Delete(v); err != nil {
				return fmt.Errorf("store: delete signup: %w", err)
			}
		}
		if err := idx.Delete([]byte(a)); err != nil {
			return fmt.Errorf("store: delete signup: %w", err)
		}
	}
	return nil
}

// sweepSignups deletes the pending sign-ups expired at now. There are few
// (the sign-up throttle caps how fast they come, and each lives a day),
// so a scan at every new one keeps the bucket small without a timer.
func sweepSignups(tx *bbolt.Tx, now time.Time) (int, error) {
	b := tx.Bucket(signupBucket)
	var expired []*saperi.PendingSignup
	err := b.ForEach(func(k, v []byte) error {
		p := &saperi.PendingSignup{}
		if err := json.Unmarshal(v, p); err != nil {
			return fmt.Errorf("store: get signup %d: %w", btoi(k), err)
		}
		if p.Expired(now) {
			expired = append(expired, p)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	idx := tx.Bucket(signupEmailBucket)
	for _, p := range expired {
		if err := b.Delete(itob(p.ID)); err != nil {
			return 0, fmt.Errorf("store: delete signup: %w", err)
		}
		if v := idx.Get([]byte(p.Email)); len(v) == 8 && btoi(v) == p.ID {
			if err := idx.Delete([]byte(p.Email)); err != nil {
				return 0, fmt.Errorf("store: delete signup: %w", err)
			}
		}
	}
	return len(expired), nil
}
