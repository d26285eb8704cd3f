package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/saperi/saperi"
)

// meData is a person's own page.
type meData struct {
	Profile  *saperi.Profile
	Postings []*saperi.Posting
	Events   []trailLine
}

// ownProfile is the profile of a resident or staff account; operators
// and admins without one are sent to their desk.
func (s *Server) ownProfile(c *gin.Context) *saperi.Profile {
	pr := principal(c)
	if pr.ProfileID == 0 {
		c.Redirect(http.StatusSeeOther, homeFor(pr))
		c.Abort()
		return nil
	}
	p, err := s.svc.Person(c.Request.Context(), pr.ProfileID)
	if err != nil {
		s.pageFail(c, err)
		return nil
	}
	return p
}

func (s *Server) mePage(c *gin.Context) {
	p := s.ownProfile(c)
	if p == nil {
		return
	}
	ctx := c.Request.Context()
	posts, err := s.svc.AllPostings(ctx, saperi.PostingFilter{ProfileID: p.ID})
	if err != nil {
		s.pageFail(c, err)
		return
	}
	evs, err := s.trail(c, p.ID, posts)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	s.render(c, http.StatusOK, "me", "ui.me.title", view{Data: meData{Profile: p, Postings: posts, Events: evs}})
}

func (s *Server) meExport(c *gin.Context) {
	p := s.ownProfile(c)
	if p == nil {
		return
	}
	out, err := s.export(c, p.ID)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	raw, _ := json.MarshalIndent(out, "", "  ")
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="saperi-my-data-%d.json"`, p.ID))
	c.Data(http.StatusOK, "application/json", raw)
}

func (s *Server) erasePage(c *gin.Context) {
	if p := s.ownProfile(c); p != nil {
		s.render(c, http.StatusOK, "erase", "ui.erase.title", view{Data: p})
	}
}

func (s *Server) eraseSubmit(c *gin.Context) {
	p := s.ownProfile(c)
	if p == nil {
		return
	}
	if c.PostForm("confirm") != "yes" {
		s.render(c, http.StatusBadRequest, "erase", "ui.erase.title", view{Data: p,
			Errors: map[string]string{"confirm": loc(c).T("ui.erase.confirm_required", nil, "")}})
		return
	}
	if _, err := s.eraseAndLogout(c, p.ID); err != nil {
		s.pageFail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/?ok=ui.flash.erased")
}

// postingFormData is the offer/need form.
type postingFormData struct {
	Kind       string
	Owner      *saperi.Profile
	Posting    *saperi.Posting // nil for a new one
	Categories []saperi.Category
	Days       []int
	OnBehalf   bool
}

var weekDays = []int{1, 2, 3, 4, 5, 6, 7}

// postingOwner finds whose posting the form is for: the person's own, or
// (operators, admins) the profile named by ?profile= / profile_id.
func (s *Server) postingOwner(c *gin.Context, id uint64) (*saperi.Profile, bool) {
	p, err := s.svc.PostingOwner(c.Request.Context(), id)
	if err != nil {
		s.pageFail(c, err)
		return nil, false
	}
	return p, true
}

func (s *Server) postingForm(c *gin.Context, status int, d postingFormData, v view) {
	cats, err := s.categories(c)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	d.Categories, d.Days = cats, weekDays
	d.OnBehalf = d.Owner != nil && d.Owner.ID != principal(c).ProfileID
	v.Data = d
	title := "ui.posting.new_offer"
	if d.Kind == "need" {
		title = "ui.posting.new_need"
	}
	if d.Posting != nil {
		title = "ui.posting.edit"
	}
	s.render(c, status, "posting_form", title, v)
}

func (s *Server) postingNewPage(c *gin.Context) {
	kind := c.Query("kind")
	if kind != "offer" && kind != "need" {
		kind = "offer"
	}
	pid, _ := strconv.ParseUint(c.Query("profile"), 10, 64)
	owner, ok := s.postingOwner(c, pid)
	if !ok {
		return
	}
	form := url.Values{"kind": {kind}, "mode": {"in_person"}, "from": {"09:00"}, "to": {"12:00"},
		"area": {owner.Area}, "expires": {s.Now().Add(saperi.DefaultTTL).Format("2006-01-02")}}
	s.postingForm(c, http.StatusOK, postingFormData{Kind: kind, Owner: owner}, view{Form: form})
}

// applyPostingForm copies the form into p.
func applyPostingForm(p *saperi.Posting, form url.Values) error {
	p.Title = form.Get("title")
	p.Description = form.Get("description")
	p.Category = form.Get("category")
	p.Mode = saperi.Mode(form.Get("mode"))
	p.Area = strings.TrimSpace(form.Get("area"))
	p.Urgent = form.Get("urgent") == "yes"
	from, err1 := minutes(form.Get("from"))
	to, err2 := minutes(form.Get("to"))
	p.Slots = []saperi.Slot{}
	for _, d := range form["days"] {
		n, err := strconv.Atoi(d)
		if err != nil {
			continue
		}
		if err1 != nil || err2 != nil {
			return saperi.Invalid("slots", "error.slot.range", "a slot must end after it starts")
		}
		p.Slots = append(p.Slots, saperi.Slot{Day: n, From: from, To: to})
	}
	if e := form.Get("expires"); e != "" {
		t, err := time.Parse("2006-01-02", e)
		if err != nil {
			return saperi.Invalid("expires", "error.posting.expired", "the expiry date must be in the future")
		}
		p.Expires = t.Add(23*time.Hour + 59*time.Minute)
	}
	return nil
}

func minutes(hhmm string) (int, error) {
	t, err := time.Parse("15:04", hhmm)
	if err != nil {
		return 0, err
	}
	return t.Hour()*60 + t.Minute(), nil
}

func (s *Server) postingNewSubmit(c *gin.Context) {
	_ = c.Request.ParseForm()
	form := c.Request.PostForm
	owner, ok := s.postingOwner(c, formID(c, "profile_id"))
	if !ok {
		return
	}
	kind := form.Get("kind")
	p := &saperi.Posting{Kind: saperi.Kind(kind), ProfileID: owner.ID}
	err := applyPostingForm(p, form)
	if err == nil {
		err = s.svc.CreatePosting(c.Request.Context(), p)
	}
	if err != nil {
		if saperi.AsError(err) == nil {
			s.pageFail(c, err)
			return
		}
		errs, msg := fieldErrors(loc(c), err)
		s.postingForm(c, http.StatusBadRequest, postingFormData{Kind: kind, Owner: owner}, view{Form: form, Errors: errs, Error: msg})
		return
	}
	c.Redirect(http.StatusSeeOther, s.backTo(c, owner.ID)+"?ok=ui.flash.posted")
}

// editablePosting loads :id and checks that the caller may edit it.
func (s *Server) editablePosting(c *gin.Context) *saperi.Posting {
	id, err := pathID(c, "id")
	if err != nil {
		s.pageFail(c, err)
		return nil
	}
	p, err := s.svc.EditablePosting(c.Request.Context(), id)
	if err != nil {
		s.pageFail(c, err)
		return nil
	}
	return p
}

func (s *Server) postingEditPage(c *gin.Context) {
	p := s.editablePosting(c)
	if p == nil {
		return
	}
	form := url.Values{"kind": {string(p.Kind)}, "title": {p.Title}, "description": {p.Description},
		"category": {p.Category}, "mode": {string(p.Mode)}, "area": {p.Area}, "expires": {p.Expires.Format("2006-01-02")},
		"from": {"09:00"}, "to": {"12:00"}}
	if p.Urgent {
		form.Set("urgent", "yes")
	}
	for i, sl := range p.Slots {
		form.Add("days", strconv.Itoa(sl.Day))
		if i == 0 {
			form.Set("from", fmt.Sprintf("%02d:%02d", sl.From/60, sl.From%60))
			form.Set("to", fmt.Sprintf("%02d:%02d", sl.To/60, sl.To%60))
		}
	}
	owner, _ := s.svc.Person(c.Request.Context(), p.ProfileID)
	s.postingForm(c, http.StatusOK, postingFormData{Kind: string(p.Kind), Owner: owner, Posting: p}, view{Form: form})
}

func (s *Server) postingEditSubmit(c *gin.Context) {
	cur := s.editablePosting(c)
	if cur == nil {
		return
	}
	ctx := c.Request.Context()
	_ = c.Request.ParseForm()
	form := c.Request.PostForm
	_, err := s.svc.UpdatePosting(ctx, cur.ID, func(p *saperi.Posting) error {
		return applyPostingForm(p, form)
	})
	if err != nil {
		if saperi.AsError(err) == nil {
			s.pageFail(c, err)
			return
		}
		errs, msg := fieldErrors(loc(c), err)
		owner, _ := s.svc.Person(ctx, cur.ProfileID)
		form.Set("kind", string(cur.Kind))
		s.postingForm(c, http.StatusBadRequest, postingFormData{Kind: string(cur.Kind), Owner: owner, Posting: cur},
			view{Form: form, Errors: errs, Error: msg})
		return
	}
	c.Redirect(http.StatusSeeOther, s.backTo(c, cur.ProfileID)+"?ok=ui.flash.saved")
}

// backTo is the page of the person a posting belongs to: their own page,
// or the desk's page about them.
func (s *Server) backTo(c *gin.Context, profileID uint64) string {
	if principal(c).ProfileID == profileID {
		return "/me"
	}
	return fmt.Sprintf("/desk/people/%d", profileID)
}

func (s *Server) postingStatusSubmit(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.pageFail(c, err)
		return
	}
	p, err := s.svc.ChangeStatus(c.Request.Context(), id, saperi.Transition(c.PostForm("action")))
	if err != nil {
		s.pageFail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, s.backTo(c, p.ProfileID)+"?ok=ui.flash.saved")
}
