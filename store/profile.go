package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/saperi/saperi"
	"go.etcd.io/bbolt"
)

// CreateProfile validates p, checks that its hub exists, assigns its ID and
// stores it with an audit event: ev with Subject "profile/<id>",
// OnBehalfOf the new id and Action "profile.create" unless set.
func (db *DB) CreateProfile(ctx context.Context, p *saperi.Profile, ev saperi.Event) error {
	if err := p.Validate(); err != nil {
		return err
	}
	err := db.update(ctx, func(tx *bbolt.Tx) error { return createProfile(tx, p, ev) })
	if err != nil {
		p.ID = 0
	}
	return err
}

// createProfile is CreateProfile inside tx, p already validated.
func createProfile(tx *bbolt.Tx, p *saperi.Profile, ev saperi.Event) error {
	if !hubExists(tx, p.HubID) {
		return unknownHub(p.HubID)
	}
	id, err := tx.Bucket(profileBucket).NextSequence()
	if err != nil {
		return fmt.Errorf("store: create profile: %w", err)
	}
	p.ID = id
	if err := putProfile(tx, p, nil); err != nil {
		return err
	}
	return addEvent(tx, profileEvent(ev, p.ID, "profile.create"))
}

// UpdateProfile reads profile id, lets fn change it and writes it back with
// an audit event (Action "profile.update" unless set), all in one
// transaction. An error from fn aborts the update and is returned as is.
// When the hub, area, point or languages changed, every posting of the
// profile gets an outbox entry so the index re-reads it; the postings
// themselves keep the values they inherited.
func (db *DB) UpdateProfile(ctx context.Context, id uint64, fn func(*saperi.Profile) error, ev saperi.Event) (*saperi.Profile, error) {
	var p *saperi.Profile
	err := db.update(ctx, func(tx *bbolt.Tx) error {
		var err error
		if p, err = getProfile(tx, id); err != nil {
			return err
		}
		old := snapshotProfile(p)
		if err := fn(p); err != nil {
			return err
		}
		if p.ID != id {
			return immutable("id")
		}
		if err := p.Validate(); err != nil {
			return err
		}
		if p.HubID != old.HubID && !hubExists(tx, p.HubID) {
			return unknownHub(p.HubID)
		}
		if err := putProfile(tx, p, old); err != nil {
			return err
		}
		if old.HubID != p.HubID || old.Area != p.Area || !samePoint(old.Point, p.Point) || !slices.Equal(old.Languages, p.Languages) {
			if err := moveProfilePostings(tx, old, p); err != nil {
				return err
			}
		}
		return addEvent(tx, profileEvent(ev, id, "profile.update"))
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Profile returns profile id.
func (db *DB) Profile(ctx context.Context, id uint64) (*saperi.Profile, error) {
	var p *saperi.Profile
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		var err error
		p, err = getProfile(tx, id)
		return err
	})
	return p, err
}

// Profiles returns profiles with id > after, by id, at most limit (default
// 50, at most 500); hubID 0 lists every hub's.
func (db *DB) Profiles(ctx context.Context, hubID uint64, after uint64, limit int) ([]*saperi.Profile, error) {
	n := clampLimit(limit)
	out := []*saperi.Profile{}
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		profiles := tx.Bucket(profileBucket)
		add := func(id uint64, v []byte) (bool, error) {
			p := &saperi.Profile{}
			if err := json.Unmarshal(v, p); err != nil {
				return false, fmt.Errorf("store: get profile %d: %w", id, err)
			}
			out = append(out, p)
			return len(out) >= n, nil
		}
		if hubID != 0 {
			return scanPairs(tx.Bucket(hubProfileBucket), hubID, after, func(id uint64, _ []byte) (bool, error) {
				v := profiles.Get(itob(id))
				if v == nil {
					return false, nil
				}
				return add(id, v)
			})
		}
		c := profiles.Cursor()
		for k, v := seekAfter(c, after); k != nil; k, v = c.Next() {
			if stop, err := add(btoi(k), v); err != nil || stop {
				return err
			}
		}
		return nil
	})
	return out, err
}

func getProfile(tx *bbolt.Tx, id uint64) (*saperi.Profile, error) {
	p := &saperi.Profile{}
	ok, err := getJSON(tx.Bucket(profileBucket), id, p)
	if err != nil {
		return nil, fmt.Errorf("store: get profile %d: %w", id, err)
	}
	if !ok {
		return nil, saperi.NotFound("profile", id)
	}
	return p, nil
}

// putProfile writes p and keeps the hub index in step; old is the stored
// version, nil for a new profile.
func putProfile(tx *bbolt.Tx, p, old *saperi.Profile) error {
	if err := putJSON(tx.Bucket(profileBucket), itob(p.ID), p); err != nil {
		return fmt.Errorf("store: put profile %d: %w", p.ID, err)
	}
	idx := tx.Bucket(hubProfileBucket)
	if old != nil && old.HubID != p.HubID {
		if err := idx.Delete(pairKey(old.HubID, p.ID)); err != nil {
			return fmt.Errorf("store: index profile %d: %w", p.ID, err)
		}
	}
	if old == nil || old.HubID != p.HubID {
		if err := idx.Put(pairKey(p.HubID, p.ID), nil); err != nil {
			return fmt.Errorf("store: index profile %d: %w", p.ID, err)
		}
	}
	return nil
}

// snapshotProfile copies the fields of p that UpdateProfile compares, so
// that fn cannot change them through shared slices or pointers.
func snapshotProfile(p *saperi.Profile) *saperi.Profile {
	s := &saperi.Profile{ID: p.ID, HubID: p.HubID, Area: p.Area, Languages: slices.Clone(p.Languages)}
	if p.Point != nil {
		pt := *p.Point
		s.Point = &pt
	}
	return s
}

func samePoint(a, b *saperi.Point) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// moveProfilePostings carries a profile's new hub, area, point and
// languages over to its postings, where a posting still has the value it
// inherited (a posting given its own area keeps it), and enqueues each
// changed posting for the index.
func moveProfilePostings(tx *bbolt.Tx, old, now *saperi.Profile) error {
	return scanPairs(tx.Bucket(profilePostingBucket), now.ID, 0, func(id uint64, _ []byte) (bool, error) {
		p, err := getPosting(tx, id)
		if err != nil {
			return false, err
		}
		before := &saperi.Posting{ID: p.ID, Kind: p.Kind, ProfileID: p.ProfileID, HubID: p.HubID}
		changed := false
		if p.HubID == old.HubID && p.HubID != now.HubID {
			p.HubID, changed = now.HubID, true
		}
		if p.Area == old.Area && p.Area != now.Area {
			p.Area, changed = now.Area, true
		}
		if samePoint(p.Point, old.Point) && !samePoint(p.Point, now.Point) {
			p.Point, changed = now.Point, true
		}
		if slices.Equal(p.Languages, old.Languages) && !slices.Equal(p.Languages, now.Languages) {
			p.Languages, changed = append([]string{}, now.Languages...), true
		}
		if !changed {
			return false, nil
		}
		if !now.Updated.IsZero() {
			p.Updated = now.Updated
		}
		return false, putPosting(tx, p, before)
	})
}

func profileEvent(ev saperi.Event, id uint64, action string) saperi.Event {
	if ev.Action == "" {
		ev.Action = action
	}
	ev.Subject = fmt.Sprintf("profile/%d", id)
	ev.OnBehalfOf = id
	return ev
}

func unknownHub(id uint64) error {
	return &saperi.Error{Code: saperi.EINVALID, Key: "error.unknown_hub", Field: "hub_id",
		Args: map[string]any{"ID": id}, Message: fmt.Sprintf("unknown hub %d", id)}
}

// ImportProfiles stores many profiles in one transaction (spreadsheet
// imports, generated data): all or none. Each gets an ID and its own audit
// event, as CreateProfile would write.
func (db *DB) ImportProfiles(ctx context.Context, ps []*saperi.Profile, ev saperi.Event) error {
	for i, p := range ps {
		if err := p.Validate(); err != nil {
			return fmt.Errorf("profile %d: %w", i, err)
		}
	}
	err := db.update(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket(profileBucket)
		for i, p := range ps {
			if !hubExists(tx, p.HubID) {
				return fmt.Errorf("profile %d: %w", i, unknownHub(p.HubID))
			}
			id, err := b.NextSequence()
			if err != nil {
				return fmt.Errorf("store: import profile %d: %w", i, err)
			}
			p.ID = id
			if err := putProfile(tx, p, nil); err != nil {
				return err
			}
			if err := addEvent(tx, profileEvent(ev, p.ID, "profile.import")); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		for _, p := range ps {
			p.ID = 0
		}
	}
	return err
}
