package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/saperi/saperi"
	"github.com/saperi/saperi/locale"
	"github.com/saperi/saperi/matcher"
	"github.com/saperi/saperi/service"
)

// From a story to offers (the Portale dei Saperi's racconti): a person,
// or the operator with them, writes a few lines of their life; Saperi
// suggests offers from the concepts it finds there, each to confirm or
// drop. Confirmed suggestions are posted through the same path as the
// posting form (validated, stored with an audit event on the person's
// behalf, indexed); the API's client confirms with POST /api/v1/postings.

// NoSuggestionCode is the API's code for a story in which Saperi found
// nothing to offer.
const NoSuggestionCode = "no_suggestion"

// maxStory is the longest story read, as a profile keeps it.
const maxStory = 2000

type storyInput struct {
	Text string `json:"text"`
	// ProfileID is whose story it is: the caller's own when zero;
	// operators and admins may name someone of their hub.
	ProfileID uint64 `json:"profile_id"`
}

// storySuggestions is the API's answer.
type storySuggestions struct {
	ProfileID uint64                    `json:"profile_id"`
	Items     []matcher.StorySuggestion `json:"items"`
	Empty     *emptyState               `json:"empty,omitempty"`
}

// storyText checks a story's length.
func storyText(text string) (string, error) {
	text = strings.TrimSpace(text)
	if n := utf8.RuneCountInString(text); n < 10 || n > maxStory {
		return "", invalid("text", "error.story.length", "a story has from 10 to 2000 characters", map[string]any{"Min": 10, "Max": maxStory})
	}
	return text, nil
}

func noSuggestion(l *locale.Localizer) *emptyState {
	return &emptyState{Code: NoSuggestionCode, Message: l.T("ui.story.none", nil, "")}
}

// suggestStory is POST /api/v1/stories/suggest: nothing is written.
func (s *Server) suggestStory(c *gin.Context) {
	var in storyInput
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	text, err := storyText(in.Text)
	if err != nil {
		s.fail(c, err)
		return
	}
	owner, err := s.svc.PostingOwner(c.Request.Context(), in.ProfileID)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := storySuggestions{ProfileID: owner.ID, Items: s.svc.SuggestOffers(text)}
	if len(out.Items) == 0 {
		out.Empty = noSuggestion(loc(c))
	}
	c.JSON(http.StatusOK, out)
}

// storyData is the story page: the form, then the suggestions.
type storyData struct {
	Owner    *saperi.Profile
	OnBehalf bool
	// Suggested is set once the story was read; Suggestions may still be
	// empty.
	Suggested   bool
	Suggestions []matcher.StorySuggestion
	Categories  []saperi.Category
}

func (s *Server) renderStory(c *gin.Context, status int, d storyData, v view) {
	cats, err := s.Store.Categories(c.Request.Context())
	if err != nil {
		s.pageFail(c, err)
		return
	}
	d.Categories = cats
	d.OnBehalf = d.Owner.ID != principal(c).ProfileID
	v.Data = d
	s.render(c, status, "story", "ui.story.title", v)
}

// storyPage is GET /stories/new[?profile=ID]: the story form, with the
// story the profile keeps.
func (s *Server) storyPage(c *gin.Context) {
	id, _ := strconv.ParseUint(c.Query("profile"), 10, 64)
	owner, err := s.svc.PostingOwner(c.Request.Context(), id)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	s.renderStory(c, http.StatusOK, storyData{Owner: owner}, view{Form: url.Values{"text": {owner.Story}}})
}

// storySuggestSubmit is POST /stories/new: read the story, show the
// suggestions to confirm or drop.
func (s *Server) storySuggestSubmit(c *gin.Context) {
	_ = c.Request.ParseForm()
	form := c.Request.PostForm
	owner, err := s.svc.PostingOwner(c.Request.Context(), formID(c, "profile_id"))
	if err != nil {
		s.pageFail(c, err)
		return
	}
	text, err := storyText(form.Get("text"))
	if err != nil {
		errs, msg := fieldErrors(loc(c), err)
		s.renderStory(c, http.StatusBadRequest, storyData{Owner: owner}, view{Form: form, Errors: errs, Error: msg})
		return
	}
	d := storyData{Owner: owner, Suggested: true, Suggestions: s.svc.SuggestOffers(text)}
	for i, sg := range d.Suggestions {
		n := strconv.Itoa(i)
		form.Set("title_"+n, sg.Title)
		form.Set("category_"+n, sg.Category)
		form.Set("description_"+n, sg.Description)
		form.Set("concept_"+n, sg.Concept.ID)
		form.Add("pick", n)
	}
	s.renderStory(c, http.StatusOK, d, view{Form: form})
}

// storyConfirmSubmit is POST /stories/confirm: post the confirmed
// suggestions as offers of the owner, each through the posting path and
// audited (on the person's behalf when an operator confirms), and keep
// the story in the profile when asked.
func (s *Server) storyConfirmSubmit(c *gin.Context) {
	ctx := c.Request.Context()
	_ = c.Request.ParseForm()
	form := c.Request.PostForm
	owner, err := s.svc.PostingOwner(ctx, formID(c, "profile_id"))
	if err != nil {
		s.pageFail(c, err)
		return
	}
	var offers []service.StoryOffer
	var picks []string // the form's number of each offer
	for _, n := range form["pick"] {
		if _, err := strconv.Atoi(n); err != nil {
			continue
		}
		offers = append(offers, service.StoryOffer{Posting: &saperi.Posting{Title: form.Get("title_" + n),
			Description: form.Get("description_" + n), Category: form.Get("category_" + n)}, Concept: form.Get("concept_" + n)})
		picks = append(picks, n)
	}
	story := ""
	if text := strings.TrimSpace(form.Get("text")); form.Get("keep_story") == "yes" && text != "" {
		if _, err := storyText(text); err == nil {
			story = text
		}
	}
	if err := s.svc.PostStory(ctx, owner.ID, offers, story); err != nil {
		var oe *service.StoryOfferError
		if !errors.As(err, &oe) {
			s.pageFail(c, err)
			return
		}
		errs, msg := fieldErrors(loc(c), oe.Err)
		for f, m := range errs {
			errs[f+"_"+picks[oe.Index]] = m
		}
		s.renderStory(c, http.StatusBadRequest, storyData{Owner: owner, Suggested: true, Suggestions: formSuggestions(form)},
			view{Form: form, Errors: errs, Error: msg})
		return
	}
	back := "/me"
	if owner.ID != principal(c).ProfileID {
		back = fmt.Sprintf("/desk/people/%d", owner.ID)
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("%s?ok=ui.flash.story_posted", back))
}

// formSuggestions rebuilds the suggestions shown from the form, when the
// page is shown again after an error.
func formSuggestions(form url.Values) []matcher.StorySuggestion {
	var out []matcher.StorySuggestion
	for i := 0; ; i++ {
		n := strconv.Itoa(i)
		if _, ok := form["title_"+n]; !ok {
			return out
		}
		out = append(out, matcher.StorySuggestion{Concept: matcher.Concept{ID: form.Get("concept_" + n)}, Title: form.Get("title_" + n),
			Category: form.Get("category_" + n), Description: form.Get("description_" + n)})
	}
}
