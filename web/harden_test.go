package web

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/saperi/saperi"
)

// TestSafeNext is finding 1 of the attack run: only a plain same-site
// path may be the redirect after a login.
func TestSafeNext(t *testing.T) {
	for _, tc := range []struct{ next, want string }{
		{"/matches", "/matches"},
		{"/desk/postings/4?tab=candidates#c", "/desk/postings/4?tab=candidates#c"},
		{"/", "/"},
		{"", ""},
		{"matches", ""},
		{"//evil.example/x", ""},
		{"/\t/evil.example/x", ""},
		{"/\n/evil.example/x", ""},
		{"/\r/evil.example", ""},
		{"/ /evil.example", ""},
		{"/\x00/evil.example", ""},
		{"/\x7f/evil.example", ""},
		{"/\\evil.example", ""},
		{"/\\/evil.example", ""},
		{"\\\\evil.example", ""},
		{"/.\\evil", ""},
		{"https://evil.example/", ""},
		{"javascript:alert(1)", ""},
		{"/javascript:alert(1)", "/javascript:alert(1)"},
		{"/%09/evil.example", "/%09/evil.example"}, // stays a path: the browser does not decode it
		{"/\u2028/evil.example", ""},
		{"/\u00a0/evil.example", ""},
		{"/\u200b/evil.example", ""},
		{"///evil.example", ""},
		{"/" + strings.Repeat("a", 3000), ""},
	} {
		t.Run(url.QueryEscape(tc.next), func(t *testing.T) {
			if got := safeNext(tc.next); got != tc.want {
				t.Fatalf("safeNext(%q) = %q, want %q", tc.next, got, tc.want)
			}
		})
	}
}

// TestLoginRedirectStaysOnSite drives the login page and form with the
// attack run's tab bypass: the form must not carry it, and the answer
// must not send the browser to it.
func TestLoginRedirectStaysOnSite(t *testing.T) {
	e := newEnv(t)
	e.must(201, "POST", "/api/v1/users", map[string]any{"email": "anna@example.org", "name": "Anna Coordinatrice",
		"role": "admin", "password": "una password lunga"}, nil)
	w := e.get("", "/login?next=/%09/evil.example/x")
	if strings.Contains(w.Body.String(), "evil.example") {
		t.Fatalf("the login form carries the hostile next:\n%s", w.Body.String())
	}
	for _, next := range []string{"/\t/evil.example/x", "/\\evil.example", "//evil.example", "https://evil.example"} {
		w := e.post("", "/login", url.Values{"email": {"anna@example.org"}, "password": {"una password lunga"}, "next": {next}})
		if loc := w.Header().Get("Location"); w.Code != 303 || strings.Contains(loc, "evil") || !strings.HasPrefix(loc, "/") {
			t.Errorf("next %q: %d Location %q", next, w.Code, loc)
		}
	}
}

// TestSecurityHeaders is finding 10: every answer (pages, API, refusals)
// forbids framing and sniffing, runs no script and sends no Referer.
func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/", "/login", "/api/v1/categories", "/nowhere", "/static/saperi.css", "/api/v1/me"} {
		w := e.get("", path)
		h := w.Header()
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"frame-ancestors 'none'", "script-src 'none'", "default-src 'none'", "base-uri 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: Content-Security-Policy %q lacks %s", path, csp, want)
			}
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "no-referrer" || h.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: headers %v", path, h)
		}
	}
}

// TestMetricsNeedAdmin is finding 7: the metrics on the main address
// answer an admin token only; MetricsHandler (for the loopback
// --metrics-addr) needs none.
func TestMetricsNeedAdmin(t *testing.T) {
	e := newEnv(t)
	op := e.operatorToken("Hub Metrics")
	e.post("", "/login", url.Values{"email": {"nobody@example.org"}, "password": {"sbagliata!!"}})
	if w := e.get("", "/metrics"); w.Code != 401 || strings.Contains(w.Body.String(), "saperi_http_requests_total") {
		t.Errorf("anonymous /metrics: %d\n%.300s", w.Code, w.Body.String())
	}
	if w := e.get(op, "/metrics"); w.Code != 403 || strings.Contains(w.Body.String(), "saperi_http_requests_total") {
		t.Errorf("operator /metrics: %d", w.Code)
	}
	if w := e.get(e.token, "/metrics"); w.Code != 200 || !strings.Contains(w.Body.String(), `route="/login",status="401"`) {
		t.Errorf("admin /metrics: %d\n%.300s", w.Code, w.Body.String())
	}
	rec := httptest.NewRecorder()
	e.srv.MetricsHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "saperi_http_requests_total") {
		t.Errorf("MetricsHandler: %d", rec.Code)
	}
}

// TestAnswerPageConnects is finding 13: when both sides accept on their
// matches page (POST /matches/{id}/answer), the match connects and the
// "you are in touch" mail is planned, as it is through the API and the
// mail links.
func TestAnswerPageConnects(t *testing.T) {
	e := newEnv(t)
	var got []uint64
	e.hooks.connected = func(_ context.Context, m *saperi.Match) error {
		got = append(got, m.ID)
		return nil
	}
	f := e.fixture()
	maria := e.addUser("maria@example.org", saperi.RoleResident, 0, f.maria.ID)
	ahmed := e.addUser("ahmed@example.org", saperi.RoleResident, 0, f.ahmed.ID)
	var m matchView
	e.must(201, "POST", "/api/v1/matches", map[string]any{"need_id": f.need.ID, "offer_id": f.offer.ID}, &m)
	path := fmt.Sprintf("/matches/%d/answer", m.ID)
	if w := e.post(maria, path, url.Values{"action": {"accept"}}); w.Code != 303 {
		t.Fatalf("Maria accepts: %d %s", w.Code, visible(w.Body.String()))
	}
	if len(got) != 0 {
		t.Fatalf("connected after one side: %v", got)
	}
	if w := e.post(ahmed, path, url.Values{"action": {"accept"}}); w.Code != 303 {
		t.Fatalf("Ahmed accepts: %d %s", w.Code, visible(w.Body.String()))
	}
	var after matchView
	e.must(200, "GET", fmt.Sprintf("/api/v1/matches/%d", m.ID), nil, &after)
	if after.State != saperi.Connected {
		t.Fatalf("state %s, want connected", after.State)
	}
	if len(got) != 1 || got[0] != m.ID {
		t.Fatalf("Connected hook calls: %v, want [%d]", got, m.ID)
	}
}
