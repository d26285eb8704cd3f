package service_test

import (
	"context"
	"testing"
	"time"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/service"
	"github.com/saperi/saperi/store"
)

func stats(tb testing.TB, db *store.DB, p saperi.Principal, f service.StatsFilter) *service.Stats {
	tb.Helper()
	s, err := service.ComputeStats(context.Background(), db, p, f, 0)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func cellOf(cells []service.CellStats, cat, area string) service.CellStats {
	for _, c := range cells {
		if c.Category == cat && c.Area == area {
			return c
		}
	}
	return service.CellStats{}
}

// TestStatsDemo checks the statistics of the demo data against figures
// counted by hand in demo/data.json: 109 needs and 99 offers in the
// network; at Porta Palazzo (hub 1) 19 needs and 20 offers, of which
// "digitale" 3 needs and 1 offer; "lingue" in Aurora 3 offers and 1
// need by 3 people (the association Mille voci both offers and asks). The seed writes no matches, so every need is in the gap until
// the test proposes some, with waits it chose.
func TestStatsDemo(t *testing.T) {
	ctx := context.Background()
	db := seeded(t)
	net := stats(t, db, admin, service.StatsFilter{})
	if net.Needs != 109 || net.Offers != 99 || net.Gap != 109 || net.OffersUnasked != 99 || net.Matches.Total != 0 {
		t.Fatalf("network: %d needs, %d offers, gap %d, unasked %d", net.Needs, net.Offers, net.Gap, net.OffersUnasked)
	}
	h1 := stats(t, db, admin, service.StatsFilter{HubID: 1})
	if h1.Needs != 19 || h1.Offers != 20 || h1.Gap != 19 {
		t.Fatalf("hub 1: %d needs, %d offers, gap %d", h1.Needs, h1.Offers, h1.Gap)
	}
	if c := cellOf(h1.ByCategory, "digitale", ""); c.Needs != 3 || c.Offers != 1 || c.Gap != 3 {
		t.Fatalf("hub 1 digitale: %+v", c)
	}
	if c := cellOf(h1.ByCategoryArea, "lingue", "Aurora"); c.Offers != 3 || c.Needs != 1 || c.People != 3 {
		t.Fatalf("hub 1 lingue × Aurora: %+v", c)
	}
	if f := stats(t, db, admin, service.StatsFilter{HubID: 1, Category: "digitale"}); f.Needs != 3 || f.Offers != 1 {
		t.Fatalf("category filter: %+v", f)
	}
	// The seed creates postings from 1 to 61 days before its clock.
	after := testNow.AddDate(0, 0, 1).Format("2006-01-02")
	if f := stats(t, db, admin, service.StatsFilter{From: after}); f.Needs != 0 || f.Offers != 0 {
		t.Fatalf("period after every posting: %+v", f)
	}
	if f := stats(t, db, admin, service.StatsFilter{To: testNow.AddDate(0, 0, -70).Format("2006-01-02")}); f.Needs != 0 {
		t.Fatalf("period before every posting: %d needs", f.Needs)
	}

	// Three needs of hub 1 get proposals: A proposed after 2 days; B
	// proposed after 1 day, connected after 3 and done after 10; C
	// proposed after 4 days and declined. A and B leave the gap, C stays.
	needs, _ := db.ListPostings(ctx, saperi.PostingFilter{HubID: 1, Kind: saperi.Need, Limit: 3})
	offers, _ := db.ListPostings(ctx, saperi.PostingFilter{HubID: 1, Kind: saperi.Offer, Limit: 50})
	day := 24 * time.Hour
	propose := func(need *saperi.Posting, after time.Duration) *saperi.Match {
		t.Helper()
		for _, o := range offers {
			if o.ProfileID == need.ProfileID {
				continue
			}
			m, err := saperi.NewMatch(need, o, saperi.Scored{Score: 0.7}, saperi.ByOperator, "operator/1", need.Created.Add(after))
			if err != nil {
				t.Fatal(err)
			}
			if err := db.CreateMatch(ctx, m, saperi.Event{At: m.Created, Actor: "operator/1"}); err != nil {
				t.Fatal(err)
			}
			return m
		}
		t.Fatal("no offer of another person")
		return nil
	}
	act := func(m *saperi.Match, a saperi.Action, side saperi.Side, at time.Time) {
		t.Helper()
		if _, err := db.UpdateMatch(ctx, m.ID, func(m *saperi.Match) error { return m.Apply(a, side, "operator/1", "", at) },
			saperi.Event{At: at, Actor: "operator/1"}); err != nil {
			t.Fatal(err)
		}
	}
	a, b, c := needs[0], needs[1], needs[2]
	propose(a, 2*day)
	mb := propose(b, day)
	act(mb, saperi.Accept, saperi.NeedSide, b.Created.Add(2*day))
	act(mb, saperi.Accept, saperi.OfferSide, b.Created.Add(3*day))
	act(mb, saperi.Complete, "", b.Created.Add(10*day))
	mc := propose(c, 4*day)
	act(mc, saperi.Decline, saperi.OfferSide, c.Created.Add(5*day))

	s := stats(t, db, admin, service.StatsFilter{HubID: 1})
	if s.Gap != 19-2 {
		t.Errorf("gap %d, want 17", s.Gap)
	}
	want := service.MatchOutcomes{Total: 3, Open: 1, Completed: 1, Declined: 1}
	if s.Matches != want {
		t.Errorf("outcomes %+v, want %+v", s.Matches, want)
	}
	// First proposals after 1, 2 and 4 days: median 2, 90th percentile 4
	// (nearest rank); one connection after 3 days, one completion after 10.
	if fp := s.Times.FirstProposal; fp.N != 3 || fp.Median != 2 || fp.P90 != 4 {
		t.Errorf("first proposal %+v", fp)
	}
	if cn, dn := s.Times.Connection, s.Times.Completion; cn.N != 1 || cn.Median != 3 || dn.N != 1 || dn.Median != 10 || dn.P90 != 10 {
		t.Errorf("connection %+v, completion %+v", cn, dn)
	}
	if s.PeopleReached != 2 {
		t.Errorf("people reached %d, want 2 (both sides of B's match)", s.PeopleReached)
	}
	used := map[uint64]bool{}
	ms, _ := db.MatchesOf(ctx, a.ID)
	ms2, _ := db.MatchesOf(ctx, b.ID)
	ms3, _ := db.MatchesOf(ctx, c.ID)
	for _, m := range append(append(ms, ms2...), ms3...) {
		used[m.OfferID] = true
	}
	if s.OffersUnasked != 20-len(used) {
		t.Errorf("offers nobody asked for: %d, want %d", s.OffersUnasked, 20-len(used))
	}
	months := 0
	for _, m := range s.Times.ByMonth {
		months += m.Needs
	}
	if months != 19 {
		t.Errorf("needs by month add up to %d", months)
	}
}

func TestStatsPermissions(t *testing.T) {
	db := seeded(t)
	op1 := saperi.Principal{UserID: 5, Role: saperi.RoleOperator, HubID: 1}
	if s := stats(t, db, op1, service.StatsFilter{}); s.Filter.HubID != 1 || s.Needs != 19 {
		t.Fatalf("an operator's statistics are their hub's: %+v", s.Filter)
	}
	for _, tc := range []struct {
		name string
		p    saperi.Principal
		f    service.StatsFilter
		code string
	}{
		{"operator, another hub", op1, service.StatsFilter{HubID: 2}, saperi.EFORBIDDEN},
		{"resident", saperi.Principal{UserID: 2, Role: saperi.RoleResident, ProfileID: 1}, service.StatsFilter{}, saperi.EFORBIDDEN},
		{"bad date", admin, service.StatsFilter{From: "1/2/2026"}, saperi.EINVALID},
		{"to before from", admin, service.StatsFilter{From: "2026-02-01", To: "2026-01-01"}, saperi.EINVALID},
		{"unknown hub", admin, service.StatsFilter{HubID: 99}, saperi.ENOTFOUND},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := service.ComputeStats(context.Background(), db, tc.p, tc.f, 0)
			if saperi.ErrorCode(err) != tc.code {
				t.Fatalf("%v, want %s", err, tc.code)
			}
		})
	}
}

// The gap follows the matcher's threshold: a standing proposal answers a
// need only when it is one Saperi would make; a match under way or done
// answers it whoever proposed it, at any score.
func TestAnsweredFollowsThreshold(t *testing.T) {
	m := func(state saperi.MatchState, score float64) []*saperi.Match {
		return []*saperi.Match{{State: state, Score: score}}
	}
	tests := []struct {
		name string
		ms   []*saperi.Match
		want bool
	}{
		{"no match", nil, false},
		{"a proposal above the threshold", m(saperi.Proposed, 0.7), true},
		{"a proposal at the threshold", m(saperi.Proposed, 0.5), true},
		{"an operator's proposal below it", m(saperi.Proposed, 0.3), false},
		{"accepted by one side, below it", m(saperi.AcceptedNeed, 0.2), true},
		{"in touch", m(saperi.Connected, 0.1), true},
		{"done", m(saperi.Done, 0.1), true},
		{"declined", m(saperi.Declined, 0.9), false},
		{"withdrawn", m(saperi.Withdrawn, 0.9), false},
	}
	for _, tc := range tests {
		if got := service.Answered(tc.ms, 0.5); got != tc.want {
			t.Errorf("%s: Answered = %v, want %v", tc.name, got, tc.want)
		}
	}
}
