package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/saperi/saperi/matcher"
)

type postingInput struct {
	Kind          matcher.Kind   `json:"kind"`
	ProfileID     uint64         `json:"profile_id"`
	Title         string         `json:"title"`
	Description   string         `json:"description"`
	Category      string         `json:"category"`
	Tags          []string       `json:"tags"`
	Slots         []matcher.Slot `json:"slots"`
	AvailableFrom time.Time      `json:"available_from"`
	AvailableTo   time.Time      `json:"available_to"`
	Mode          matcher.Mode   `json:"mode"`
	MaxDistanceKm float64        `json:"max_distance_km"`
	Area          string         `json:"area"`
	Point         *matcher.Point `json:"point"`
	Languages     []string       `json:"languages"`
	Capacity      int            `json:"capacity"`
	Expires       time.Time      `json:"expires"`
}

// postingPatch changes only the fields present.
type postingPatch struct {
	Title         *string         `json:"title"`
	Description   *string         `json:"description"`
	Category      *string         `json:"category"`
	Tags          *[]string       `json:"tags"`
	Slots         *[]matcher.Slot `json:"slots"`
	AvailableFrom *time.Time      `json:"available_from"`
	AvailableTo   *time.Time      `json:"available_to"`
	Mode          *matcher.Mode   `json:"mode"`
	MaxDistanceKm *float64        `json:"max_distance_km"`
	Area          *string         `json:"area"`
	Point         *matcher.Point  `json:"point"`
	Languages     *[]string       `json:"languages"`
	Capacity      *int            `json:"capacity"`
	Expires       *time.Time      `json:"expires"`
}

func (s *Server) createPosting(c *gin.Context) {
	var in postingInput
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	now := s.Now().UTC()
	p := &matcher.Posting{Kind: in.Kind, Title: in.Title, Description: in.Description, Category: in.Category,
		Tags: in.Tags, Slots: in.Slots, AvailableFrom: in.AvailableFrom, AvailableTo: in.AvailableTo, Mode: in.Mode,
		MaxDistanceKm: in.MaxDistanceKm, Area: in.Area, Point: in.Point, Languages: in.Languages,
		Capacity: in.Capacity, Expires: in.Expires, Created: now, Updated: now}
	if in.ProfileID == 0 {
		s.fail(c, matcher.Invalid("profile_id", "error.posting.profile", "profile_id is required"))
		return
	}
	owner, err := s.Store.Profile(ctx, in.ProfileID)
	if matcher.ErrorCode(err) == matcher.ENOTFOUND {
		err = invalid("profile_id", "error.unknown_profile", "unknown profile", map[string]any{"ID": in.ProfileID})
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	p.Inherit(owner)
	p.Normalize(now)
	cats, err := s.Store.Categories(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := p.Validate(cats, now); err != nil {
		s.fail(c, err)
		return
	}
	if err := s.Store.CreatePosting(ctx, p, s.event(c, "posting.create", p.ProfileID)); err != nil {
		s.fail(c, err)
		return
	}
	s.Index.Notify()
	c.Header("Location", "/api/v1/postings/"+strconv.FormatUint(p.ID, 10))
	c.JSON(http.StatusCreated, s.viewPosting(ctx, p))
}

// postingView is a posting as the API shows it one at a time: with a
// suggested category when it has none, so the desk can file it.
type postingView struct {
	*matcher.Posting
	SuggestedCategory *matcher.Suggestion `json:"suggested_category,omitempty"`
}

func (s *Server) viewPosting(ctx context.Context, p *matcher.Posting) postingView {
	v := postingView{Posting: p}
	if p.Category != "" {
		return v
	}
	sug, ok, err := s.suggest(ctx, p.Title+"\n"+p.Description+"\n"+strings.Join(p.Tags, ", "))
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
	p, err := s.Store.Posting(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, s.viewPosting(c.Request.Context(), s.present(p)[0]))
}

func (s *Server) listPostings(c *gin.Context) {
	var f matcher.PostingFilter
	var err error
	kind, err := queryEnum(c, "kind", string(matcher.Offer), string(matcher.Need))
	if err == nil {
		f.Kind = matcher.Kind(kind)
		var st string
		st, err = queryEnum(c, "status", "open", "paused", "matched", "closed", "expired")
		f.Status = matcher.Status(st)
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
	list, err := s.Store.ListPostings(c.Request.Context(), f)
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
	if in == (postingPatch{}) {
		s.fail(c, invalid("", "error.patch.empty", "nothing to change", nil))
		return
	}
	ctx := c.Request.Context()
	cats, err := s.Store.Categories(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	now := s.Now().UTC()
	p, err := s.Store.UpdatePosting(ctx, id, func(p *matcher.Posting) error {
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
		setIf(&p.Expires, in.Expires)
		if in.Point != nil {
			p.Point = in.Point
		}
		// Tidy, not Normalize: a field emptied by the patch is an error,
		// not a reason to fill a default.
		p.Tidy()
		p.Updated = now
		return p.Validate(cats, now)
	}, s.event(c, "posting.update", 0))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.Index.Notify()
	c.JSON(http.StatusOK, p)
}

// transition pauses, resumes, closes or renews a posting.
func (s *Server) transition(t matcher.Transition) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, err := pathID(c, "id")
		if err != nil {
			s.fail(c, err)
			return
		}
		now := s.Now().UTC()
		p, err := s.Store.UpdatePosting(c.Request.Context(), id, func(p *matcher.Posting) error {
			return p.Apply(t, now)
		}, s.event(c, "posting."+string(t), 0))
		if err != nil {
			s.fail(c, err)
			return
		}
		s.Index.Notify()
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
	ranked, err := s.Engine.Candidates(c.Request.Context(), id, limit, s.Now().UTC())
	if err != nil {
		s.fail(c, err)
		return
	}
	l := loc(c)
	items := make([]candidateView, 0, len(ranked))
	for _, r := range ranked {
		items = append(items, viewCandidate(l, r))
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

// search is the search box: plain words, never query syntax.
func (s *Server) search(c *gin.Context) {
	q, err := queryText(c, "q", 200)
	var f matcher.SearchFilter
	if err == nil {
		var k string
		k, err = queryEnum(c, "kind", string(matcher.Offer), string(matcher.Need))
		f.Kind = matcher.Kind(k)
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
	ctx := c.Request.Context()
	hits, total, err := s.Index.Search(ctx, q, f)
	if err != nil {
		s.fail(c, err)
		return
	}
	ids := make([]uint64, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	posts, err := s.Store.Postings(ctx, ids)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": s.present(posts...), "total": total})
}

// present returns copies of the postings as a reader should see them: with
// the status as of now (an open posting past its expiry shows as expired
// before the store records it).
func (s *Server) present(ps ...*matcher.Posting) []*matcher.Posting {
	now := s.Now()
	out := make([]*matcher.Posting, len(ps))
	for i, p := range ps {
		cp := *p
		cp.Status = p.StatusAt(now)
		out[i] = &cp
	}
	return out
}
