package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/saperi/saperi/locale"
)

// get fetches a page as auth and returns the answer.
func (e *env) get(auth, path string, hdr ...string) *httptest.ResponseRecorder {
	e.tb.Helper()
	return e.doAs(auth, "GET", path, nil, hdr...)
}

// post submits a form as auth.
func (e *env) post(auth, path string, form url.Values) *httptest.ResponseRecorder {
	e.tb.Helper()
	return e.postWith(auth, path, form)
}

// sees fails unless the page answered code and shows every want (the text
// a person reads, tags stripped) and none of the not.
func sees(t *testing.T, w *httptest.ResponseRecorder, code int, want ...string) string {
	t.Helper()
	text := visible(w.Body.String())
	if w.Code != code {
		t.Fatalf("status %d, want %d: %s", w.Code, code, text)
	}
	for _, s := range want {
		if strings.HasPrefix(s, "!") {
			if strings.Contains(text, s[1:]) {
				t.Errorf("page shows %q:\n%s", s[1:], text)
			}
			continue
		}
		if !strings.Contains(text, s) {
			t.Errorf("page lacks %q:\n%s", s, text)
		}
	}
	return text
}

var tagRE = regexp.MustCompile(`(?s)<[^>]*>`)
var spaceRE = regexp.MustCompile(`\s+`)

// visible is the page's text with tags stripped and spaces collapsed;
// the values of inputs are kept as [value].
func visible(html string) string {
	html = regexp.MustCompile(`<input[^>]*value="([^"]*)"[^>]*>`).ReplaceAllString(html, " [$1] ")
	s := tagRE.ReplaceAllString(html, " ")
	s = strings.NewReplacer("&#39;", "'", "&amp;", "&", "&lt;", "<", "&gt;", ">", "&#34;", `"`, "&quot;", `"`).Replace(s)
	return strings.TrimSpace(spaceRE.ReplaceAllString(s, " "))
}

func sessionOf(t *testing.T, w *httptest.ResponseRecorder) string {
	t.Helper()
	for _, c := range w.Result().Cookies() {
		if c.Name == SessionCookie && c.Value != "" {
			return c.Value
		}
	}
	t.Fatalf("no session cookie: %v", w.Header())
	return ""
}

func TestUILandingAndLanguage(t *testing.T) {
	e := newEnv(t)
	sees(t, e.get("", "/"), 200, "Offro", "Cerco", "Iscriviti", "Passa in portineria")
	w := e.get("", "/?lang=en")
	sees(t, w, 200, "I offer", "I need", "Sign up")
	var langCk *http.Cookie
	for _, c := range w.Result().Cookies() {
		if c.Name == langCookie {
			langCk = c
		}
	}
	if langCk == nil || langCk.Value != "en" {
		t.Fatal("the language switch is not remembered")
	}
	sees(t, e.get("", "/", "Accept-Language", "en-GB,en;q=0.9"), 200, "I offer")
	sees(t, e.get("", "/nowhere"), 404, "Questa pagina non esiste")
	if !strings.Contains(e.get("", "/").Body.String(), `<html lang="it" dir="ltr">`) {
		t.Fatal("no lang attribute")
	}
	if w := e.get("", "/static/saperi.css"); w.Code != 200 || !strings.Contains(w.Body.String(), "focus-visible") {
		t.Fatalf("css: %d", w.Code)
	}
}

// TestUILanguages: every language of the catalogs has its pages, Arabic
// runs right to left, and the switcher names each language in itself.
func TestUILanguages(t *testing.T) {
	e := newEnv(t)
	has := func(t *testing.T, body string, want ...string) {
		t.Helper()
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Errorf("page lacks %s", w)
			}
		}
	}
	for _, tc := range []struct{ lang, html, offer string }{
		{"fr", `<html lang="fr" dir="ltr">`, "Je propose"},
		{"ar", `<html lang="ar" dir="rtl">`, "أعرض"},
		{"ro", `<html lang="ro" dir="ltr">`, "Ofer"},
		{"uk", `<html lang="uk" dir="ltr">`, "Пропоную"},
		{"es", `<html lang="es" dir="ltr">`, "Ofrezco"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			w := e.get("", "/?lang="+tc.lang)
			sees(t, w, 200, tc.offer)
			has(t, w.Body.String(), tc.html, `aria-current="true">`+locale.Name(tc.lang)+`</a>`)
			if got := w.Header().Get("Content-Language"); got != tc.lang {
				t.Errorf("Content-Language = %q", got)
			}
		})
	}
	// The switcher lists every language by its own name, each marked
	// with its language (so a screen reader says "Français" in French).
	has(t, e.get("", "/").Body.String(), `<a href="?lang=ar" lang="ar" hreflang="ar" dir="rtl">العربية</a>`,
		`<a href="?lang=uk" lang="uk" hreflang="uk" dir="ltr">Українська</a>`,
		`<a href="?lang=es" lang="es" hreflang="es" dir="ltr">Español</a>`)
	// The standalone pages carry the direction too.
	has(t, e.get("", "/l/nonsense?lang=ar").Body.String(), `<html lang="ar" dir="rtl">`)
}

func TestUISignupAndLogin(t *testing.T) {
	e := newEnv(t)
	ob := e.withMail()
	var hub struct{ ID uint64 }
	e.must(201, "POST", "/api/v1/hubs", map[string]any{"name": "Porta Palazzo", "area": "Aurora",
		"point": map[string]float64{"lat": 45.08, "lon": 7.68}}, &hub)
	sees(t, e.get("", "/signup"), 200, "Porta Palazzo", "Acconsento che Saperi", "Ho letto e acconsento")
	form := url.Values{"kind": {"resident"}, "name": {"Lucia Bianchi"}, "email": {"lucia@example.org"},
		"password": {"una password lunga"}, "hub_id": {fmt.Sprint(hub.ID)}, "area": {"Aurora"}, "languages": {"it", "fr"}}

	t.Run("without consent the form comes back, as typed", func(t *testing.T) {
		w := e.post("", "/signup", form)
		text := sees(t, w, 400, "Controlla i campi", "Per iscriverti serve il tuo consenso", "[Lucia Bianchi]", "[lucia@example.org]")
		if strings.Contains(w.Body.String(), "una password lunga") {
			t.Fatal("the password is echoed back")
		}
		_ = text
		if !strings.Contains(w.Body.String(), `id="lang-fr" name="languages" value="fr" checked`) {
			t.Fatal("ticked languages are lost")
		}
	})
	t.Run("a short password is refused", func(t *testing.T) {
		f := cloneValues(form)
		f.Set("consent", "yes")
		f.Set("password", "corta")
		sees(t, e.post("", "/signup", f), 400, "almeno 10 caratteri", "[Lucia Bianchi]")
	})
	var lucia string
	t.Run("signs up, follows the mailed link, consent recorded, logged in", func(t *testing.T) {
		f := cloneValues(form)
		f.Set("consent", "yes")
		sees(t, e.post("", "/signup", f), 200, "Ti abbiamo scritto a lucia@example.org")
		w := e.post("", ob.confirmPath("lucia@example.org", 1), nil)
		if w.Code != 303 || w.Header().Get("Location") != "/me?ok=ui.flash.welcome" {
			t.Fatalf("confirm: %d %s", w.Code, visible(w.Body.String()))
		}
		lucia = sessionOf(t, w)
		sees(t, e.get(lucia, "/me?ok=ui.flash.welcome"), 200, "Ciao, Lucia Bianchi", "Benvenuta", "Non hai ancora scritto niente")
		var prof profileView
		e.must(200, "GET", "/api/v1/profiles/1", nil, &prof)
		if prof.Consent.By != "self" || prof.Consent.Version != ConsentVersion || !strings.HasPrefix(prof.Consent.Text, "Acconsento") || prof.Point == nil {
			t.Fatalf("consent/point: %+v", prof)
		}
		// Signing up again with the address answers as for any address,
		// and mails the account instead.
		sees(t, e.post("", "/signup", f), 200, "Ti abbiamo scritto a lucia@example.org", "!Esiste già un account")
		if got := ob.to("lucia@example.org"); len(got) != 2 || !strings.HasPrefix(got[0].File, "mail_signup-taken_") ||
			!strings.HasPrefix(got[1].File, "mail_signup_") {
			t.Fatalf("mails to lucia: %+v", got)
		}
	})
	t.Run("login: wrong password, then right", func(t *testing.T) {
		sees(t, e.post("", "/login", url.Values{"email": {"lucia@example.org"}, "password": {"sbagliata!!"}}), 401,
			"Email o password sbagliate", "[lucia@example.org]")
		w := e.post("", "/login", url.Values{"email": {"lucia@example.org"}, "password": {"una password lunga"}, "next": {"/matches"}})
		if w.Code != 303 || w.Header().Get("Location") != "/matches" {
			t.Fatalf("login: %d %v", w.Code, w.Header())
		}
		w = e.post("", "/login", url.Values{"email": {"lucia@example.org"}, "password": {"una password lunga"}, "next": {"//evil.example"}})
		if w.Header().Get("Location") != "/me" {
			t.Fatalf("open redirect: %v", w.Header())
		}
	})
	t.Run("pages need a login", func(t *testing.T) {
		for _, p := range []string{"/me", "/matches", "/desk", "/admin", "/postings/new"} {
			w := e.get("", p)
			if w.Code != 303 || !strings.HasPrefix(w.Header().Get("Location"), "/login?next=") {
				t.Errorf("%s anonymous: %d %v", p, w.Code, w.Header())
			}
		}
	})
	t.Run("logout everywhere", func(t *testing.T) {
		other := e.login("lucia@example.org", "una password lunga")
		if w := e.post(lucia, "/logout-all", nil); w.Code != 303 {
			t.Fatalf("logout-all: %d", w.Code)
		}
		if w := e.get(other, "/me"); w.Code != 303 {
			t.Fatal("another session survived")
		}
	})
	t.Run("cross-site form post is refused", func(t *testing.T) {
		req := httptest.NewRequest("POST", "/login", strings.NewReader("email=x"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		req.Header.Set("Origin", "https://evil.example")
		w := httptest.NewRecorder()
		e.handler.ServeHTTP(w, req)
		if w.Code != 403 {
			t.Fatalf("cross-site: %d", w.Code)
		}
	})
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// TestUIDeskJourney walks the journey through the pages: a walk-in
// registered at the desk, a need on her behalf, the candidates with their
// reasons, a proposal, both sides accept, and only then the contacts.
func TestUIDeskJourney(t *testing.T) {
	e := newEnv(t)
	w := e.world()
	op := w.opMaria
	ahmedAuth := w.cast[ahmed].auth

	t.Run("desk: empty search, forbidden for residents", func(t *testing.T) {
		sees(t, e.get(op, "/desk?q=Nessuno"), 200, "Sportello · Porta Palazzo", "Nessuno con questo nome", "Registra una persona",
			"Cerco aiuto con il computer")
		w := e.get(w.cast[carla].auth, "/desk")
		sees(t, w, 403, "Il tuo account non può fare questa operazione")
		sees(t, e.get(op, "/admin"), 403, "Non consentito")
	})
	var rosaPage string
	t.Run("walk-in without email: validation, then registered", func(t *testing.T) {
		sees(t, e.get(op, "/desk/people/new"), 200, "email e telefono non sono obbligatori", "Ho letto a voce", "Lingue che parla")
		f := url.Values{"name": {"Rosa Esposito"}, "area": {"Aurora"}, "languages": {"it"}, "consent_text": {"Letto a voce: i dati servono a trovare aiuto."}}
		sees(t, e.post(op, "/desk/people/new", f), 400, "Serve il consenso della persona", "[Rosa Esposito]")
		f.Set("consent", "yes")
		r := e.post(op, "/desk/people/new", f)
		if r.Code != 303 {
			t.Fatalf("register: %d %s", r.Code, visible(r.Body.String()))
		}
		rosaPage = strings.Split(r.Header().Get("Location"), "?")[0]
		sees(t, e.get(op, rosaPage), 200, "Rosa Esposito", "dato a voce, registrato da Utente op1@example.org (sportello di Porta Palazzo)",
			"Scrivi una richiesta a suo nome", "Nessuna offerta o richiesta", "ha registrato il profilo", "!operator/", "!profile.create",
			"Le sue proposte", "Aurora · italiano")
		sees(t, e.get(w.cast[op2].auth, rosaPage), 403)
		if r := e.get(op, rosaPage+"/export"); r.Code != 200 || !strings.Contains(r.Body.String(), "Rosa Esposito") {
			t.Fatalf("export at the desk: %d", r.Code)
		}
		sees(t, e.post(w.cast[op2].auth, rosaPage+"/erase", url.Values{"confirm": {"yes"}}), 403)
	})
	rosaID := strings.TrimPrefix(rosaPage, "/desk/people/")
	var needPage string
	t.Run("need on her behalf: validation keeps the text, then posted", func(t *testing.T) {
		sees(t, e.get(op, "/postings/new?kind=need&profile="+rosaID), 200, "Stai scrivendo a nome di Rosa Esposito")
		f := url.Values{"kind": {"need"}, "profile_id": {rosaID}, "title": {"x"}, "description": {"Mi serve aiuto con la posta elettronica del computer."},
			"category": {"digitale"}, "days": {"2"}, "from": {"09:00"}, "to": {"12:00"}, "mode": {"in_person"}, "area": {"Aurora"}}
		r := e.post(op, "/postings/new", f)
		sees(t, r, 400, "almeno 2 caratteri", "Mi serve aiuto con la posta elettronica")
		if !strings.Contains(r.Body.String(), `id="day-2" name="days" value="2" checked`) {
			t.Fatal("ticked days are lost")
		}
		f.Set("title", "Cerco aiuto con computer e posta elettronica")
		r = e.post(op, "/postings/new", f)
		if r.Code != 303 {
			t.Fatalf("post: %d %s", r.Code, visible(r.Body.String()))
		}
		sees(t, e.get(op, rosaPage), 200, "Richiesta Cerco aiuto con computer e posta elettronica", "!Cerco: Cerco",
			"ha pubblicato la richiesta «Cerco aiuto con computer e posta elettronica»", "aperta", "!aperto")
		m := regexp.MustCompile(`href="(/desk/postings/\d+)"`).FindStringSubmatch(e.get(op, rosaPage).Body.String())
		needPage = m[1]
		var evs struct {
			Items []struct{ Actor, Action string }
		}
		e.must(200, "GET", "/api/v1/events?profile_id="+rosaID, nil, &evs)
		if last := evs.Items[len(evs.Items)-1]; last.Action != "posting.create" || !strings.HasPrefix(last.Actor, "operator/") {
			t.Fatalf("not audited on her behalf: %+v", evs.Items)
		}
	})
	t.Run("candidates with reasons; propose", func(t *testing.T) {
		// Ahmed is a person of another hub (Barriera, which shares its
		// postings): the desk sees his offer, not his name.
		text := sees(t, e.get(op, needPage), 200, "Chi potrebbe rispondere", "Aiuto con computer e posta elettronica",
			"una persona della portineria Barriera", "!Ahmed Benali", "Ancora nessuna proposta")
		if !strings.Contains(text, "stesso bisogno: usare il computer") {
			t.Errorf("no reasons in plain words: %s", text)
		}
		m := regexp.MustCompile(`name="need_id" value="(\d+)"><input type="hidden" name="offer_id" value="(\d+)">`).FindStringSubmatch(e.get(op, needPage).Body.String())
		r := e.post(op, "/desk/propose", url.Values{"need_id": {m[1]}, "offer_id": {m[2]}, "back": {m[1]}})
		if r.Code != 303 {
			t.Fatalf("propose: %d %s", r.Code, visible(r.Body.String()))
		}
		// The card says what was proposed to whom, and the desk of the
		// need's side sees only the buttons it may use.
		sees(t, e.get(op, needPage), 200, "«Aiuto con computer e posta elettronica» per «Cerco aiuto con computer e posta elettronica»",
			"Chi offre: una persona della portineria Barriera", "Chi cerca: Rosa Esposito", "proposta da Utente op1@example.org (sportello di Porta Palazzo)",
			"Accetta per chi cerca", "!Accetta per chi offre", "Tentativo di contatto", "!maria@example.org", "!Proposta 1")
	})
	var matchID string
	t.Run("the offer side sees the proposal with reasons, no contacts yet", func(t *testing.T) {
		r := e.get(ahmedAuth, "/matches")
		sees(t, r, 200, "Cerco aiuto con computer e posta elettronica", "Perché te lo proponiamo", "Accetto", "No, grazie", "!Contatti")
		all := regexp.MustCompile(`/matches/(\d+)/answer`).FindAllStringSubmatch(r.Body.String(), -1)
		matchID = all[len(all)-1][1] // the newest card: Rosa's need
		if e := e.post(ahmedAuth, "/matches/"+matchID+"/answer", url.Values{"action": {"accept"}}); e.Code != 303 {
			t.Fatalf("accept: %d %s", e.Code, visible(e.Body.String()))
		}
		sees(t, e.get(ahmedAuth, "/matches"), 200, "Hai accettato. Quando accetta anche l'altra persona", "!Rosa Esposito")
		sees(t, e.post(w.cast[carla].auth, "/matches/"+matchID+"/answer", url.Values{"action": {"accept"}}), 403)
	})
	t.Run("contact attempt, then the desk accepts for Rosa: contacts appear", func(t *testing.T) {
		back := strings.TrimPrefix(needPage, "/desk/postings/")
		r := e.post(op, "/desk/matches/"+matchID, url.Values{"action": {"contact"}, "side": {"need"}, "outcome": {"reached"}, "note": {"Contenta, accetta"}, "back": {back}})
		if r.Code != 303 {
			t.Fatalf("contact: %d %s", r.Code, visible(r.Body.String()))
		}
		r = e.post(op, "/desk/matches/"+matchID, url.Values{"action": {"accept"}, "side": {"need"}, "back": {back}})
		if r.Code != 303 {
			t.Fatalf("accept for Rosa: %d %s", r.Code, visible(r.Body.String()))
		}
		sees(t, e.get(op, needPage), 200, "in contatto", "ha risposto", "Contenta, accetta", "ahmed@example.org")
		sees(t, e.get(ahmedAuth, "/matches"), 200, "Contatti", "Rosa Esposito", "contattatevi tramite la portineria")
	})
	t.Run("Rosa asks the desk to erase her data", func(t *testing.T) {
		sees(t, e.post(op, rosaPage+"/erase", nil), 400, "spunta la casella di conferma")
		r := e.post(op, rosaPage+"/erase", url.Values{"confirm": {"yes"}})
		if r.Code != 303 {
			t.Fatalf("erase at the desk: %d %s", r.Code, visible(r.Body.String()))
		}
		sees(t, e.get(op, rosaPage), 404)
		sees(t, e.get(ahmedAuth, "/matches"), 200, "ritirata", "!Rosa Esposito")
	})
}

func TestUIResidentPages(t *testing.T) {
	e := newEnv(t)
	w := e.world()
	carla := w.cast[carla].auth
	sees(t, e.get(carla, "/matches"), 200, "Ancora nessuna proposta", "Offro qualcosa")
	sees(t, e.get(carla, "/me"), 200, "Ciao, Carla Neri", "Non hai ancora scritto niente", "Scarica i miei dati")
	t.Run("offer form: validation and success", func(t *testing.T) {
		sees(t, e.get(carla, "/postings/new?kind=offer"), 200, "Cosa offri, in poche parole", "martedì", "Di persona")
		f := url.Values{"kind": {"offer"}, "title": {"Ripetizioni di francese"}, "category": {"lingue"}, "mode": {"either"},
			"expires": {"2020-01-01"}, "from": {"09:00"}, "to": {"12:00"}}
		sees(t, e.post(carla, "/postings/new", f), 400, "scadenza", "[Ripetizioni di francese]")
		f.Set("expires", "2027-01-31")
		if r := e.post(carla, "/postings/new", f); r.Code != 303 {
			t.Fatalf("post: %d %s", r.Code, visible(r.Body.String()))
		}
		sees(t, e.get(carla, "/me"), 200, "Offerta Ripetizioni di francese", "!Offro: Ripetizioni",
			"ha pubblicato l'offerta «Ripetizioni di francese»", "Lingue e traduzioni", "Metti in pausa")
	})
	t.Run("someone else's posting is forbidden", func(t *testing.T) {
		sees(t, e.get(carla, fmt.Sprintf("/postings/%d/edit", w.need.ID)), 403)
		sees(t, e.post(carla, fmt.Sprintf("/postings/%d/status", w.need.ID), url.Values{"action": {"close"}}), 403)
	})
	t.Run("pause from the list", func(t *testing.T) {
		mariaAuth := w.cast[maria].auth
		if r := e.post(mariaAuth, fmt.Sprintf("/postings/%d/status", w.need.ID), url.Values{"action": {"pause"}}); r.Code != 303 {
			t.Fatalf("pause: %d", r.Code)
		}
		sees(t, e.get(mariaAuth, "/me"), 200, "in pausa", "Riattiva")
	})
	t.Run("export and erase", func(t *testing.T) {
		r := e.get(carla, "/me/export")
		if r.Code != 200 || !strings.Contains(r.Body.String(), `"Ripetizioni di francese"`) || !strings.Contains(r.Header().Get("Content-Disposition"), "attachment") {
			t.Fatalf("export: %d %s", r.Code, r.Body.String())
		}
		sees(t, e.get(carla, "/me/erase"), 200, "Non si può annullare")
		sees(t, e.post(carla, "/me/erase", nil), 400, "spunta la casella di conferma")
		r = e.post(carla, "/me/erase", url.Values{"confirm": {"yes"}})
		if r.Code != 303 {
			t.Fatalf("erase: %d", r.Code)
		}
		sees(t, e.get("", r.Header().Get("Location")), 200, "Il tuo account è stato cancellato")
		if r := e.get(carla, "/me"); r.Code != 303 {
			t.Fatal("still logged in after erasure")
		}
	})
}

func TestUIAdmin(t *testing.T) {
	e := newEnv(t)
	w := e.world()
	admin := w.cast[admin].auth
	sees(t, e.get(admin, "/admin"), 200, "Porta Palazzo", "Smetti di condividere", "Aiuto digitale", "Token API")
	sees(t, e.post(admin, "/admin/categories", url.Values{"id": {"Musica!"}, "name": {"Musica"}, "name_en": {"Music"}}), 400, "lettere minuscole")
	if r := e.post(admin, "/admin/categories", url.Values{"id": {"musica"}, "name": {"Musica"}, "name_en": {"Music"}}); r.Code != 303 {
		t.Fatalf("category: %d", r.Code)
	}
	if r := e.post(admin, "/admin/operators", url.Values{"name": {"Giulia"}, "email": {"giulia@example.org"}, "hub_id": {"2"}, "password": {"una password lunga"}}); r.Code != 303 {
		t.Fatalf("operator: %d %s", r.Code, visible(r.Body.String()))
	}
	r := e.post(admin, "/admin/tokens", url.Values{"name": {"foglio"}})
	text := sees(t, r, 200, "Copia ora questo token")
	if !strings.Contains(text, "spt_") {
		t.Fatal("new token not shown")
	}
	sees(t, e.get(admin, "/admin"), 200, "musica", "giulia@example.org", "foglio")
	sees(t, e.get(admin, "/desk?hub=2"), 200, "Sportello · San Salvario")
	sees(t, e.get(w.cast[maria].auth, "/admin"), 403)
}

func TestUISetup(t *testing.T) {
	e := newEnv(t)
	sees(t, e.get("", "/setup"), 404, "La configurazione è già fatta") // no code: closed
	e.srv.SetupCode = "c0de42"
	sees(t, e.get("", "/setup"), 200, "Prima configurazione", "Codice di configurazione")
	f := url.Values{"code": {"sbagliato"}, "name": {"Anna Coordinatrice"}, "email": {"anna@example.org"}, "password": {"una password lunga"}}
	sees(t, e.post("", "/setup", f), 403, "Il codice non è giusto", "[Anna Coordinatrice]")
	f.Set("code", "c0de42")
	f.Set("password", "corta")
	sees(t, e.post("", "/setup", f), 400, "almeno 10 caratteri")
	f.Set("password", "una password lunga")
	w := e.post("", "/setup", f)
	if w.Code != 303 || !strings.HasPrefix(w.Header().Get("Location"), "/admin") {
		t.Fatalf("setup: %d %s", w.Code, visible(w.Body.String()))
	}
	sees(t, e.get(sessionOf(t, w), "/admin?ok=ui.flash.welcome_admin"), 200, "Account di coordinamento creato")
	sees(t, e.get("", "/setup"), 404, "La configurazione è già fatta")
	f.Set("email", "mallory@example.org")
	sees(t, e.post("", "/setup", f), 404)
}
