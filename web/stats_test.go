package web

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/demo"
	"github.com/saperi/saperi/service"
)

// seededEnv is a server over the demo data, written at testNow.
func seededEnv(tb testing.TB) *env {
	tb.Helper()
	e := newEnv(tb)
	if _, err := demo.Seed(context.Background(), e.db, testNow); err != nil {
		tb.Fatal(err)
	}
	return e
}

// TestStatsAPI: GET /api/v1/stats answers the documented fields over
// real HTTP; an operator gets their hub whatever they ask.
func TestStatsAPI(t *testing.T) {
	e := seededEnv(t)
	var s map[string]any
	e.must(200, "GET", "/api/v1/stats", nil, &s)
	for _, k := range []string{"needs", "offers", "gap", "by_category_area", "times"} {
		if _, ok := s[k]; !ok {
			t.Errorf("no %q in %v", k, s)
		}
	}
	if s["needs"].(float64) != 109 || s["offers"].(float64) != 99 {
		t.Fatalf("network %v needs %v offers", s["needs"], s["offers"])
	}
	var h1 service.Stats
	e.must(200, "GET", "/api/v1/stats?hub=1&category=digitale", nil, &h1)
	if h1.Needs != 3 || h1.Offers != 1 {
		t.Fatalf("hub 1 digitale: %+v", h1)
	}
	op := e.addUser("op1@example.org", saperi.RoleOperator, 1, 0)
	if w := e.doAs(op, "GET", "/api/v1/stats?hub=2", nil); w.Code != 403 {
		t.Fatalf("another hub's statistics: %d", w.Code)
	}
	w := e.doAs(op, "GET", "/api/v1/stats", nil)
	json.Unmarshal(w.Body.Bytes(), &h1)
	if w.Code != 200 || h1.Filter.HubID != 1 || h1.Needs != 19 {
		t.Fatalf("operator: %d %+v", w.Code, h1.Filter)
	}
	if w := e.do("GET", "/api/v1/stats?from=ieri", nil); w.Code != 400 {
		t.Fatalf("bad date: %d", w.Code)
	}
	var od service.OpenData
	e.must(200, "GET", "/api/v1/opendata", nil, &od)
	if od.License != "CC BY 4.0" || len(od.Cells) == 0 {
		t.Fatalf("open data %+v", od)
	}
	for _, c := range od.Cells {
		if !c.Suppressed && *c.People < service.MinPeople {
			t.Fatalf("a published cell of %d people: %+v", *c.People, c)
		}
	}
	w = e.do("GET", "/api/v1/opendata?format=csv", nil)
	if w.Code != 200 || !strings.HasPrefix(strings.TrimPrefix(w.Body.String(), "\ufeff"), "categoria;quartiere;persone") {
		t.Fatalf("open data CSV: %d %s", w.Code, w.Body.String())
	}
}

// TestStatsPages: the statistics page shows the figures, the map (SVG
// with the attribution), the heat map and the tables beside the charts;
// the CSV download and the printable report work; nothing personal is in
// the report.
func TestStatsPages(t *testing.T) {
	e := seededEnv(t)
	op := e.addUser("op1@example.org", saperi.RoleOperator, 1, 0)
	w := e.doAs(op, "GET", "/stats", nil)
	page := w.Body.String()
	for _, want := range []string{"Portineria di comunità Porta Palazzo", `<svg class="map"`, `<svg class="heat"`, `<svg class="months"`,
		"openpolis (CC BY 4.0)", "<caption>Per quartiere", "<caption>Per categoria e quartiere", `href="/stats.csv?table=cells&amp;hub=1"`,
		`<li>Richieste<strong>19</strong></li>`, `<li>Offerte<strong>20</strong></li>`, `<li>Senza risposta<strong>19</strong></li>`} {
		if !strings.Contains(page, want) {
			t.Errorf("stats page lacks %q", want)
		}
	}
	if w.Code != 200 || strings.Contains(page, "<script") {
		t.Fatalf("stats page: %d", w.Code)
	}
	if w := e.doAs(op, "GET", "/stats?hub=2", nil); w.Code != 403 {
		t.Fatalf("another hub's page: %d", w.Code)
	}
	w = e.doAs(op, "GET", "/stats.csv?table=cells", nil)
	if w.Code != 200 || !strings.Contains(w.Body.String(), "categoria;quartiere;richieste") || !strings.Contains(w.Body.String(), "lingue;Aurora;1;3;1;3") {
		t.Fatalf("CSV: %d %s", w.Code, w.Body.String())
	}
	w = e.doAs(op, "GET", "/stats.csv?table=months", nil)
	if w.Code != 200 || !strings.Contains(w.Body.String(), "mese;richieste;prima_proposta_mediana_giorni") {
		t.Fatalf("months CSV: %s", w.Body.String())
	}
	// The report of the months before testNow holds the demo postings.
	w = e.doAs(op, "GET", "/report?period=quarter&at=2026-10", nil)
	report := w.Body.String()
	if w.Code != 200 || !strings.Contains(report, "Dal 01/10/2026 al 31/12/2026") || !strings.Contains(report, "richieste di aiuto") ||
		!strings.Contains(report, `<svg class="map"`) {
		t.Fatalf("report: %d %s", w.Code, report)
	}
	people, _ := e.db.Profiles(context.Background(), 1, 0, 500)
	for _, p := range people {
		for _, private := range []string{p.Name, p.Contacts.Phone, p.Contacts.Email} {
			if private != "" && strings.Contains(report, private) {
				t.Fatalf("the report shows %q", private)
			}
		}
	}
	if w := e.doAs(op, "GET", "/report?period=week", nil); w.Code != 400 {
		t.Fatalf("bad period: %d", w.Code)
	}
	admin := e.addUser("admin@example.org", saperi.RoleAdmin, 0, 0)
	if w := e.doAs(admin, "GET", "/report?period=year&at=2026", nil); w.Code != 200 || !strings.Contains(w.Body.String(), "Rapporto della rete") {
		t.Fatalf("network report: %d", w.Code)
	}
	if w := e.doAs(admin, "GET", fmt.Sprintf("/stats?hub=%d&lang=en", 2), nil); !strings.Contains(w.Body.String(), "Where needs go unanswered") {
		t.Fatal("English page")
	}
}
