package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/saperi/saperi"
)

type hubPatch struct {
	Name               *string        `json:"name"`
	Area               *string        `json:"area"`
	Point              *saperi.Point  `json:"point"`
	Neighbors          *[]uint64      `json:"neighbors"`
	ShareWithNeighbors *bool          `json:"share_with_neighbors"`
	Areas              *[]saperi.Area `json:"areas"`
}

// updateHub changes a hub (admins): names, area, neighbours and whether
// its postings are shared with them.
func (s *Server) updateHub(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.fail(c, err)
		return
	}
	var in hubPatch
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	h, err := s.svc.UpdateHub(c.Request.Context(), id, func(h *saperi.Hub) error {
		setIf(&h.Name, in.Name)
		setIf(&h.Areas, in.Areas)
		setIf(&h.Area, in.Area)
		setIf(&h.Neighbors, in.Neighbors)
		setIf(&h.ShareWithNeighbors, in.ShareWithNeighbors)
		if in.Point != nil {
			h.Point = in.Point
		}
		return nil
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, h)
}

func (s *Server) createCategory(c *gin.Context) {
	var in saperi.Category
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	if err := s.svc.CreateCategory(c.Request.Context(), in); err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, in)
}

type categoryPatch struct {
	Name string `json:"name"`
	En   string `json:"name_en"`
}

func (s *Server) renameCategory(c *gin.Context) {
	var in categoryPatch
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	cat, err := s.svc.RenameCategory(c.Request.Context(), c.Param("id"), in.Name, in.En)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, cat)
}
