package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/saperi/saperi"
	"go.etcd.io/bbolt"
)

// CreateSynonym validates s, assigns its ID and stores it with ev in the
// audit trail.
func (db *DB) CreateSynonym(ctx context.Context, s *saperi.Synonym, ev saperi.Event) error {
	if err := s.Validate(); err != nil {
		return err
	}
	err := db.update(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket(synonymBucket)
		id, err := b.NextSequence()
		if err != nil {
			return fmt.Errorf("store: create synonym: %w", err)
		}
		s.ID = id
		if err := putJSON(b, itob(id), s); err != nil {
			return fmt.Errorf("store: put synonym %d: %w", id, err)
		}
		ev.Subject = "synonym/" + strconv.FormatUint(id, 10)
		return addEvent(tx, ev)
	})
	if err != nil {
		s.ID = 0
	}
	return err
}

// Synonyms returns every synonym group, by id.
func (db *DB) Synonyms(ctx context.Context) ([]*saperi.Synonym, error) {
	out := []*saperi.Synonym{}
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		return tx.Bucket(synonymBucket).ForEach(func(k, v []byte) error {
			s := &saperi.Synonym{}
			if err := json.Unmarshal(v, s); err != nil {
				return fmt.Errorf("store: get synonym %d: %w", btoi(k), err)
			}
			out = append(out, s)
			return nil
		})
	})
	return out, err
}

// DeleteSynonym deletes synonym group id, recording ev.
func (db *DB) DeleteSynonym(ctx context.Context, id uint64, ev saperi.Event) error {
	return db.update(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket(synonymBucket)
		if b.Get(itob(id)) == nil {
			return saperi.NotFound("synonym", id)
		}
		if err := b.Delete(itob(id)); err != nil {
			return fmt.Errorf("store: delete synonym %d: %w", id, err)
		}
		ev.Subject = "synonym/" + strconv.FormatUint(id, 10)
		return addEvent(tx, ev)
	})
}
