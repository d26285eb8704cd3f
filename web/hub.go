package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/saperi/saperi"
)

type hubInput struct {
	Name               string        `json:"name"`
	Area               string        `json:"area"`
	Point              *saperi.Point `json:"point"`
	Neighbors          []uint64      `json:"neighbors"`
	ShareWithNeighbors bool          `json:"share_with_neighbors"`
	Emails             []string      `json:"emails"`
	Areas              []saperi.Area `json:"areas"`
}

func (s *Server) createHub(c *gin.Context) {
	var in hubInput
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	h := &saperi.Hub{Name: in.Name, Area: in.Area, Point: in.Point, Neighbors: in.Neighbors,
		ShareWithNeighbors: in.ShareWithNeighbors, Emails: in.Emails, Areas: in.Areas}
	if err := s.svc.CreateHub(c.Request.Context(), h); err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Location", "/api/v1/hubs/"+strconv.FormatUint(h.ID, 10))
	c.JSON(http.StatusCreated, h)
}

func (s *Server) listHubs(c *gin.Context) {
	hubs, err := s.Store.Hubs(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	if hubs == nil {
		hubs = []*saperi.Hub{}
	}
	c.JSON(http.StatusOK, gin.H{"items": hubs})
}

func (s *Server) getHub(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.fail(c, err)
		return
	}
	h, err := s.Store.Hub(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, h)
}

func (s *Server) listCategories(c *gin.Context) {
	cats, err := s.Store.Categories(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": cats})
}
