package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/saperi/saperi"
	"go.etcd.io/bbolt"
)

// CreateConcept validates c and stores it with ev in the audit trail; an
// id already stored is a conflict. Whether the id or the parent clash with
// the shipped concept files is the caller's to check (the index knows
// them).
func (db *DB) CreateConcept(ctx context.Context, c *saperi.Concept, ev saperi.Event) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return db.update(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket(conceptBucket)
		if b.Get([]byte(c.ID)) != nil {
			return &saperi.Error{Code: saperi.ECONFLICT, Key: "error.concept.exists", Field: "id",
				Message: "concept " + c.ID + " exists already", Args: map[string]any{"ID": c.ID}}
		}
		if err := putJSON(b, []byte(c.ID), c); err != nil {
			return fmt.Errorf("store: put concept %s: %w", c.ID, err)
		}
		ev.Subject = "concept/" + c.ID
		return addEvent(tx, ev)
	})
}

// Concepts returns the hubs' concepts, by id.
func (db *DB) Concepts(ctx context.Context) ([]*saperi.Concept, error) {
	out := []*saperi.Concept{}
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		return tx.Bucket(conceptBucket).ForEach(func(k, v []byte) error {
			c := &saperi.Concept{}
			if err := json.Unmarshal(v, c); err != nil {
				return fmt.Errorf("store: get concept %s: %w", k, err)
			}
			out = append(out, c)
			return nil
		})
	})
	return out, err
}

// DeleteConcept deletes the hub concept id, recording ev; a concept that
// is another's parent cannot go.
func (db *DB) DeleteConcept(ctx context.Context, id string, ev saperi.Event) error {
	return db.update(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket(conceptBucket)
		if b.Get([]byte(id)) == nil {
			return &saperi.Error{Code: saperi.ENOTFOUND, Key: "error.not_found.concept", Message: "no concept " + id,
				Args: map[string]any{"ID": id}}
		}
		if err := b.ForEach(func(k, v []byte) error {
			var c saperi.Concept
			if err := json.Unmarshal(v, &c); err != nil {
				return fmt.Errorf("store: get concept %s: %w", k, err)
			}
			if c.Parent == id {
				return &saperi.Error{Code: saperi.ECONFLICT, Key: "error.concept.parent_of",
					Message: "concept " + id + " is the parent of " + c.ID, Args: map[string]any{"ID": id, "Child": c.ID}}
			}
			return nil
		}); err != nil {
			return err
		}
		if err := b.Delete([]byte(id)); err != nil {
			return fmt.Errorf("store: delete concept %s: %w", id, err)
		}
		ev.Subject = "concept/" + id
		return addEvent(tx, ev)
	})
}
