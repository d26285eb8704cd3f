package web

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/saperi/saperi"
)

// TestUIPersonLanguage: the language a person reads is chosen at sign-up,
// by the operator who registers a walk-in, and later on /me or at the
// desk; it is stored on the profile (the digests read it) and on the
// account (the pages read it at login).
func TestUIPersonLanguage(t *testing.T) {
	e := newEnv(t)
	w := e.world()
	ob := e.withMail()
	ctx := context.Background()
	lang := func(t *testing.T, profileID uint64) (string, []string) {
		t.Helper()
		p, err := e.db.Profile(ctx, profileID)
		if err != nil {
			t.Fatal(err)
		}
		us, err := e.db.ProfileUsers(ctx, profileID)
		if err != nil {
			t.Fatal(err)
		}
		var accounts []string
		for _, u := range us {
			accounts = append(accounts, u.Lang)
		}
		return p.Lang, accounts
	}

	t.Run("sign-up offers the language being read, and keeps the one chosen", func(t *testing.T) {
		page := e.get("", "/signup?lang=ar").Body.String()
		if !strings.Contains(page, `<option value="ar" lang="ar" selected>العربية</option>`) {
			t.Fatal("the sign-up form does not offer the language being read")
		}
		f := url.Values{"kind": {"resident"}, "name": {"Amal Haddad"}, "email": {"amal@example.org"}, "password": {"una password lunga"},
			"hub_id": {fmt.Sprint(w.hub1.ID)}, "area": {"Aurora"}, "languages": {"ar", "fr"}, "lang": {"ar"}, "consent": {"yes"}}
		sees(t, e.postWith("", "/signup", f, "Accept-Language", "ar"), 200, "كتبنا إليك على amal@example.org")
		m := ob.to("amal@example.org")
		if len(m) != 1 || m[0].Subject != "Saperi: أكمل تسجيلك" {
			t.Fatalf("the confirmation mail is not in Arabic: %+v", m)
		}
		r := e.post("", ob.confirmPath("amal@example.org", 1), nil)
		if r.Code != 303 {
			t.Fatalf("confirm: %d %s", r.Code, visible(r.Body.String()))
		}
		amal := sessionOf(t, r)
		u, err := e.db.UserByEmail(ctx, "amal@example.org")
		if err != nil {
			t.Fatal(err)
		}
		if p, accounts := lang(t, u.ProfileID); p != "ar" || strings.Join(accounts, ",") != "ar" {
			t.Fatalf("profile lang %q, accounts %v", p, accounts)
		}
		// Logged in, with no cookie and an Italian browser, her pages are
		// in Arabic, right to left.
		me := e.get(amal, "/me", "Accept-Language", "it")
		sees(t, me, 200, "مرحبًا، Amal Haddad")
		if !strings.Contains(me.Body.String(), `<html lang="ar" dir="rtl">`) {
			t.Fatal("her page is not Arabic, right to left")
		}
	})

	t.Run("the person changes it on /me", func(t *testing.T) {
		maria := w.cast[maria].auth
		sees(t, e.get(maria, "/me"), 200, "Lingua delle pagine e delle email")
		r := e.post(maria, "/me/lang", url.Values{"lang": {"es"}})
		if r.Code != 303 || r.Header().Get("Location") != "/me?ok=ui.flash.lang_saved" {
			t.Fatalf("me/lang: %d %v", r.Code, r.Header())
		}
		if p, accounts := lang(t, w.maria.ID); p != "es" || strings.Join(accounts, ",") != "es" {
			t.Fatalf("profile lang %q, accounts %v", p, accounts)
		}
		sees(t, e.get(maria, "/me?ok=ui.flash.lang_saved"), 200, "Idioma guardado.", "Hola, Maria Rossi")
		sees(t, e.post(maria, "/me/lang", url.Values{"lang": {"xx"}}), 400)
		if p, _ := lang(t, w.maria.ID); p != "es" {
			t.Fatalf("an unknown language was stored: %q", p)
		}
	})

	var rosaPage string
	t.Run("the operator chooses it for a walk-in", func(t *testing.T) {
		op := w.opMaria
		f := url.Values{"name": {"Olena Kovalenko"}, "area": {"Aurora"}, "languages": {"uk", "it"}, "lang": {"uk"},
			"consent_text": {"Letto a voce."}, "consent": {"yes"}}
		r := e.post(op, "/desk/people/new", f)
		if r.Code != 303 {
			t.Fatalf("register: %d %s", r.Code, visible(r.Body.String()))
		}
		rosaPage = strings.Split(r.Header().Get("Location"), "?")[0]
		var id uint64
		fmt.Sscanf(strings.TrimPrefix(rosaPage, "/desk/people/"), "%d", &id)
		if p, _ := lang(t, id); p != "uk" {
			t.Fatalf("walk-in lang = %q", p)
		}
		if page := e.get(op, rosaPage).Body.String(); !strings.Contains(page, `<option value="uk" lang="uk" selected>Українська</option>`) {
			t.Fatal("the person's page does not show her language")
		}
	})

	t.Run("the operator changes it at the desk, within their hub only", func(t *testing.T) {
		sees(t, e.post(w.cast[op2].auth, rosaPage+"/lang", url.Values{"lang": {"fr"}}), 403)
		r := e.post(w.opMaria, rosaPage+"/lang", url.Values{"lang": {"fr"}})
		if r.Code != 303 {
			t.Fatalf("desk lang: %d %s", r.Code, visible(r.Body.String()))
		}
		var id uint64
		fmt.Sscanf(strings.TrimPrefix(rosaPage, "/desk/people/"), "%d", &id)
		if p, _ := lang(t, id); p != "fr" {
			t.Fatalf("lang after the desk changed it = %q", p)
		}
		evs, err := e.db.Events(ctx, id, 0, 500)
		if err != nil {
			t.Fatal(err)
		}
		if last := evs[len(evs)-1]; last.Action != "profile.lang" || !strings.HasPrefix(last.Actor, "operator/") {
			t.Fatalf("not audited: %+v", last)
		}
	})

	t.Run("the API reads and writes it", func(t *testing.T) {
		var p profileView
		e.must(200, "PATCH", fmt.Sprintf("/api/v1/profiles/%d", w.carla.ID), map[string]any{"lang": "ro"}, &p)
		if p.Lang != "ro" {
			t.Fatalf("PATCH lang: %+v", p)
		}
		r := e.do("PATCH", fmt.Sprintf("/api/v1/profiles/%d", w.carla.ID), map[string]any{"lang": "Romanian"})
		if r.Code != 400 {
			t.Fatalf("a bad lang: %d", r.Code)
		}
	})
}

// TestLinkPageInPersonsLanguage: the page a mail's link opens speaks the
// language the mail was written in (the person's), unless the reader
// chose another one.
func TestLinkPageInPersonsLanguage(t *testing.T) {
	e := newEnv(t).withSecret()
	f := e.fixture()
	var p profileView
	e.must(200, "PATCH", fmt.Sprintf("/api/v1/profiles/%d", f.maria.ID), map[string]any{"lang": "ar"}, &p)
	m, err := saperi.NewMatch(&f.need, &f.offer, saperi.Scored{Score: 0.7}, saperi.ByEngine, "engine", testNow)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.CreateMatch(t.Context(), m, saperi.Event{At: testNow, Actor: "engine"}); err != nil {
		t.Fatal(err)
	}
	accept := "/l/" + saperi.SignLink(testSecret, saperi.Link{Purpose: saperi.LinkAccept,
		Subject: fmt.Sprintf("match/%d/need", m.ID), Expires: testNow.Add(time.Hour)})
	for _, tc := range []struct{ path, lang, html, want string }{
		{accept, "", `<html lang="ar" dir="rtl">`, "هل تقبل الاقتراح؟"},
		{accept, "en-GB,en", `<html lang="ar" dir="rtl">`, "هل تقبل الاقتراح؟"},
		{accept + "?lang=it", "", `<html lang="it" dir="ltr">`, "Accetti la proposta?"},
	} {
		w := e.do("GET", tc.path, nil, "Accept-Language", tc.lang)
		if body := w.Body.String(); w.Code != 200 || !strings.Contains(body, tc.html) || !strings.Contains(body, tc.want) {
			t.Errorf("%s (%s): %d\n%s", tc.path, tc.lang, w.Code, body)
		}
	}
}
