package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/saperi/saperi"
	"go.etcd.io/bbolt"
)

// LinkSecret returns the secret that signs the links in mails: 32 random
// bytes generated once, when the store was first opened by a version that
// signs links, and kept in the meta bucket (so it travels with backups).
func (db *DB) LinkSecret(ctx context.Context) ([]byte, error) {
	var out []byte
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		out = bytes.Clone(tx.Bucket(metaBucket).Get(linkSecretKey))
		return nil
	})
	if err == nil && len(out) != 32 {
		err = fmt.Errorf("store: no link secret")
	}
	return out, err
}

// PlanSends writes each of recs that has no record yet, in one
// transaction, and returns how many were new. An existing record (from an
// earlier, perhaps crashed, run) is left as it is.
func (db *DB) PlanSends(ctx context.Context, recs []saperi.Send) (int, error) {
	n := 0
	err := db.update(ctx, func(tx *bbolt.Tx) error {
		n = 0
		b := tx.Bucket(sendBucket)
		for _, r := range recs {
			if r.Key == "" {
				return fmt.Errorf("store: plan send: empty key")
			}
			if b.Get([]byte(r.Key)) != nil {
				continue
			}
			if err := putJSON(b, []byte(r.Key), r); err != nil {
				return fmt.Errorf("store: plan send %s: %w", r.Key, err)
			}
			n++
		}
		return nil
	})
	return n, err
}

// UpdateSend reads the record under key, lets fn change it and writes it
// back. An unknown key is ENOTFOUND; Key cannot change.
func (db *DB) UpdateSend(ctx context.Context, key string, fn func(*saperi.Send) error) (*saperi.Send, error) {
	var r saperi.Send
	err := db.update(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket(sendBucket)
		v := b.Get([]byte(key))
		if v == nil {
			return &saperi.Error{Code: saperi.ENOTFOUND, Key: "error.not_found.send", Message: "no send " + key}
		}
		if err := json.Unmarshal(v, &r); err != nil {
			return fmt.Errorf("store: get send %s: %w", key, err)
		}
		if err := fn(&r); err != nil {
			return err
		}
		if r.Key != key {
			return immutable("key")
		}
		if err := putJSON(b, []byte(key), r); err != nil {
			return fmt.Errorf("store: put send %s: %w", key, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// Send returns the record under key; ENOTFOUND when there is none.
func (db *DB) Send(ctx context.Context, key string) (*saperi.Send, error) {
	var r *saperi.Send
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		v := tx.Bucket(sendBucket).Get([]byte(key))
		if v == nil {
			return &saperi.Error{Code: saperi.ENOTFOUND, Key: "error.not_found.send", Message: "no send " + key}
		}
		r = &saperi.Send{}
		return json.Unmarshal(v, r)
	})
	return r, err
}

// Sends returns the records whose key starts with prefix, in key order.
func (db *DB) Sends(ctx context.Context, prefix string) ([]saperi.Send, error) {
	out := []saperi.Send{}
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		c := tx.Bucket(sendBucket).Cursor()
		p := []byte(prefix)
		for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
			var r saperi.Send
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("store: get send %s: %w", k, err)
			}
			out = append(out, r)
		}
		return nil
	})
	return out, err
}

// Unsubscribe records that email wants no more digests, with ev in the
// audit trail (Action "mail.unsubscribe" unless set, Subject "email").
// Unsubscribing twice is not an error and keeps the first record.
func (db *DB) Unsubscribe(ctx context.Context, email string, ev saperi.Event) error {
	key := []byte(strings.ToLower(strings.TrimSpace(email)))
	if len(key) == 0 {
		return saperi.Invalid("email", "error.required", "email is required")
	}
	if ev.Action == "" {
		ev.Action = "mail.unsubscribe"
	}
	ev.Subject = "email"
	return db.update(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket(unsubscribedBucket)
		if b.Get(key) != nil {
			return nil
		}
		if err := putJSON(b, key, ev); err != nil {
			return fmt.Errorf("store: unsubscribe: %w", err)
		}
		return addEvent(tx, ev)
	})
}

// Unsubscribed returns the set of unsubscribed addresses (lower case).
func (db *DB) Unsubscribed(ctx context.Context) (map[string]bool, error) {
	out := map[string]bool{}
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		return tx.Bucket(unsubscribedBucket).ForEach(func(k, _ []byte) error {
			out[string(k)] = true
			return nil
		})
	})
	return out, err
}

// ScanMatches calls fn with every match, in id order, in chunks of at most
// batch (default 1000), each read in its own transaction; fn runs outside
// it. ctx is checked between chunks.
func (db *DB) ScanMatches(ctx context.Context, batch int, fn func([]*saperi.Match) error) error {
	return scan(ctx, db, matchBucket, "match", batch, fn)
}

// IsUnsubscribed reports whether email asked for no more digests.
func (db *DB) IsUnsubscribed(ctx context.Context, email string) (bool, error) {
	var out bool
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		out = tx.Bucket(unsubscribedBucket).Get([]byte(strings.ToLower(strings.TrimSpace(email)))) != nil
		return nil
	})
	return out, err
}
