package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/saperi/saperi"
	"github.com/saperi/saperi/service"
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
	m, err := s.svc.Propose(ctx, in.NeedID, in.OfferID, in.Note)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Location", "/api/v1/matches/"+strconv.FormatUint(m.ID, 10))
	s.jsonMatch(c, http.StatusCreated, m)
}

func (s *Server) getMatch(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.fail(c, err)
		return
	}
	m, err := s.svc.Match(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.jsonMatch(c, http.StatusOK, m)
}

// jsonMatch answers with m as matchView.
func (s *Server) jsonMatch(c *gin.Context, status int, m *saperi.Match) {
	sh, err := s.svc.Shares(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(status, s.viewMatch(c, m, sh))
}

func (s *Server) postingMatches(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	list, err := s.svc.MatchesOf(ctx, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	sh, err := s.svc.Shares(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	items := make([]matchView, 0, len(list))
	for _, m := range list {
		items = append(items, s.viewMatch(c, m, sh))
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
		m, err := s.svc.Act(c.Request.Context(), id, a, in.Side, in.Note)
		if err != nil {
			s.fail(c, err)
			return
		}
		s.jsonMatch(c, http.StatusOK, m)
	}
}

// viewMatch adds reasons and, once both sides accepted, the contacts of
// both parties — each only to a caller allowed to see it (saperi.Can
// SeeContacts: the parties and their desks once connected).
func (s *Server) viewMatch(c *gin.Context, m *saperi.Match, sh service.Shares) matchView {
	b, reasons := viewBreakdown(loc(c), m.Breakdown)
	return matchView{Match: m, Breakdown: b, Reasons: reasonTexts(loc(c), m.Reasons, reasons), Contacts: s.svc.Parties(c.Request.Context(), m, sh)}
}
