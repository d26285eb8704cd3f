package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/saperi/saperi"
)

// openapiPath turns a Gin route (/postings/:id) into an OpenAPI path
// (/postings/{id}).
var ginParam = regexp.MustCompile(`:([a-z_]+)`)

func openapiPath(route string) string { return ginParam.ReplaceAllString(route, "{$1}") }

func mergedDoc(t *testing.T) []byte {
	t.Helper()
	raw, err := mergeOpenAPI(openapiFS)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func loadDoc(t *testing.T) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(mergedDoc(t), &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if doc["openapi"] != "3.1.0" {
		t.Fatalf("openapi version %v", doc["openapi"])
	}
	return doc
}

// TestOpenAPIRoutes: every route is documented and every documented
// operation exists.
func TestOpenAPIRoutes(t *testing.T) {
	e := newEnv(t)
	doc := loadDoc(t)
	paths := doc["paths"].(map[string]any)
	served := map[string]bool{}
	for _, r := range e.srv.Router().Routes() {
		if uiRoute(r.Path) {
			continue // HTML pages and static files: see ui_test.go
		}
		key := strings.ToLower(r.Method) + " " + openapiPath(r.Path)
		served[key] = true
		ops, ok := paths[openapiPath(r.Path)].(map[string]any)
		if !ok || ops[strings.ToLower(r.Method)] == nil {
			t.Errorf("route %s %s is not in openapi.json", r.Method, r.Path)
		}
	}
	for p, ops := range paths {
		for m := range ops.(map[string]any) {
			if !served[m+" "+p] {
				t.Errorf("openapi.json documents %s %s, which the server does not serve", strings.ToUpper(m), p)
			}
		}
	}
}

// TestOpenAPIResponses replays the journey and the bad-input table and
// validates every JSON answer against the documented schema for its
// route, method and status.
func TestOpenAPIResponses(t *testing.T) {
	doc := loadDoc(t)
	c := jsonschema.NewCompiler()
	if err := c.AddResource("openapi.json", mustUnmarshal(t, mergedDoc(t))); err != nil {
		t.Fatal(err)
	}
	var recs []recorded
	for _, run := range []func(*testing.T) []recorded{journeyResponses, badInputResponses, deskJourney, storyJourney, conceptJourney} {
		recs = append(recs, run(t)...)
	}
	checked := map[string]bool{}
	for _, r := range recs {
		if r.route == "" || r.status == 405 || uiRoute(r.route) {
			continue // unmatched routes answer a problem documented nowhere in particular
		}
		p := openapiPath(r.route)
		op, _ := doc["paths"].(map[string]any)[p].(map[string]any)[strings.ToLower(r.method)].(map[string]any)
		if op == nil {
			t.Errorf("%s %s: undocumented", r.method, p)
			continue
		}
		resp, ok := op["responses"].(map[string]any)[strconv.Itoa(r.status)].(map[string]any)
		if !ok {
			t.Errorf("%s %s answered %d, which is not documented", r.method, p, r.status)
			continue
		}
		ctype := strings.Split(r.ctype, ";")[0]
		content, _ := resp["content"].(map[string]any)
		if r.status == 204 {
			if len(r.body) != 0 || content != nil {
				t.Errorf("%s %s 204: a body (%d bytes) or documented content", r.method, p, len(r.body))
			}
			checked[r.method+" "+p] = true
			continue
		}
		media, ok := content[ctype].(map[string]any)
		if !ok {
			t.Errorf("%s %s %d: content type %q not documented", r.method, p, r.status, ctype)
			continue
		}
		if ctype != "application/json" && ctype != "application/problem+json" {
			continue
		}
		ptr := fmt.Sprintf("openapi.json#/paths/%s/%s/responses/%d/content/%s/schema",
			escape(p), strings.ToLower(r.method), r.status, escape(ctype))
		_ = media
		sch, err := c.Compile(ptr)
		if err != nil {
			t.Fatalf("compile %s: %v", ptr, err)
		}
		if err := sch.Validate(mustUnmarshal(t, r.body)); err != nil {
			t.Errorf("%s %s %d does not match openapi.json: %v\nbody: %s", r.method, p, r.status, err, r.body)
		}
		checked[r.method+" "+p] = true
	}
	if len(checked) < 20 {
		t.Errorf("only %d operations were checked: %v", len(checked), keys(checked))
	}
}

func journeyResponses(t *testing.T) []recorded {
	e := newEnv(t)
	f := e.fixture()
	for _, path := range []string{"/api", "/healthz", "/readyz", "/api/v1/categories", "/api/v1/hubs", "/api/v1/profiles",
		"/api/v1/postings", "/api/v1/events", fmt.Sprintf("/api/v1/hubs/%d", f.hub.ID),
		fmt.Sprintf("/api/v1/profiles/%d", f.maria.ID), fmt.Sprintf("/api/v1/postings/%d", f.need.ID),
		fmt.Sprintf("/api/v1/postings/%d/candidates", f.need.ID), fmt.Sprintf("/api/v1/postings/%d/candidates", f.offer.ID),
		"/api/v1/search?q=computer", "/api/v1/search", "/api/openapi.json"} {
		e.do("GET", path, nil)
	}
	var m matchView
	e.must(201, "POST", "/api/v1/matches", map[string]any{"need_id": f.need.ID, "offer_id": f.offer.ID}, &m)
	mp := fmt.Sprintf("/api/v1/matches/%d", m.ID)
	e.do("POST", mp+"/notes", map[string]string{"note": "chiamata senza risposta"})
	e.do("POST", mp+"/accept", map[string]string{"side": "need"})
	e.do("POST", mp+"/accept", map[string]string{"side": "offer"})
	e.do("GET", mp, nil)
	e.do("POST", mp+"/complete", nil)
	e.do("POST", mp+"/withdraw", nil) // 409
	e.do("GET", fmt.Sprintf("/api/v1/postings/%d/matches", f.need.ID), nil)
	e.do("PATCH", fmt.Sprintf("/api/v1/postings/%d", f.offer.ID), map[string]any{"description": "Anche tablet.", "capacity": 2})
	e.do("PATCH", fmt.Sprintf("/api/v1/profiles/%d", f.maria.ID), map[string]any{"languages": []string{"it", "en"}})
	for _, a := range []string{"pause", "resume", "close", "renew"} {
		e.do("POST", fmt.Sprintf("/api/v1/postings/%d/%s", f.offer.ID, a), nil)
	}
	var syn saperi.Synonym
	e.must(201, "POST", "/api/v1/synonyms", map[string]any{"terms": []string{"rammendo", "sistemare vestiti"}}, &syn)
	e.do("GET", "/api/v1/synonyms", nil)
	e.do("GET", "/api/v1/categories/suggest?text=lezioni+di+inglese", nil)
	e.do("GET", "/api/v1/categories/suggest?text=buongiorno", nil)
	e.do("DELETE", fmt.Sprintf("/api/v1/synonyms/%d", syn.ID), nil)
	e.must(201, "POST", "/api/v1/postings", map[string]any{"kind": "need", "profile_id": f.maria.ID, "title": "Aiuto con il tablet"}, nil)
	return e.responses
}

func badInputResponses(t *testing.T) []recorded {
	e := newEnv(t)
	f := e.fixture()
	e.do("POST", "/api/v1/postings", `{"kind":`)
	e.do("POST", "/api/v1/postings", map[string]any{"kind": "need", "profile_id": f.maria.ID, "title": "a"})
	e.do("POST", "/api/v1/hubs", `{"name": 5}`)
	e.do("POST", "/api/v1/profiles", `{"kind":"resident"}`)
	e.do("GET", "/api/v1/postings/99999", nil)
	e.do("GET", "/api/v1/hubs/99999", nil)
	e.do("GET", "/api/v1/profiles/99999", nil)
	e.do("GET", "/api/v1/matches/99999", nil)
	e.do("POST", "/api/v1/matches", `{"need_id":1}`)
	e.do("POST", "/api/v1/postings", strings.Repeat("x", MaxBody+1))
	e.do("POST", "/api/v1/synonyms", map[string]any{"terms": []string{"solo"}})
	e.do("DELETE", "/api/v1/synonyms/99999", nil)
	e.do("GET", "/api/v1/categories/suggest", nil)
	return e.responses
}

func escape(s string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}

func mustUnmarshal(t *testing.T, b []byte) any {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("unmarshal %q: %v", b, err)
	}
	return v
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
