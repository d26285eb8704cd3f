package web

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/http/httptest"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/digest"
	"github.com/saperi/saperi/locale"
	"github.com/saperi/saperi/service"
)

// outbox is the real mail path of serve without SMTP, in a test: the
// digest notifier over the env's store writes each mail as an .eml file
// into a temporary folder.
type outbox struct {
	tb  testing.TB
	dir string
	n   *digest.Notifier
}

// withMail gives the server the store's link secret and the sign-up mail
// hooks of a real notifier writing to a temporary outbox.
func (e *env) withMail() *outbox {
	e.tb.Helper()
	ctx := context.Background()
	cat, err := locale.New()
	if err != nil {
		e.tb.Fatal(err)
	}
	dir := filepath.Join(e.tb.TempDir(), "outbox")
	clock := func() time.Time { return testNow }
	r := &digest.Runner{Store: e.db, Mailer: &digest.DirMailer{Dir: dir, Now: clock}, T: cat, Now: clock,
		Config: digest.Config{BaseURL: "http://saperi.test"}}
	if err := r.Init(ctx); err != nil {
		e.tb.Fatal(err)
	}
	secret, err := e.db.LinkSecret(ctx)
	if err != nil {
		e.tb.Fatal(err)
	}
	n := digest.NewNotifier(r)
	e.srv.LinkSecret = secret
	e.hooks.signupConfirm, e.hooks.signupTaken = n.SignupConfirm, n.SignupTaken
	return &outbox{tb: e.tb, dir: dir, n: n}
}

// sentMail is one .eml file of the outbox, decoded.
type sentMail struct {
	File, To, Subject, Text string
}

// mails sends what is pending and returns every mail in the outbox, by
// file name.
func (o *outbox) mails() []sentMail {
	o.tb.Helper()
	if err := o.n.Flush(context.Background()); err != nil {
		o.tb.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(o.dir, "*.eml"))
	sort.Strings(files)
	var out []sentMail
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			o.tb.Fatal(err)
		}
		out = append(out, readMail(o.tb, filepath.Base(f), raw))
	}
	return out
}

// to returns the mails to addr.
func (o *outbox) to(addr string) []sentMail {
	o.tb.Helper()
	var out []sentMail
	for _, m := range o.mails() {
		if m.To == addr {
			out = append(out, m)
		}
	}
	return out
}

var confirmRE = regexp.MustCompile(`https?://[^\s/]+(/signup/confirm/[A-Za-z0-9_\-.]+)`)

// confirmPath returns the path of the link in the one confirmation mail
// to addr that the outbox holds (the last one when want > 1).
func (o *outbox) confirmPath(addr string, want int) string {
	o.tb.Helper()
	var got []sentMail
	for _, m := range o.to(addr) {
		if strings.HasPrefix(m.File, "mail_signup_") {
			got = append(got, m)
		}
	}
	if len(got) != want {
		o.tb.Fatalf("%d confirmation mails to %s, want %d: %+v", len(got), addr, want, got)
	}
	m := confirmRE.FindStringSubmatch(got[len(got)-1].Text)
	if m == nil {
		o.tb.Fatalf("no confirmation link in:\n%s", got[len(got)-1].Text)
	}
	return m[1]
}

// readMail decodes an .eml file: recipient, subject, text part.
func readMail(tb testing.TB, name string, raw []byte) sentMail {
	tb.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		tb.Fatal(err)
	}
	to, err := mail.ParseAddress(msg.Header.Get("To"))
	if err != nil {
		tb.Fatalf("%s: To: %v", name, err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		tb.Fatal(err)
	}
	var walk func(ctype, enc string, body io.Reader) string
	walk = func(ctype, enc string, body io.Reader) string {
		mt, params, err := mime.ParseMediaType(ctype)
		if err != nil {
			tb.Fatalf("%s: content type %q: %v", name, ctype, err)
		}
		if strings.HasPrefix(mt, "multipart/") {
			mr := multipart.NewReader(body, params["boundary"])
			for {
				part, err := mr.NextPart()
				if err != nil {
					return ""
				}
				if s := walk(part.Header.Get("Content-Type"), part.Header.Get("Content-Transfer-Encoding"), part); s != "" {
					return s
				}
			}
		}
		if mt != "text/plain" {
			return ""
		}
		switch strings.ToLower(enc) {
		case "quoted-printable":
			body = quotedprintable.NewReader(body)
		case "base64":
			body = base64.NewDecoder(base64.StdEncoding, body)
		}
		b, err := io.ReadAll(body)
		if err != nil {
			tb.Fatal(err)
		}
		return string(b)
	}
	text := walk(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
	return sentMail{File: name, To: to.Address, Subject: subject, Text: text}
}

// signupForm is a valid sign-up at hub for email.
func signupForm(hub uint64, email string) url.Values {
	return url.Values{"kind": {"resident"}, "name": {"Lucia Bianchi"}, "email": {email}, "password": {"una password lunga"},
		"hub_id": {fmt.Sprint(hub)}, "area": {"Aurora"}, "languages": {"it", "fr"}, "consent": {"yes"}}
}

// noSession fails when w sets a session cookie.
func noSession(t *testing.T, w *httptest.ResponseRecorder) {
	t.Helper()
	for _, c := range w.Result().Cookies() {
		if c.Name == SessionCookie {
			t.Fatalf("a session cookie was set: %+v", c)
		}
	}
}

// TestSignupSameAnswer is finding 8: the sign-up form said "an account
// with this email already exists", so anybody could test whether a
// person has an account at a hub. Now a known and an unknown address
// get the same page, byte for byte once the address is swapped; the
// known one gets a mail saying somebody tried (and nothing is created),
// the unknown one a mail with the link that completes the sign-up
// (and nothing is created yet either); nobody is logged in.
func TestSignupSameAnswer(t *testing.T) {
	e := newEnv(t)
	w := e.world()
	ob := e.withMail()
	ctx := context.Background()
	const known, unknown = "maria@example.org", "lucia@example.org"
	maria, err := e.db.UserByEmail(ctx, known)
	if err != nil {
		t.Fatal(err)
	}
	usersBefore, err := e.db.Users(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	profilesBefore, err := e.db.Profiles(ctx, w.hub1.ID, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}

	k := e.post("", "/signup", signupForm(w.hub1.ID, known))
	u := e.post("", "/signup", signupForm(w.hub1.ID, unknown))
	text := sees(t, k, 200, "Ti abbiamo scritto a maria@example.org: apri il link nella mail per completare l'iscrizione", "!Esiste già")
	sees(t, u, 200, "Ti abbiamo scritto a lucia@example.org: apri il link nella mail per completare l'iscrizione")
	if got := strings.ReplaceAll(u.Body.String(), unknown, known); got != k.Body.String() {
		t.Fatalf("the answers differ:\n%s\n---\n%s", visible(got), text)
	}
	if k.Code != u.Code || k.Header().Get("Content-Type") != u.Header().Get("Content-Type") {
		t.Fatalf("status or type differ: %d %q, %d %q", k.Code, k.Header().Get("Content-Type"), u.Code, u.Header().Get("Content-Type"))
	}
	noSession(t, k)
	noSession(t, u)
	sees(t, e.postFrom("192.0.2.9", "/signup", signupForm(w.hub1.ID, "altra@example.org"), "Accept-Language", "en"), 200,
		"We have written to altra@example.org: open the link in the email to complete your sign-up.")

	t.Run("nothing created for the known address, only a pending sign-up for the other", func(t *testing.T) {
		usersAfter, _ := e.db.Users(ctx, "")
		profilesAfter, _ := e.db.Profiles(ctx, w.hub1.ID, 0, 1000)
		if len(usersAfter) != len(usersBefore) || len(profilesAfter) != len(profilesBefore) {
			t.Fatalf("accounts %d → %d, profiles %d → %d", len(usersBefore), len(usersAfter), len(profilesBefore), len(profilesAfter))
		}
		if again, _ := e.db.UserByEmail(ctx, known); again.ID != maria.ID || again.PasswordHash != maria.PasswordHash {
			t.Fatalf("Maria's account changed: %+v", again)
		}
		if _, err := e.db.SignupByEmail(ctx, known); saperi.ErrorCode(err) != saperi.ENOTFOUND {
			t.Fatalf("a pending sign-up for an address with an account: %v", err)
		}
		p, err := e.db.SignupByEmail(ctx, unknown)
		if err != nil {
			t.Fatal(err)
		}
		if p.Profile.Consent.By != saperi.ConsentSelf || p.Profile.Consent.Version != ConsentVersion ||
			!strings.HasPrefix(p.Profile.Consent.Text, "Acconsento") || p.PasswordHash == "" || p.PasswordHash == "una password lunga" {
			t.Fatalf("pending sign-up %+v", p)
		}
	})
	t.Run("one mail to each, of the right kind", func(t *testing.T) {
		toKnown := ob.to(known)
		if len(toKnown) != 1 || !strings.HasPrefix(toKnown[0].File, fmt.Sprintf("mail_signup-taken_%d_", maria.ID)) {
			t.Fatalf("mails to %s: %+v", known, toKnown)
		}
		m := toKnown[0]
		first, _, _ := strings.Cut(maria.Name, " ")
		for _, want := range []string{"Ciao " + first + ",", "ha provato a iscriversi a Saperi con l'indirizzo maria@example.org",
			"non abbiamo creato niente", "accedi qui: http://saperi.test/login", "scegline una nuova qui: http://saperi.test/password/forgot"} {
			if !strings.Contains(m.Text, want) {
				t.Errorf("the mail to %s lacks %q:\n%s", known, want, m.Text)
			}
		}
		if m.Subject != "Saperi: qualcuno ha provato a iscriversi con il tuo indirizzo" || strings.Contains(m.Text, "/signup/confirm/") {
			t.Errorf("mail to %s: %q\n%s", known, m.Subject, m.Text)
		}
		toUnknown := ob.to(unknown)
		if len(toUnknown) != 1 || !strings.HasPrefix(toUnknown[0].File, "mail_signup_") || toUnknown[0].Subject != "Saperi: completa la tua iscrizione" {
			t.Fatalf("mails to %s: %+v", unknown, toUnknown)
		}
		if !confirmRE.MatchString(toUnknown[0].Text) || strings.Contains(toUnknown[0].Text, "Lucia") {
			t.Errorf("the confirmation mail (a link, no name typed by whoever filled the form):\n%s", toUnknown[0].Text)
		}
		if n := len(ob.mails()); n != 3 { // and one to altra@example.org
			t.Errorf("%d mails in the outbox, want 3", n)
		}
	})
	t.Run("the attempt is in Maria's trail", func(t *testing.T) {
		evs, err := e.db.Events(ctx, w.maria.ID, 0, 500)
		if err != nil {
			t.Fatal(err)
		}
		last := evs[len(evs)-1]
		if last.Action != "user.signup_attempt" || last.Actor != "anonymous" || last.Subject != fmt.Sprintf("user/%d", maria.ID) {
			t.Fatalf("audit: %+v", last)
		}
	})
	t.Run("errors of the other fields do not depend on the address", func(t *testing.T) {
		for _, tc := range []struct {
			field, value, want string
		}{{"password", "corta", "almeno 10 caratteri"}, {"phone", "chiamami", "Controlla i campi"}, {"consent", "", "Per iscriverti serve il tuo consenso"}} {
			fk, fu := signupForm(w.hub1.ID, known), signupForm(w.hub1.ID, unknown)
			fk.Set(tc.field, tc.value)
			fu.Set(tc.field, tc.value)
			k := e.postFrom("192.0.2.10", "/signup", fk)
			u := e.postFrom("192.0.2.10", "/signup", fu)
			sees(t, k, 400, tc.want, "[maria@example.org]")
			if strings.ReplaceAll(u.Body.String(), unknown, known) != k.Body.String() || u.Code != k.Code {
				t.Errorf("%s: the answers differ", tc.field)
			}
		}
		if n := len(ob.mails()); n != 3 {
			t.Errorf("a refused form sent mail: %d in the outbox", n)
		}
	})
}

// TestSignupConfirm: the link in the mail completes the sign-up and logs
// the person in, once; before it the address cannot log in; an expired,
// tampered, superseded or foreign link is refused with a translated
// message and creates nothing.
func TestSignupConfirm(t *testing.T) {
	e := newEnv(t)
	var hub saperi.Hub
	e.must(201, "POST", "/api/v1/hubs", map[string]any{"name": "Porta Palazzo", "area": "Aurora",
		"point": map[string]float64{"lat": 45.08, "lon": 7.68}}, &hub)
	ob := e.withMail()
	ctx := context.Background()
	const lucia = "lucia@example.org"
	sees(t, e.post("", "/signup", signupForm(hub.ID, lucia)), 200, "Ti abbiamo scritto a lucia@example.org")
	path := ob.confirmPath(lucia, 1)

	t.Run("before confirming, no login", func(t *testing.T) {
		sees(t, e.post("", "/login", url.Values{"email": {lucia}, "password": {"una password lunga"}}), 401, "Email o password sbagliate")
		if w := e.doAs("", "POST", "/api/v1/auth/login", map[string]string{"email": lucia, "password": "una password lunga"}); w.Code != 401 {
			t.Fatalf("API login: %d", w.Code)
		}
	})
	t.Run("opening the link shows a button and changes nothing", func(t *testing.T) {
		r := e.get("", path)
		sees(t, r, 200, "Completa l'iscrizione", "Stai per creare l'account Saperi di lucia@example.org", "Conferma ed entra")
		if !strings.Contains(r.Body.String(), `<form method="post" action="`+path+`"`) {
			t.Fatal("no form posting to the link")
		}
		if r.Header().Get("Cache-Control") != "no-store" || r.Header().Get("Referrer-Policy") != "no-referrer" {
			t.Fatalf("the page of a link leaks: %v", r.Header())
		}
		if _, err := e.db.UserByEmail(ctx, lucia); saperi.ErrorCode(err) != saperi.ENOTFOUND {
			t.Fatalf("a GET created the account: %v", err)
		}
	})
	var session string
	t.Run("confirming creates the account and logs in", func(t *testing.T) {
		r := e.post("", path, nil)
		if r.Code != 303 || r.Header().Get("Location") != "/me?ok=ui.flash.welcome" {
			t.Fatalf("confirm: %d %v %s", r.Code, r.Header(), visible(r.Body.String()))
		}
		session = sessionOf(t, r)
		sees(t, e.get(session, "/me?ok=ui.flash.welcome"), 200, "Ciao, Lucia Bianchi", "Benvenuta", "Non hai ancora scritto niente")
		u, err := e.db.UserByEmail(ctx, lucia)
		if err != nil {
			t.Fatal(err)
		}
		p, err := e.db.Profile(ctx, u.ProfileID)
		if err != nil {
			t.Fatal(err)
		}
		if u.Role != saperi.RoleResident || p.Consent.By != saperi.ConsentSelf || p.Consent.Version != ConsentVersion ||
			p.Contacts.Email != lucia || p.Point == nil || strings.Join(p.Languages, ",") != "it,fr" {
			t.Fatalf("account %+v, profile %+v", u, p)
		}
		evs, err := e.db.Events(ctx, p.ID, 0, 50)
		if err != nil {
			t.Fatal(err)
		}
		var trail []string
		for _, ev := range evs {
			trail = append(trail, ev.Actor+" "+ev.Action)
		}
		if got := strings.Join(trail, "; "); got != "signup profile.create; signup user.create; link user.signup_confirm" {
			t.Fatalf("trail: %s", got)
		}
		sees(t, e.get(session, "/me"), 200, "La persona, dal link nella mail ha confermato l'indirizzo email e completato l'iscrizione")
		if _, err := e.db.SignupByEmail(ctx, lucia); saperi.ErrorCode(err) != saperi.ENOTFOUND {
			t.Fatalf("the pending sign-up stays: %v", err)
		}
	})
	t.Run("the link works once", func(t *testing.T) {
		sees(t, e.post("", path, nil), 409, "Questo link non funziona", "Questo link è già stato usato", "Iscriviti di nuovo")
		sees(t, e.get("", path), 409, "Questo link è già stato usato")
		sees(t, e.get("", path, "Accept-Language", "en"), 409, "This link has already been used")
		if us, _ := e.db.Users(ctx, saperi.RoleResident); len(us) != 1 {
			t.Fatalf("%d resident accounts", len(us))
		}
		e.login(lucia, "una password lunga")
	})
	t.Run("a tampered link", func(t *testing.T) {
		b := []byte(path)
		i := len(b) - 3
		b[i] = map[bool]byte{true: 'A', false: 'B'}[b[i] != 'A']
		sees(t, e.post("", string(b), nil), 400, "Questo link non è valido")
		sees(t, e.get("", string(b), "Accept-Language", "fr"), 400, "Ce lien n'est pas valide")
	})
	t.Run("an expired link", func(t *testing.T) {
		sees(t, e.post("", "/signup", signupForm(hub.ID, "carla@example.org")), 200)
		p, err := e.db.SignupByEmail(ctx, "carla@example.org")
		if err != nil {
			t.Fatal(err)
		}
		expired := "/signup/confirm/" + saperi.SignLink(e.srv.LinkSecret, saperi.Link{Purpose: saperi.LinkSignup,
			Subject: p.Subject(), Expires: testNow.Add(-time.Second)})
		sees(t, e.post("", expired, nil), 409, "Questo link è scaduto: i link per completare l'iscrizione valgono 24 ore")
		sees(t, e.get("", expired, "Accept-Language", "en"), 409, "This link has expired: links to complete a sign-up work for 24 hours")
		if _, err := e.db.UserByEmail(ctx, "carla@example.org"); saperi.ErrorCode(err) != saperi.ENOTFOUND {
			t.Fatalf("an expired link created the account: %v", err)
		}
		// The same record with a live link still works: only the expiry
		// was refused.
		live := "/signup/confirm/" + saperi.SignLink(e.srv.LinkSecret, saperi.Link{Purpose: saperi.LinkSignup,
			Subject: p.Subject(), Expires: p.Expires})
		if r := e.post("", live, nil); r.Code != 303 {
			t.Fatalf("live link: %d %s", r.Code, visible(r.Body.String()))
		}
	})
	t.Run("a newer sign-up voids the older link", func(t *testing.T) {
		sees(t, e.post("", "/signup", signupForm(hub.ID, "dario@example.org")), 200)
		first := ob.confirmPath("dario@example.org", 1)
		sees(t, e.post("", "/signup", signupForm(hub.ID, "dario@example.org")), 200)
		second := ob.confirmPath("dario@example.org", 2)
		sees(t, e.post("", first, nil), 409, "oppure te ne abbiamo mandato uno più recente")
		if r := e.post("", second, nil); r.Code != 303 {
			t.Fatalf("the newer link: %d %s", r.Code, visible(r.Body.String()))
		}
	})
	t.Run("a link of another kind", func(t *testing.T) {
		u, err := e.db.UserByEmail(ctx, lucia)
		if err != nil {
			t.Fatal(err)
		}
		reset := saperi.SignLink(e.srv.LinkSecret, saperi.Link{Purpose: saperi.LinkReset,
			Subject: saperi.ResetSubject(e.srv.LinkSecret, u), Expires: testNow.Add(time.Hour)})
		sees(t, e.post("", "/signup/confirm/"+reset, nil), 400, "Questo link non è valido")
		forged := saperi.SignLink(e.srv.LinkSecret, saperi.Link{Purpose: saperi.LinkSignup, Subject: "signup/1/not-the-nonce",
			Expires: testNow.Add(time.Hour)})
		sees(t, e.post("", "/signup/confirm/"+forged, nil), 409, "Questo link è già stato usato")
	})
}

// TestSignupWithoutMail: a server that sends no mail cannot confirm an
// address, so its sign-up form says to ask at the desk and takes nothing.
func TestSignupWithoutMail(t *testing.T) {
	e := newEnv(t)
	var hub saperi.Hub
	e.must(201, "POST", "/api/v1/hubs", map[string]any{"name": "Porta Palazzo"}, &hub)
	svc := service.New(service.Deps{Store: e.db, Index: syncIndex{e.ix}, Now: func() time.Time { return testNow }})
	srv, err := New(Deps{Service: svc, Store: e.db, Index: syncIndex{e.ix}, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	e.handler = srv.Handler()
	const closed = "Questo server non invia email, quindi non può confermare il tuo indirizzo"
	sees(t, e.get("", "/signup"), 200, closed, "!Crea il mio account")
	sees(t, e.post("", "/signup", signupForm(hub.ID, "lucia@example.org")), 200, closed, "!Ti abbiamo scritto")
	if _, err := e.db.SignupByEmail(context.Background(), "lucia@example.org"); saperi.ErrorCode(err) != saperi.ENOTFOUND {
		t.Fatalf("a pending sign-up without mail: %v", err)
	}
}
