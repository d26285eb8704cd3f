package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/saperi/saperi"
	"github.com/saperi/saperi/service"
)

type postingInput struct {
	Kind          saperi.Kind   `json:"kind"`
	ProfileID     uint64        `json:"profile_id"`
	Title         string        `json:"title"`
	Description   string        `json:"description"`
	Category      string        `json:"category"`
	Tags          []string      `json:"tags"`
	Slots         []saperi.Slot `json:"slots"`
	AvailableFrom time.Time     `json:"available_from"`
	AvailableTo   time.Time     `json:"available_to"`
	Mode          saperi.Mode   `json:"mode"`
	MaxDistanceKm float64       `json:"max_distance_km"`
	Area          string        `json:"area"`
	Point         *saperi.Point `json:"point"`
	Languages     []string      `json:"languages"`
	Capacity      int           `json:"capacity"`
	Urgent        bool          `json:"urgent"`
	Expires       time.Time     `json:"expires"`
}

// postingPatch changes only the fields present.
type postingPatch struct {
	Title         *string        `json:"title"`
	Description   *string        `json:"description"`
	Category      *string        `json:"category"`
	Tags          *[]string      `json:"tags"`
	Slots         *[]saperi.Slot `json:"slots"`
	AvailableFrom *time.Time     `json:"available_from"`
	AvailableTo   *time.Time     `json:"available_to"`
	Mode          *saperi.Mode   `json:"mode"`
	MaxDistanceKm *float64       `json:"max_distance_km"`
	Area          *string        `json:"area"`
	Point         *saperi.Point  `json:"point"`
	Languages     *[]string      `json:"languages"`
	Capacity      *int           `json:"capacity"`
	Urgent        *bool          `json:"urgent"`
	Expires       *time.Time     `json:"expires"`
}

func (s *Server) createPosting(c *gin.Context) {
	var in postingInput
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	p := &saperi.Posting{Kind: in.Kind, ProfileID: in.ProfileID, Title: in.Title, Description: in.Description,
		Category: in.Category, Tags: in.Tags, Slots: in.Slots, AvailableFrom: in.AvailableFrom, AvailableTo: in.AvailableTo,
		Mode: in.Mode, MaxDistanceKm: in.MaxDistanceKm, Area: in.Area, Point: in.Point, Languages: in.Languages,
		Capacity: in.Capacity, Urgent: in.Urgent, Expires: in.Expires}
	if err := s.svc.CreatePosting(ctx, p); err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Location", "/api/v1/postings/"+strconv.FormatUint(p.ID, 10))
	c.JSON(http.StatusCreated, s.viewPosting(ctx, principal(c), p))
}

// postingView is a posting as the API shows it one at a time: with a
// suggested category when it has none, so the desk can file it.
type postingView struct {
	*saperi.Posting
	SuggestedCategory *saperi.Suggestion `json:"suggested_category,omitempty"`
}

func (s *Server) viewPosting(ctx context.Context, pr saperi.Principal, p *saperi.Posting) postingView {
	v := postingView{Posting: p}
	if p.Category != "" {
		return v
	}
	sug, ok, err := s.suggest(ctx, pr, p.Title+"\n"+p.Description+"\n"+strings.Join(p.Tags, ", "))
	if err != nil {
		// A suggestion is a courtesy: the posting is shown without it.
		s.log.Warn("suggest category", "posting", p.ID, "err", err)
		return v
	}
	if ok {
		v.SuggestedCategory = &sug
	}
	return v
}

func (s *Server) getPosting(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	p, err := s.svc.Posting(ctx, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, s.viewPosting(ctx, principal(c), s.present(p)[0]))
}

func (s *Server) listPostings(c *gin.Context) {
	var f saperi.PostingFilter
	var err error
	kind, err := queryEnum(c, "kind", string(saperi.Offer), string(saperi.Need))
	if err == nil {
		f.Kind = saperi.Kind(kind)
		var st string
		st, err = queryEnum(c, "status", "open", "paused", "matched", "closed", "expired")
		f.Status = saperi.Status(st)
	}
	if err == nil {
		f.HubID, err = queryID(c, "hub_id")
	}
	if err == nil {
		f.ProfileID, err = queryID(c, "profile_id")
	}
	if err == nil {
		f.After, f.Limit, err = page(c, 50, 500)
	}
	if err == nil {
		f.Category, err = queryText(c, "category", 40)
	}
	if err == nil {
		f.Area, err = queryText(c, "area", 60)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	f.Now = s.Now().UTC()
	list, err := s.svc.Postings(c.Request.Context(), f)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": s.present(list...),
		"next_after": nextAfter(len(list), f.Limit, func() uint64 { return list[len(list)-1].ID })})
}

func (s *Server) updatePosting(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.fail(c, err)
		return
	}
	var in postingPatch
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	p, err := s.svc.UpdatePosting(c.Request.Context(), id, func(p *saperi.Posting) error {
		if in == (postingPatch{}) {
			return invalid("", "error.patch.empty", "nothing to change", nil)
		}
		setIf(&p.Title, in.Title)
		setIf(&p.Description, in.Description)
		setIf(&p.Category, in.Category)
		setIf(&p.Tags, in.Tags)
		setIf(&p.Slots, in.Slots)
		setIf(&p.AvailableFrom, in.AvailableFrom)
		setIf(&p.AvailableTo, in.AvailableTo)
		setIf(&p.Mode, in.Mode)
		setIf(&p.MaxDistanceKm, in.MaxDistanceKm)
		setIf(&p.Area, in.Area)
		setIf(&p.Languages, in.Languages)
		setIf(&p.Capacity, in.Capacity)
		setIf(&p.Urgent, in.Urgent)
		setIf(&p.Expires, in.Expires)
		if in.Point != nil {
			p.Point = in.Point
		}
		return nil
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, p)
}

// transition pauses, resumes, closes or renews a posting.
func (s *Server) transition(t saperi.Transition) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, err := pathID(c, "id")
		if err != nil {
			s.fail(c, err)
			return
		}
		p, err := s.svc.ChangeStatus(c.Request.Context(), id, t)
		if err != nil {
			s.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, p)
	}
}

// candidates ranks the postings that could answer posting :id.
func (s *Server) candidates(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.fail(c, err)
		return
	}
	limit, err := queryInt(c, "limit", 10, 1, 50)
	if err != nil {
		s.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	ranked, err := s.svc.Candidates(ctx, id, service.CandidateQuery{Limit: limit})
	if err != nil {
		s.fail(c, err)
		return
	}
	// The posting's kind words the empty state (a need is answered by
	// offers, an offer by needs); Candidates has checked the caller's right.
	target, err := s.svc.Posting(ctx, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, s.candidateList(loc(c), target.Kind, ranked))
}

// search is the search box: plain words, never query syntax.
func (s *Server) search(c *gin.Context) {
	q, err := queryText(c, "q", 200)
	var f saperi.SearchFilter
	if err == nil {
		var k string
		k, err = queryEnum(c, "kind", string(saperi.Offer), string(saperi.Need))
		f.Kind = saperi.Kind(k)
	}
	if err == nil {
		f.Category, err = queryText(c, "category", 40)
	}
	if err == nil {
		f.Area, err = queryText(c, "area", 60)
	}
	if err == nil {
		f.HubID, err = queryID(c, "hub_id")
	}
	if err == nil {
		f.Size, err = queryInt(c, "limit", 20, 1, 100)
	}
	if err == nil {
		f.From, err = queryInt(c, "offset", 0, 0, 10000)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	visible, total, err := s.svc.Search(c.Request.Context(), q, f)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": s.present(visible...), "total": total})
}

// present returns copies of the postings as a reader should see them: with
// the status as of now (an open posting past its expiry shows as expired
// before the store records it).
func (s *Server) present(ps ...*saperi.Posting) []*saperi.Posting {
	now := s.Now()
	out := make([]*saperi.Posting, len(ps))
	for i, p := range ps {
		cp := *p
		cp.Status = p.StatusAt(now)
		out[i] = &cp
	}
	return out
}
