package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/saperi/saperi"
)

type proposeInput struct {
	NeedID  uint64 `json:"need_id"`
	OfferID uint64 `json:"offer_id"`
	Note    string `json:"note"`
}

type actionInput struct {
	Side saperi.Side `json:"side"`
	Note string      `json:"note"`
}

// proposeMatch records an operator's proposal of offer for need, scored
// and explained as the engine would.
func (s *Server) proposeMatch(c *gin.Context) {
	var in proposeInput
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	now := s.Now().UTC()
	need, err := s.postingRef(ctx, "need_id", in.NeedID)
	if err != nil {
		s.fail(c, err)
		return
	}
	offer, err := s.postingRef(ctx, "offer_id", in.OfferID)
	if err != nil {
		s.fail(c, err)
		return
	}
	sh, err := s.shares(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	res := saperi.Resource{Kind: saperi.ResMatch, NeedProfileID: need.ProfileID, OfferProfileID: offer.ProfileID,
		NeedHubID: need.HubID, OfferHubID: offer.HubID, NeedShared: sh[need.HubID], OfferShared: sh[offer.HubID]}
	if !s.allow(c, saperi.ProposeMatch, res) {
		return
	}
	r, err := s.Engine.Explain(ctx, need, offer, now)
	if err != nil {
		s.fail(c, err)
		return
	}
	m, err := saperi.NewMatch(need, offer, r.Scored(), saperi.ByOperator, actor(c), now)
	if err != nil {
		s.fail(c, err)
		return
	}
	if in.Note != "" {
		if err := m.Apply(saperi.Note, "", actor(c), in.Note, now); err != nil {
			s.fail(c, err)
			return
		}
	}
	if err := s.Store.CreateMatch(ctx, m, s.event(c, "match.propose", need.ProfileID)); err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Location", "/api/v1/matches/"+strconv.FormatUint(m.ID, 10))
	c.JSON(http.StatusCreated, s.viewMatch(c, m, sh))
}

// postingRef loads a posting named in a request body; a missing one is the
// caller's mistake, so EINVALID on that field rather than ENOTFOUND.
func (s *Server) postingRef(ctx context.Context, field string, id uint64) (*saperi.Posting, error) {
	if id == 0 {
		return nil, invalid(field, "error.required", field+" is required", nil)
	}
	p, err := s.Store.Posting(ctx, id)
	if saperi.ErrorCode(err) == saperi.ENOTFOUND {
		return nil, invalid(field, "error.not_found.posting", "unknown posting", map[string]any{"ID": id})
	}
	return p, err
}

func (s *Server) getMatch(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.fail(c, err)
		return
	}
	m, sh := s.allowMatch(c, id, saperi.View, "")
	if m == nil {
		return
	}
	c.JSON(http.StatusOK, s.viewMatch(c, m, sh))
}

func (s *Server) postingMatches(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	if s.allowPosting(c, id, saperi.View) == nil {
		return
	}
	list, err := s.Store.MatchesOf(ctx, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	sh, err := s.shares(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	items := make([]matchView, 0, len(list))
	for _, m := range list {
		r, err := s.matchResource(ctx, m, sh)
		if err != nil {
			s.fail(c, err)
			return
		}
		if can(c, saperi.View, r) {
			items = append(items, s.viewMatch(c, m, sh))
		}
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

// matchAction applies accept, decline, withdraw, complete or a note.
func (s *Server) matchAction(a saperi.Action) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, err := pathID(c, "id")
		if err != nil {
			s.fail(c, err)
			return
		}
		var in actionInput
		if c.Request.ContentLength != 0 {
			if err := decode(c, &in); err != nil {
				s.fail(c, err)
				return
			}
		}
		ctx := c.Request.Context()
		// The audit trail records whose behalf an answer was given on.
		cur, err := s.Store.Match(ctx, id)
		if err != nil {
			s.fail(c, err)
			return
		}
		// Accepting and declining are one side's answer: residents answer
		// for their own side (named or not), desks for their person's.
		verb := saperi.Follow
		if a == saperi.Accept || a == saperi.Decline {
			verb = saperi.Answer
			if in.Side == "" {
				in.Side = sideOf(principal(c), cur)
			}
		}
		_, sh := s.allowMatch(c, id, verb, in.Side)
		if sh == nil {
			return
		}
		var onBehalf uint64
		switch in.Side {
		case saperi.NeedSide:
			onBehalf = cur.NeedProfileID
		case saperi.OfferSide:
			onBehalf = cur.OfferProfileID
		}
		if onBehalf == principal(c).ProfileID {
			onBehalf = 0 // the person acts for themselves
		}
		now := s.Now().UTC()
		m, err := s.Store.UpdateMatch(ctx, id, func(m *saperi.Match) error {
			return m.Apply(a, in.Side, actor(c), in.Note, now)
		}, s.event(c, "match."+string(a), onBehalf))
		if err != nil {
			s.fail(c, err)
			return
		}
		if becameConnected(m) {
			s.Index.Notify() // the need became matched
			s.connected(ctx, m)
		}
		c.JSON(http.StatusOK, s.viewMatch(c, m, sh))
	}
}

// allowMatch loads match id and checks that the caller may do v to it
// (for side, with Answer); on failure it has answered and returns nils.
func (s *Server) allowMatch(c *gin.Context, id uint64, v saperi.Verb, side saperi.Side) (*saperi.Match, shares) {
	ctx := c.Request.Context()
	m, err := s.Store.Match(ctx, id)
	if err != nil {
		s.fail(c, err)
		return nil, nil
	}
	sh, err := s.shares(ctx)
	if err != nil {
		s.fail(c, err)
		return nil, nil
	}
	r, err := s.matchResource(ctx, m, sh)
	if err != nil {
		s.fail(c, err)
		return nil, nil
	}
	r.Side = side
	if v == saperi.Answer && side != saperi.NeedSide && side != saperi.OfferSide {
		if !s.allow(c, saperi.View, r) {
			return nil, nil
		}
		s.fail(c, saperi.Invalid("side", "error.match.side", "side must be need or offer"))
		return nil, nil
	}
	if !s.allow(c, v, r) {
		return nil, nil
	}
	return m, sh
}

// viewMatch adds reasons and, once both sides accepted, the contacts of
// both parties — each only to a caller allowed to see it (saperi.Can
// SeeContacts: the parties and their desks once connected).
func (s *Server) viewMatch(c *gin.Context, m *saperi.Match, sh shares) matchView {
	ctx := c.Request.Context()
	b, reasons := viewBreakdown(loc(c), m.Breakdown)
	v := matchView{Match: m, Breakdown: b, Reasons: reasons}
	if !m.Disclosed() {
		return v
	}
	r, err := s.matchResource(ctx, m, sh)
	if err != nil {
		return v
	}
	need, err1 := s.Store.Profile(ctx, m.NeedProfileID)
	offer, err2 := s.Store.Profile(ctx, m.OfferProfileID)
	if err1 != nil || err2 != nil {
		return v // an erased profile has no contacts to show
	}
	rn, ro := r, r
	rn.Side, ro.Side = saperi.NeedSide, saperi.OfferSide
	if !can(c, saperi.SeeContacts, rn) || !can(c, saperi.SeeContacts, ro) {
		return v
	}
	v.Contacts = &struct {
		Need  party `json:"need"`
		Offer party `json:"offer"`
	}{
		Need:  party{ProfileID: need.ID, Name: need.Name, Contacts: need.Contacts},
		Offer: party{ProfileID: offer.ID, Name: offer.Name, Contacts: offer.Contacts},
	}
	return v
}

// becameConnected reports whether the last change made m connected.
func becameConnected(m *saperi.Match) bool {
	if len(m.History) == 0 {
		return false
	}
	last := m.History[len(m.History)-1]
	return last.To == saperi.Connected && last.From != saperi.Connected
}

// connected tells the Connected hook; the change is committed, so a
// failure to record the mail is logged, not the caller's error.
func (s *Server) connected(ctx context.Context, m *saperi.Match) {
	if s.Connected == nil {
		return
	}
	if err := s.Connected(ctx, m); err != nil {
		s.log.ErrorContext(ctx, "connected mail", "match", m.ID, "err", err)
	}
}
