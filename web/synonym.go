package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/saperi/saperi"
)

// Synonyms and category suggestions: the parts of matching an admin can
// shape, and what matching can tell about a text.
//
// Synonym groups apply at query time (the index expands a need's words
// with them when it searches), so adding or deleting one takes effect at
// the next request and nothing is re-indexed.

type synonymInput struct {
	Terms []string `json:"terms"`
}

func (s *Server) listSynonyms(c *gin.Context) {
	syns, err := s.Store.Synonyms(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": syns})
}

func (s *Server) createSynonym(c *gin.Context) {
	if !s.admin(c) { // the thesaurus is the coordinator's
		return
	}
	var in synonymInput
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	syn := &saperi.Synonym{Terms: in.Terms, Created: s.Now().UTC()}
	if err := s.Store.CreateSynonym(ctx, syn, s.event(c, "synonym.create", 0)); err != nil {
		s.fail(c, err)
		return
	}
	if err := s.reloadSynonyms(ctx); err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Location", "/api/v1/synonyms/"+strconv.FormatUint(syn.ID, 10))
	c.JSON(http.StatusCreated, syn)
}

func (s *Server) deleteSynonym(c *gin.Context) {
	if !s.admin(c) { // the thesaurus is the coordinator's
		return
	}
	id, err := pathID(c, "id")
	if err != nil {
		s.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	if err := s.Store.DeleteSynonym(ctx, id, s.event(c, "synonym.delete", 0)); err != nil {
		s.fail(c, err)
		return
	}
	if err := s.reloadSynonyms(ctx); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// reloadSynonyms hands the stored groups to the index.
func (s *Server) reloadSynonyms(ctx context.Context) error {
	syns, err := s.Store.Synonyms(ctx)
	if err != nil {
		return err
	}
	s.Index.SetSynonyms(saperi.SynonymGroups(syns))
	return nil
}

// suggestNeighbours is how many similar postings vote on a category.
const suggestNeighbours = 10

func (s *Server) suggestCategory(c *gin.Context) {
	text, err := queryText(c, "text", 2000)
	if err == nil && text == "" {
		err = invalid("text", "error.required", "text is required", map[string]any{"Field": "text"})
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	sug, ok, err := s.suggest(c.Request.Context(), principal(c), text)
	if err != nil {
		s.fail(c, err)
		return
	}
	if !ok {
		c.JSON(http.StatusOK, gin.H{"category": nil, "confidence": 0})
		return
	}
	c.JSON(http.StatusOK, s.suggestionJSON(c, sug))
}

// suggest guesses a category for text (see saperi.SuggestCategory) for
// pr: only the postings pr may view vote as neighbours, so that the
// answer tells nothing of what others wrote where pr may not look.
func (s *Server) suggest(ctx context.Context, pr saperi.Principal, text string) (saperi.Suggestion, bool, error) {
	cats, err := s.Store.Categories(ctx)
	if err != nil {
		return saperi.Suggestion{}, false, err
	}
	hits, err := s.Index.Similar(ctx, text, suggestNeighbours)
	if err != nil {
		return saperi.Suggestion{}, false, err
	}
	ids := make([]uint64, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	posts, err := s.Store.Postings(ctx, ids)
	if err != nil {
		return saperi.Suggestion{}, false, err
	}
	score := make(map[uint64]float64, len(hits))
	for _, h := range hits {
		score[h.ID] = h.Score
	}
	sh, err := s.svc.Shares(ctx)
	if err != nil {
		return saperi.Suggestion{}, false, err
	}
	near := make([]saperi.Neighbour, 0, len(posts))
	for _, p := range posts {
		if p != nil && p.Category != "" && saperi.Can(pr, saperi.View, sh.Posting(p)) {
			near = append(near, saperi.Neighbour{Category: p.Category, Score: score[p.ID]})
		}
	}
	kw, share := s.Index.SuggestCategory(text)
	sug, ok := saperi.SuggestCategory(cats, near, kw, share)
	return sug, ok, nil
}

func (s *Server) suggestionJSON(c *gin.Context, sug saperi.Suggestion) gin.H {
	name := sug.Category
	if cats, err := s.Store.Categories(c.Request.Context()); err == nil {
		if cat, ok := saperi.CategoryByID(cats, sug.Category); ok {
			name = cat.Name
			if l := loc(c); l != nil && l.Lang() == "en" {
				name = cat.En
			}
		}
	}
	return gin.H{"category": sug.Category, "name": name, "confidence": sug.Confidence}
}
