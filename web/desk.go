package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/saperi/saperi"
)

// queue lists a hub's open needs for the desk: nobody working on them
// first, then the oldest; filters category, area and urgent.
func (s *Server) queue(c *gin.Context) {
	hub, err := pathID(c, "id")
	if err != nil {
		s.fail(c, err)
		return
	}
	var f saperi.QueueFilter
	f.Category, err = queryText(c, "category", 40)
	if err == nil {
		f.Area, err = queryText(c, "area", 60)
	}
	var urgent string
	if err == nil {
		urgent, err = queryEnum(c, "urgent", "true", "false")
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	f.UrgentOnly = urgent == "true"
	items, err := s.hubQueue(c, hub, f)
	if err != nil {
		s.fail(c, err)
		return
	}
	if items == nil {
		return // answered
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

// hubQueue checks that the caller works at hub and returns its queue; nil
// without error means it has answered (not found, forbidden).
func (s *Server) hubQueue(c *gin.Context, hub uint64, f saperi.QueueFilter) ([]saperi.QueueItem, error) {
	ctx := c.Request.Context()
	if _, err := s.Store.Hub(ctx, hub); err != nil {
		return nil, err
	}
	if !s.allow(c, saperi.List, saperi.Resource{Kind: saperi.ResPosting, HubID: hub}) {
		return nil, nil
	}
	var needs []*saperi.Posting
	for after := uint64(0); ; {
		page, err := s.Store.ListPostings(ctx, saperi.PostingFilter{HubID: hub, Kind: saperi.Need, Status: saperi.Open,
			Category: f.Category, Area: f.Area, After: after, Limit: 500})
		if err != nil {
			return nil, err
		}
		needs = append(needs, page...)
		if len(page) < 500 {
			break
		}
		after = page[len(page)-1].ID
	}
	ids := make([]uint64, len(needs))
	for i, p := range needs {
		ids[i] = p.ID
	}
	active, err := s.Store.ActiveMatches(ctx, ids)
	if err != nil {
		return nil, err
	}
	return saperi.Queue(needs, active, f, s.Now().UTC()), nil
}

type contactInput struct {
	Side    saperi.Side `json:"side"`
	Outcome string      `json:"outcome"`
	Note    string      `json:"note"`
}

// recordContact records a contact attempt with one side of a match.
func (s *Server) recordContact(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.fail(c, err)
		return
	}
	var in contactInput
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	m, sh := s.allowMatch(c, id, saperi.Follow, "")
	if m == nil {
		return
	}
	now := s.Now().UTC()
	onBehalf := m.NeedProfileID
	if in.Side == saperi.OfferSide {
		onBehalf = m.OfferProfileID
	}
	m, err = s.Store.UpdateMatch(c.Request.Context(), id, func(m *saperi.Match) error {
		return m.RecordContact(in.Side, in.Outcome, actor(c), in.Note, now)
	}, s.event(c, "match.contact", onBehalf))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, s.viewMatch(c, m, sh))
}
