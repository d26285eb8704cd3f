package digest

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/saperi/saperi"
)

var signupRE = regexp.MustCompile(`https?://[^\s"<>]+/signup/confirm/[A-Za-z0-9_\-.]+`)

// pending stores a pending sign-up for email, made at at, in lang.
func (f *fixture) pending(tb testing.TB, email, nonce, lang string, at time.Time) *saperi.PendingSignup {
	tb.Helper()
	prof := saperi.Profile{Kind: saperi.Resident, Name: "Nuova Persona", HubID: f.hub.ID, Area: "Aurora", Languages: []string{lang},
		Lang: lang, Contacts: saperi.Contacts{Email: email}, Consent: saperi.Consent{Text: "Acconsento", Version: "1", At: at, By: saperi.ConsentSelf}}
	p := &saperi.PendingSignup{Email: email, Nonce: nonce, Profile: prof, Role: saperi.RoleResident, PasswordHash: "h",
		Created: at, Expires: at.Add(saperi.SignupTTL)}
	if err := f.db.CreateSignup(context.Background(), p, saperi.Event{At: at, Actor: "anonymous", Action: "signup.request"}); err != nil {
		tb.Fatal(err)
	}
	return p
}

// TestSignupMailsGolden renders the two sign-up mails: the confirmation
// (in the language chosen on the form, with a link that names the
// pending sign-up and expires with it, and no name, since whoever filled
// the form typed it) and "somebody tried to sign up with your address"
// (in the account's language, with the ways in and no link that acts).
func TestSignupMailsGolden(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	r := f.runner(t, nil)
	n := NewNotifier(r)
	p := f.pending(t, "nuova@example.org", "fixed-nonce", "it", testNow)
	if err := n.SignupConfirm(ctx, p); err != nil {
		t.Fatal(err)
	}
	recs, err := f.db.Sends(ctx, "mail/signup/")
	if err != nil || len(recs) != 1 || recs[0].Kind != saperi.SendSignup || recs[0].To != p.Email || recs[0].Lang != "it" {
		t.Fatalf("records %+v, %v", recs, err)
	}
	m, err := n.signup(ctx, recs[0])
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "signup.it.html", m.HTML)
	golden(t, "signup.it.txt", "Subject: "+m.Subject+"\n\n"+m.Text)
	link := signupRE.FindString(m.Text)
	if link == "" || !strings.Contains(m.HTML, link) || strings.Contains(m.Text, "Nuova Persona") {
		t.Fatalf("link %q; text:\n%s", link, m.Text)
	}
	l, err := saperi.VerifyLink(r.secret, link[strings.LastIndex(link, "/")+1:], testNow)
	if err != nil || l.Purpose != saperi.LinkSignup || l.Subject != p.Subject() || !l.Expires.Equal(p.Expires) {
		t.Fatalf("link %+v, %v", l, err)
	}

	john := f.account(t, f.john, "", hashOf(t, "John's password"))
	if err := n.SignupTaken(ctx, john); err != nil {
		t.Fatal(err)
	}
	recs, err = f.db.Sends(ctx, "mail/signup-taken/")
	if err != nil || len(recs) != 1 || recs[0].Kind != saperi.SendSignupTaken || recs[0].To != john.Email || recs[0].Lang != "en" {
		t.Fatalf("records %+v, %v", recs, err)
	}
	m, err = n.signupTaken(ctx, recs[0])
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "signup_taken.en.html", m.HTML)
	golden(t, "signup_taken.en.txt", "Subject: "+m.Subject+"\n\n"+m.Text)
	if strings.Contains(m.Text, "/l/") || strings.Contains(m.Text, "/password/reset/") || strings.Contains(m.Text, "/signup/confirm/") {
		t.Fatalf("the mail to an account carries a link that acts:\n%s", m.Text)
	}
}

// TestSignupFlushSkips: a confirmation mail whose pending sign-up was
// replaced, erased with the person, or has expired is not sent; the mail
// of the newer sign-up is.
func TestSignupFlushSkips(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	mm := &memMailer{}
	r := f.runner(t, mm)
	n := NewNotifier(r)
	for _, p := range []*saperi.PendingSignup{
		f.pending(t, "twice@example.org", "first", "it", testNow),
		f.pending(t, "twice@example.org", "second", "it", testNow),
		f.pending(t, "old@example.org", "old", "it", testNow.Add(-saperi.SignupTTL)),
		f.pending(t, f.maria.Contacts.Email, "maria", "it", testNow),
	} {
		if err := n.SignupConfirm(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.db.EraseProfile(ctx, f.maria.ID, saperi.Event{At: testNow, Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	if err := n.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if len(mm.got) != 1 || mm.got[0].To != "twice@example.org" || !strings.Contains(mm.got[0].Text, "/signup/confirm/") {
		t.Fatalf("sent %d mails: %+v", len(mm.got), mm.got)
	}
	recs, err := f.db.Sends(ctx, "mail/signup/")
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]saperi.SendState{}
	for _, rec := range recs {
		states[rec.To+" "+rec.Key] = rec.State
	}
	if len(recs) != 3 {
		t.Fatalf("records %v (the erased person's should be gone)", states)
	}
	for k, st := range states {
		if strings.HasPrefix(k, "maria@") {
			t.Errorf("the erased person's record survived: %s", k)
		}
		if st != saperi.SendSent && st != saperi.SendSkipped {
			t.Errorf("%s: %s", k, st)
		}
	}
}
