package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/saperi/saperi"
	"go.etcd.io/bbolt"
)

// CreateCategory validates c and appends it to the taxonomy; an id in use
// is ECONFLICT.
func (db *DB) CreateCategory(ctx context.Context, c saperi.Category) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return db.update(ctx, func(tx *bbolt.Tx) error {
		cats, err := categories(tx)
		if err != nil {
			return err
		}
		if _, ok := saperi.CategoryByID(cats, c.ID); ok {
			return &saperi.Error{Code: saperi.ECONFLICT, Key: "error.category.exists", Field: "id",
				Args: map[string]any{"ID": c.ID}, Message: "category " + c.ID + " exists already"}
		}
		b := tx.Bucket(categoryBucket)
		seq, err := b.NextSequence()
		if err != nil {
			return fmt.Errorf("store: create category: %w", err)
		}
		return putJSON(b, itob(seq), c)
	})
}

// RenameCategory changes the names of category id; the id, which postings
// refer to, stays.
func (db *DB) RenameCategory(ctx context.Context, id, name, en string) (saperi.Category, error) {
	var out saperi.Category
	err := db.update(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket(categoryBucket)
		c := b.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			var cat saperi.Category
			if err := json.Unmarshal(v, &cat); err != nil {
				return fmt.Errorf("store: get category: %w", err)
			}
			if cat.ID != id {
				continue
			}
			cat.Name, cat.En = name, en
			if err := cat.Validate(); err != nil {
				return err
			}
			out = cat
			return putJSON(b, k, cat)
		}
		return &saperi.Error{Code: saperi.ENOTFOUND, Key: "error.not_found.category", Args: map[string]any{"ID": id},
			Message: "no category " + id}
	})
	return out, err
}

// UpdateHub reads hub id, lets fn change it, validates and writes it back.
func (db *DB) UpdateHub(ctx context.Context, id uint64, fn func(*saperi.Hub) error) (*saperi.Hub, error) {
	var h *saperi.Hub
	err := db.update(ctx, func(tx *bbolt.Tx) error {
		var err error
		if h, err = getHub(tx, id); err != nil {
			return err
		}
		if err := fn(h); err != nil {
			return err
		}
		if h.ID != id {
			return immutable("id")
		}
		if err := h.Validate(); err != nil {
			return err
		}
		for _, n := range h.Neighbors {
			if n == id || !hubExists(tx, n) {
				return unknownHub(n)
			}
		}
		return putJSON(tx.Bucket(hubBucket), itob(id), h)
	})
	if err != nil {
		return nil, err
	}
	return h, nil
}
