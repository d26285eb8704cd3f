package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/saperi/saperi"
	"go.etcd.io/bbolt"
)

// Events returns audit events with id > after, oldest first, at most limit
// (default 50, at most 500); profileID 0 returns everybody's, otherwise
// those done on behalf of that profile.
func (db *DB) Events(ctx context.Context, profileID uint64, after uint64, limit int) ([]saperi.Event, error) {
	n := clampLimit(limit)
	out := []saperi.Event{}
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		events := tx.Bucket(eventBucket)
		add := func(id uint64, v []byte) (bool, error) {
			var ev saperi.Event
			if err := json.Unmarshal(v, &ev); err != nil {
				return false, fmt.Errorf("store: get event %d: %w", id, err)
			}
			out = append(out, ev)
			return len(out) >= n, nil
		}
		if profileID != 0 {
			return scanPairs(tx.Bucket(profileEventBucket), profileID, after, func(id uint64, _ []byte) (bool, error) {
				v := events.Get(itob(id))
				if v == nil {
					return false, nil
				}
				return add(id, v)
			})
		}
		c := events.Cursor()
		for k, v := seekAfter(c, after); k != nil; k, v = c.Next() {
			if stop, err := add(btoi(k), v); err != nil || stop {
				return err
			}
		}
		return nil
	})
	return out, err
}

// addEvent assigns ev an id and appends it to the audit trail.
func addEvent(tx *bbolt.Tx, ev saperi.Event) error {
	b := tx.Bucket(eventBucket)
	id, err := b.NextSequence()
	if err != nil {
		return fmt.Errorf("store: add event: %w", err)
	}
	ev.ID = id
	if err := putJSON(b, itob(id), ev); err != nil {
		return fmt.Errorf("store: put event %d: %w", id, err)
	}
	if ev.OnBehalfOf != 0 {
		if err := tx.Bucket(profileEventBucket).Put(pairKey(ev.OnBehalfOf, id), nil); err != nil {
			return fmt.Errorf("store: index event %d: %w", id, err)
		}
	}
	return nil
}
