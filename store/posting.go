package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/saperi/saperi"
	"go.etcd.io/bbolt"
)

// defaultScanBatch is ScanPostings' chunk size when none is given.
const defaultScanBatch = 1000

// CreatePosting validates p (already normalised, with Created and Updated
// set by the caller) against the stored categories as of p.Created, checks
// that its profile exists, assigns its ID, and writes the record, an outbox
// entry and an audit event (Action "posting.create" unless set, Subject
// "posting/<id>", OnBehalfOf the owner) in one transaction.
func (db *DB) CreatePosting(ctx context.Context, p *saperi.Posting, ev saperi.Event) error {
	err := db.batch(ctx, func(tx *bbolt.Tx) error {
		cats, err := categories(tx)
		if err != nil {
			return err
		}
		if err := createPosting(tx, p, cats); err != nil {
			return err
		}
		return addEvent(tx, postingEvent(ev, p, "posting.create"))
	})
	if err != nil {
		p.ID = 0
	}
	return err
}

// UpdatePosting reads posting id, lets fn change it, validates it as of
// p.Updated (which fn should set) and writes the record, an outbox entry
// and an audit event (Action "posting.update" unless set) in one
// transaction. An error from fn aborts the update and is returned as is.
// ID, Kind and ProfileID cannot change.
func (db *DB) UpdatePosting(ctx context.Context, id uint64, fn func(*saperi.Posting) error, ev saperi.Event) (*saperi.Posting, error) {
	var p *saperi.Posting
	err := db.batch(ctx, func(tx *bbolt.Tx) error {
		var err error
		if p, err = getPosting(tx, id); err != nil {
			return err
		}
		old := &saperi.Posting{ID: p.ID, Kind: p.Kind, ProfileID: p.ProfileID, HubID: p.HubID}
		if err := fn(p); err != nil {
			return err
		}
		switch {
		case p.ID != old.ID:
			return immutable("id")
		case p.Kind != old.Kind:
			return immutable("kind")
		case p.ProfileID != old.ProfileID:
			return immutable("profile_id")
		}
		cats, err := categories(tx)
		if err != nil {
			return err
		}
		if err := p.Validate(cats, p.Updated); err != nil {
			return err
		}
		if err := putPosting(tx, p, old); err != nil {
			return err
		}
		return addEvent(tx, postingEvent(ev, p, "posting.update"))
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// ImportPostings stores ps in one transaction: all of them or, on the first
// invalid one, none. Each is validated as CreatePosting does; an error
// names the index of the posting ("posting 3: ...") and, when it is a
// *saperi.Error, carries it as Args["Index"]. Each posting gets an ID and an
// outbox entry; one audit event (Action "posting.import" unless set,
// Subject "postings" unless set, Detail "<n> postings") records the import.
func (db *DB) ImportPostings(ctx context.Context, ps []*saperi.Posting, ev saperi.Event) error {
	if len(ps) == 0 {
		return nil
	}
	err := db.update(ctx, func(tx *bbolt.Tx) error {
		cats, err := categories(tx)
		if err != nil {
			return err
		}
		for i, p := range ps {
			if err := createPosting(tx, p, cats); err != nil {
				if e := saperi.AsError(err); e != nil {
					c := *e
					c.Args = map[string]any{"Index": i}
					for k, v := range e.Args {
						c.Args[k] = v
					}
					err = &c
				}
				return fmt.Errorf("posting %d: %w", i, err)
			}
		}
		if ev.Action == "" {
			ev.Action = "posting.import"
		}
		if ev.Subject == "" {
			ev.Subject = "postings"
		}
		ev.Detail = fmt.Sprintf("%d postings", len(ps))
		return addEvent(tx, ev)
	})
	if err != nil {
		for _, p := range ps {
			p.ID = 0
		}
	}
	return err
}

// Posting returns posting id.
func (db *DB) Posting(ctx context.Context, id uint64) (*saperi.Posting, error) {
	var p *saperi.Posting
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		var err error
		p, err = getPosting(tx, id)
		return err
	})
	return p, err
}

// Postings returns the postings among ids that exist, in the order given.
func (db *DB) Postings(ctx context.Context, ids []uint64) ([]*saperi.Posting, error) {
	out := make([]*saperi.Posting, 0, len(ids))
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket(postingBucket)
		for _, id := range ids {
			p := &saperi.Posting{}
			ok, err := getJSON(b, id, p)
			if err != nil {
				return fmt.Errorf("store: get posting %d: %w", id, err)
			}
			if ok {
				out = append(out, p)
			}
		}
		return nil
	})
	return out, err
}

// ListPostings returns the postings that pass f with id > f.After, by id,
// at most f.Limit (default 50, at most 500). Area compares without regard
// to case; Status compares the stored status.
func (db *DB) ListPostings(ctx context.Context, f saperi.PostingFilter) ([]*saperi.Posting, error) {
	n := clampLimit(f.Limit)
	out := []*saperi.Posting{}
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		postings := tx.Bucket(postingBucket)
		add := func(id uint64, v []byte) (bool, error) {
			p := &saperi.Posting{}
			if err := json.Unmarshal(v, p); err != nil {
				return false, fmt.Errorf("store: get posting %d: %w", id, err)
			}
			if keep(f, p) {
				out = append(out, p)
			}
			return len(out) >= n, nil
		}
		viaIndex := func(id uint64, _ []byte) (bool, error) {
			v := postings.Get(itob(id))
			if v == nil {
				return false, nil
			}
			return add(id, v)
		}
		switch {
		case f.ProfileID != 0:
			return scanPairs(tx.Bucket(profilePostingBucket), f.ProfileID, f.After, viaIndex)
		case f.HubID != 0:
			return scanPairs(tx.Bucket(hubPostingBucket), f.HubID, f.After, viaIndex)
		}
		c := postings.Cursor()
		for k, v := seekAfter(c, f.After); k != nil; k, v = c.Next() {
			if stop, err := add(btoi(k), v); err != nil || stop {
				return err
			}
		}
		return nil
	})
	return out, err
}

// keep reports whether p passes the filter f (After and Limit aside).
// status is the posting's status as of f.Now when given (an open posting
// past its expiry is expired), else as stored.
func status(f saperi.PostingFilter, p *saperi.Posting) saperi.Status {
	if f.Now.IsZero() {
		return p.Status
	}
	return p.StatusAt(f.Now)
}

func keep(f saperi.PostingFilter, p *saperi.Posting) bool {
	return (f.Kind == "" || p.Kind == f.Kind) &&
		(f.Status == "" || status(f, p) == f.Status) &&
		(f.Category == "" || p.Category == f.Category) &&
		(f.Area == "" || strings.EqualFold(p.Area, f.Area)) &&
		(f.HubID == 0 || p.HubID == f.HubID) &&
		(f.ProfileID == 0 || p.ProfileID == f.ProfileID)
}

// ScanPostings calls fn with every posting, in id order, in chunks of at
// most batch (default 1000). Each chunk is read in its own transaction and
// fn runs outside it, so a long scan never holds the file; postings written
// meanwhile may or may not be seen. ctx is checked between chunks. An
// error from fn stops the scan and is returned as is.
func (db *DB) ScanPostings(ctx context.Context, batch int, fn func([]*saperi.Posting) error) error {
	return scan(ctx, db, postingBucket, "posting", batch, fn)
}

// CountPostings returns the number of stored postings.
func (db *DB) CountPostings(ctx context.Context) (int, error) {
	n := 0
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		n = int(getUint(tx.Bucket(metaBucket), postingCountKey))
		return nil
	})
	return n, err
}

func getPosting(tx *bbolt.Tx, id uint64) (*saperi.Posting, error) {
	p := &saperi.Posting{}
	ok, err := getJSON(tx.Bucket(postingBucket), id, p)
	if err != nil {
		return nil, fmt.Errorf("store: get posting %d: %w", id, err)
	}
	if !ok {
		return nil, saperi.NotFound("posting", id)
	}
	return p, nil
}

// createPosting validates p, checks its owner, assigns its ID and writes it
// with its outbox entry.
func createPosting(tx *bbolt.Tx, p *saperi.Posting, cats []saperi.Category) error {
	if err := p.Validate(cats, p.Created); err != nil {
		return err
	}
	if tx.Bucket(profileBucket).Get(itob(p.ProfileID)) == nil {
		return &saperi.Error{Code: saperi.EINVALID, Key: "error.unknown_profile", Field: "profile_id",
			Args: map[string]any{"ID": p.ProfileID}, Message: fmt.Sprintf("unknown profile %d", p.ProfileID)}
	}
	id, err := tx.Bucket(postingBucket).NextSequence()
	if err != nil {
		return fmt.Errorf("store: create posting: %w", err)
	}
	p.ID = id
	return putPosting(tx, p, nil)
}

// putPosting writes p, keeps the indexes and the posting count in step and
// adds an outbox entry. old holds the stored ID, ProfileID and HubID, nil
// for a new posting.
func putPosting(tx *bbolt.Tx, p, old *saperi.Posting) error {
	if err := putJSON(tx.Bucket(postingBucket), itob(p.ID), p); err != nil {
		return fmt.Errorf("store: put posting %d: %w", p.ID, err)
	}
	hubs := tx.Bucket(hubPostingBucket)
	if old == nil {
		if err := tx.Bucket(profilePostingBucket).Put(pairKey(p.ProfileID, p.ID), nil); err != nil {
			return fmt.Errorf("store: index posting %d: %w", p.ID, err)
		}
		meta := tx.Bucket(metaBucket)
		if err := meta.Put(postingCountKey, itob(getUint(meta, postingCountKey)+1)); err != nil {
			return fmt.Errorf("store: count posting %d: %w", p.ID, err)
		}
	} else if old.HubID != p.HubID {
		if err := hubs.Delete(pairKey(old.HubID, p.ID)); err != nil {
			return fmt.Errorf("store: index posting %d: %w", p.ID, err)
		}
	}
	if old == nil || old.HubID != p.HubID {
		if err := hubs.Put(pairKey(p.HubID, p.ID), nil); err != nil {
			return fmt.Errorf("store: index posting %d: %w", p.ID, err)
		}
	}
	return enqueue(tx, p.ID)
}

func postingEvent(ev saperi.Event, p *saperi.Posting, action string) saperi.Event {
	if ev.Action == "" {
		ev.Action = action
	}
	ev.Subject = fmt.Sprintf("posting/%d", p.ID)
	ev.OnBehalfOf = p.ProfileID
	return ev
}
