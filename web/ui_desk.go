package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/saperi/saperi"
	"github.com/saperi/saperi/matcher"
	"github.com/saperi/saperi/service"
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
	h, err := s.svc.Desk(ctx, id)
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
	var err error
	if d.Query != "" {
		d.Searched = true
		if d.People, err = s.svc.FindPeople(ctx, h.ID, d.Query); err != nil {
			s.pageFail(c, err)
			return
		}
	}
	f := saperi.QueueFilter{Category: c.Query("category"), Area: strings.TrimSpace(c.Query("area")), UrgentOnly: c.Query("urgent") == "yes"}
	if d.Queue, err = s.svc.Queue(ctx, h.ID, f); err != nil {
		s.pageFail(c, err)
		return
	}
	if d.Categories, err = s.categories(c); err != nil {
		s.pageFail(c, err)
		return
	}
	form := url.Values{"q": {d.Query}, "category": {f.Category}, "area": {f.Area}}
	if f.UrgentOnly {
		form.Set("urgent", "yes")
	}
	s.render(c, http.StatusOK, "desk", "ui.desk.title", view{Data: d, Form: form})
}

// walkInData is the walk-in form: the hub, its areas, and the people it
// may be registering twice.
type walkInData struct {
	Hub        *saperi.Hub
	Duplicates []*saperi.Profile
}

func (s *Server) walkInPage(c *gin.Context) {
	h := s.deskHub(c)
	if h == nil {
		return
	}
	l := loc(c)
	area := h.Area
	if len(h.Areas) > 0 {
		area = ""
	}
	s.render(c, http.StatusOK, "walkin", "ui.walkin.title", view{Data: walkInData{Hub: h}, Form: url.Values{
		"area": {area}, "languages": {"it"}, "lang": {"it"}, "consent_text": {l.T("ui.consent.verbal", nil, "")}}})
}

// walkInSubmit registers a person at the desk: no email or phone needed;
// the consent read out is recorded with who recorded it and when. A
// likely duplicate is shown first, with a way to open the existing
// profile or to confirm that this is somebody else.
func (s *Server) walkInSubmit(c *gin.Context) {
	h := s.deskHub(c)
	if h == nil {
		return
	}
	_ = c.Request.ParseForm()
	form := c.Request.PostForm
	l := loc(c)
	again := func(status int, d walkInData, errs map[string]string, msg string) {
		s.render(c, status, "walkin", "ui.walkin.title", view{Data: d, Form: form, Errors: errs, Error: msg})
	}
	if form.Get("consent") != "yes" {
		again(http.StatusBadRequest, walkInData{Hub: h}, map[string]string{"consent": l.T("ui.walkin.consent_required", nil, "")}, l.T("ui.form.fix", nil, ""))
		return
	}
	langs := form["languages"]
	if langs == nil {
		langs = []string{}
	}
	p, dups, err := s.svc.RegisterWalkIn(c.Request.Context(), service.WalkIn{Name: form.Get("name"), HubID: h.ID,
		Area: form.Get("area"), Languages: langs, Lang: formLang(c, "it"),
		Contacts:    saperi.Contacts{Phone: strings.TrimSpace(form.Get("phone")), Email: form.Get("email")},
		ConsentText: form.Get("consent_text"), ConsentVersion: ConsentVersion, Confirmed: form.Get("not_duplicate") == "yes"})
	if err != nil {
		if saperi.AsError(err) == nil {
			s.pageFail(c, err)
			return
		}
		errs, msg := fieldErrors(l, err)
		again(http.StatusBadRequest, walkInData{Hub: h}, errs, msg)
		return
	}
	if len(dups) > 0 {
		again(http.StatusConflict, walkInData{Hub: h, Duplicates: dups}, nil, "")
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/desk/people/%d?ok=ui.flash.registered", p.ID))
}

type personData struct {
	Profile *saperi.Profile
	// ConsentBy names who recorded a verbal consent.
	ConsentBy string
	Postings  []*saperi.Posting
	Matches   []matchCard
	Events    []trailLine
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
	p, err := s.svc.Person(ctx, id)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	d := personData{Profile: p}
	if k, err := s.cardKit(c); err == nil {
		d.ConsentBy = k.actorText(p.Consent.RecordedBy)
	}
	if d.Postings, err = s.svc.AllPostings(ctx, saperi.PostingFilter{ProfileID: p.ID}); err == nil {
		if d.Matches, err = s.matchCards(c, p.ID); err == nil {
			d.Events, err = s.trail(c, p.ID, d.Postings)
		}
	}
	if err != nil {
		s.pageFail(c, err)
		return
	}
	s.render(c, http.StatusOK, "person", "", view{Title: p.Name, Data: d})
}

type deskPostingData struct {
	Posting *saperi.Posting
	Owner   *saperi.Profile
	// Candidates are the proposals (at or above the engine's threshold,
	// the best few); Others the less suitable ones, shown folded.
	Candidates []candidateCard
	Others     []candidateCard
	Matches    []matchCard
	Outcomes   []string
	// Settled is true once a match of the posting is connected or done:
	// the page shows it first and folds the candidates away.
	Settled bool
}

// candidateCard is one candidate on the desk's page (see the
// "candidates" template in desk_posting.html: the one place candidates
// are rendered).
type candidateCard struct {
	candidateView
	Who string // the person, or "a person of <hub>"
}

// deskPostingPage shows a posting's matches (contacts first once
// connected), then its ranked candidates with the reasons (this hub's and
// shared neighbours'), a button to propose each.
func (s *Server) deskPostingPage(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.pageFail(c, err)
		return
	}
	ctx := c.Request.Context()
	ranked, err := s.svc.Candidates(ctx, id, service.CandidateQuery{Limit: 10, SkipActive: true})
	if err != nil {
		s.pageFail(c, err)
		return
	}
	p, err := s.svc.Posting(ctx, id)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	d := deskPostingData{Posting: s.present(p)[0], Outcomes: saperi.Outcomes}
	d.Owner, _ = s.svc.Person(ctx, p.ProfileID)
	ms, err := s.svc.MatchesOf(ctx, id)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	k, err := s.cardKit(c)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	d.Candidates, d.Others = s.candidateCards(k, p.Kind, ranked)
	for i := len(ms) - 1; i >= 0; i-- {
		d.Matches = append(d.Matches, k.card(ms[i], 0))
		if ms[i].Disclosed() {
			d.Settled = true
		}
	}
	s.render(c, http.StatusOK, "desk_posting", "", view{Title: p.Title, Data: d})
}

// candidateCards prepares ranked candidates for the desk.
func (s *Server) candidateCards(k *cardKit, kind saperi.Kind, ranked []matcher.Ranked) (proposals, others []candidateCard) {
	for _, v := range s.candidateList(k.l, kind, ranked).Items {
		card := candidateCard{v, k.who(v.Posting.ProfileID, v.Posting)}
		switch {
		case v.Proposal:
			proposals = append(proposals, card)
		case v.Relevance >= minOtherRelevance:
			others = append(others, card)
		}
	}
	return proposals, others
}

// minOtherRelevance is the relevance from which a candidate that is not a
// proposal is still listed on the desk, folded among the less suitable:
// below it the two share nothing worth naming (a cooking class for a
// broken lamp, near and free the same morning), and its card would be
// noise with trivial reasons. The API lists every candidate.
const minOtherRelevance = 0.05

// proposeSubmit proposes need × offer from the candidates list.
func (s *Server) proposeSubmit(c *gin.Context) {
	m, err := s.svc.Propose(c.Request.Context(), formID(c, "need_id"), formID(c, "offer_id"), "")
	if err != nil {
		s.pageFail(c, err)
		return
	}
	back := formID(c, "back")
	if back == 0 {
		back = m.NeedID
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
	side := saperi.Side(c.PostForm("side"))
	note := c.PostForm("note")
	var m *saperi.Match
	switch a := saperi.Action(c.PostForm("action")); a {
	case saperi.Contact:
		m, err = s.svc.RecordContact(ctx, id, side, c.PostForm("outcome"), note)
	case saperi.Accept, saperi.Decline, saperi.Note, saperi.Withdraw, saperi.Complete:
		m, err = s.svc.Act(ctx, id, a, side, note)
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

// displaySubmit marks a posting's description for the noticeboard, or
// takes it off.
func (s *Server) displaySubmit(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.pageFail(c, err)
		return
	}
	if _, err := s.svc.SetDisplay(c.Request.Context(), id, c.PostForm("display") == "yes"); err != nil {
		s.pageFail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/desk/postings/%d?ok=ui.flash.saved", id))
}

// deskPerson loads :id for the desk's privacy actions (export, erase on
// the person's request): whoever may edit the profile.
func (s *Server) deskPerson(c *gin.Context) *saperi.Profile {
	id, err := pathID(c, "id")
	if err != nil {
		s.pageFail(c, err)
		return nil
	}
	p, err := s.svc.Person(c.Request.Context(), id)
	if err != nil {
		s.pageFail(c, err)
		return nil
	}
	return p
}

// personExport downloads a person's data for them, at the desk (people
// without a login ask there).
func (s *Server) personExport(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.pageFail(c, err)
		return
	}
	out, err := s.export(c, id)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="saperi-profile-%d.json"`, id))
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
	if _, err := s.eraseAndLogout(c, p.ID); err != nil {
		s.pageFail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/desk?ok=ui.flash.erased_person")
}
