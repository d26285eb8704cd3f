package web

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/saperi/saperi"
)

// resetSecret signs the reset links of these tests.
var resetSecret = []byte("reset tests secret, 32 bytes!!!!")

// mailed records the accounts the Reset hook was asked to mail.
type mailed struct {
	mu    sync.Mutex
	users []uint64
}

func (m *mailed) ids() []uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]uint64(nil), m.users...)
}

// withReset gives the server a link secret and a Reset hook that records
// what it was asked to send.
func (e *env) withReset() *mailed {
	m := &mailed{}
	e.srv.LinkSecret = resetSecret
	e.srv.Reset = func(_ context.Context, u *saperi.User) error {
		m.mu.Lock()
		defer m.mu.Unlock()
		m.users = append(m.users, u.ID)
		return nil
	}
	return m
}

// postFrom submits a form from the client address ip.
func (e *env) postFrom(ip, path string, form url.Values, hdr ...string) *httptest.ResponseRecorder {
	e.tb.Helper()
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.RemoteAddr = ip + ":40000"
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	e.handler.ServeHTTP(w, req)
	return w
}

// resetLinkFor signs a reset link for the account with email as it is
// now, expiring at exp.
func (e *env) resetLinkFor(email string, exp time.Time) string {
	e.tb.Helper()
	u, err := e.db.UserByEmail(context.Background(), email)
	if err != nil {
		e.tb.Fatal(err)
	}
	return "/password/reset/" + saperi.SignLink(resetSecret, saperi.Link{Purpose: saperi.LinkReset,
		Subject: saperi.ResetSubject(resetSecret, u), Expires: exp})
}

func TestUIForgotPassword(t *testing.T) {
	e := newEnv(t)
	w := e.world()
	sent := e.withReset()
	ctx := context.Background()
	maria, err := e.db.UserByEmail(ctx, "maria@example.org")
	if err != nil {
		t.Fatal(err)
	}
	forgot := func(email string, hdr ...string) *httptest.ResponseRecorder {
		return e.postFrom("192.0.2.1", "/password/forgot", url.Values{"email": {email}}, hdr...)
	}

	t.Run("the login page links to it", func(t *testing.T) {
		r := e.get("", "/login")
		sees(t, r, 200, "Password dimenticata?")
		if !strings.Contains(r.Body.String(), `href="/password/forgot"`) {
			t.Fatal("no link to /password/forgot")
		}
		sees(t, e.get("", "/password/forgot"), 200, "Password dimenticata", "Mandami il link")
		sees(t, e.get("", "/password/forgot?lang=en"), 200, "Forgot your password", "Send me the link")
	})
	var known string
	t.Run("a known address: the neutral answer, one mail, an audit event", func(t *testing.T) {
		r := forgot(" Maria@Example.org ")
		known = sees(t, r, 200, "Se esiste un account per maria@example.org", "un'ora", "!Mandami il link")
		if got := sent.ids(); len(got) != 1 || got[0] != maria.ID {
			t.Fatalf("mails asked for %v, want [%d]", got, maria.ID)
		}
		evs, err := e.db.Events(ctx, w.maria.ID, 0, 500)
		if err != nil {
			t.Fatal(err)
		}
		last := evs[len(evs)-1]
		if last.Action != "user.reset_request" || last.Actor != "anonymous" || last.Subject != fmt.Sprintf("user/%d", maria.ID) || last.Detail != "" {
			t.Fatalf("audit: %+v", last)
		}
	})
	t.Run("an unknown address: the same answer, nothing sent", func(t *testing.T) {
		r := forgot("nessuno@example.org")
		unknown := sees(t, r, 200)
		if strings.ReplaceAll(unknown, "nessuno@example.org", "maria@example.org") != known {
			t.Fatalf("the answers differ:\n%s\n%s", known, unknown)
		}
		if got := sent.ids(); len(got) != 1 {
			t.Fatalf("mails asked for %v", got)
		}
	})
	t.Run("an empty address is asked again", func(t *testing.T) {
		sees(t, forgot("  "), 400, "Controlla i campi", "Mandami il link")
	})
	t.Run("per address: the fourth request in 15 minutes waits, known or not", func(t *testing.T) {
		for _, email := range []string{"maria@example.org", "nessuno@example.org"} {
			for i := 1; i < saperi.MaxResetsPerEmail; i++ {
				sees(t, forgot(email), 200, "Se esiste un account")
			}
			r := forgot(email)
			sees(t, r, 429, "Troppe richieste di una nuova password. Riprova tra 15 minuti", "["+email+"]")
			if r.Header().Get("Retry-After") == "" {
				t.Fatal("no Retry-After")
			}
			sees(t, forgot(email, "Accept-Language", "en"), 429, "Too many requests for a new password. Try again in 15 minutes")
		}
		if got := sent.ids(); len(got) != saperi.MaxResetsPerEmail {
			t.Fatalf("%d mails asked for, want %d", len(got), saperi.MaxResetsPerEmail)
		}
	})
	t.Run("the reset throttle leaves logins alone", func(t *testing.T) {
		e.login("maria@example.org", "una password lunga")
	})
	t.Run("per client address", func(t *testing.T) {
		for i := 0; i < saperi.MaxResetsPerIP; i++ {
			r := e.postFrom("198.51.100.7", "/password/forgot", url.Values{"email": {fmt.Sprintf("p%d@example.org", i)}})
			sees(t, r, 200, "Se esiste un account")
		}
		r := e.postFrom("198.51.100.7", "/password/forgot", url.Values{"email": {"carla@example.org"}})
		sees(t, r, 429, "Troppe richieste")
		sees(t, e.postFrom("198.51.100.8", "/password/forgot", url.Values{"email": {"carla@example.org"}}), 200, "Se esiste un account")
	})
	t.Run("a person locked out of logging in can still ask", func(t *testing.T) {
		for i := 0; i < saperi.MaxFailuresPerEmail; i++ {
			e.postFrom("203.0.113.9", "/login", url.Values{"email": {"ahmed@example.org"}, "password": {"sbagliata!!"}})
		}
		sees(t, e.postFrom("203.0.113.9", "/login", url.Values{"email": {"ahmed@example.org"}, "password": {"una password lunga"}}), 429)
		sees(t, e.postFrom("203.0.113.9", "/password/forgot", url.Values{"email": {"ahmed@example.org"}}), 200, "Se esiste un account")
	})
}

func TestUIForgotWithoutMail(t *testing.T) {
	e := newEnv(t)
	e.world()
	sees(t, e.get("", "/password/forgot"), 200, "Questo server non invia email", "chiedi alla tua portineria", "!Mandami il link")
	sees(t, e.post("", "/password/forgot", url.Values{"email": {"maria@example.org"}}), 200,
		"Questo server non invia email", "!Se esiste un account")
}

func TestUIResetLink(t *testing.T) {
	e := newEnv(t)
	w := e.world()
	e.withReset()
	ctx := context.Background()
	const oldPW, newPW = "una password lunga", "una nuova password sicura"
	phone := e.login("maria@example.org", oldPW)
	laptop := e.login("maria@example.org", oldPW)
	link := e.resetLinkFor("maria@example.org", testNow.Add(saperi.ResetTTL))
	// A second link, sent for a second request: the first one used
	// supersedes it.
	other := e.resetLinkFor("maria@example.org", testNow.Add(saperi.ResetTTL-time.Minute))
	submit := func(link, pw, pw2 string, hdr ...string) *httptest.ResponseRecorder {
		return e.postFrom("127.0.0.1", link, url.Values{"password": {pw}, "password2": {pw2}}, hdr...)
	}
	hash := func() string {
		u, err := e.db.UserByEmail(ctx, "maria@example.org")
		if err != nil {
			t.Fatal(err)
		}
		return u.PasswordHash
	}
	before := hash()

	t.Run("GET shows the form and changes nothing", func(t *testing.T) {
		r := e.get("", link)
		sees(t, r, 200, "Scegli una nuova password", "Email [maria@example.org]", "Ripeti la nuova password")
		if r.Header().Get("Referrer-Policy") != "no-referrer" || r.Header().Get("Cache-Control") != "no-store" {
			t.Fatalf("headers: %v", r.Header())
		}
		if !strings.Contains(r.Body.String(), `action="`+link+`"`) {
			t.Fatal("the form does not post back to the link")
		}
		sees(t, e.get("", link+"?lang=en"), 200, "Choose a new password", "logged out everywhere", "[maria@example.org]")
		if hash() != before {
			t.Fatal("a GET changed the password")
		}
	})
	t.Run("the rules of sign-up", func(t *testing.T) {
		sees(t, submit(link, "corta", "corta"), 400, "almeno 10 caratteri", "Ripeti la nuova password")
		r := submit(link, newPW, newPW+"!")
		sees(t, r, 400, "Le due password non sono uguali")
		if strings.Contains(r.Body.String(), newPW) {
			t.Fatal("the password is echoed back")
		}
		if hash() != before {
			t.Fatal("a refused form changed the password")
		}
	})
	t.Run("sets it, logs out everywhere", func(t *testing.T) {
		r := submit(link, newPW, newPW)
		if r.Code != 303 || r.Header().Get("Location") != "/login?ok=ui.flash.password_reset" {
			t.Fatalf("submit: %d %v %s", r.Code, r.Header(), visible(r.Body.String()))
		}
		sees(t, e.get("", "/login?ok=ui.flash.password_reset"), 200, "Password cambiata")
		for _, s := range []string{phone, laptop} {
			if r := e.doAs(s, "GET", "/api/v1/me", nil); r.Code != 401 {
				t.Fatalf("an old session still works: %d", r.Code)
			}
		}
		if r := e.doAs("", "POST", "/api/v1/auth/login", map[string]string{"email": "maria@example.org", "password": oldPW}); r.Code != 401 {
			t.Fatalf("the old password: %d", r.Code)
		}
		e.login("maria@example.org", newPW)
		evs, err := e.db.Events(ctx, w.maria.ID, 0, 500)
		if err != nil {
			t.Fatal(err)
		}
		var found bool
		for _, ev := range evs {
			found = found || (ev.Action == "user.password_reset" && ev.Actor == "link")
		}
		if !found {
			t.Fatalf("no audit event in %+v", evs)
		}
	})
	t.Run("used, and superseded, links are refused", func(t *testing.T) {
		after := hash()
		for _, l := range []string{link, other} {
			r := e.get("", l)
			sees(t, r, 409, "Questo link non funziona", "già stato usato", "Chiedi un nuovo link", "!Ripeti la nuova password")
			if !strings.Contains(r.Body.String(), `href="/password/forgot"`) {
				t.Fatal("no way to ask for a new link")
			}
			sees(t, submit(l, "ancora un'altra password", "ancora un'altra password"), 409, "già stato usato")
			sees(t, e.get("", l+"?lang=en"), 409, "This link has already been used", "Ask for a new link")
		}
		if hash() != after {
			t.Fatal("a used link changed the password")
		}
	})
	t.Run("expired, tampered and foreign links", func(t *testing.T) {
		expired := e.resetLinkFor("maria@example.org", testNow.Add(-time.Second))
		sees(t, e.get("", expired), 409, "è scaduto", "valgono un'ora", "Chiedi un nuovo link")
		sees(t, submit(expired, newPW, newPW), 409, "è scaduto")
		sees(t, e.get("", expired+"?lang=en"), 409, "has expired", "Ask for a new link")
		fresh := e.resetLinkFor("maria@example.org", testNow.Add(time.Hour))
		i := len("/password/reset/") + 3
		swap := "A"
		if fresh[i] == 'A' {
			swap = "B"
		}
		tampered := fresh[:i] + swap + fresh[i+1:]
		sees(t, e.get("", tampered), 400, "non è valido", "Chiedi un nuovo link")
		accept := "/password/reset/" + saperi.SignLink(resetSecret, saperi.Link{Purpose: saperi.LinkAccept,
			Subject: fmt.Sprintf("match/%d/need", w.match.ID), Expires: testNow.Add(time.Hour)})
		sees(t, e.get("", accept), 400, "non è valido")
		// And a reset link does nothing at the links of the digests.
		sees(t, e.get("", strings.Replace(fresh, "/password/reset/", "/l/", 1)), 400, "non è valido")
		if r := e.post("", strings.Replace(fresh, "/password/reset/", "/l/", 1), url.Values{}); r.Code != 400 {
			t.Fatalf("a reset token at /l/: %d", r.Code)
		}
	})
	t.Run("a link of an erased account", func(t *testing.T) {
		l := e.resetLinkFor("carla@example.org", testNow.Add(time.Hour))
		e.must(200, "DELETE", fmt.Sprintf("/api/v1/profiles/%d", w.carla.ID), nil, nil)
		sees(t, e.get("", l), 400, "non è valido")
	})
}

// TestResetClearsLoginThrottle: a person who locked themselves out with
// wrong passwords logs in at once with the new one.
func TestResetClearsLoginThrottle(t *testing.T) {
	e := newEnv(t)
	e.world()
	e.withReset()
	for i := 0; i < saperi.MaxFailuresPerEmail; i++ {
		e.doAs("", "POST", "/api/v1/auth/login", map[string]string{"email": "maria@example.org", "password": "sbagliata!!"})
	}
	if r := e.doAs("", "POST", "/api/v1/auth/login", map[string]string{"email": "maria@example.org", "password": "una password lunga"}); r.Code != 429 {
		t.Fatalf("not throttled: %d", r.Code)
	}
	link := e.resetLinkFor("maria@example.org", testNow.Add(time.Hour))
	if r := e.post("", link, url.Values{"password": {"una nuova password"}, "password2": {"una nuova password"}}); r.Code != 303 {
		t.Fatalf("reset: %d %s", r.Code, visible(r.Body.String()))
	}
	e.login("maria@example.org", "una nuova password")
}
