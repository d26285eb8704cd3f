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
	items, err := s.svc.Queue(c.Request.Context(), hub, f)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
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
	m, err := s.svc.RecordContact(c.Request.Context(), id, in.Side, in.Outcome, in.Note)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.jsonMatch(c, http.StatusOK, m)
}
