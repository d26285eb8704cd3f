package web

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/saperi/saperi"
	"github.com/saperi/saperi/matcher"
)

// Hub concepts extend the synonyms: where a synonym group says two
// expressions are the same, a concept says what a problem calls for
// ("devo portare i bambini a scuola in bici" → "bici cargo"), so a need
// reaches an offer with no word in common. Unlike synonyms they tag
// postings when they are indexed: after a concept is added or deleted the
// index is rebuilt with the stored concepts in the background (searches go
// on meanwhile), and the API says per concept whether the running index
// knows it yet (pending). At a start the index loads them too (cmd hands
// them to index.Options.ExtraConcepts).

type conceptInput struct {
	ID       string   `json:"id"`
	Category string   `json:"category"`
	Parent   string   `json:"parent"`
	Labels   []string `json:"labels"`
	Problems []string `json:"problems"`
}

// hubConceptView is a hub concept as the API shows it.
type hubConceptView struct {
	*saperi.Concept
	// Pending is true while the running index does not know the concept
	// (added since the server started): it applies from the next start.
	Pending bool `json:"pending"`
}

// conceptIndex is the part of the index that knows the loaded concepts
// (index.Index implements it).
type conceptIndex interface {
	Concept(id string) (matcher.Concept, bool)
}

// conceptSetter is the part of the index that takes the hubs' concepts
// (index.Index implements it).
type conceptSetter interface {
	CheckConcepts(extra []byte) error
	SetConcepts(ctx context.Context, extra []byte) error
}

// checkConcepts reports whether cs load together with the shipped
// concepts; nil when the index cannot tell.
func (s *Server) checkConcepts(cs []*saperi.Concept) error {
	ci, ok := s.Index.(conceptSetter)
	if !ok {
		return nil
	}
	if err := ci.CheckConcepts(saperi.ConceptFile(cs)); err != nil {
		return invalid("id", "error.concept.load", err.Error(), map[string]any{"Reason": err.Error()})
	}
	return nil
}

// applyConcepts hands the stored concepts to the index, which re-tags
// every posting with them. Runs apart from the request; the lock makes
// the last run read the latest concepts.
func (s *Server) applyConcepts() {
	ci, ok := s.Index.(conceptSetter)
	if !ok {
		return
	}
	s.conceptMu.Lock()
	defer s.conceptMu.Unlock()
	ctx := context.Background()
	cs, err := s.Store.Concepts(ctx)
	if err != nil {
		s.log.Error("concepts: read", "err", err)
		return
	}
	start := s.Now()
	if err := ci.SetConcepts(ctx, saperi.ConceptFile(cs)); err != nil {
		s.log.Warn("concepts: not applied; they apply at the next start", "concepts", len(cs), "err", err)
		return
	}
	s.log.Info("concepts: applied", "concepts", len(cs), "took", s.Now().Sub(start).Round(time.Millisecond))
}

// loadedConcept reports whether the running index has concept id; ok is
// false when the index cannot tell.
func (s *Server) loadedConcept(id string) (has, ok bool) {
	ci, ok := s.Index.(conceptIndex)
	if !ok {
		return false, false
	}
	_, has = ci.Concept(id)
	return has, true
}

func (s *Server) viewConcept(c *saperi.Concept) hubConceptView {
	has, _ := s.loadedConcept(c.ID)
	return hubConceptView{Concept: c, Pending: !has}
}

func (s *Server) listConcepts(c *gin.Context) {
	cs, err := s.Store.Concepts(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	items := make([]hubConceptView, len(cs))
	for i, x := range cs {
		items[i] = s.viewConcept(x)
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

func (s *Server) createConcept(c *gin.Context) {
	if !s.admin(c) { // like the synonyms, the coordinator's
		return
	}
	var in conceptInput
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	x := &saperi.Concept{ID: strings.TrimSpace(in.ID), Category: in.Category, Parent: in.Parent, Labels: in.Labels,
		Problems: in.Problems, Created: s.Now().UTC()}
	if err := x.Validate(); err != nil {
		s.fail(c, err)
		return
	}
	// The concept files and the stored concepts are one set of ids: a
	// clash, or an unknown parent, would keep the index from loading.
	hubs, err := s.Store.Concepts(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	stored := map[string]bool{}
	for _, h := range hubs {
		stored[h.ID] = true
	}
	if shipped, ok := s.loadedConcept(x.ID); ok && shipped && !stored[x.ID] {
		s.fail(c, &saperi.Error{Code: saperi.ECONFLICT, Key: "error.concept.exists", Field: "id",
			Message: "concept " + x.ID + " exists already", Args: map[string]any{"ID": x.ID}})
		return
	}
	if x.Parent != "" && !stored[x.Parent] {
		if known, ok := s.loadedConcept(x.Parent); ok && !known {
			s.fail(c, invalid("parent", "error.concept.parent", "unknown parent concept", map[string]any{"Parent": x.Parent}))
			return
		}
	}
	if err := s.checkConcepts(append(slices.DeleteFunc(hubs, func(h *saperi.Concept) bool { return h.ID == x.ID }), x)); err != nil {
		s.fail(c, err)
		return
	}
	if err := s.Store.CreateConcept(ctx, x, s.event(c, "concept.create", 0)); err != nil {
		s.fail(c, err)
		return
	}
	s.bg.Go(s.applyConcepts)
	c.Header("Location", "/api/v1/concepts/"+x.ID)
	c.JSON(http.StatusCreated, s.viewConcept(x))
}

func (s *Server) deleteConcept(c *gin.Context) {
	if !s.admin(c) {
		return
	}
	if err := s.Store.DeleteConcept(c.Request.Context(), c.Param("id"), s.event(c, "concept.delete", 0)); err != nil {
		s.fail(c, err)
		return
	}
	s.bg.Go(s.applyConcepts)
	c.Status(http.StatusNoContent)
}
