package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/saperi/saperi"
)

// deskHub is the hub whose desk the caller works: an operator's own, or
// for admins the ?hub= asked for (the first hub by default).
func (s *Server) deskHub(c *gin.Context) *saperi.Hub {
	pr := principal(c)
	ctx := c.Request.Context()
	id := pr.HubID
	if pr.Role == saperi.RoleAdmin {
		fmt.Sscan(c.Query("hub"), &id)
		if id == 0 {
			hubs, err := s.Store.Hubs(ctx)
			if err != nil || len(hubs) == 0 {
				s.pageFail(c, saperi.NotFound("hub", 0))
				return nil
			}
			id = hubs[0].ID
		}
	}
	if id == 0 || !saperi.Can(pr, saperi.List, saperi.Resource{Kind: saperi.ResProfile, HubID: id}) {
		s.pageFail(c, denied(pr))
		return nil
	}
	h, err := s.Store.Hub(ctx, id)
	if err != nil {
		s.pageFail(c, err)
		return nil
	}
	return h
}

type deskData struct {
	Hub        *saperi.Hub
	Query      string
	People     []*saperi.Profile
	Searched   bool
	Queue      []saperi.QueueItem
	Categories []saperi.Category
}

// deskPage is the operator's desk: find a person, register a walk-in,
// and the queue of open needs.
func (s *Server) deskPage(c *gin.Context) {
	h := s.deskHub(c)
	if h == nil {
		return
	}
	ctx := c.Request.Context()
	d := deskData{Hub: h, Query: strings.TrimSpace(c.Query("q"))}
	if d.Query != "" {
		d.Searched = true
		for after := uint64(0); ; {
			page, err := s.Store.Profiles(ctx, h.ID, after, 500)
			if err != nil {
				s.pageFail(c, err)
				return
			}
			for _, p := range page {
				if strings.Contains(strings.ToLower(p.Name), strings.ToLower(d.Query)) ||
					(p.Contacts.Phone != "" && strings.Contains(p.Contacts.Phone, d.Query)) {
					d.People = append(d.People, p)
				}
			}
			if len(page) < 500 {
				break
			}
			after = page[len(page)-1].ID
		}
	}
	f := saperi.QueueFilter{Category: c.Query("category"), Area: strings.TrimSpace(c.Query("area")), UrgentOnly: c.Query("urgent") == "yes"}
	q, err := s.hubQueue(c, h.ID, f)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	d.Queue = q
	if d.Categories, err = s.Store.Categories(ctx); err != nil {
		s.pageFail(c, err)
		return
	}
	form := url.Values{"q": {d.Query}, "category": {f.Category}, "area": {f.Area}}
	if f.UrgentOnly {
		form.Set("urgent", "yes")
	}
	s.render(c, http.StatusOK, "desk", "ui.desk.title", view{Data: d, Form: form})
}

func (s *Server) walkInPage(c *gin.Context) {
	h := s.deskHub(c)
	if h == nil {
		return
	}
	l := loc(c)
	s.render(c, http.StatusOK, "walkin", "ui.walkin.title", view{Data: h, Form: url.Values{
		"area": {h.Area}, "languages": {"it"}, "lang": {"it"}, "consent_text": {l.T("ui.consent.verbal", nil, "")}}})
}

// walkInSubmit registers a person at the desk: no email or phone needed;
// the consent read out is recorded with who recorded it and when.
func (s *Server) walkInSubmit(c *gin.Context) {
	h := s.deskHub(c)
	if h == nil {
		return
	}
	ctx := c.Request.Context()
	_ = c.Request.ParseForm()
	form := c.Request.PostForm
	l := loc(c)
	again := func(errs map[string]string, msg string) {
		s.render(c, http.StatusBadRequest, "walkin", "ui.walkin.title", view{Data: h, Form: form, Errors: errs, Error: msg})
	}
	if form.Get("consent") != "yes" {
		again(map[string]string{"consent": l.T("ui.walkin.consent_required", nil, "")}, l.T("ui.form.fix", nil, ""))
		return
	}
	now := s.Now().UTC()
	p := &saperi.Profile{Kind: saperi.Resident, Name: strings.TrimSpace(form.Get("name")), HubID: h.ID,
		Area: strings.TrimSpace(form.Get("area")), Languages: form["languages"], Lang: formLang(c, "it"),
		Contacts: saperi.Contacts{Phone: strings.TrimSpace(form.Get("phone")), Email: saperi.NormalizeEmail(form.Get("email"))},
		Consent: saperi.Consent{Text: strings.TrimSpace(form.Get("consent_text")), Version: ConsentVersion, At: now,
			By: saperi.ConsentOperator, RecordedBy: actor(c)},
		Created: now, Updated: now}
	if p.Languages == nil {
		p.Languages = []string{}
	}
	if h.Point != nil {
		pt := *h.Point
		p.Point = &pt
	}
	if err := p.Validate(); err != nil {
		again(fieldErrors(l, err))
		return
	}
	if err := s.Store.CreateProfile(ctx, p, s.event(c, "profile.create", 0)); err != nil {
		if saperi.AsError(err) == nil {
			s.pageFail(c, err)
			return
		}
		again(fieldErrors(l, err))
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/desk/people/%d?ok=ui.flash.registered", p.ID))
}

type personData struct {
	Profile  *saperi.Profile
	Postings []*saperi.Posting
	Matches  []matchCard
	Events   []saperi.Event
}

// personPage is the desk's page about one person: contacts, consent,
// postings (post on their behalf), matches and the audit trail.
func (s *Server) personPage(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.pageFail(c, err)
		return
	}
	ctx := c.Request.Context()
	p, err := s.Store.Profile(ctx, id)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	if !s.pageAllow(c, saperi.Edit, saperi.ProfileResource(p)) {
		return
	}
	d := personData{Profile: p}
	if d.Postings, err = s.Store.ListPostings(ctx, saperi.PostingFilter{ProfileID: p.ID, Limit: 500}); err == nil {
		if d.Matches, err = s.matchCards(c, p.ID); err == nil {
			d.Events, err = s.allEvents(ctx, p.ID)
		}
	}
	if err != nil {
		s.pageFail(c, err)
		return
	}
	s.render(c, http.StatusOK, "person", "", view{Title: p.Name, Data: d})
}

type deskPostingData struct {
	Posting    *saperi.Posting
	Owner      *saperi.Profile
	Candidates []candidateCard
	Matches    []matchCard
	Outcomes   []string
}

type candidateCard struct {
	candidateView
	Owner *saperi.Profile
}

// deskPostingPage shows a posting's ranked candidates with the reasons
// (this hub's and shared neighbours'), a button to propose each, and the
// posting's matches with their history and the desk's forms.
func (s *Server) deskPostingPage(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.pageFail(c, err)
		return
	}
	ctx := c.Request.Context()
	p, err := s.Store.Posting(ctx, id)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	sh, err := s.shares(ctx)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	if !s.pageAllow(c, saperi.ProposeMatch, sh.posting(p)) {
		return
	}
	d := deskPostingData{Posting: p, Outcomes: saperi.Outcomes}
	d.Owner, _ = s.Store.Profile(ctx, p.ProfileID)
	ranked, err := s.Engine.Candidates(ctx, id, 30, s.Now().UTC())
	if err != nil {
		s.pageFail(c, err)
		return
	}
	ms, err := s.Store.MatchesOf(ctx, id)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	proposed := map[uint64]bool{} // counterparts already in an active match
	for _, m := range ms {
		if m.State.Active() {
			proposed[m.NeedID], proposed[m.OfferID] = true, true
		}
	}
	l := loc(c)
	for _, r := range ranked {
		if len(d.Candidates) < 10 && !proposed[r.Posting.ID] && can(c, saperi.View, sh.posting(r.Posting)) {
			o, _ := s.Store.Profile(ctx, r.Posting.ProfileID)
			d.Candidates = append(d.Candidates, candidateCard{viewCandidate(l, r), o})
		}
	}
	for i := len(ms) - 1; i >= 0; i-- {
		d.Matches = append(d.Matches, s.matchCard(c, ms[i], 0, sh))
	}
	s.render(c, http.StatusOK, "desk_posting", "", view{Title: p.Title, Data: d})
}

// proposeSubmit proposes need × offer from the candidates list.
func (s *Server) proposeSubmit(c *gin.Context) {
	ctx := c.Request.Context()
	need, err1 := s.Store.Posting(ctx, formID(c, "need_id"))
	offer, err2 := s.Store.Posting(ctx, formID(c, "offer_id"))
	if err1 != nil || err2 != nil {
		s.pageFail(c, saperi.Invalid("need_id", "error.not_found.posting", "unknown posting"))
		return
	}
	sh, err := s.shares(ctx)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	res := saperi.Resource{Kind: saperi.ResMatch, NeedProfileID: need.ProfileID, OfferProfileID: offer.ProfileID,
		NeedHubID: need.HubID, OfferHubID: offer.HubID, NeedShared: sh[need.HubID], OfferShared: sh[offer.HubID]}
	if !s.pageAllow(c, saperi.ProposeMatch, res) {
		return
	}
	now := s.Now().UTC()
	r, err := s.Engine.Explain(ctx, need, offer, now)
	var m *saperi.Match
	if err == nil {
		m, err = saperi.NewMatch(need, offer, r.Scored(), saperi.ByOperator, actor(c), now)
	}
	if err == nil {
		err = s.Store.CreateMatch(ctx, m, s.event(c, "match.propose", need.ProfileID))
	}
	if err != nil {
		s.pageFail(c, err)
		return
	}
	back := formID(c, "back")
	if back == 0 {
		back = need.ID
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/desk/postings/%d?ok=ui.flash.proposed#match-%d", back, m.ID))
}

// deskMatchSubmit is the desk's work on a match: a contact attempt, a
// note, an answer for one side, withdraw or complete.
func (s *Server) deskMatchSubmit(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.pageFail(c, err)
		return
	}
	ctx := c.Request.Context()
	m, err := s.Store.Match(ctx, id)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	side := saperi.Side(c.PostForm("side"))
	a := saperi.Action(c.PostForm("action"))
	switch a {
	case saperi.Accept, saperi.Decline:
		err = s.answer(c, m, a, side)
	case saperi.Contact, saperi.Note, saperi.Withdraw, saperi.Complete:
		sh, serr := s.shares(ctx)
		if serr != nil {
			s.pageFail(c, serr)
			return
		}
		r, rerr := s.matchResource(ctx, m, sh)
		if rerr != nil {
			s.pageFail(c, rerr)
			return
		}
		if !s.pageAllow(c, saperi.Follow, r) {
			return
		}
		now := s.Now().UTC()
		note := c.PostForm("note")
		_, err = s.Store.UpdateMatch(ctx, id, func(m *saperi.Match) error {
			if a == saperi.Contact {
				return m.RecordContact(side, c.PostForm("outcome"), actor(c), note, now)
			}
			return m.Apply(a, "", actor(c), note, now)
		}, s.event(c, "match."+string(a), 0))
	default:
		err = saperi.Invalid("action", "ui.error.action", "unknown action")
	}
	if err != nil {
		s.pageFail(c, err)
		return
	}
	back := formID(c, "back")
	if back == 0 {
		back = m.NeedID
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/desk/postings/%d?ok=ui.flash.saved#match-%d", back, id))
}

// deskPerson loads :id for the desk's privacy actions (export, erase on
// the person's request): whoever may edit the profile.
func (s *Server) deskPerson(c *gin.Context) *saperi.Profile {
	id, err := pathID(c, "id")
	if err != nil {
		s.pageFail(c, err)
		return nil
	}
	p, err := s.Store.Profile(c.Request.Context(), id)
	if err != nil {
		s.pageFail(c, err)
		return nil
	}
	if !s.pageAllow(c, saperi.Edit, saperi.ProfileResource(p)) {
		return nil
	}
	return p
}

// personExport downloads a person's data for them, at the desk (people
// without a login ask there).
func (s *Server) personExport(c *gin.Context) {
	p := s.deskPerson(c)
	if p == nil {
		return
	}
	out, err := s.export(c, p)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="saperi-profile-%d.json"`, p.ID))
	c.IndentedJSON(http.StatusOK, out)
}

// personErase erases a person's account on their request at the desk.
func (s *Server) personErase(c *gin.Context) {
	p := s.deskPerson(c)
	if p == nil {
		return
	}
	if c.PostForm("confirm") != "yes" {
		s.pageFail(c, saperi.Invalid("confirm", "ui.erase.confirm_required", "tick the confirmation box"))
		return
	}
	if _, err := s.eraseAndLogout(c, p); err != nil {
		s.pageFail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/desk?ok=ui.flash.erased_person")
}
