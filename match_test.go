package saperi_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/saperi/saperi"
)

func TestNewMatch(t *testing.T) {
	r := saperi.Scored{Score: 0.8, Breakdown: saperi.Breakdown{saperi.FText: {Value: 1}}}
	tests := []struct {
		name     string
		need     func() *saperi.Posting
		offer    func() *saperi.Posting
		wantCode string
	}{
		{"ok", func() *saperi.Posting { return posting(saperi.Need, 1, 10) },
			func() *saperi.Posting { return posting(saperi.Offer, 2, 20) }, ""},
		{"swapped", func() *saperi.Posting { return posting(saperi.Offer, 2, 20) },
			func() *saperi.Posting { return posting(saperi.Need, 1, 10) }, saperi.EINVALID},
		{"two needs", func() *saperi.Posting { return posting(saperi.Need, 1, 10) },
			func() *saperi.Posting { return posting(saperi.Need, 2, 20) }, saperi.EINVALID},
		{"two offers", func() *saperi.Posting { return posting(saperi.Offer, 1, 10) },
			func() *saperi.Posting { return posting(saperi.Offer, 2, 20) }, saperi.EINVALID},
		{"same owner", func() *saperi.Posting { return posting(saperi.Need, 1, 10) },
			func() *saperi.Posting { return posting(saperi.Offer, 2, 10) }, saperi.EINVALID},
		{"need paused", func() *saperi.Posting {
			p := posting(saperi.Need, 1, 10)
			p.Status = saperi.Paused
			return p
		}, func() *saperi.Posting { return posting(saperi.Offer, 2, 20) }, saperi.ECONFLICT},
		{"offer closed", func() *saperi.Posting { return posting(saperi.Need, 1, 10) },
			func() *saperi.Posting {
				p := posting(saperi.Offer, 2, 20)
				p.Status = saperi.Closed
				return p
			}, saperi.ECONFLICT},
		{"offer past expiry", func() *saperi.Posting { return posting(saperi.Need, 1, 10) },
			func() *saperi.Posting {
				p := posting(saperi.Offer, 2, 20)
				p.Expires = now
				return p
			}, saperi.ECONFLICT},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := saperi.NewMatch(tt.need(), tt.offer(), r, saperi.ByOperator, "op1", now)
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
			if m.State != saperi.Proposed || m.ProposedBy != saperi.ByOperator || m.Score != 0.8 ||
				m.Breakdown[saperi.FText].Value != 1 || m.Terms == nil || m.NeedAccepted || m.OfferAccepted {
				t.Errorf("match = %+v", m)
			}
			want := []saperi.MatchEvent{{At: now, Action: saperi.Propose, Actor: "op1", To: saperi.Proposed}}
			if !reflect.DeepEqual(m.History, want) {
				t.Errorf("history = %+v, want %+v", m.History, want)
			}
		})
	}
}

// step is one action on a match and what must follow: the state after it,
// or the error code when it is refused.
type step struct {
	a        saperi.Action
	side     saperi.Side
	note     string
	want     saperi.MatchState
	wantCode string
	field    string // for EINVALID
}

func TestMatchApply(t *testing.T) {
	const (
		need  = saperi.NeedSide
		offer = saperi.OfferSide
	)
	accept := func(s saperi.Side, want saperi.MatchState) step {
		return step{a: saperi.Accept, side: s, want: want}
	}
	refuse := func(a saperi.Action, s saperi.Side) step {
		return step{a: a, side: s, wantCode: saperi.ECONFLICT}
	}
	// connected, done and the other end states refuse every change of state.
	allRefused := []step{
		refuse(saperi.Accept, need), refuse(saperi.Accept, offer), refuse(saperi.Decline, need),
		refuse(saperi.Withdraw, ""), refuse(saperi.Complete, ""), refuse(saperi.Expire, ""),
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"need then offer accept", []step{
			accept(need, saperi.AcceptedNeed), accept(offer, saperi.Connected),
			{a: saperi.Complete, want: saperi.Done},
		}},
		{"offer then need accept", []step{
			accept(offer, saperi.AcceptedOffer), accept(need, saperi.Connected),
		}},
		{"double accept", []step{
			accept(need, saperi.AcceptedNeed), refuse(saperi.Accept, need), accept(offer, saperi.Connected),
		}},
		{"double accept offer", []step{
			accept(offer, saperi.AcceptedOffer), refuse(saperi.Accept, offer),
		}},
		{"decline from proposed", []step{{a: saperi.Decline, side: offer, want: saperi.Declined}}},
		{"decline after other side accepted", []step{
			accept(need, saperi.AcceptedNeed), {a: saperi.Decline, side: offer, want: saperi.Declined},
		}},
		{"decline when connected", []step{
			accept(need, saperi.AcceptedNeed), accept(offer, saperi.Connected), refuse(saperi.Decline, need),
		}},
		{"withdraw proposed", []step{{a: saperi.Withdraw, want: saperi.Withdrawn}}},
		{"withdraw connected", []step{
			accept(need, saperi.AcceptedNeed), accept(offer, saperi.Connected),
			{a: saperi.Withdraw, side: need, want: saperi.Withdrawn},
		}},
		{"complete from proposed", []step{refuse(saperi.Complete, "")}},
		{"complete from accepted", []step{accept(offer, saperi.AcceptedOffer), refuse(saperi.Complete, "")}},
		{"expire proposed", []step{{a: saperi.Expire, want: saperi.MatchExpired}}},
		{"expire accepted", []step{accept(need, saperi.AcceptedNeed), {a: saperi.Expire, want: saperi.MatchExpired}}},
		{"expire connected", []step{accept(need, saperi.AcceptedNeed), accept(offer, saperi.Connected), refuse(saperi.Expire, "")}},
		{"connected refuses accept", []step{accept(need, saperi.AcceptedNeed), accept(offer, saperi.Connected),
			refuse(saperi.Accept, need), refuse(saperi.Accept, offer)}},
		{"done is terminal", append([]step{
			accept(need, saperi.AcceptedNeed), accept(offer, saperi.Connected), {a: saperi.Complete, want: saperi.Done},
		}, allRefused...)},
		{"declined is terminal", append([]step{{a: saperi.Decline, side: need, want: saperi.Declined}}, allRefused...)},
		{"withdrawn is terminal", append([]step{{a: saperi.Withdraw, want: saperi.Withdrawn}}, allRefused...)},
		{"expired is terminal", append([]step{{a: saperi.Expire, want: saperi.MatchExpired}}, allRefused...)},
		{"notes keep the state", []step{
			{a: saperi.Note, note: "chiamata la signora", want: saperi.Proposed},
			{a: saperi.Decline, side: need, want: saperi.Declined},
			{a: saperi.Note, note: "non interessata", want: saperi.Declined},
		}},
		{"note required", []step{
			{a: saperi.Note, wantCode: saperi.EINVALID, field: "note"},
			{a: saperi.Note, note: "  \n", wantCode: saperi.EINVALID, field: "note"},
		}},
		{"note too long leaves match unchanged", []step{
			{a: saperi.Accept, side: need, note: repeat("n", 2001), wantCode: saperi.EINVALID, field: "note"},
			{a: saperi.Decline, side: need, note: "bad\xff", wantCode: saperi.EINVALID, field: "note"},
			accept(need, saperi.AcceptedNeed),
		}},
		{"accept needs a side", []step{
			{a: saperi.Accept, wantCode: saperi.EINVALID, field: "side"},
			{a: saperi.Decline, side: "both", wantCode: saperi.EINVALID, field: "side"},
			{a: saperi.Withdraw, side: "both", wantCode: saperi.EINVALID, field: "side"},
		}},
		{"unknown action", []step{{a: "merge", wantCode: saperi.EINVALID}}},
		{"propose again", []step{{a: saperi.Propose, wantCode: saperi.EINVALID}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := saperi.NewMatch(posting(saperi.Need, 1, 10), posting(saperi.Offer, 2, 20),
				saperi.Scored{}, saperi.ByEngine, "engine", now)
			if err != nil {
				t.Fatal(err)
			}
			at := now
			for i, s := range tt.steps {
				at = at.Add(time.Hour)
				before := *m
				before.History = append([]saperi.MatchEvent(nil), m.History...)
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
				want := saperi.MatchEvent{At: at, Action: s.a, Side: s.side, Actor: "op1", From: before.State, To: s.want, Note: s.note}
				if got := m.History[len(m.History)-1]; got != want {
					t.Fatalf("step %d: event = %+v, want %+v", i, got, want)
				}
				if !reflect.DeepEqual(m.History[:len(before.History)], before.History) {
					t.Fatalf("step %d: earlier history rewritten", i)
				}
				if !m.Updated.Equal(at) {
					t.Fatalf("step %d: Updated = %v, want %v", i, m.Updated, at)
				}
				if m.Disclosed() != (m.State == saperi.Connected || m.State == saperi.Done) {
					t.Fatalf("step %d: Disclosed = %v in state %s", i, m.Disclosed(), m.State)
				}
				if m.State == saperi.Connected && !(m.NeedAccepted && m.OfferAccepted) {
					t.Fatalf("step %d: connected without both acceptances: %+v", i, m)
				}
			}
		})
	}
}

func TestMatchStateActive(t *testing.T) {
	active := map[saperi.MatchState]bool{
		saperi.Proposed: true, saperi.AcceptedNeed: true, saperi.AcceptedOffer: true, saperi.Connected: true,
		saperi.Done: false, saperi.Declined: false, saperi.MatchExpired: false, saperi.Withdrawn: false, "": false,
	}
	for s, want := range active {
		t.Run(string(s), func(t *testing.T) {
			if got := s.Active(); got != want {
				t.Errorf("Active = %v, want %v", got, want)
			}
		})
	}
}
