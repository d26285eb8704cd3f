package saperi

import (
	"strings"
	"time"
)

// MatchState is where a match is in its lifecycle:
//
//	proposed → accepted_need | accepted_offer → connected → done
//
// or, from any open state, declined / expired / withdrawn. Contacts are
// disclosed to the two sides only once the match is connected.
type MatchState string

// Match states.
const (
	Proposed      MatchState = "proposed"
	AcceptedNeed  MatchState = "accepted_need"
	AcceptedOffer MatchState = "accepted_offer"
	Connected     MatchState = "connected"
	Done          MatchState = "done"
	Declined      MatchState = "declined"
	MatchExpired  MatchState = "expired"
	Withdrawn     MatchState = "withdrawn"
)

// Active reports whether the match still occupies its postings (counts
// towards load and capacity).
func (s MatchState) Active() bool {
	switch s {
	case Proposed, AcceptedNeed, AcceptedOffer, Connected:
		return true
	}
	return false
}

// Side is one of the two parties of a match.
type Side string

// Sides.
const (
	NeedSide  Side = "need"
	OfferSide Side = "offer"
)

// Action is something done to a match.
type Action string

// Match actions.
const (
	Propose  Action = "propose"
	Accept   Action = "accept"
	Decline  Action = "decline"
	Withdraw Action = "withdraw"
	Complete Action = "complete"
	Expire   Action = "expire"
	Note     Action = "note"
	// Contact is a contact attempt by the desk (RecordContact): it keeps
	// the state and records the outcome.
	Contact Action = "contact"
	// Forget is the erasure of one side's account (Forget).
	Forget Action = "forget"
)

// Proposers.
const (
	ByEngine   = "engine"
	ByOperator = "operator"
)

// Match pairs a need with an offer. Score and Breakdown are those computed
// when it was proposed. History is append-only.
type Match struct {
	ID             uint64      `json:"id"`
	NeedID         uint64      `json:"need_id"`
	OfferID        uint64      `json:"offer_id"`
	NeedProfileID  uint64      `json:"need_profile_id"`
	OfferProfileID uint64      `json:"offer_profile_id"`
	Score          float64     `json:"score"`
	Breakdown      Breakdown   `json:"breakdown"`
	Terms          []TermMatch `json:"terms"`
	// Reasons say why it was proposed, what matched first (Scored).
	Reasons       []Reason     `json:"reasons,omitempty"`
	ProposedBy    string       `json:"proposed_by"`
	State         MatchState   `json:"state"`
	NeedAccepted  bool         `json:"need_accepted"`
	OfferAccepted bool         `json:"offer_accepted"`
	History       []MatchEvent `json:"history"`
	Created       time.Time    `json:"created"`
	Updated       time.Time    `json:"updated"`
}

// MatchEvent is one entry of a match's history.
type MatchEvent struct {
	At     time.Time  `json:"at"`
	Action Action     `json:"action"`
	Side   Side       `json:"side,omitempty"`
	Actor  string     `json:"actor"`
	From   MatchState `json:"from,omitempty"`
	To     MatchState `json:"to"`
	Note   string     `json:"note,omitempty"`
	// Outcome of a contact attempt (Contact actions only).
	Outcome string `json:"outcome,omitempty"`
}

// NewMatch proposes need × offer. It checks that the kinds are right, that
// the owners differ and that both postings are open.
func NewMatch(need, offer *Posting, r Scored, proposedBy, actor string, now time.Time) (*Match, error) {
	if need.Kind != Need || offer.Kind != Offer {
		return nil, Errorf(EINVALID, "error.match.kinds", "a match pairs a need with an offer")
	}
	if need.ProfileID == offer.ProfileID {
		return nil, Errorf(EINVALID, "error.match.same_owner", "a need and an offer of the same person cannot be matched")
	}
	for _, p := range []*Posting{need, offer} {
		if st := p.StatusAt(now); st != Open {
			return nil, Errorf(ECONFLICT, "error.match.not_open", "posting %d is %s, not open", p.ID, st).
				with("ID", p.ID).with("Status", string(st))
		}
	}
	m := &Match{
		NeedID: need.ID, OfferID: offer.ID,
		NeedProfileID: need.ProfileID, OfferProfileID: offer.ProfileID,
		Score: r.Score, Breakdown: r.Breakdown, Terms: r.Terms, Reasons: r.Reasons,
		ProposedBy: proposedBy, State: Proposed, Created: now, Updated: now,
	}
	if m.Terms == nil {
		m.Terms = []TermMatch{}
	}
	m.History = []MatchEvent{{At: now, Action: Propose, Actor: actor, To: Proposed}}
	return m, nil
}

// Apply performs action on the match, on behalf of side where the action is
// one side's (accept, decline), and appends it to the history.
func (m *Match) Apply(a Action, side Side, actor, note string, now time.Time) error {
	from := m.State
	bad := func() error {
		return Errorf(ECONFLICT, "error.match.transition", "cannot %s a match that is %s", a, from).
			with("Action", string(a)).with("State", string(from))
	}
	if (a == Accept || a == Decline || side != "") && side != NeedSide && side != OfferSide {
		return Invalid("side", "error.match.side", "side must be need or offer")
	}
	// Check the note before touching the state: a rejected action must
	// leave the match as it was.
	if err := text("note", note, 0, 2000); err != nil {
		return err
	}
	switch a {
	case Accept:
		if from != Proposed && from != AcceptedNeed && from != AcceptedOffer {
			return bad()
		}
		if (side == NeedSide && m.NeedAccepted) || (side == OfferSide && m.OfferAccepted) {
			return Errorf(ECONFLICT, "error.match.already_accepted", "the %s side has already accepted", side).with("Side", string(side))
		}
		if side == NeedSide {
			m.NeedAccepted = true
		} else {
			m.OfferAccepted = true
		}
		switch {
		case m.NeedAccepted && m.OfferAccepted:
			m.State = Connected
		case m.NeedAccepted:
			m.State = AcceptedNeed
		default:
			m.State = AcceptedOffer
		}
	case Decline:
		if from != Proposed && from != AcceptedNeed && from != AcceptedOffer {
			return bad()
		}
		m.State = Declined
	case Withdraw:
		if !from.Active() {
			return bad()
		}
		m.State = Withdrawn
	case Complete:
		if from != Connected {
			return bad()
		}
		m.State = Done
	case Expire:
		if from != Proposed && from != AcceptedNeed && from != AcceptedOffer {
			return bad()
		}
		m.State = MatchExpired
	case Note:
		if strings.TrimSpace(note) == "" {
			return Invalid("note", "error.required", "note is required")
		}
	default:
		return Errorf(EINVALID, "error.match.unknown_action", "unknown action %q", a)
	}
	m.Updated = now
	m.History = append(m.History, MatchEvent{At: now, Action: a, Side: side, Actor: actor, From: from, To: m.State, Note: note})
	return nil
}

// Disclosed reports whether contacts may be disclosed to the two sides.
func (m *Match) Disclosed() bool { return m.State == Connected || m.State == Done }
