package store

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/saperi/saperi"
)

// pair is a store with a need of one profile and two offers of another.
type pair struct {
	db            *DB
	need, offer   *saperi.Posting
	offer2        *saperi.Posting
	asker, helper *saperi.Profile
}

func newPair(tb testing.TB) pair {
	tb.Helper()
	db := open(tb)
	h := mustHub(tb, db, "Portineria Aurora")
	asker := mustProfile(tb, db, h.ID, "Maria Rossi")
	helper := mustProfile(tb, db, h.ID, "Giorgio Bianchi")
	return pair{
		db: db, asker: asker, helper: helper,
		need:   mustPosting(tb, db, asker, saperi.Need, "Cerco aiuto con i compiti"),
		offer:  mustPosting(tb, db, helper, saperi.Offer, "Ripetizioni di matematica"),
		offer2: mustPosting(tb, db, helper, saperi.Offer, "Ripetizioni di inglese"),
	}
}

// propose stores a new match of need and offer.
func (p pair) propose(tb testing.TB, need, offer *saperi.Posting) (*saperi.Match, error) {
	tb.Helper()
	m, err := saperi.NewMatch(need, offer, saperi.Scored{Score: 0.8}, saperi.ByOperator, "op1", t0.Add(time.Hour))
	if err != nil {
		tb.Fatal(err)
	}
	return m, p.db.CreateMatch(context.Background(), m, saperi.Event{At: t0.Add(time.Hour), Actor: "op1"})
}

// apply performs a on match id through UpdateMatch.
func (p pair) apply(tb testing.TB, id uint64, a saperi.Action, side saperi.Side) *saperi.Match {
	tb.Helper()
	now := t0.Add(2 * time.Hour)
	m, err := p.db.UpdateMatch(context.Background(), id, func(m *saperi.Match) error {
		return m.Apply(a, side, "op1", "", now)
	}, saperi.Event{At: now, Actor: "op1", Action: "match." + string(a)})
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

func TestMatchCreate(t *testing.T) {
	p := newPair(t)
	ctx := context.Background()
	m, err := p.propose(t, p.need, p.offer)
	if err != nil {
		t.Fatal(err)
	}
	if m.ID == 0 {
		t.Fatal("no id assigned")
	}
	got, err := p.db.Match(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, m) {
		t.Errorf("Match = %+v\nwant %+v", got, m)
	}
	evs, _ := p.db.Events(ctx, 0, 0, 0)
	if last := evs[len(evs)-1]; last.Action != "match.propose" || last.Subject != "match/1" {
		t.Errorf("event %+v, want match.propose of match/1", last)
	}
	for _, id := range []uint64{p.need.ID, p.offer.ID} {
		ms, err := p.db.MatchesOf(ctx, id)
		if err != nil || len(ms) != 1 || ms[0].ID != m.ID {
			t.Errorf("MatchesOf(%d) = %v, %v; want [match %d]", id, ms, err, m.ID)
		}
	}

	_, err = p.db.Match(ctx, 99)
	wantCode(t, err, saperi.ENOTFOUND)
	_, err = p.db.MatchesOf(ctx, 99)
	wantCode(t, err, saperi.ENOTFOUND)
}

func TestMatchCreateRefused(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		edit func(*saperi.Match)
		code string
		key  string
	}{
		{"duplicate", func(*saperi.Match) {}, saperi.ECONFLICT, "error.match.exists"},
		{"unknown need", func(m *saperi.Match) { m.NeedID = 99 }, saperi.ENOTFOUND, "error.not_found.posting"},
		{"unknown offer", func(m *saperi.Match) { m.OfferID = 99 }, saperi.ENOTFOUND, "error.not_found.posting"},
		{"kinds swapped", func(m *saperi.Match) { m.NeedID, m.OfferID = m.OfferID, m.NeedID }, saperi.EINVALID, "error.match.kinds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPair(t)
			if _, err := p.propose(t, p.need, p.offer); err != nil {
				t.Fatal(err)
			}
			before := countAll(t, p.db)
			m, _ := saperi.NewMatch(p.need, p.offer, saperi.Scored{}, saperi.ByEngine, "engine", t0)
			tt.edit(m)
			err := p.db.CreateMatch(ctx, m, saperi.Event{})
			wantCode(t, err, tt.code)
			if key := saperi.AsError(err).Key; key != tt.key {
				t.Errorf("key = %q, want %q", key, tt.key)
			}
			if m.ID != 0 {
				t.Errorf("refused match kept id %d", m.ID)
			}
			if after := countAll(t, p.db); after != before {
				t.Errorf("counts %+v after a refused match, want %+v", after, before)
			}
		})
	}
}

func TestMatchConnect(t *testing.T) {
	p := newPair(t)
	ctx := context.Background()
	m, err := p.propose(t, p.need, p.offer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.propose(t, p.need, p.offer2); err != nil {
		t.Fatal(err)
	}
	active, err := p.db.ActiveMatches(ctx, []uint64{p.need.ID, p.offer.ID, p.offer2.ID, 99})
	if err != nil {
		t.Fatal(err)
	}
	if want := map[uint64]int{p.need.ID: 2, p.offer.ID: 1, p.offer2.ID: 1}; !reflect.DeepEqual(active, want) {
		t.Errorf("ActiveMatches = %v, want %v", active, want)
	}

	got := p.apply(t, m.ID, saperi.Accept, saperi.NeedSide)
	if got.State != saperi.AcceptedNeed {
		t.Fatalf("state %s after the need accepted", got.State)
	}
	if need, _ := p.db.Posting(ctx, p.need.ID); need.Status != saperi.Open {
		t.Errorf("need is %s before both sides accepted, want open", need.Status)
	}
	old, _ := p.db.Changes(ctx, 0)
	if err := p.db.DoneChanges(ctx, old); err != nil {
		t.Fatal(err)
	}

	got = p.apply(t, m.ID, saperi.Accept, saperi.OfferSide)
	if got.State != saperi.Connected {
		t.Fatalf("state %s after both sides accepted", got.State)
	}
	stored, _ := p.db.Match(ctx, m.ID)
	if !reflect.DeepEqual(stored, got) || len(stored.History) != 3 {
		t.Errorf("stored match %+v, want the returned one with 3 history entries", stored)
	}
	need, _ := p.db.Posting(ctx, p.need.ID)
	if need.Status != saperi.Matched || !need.Updated.Equal(got.Updated) {
		t.Errorf("need is %s, updated %v; want matched at %v", need.Status, need.Updated, got.Updated)
	}
	if offer, _ := p.db.Posting(ctx, p.offer.ID); offer.Status != saperi.Open {
		t.Errorf("offer is %s, want still open", offer.Status)
	}
	cs, _ := p.db.Changes(ctx, 0)
	if len(cs) != 1 || cs[0].PostingID != p.need.ID {
		t.Errorf("changes %+v, want one for the need %d", cs, p.need.ID)
	}
	evs, _ := p.db.Events(ctx, 0, 0, 0)
	if last := evs[len(evs)-1]; last.Action != "match.accept" || last.Subject != "match/1" {
		t.Errorf("event %+v, want match.accept of match/1", last)
	}
	active, _ = p.db.ActiveMatches(ctx, []uint64{p.need.ID})
	if active[p.need.ID] != 2 {
		t.Errorf("active matches of the need = %d, want 2 (connected is active)", active[p.need.ID])
	}

	p.apply(t, m.ID, saperi.Complete, "")
	active, _ = p.db.ActiveMatches(ctx, []uint64{p.need.ID, p.offer.ID})
	if want := map[uint64]int{p.need.ID: 1}; !reflect.DeepEqual(active, want) {
		t.Errorf("after done, ActiveMatches = %v, want %v", active, want)
	}
}

func TestMatchDecline(t *testing.T) {
	p := newPair(t)
	ctx := context.Background()
	m, err := p.propose(t, p.need, p.offer)
	if err != nil {
		t.Fatal(err)
	}
	p.apply(t, m.ID, saperi.Decline, saperi.OfferSide)

	for _, tt := range []struct {
		id   uint64
		want []uint64
	}{{p.need.ID, []uint64{p.offer.ID}}, {p.offer.ID, []uint64{p.need.ID}}, {p.offer2.ID, []uint64{}}} {
		got, err := p.db.Declined(ctx, tt.id)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Declined(%d) = %v, %v; want %v", tt.id, got, err, tt.want)
		}
	}
	active, _ := p.db.ActiveMatches(ctx, []uint64{p.need.ID, p.offer.ID})
	if len(active) != 0 {
		t.Errorf("ActiveMatches = %v after decline, want none", active)
	}

	_, err = p.propose(t, p.need, p.offer)
	wantCode(t, err, saperi.ECONFLICT)
	if key := saperi.AsError(err).Key; key != "error.match.declined" {
		t.Errorf("key = %q, want error.match.declined", key)
	}
	if _, err := p.propose(t, p.need, p.offer2); err != nil {
		t.Errorf("another offer for the same need: %v", err)
	}
}

func TestMatchWithdrawThenPropose(t *testing.T) {
	p := newPair(t)
	m, err := p.propose(t, p.need, p.offer)
	if err != nil {
		t.Fatal(err)
	}
	p.apply(t, m.ID, saperi.Withdraw, "")
	again, err := p.propose(t, p.need, p.offer)
	if err != nil {
		t.Fatalf("proposing again after a withdrawal: %v", err)
	}
	ms, _ := p.db.MatchesOf(context.Background(), p.offer.ID)
	if len(ms) != 2 || ms[0].State != saperi.Withdrawn || ms[1].ID != again.ID {
		t.Errorf("MatchesOf = %+v, want the withdrawn match then the new one", ms)
	}
}

func TestMatchUpdateRefused(t *testing.T) {
	ctx := context.Background()
	errStop := errors.New("stop")
	tests := []struct {
		name string
		fn   func(*saperi.Match) error
		code string
	}{
		{"fn error", func(m *saperi.Match) error { m.State = saperi.Declined; return errStop }, saperi.EINTERNAL},
		{"bad transition", func(m *saperi.Match) error { return m.Apply(saperi.Complete, "", "op1", "", t0) }, saperi.ECONFLICT},
		{"id", func(m *saperi.Match) error { m.ID = 5; return nil }, saperi.EINVALID},
		{"need", func(m *saperi.Match) error { m.NeedID = 5; return nil }, saperi.EINVALID},
		{"offer", func(m *saperi.Match) error { m.OfferID = 5; return nil }, saperi.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPair(t)
			m, err := p.propose(t, p.need, p.offer)
			if err != nil {
				t.Fatal(err)
			}
			before := countAll(t, p.db)
			got, err := p.db.UpdateMatch(ctx, m.ID, tt.fn, saperi.Event{})
			wantCode(t, err, tt.code)
			if (err == errStop) != (tt.name == "fn error") {
				t.Errorf("error %v: want fn's own error back, unwrapped, exactly when fn failed", err)
			}
			stored, _ := p.db.Match(ctx, m.ID)
			if got != nil || !reflect.DeepEqual(stored, m) {
				t.Errorf("refused update returned %+v and left %+v", got, stored)
			}
			if after := countAll(t, p.db); after != before {
				t.Errorf("counts %+v after a refused update, want %+v", after, before)
			}
			if d, _ := p.db.Declined(ctx, p.need.ID); len(d) != 0 {
				t.Errorf("refused update recorded a declined pair: %v", d)
			}
		})
	}

	t.Run("not found", func(t *testing.T) {
		db := open(t)
		_, err := db.UpdateMatch(ctx, 7, func(*saperi.Match) error { return nil }, saperi.Event{})
		wantCode(t, err, saperi.ENOTFOUND)
	})
}

// TestCreateMatches: many proposals at once, in order; the ones
// CreateMatch would refuse are skipped with their error and write nothing.
func TestCreateMatches(t *testing.T) {
	ctx := context.Background()
	p := newPair(t)
	at := t0.Add(time.Hour)
	mk := func(need, offer *saperi.Posting) *saperi.Match {
		m, err := saperi.NewMatch(need, offer, saperi.Scored{Score: 0.7}, saperi.ByEngine, "engine", at)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	gone := mk(p.need, p.offer2)
	gone.OfferID = 999
	ms := []*saperi.Match{mk(p.need, p.offer), mk(p.need, p.offer), gone, mk(p.need, p.offer2)}
	evs := make([]saperi.Event, len(ms))
	for i := range evs {
		evs[i] = saperi.Event{At: at, Actor: "engine"}
	}
	before := countAll(t, p.db)
	errs, err := p.db.CreateMatches(ctx, ms, evs)
	if err != nil {
		t.Fatal(err)
	}
	if ms[0].ID == 0 || ms[3].ID <= ms[0].ID || ms[1].ID != 0 || ms[2].ID != 0 {
		t.Fatalf("ids %d %d %d %d: want the first and last stored, in order", ms[0].ID, ms[1].ID, ms[2].ID, ms[3].ID)
	}
	wantCode(t, errs[1], saperi.ECONFLICT) // the same pair twice in one call
	wantCode(t, errs[2], saperi.ENOTFOUND)
	if errs[0] != nil || errs[3] != nil {
		t.Errorf("errors %v", errs)
	}
	after := countAll(t, p.db)
	if after.events != before.events+2 {
		t.Errorf("counts %+v → %+v: want two events more", before, after)
	}
	if all, err := p.db.MatchesOf(ctx, p.need.ID); err != nil || len(all) != 2 {
		t.Errorf("matches of the need: %d, %v; want 2", len(all), err)
	}
	for _, i := range []int{0, 3} {
		got, err := p.db.Match(ctx, ms[i].ID)
		if err != nil || got.NeedID != ms[i].NeedID || got.OfferID != ms[i].OfferID {
			t.Errorf("match %d: %+v, %v", ms[i].ID, got, err)
		}
	}
}
