package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/saperi/saperi/matcher"
	"go.etcd.io/bbolt"
)

// CreateHub validates h, assigns its ID and stores it.
func (db *DB) CreateHub(ctx context.Context, h *matcher.Hub) error {
	if err := h.Validate(); err != nil {
		return err
	}
	err := db.update(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket(hubBucket)
		for _, n := range h.Neighbors {
			if !hubExists(tx, n) {
				return &matcher.Error{Code: matcher.EINVALID, Key: "error.unknown_hub", Field: "neighbors",
					Args: map[string]any{"ID": n}, Message: fmt.Sprintf("unknown hub %d", n)}
			}
		}
		id, err := b.NextSequence()
		if err != nil {
			return fmt.Errorf("store: create hub: %w", err)
		}
		h.ID = id
		if err := putJSON(b, itob(id), h); err != nil {
			return fmt.Errorf("store: put hub %d: %w", id, err)
		}
		return nil
	})
	if err != nil {
		h.ID = 0
	}
	return err
}

// Hub returns hub id.
func (db *DB) Hub(ctx context.Context, id uint64) (*matcher.Hub, error) {
	var h *matcher.Hub
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		var err error
		h, err = getHub(tx, id)
		return err
	})
	return h, err
}

// Hubs returns every hub, by id.
func (db *DB) Hubs(ctx context.Context) ([]*matcher.Hub, error) {
	out := []*matcher.Hub{}
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		return tx.Bucket(hubBucket).ForEach(func(k, v []byte) error {
			h := &matcher.Hub{}
			if err := json.Unmarshal(v, h); err != nil {
				return fmt.Errorf("store: get hub %d: %w", btoi(k), err)
			}
			out = append(out, h)
			return nil
		})
	})
	return out, err
}

// Categories returns the taxonomy, in display order.
func (db *DB) Categories(ctx context.Context) ([]matcher.Category, error) {
	var out []matcher.Category
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		var err error
		out, err = categories(tx)
		return err
	})
	return out, err
}

func getHub(tx *bbolt.Tx, id uint64) (*matcher.Hub, error) {
	h := &matcher.Hub{}
	ok, err := getJSON(tx.Bucket(hubBucket), id, h)
	if err != nil {
		return nil, fmt.Errorf("store: get hub %d: %w", id, err)
	}
	if !ok {
		return nil, matcher.NotFound("hub", id)
	}
	return h, nil
}

func hubExists(tx *bbolt.Tx, id uint64) bool {
	return tx.Bucket(hubBucket).Get(itob(id)) != nil
}

func categories(tx *bbolt.Tx) ([]matcher.Category, error) {
	out := []matcher.Category{}
	err := tx.Bucket(categoryBucket).ForEach(func(k, v []byte) error {
		var c matcher.Category
		if err := json.Unmarshal(v, &c); err != nil {
			return fmt.Errorf("store: get category %d: %w", btoi(k), err)
		}
		out = append(out, c)
		return nil
	})
	return out, err
}
