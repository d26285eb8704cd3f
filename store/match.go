package store

import (
	"context"
	"fmt"

	"github.com/saperi/saperi"
	"go.etcd.io/bbolt"
)

// CreateMatch stores m (built by saperi.NewMatch), assigns its ID, indexes
// it under both postings and adds an audit event (Action "match.propose"
// unless set, Subject "match/<id>"). Both postings must exist (ENOTFOUND)
// and be a need and an offer (EINVALID). It fails with ECONFLICT when the
// pair was ever declined ("error.match.declined") or already has an active
// match ("error.match.exists").
func (db *DB) CreateMatch(ctx context.Context, m *saperi.Match, ev saperi.Event) error {
	err := db.update(ctx, func(tx *bbolt.Tx) error { return createMatch(tx, m, ev) })
	if err != nil {
		m.ID = 0
	}
	return err
}

// CreateMatches creates ms as CreateMatch does, in transactions of a few
// hundred, in order (so ids follow the order of ms), ev[i] for ms[i]. A
// match CreateMatch would refuse with ECONFLICT, EINVALID or ENOTFOUND is
// skipped:
// its error is at its index in the result and its ID stays 0. Any other
// error stops the run; the matches of transactions already committed
// keep their ids.
func (db *DB) CreateMatches(ctx context.Context, ms []*saperi.Match, evs []saperi.Event) ([]error, error) {
	const perTx = 500
	errs := make([]error, len(ms))
	for start := 0; start < len(ms); start += perTx {
		end := min(start+perTx, len(ms))
		err := db.update(ctx, func(tx *bbolt.Tx) error {
			for i := start; i < end; i++ {
				ms[i].ID, errs[i] = 0, nil
				err := createMatch(tx, ms[i], evs[i])
				switch saperi.ErrorCode(err) {
				case "":
				case saperi.ECONFLICT, saperi.EINVALID, saperi.ENOTFOUND:
					errs[i] = err
					ms[i].ID = 0
				default:
					return err
				}
			}
			return nil
		})
		if err != nil {
			for i := start; i < end; i++ {
				ms[i].ID = 0
			}
			return errs, err
		}
	}
	return errs, nil
}

// createMatch is CreateMatch in tx. It checks everything before it writes,
// so a refusal leaves tx unchanged.
func createMatch(tx *bbolt.Tx, m *saperi.Match, ev saperi.Event) error {
	need, err := getPosting(tx, m.NeedID)
	if err != nil {
		return err
	}
	offer, err := getPosting(tx, m.OfferID)
	if err != nil {
		return err
	}
	if need.Kind != saperi.Need || offer.Kind != saperi.Offer {
		return saperi.Errorf(saperi.EINVALID, "error.match.kinds", "a match pairs a need with an offer")
	}
	// The caller checked both were open outside this transaction;
	// one may have closed since.
	for _, p := range []*saperi.Posting{need, offer} {
		if st := p.StatusAt(m.Created); st != saperi.Open {
			e := saperi.Errorf(saperi.ECONFLICT, "error.match.not_open", "posting %d is %s, not open", p.ID, st)
			e.Args = map[string]any{"ID": p.ID, "Status": string(st)}
			return e
		}
	}
	args := map[string]any{"NeedID": m.NeedID, "OfferID": m.OfferID}
	if tx.Bucket(declinedBucket).Get(pairKey(m.NeedID, m.OfferID)) != nil {
		e := saperi.Errorf(saperi.ECONFLICT, "error.match.declined", "need %d and offer %d were declined before", m.NeedID, m.OfferID)
		e.Args = args
		return e
	}
	if active, err := activeMatch(tx, m.NeedID, m.OfferID); err != nil {
		return err
	} else if active != 0 {
		e := saperi.Errorf(saperi.ECONFLICT, "error.match.exists", "need %d and offer %d are already matched (match %d)", m.NeedID, m.OfferID, active)
		e.Args = args
		return e
	}
	id, err := tx.Bucket(matchBucket).NextSequence()
	if err != nil {
		return fmt.Errorf("store: create match: %w", err)
	}
	m.ID = id
	if err := putMatch(tx, m); err != nil {
		return err
	}
	return addEvent(tx, matchEvent(ev, id, "match.propose"))
}

// UpdateMatch reads match id, lets fn change it (typically with
// Match.Apply) and writes it back with an audit event (Action
// "match.update" unless set; callers set e.g. "match.accept"; Subject
// "match/<id>"; OnBehalfOf as given), all in one transaction. An error from fn aborts the update and is returned as is.
// ID, NeedID and OfferID cannot change. Entering Declined records the pair
// so it is never proposed again; entering Connected marks the need posting
// matched (with its outbox entry), as of m.Updated.
func (db *DB) UpdateMatch(ctx context.Context, id uint64, fn func(*saperi.Match) error, ev saperi.Event) (*saperi.Match, error) {
	var m *saperi.Match
	err := db.update(ctx, func(tx *bbolt.Tx) error {
		var err error
		if m, err = getMatch(tx, id); err != nil {
			return err
		}
		needID, offerID, from := m.NeedID, m.OfferID, m.State
		if err := fn(m); err != nil {
			return err
		}
		switch {
		case m.ID != id:
			return immutable("id")
		case m.NeedID != needID:
			return immutable("need_id")
		case m.OfferID != offerID:
			return immutable("offer_id")
		}
		if err := putMatch(tx, m); err != nil {
			return err
		}
		if m.State == saperi.Declined && from != saperi.Declined {
			d := tx.Bucket(declinedBucket)
			if err := d.Put(pairKey(needID, offerID), itob(id)); err != nil {
				return fmt.Errorf("store: decline match %d: %w", id, err)
			}
			if err := d.Put(pairKey(offerID, needID), itob(id)); err != nil {
				return fmt.Errorf("store: decline match %d: %w", id, err)
			}
		}
		if m.State == saperi.Connected && from != saperi.Connected {
			if err := markMatched(tx, m); err != nil {
				return err
			}
		}
		if from == saperi.Connected && m.State == saperi.Withdrawn {
			if err := reopenNeed(tx, m); err != nil {
				return err
			}
		}
		return addEvent(tx, matchEvent(ev, id, "match.update"))
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// Match returns match id.
func (db *DB) Match(ctx context.Context, id uint64) (*saperi.Match, error) {
	var m *saperi.Match
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		var err error
		m, err = getMatch(tx, id)
		return err
	})
	return m, err
}

// MatchesOf returns the matches posting postingID is part of, by id. An
// unknown posting is ENOTFOUND.
func (db *DB) MatchesOf(ctx context.Context, postingID uint64) ([]*saperi.Match, error) {
	out := []*saperi.Match{}
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		if tx.Bucket(postingBucket).Get(itob(postingID)) == nil {
			return saperi.NotFound("posting", postingID)
		}
		return scanPairs(tx.Bucket(postingMatchBucket), postingID, 0, func(id uint64, _ []byte) (bool, error) {
			m, err := getMatch(tx, id)
			if err != nil {
				return false, err
			}
			out = append(out, m)
			return false, nil
		})
	})
	return out, err
}

// ActiveMatches returns, for each of ids, how many active matches the
// posting is part of; postings with none may be absent from the map.
func (db *DB) ActiveMatches(ctx context.Context, ids []uint64) (map[uint64]int, error) {
	out := make(map[uint64]int, len(ids))
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		idx := tx.Bucket(postingMatchBucket)
		for _, pid := range ids {
			if _, done := out[pid]; done {
				continue
			}
			n := 0
			if err := scanPairs(idx, pid, 0, func(_ uint64, state []byte) (bool, error) {
				if saperi.MatchState(state).Active() {
					n++
				}
				return false, nil
			}); err != nil {
				return err
			}
			if n > 0 {
				out[pid] = n
			}
		}
		return nil
	})
	return out, err
}

// Declined returns the ids of the postings that were declined with
// postingID, in id order; none for an unknown posting.
func (db *DB) Declined(ctx context.Context, postingID uint64) ([]uint64, error) {
	out := []uint64{}
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		return scanPairs(tx.Bucket(declinedBucket), postingID, 0, func(other uint64, _ []byte) (bool, error) {
			out = append(out, other)
			return false, nil
		})
	})
	return out, err
}

func getMatch(tx *bbolt.Tx, id uint64) (*saperi.Match, error) {
	m := &saperi.Match{}
	ok, err := getJSON(tx.Bucket(matchBucket), id, m)
	if err != nil {
		return nil, fmt.Errorf("store: get match %d: %w", id, err)
	}
	if !ok {
		return nil, saperi.NotFound("match", id)
	}
	return m, nil
}

// putMatch writes m and its state under both postings in posting_matches.
func putMatch(tx *bbolt.Tx, m *saperi.Match) error {
	if err := putJSON(tx.Bucket(matchBucket), itob(m.ID), m); err != nil {
		return fmt.Errorf("store: put match %d: %w", m.ID, err)
	}
	idx := tx.Bucket(postingMatchBucket)
	for _, pid := range []uint64{m.NeedID, m.OfferID} {
		if err := idx.Put(pairKey(pid, m.ID), []byte(m.State)); err != nil {
			return fmt.Errorf("store: index match %d: %w", m.ID, err)
		}
	}
	return nil
}

// activeMatch returns the id of an active match between need and offer, 0
// when there is none.
func activeMatch(tx *bbolt.Tx, needID, offerID uint64) (uint64, error) {
	var found uint64
	err := scanPairs(tx.Bucket(postingMatchBucket), needID, 0, func(id uint64, state []byte) (bool, error) {
		if !saperi.MatchState(state).Active() {
			return false, nil
		}
		m, err := getMatch(tx, id)
		if err != nil {
			return false, err
		}
		if m.OfferID == offerID {
			found = id
			return true, nil
		}
		return false, nil
	})
	return found, err
}

// markMatched sets the need posting of a connected match to matched.
func markMatched(tx *bbolt.Tx, m *saperi.Match) error {
	p, err := getPosting(tx, m.NeedID)
	if err != nil {
		return err
	}
	if p.Status == saperi.Matched {
		return nil
	}
	old := &saperi.Posting{ID: p.ID, Kind: p.Kind, ProfileID: p.ProfileID, HubID: p.HubID}
	p.Status = saperi.Matched
	if !m.Updated.IsZero() {
		p.Updated = m.Updated
	}
	return putPosting(tx, p, old)
}

// reopenNeed sets the need of a withdrawn connection back to open, unless
// another match still connects it (or completed it).
func reopenNeed(tx *bbolt.Tx, m *saperi.Match) error {
	p, err := getPosting(tx, m.NeedID)
	if err != nil || p.Status != saperi.Matched {
		return err
	}
	still := false
	err = scanPairs(tx.Bucket(postingMatchBucket), m.NeedID, 0, func(id uint64, state []byte) (bool, error) {
		st := saperi.MatchState(state)
		if id != m.ID && (st == saperi.Connected || st == saperi.Done) {
			still = true
			return true, nil
		}
		return false, nil
	})
	if err != nil || still {
		return err
	}
	old := &saperi.Posting{ID: p.ID, Kind: p.Kind, ProfileID: p.ProfileID, HubID: p.HubID}
	p.Status = saperi.Open
	if !m.Updated.IsZero() {
		p.Updated = m.Updated
	}
	return putPosting(tx, p, old)
}

func matchEvent(ev saperi.Event, id uint64, action string) saperi.Event {
	if ev.Action == "" {
		ev.Action = action
	}
	ev.Subject = fmt.Sprintf("match/%d", id)
	return ev
}
