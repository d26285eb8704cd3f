package service

import (
	"context"

	"github.com/saperi/saperi"
)

// Propose records the caller's proposal of offer offerID for need needID,
// scored and explained as the engine would, with an optional note.
func (s *Service) Propose(ctx context.Context, needID, offerID uint64, note string) (*saperi.Match, error) {
	need, err := s.postingRef(ctx, "need_id", needID)
	if err != nil {
		return nil, err
	}
	offer, err := s.postingRef(ctx, "offer_id", offerID)
	if err != nil {
		return nil, err
	}
	sh, err := s.Shares(ctx)
	if err != nil {
		return nil, err
	}
	if err := allow(ctx, saperi.ProposeMatch, pairResource(need, offer, sh)); err != nil {
		return nil, err
	}
	now := s.Now()
	r, err := s.engine.Explain(ctx, need, offer, now)
	if err != nil {
		return nil, err
	}
	actor := saperi.PrincipalFrom(ctx).Actor()
	m, err := saperi.NewMatch(need, offer, r.Scored(), saperi.ByOperator, actor, now)
	if err != nil {
		return nil, err
	}
	if note != "" {
		if err := m.Apply(saperi.Note, "", actor, note, now); err != nil {
			return nil, err
		}
	}
	if err := s.store.CreateMatch(ctx, m, s.event(ctx, "match.propose", need.ProfileID)); err != nil {
		return nil, err
	}
	return m, nil
}

// postingRef loads a posting named in a request; a missing one is the
// caller's mistake, so EINVALID on that field rather than ENOTFOUND.
func (s *Service) postingRef(ctx context.Context, field string, id uint64) (*saperi.Posting, error) {
	if id == 0 {
		return nil, saperi.Invalid(field, "error.required", "%s is required", field)
	}
	p, err := s.store.Posting(ctx, id)
	if saperi.ErrorCode(err) == saperi.ENOTFOUND {
		return nil, &saperi.Error{Code: saperi.EINVALID, Field: field, Key: "error.not_found.posting",
			Message: "unknown posting", Args: map[string]any{"ID": id}}
	}
	return p, err
}

// Match returns match id if the caller may see it.
func (s *Service) Match(ctx context.Context, id uint64) (*saperi.Match, error) {
	m, err := s.store.Match(ctx, id)
	if err != nil {
		return nil, err
	}
	sh, err := s.Shares(ctx)
	if err != nil {
		return nil, err
	}
	r, err := s.matchResource(ctx, m, sh)
	if err != nil {
		return nil, err
	}
	if err := allow(ctx, saperi.View, r); err != nil {
		return nil, err
	}
	return m, nil
}

// MatchesOf lists the matches of posting id the caller may see, oldest
// first.
func (s *Service) MatchesOf(ctx context.Context, id uint64) ([]*saperi.Match, error) {
	if _, err := s.Posting(ctx, id); err != nil {
		return nil, err
	}
	return s.visibleMatches(ctx, id)
}

func (s *Service) visibleMatches(ctx context.Context, postingID uint64) ([]*saperi.Match, error) {
	list, err := s.store.MatchesOf(ctx, postingID)
	if err != nil {
		return nil, err
	}
	sh, err := s.Shares(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*saperi.Match, 0, len(list))
	for _, m := range list {
		r, err := s.matchResource(ctx, m, sh)
		if err != nil {
			return nil, err
		}
		if Can(ctx, saperi.View, r) {
			out = append(out, m)
		}
	}
	return out, nil
}

// MatchesOfProfile lists the matches of every posting of profile id, for
// its owner or its desk.
func (s *Service) MatchesOfProfile(ctx context.Context, id uint64) ([]*saperi.Match, error) {
	posts, err := s.AllPostings(ctx, saperi.PostingFilter{ProfileID: id})
	if err != nil {
		return nil, err
	}
	var out []*saperi.Match
	for _, p := range posts {
		ms, err := s.visibleMatches(ctx, p.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, ms...)
	}
	return out, nil
}

// Act applies a to match id: accept or decline for one side (a resident
// answers for their own side when side is empty; a desk names the side
// of its person), or the desk's withdraw, complete and note. A match that
// became connected marks its need matched and sends the "you are in
// touch" mail.
func (s *Service) Act(ctx context.Context, id uint64, a saperi.Action, side saperi.Side, note string) (*saperi.Match, error) {
	cur, err := s.store.Match(ctx, id)
	if err != nil {
		return nil, err
	}
	pr := saperi.PrincipalFrom(ctx)
	verb := saperi.Follow
	if a == saperi.Accept || a == saperi.Decline {
		verb = saperi.Answer
		if side == "" {
			side = SideOf(pr, cur)
		}
	}
	if err := s.allowMatch(ctx, cur, verb, side); err != nil {
		return nil, err
	}
	now := s.Now()
	m, err := s.store.UpdateMatch(ctx, id, func(m *saperi.Match) error {
		return m.Apply(a, side, pr.Actor(), note, now)
	}, s.event(ctx, "match."+string(a), onBehalf(pr, cur, side)))
	if err != nil {
		return nil, err
	}
	s.afterAnswer(ctx, m)
	return m, nil
}

// allowMatch checks that the caller may do v to m (for side, with
// Answer). Naming no side to answer for is the caller's mistake, but only
// said to a caller who may see the match.
func (s *Service) allowMatch(ctx context.Context, m *saperi.Match, v saperi.Verb, side saperi.Side) error {
	sh, err := s.Shares(ctx)
	if err != nil {
		return err
	}
	r, err := s.matchResource(ctx, m, sh)
	if err != nil {
		return err
	}
	r.Side = side
	if v == saperi.Answer && side != saperi.NeedSide && side != saperi.OfferSide {
		if err := allow(ctx, saperi.View, r); err != nil {
			return err
		}
		return saperi.Invalid("side", "error.match.side", "side must be need or offer")
	}
	return allow(ctx, v, r)
}

// onBehalf is the person an action on side of m concerns, for the audit
// trail: 0 when the person acts for themselves or no side is named.
func onBehalf(pr saperi.Principal, m *saperi.Match, side saperi.Side) uint64 {
	var id uint64
	switch side {
	case saperi.NeedSide:
		id = m.NeedProfileID
	case saperi.OfferSide:
		id = m.OfferProfileID
	}
	if id == pr.ProfileID {
		return 0
	}
	return id
}

// afterAnswer runs once an answer is committed: a match that just became
// connected makes its need matched (the index re-reads it) and tells the
// Connected hook; a failure to record that mail is logged, not the
// caller's error.
func (s *Service) afterAnswer(ctx context.Context, m *saperi.Match) {
	if !BecameConnected(m) {
		return
	}
	s.changed()
	if s.connected == nil {
		return
	}
	if err := s.connected(ctx, m); err != nil {
		s.log.ErrorContext(ctx, "connected mail", "match", m.ID, "err", err)
	}
}

// BecameConnected reports whether the last change made m connected.
func BecameConnected(m *saperi.Match) bool {
	if len(m.History) == 0 {
		return false
	}
	last := m.History[len(m.History)-1]
	return last.To == saperi.Connected && last.From != saperi.Connected
}

// AnswerByLink accepts or declines match id for side, for the person who
// followed the signed link in their mail: the link's signature is the
// authority, and the audit trail names "link" as the actor.
func (s *Service) AnswerByLink(ctx context.Context, id uint64, side saperi.Side, a saperi.Action, purpose string) (*saperi.Match, error) {
	cur, err := s.store.Match(ctx, id)
	if err != nil {
		return nil, err
	}
	ev := saperi.Event{At: s.Now(), Actor: "link", Action: "link." + purpose, OnBehalfOf: cur.NeedProfileID}
	if side == saperi.OfferSide {
		ev.OnBehalfOf = cur.OfferProfileID
	}
	now := s.Now()
	m, err := s.store.UpdateMatch(ctx, id, func(m *saperi.Match) error {
		return m.Apply(a, side, "link", "", now)
	}, ev)
	if err != nil {
		return nil, err
	}
	s.afterAnswer(ctx, m)
	return m, nil
}

// RecordContact records the desk's contact attempt with one side of
// match id: the outcome and an optional note.
func (s *Service) RecordContact(ctx context.Context, id uint64, side saperi.Side, outcome, note string) (*saperi.Match, error) {
	cur, err := s.store.Match(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.allowMatch(ctx, cur, saperi.Follow, ""); err != nil {
		return nil, err
	}
	pr := saperi.PrincipalFrom(ctx)
	now := s.Now()
	ev := s.event(ctx, "match.contact", cur.NeedProfileID)
	if side == saperi.OfferSide {
		ev.OnBehalfOf = cur.OfferProfileID
	}
	return s.store.UpdateMatch(ctx, id, func(m *saperi.Match) error {
		return m.RecordContact(side, outcome, pr.Actor(), note, now)
	}, ev)
}

// Rights are what the caller may do to a match, for showing only the
// buttons that would work.
type Rights struct {
	AnswerNeed, AnswerOffer bool // accept or decline for that side
	Follow                  bool // notes, contact attempts, withdraw, complete
	SeeNeed, SeeOffer       bool // the contacts of that side
}

// RightsOn returns what the caller may do to m.
func (s *Service) RightsOn(ctx context.Context, m *saperi.Match, sh Shares) (Rights, error) {
	r, err := s.matchResource(ctx, m, sh)
	if err != nil {
		return Rights{}, err
	}
	rn, ro := r, r
	rn.Side, ro.Side = saperi.NeedSide, saperi.OfferSide
	return Rights{
		AnswerNeed: Can(ctx, saperi.Answer, rn), AnswerOffer: Can(ctx, saperi.Answer, ro),
		Follow:  Can(ctx, saperi.Follow, r),
		SeeNeed: Can(ctx, saperi.SeeContacts, rn), SeeOffer: Can(ctx, saperi.SeeContacts, ro),
	}, nil
}

// Party is one side of a connected match: who, and how to reach them.
type Party struct {
	ProfileID uint64          `json:"profile_id"`
	Name      string          `json:"name"`
	Contacts  saperi.Contacts `json:"contacts"`
}

// Parties are the two sides of a connected match.
type Parties struct {
	Need  Party `json:"need"`
	Offer Party `json:"offer"`
}

// Parties returns both sides' contacts once m is connected, to a caller
// who may see both (the parties and their desks); nil otherwise, and for
// a match one of whose sides was erased.
func (s *Service) Parties(ctx context.Context, m *saperi.Match, sh Shares) *Parties {
	if !m.Disclosed() {
		return nil
	}
	rights, err := s.RightsOn(ctx, m, sh)
	if err != nil || !rights.SeeNeed || !rights.SeeOffer {
		return nil
	}
	need, err1 := s.store.Profile(ctx, m.NeedProfileID)
	offer, err2 := s.store.Profile(ctx, m.OfferProfileID)
	if err1 != nil || err2 != nil {
		return nil
	}
	return &Parties{
		Need:  Party{ProfileID: need.ID, Name: need.Name, Contacts: need.Contacts},
		Offer: Party{ProfileID: offer.ID, Name: offer.Name, Contacts: offer.Contacts},
	}
}

// PostingsOf returns the two postings of m that still exist (an erased
// account's are gone), for showing m to a caller who may see it.
func (s *Service) PostingsOf(ctx context.Context, m *saperi.Match) ([]*saperi.Posting, error) {
	return s.store.Postings(ctx, []uint64{m.NeedID, m.OfferID})
}
