package digest

import (
	"context"
	"strings"
	"testing"

	"github.com/saperi/saperi"
)

// TestDigestInChosenLanguage: a person's digest comes in the language they
// chose (Profile.Lang, at sign-up or at the desk) before the ones they
// speak, and an Arabic mail runs right to left.
func TestDigestInChosenLanguage(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	set := func(p *saperi.Profile, lang, email string) {
		t.Helper()
		if _, err := f.db.UpdateProfile(ctx, p.ID, func(p *saperi.Profile) error {
			p.Lang = lang
			if email != "" {
				p.Contacts.Email = email
			}
			return nil
		}, saperi.Event{At: testNow, Actor: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	set(f.ahmed, "ar", "ahmed@example.org") // speaks ar, fr
	set(f.john, "fr", "")                   // speaks en, it: chose French
	r := f.runner(t, nil)
	snap, err := Load(ctx, f.db)
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := r.Compose(ctx, snap, testWeek)
	if err != nil {
		t.Fatal(err)
	}
	byTo := map[string]*Message{}
	for _, m := range msgs {
		byTo[m.To] = m
	}
	ahmed, john, maria := byTo["ahmed@example.org"], byTo["john@example.org"], byTo["maria@example.org"]
	if ahmed == nil || john == nil || maria == nil {
		t.Fatalf("mails to %v", byTo)
	}
	golden(t, "personal.ar.html", ahmed.HTML)
	golden(t, "personal.ar.txt", "Subject: "+ahmed.Subject+"\n\n"+ahmed.Text)
	if !strings.Contains(ahmed.HTML, `<html lang="ar" dir="rtl">`) || !strings.Contains(ahmed.HTML, `<div dir="rtl"`) {
		t.Error("the Arabic mail does not run right to left")
	}
	if want := "Saperi: اقتراحات هذا الأسبوع لك"; ahmed.Subject != want {
		t.Errorf("Ahmed's subject = %q, want %q", ahmed.Subject, want)
	}
	if want := "Saperi : vos propositions de la semaine"; john.Subject != want {
		t.Errorf("John chose French; subject = %q", john.Subject)
	}
	if !strings.Contains(maria.HTML, `<html lang="it" dir="ltr">`) {
		t.Error("Maria's mail is not Italian, left to right")
	}
}
