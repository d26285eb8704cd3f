package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/saperi/saperi"
	"go.etcd.io/bbolt"
)

// CreateHub validates h, assigns its ID and stores it.
func (db *DB) CreateHub(ctx context.Context, h *saperi.Hub) error {
	if err := h.Validate(); err != nil {
		return err
	}
	err := db.update(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket(hubBucket)
		for _, n := range h.Neighbors {
			if !hubExists(tx, n) {
				return &saperi.Error{Code: saperi.EINVALID, Key: "error.unknown_hub", Field: "neighbors",
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
func (db *DB) Hub(ctx context.Context, id uint64) (*saperi.Hub, error) {
	var h *saperi.Hub
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		var err error
		h, err = getHub(tx, id)
		return err
	})
	return h, err
}

// Hubs returns every hub, by id.
func (db *DB) Hubs(ctx context.Context) ([]*saperi.Hub, error) {
	out := []*saperi.Hub{}
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		return tx.Bucket(hubBucket).ForEach(func(k, v []byte) error {
			h := &saperi.Hub{}
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
func (db *DB) Categories(ctx context.Context) ([]saperi.Category, error) {
	var out []saperi.Category
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		var err error
		out, err = categories(tx)
		return err
	})
	return out, err
}

func getHub(tx *bbolt.Tx, id uint64) (*saperi.Hub, error) {
	h := &saperi.Hub{}
	ok, err := getJSON(tx.Bucket(hubBucket), id, h)
	if err != nil {
		return nil, fmt.Errorf("store: get hub %d: %w", id, err)
	}
	if !ok {
		return nil, saperi.NotFound("hub", id)
	}
	return h, nil
}

func hubExists(tx *bbolt.Tx, id uint64) bool {
	return tx.Bucket(hubBucket).Get(itob(id)) != nil
}

func categories(tx *bbolt.Tx) ([]saperi.Category, error) {
	out := []saperi.Category{}
	err := tx.Bucket(categoryBucket).ForEach(func(k, v []byte) error {
		var c saperi.Category
		if err := json.Unmarshal(v, &c); err != nil {
			return fmt.Errorf("store: get category %d: %w", btoi(k), err)
		}
		out = append(out, c)
		return nil
	})
	return out, err
}
