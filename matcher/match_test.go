package matcher_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/saperi/saperi/matcher"
)

func TestNewMatch(t *testing.T) {
	r := matcher.Ranked{Score: 0.8, Breakdown: matcher.Breakdown{matcher.FText: {Value: 1}}}
	tests := []struct {
		name     string
		need     func() *matcher.Posting
		offer    func() *matcher.Posting
		wantCode string
	}{
		{"ok", func() *matcher.Posting { return posting(matcher.Need, 1, 10) },
			func() *matcher.Posting { return posting(matcher.Offer, 2, 20) }, ""},
		{"swapped", func() *matcher.Posting { return posting(matcher.Offer, 2, 20) },
			func() *matcher.Posting { return posting(matcher.Need, 1, 10) }, matcher.EINVALID},
		{"two needs", func() *matcher.Posting { return posting(matcher.Need, 1, 10) },
			func() *matcher.Posting { return posting(matcher.Need, 2, 20) }, matcher.EINVALID},
		{"two offers", func() *matcher.Posting { return posting(matcher.Offer, 1, 10) },
			func() *matcher.Posting { return posting(matcher.Offer, 2, 20) }, matcher.EINVALID},
		{"same owner", func() *matcher.Posting { return posting(matcher.Need, 1, 10) },
			func() *matcher.Posting { return posting(matcher.Offer, 2, 10) }, matcher.EINVALID},
		{"need paused", func() *matcher.Posting {
			p := posting(matcher.Need, 1, 10)
			p.Status = matcher.Paused
			return p
		}, func() *matcher.Posting { return posting(matcher.Offer, 2, 20) }, matcher.ECONFLICT},
		{"offer closed", func() *matcher.Posting { return posting(matcher.Need, 1, 10) },
			func() *matcher.Posting {
				p := posting(matcher.Offer, 2, 20)
				p.Status = matcher.Closed
				return p
			}, matcher.ECONFLICT},
		{"offer past expiry", func() *matcher.Posting { return posting(matcher.Need, 1, 10) },
			func() *matcher.Posting {
				p := posting(matcher.Offer, 2, 20)
				p.Expires = now
				return p
			}, matcher.ECONFLICT},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := matcher.NewMatch(tt.need(), tt.offer(), r, matcher.ByOperator, "op1", now)
			if tt.wantCode != "" {
				wantCode(t, err, tt.wantCode)
				if m != nil {
					t.Errorf("match returned with error: %+v", m)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if m.NeedID != 1 || m.OfferID != 2 || m.NeedProfileID != 10 || m.OfferProfileID != 20 {
				t.Errorf("ids = %+v", m)
			}
			if m.State != matcher.Proposed || m.ProposedBy != matcher.ByOperator || m.Score != 0.8 ||
				m.Breakdown[matcher.FText].Value != 1 || m.Terms == nil || m.NeedAccepted || m.OfferAccepted {
				t.Errorf("match = %+v", m)
			}
			want := []matcher.MatchEvent{{At: now, Action: matcher.Propose, Actor: "op1", To: matcher.Proposed}}
			if !reflect.DeepEqual(m.History, want) {
				t.Errorf("history = %+v, want %+v", m.History, want)
			}
		})
	}
}

// step is one action on a match and what must follow: the state after it,
// or the error code when it is refused.
type step struct {
	a        matcher.Action
	side     matcher.Side
	note     string
	want     matcher.MatchState
	wantCode string
	field    string // for EINVALID
}

func TestMatchApply(t *testing.T) {
	const (
		need  = matcher.NeedSide
		offer = matcher.OfferSide
	)
	accept := func(s matcher.Side, want matcher.MatchState) step {
		return step{a: matcher.Accept, side: s, want: want}
	}
	refuse := func(a matcher.Action, s matcher.Side) step {
		return step{a: a, side: s, wantCode: matcher.ECONFLICT}
	}
	// connected, done and the other end states refuse every change of state.
	allRefused := []step{
		refuse(matcher.Accept, need), refuse(matcher.Accept, offer), refuse(matcher.Decline, need),
		refuse(matcher.Withdraw, ""), refuse(matcher.Complete, ""), refuse(matcher.Expire, ""),
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"need then offer accept", []step{
			accept(need, matcher.AcceptedNeed), accept(offer, matcher.Connected),
			{a: matcher.Complete, want: matcher.Done},
		}},
		{"offer then need accept", []step{
			accept(offer, matcher.AcceptedOffer), accept(need, matcher.Connected),
		}},
		{"double accept", []step{
			accept(need, matcher.AcceptedNeed), refuse(matcher.Accept, need), accept(offer, matcher.Connected),
		}},
		{"double accept offer", []step{
			accept(offer, matcher.AcceptedOffer), refuse(matcher.Accept, offer),
		}},
		{"decline from proposed", []step{{a: matcher.Decline, side: offer, want: matcher.Declined}}},
		{"decline after other side accepted", []step{
			accept(need, matcher.AcceptedNeed), {a: matcher.Decline, side: offer, want: matcher.Declined},
		}},
		{"decline when connected", []step{
			accept(need, matcher.AcceptedNeed), accept(offer, matcher.Connected), refuse(matcher.Decline, need),
		}},
		{"withdraw proposed", []step{{a: matcher.Withdraw, want: matcher.Withdrawn}}},
		{"withdraw connected", []step{
			accept(need, matcher.AcceptedNeed), accept(offer, matcher.Connected),
			{a: matcher.Withdraw, side: need, want: matcher.Withdrawn},
		}},
		{"complete from proposed", []step{refuse(matcher.Complete, "")}},
		{"complete from accepted", []step{accept(offer, matcher.AcceptedOffer), refuse(matcher.Complete, "")}},
		{"expire proposed", []step{{a: matcher.Expire, want: matcher.MatchExpired}}},
		{"expire accepted", []step{accept(need, matcher.AcceptedNeed), {a: matcher.Expire, want: matcher.MatchExpired}}},
		{"expire connected", []step{accept(need, matcher.AcceptedNeed), accept(offer, matcher.Connected), refuse(matcher.Expire, "")}},
		{"connected refuses accept", []step{accept(need, matcher.AcceptedNeed), accept(offer, matcher.Connected),
			refuse(matcher.Accept, need), refuse(matcher.Accept, offer)}},
		{"done is terminal", append([]step{
			accept(need, matcher.AcceptedNeed), accept(offer, matcher.Connected), {a: matcher.Complete, want: matcher.Done},
		}, allRefused...)},
		{"declined is terminal", append([]step{{a: matcher.Decline, side: need, want: matcher.Declined}}, allRefused...)},
		{"withdrawn is terminal", append([]step{{a: matcher.Withdraw, want: matcher.Withdrawn}}, allRefused...)},
		{"expired is terminal", append([]step{{a: matcher.Expire, want: matcher.MatchExpired}}, allRefused...)},
		{"notes keep the state", []step{
			{a: matcher.Note, note: "chiamata la signora", want: matcher.Proposed},
			{a: matcher.Decline, side: need, want: matcher.Declined},
			{a: matcher.Note, note: "non interessata", want: matcher.Declined},
		}},
		{"note required", []step{
			{a: matcher.Note, wantCode: matcher.EINVALID, field: "note"},
			{a: matcher.Note, note: "  \n", wantCode: matcher.EINVALID, field: "note"},
		}},
		{"note too long leaves match unchanged", []step{
			{a: matcher.Accept, side: need, note: repeat("n", 2001), wantCode: matcher.EINVALID, field: "note"},
			{a: matcher.Decline, side: need, note: "bad\xff", wantCode: matcher.EINVALID, field: "note"},
			accept(need, matcher.AcceptedNeed),
		}},
		{"accept needs a side", []step{
			{a: matcher.Accept, wantCode: matcher.EINVALID, field: "side"},
			{a: matcher.Decline, side: "both", wantCode: matcher.EINVALID, field: "side"},
			{a: matcher.Withdraw, side: "both", wantCode: matcher.EINVALID, field: "side"},
		}},
		{"unknown action", []step{{a: "merge", wantCode: matcher.EINVALID}}},
		{"propose again", []step{{a: matcher.Propose, wantCode: matcher.EINVALID}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := matcher.NewMatch(posting(matcher.Need, 1, 10), posting(matcher.Offer, 2, 20),
				matcher.Ranked{}, matcher.ByEngine, "engine", now)
			if err != nil {
				t.Fatal(err)
			}
			at := now
			for i, s := range tt.steps {
				at = at.Add(time.Hour)
				before := *m
				before.History = append([]matcher.MatchEvent(nil), m.History...)
				err := m.Apply(s.a, s.side, "op1", s.note, at)
				if s.wantCode != "" {
					e := wantCode(t, err, s.wantCode)
					if s.field != "" && e.Field != s.field {
						t.Fatalf("step %d (%s): field = %q, want %q", i, s.a, e.Field, s.field)
					}
					if !reflect.DeepEqual(*m, before) {
						t.Fatalf("step %d (%s): refused action changed the match:\n%+v\nwas\n%+v", i, s.a, *m, before)
					}
					continue
				}
				if err != nil {
					t.Fatalf("step %d (%s %s): %v", i, s.a, s.side, err)
				}
				if m.State != s.want {
					t.Fatalf("step %d (%s %s): state = %s, want %s", i, s.a, s.side, m.State, s.want)
				}
				if len(m.History) != len(before.History)+1 {
					t.Fatalf("step %d: history has %d entries, want %d", i, len(m.History), len(before.History)+1)
				}
				want := matcher.MatchEvent{At: at, Action: s.a, Side: s.side, Actor: "op1", From: before.State, To: s.want, Note: s.note}
				if got := m.History[len(m.History)-1]; got != want {
					t.Fatalf("step %d: event = %+v, want %+v", i, got, want)
				}
				if !reflect.DeepEqual(m.History[:len(before.History)], before.History) {
					t.Fatalf("step %d: earlier history rewritten", i)
				}
				if !m.Updated.Equal(at) {
					t.Fatalf("step %d: Updated = %v, want %v", i, m.Updated, at)
				}
				if m.Disclosed() != (m.State == matcher.Connected || m.State == matcher.Done) {
					t.Fatalf("step %d: Disclosed = %v in state %s", i, m.Disclosed(), m.State)
				}
				if m.State == matcher.Connected && !(m.NeedAccepted && m.OfferAccepted) {
					t.Fatalf("step %d: connected without both acceptances: %+v", i, m)
				}
			}
		})
	}
}

func TestMatchStateActive(t *testing.T) {
	active := map[matcher.MatchState]bool{
		matcher.Proposed: true, matcher.AcceptedNeed: true, matcher.AcceptedOffer: true, matcher.Connected: true,
		matcher.Done: false, matcher.Declined: false, matcher.MatchExpired: false, matcher.Withdrawn: false, "": false,
	}
	for s, want := range active {
		t.Run(string(s), func(t *testing.T) {
			if got := s.Active(); got != want {
				t.Errorf("Active = %v, want %v", got, want)
			}
		})
	}
}
