package store

import (
	"context"
	"fmt"

	"github.com/saperi/saperi"
	"go.etcd.io/bbolt"
)

// Changes returns at most limit outbox entries (default 100), oldest first.
// A posting written several times has several entries.
func (db *DB) Changes(ctx context.Context, limit int) ([]saperi.Change, error) {
	if limit <= 0 {
		limit = 100
	}
	out := []saperi.Change{}
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		c := tx.Bucket(outboxBucket).Cursor()
		for k, v := c.First(); k != nil && len(out) < limit; k, v = c.Next() {
			out = append(out, saperi.Change{Seq: btoi(k), PostingID: btoi(v)})
		}
		return nil
	})
	return out, err
}

// DoneChanges deletes exactly the outbox entries cs, once the index has
// applied them. A newer entry for the same posting stays. Entries already
// gone are ignored.
func (db *DB) DoneChanges(ctx context.Context, cs []saperi.Change) error {
	if len(cs) == 0 {
		return nil
	}
	return db.update(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket(outboxBucket)
		for _, ch := range cs {
			if err := b.Delete(itob(ch.Seq)); err != nil {
				return fmt.Errorf("store: delete change %d: %w", ch.Seq, err)
			}
		}
		return nil
	})
}

// PendingChanges returns how many outbox entries wait for the index.
func (db *DB) PendingChanges(ctx context.Context) (int, error) {
	n := 0
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		n = tx.Bucket(outboxBucket).Stats().KeyN
		return nil
	})
	return n, err
}

// enqueue adds an outbox entry for posting id.
func enqueue(tx *bbolt.Tx, id uint64) error {
	b := tx.Bucket(outboxBucket)
	seq, err := b.NextSequence()
	if err != nil {
		return fmt.Errorf("store: enqueue posting %d: %w", id, err)
	}
	if err := b.Put(itob(seq), itob(id)); err != nil {
		return fmt.Errorf("store: enqueue posting %d: %w", id, err)
	}
	return nil
}
