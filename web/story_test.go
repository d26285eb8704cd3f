package web

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/saperi/saperi"
)

const sartaStory = "Ho fatto la sarta per trent'anni, mi piace cucinare. Aiutavo mio nipote con i compiti di matematica e ho l'orto sul balcone."

// storyJourney: a story read through the API (the person's own, for
// someone by their desk, forbidden for a stranger), confirmed through
// the posting path; then through the pages, at the desk on Maria's
// behalf, audited. It returns the answers for the OpenAPI check.
func storyJourney(t *testing.T) []recorded {
	e := newEnv(t)
	w := e.world()
	mariaAuth := w.cast[maria].auth

	var got storySuggestions
	t.Run("api: the story suggests offers, strongest first", func(t *testing.T) {
		r := e.doAs(mariaAuth, "POST", "/api/v1/stories/suggest", map[string]any{"text": sartaStory})
		if r.Code != 200 {
			t.Fatalf("suggest: %d %s", r.Code, r.Body.String())
		}
		decodeInto(t, r.Body.Bytes(), &got)
		if got.ProfileID != w.maria.ID || got.Empty != nil || len(got.Items) < 3 {
			t.Fatalf("suggestions = %+v", got)
		}
		found := map[string]string{}
		for i, s := range got.Items {
			found[s.Category] = s.Title
			if s.Title == "" || s.Concept.ID == "" || s.Strength <= 0 || (i > 0 && s.Strength > got.Items[i-1].Strength) {
				t.Errorf("suggestion %d = %+v", i, s)
			}
		}
		for _, cat := range []string{"scuola", "verde"} {
			if found[cat] == "" {
				t.Errorf("no %s offer suggested from %q: %v", cat, sartaStory, found)
			}
		}
		sewing := false
		for _, s := range got.Items {
			if strings.Contains(strings.Join(s.Words, " "), "sarta") {
				sewing = true
				if !strings.HasPrefix(s.Description, "Ho fatto la sarta") {
					t.Errorf("description is not the sentence of the story: %q", s.Description)
				}
			}
		}
		if !sewing {
			t.Errorf("the seamstress is not suggested: %+v", got.Items)
		}
	})

	t.Run("api: a story with nothing to offer says so", func(t *testing.T) {
		var out storySuggestions
		r := e.doAs(mariaAuth, "POST", "/api/v1/stories/suggest", map[string]any{"text": "Oggi il cielo è grigio e domani chissà."})
		decodeInto(t, r.Body.Bytes(), &out)
		if r.Code != 200 || len(out.Items) != 0 || out.Empty == nil || out.Empty.Code != NoSuggestionCode {
			t.Fatalf("empty story: %d %s", r.Code, r.Body.String())
		}
	})

	t.Run("api: too short, and a stranger's story, refused", func(t *testing.T) {
		if r := e.doAs(mariaAuth, "POST", "/api/v1/stories/suggest", map[string]any{"text": "sarta"}); r.Code != 400 {
			t.Errorf("short story: %d %s", r.Code, r.Body.String())
		}
		if r := e.doAs(w.cast[carla].auth, "POST", "/api/v1/stories/suggest", map[string]any{"text": sartaStory, "profile_id": w.maria.ID}); r.Code != 403 {
			t.Errorf("Carla reads Maria's story: %d %s", r.Code, r.Body.String())
		}
		if r := e.doAs(w.opMaria, "POST", "/api/v1/stories/suggest", map[string]any{"text": sartaStory, "profile_id": w.maria.ID}); r.Code != 200 {
			t.Errorf("Maria's desk reads her story: %d %s", r.Code, r.Body.String())
		}
	})

	t.Run("api: a suggestion confirmed through the posting path", func(t *testing.T) {
		if len(got.Items) == 0 {
			t.Skip("no suggestion")
		}
		s := got.Items[0]
		var p saperi.Posting
		r := e.doAs(mariaAuth, "POST", "/api/v1/postings", map[string]any{"kind": "offer", "title": s.Title, "description": s.Description, "category": s.Category})
		if r.Code != 201 {
			t.Fatalf("post the suggestion: %d %s", r.Code, r.Body.String())
		}
		decodeInto(t, r.Body.Bytes(), &p)
		if p.ProfileID != w.maria.ID || p.Kind != saperi.Offer || p.Title != s.Title {
			t.Fatalf("posted %+v", p)
		}
	})

	t.Run("pages: at the desk for Maria, confirm two of the suggestions, audited", func(t *testing.T) {
		op := w.opMaria
		page := fmt.Sprintf("/stories/new?profile=%d", w.maria.ID)
		sees(t, e.get(op, page), 200, "Dal racconto alle offerte", "Stai scrivendo il racconto di Maria")
		sees(t, e.get(w.cast[carla].auth, page), 403)
		pid := fmt.Sprint(w.maria.ID)
		sees(t, e.post(op, "/stories/new", url.Values{"profile_id": {pid}, "text": {"corto"}}), 400, "Il racconto va da 10 a 2000 caratteri")
		r := e.post(op, "/stories/new", url.Values{"profile_id": {pid}, "text": {sartaStory}})
		text := sees(t, r, 200, "Che cosa potresti offrire", "Pubblica le offerte scelte", "trovato in: sarta")
		_ = text
		form := url.Values{"profile_id": {pid}, "text": {sartaStory}, "keep_story": {"yes"}, "pick": {"0", "2"}}
		for i := range 3 {
			n := fmt.Sprint(i)
			form.Set("title_"+n, fmt.Sprintf("Offerta dal racconto %d", i))
			form.Set("category_"+n, got.Items[i].Category)
			form.Set("concept_"+n, got.Items[i].Concept.ID)
			form.Set("description_"+n, got.Items[i].Description)
		}
		r = e.post(op, "/stories/confirm", form)
		if r.Code != 303 || !strings.HasPrefix(r.Header().Get("Location"), "/desk/people/"+pid) {
			t.Fatalf("confirm: %d %s %s", r.Code, r.Header().Get("Location"), visible(r.Body.String()))
		}
		var list struct{ Items []saperi.Posting }
		e.must(200, "GET", "/api/v1/postings?profile_id="+pid, nil, &list)
		titles := map[string]bool{}
		for _, p := range list.Items {
			titles[p.Title] = true
		}
		if !titles["Offerta dal racconto 0"] || titles["Offerta dal racconto 1"] || !titles["Offerta dal racconto 2"] {
			t.Errorf("posted %v: want 0 and 2, not the dropped 1", titles)
		}
		var evs struct{ Items []saperi.Event }
		e.must(200, "GET", "/api/v1/events?profile_id="+pid, nil, &evs)
		story := 0
		for _, ev := range evs.Items {
			if ev.Action == "posting.create" && strings.HasPrefix(ev.Detail, "story") {
				story++
				if !strings.HasPrefix(ev.Actor, "operator/") || ev.OnBehalfOf != w.maria.ID {
					t.Errorf("not audited on her behalf: %+v", ev)
				}
			}
		}
		if story != 2 {
			t.Errorf("%d offers from the story in the audit trail, want 2", story)
		}
		var prof profileView
		e.must(200, "GET", "/api/v1/profiles/"+pid, nil, &prof)
		if prof.Story != sartaStory {
			t.Errorf("story not kept: %q", prof.Story)
		}
	})

	// The candidates' empty state, for the OpenAPI check.
	f := e.proposalFixture()
	e.do("GET", fmt.Sprintf("/api/v1/postings/%d/candidates", f.piano.ID), nil)
	e.do("GET", fmt.Sprintf("/api/v1/postings/%d/candidates", f.lamp.ID), nil)
	return e.responses
}

func TestStoryToOffers(t *testing.T) { storyJourney(t) }
