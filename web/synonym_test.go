package web

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/saperi/saperi"
)

func TestSynonymsChangeMatching(t *testing.T) {
	e := newEnv(t)
	f := e.fixture()
	var need, offer saperi.Posting
	e.must(201, "POST", "/api/v1/postings", map[string]any{"kind": "need", "profile_id": f.maria.ID,
		"title": "Una zampogna per la novena"}, &need)
	e.must(201, "POST", "/api/v1/postings", map[string]any{"kind": "offer", "profile_id": f.ahmed.ID,
		"title": "Vi presto la mia cornamusa"}, &offer)
	candidates := func(lang string) []candidateView {
		var out struct{ Items []candidateView }
		e.must(200, "GET", fmt.Sprintf("/api/v1/postings/%d/candidates?lang=%s", need.ID, lang), nil, &out)
		return out.Items
	}
	find := func(cs []candidateView) *candidateView {
		for i := range cs {
			if cs[i].Posting.ID == offer.ID {
				return &cs[i]
			}
		}
		return nil
	}
	if c := find(candidates("it")); c != nil {
		t.Fatalf("before the synonym the offer is a candidate: %+v", c.Terms)
	}

	var syn saperi.Synonym
	e.must(201, "POST", "/api/v1/synonyms", map[string]any{"terms": []string{"zampogna", "cornamusa"}}, &syn)
	var list struct{ Items []saperi.Synonym }
	e.must(200, "GET", "/api/v1/synonyms", nil, &list)
	if len(list.Items) != 1 || !slices.Equal(list.Items[0].Terms, []string{"zampogna", "cornamusa"}) {
		t.Errorf("list = %+v", list.Items)
	}

	c := find(candidates("it"))
	if c == nil {
		t.Fatal("after the synonym the offer is not a candidate")
	}
	want := saperi.TermMatch{Word: "zampogna", Other: "cornamusa", Via: saperi.ViaSynonym}
	if !slices.ContainsFunc(c.Terms, func(t saperi.TermMatch) bool { t.Salience = 0; return t == want }) {
		t.Errorf("terms %+v, want %+v", c.Terms, want)
	}
	if r := c.Breakdown[saperi.FText].Reason; !strings.Contains(r, "zampogna ≈ cornamusa (sinonimo)") {
		t.Errorf("Italian text reason %q lacks the synonym", r)
	}
	if r := find(candidates("en")).Breakdown[saperi.FText].Reason; !strings.Contains(r, "zampogna ≈ cornamusa (synonym)") {
		t.Errorf("English text reason %q lacks the synonym", r)
	}

	e.must(204, "DELETE", fmt.Sprintf("/api/v1/synonyms/%d", syn.ID), nil, nil)
	if c := find(candidates("it")); c != nil {
		t.Errorf("after deleting the synonym the offer is still a candidate")
	}
	e.must(404, "DELETE", fmt.Sprintf("/api/v1/synonyms/%d", syn.ID), nil, nil)
	e.must(400, "POST", "/api/v1/synonyms", map[string]any{"terms": []string{"uno", "UNO"}}, nil)
}

func TestSuggestCategory(t *testing.T) {
	e := newEnv(t)
	f := e.fixture() // two "digitale" postings about computers
	tests := []struct {
		text, want string
	}{
		{"Non so usare il computer", "digitale"},        // neighbours and keywords agree
		{"Cerco un idraulico per il lavandino", "casa"}, // keywords only
		{"Vorrei ripetizioni di matematica", "scuola"},
	}
	for _, tt := range tests {
		var got struct {
			Category   *string
			Name       string
			Confidence float64
		}
		e.must(200, "GET", "/api/v1/categories/suggest?text="+strings.ReplaceAll(tt.text, " ", "+"), nil, &got)
		if got.Category == nil || *got.Category != tt.want || got.Confidence <= 0 || got.Confidence > 1 {
			t.Errorf("suggest %q = %+v, want %s", tt.text, got, tt.want)
		}
	}
	var got struct{ Category *string }
	e.must(200, "GET", "/api/v1/categories/suggest?text=buongiorno+a+tutti", nil, &got)
	if got.Category != nil {
		t.Errorf("suggest for a greeting = %q, want null", *got.Category)
	}
	e.must(400, "GET", "/api/v1/categories/suggest?text=", nil, nil)

	// A posting without a category carries a suggestion; one with a
	// category does not.
	var p struct {
		ID                uint64
		Category          string
		SuggestedCategory *saperi.Suggestion `json:"suggested_category"`
	}
	e.must(201, "POST", "/api/v1/postings", map[string]any{"kind": "need", "profile_id": f.maria.ID,
		"title": "Non riesco a usare lo smartphone"}, &p)
	if p.SuggestedCategory == nil || p.SuggestedCategory.Category != "digitale" {
		t.Errorf("created without category: suggested %+v, want digitale", p.SuggestedCategory)
	}
	p.SuggestedCategory = nil
	e.must(200, "GET", fmt.Sprintf("/api/v1/postings/%d", p.ID), nil, &p)
	if p.SuggestedCategory == nil || p.SuggestedCategory.Category != "digitale" {
		t.Errorf("read back: suggested %+v, want digitale", p.SuggestedCategory)
	}
	p.SuggestedCategory = nil
	e.must(200, "GET", fmt.Sprintf("/api/v1/postings/%d", f.need.ID), nil, &p)
	if p.Category != "digitale" || p.SuggestedCategory != nil {
		t.Errorf("posting with a category: %+v", p)
	}
}
