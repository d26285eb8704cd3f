package web

import (
	"slices"
	"strings"
	"testing"

	"github.com/saperi/saperi/matcher"
)

// conceptJourney: an admin adds a hub concept (pending until the index has
// re-tagged the postings with it, without a restart), the bad ones are
// refused with a reason, a resident may not add
// one, and deletion respects the broader concept of another. It returns
// the answers for the OpenAPI check.
func conceptJourney(t *testing.T) []recorded {
	e := newEnv(t)
	w := e.world()
	cargo := map[string]any{"id": "bici-cargo", "category": "commissioni", "labels": []string{"bicicletta da carico", "cargo bike"},
		"problems": []string{"portare i bambini in bici"}}

	var got hubConceptView
	e.must(201, "POST", "/api/v1/concepts", cargo, &got)
	if got.ID != "bici-cargo" || !got.Pending || len(got.Labels) != 2 {
		t.Fatalf("created %+v", got)
	}
	e.must(201, "POST", "/api/v1/concepts", map[string]any{"id": "bici-cargo-elettrica", "category": "commissioni",
		"parent": "bici-cargo", "labels": []string{"cargo bike elettrica"}}, nil)
	var list struct{ Items []hubConceptView }
	e.must(200, "GET", "/api/v1/concepts", nil, &list)
	if len(list.Items) != 2 {
		t.Fatalf("list = %+v", list.Items)
	}
	// The running index takes them: a text with the problem phrase now
	// gets the hub's concept, with no restart.
	e.srv.Wait()
	e.must(200, "GET", "/api/v1/concepts", nil, &list)
	for _, c := range list.Items {
		if c.Pending {
			t.Errorf("still pending after the index re-tagged: %+v", c)
		}
	}
	if ms := e.ix.ConceptsOf("Devo portare i bambini in bici a scuola", "commissioni"); !slices.ContainsFunc(ms,
		func(m matcher.ConceptMatch) bool { return m.ID == "bici-cargo" }) {
		t.Errorf("the running index does not know the new concept: %+v", ms)
	}
	for _, tc := range []struct {
		name string
		body map[string]any
		code int
		says string
	}{
		{"the same id twice", cargo, 409, "esiste già"},
		{"a shipped concept's id", map[string]any{"id": "piccoli-lavori-elettrici", "category": "casa", "labels": []string{"elettricista"}}, 409, "esiste già"},
		{"an unknown parent", map[string]any{"id": "x-bici", "category": "commissioni", "parent": "nessuno", "labels": []string{"bici"}}, 400, "non esiste"},
		{"a shipped parent is fine", map[string]any{"id": "lampade-vintage", "category": "casa", "parent": "piccoli-lavori-elettrici", "labels": []string{"lampade vintage"}}, 201, ""},
		{"an unknown category", map[string]any{"id": "y-bici", "category": "musica", "labels": []string{"bici"}}, 400, "musica"},
		{"a bad id", map[string]any{"id": "Bici Cargo", "category": "commissioni", "labels": []string{"bici"}}, 400, "lettere minuscole"},
		{"no label", map[string]any{"id": "z-bici", "category": "commissioni", "labels": []string{}}, 400, "etichette"},
		{"a separator in a label", map[string]any{"id": "w-bici", "category": "commissioni", "labels": []string{"bici | cargo"}}, 400, "non può contenere"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do("POST", "/api/v1/concepts", tc.body)
			if r.Code != tc.code || !strings.Contains(r.Body.String(), tc.says) {
				t.Errorf("%d %s, want %d saying %q", r.Code, r.Body.String(), tc.code, tc.says)
			}
		})
	}
	if r := e.doAs(w.cast[maria].auth, "POST", "/api/v1/concepts", map[string]any{"id": "mia", "category": "casa", "labels": []string{"mia"}}); r.Code != 403 {
		t.Errorf("a resident adds a concept: %d", r.Code)
	}
	if r := e.do("DELETE", "/api/v1/concepts/bici-cargo", nil); r.Code != 409 {
		t.Errorf("delete a parent: %d %s", r.Code, r.Body.String())
	}
	if r := e.do("DELETE", "/api/v1/concepts/bici-cargo-elettrica", nil); r.Code != 204 {
		t.Errorf("delete: %d %s", r.Code, r.Body.String())
	}
	if r := e.do("DELETE", "/api/v1/concepts/bici-cargo-elettrica", nil); r.Code != 404 {
		t.Errorf("delete twice: %d %s", r.Code, r.Body.String())
	}
	return e.responses
}

func TestHubConcepts(t *testing.T) { conceptJourney(t) }
