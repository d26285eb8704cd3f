package web

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/saperi/saperi"
)

func TestPatchProfileDoesNotLeakContacts(t *testing.T) {
	e := newEnv(t)
	f := e.fixture()
	var p map[string]any
	e.must(200, "PATCH", fmt.Sprintf("/api/v1/profiles/%d", f.maria.ID), map[string]any{"story": "Nonna di tre nipoti"}, &p)
	if _, ok := p["contacts"]; ok {
		t.Fatalf("PATCH without contacts answered them: %v", p)
	}
	e.must(400, "PATCH", fmt.Sprintf("/api/v1/profiles/%d", f.maria.ID), map[string]any{}, nil)
	e.must(200, "PATCH", fmt.Sprintf("/api/v1/profiles/%d", f.maria.ID),
		map[string]any{"contacts": map[string]string{"email": "maria.rossi@example.org"}}, &p)
	if c, _ := p["contacts"].(map[string]any); c["email"] != "maria.rossi@example.org" {
		t.Fatalf("contacts just sent are not echoed: %v", p)
	}
}

func TestPatchPostingRejectsEmptiedFields(t *testing.T) {
	e := newEnv(t)
	f := e.fixture()
	path := fmt.Sprintf("/api/v1/postings/%d", f.offer.ID)
	for _, c := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"capacity": 0}, "capacity"},
		{map[string]any{"mode": ""}, "mode"},
		{map[string]any{"title": "  "}, "title"},
		{map[string]any{"expires": "0001-01-01T00:00:00Z"}, "expires"},
		{map[string]any{}, ""},
	} {
		w := e.do("PATCH", path, c.body)
		var p Problem
		_ = json.Unmarshal(w.Body.Bytes(), &p)
		if w.Code != 400 || p.Field != c.field {
			t.Errorf("PATCH %v = %d %+v, want 400 on %q", c.body, w.Code, p, c.field)
		}
	}
	var got saperi.Posting
	e.must(200, "GET", path, nil, &got)
	if got.Capacity != f.offer.Capacity || got.Mode != f.offer.Mode {
		t.Fatalf("refused patches changed the posting: %+v", got)
	}
}

func TestPointsAreApproximated(t *testing.T) {
	e := newEnv(t)
	f := e.fixture()
	var p saperi.Posting
	e.must(201, "POST", "/api/v1/postings", map[string]any{"kind": "offer", "profile_id": f.maria.ID,
		"title": "Lezioni di cucito", "point": map[string]float64{"lat": 45.0712345, "lon": 7.6867891}}, &p)
	if p.Point.Lat != 45.071 || p.Point.Lon != 7.687 {
		t.Fatalf("point stored with full precision: %+v", p.Point)
	}
}

func TestExpiredPostingShowsExpired(t *testing.T) {
	e := newEnv(t)
	f := e.fixture()
	e.srv.Now = func() time.Time { return f.need.Expires.Add(time.Hour) }
	var p saperi.Posting
	e.must(200, "GET", fmt.Sprintf("/api/v1/postings/%d", f.need.ID), nil, &p)
	if p.Status != saperi.Expired {
		t.Fatalf("status = %s, want expired", p.Status)
	}
	var list struct{ Items []saperi.Posting }
	e.must(200, "GET", "/api/v1/postings?status=open", nil, &list)
	if len(list.Items) != 0 {
		t.Fatalf("open listing has expired postings: %+v", list.Items)
	}
	e.must(200, "GET", "/api/v1/postings?status=expired", nil, &list)
	if len(list.Items) != 2 {
		t.Fatalf("expired listing = %d, want 2", len(list.Items))
	}
}

func TestHostCheckStopsDNSRebinding(t *testing.T) {
	e := newEnv(t)
	e.srv.AllowedHosts = []string{"localhost", "127.0.0.1", "::1"}
	for _, c := range []struct {
		host string
		want int
	}{
		{"127.0.0.1:8080", 200}, {"localhost:8080", 200}, {"[::1]:8080", 200}, {"LOCALHOST", 200},
		{"attacker.example:8080", 403}, {"127.0.0.1.nip.io", 403},
	} {
		req := httptest.NewRequest("GET", "/api/v1/admin/backup", nil)
		req.RemoteAddr = "127.0.0.1:5000"
		req.Host = c.host
		req.Header.Set("Authorization", "Bearer "+e.token)
		w := httptest.NewRecorder()
		e.handler.ServeHTTP(w, req)
		if w.Code != c.want {
			t.Errorf("Host %s: %d, want %d", c.host, w.Code, c.want)
		}
	}
}

func TestCrossOriginPostIsAProblem(t *testing.T) {
	e := newEnv(t)
	req := httptest.NewRequest("POST", "/api/v1/hubs", strings.NewReader(`{"name":"Portineria"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Accept-Language", "en")
	w := httptest.NewRecorder()
	e.handler.ServeHTTP(w, req)
	var p Problem
	_ = json.Unmarshal(w.Body.Bytes(), &p)
	if w.Code != 403 || w.Header().Get("Content-Type") != "application/problem+json" || p.Code != "forbidden" ||
		!strings.Contains(p.Detail, "another site") {
		t.Fatalf("cross-site POST: %d %q %+v", w.Code, w.Header().Get("Content-Type"), p)
	}
	if hubs, _ := e.db.Hubs(t.Context()); len(hubs) != 0 {
		t.Fatal("cross-site POST created a hub")
	}
}

func TestMetricMethodLabelIsBounded(t *testing.T) {
	e := newEnv(t)
	for i := 0; i < 3; i++ {
		e.do(fmt.Sprintf("XYZ%d", i), "/api/v1/hubs", nil)
	}
	w := e.do("GET", "/metrics", nil)
	if strings.Contains(w.Body.String(), "XYZ") || !strings.Contains(w.Body.String(), `method="other"`) {
		t.Fatalf("metrics:\n%s", w.Body.String())
	}
}
