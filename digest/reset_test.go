package digest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/digest/digesttest"
	"github.com/saperi/saperi/service"
	"github.com/saperi/saperi/web"
	"golang.org/x/crypto/bcrypt"
)

var resetRE = regexp.MustCompile(`https?://[^\s"<>]+/password/reset/[A-Za-z0-9_\-.]+`)

// account gives p a resident login in lang with the password hash h.
func (f *fixture) account(tb testing.TB, p *saperi.Profile, lang, h string) *saperi.User {
	tb.Helper()
	u := &saperi.User{Email: p.Contacts.Email, Name: p.Name, Role: saperi.RoleResident, ProfileID: p.ID, Lang: lang,
		PasswordHash: h, Created: testNow}
	if err := f.db.CreateUser(context.Background(), u, saperi.Event{At: testNow, Actor: "test"}); err != nil {
		tb.Fatal(err)
	}
	return u
}

// hashOf is a bcrypt hash of pw, at the lowest cost.
func hashOf(tb testing.TB, pw string) string {
	tb.Helper()
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.MinCost)
	if err != nil {
		tb.Fatal(err)
	}
	return string(h)
}

// TestResetGolden renders the reset mail in the account's language
// (Maria's account says Italian) or else the profile's (John's account
// says nothing; his profile speaks English first).
func TestResetGolden(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	r := f.runner(t, nil)
	n := NewNotifier(r)
	// Fixed hashes: the link's stamp depends on them.
	maria := f.account(t, f.maria, "it", "$2a$04$fixed.hash.of.Maria.for.golden.files")
	john := f.account(t, f.john, "", "$2a$04$fixed.hash.of.John.for.golden.files")
	for _, tc := range []struct {
		u          *saperi.User
		lang, name string
	}{{maria, "it", "reset.it"}, {john, "en", "reset.en"}} {
		if err := n.PasswordReset(ctx, tc.u); err != nil {
			t.Fatal(err)
		}
		recs, err := f.db.Sends(ctx, fmt.Sprintf("mail/reset/%d/", tc.u.ID))
		if err != nil || len(recs) != 1 {
			t.Fatalf("records %v, %v", recs, err)
		}
		rec := recs[0]
		if rec.Kind != saperi.SendReset || rec.Lang != tc.lang || rec.To != tc.u.Email || rec.State != saperi.SendPending {
			t.Fatalf("record %+v", rec)
		}
		m, err := n.reset(ctx, rec)
		if err != nil {
			t.Fatal(err)
		}
		golden(t, tc.name+".html", m.HTML)
		golden(t, tc.name+".txt", "Subject: "+m.Subject+"\n\n"+m.Text)
		if m.Unsubscribe != "" {
			t.Error("a reset mail offers to unsubscribe from digests")
		}
		link := resetRE.FindString(m.Text)
		if link == "" || !strings.Contains(m.HTML, link) {
			t.Fatalf("link %q not in both parts", link)
		}
		l, err := saperi.VerifyLink(r.secret, link[strings.LastIndex(link, "/")+1:], testNow)
		if err != nil || l.Purpose != saperi.LinkReset || !l.Expires.Equal(testNow.Add(saperi.ResetTTL)) {
			t.Fatalf("link %+v, %v", l, err)
		}
		if err := saperi.CheckReset(r.secret, l.Subject, tc.u); err != nil {
			t.Fatal(err)
		}
	}
}

// TestResetFlushSkips: a request whose link would already have expired
// is not sent, nor one for an account erased meanwhile, nor a connected
// mail whose postings were erased; none of them holds up the mails after
// it.
func TestResetFlushSkips(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	mm := &memMailer{}
	r := f.runner(t, mm)
	n := NewNotifier(r)
	maria := f.account(t, f.maria, "it", hashOf(t, "la password di Maria"))
	lucia := f.account(t, f.lucia, "it", hashOf(t, "la password di Lucia"))
	john := f.account(t, f.john, "", hashOf(t, "John's password"))

	r.Now = func() time.Time { return testNow.Add(-saperi.ResetTTL) }
	if err := n.PasswordReset(ctx, maria); err != nil { // an hour ago: its link expires now
		t.Fatal(err)
	}
	r.Now = func() time.Time { return testNow }
	if err := n.MatchConnected(ctx, f.matchAhmed); err != nil {
		t.Fatal(err)
	}
	for _, u := range []*saperi.User{lucia, john} {
		if err := n.PasswordReset(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []*saperi.Profile{f.lucia, f.ahmed} {
		if _, err := f.db.EraseProfile(ctx, p.ID, saperi.Event{At: testNow, Actor: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := n.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if len(mm.got) != 1 || mm.got[0].To != "john@example.org" {
		for _, m := range mm.got {
			t.Logf("sent %s to %s", m.Key, m.To)
		}
		t.Fatalf("%d mails sent, want only John's reset", len(mm.got))
	}
	// The erasures took the records of Lucia's reset mail and of the
	// connected mails of Ahmed's match with them; Maria's (expired) and
	// John's remain.
	recs, err := f.db.Sends(ctx, "mail/")
	if err != nil || len(recs) != 2 {
		t.Fatalf("%d records, %v", len(recs), err)
	}
	for _, rec := range recs {
		want := saperi.SendSkipped
		if rec.Kind == saperi.SendReset && rec.To == "john@example.org" {
			want = saperi.SendSent
		}
		if rec.State != want {
			t.Errorf("%s is %s, want %s", rec.Key, rec.State, want)
		}
	}
	if err := n.Flush(ctx); err != nil || len(mm.got) != 1 {
		t.Fatalf("a second flush: %d mails, %v", len(mm.got), err)
	}
}

// TestResetByMail goes the whole way: Maria asks for a new password on
// the web form; the mail arrives at a real SMTP server on loopback; she
// follows its link over real HTTP and sets a new password. Her sessions
// end, the old password stops working, the new one works, and the link
// works only once. An unknown address gets the same answer and no mail;
// too many requests get a translated 429.
func TestResetByMail(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	smtpSrv := digesttest.Start(t)
	mailer, err := NewSMTPMailer(SMTPConfig{Host: smtpSrv.Host, Port: smtpSrv.Port, TLS: "none"}, func() time.Time { return testNow })
	if err != nil {
		t.Fatal(err)
	}
	r := f.runner(t, mailer)
	n := NewNotifier(r)
	svc := service.New(service.Deps{Store: f.db, Index: noIndex{}, Now: func() time.Time { return testNow },
		Connected: n.MatchConnected})
	srv, err := web.New(web.Deps{Service: svc, Store: f.db, Index: noIndex{}, Now: func() time.Time { return testNow },
		LinkSecret: r.secret, Reset: n.PasswordReset})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	r.Config.BaseURL = hs.URL
	done := make(chan struct{})
	go func() { n.Loop(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	const oldPW, newPW = "la vecchia password", "la nuova password di Maria"
	f.account(t, f.maria, "it", hashOf(t, oldPW))
	f.account(t, f.john, "en", hashOf(t, "John's password"))
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	call := func(method, path, ctype, body string, cookie *http.Cookie) (int, string, *http.Response) {
		t.Helper()
		req, err := http.NewRequest(method, hs.URL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		if cookie != nil {
			req.AddCookie(cookie)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp.StatusCode, string(b), resp
	}
	form := func(path string, v url.Values) (int, string, *http.Response) {
		return call("POST", path, "application/x-www-form-urlencoded", v.Encode(), nil)
	}
	login := func(pw string) (int, *http.Cookie) {
		body, _ := json.Marshal(map[string]string{"email": "maria@example.org", "password": pw})
		code, _, resp := call("POST", "/api/v1/auth/login", "application/json", string(body), nil)
		for _, c := range resp.Cookies() {
			if c.Name == web.SessionCookie {
				return code, c
			}
		}
		return code, nil
	}
	waitMails := func(want int) []digesttest.Mail {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for len(smtpSrv.Mails()) < want {
			if time.Now().After(deadline) {
				t.Fatalf("%d mails arrived, want %d", len(smtpSrv.Mails()), want)
			}
			time.Sleep(10 * time.Millisecond)
		}
		return smtpSrv.Mails()
	}

	// Logged in on two devices.
	var sessions []*http.Cookie
	for range 2 {
		code, ck := login(oldPW)
		if code != 200 || ck == nil {
			t.Fatalf("login: %d", code)
		}
		sessions = append(sessions, ck)
	}

	// The login page leads to the form; the form answers.
	if code, page, _ := call("GET", "/login", "", "", nil); code != 200 || !strings.Contains(page, `href="/password/forgot"`) {
		t.Fatalf("login page: %d", code)
	}
	code, known, _ := form("/password/forgot", url.Values{"email": {"maria@example.org"}})
	if code != 200 || !strings.Contains(known, "Se esiste un account per maria@example.org") {
		t.Fatalf("forgot: %d\n%s", code, known)
	}
	ml := waitMails(1)[0]
	if ml.To[0] != "maria@example.org" || !strings.Contains(ml.Header().Get("Subject"), "nuova password") {
		t.Fatalf("mail to %v, subject %q", ml.To, ml.Header().Get("Subject"))
	}
	if ml.Header().Get("List-Unsubscribe") != "" {
		t.Error("the reset mail has a List-Unsubscribe header")
	}
	text, html := parts(t, ml.Raw)
	link := resetRE.FindString(text)
	if link == "" || !strings.Contains(html, link) || !strings.HasPrefix(link, hs.URL+"/password/reset/") {
		t.Fatalf("link %q not in both parts:\n%s", link, text)
	}
	path := strings.TrimPrefix(link, hs.URL)

	// An unknown address: the same page, no mail. John's request after
	// it is the barrier: once his mail is in, a mail for the unknown
	// address would be too.
	code, unknown, _ := form("/password/forgot", url.Values{"email": {"nessuno@example.org"}})
	if code != 200 || strings.ReplaceAll(unknown, "nessuno@example.org", "maria@example.org") != known {
		t.Fatalf("unknown address: %d\n%s", code, unknown)
	}
	if code, _, _ := form("/password/forgot", url.Values{"email": {"john@example.org"}}); code != 200 {
		t.Fatalf("john: %d", code)
	}
	if got := waitMails(2); len(got) != 2 || got[1].To[0] != "john@example.org" {
		t.Fatalf("mails: %v", smtpSrv.PerRecipient())
	}
	if recs, _ := f.db.Sends(ctx, "mail/"); len(recs) != 2 {
		t.Fatalf("%d mail records, want 2", len(recs))
	}

	// GET shows the form and changes nothing; POST sets the password.
	if code, page, _ := call("GET", path, "", "", nil); code != 200 || !strings.Contains(page, `name="password2"`) {
		t.Fatalf("GET link: %d\n%s", code, page)
	}
	if code, _ := login(oldPW); code != 200 {
		t.Fatalf("a GET changed the password: login %d", code)
	}
	code, _, resp := form(path, url.Values{"password": {newPW}, "password2": {newPW}})
	if code != 303 || resp.Header.Get("Location") != "/login?ok=ui.flash.password_reset" {
		t.Fatalf("POST link: %d %v", code, resp.Header)
	}
	for _, ck := range sessions {
		if code, _, _ := call("GET", "/api/v1/me", "", "", ck); code != 401 {
			t.Fatalf("an old session still works: %d", code)
		}
	}
	if code, _ := login(oldPW); code != 401 {
		t.Fatalf("the old password: %d", code)
	}
	code, ck := login(newPW)
	if code != 200 || ck == nil {
		t.Fatalf("the new password: %d", code)
	}
	if code, _, _ := call("GET", "/api/v1/me", "", "", ck); code != 200 {
		t.Fatalf("the new session: %d", code)
	}
	u, err := f.db.UserByEmail(ctx, "maria@example.org")
	if err != nil {
		t.Fatal(err)
	}
	hashAfter := u.PasswordHash

	// The link a second time.
	code, page, _ := call("GET", path, "", "", nil)
	if code != 409 || !strings.Contains(page, "già stato usato") || !strings.Contains(page, `href="/password/forgot"`) {
		t.Fatalf("used link, GET: %d\n%s", code, page)
	}
	if code, page, _ := form(path, url.Values{"password": {"ancora un'altra password"}, "password2": {"ancora un'altra password"}}); code != 409 {
		t.Fatalf("used link, POST: %d\n%s", code, page)
	}
	if u, err := f.db.UserByEmail(ctx, "maria@example.org"); err != nil || u.PasswordHash != hashAfter {
		t.Fatalf("the used link changed the password: %v", err)
	}

	// Too many requests for one address.
	for i := 1; i < saperi.MaxResetsPerEmail; i++ {
		if code, _, _ := form("/password/forgot", url.Values{"email": {"nessuno@example.org"}}); code != 200 {
			t.Fatalf("request %d: %d", i+1, code)
		}
	}
	req, _ := http.NewRequest("POST", hs.URL+"/password/forgot", strings.NewReader("email=nessuno%40example.org"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept-Language", "en")
	resp, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" || !strings.Contains(string(b), "Too many requests for a new password") {
		t.Fatalf("throttled: %d %v\n%s", resp.StatusCode, resp.Header, b)
	}
	if got := len(smtpSrv.Mails()); got != 2 {
		t.Fatalf("%d mails in all, want 2", got)
	}
}
