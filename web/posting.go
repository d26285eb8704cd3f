package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/saperi/saperi"
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
	now := s.Now().UTC()
	p := &saperi.Posting{Kind: in.Kind, Title: in.Title, Description: in.Description, Category: in.Category,
		Tags: in.Tags, Slots: in.Slots, AvailableFrom: in.AvailableFrom, AvailableTo: in.AvailableTo, Mode: in.Mode,
		MaxDistanceKm: in.MaxDistanceKm, Area: in.Area, Point: in.Point, Languages: in.Languages,
		Capacity: in.Capacity, Urgent: in.Urgent, Expires: in.Expires, Created: now, Updated: now}
	if in.ProfileID == 0 {
		in.ProfileID = principal(c).ProfileID // residents and staff post for themselves
	}
	if in.ProfileID == 0 {
		s.fail(c, saperi.Invalid("profile_id", "error.posting.profile", "profile_id is required"))
		return
	}
	owner, err := s.Store.Profile(ctx, in.ProfileID)
	if saperi.ErrorCode(err) == saperi.ENOTFOUND {
		err = invalid("profile_id", "error.unknown_profile", "unknown profile", map[string]any{"ID": in.ProfileID})
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	if !s.allow(c, saperi.Create, saperi.Resource{Kind: saperi.ResPosting, HubID: owner.HubID, ProfileID: owner.ID}) {
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
	*saperi.Posting
	SuggestedCategory *saperi.Suggestion `json:"suggested_category,omitempty"`
}

func (s *Server) viewPosting(ctx context.Context, p *saperi.Posting) postingView {
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
	ctx := c.Request.Context()
	p, err := s.Store.Posting(ctx, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	sh, err := s.shares(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	if !s.allow(c, saperi.View, sh.posting(p)) {
		return
	}
	c.JSON(http.StatusOK, s.viewPosting(ctx, s.present(p)[0]))
}

// allowPosting loads posting id and checks that the caller may do v to
// it; on failure it has answered and returns nil.
func (s *Server) allowPosting(c *gin.Context, id uint64, v saperi.Verb) *saperi.Posting {
	ctx := c.Request.Context()
	p, err := s.Store.Posting(ctx, id)
	if err != nil {
		s.fail(c, err)
		return nil
	}
	sh, err := s.shares(ctx)
	if err != nil {
		s.fail(c, err)
		return nil
	}
	if !s.allow(c, v, sh.posting(p)) {
		return nil
	}
	return p
}

// scopePostings narrows a listing to what the caller may list: an
// operator's own hub, a resident's own postings, anything for admins.
func (s *Server) scopePostings(c *gin.Context, f *saperi.PostingFilter) bool {
	pr := principal(c)
	if f.HubID == 0 && f.ProfileID == 0 {
		switch pr.Role {
		case saperi.RoleOperator:
			f.HubID = pr.HubID
		case saperi.RoleResident, saperi.RoleStaff:
			f.ProfileID = pr.ProfileID
		}
	}
	if f.HubID == 0 && f.ProfileID == 0 {
		return s.admin(c)
	}
	if f.HubID != 0 && !s.allow(c, saperi.List, saperi.Resource{Kind: saperi.ResPosting, HubID: f.HubID}) {
		return false
	}
	if f.ProfileID != 0 {
		owner, err := s.Store.Profile(c.Request.Context(), f.ProfileID)
		if err != nil {
			s.fail(c, err)
			return false
		}
		return s.allow(c, saperi.List, saperi.Resource{Kind: saperi.ResPosting, HubID: owner.HubID, ProfileID: owner.ID})
	}
	return true
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
	if !s.scopePostings(c, &f) {
		return
	}
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
	if s.allowPosting(c, id, saperi.Edit) == nil {
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
	p, err := s.Store.UpdatePosting(ctx, id, func(p *saperi.Posting) error {
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
func (s *Server) transition(t saperi.Transition) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, err := pathID(c, "id")
		if err != nil {
			s.fail(c, err)
			return
		}
		if s.allowPosting(c, id, saperi.Edit) == nil {
			return
		}
		now := s.Now().UTC()
		p, err := s.Store.UpdatePosting(c.Request.Context(), id, func(p *saperi.Posting) error {
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
	if s.allowPosting(c, id, saperi.ProposeMatch) == nil {
		return
	}
	ctx := c.Request.Context()
	// Ask for more than limit: candidates the caller may not see (another
	// hub that does not share) are dropped below.
	ranked, err := s.Engine.Candidates(ctx, id, min(3*limit, 150), s.Now().UTC())
	if err != nil {
		s.fail(c, err)
		return
	}
	sh, err := s.shares(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	l := loc(c)
	items := make([]candidateView, 0, limit)
	for _, r := range ranked {
		if len(items) < limit && can(c, saperi.View, sh.posting(r.Posting)) {
			items = append(items, viewCandidate(l, r))
		}
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

// search is the search box: plain words, never query syntax.
func (s *Server) search(c *gin.Context) {
	if pr := principal(c); pr.Role != saperi.RoleOperator && pr.Role != saperi.RoleAdmin {
		s.fail(c, denied(pr)) // residents see proposals, not everybody's postings
		return
	}
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
	sh, err := s.shares(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	visible := make([]*saperi.Posting, 0, len(posts))
	for _, p := range posts {
		if can(c, saperi.View, sh.posting(p)) {
			visible = append(visible, p)
		}
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
