package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/saperi/saperi"
)

func TestJourney(t *testing.T) {
	e := newEnv(t)
	f := e.fixture()

	t.Run("profile shows contacts only to those allowed", func(t *testing.T) {
		var p map[string]any
		e.must(200, "GET", fmt.Sprintf("/api/v1/profiles/%d", f.maria.ID), nil, &p)
		if _, ok := p["contacts"]; !ok {
			t.Fatalf("an admin should see contacts: %v", p)
		}
		other := e.operatorToken("Portineria di San Salvario")
		if w := e.doAs(other, "GET", fmt.Sprintf("/api/v1/profiles/%d", f.maria.ID), nil); w.Code != 403 ||
			strings.Contains(w.Body.String(), "maria@example.org") {
			t.Fatalf("another hub's operator: %d %s", w.Code, w.Body.String())
		}
		if f.maria.Contacts == nil || f.maria.Contacts.Email != "maria@example.org" {
			t.Fatalf("create response should echo the contacts just given: %+v", f.maria.Contacts)
		}
	})

	t.Run("posting inherits from profile", func(t *testing.T) {
		if f.need.HubID != f.hub.ID || f.need.Area != "Aurora" || f.need.Point == nil || f.need.Status != saperi.Open {
			t.Fatalf("need = %+v", f.need)
		}
	})

	var cands struct {
		Items []candidateView `json:"items"`
	}
	t.Run("candidates of the need", func(t *testing.T) {
		e.must(200, "GET", fmt.Sprintf("/api/v1/postings/%d/candidates?limit=5", f.need.ID), nil, &cands)
		if len(cands.Items) != 1 || cands.Items[0].Posting.ID != f.offer.ID {
			t.Fatalf("candidates = %+v", cands.Items)
		}
		c := cands.Items[0]
		if c.Score <= 0 || c.Score > 1 {
			t.Fatalf("score %v", c.Score)
		}
		for _, name := range saperi.Features {
			if _, ok := c.Breakdown[name]; !ok {
				t.Fatalf("breakdown lacks %s: %v", name, c.Breakdown)
			}
		}
		sum := 0.0
		for name, fv := range c.Breakdown {
			if fv.Reason == "" || strings.HasPrefix(fv.Reason, "reason.") {
				t.Errorf("factor %s has no translated reason: %q", name, fv.Reason)
			}
			sum += fv.Contribution
		}
		if d := sum - c.Score; d > 0.001 || d < -0.001 {
			t.Errorf("contributions sum to %v, score %v", sum, c.Score)
		}
		words := map[string]bool{}
		for _, tm := range c.Terms {
			words[strings.ToLower(tm.Word)] = true
		}
		for _, w := range []string{"computer", "spid"} {
			if !words[w] {
				t.Errorf("matched words %v lack %q", c.Terms, w)
			}
		}
		if c.Breakdown[saperi.FCategory].Value != 1 || c.Breakdown[saperi.FAvailability].Value < 0.5 {
			t.Errorf("category/availability factors: %+v", c.Breakdown)
		}
		joined := strings.Join(c.Reasons, "; ")
		if !strings.HasPrefix(joined, "stesso bisogno: usare il computer") || !strings.Contains(joined, "martedì") {
			t.Errorf("reasons (Italian by default) = %q", joined)
		}
	})

	t.Run("candidates of the offer, in English", func(t *testing.T) {
		var out struct {
			Items []candidateView `json:"items"`
		}
		w := e.do("GET", fmt.Sprintf("/api/v1/postings/%d/candidates", f.offer.ID), nil, "Accept-Language", "en-GB,en;q=0.8")
		if w.Code != 200 {
			t.Fatal(w.Body.String())
		}
		if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
			t.Fatal(err)
		}
		if len(out.Items) != 1 || out.Items[0].Posting.ID != f.need.ID {
			t.Fatalf("items = %+v", out.Items)
		}
		if r := out.Items[0].Breakdown[saperi.FCategory].Reason; r != "same category" {
			t.Errorf("English reason = %q", r)
		}
	})

	t.Run("search finds by stem and ignores query syntax", func(t *testing.T) {
		var res struct {
			Items []saperi.Posting `json:"items"`
			Total int              `json:"total"`
		}
		e.must(200, "GET", "/api/v1/search?q=elettroniche&kind=offer", nil, &res)
		if res.Total != 1 || res.Items[0].ID != f.offer.ID {
			t.Fatalf("search = %+v", res)
		}
		e.must(200, "GET", "/api/v1/search?q="+url.QueryEscape(`"computer" +spid* (`), nil, &res)
		if res.Total != 2 {
			t.Fatalf("syntax search total = %d, want the two postings mentioning computer/spid", res.Total)
		}
	})

	var m matchView
	t.Run("propose, accept both, contacts disclosed", func(t *testing.T) {
		e.must(201, "POST", "/api/v1/matches", map[string]any{"need_id": f.need.ID, "offer_id": f.offer.ID, "note": "telefonato a Maria"}, &m)
		if m.State != saperi.Proposed || m.Score <= 0 || m.Contacts != nil || len(m.History) != 2 {
			t.Fatalf("proposed match = %+v", m)
		}
		e.must(409, "POST", "/api/v1/matches", map[string]any{"need_id": f.need.ID, "offer_id": f.offer.ID}, nil)
		e.must(200, "POST", fmt.Sprintf("/api/v1/matches/%d/accept", m.ID), map[string]string{"side": "need"}, &m)
		if m.State != saperi.AcceptedNeed || m.Contacts != nil {
			t.Fatalf("after one accept: %+v", m)
		}
		e.must(409, "POST", fmt.Sprintf("/api/v1/matches/%d/accept", m.ID), map[string]string{"side": "need"}, nil)
		var got map[string]any
		e.must(200, "GET", fmt.Sprintf("/api/v1/matches/%d", m.ID), nil, &got)
		if _, ok := got["contacts"]; ok {
			t.Fatal("contacts shown before both accepted")
		}
		e.must(200, "POST", fmt.Sprintf("/api/v1/matches/%d/accept", m.ID), map[string]string{"side": "offer"}, &m)
		if m.State != saperi.Connected || m.Contacts == nil ||
			m.Contacts.Need.Contacts.Email != "maria@example.org" || m.Contacts.Offer.Contacts.Phone != "+39 011 000 0002" {
			t.Fatalf("connected match = %+v", m)
		}
		var need saperi.Posting
		e.must(200, "GET", fmt.Sprintf("/api/v1/postings/%d", f.need.ID), nil, &need)
		if need.Status != saperi.Matched {
			t.Fatalf("need status after connection = %s", need.Status)
		}
		e.must(200, "POST", fmt.Sprintf("/api/v1/matches/%d/complete", m.ID), nil, &m)
		if m.State != saperi.Done {
			t.Fatalf("state = %s", m.State)
		}
	})

	t.Run("declined pair never comes back", func(t *testing.T) {
		var need2 saperi.Posting
		e.must(201, "POST", "/api/v1/postings", map[string]any{"kind": "need", "profile_id": f.maria.ID,
			"title": "Mi serve aiuto con lo smartphone", "category": "digitale"}, &need2)
		var c2 struct {
			Items []candidateView `json:"items"`
		}
		e.must(200, "GET", fmt.Sprintf("/api/v1/postings/%d/candidates", need2.ID), nil, &c2)
		if len(c2.Items) != 1 {
			t.Fatalf("want the offer as candidate, got %+v", c2.Items)
		}
		var m2 matchView
		e.must(201, "POST", "/api/v1/matches", map[string]any{"need_id": need2.ID, "offer_id": f.offer.ID}, &m2)
		e.must(200, "POST", fmt.Sprintf("/api/v1/matches/%d/decline", m2.ID), map[string]string{"side": "offer"}, &m2)
		e.must(200, "GET", fmt.Sprintf("/api/v1/postings/%d/candidates", need2.ID), nil, &c2)
		if len(c2.Items) != 0 {
			t.Fatalf("declined offer proposed again: %+v", c2.Items)
		}
		e.must(409, "POST", "/api/v1/matches", map[string]any{"need_id": need2.ID, "offer_id": f.offer.ID}, nil)
	})

	t.Run("pause hides from candidates, renew brings back", func(t *testing.T) {
		var need3 saperi.Posting
		e.must(201, "POST", "/api/v1/postings", map[string]any{"kind": "need", "profile_id": f.maria.ID,
			"title": "Lezioni di computer per principianti", "category": "digitale"}, &need3)
		count := func() int {
			var c struct {
				Items []candidateView `json:"items"`
			}
			e.must(200, "GET", fmt.Sprintf("/api/v1/postings/%d/candidates", need3.ID), nil, &c)
			return len(c.Items)
		}
		if n := count(); n != 1 {
			t.Fatalf("before pause: %d candidates", n)
		}
		e.must(200, "POST", fmt.Sprintf("/api/v1/postings/%d/pause", f.offer.ID), nil, nil)
		if n := count(); n != 0 {
			t.Fatalf("paused offer still a candidate")
		}
		e.must(409, "POST", fmt.Sprintf("/api/v1/postings/%d/pause", f.offer.ID), nil, nil)
		e.must(200, "POST", fmt.Sprintf("/api/v1/postings/%d/renew", f.offer.ID), nil, nil)
		if n := count(); n != 1 {
			t.Fatalf("renewed offer not a candidate")
		}
	})

	t.Run("audit trail records actions on the person", func(t *testing.T) {
		var evs struct {
			Items []saperi.Event `json:"items"`
		}
		e.must(200, "GET", fmt.Sprintf("/api/v1/events?profile_id=%d", f.maria.ID), nil, &evs)
		actions := map[string]bool{}
		for _, ev := range evs.Items {
			actions[ev.Action] = true
			if ev.OnBehalfOf != f.maria.ID {
				t.Errorf("event %+v not about maria", ev)
			}
		}
		for _, a := range []string{"profile.create", "posting.create"} {
			if !actions[a] {
				t.Errorf("audit lacks %s: %v", a, actions)
			}
		}
	})

	t.Run("listing with filters and cursor", func(t *testing.T) {
		var page struct {
			Items     []saperi.Posting `json:"items"`
			NextAfter *uint64          `json:"next_after"`
		}
		e.must(200, "GET", "/api/v1/postings?kind=need&limit=2", nil, &page)
		if len(page.Items) != 2 || page.NextAfter == nil {
			t.Fatalf("page 1 = %+v", page)
		}
		for _, p := range page.Items {
			if p.Kind != saperi.Need {
				t.Fatalf("kind filter broken: %+v", p)
			}
		}
		last := *page.NextAfter
		e.must(200, "GET", fmt.Sprintf("/api/v1/postings?kind=need&limit=2&after=%d", last), nil, &page)
		if len(page.Items) != 1 || page.Items[0].ID <= last {
			t.Fatalf("page 2 = %+v", page)
		}
	})
}

func TestBadInputChangesNothing(t *testing.T) {
	e := newEnv(t)
	f := e.fixture()
	ctx := context.Background()
	before, err := e.db.Events(ctx, 0, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	big := `{"kind":"need","profile_id":1,"title":"` + strings.Repeat("a", MaxBody) + `"}`
	post := "/api/v1/postings"
	cases := []struct {
		name, method, path string
		body               any
		status             int
		code, field        string
	}{
		{"malformed json", "POST", post, `{"kind": "need",`, 400, "invalid", ""},
		{"not json at all", "POST", post, `cerco aiuto`, 400, "invalid", ""},
		{"empty body", "POST", post, ``, 400, "invalid", ""},
		{"wrong type", "POST", post, `{"kind":"need","profile_id":"uno","title":"aiuto spesa"}`, 400, "invalid", "profile_id"},
		{"unknown field", "POST", post, `{"kind":"need","profile_id":1,"title":"aiuto spesa","titel":"x"}`, 400, "invalid", "titel"},
		{"invalid utf-8", "POST", post, []byte("{\"kind\":\"need\",\"profile_id\":1,\"title\":\"ciao \xff\xfe\"}"), 400, "invalid", ""},
		{"oversize", "POST", post, big, 413, "too_large", ""},
		{"two objects", "POST", post, `{"kind":"need"} {"kind":"offer"}`, 400, "invalid", ""},
		{"bad kind", "POST", post, map[string]any{"kind": "gift", "profile_id": f.maria.ID, "title": "aiuto spesa"}, 400, "invalid", "kind"},
		{"short title", "POST", post, map[string]any{"kind": "need", "profile_id": f.maria.ID, "title": "a"}, 400, "invalid", "title"},
		{"unknown category", "POST", post, map[string]any{"kind": "need", "profile_id": f.maria.ID, "title": "aiuto spesa", "category": "magia"}, 400, "invalid", "category"},
		{"bad slot", "POST", post, map[string]any{"kind": "need", "profile_id": f.maria.ID, "title": "aiuto spesa",
			"slots": []map[string]string{{"day": "tue", "from": "25:00", "to": "26:00"}}}, 400, "invalid", "slots"},
		{"unknown profile", "POST", post, map[string]any{"kind": "need", "profile_id": 999, "title": "aiuto spesa"}, 400, "invalid", "profile_id"},
		{"text content type", "POST", post, `{}`, 400, "invalid", ""},
		{"profile bad email", "POST", "/api/v1/profiles", map[string]any{"kind": "resident", "name": "Gino", "hub_id": f.hub.ID,
			"contacts": map[string]string{"email": "gino@"}, "consent": map[string]string{"text": "ok", "by": "self"}}, 400, "invalid", "contacts.email"},
		{"profile no consent", "POST", "/api/v1/profiles", map[string]any{"kind": "resident", "name": "Gino", "hub_id": f.hub.ID}, 400, "invalid", "consent.text"},
		{"profile unknown hub", "POST", "/api/v1/profiles", map[string]any{"kind": "resident", "name": "Gino", "hub_id": 77,
			"consent": map[string]string{"text": "ok", "by": "self"}}, 400, "invalid", "hub_id"},
		{"unknown posting", "GET", "/api/v1/postings/424242", nil, 404, "not_found", ""},
		{"bad id", "GET", "/api/v1/postings/abc", nil, 400, "invalid", "id"},
		{"zero id", "GET", "/api/v1/postings/0", nil, 400, "invalid", "id"},
		{"candidates of unknown", "GET", "/api/v1/postings/424242/candidates", nil, 404, "not_found", ""},
		{"bad limit", "GET", "/api/v1/postings?limit=100000", nil, 400, "invalid", "limit"},
		{"bad kind filter", "GET", "/api/v1/postings?kind=gift", nil, 400, "invalid", "kind"},
		{"long search", "GET", "/api/v1/search?q=" + strings.Repeat("a", 300), nil, 400, "invalid", "q"},
		{"patch unknown", "PATCH", "/api/v1/postings/424242", map[string]string{"title": "nuovo titolo"}, 404, "not_found", ""},
		{"patch invalid", "PATCH", fmt.Sprintf("/api/v1/postings/%d", f.need.ID), map[string]string{"title": ""}, 400, "invalid", "title"},
		{"accept unknown match", "POST", "/api/v1/matches/1/accept", map[string]string{"side": "need"}, 404, "not_found", ""},
		{"match unknown posting", "POST", "/api/v1/matches", map[string]any{"need_id": f.need.ID, "offer_id": 999}, 400, "invalid", "offer_id"},
		{"match two needs", "POST", "/api/v1/matches", map[string]any{"need_id": f.need.ID, "offer_id": f.need.ID}, 400, "invalid", ""},
		{"no route", "GET", "/api/v1/nothing", nil, 404, "not_found", ""},
		{"wrong method", "DELETE", "/api/v1/hubs", nil, 405, "invalid", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var w = e.do(c.method, c.path, c.body)
			if c.name == "text content type" {
				w = e.do(c.method, c.path, c.body, "Content-Type", "text/plain")
			}
			if w.Code != c.status {
				t.Fatalf("status %d, want %d: %s", w.Code, c.status, w.Body.String())
			}
			if ct := w.Header().Get("Content-Type"); ct != "application/problem+json" {
				t.Fatalf("content type %q", ct)
			}
			var p Problem
			if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
				t.Fatal(err)
			}
			if p.Code != c.code || p.Field != c.field || p.Status != c.status {
				t.Fatalf("problem = %+v, want code %s field %q", p, c.code, c.field)
			}
			if p.Detail == "" || strings.Contains(p.Detail, "error.") || strings.Contains(p.Detail, "json:") {
				t.Fatalf("detail is not a human message: %q", p.Detail)
			}
		})
	}
	after, err := e.db.Events(ctx, 0, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before) {
		t.Fatalf("bad input wrote %d audit events", len(after)-len(before))
	}
	n, err := e.db.CountPostings(ctx)
	if err != nil || n != 2 {
		t.Fatalf("postings = %d (%v), want the 2 of the fixture", n, err)
	}
}

func TestAcceptNeedsASide(t *testing.T) {
	e := newEnv(t)
	f := e.fixture()
	var m matchView
	e.must(201, "POST", "/api/v1/matches", map[string]any{"need_id": f.need.ID, "offer_id": f.offer.ID}, &m)
	for _, body := range []any{map[string]string{}, map[string]string{"side": "both"}} {
		w := e.do("POST", fmt.Sprintf("/api/v1/matches/%d/accept", m.ID), body)
		var p Problem
		_ = json.Unmarshal(w.Body.Bytes(), &p)
		if w.Code != 400 || p.Field != "side" {
			t.Fatalf("accept %v = %d %+v", body, w.Code, p)
		}
	}
	var got matchView
	e.must(200, "GET", fmt.Sprintf("/api/v1/matches/%d", m.ID), nil, &got)
	if got.State != saperi.Proposed || len(got.History) != 1 {
		t.Fatalf("refused accepts changed the match: %+v", got.Match)
	}
}

func TestProblemIsTranslated(t *testing.T) {
	e := newEnv(t)
	f := e.fixture()
	body := map[string]any{"kind": "need", "profile_id": f.maria.ID, "title": "a"}
	for _, c := range []struct{ lang, want string }{
		{"", "Il campo titolo deve avere almeno 2 caratteri."},
		{"it-IT,it;q=0.9", "Il campo titolo deve avere almeno 2 caratteri."},
		{"en-US,en;q=0.9", "The field title must be at least 2 characters."},
		{"fr-FR", "Le champ titre doit compter au moins 2 caractères."},
		{"ar", "يجب أن يحتوي الحقل العنوان على 2 أحرف على الأقل."},
		{"de-DE", "Il campo titolo deve avere almeno 2 caratteri."},
	} {
		t.Run(c.lang, func(t *testing.T) {
			w := e.do("POST", "/api/v1/postings", body, "Accept-Language", c.lang)
			var p Problem
			_ = json.Unmarshal(w.Body.Bytes(), &p)
			if p.Detail != c.want {
				t.Fatalf("detail = %q, want %q", p.Detail, c.want)
			}
		})
	}
}

func TestInternalErrorsDoNotLeak(t *testing.T) {
	e := newEnv(t)
	if err := e.db.Close(); err != nil { // every store call now fails
		t.Fatal(err)
	}
	w := e.do("GET", "/api/v1/hubs", nil)
	if w.Code != http.StatusInternalServerError {
		t.Fatalf("status %d", w.Code)
	}
	var p Problem
	_ = json.Unmarshal(w.Body.Bytes(), &p)
	if p.Code != "internal" || strings.Contains(strings.ToLower(p.Detail), "database") || strings.Contains(p.Detail, "bolt") ||
		!strings.Contains(p.Detail, w.Header().Get("X-Request-Id")) {
		t.Fatalf("problem = %+v", p)
	}
}

func TestHealth(t *testing.T) {
	e := newEnv(t)
	e.must(200, "GET", "/healthz", nil, nil)
	e.must(200, "GET", "/readyz", nil, nil)
	e.fixture()
	w := e.do("GET", "/metrics", nil)
	if w.Code != 200 || !strings.Contains(w.Body.String(), `saperi_http_requests_total{method="POST",route="/api/v1/postings",status="201"} 2`) {
		t.Fatalf("metrics:\n%s", w.Body.String())
	}
	w = e.do("GET", "/api/v1/admin/backup", nil)
	if w.Code != 200 || w.Body.Len() < 4096 {
		t.Fatalf("backup: %d, %d bytes", w.Code, w.Body.Len())
	}
}
