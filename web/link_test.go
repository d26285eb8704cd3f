package web

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/saperi/saperi"
)

var testSecret = []byte("web test secret, thirty-two b...")

func (e *env) withSecret() *env {
	e.srv.LinkSecret = testSecret
	return e
}

func TestNoticeboardHasNoContacts(t *testing.T) {
	e := newEnv(t)
	f := e.fixture()
	w := e.do("GET", fmt.Sprintf("/hubs/%d/noticeboard", f.hub.ID), nil)
	body := w.Body.String()
	if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("noticeboard: %d %s", w.Code, w.Header().Get("Content-Type"))
	}
	for _, want := range []string{f.need.Title, f.offer.Title, "@page", "A4", fmt.Sprintf("Rif. %d", f.offer.ID)} {
		if !strings.Contains(body, want) {
			t.Errorf("noticeboard lacks %q", want)
		}
	}
	for _, secret := range []string{"maria@example.org", "011 000 0001", "011 000 0002", "Rossi", "Benali"} {
		if strings.Contains(body, secret) {
			t.Errorf("noticeboard shows %q", secret)
		}
	}
	if w := e.do("GET", "/hubs/999/noticeboard", nil); w.Code != 404 {
		t.Errorf("unknown hub: %d", w.Code)
	}
}

func TestLinks(t *testing.T) {
	e := newEnv(t).withSecret()
	f := e.fixture()
	m, err := saperi.NewMatch(&f.need, &f.offer, saperi.Scored{Score: 0.7}, saperi.ByEngine, "engine", testNow)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.CreateMatch(t.Context(), m, saperi.Event{At: testNow, Actor: "engine"}); err != nil {
		t.Fatal(err)
	}
	sign := func(purpose, subject string, ttl time.Duration) string {
		return "/l/" + saperi.SignLink(testSecret, saperi.Link{Purpose: purpose, Subject: subject, Expires: testNow.Add(ttl)})
	}
	accept := sign(saperi.LinkAccept, fmt.Sprintf("match/%d/need", m.ID), time.Hour)
	for name, tc := range map[string]struct {
		method, path string
		code         int
		want         string
	}{
		"garbage":       {"GET", "/l/nonsense", 400, "non è valido"},
		"tampered":      {"POST", accept[:len(accept)-3] + "abc", 400, "non è valido"},
		"expired":       {"POST", sign(saperi.LinkAccept, fmt.Sprintf("match/%d/need", m.ID), -time.Minute), 409, "scaduto"},
		"no such match": {"POST", sign(saperi.LinkAccept, "match/999/need", time.Hour), 404, ""},
		"page":          {"GET", accept, 200, `method="post"`},
		"english":       {"GET", accept + "?lang=en", 200, "Accept the proposal?"},
	} {
		t.Run(name, func(t *testing.T) {
			w := e.do(tc.method, tc.path, nil)
			if w.Code != tc.code || !strings.Contains(w.Body.String(), tc.want) {
				t.Fatalf("%s %s: %d\n%s", tc.method, tc.path, w.Code, w.Body)
			}
		})
	}
	if got, _ := e.db.Match(t.Context(), m.ID); got.State != saperi.Proposed {
		t.Fatalf("bad links changed the match: %s", got.State)
	}
	if w := e.do("POST", accept, nil); w.Code != 200 {
		t.Fatalf("accept: %d %s", w.Code, w.Body)
	}
	if got, _ := e.db.Match(t.Context(), m.ID); got.State != saperi.AcceptedNeed {
		t.Fatalf("after accept: %s", got.State)
	}
	if w := e.do("POST", accept, nil); w.Code != 409 {
		t.Errorf("second accept: %d", w.Code)
	}
	renew := sign(saperi.LinkRenew, fmt.Sprintf("posting/%d", f.offer.ID), time.Hour)
	if w := e.do("POST", renew, nil); w.Code != 200 || !strings.Contains(w.Body.String(), "visibile fino") {
		t.Fatalf("renew: %d %s", w.Code, w.Body)
	}
	// A token for one purpose does not do another: the purpose is signed.
	evs, _ := e.db.Events(t.Context(), f.maria.ID, 0, 100)
	if last := evs[len(evs)-1]; last.Actor != "link" || last.Action != "link.accept" {
		t.Errorf("last event %+v", last)
	}
}
