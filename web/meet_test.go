package web

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/saperi/saperi"
)

// What an operator and a resident meet on the pages (issue 11, §2).

func TestWalkInWarnsOfDuplicates(t *testing.T) {
	e := newEnv(t)
	w := e.world()
	op := w.cast[op1].auth
	f := url.Values{"name": {"Rosa Esposito"}, "phone": {"333 123 4567"}, "languages": {"it"}, "consent": {"yes"},
		"consent_text": {"Letto a voce."}}
	first := e.post(op, "/desk/people/new", f)
	if first.Code != 303 {
		t.Fatalf("register: %d %s", first.Code, visible(first.Body.String()))
	}
	rosa := strings.Split(first.Header().Get("Location"), "?")[0]
	for name, form := range map[string]url.Values{
		"same name written differently": {"name": {"rosa  esposito"}},
		"similar name":                  {"name": {"Rosa Espósito"}},
		"same phone, another spelling":  {"name": {"R. Esposito"}, "phone": {"+39 333 1234567"}},
	} {
		t.Run(name, func(t *testing.T) {
			for k, v := range f {
				if form[k] == nil {
					form[k] = v
				}
			}
			r := e.post(op, "/desk/people/new", form)
			sees(t, r, 409, "potrebbe essere già registrata", "Rosa Esposito", "Ho controllato: è un'altra persona")
			if !strings.Contains(r.Body.String(), `href="`+rosa+`"`) {
				t.Fatalf("no link to the existing profile %s", rosa)
			}
			// Nobody was registered.
			list := e.get(op, "/desk?q=esposito")
			if n := len(regexp.MustCompile(`href="/desk/people/\d+"`).FindAllString(list.Body.String(), -1)); n != 1 {
				t.Fatalf("%d people found after the warning", n)
			}
		})
	}
	t.Run("confirmed: somebody else", func(t *testing.T) {
		form := url.Values{"name": {"Rosa Esposito"}, "languages": {"it"}, "consent": {"yes"}, "consent_text": {"Letto."},
			"not_duplicate": {"yes"}}
		if r := e.post(op, "/desk/people/new", form); r.Code != 303 {
			t.Fatalf("confirmed register: %d %s", r.Code, visible(r.Body.String()))
		}
	})
	t.Run("another hub's person is not a duplicate here", func(t *testing.T) {
		form := url.Values{"name": {"Rosa Esposito"}, "languages": {"it"}, "consent": {"yes"}, "consent_text": {"Letto."}}
		if r := e.post(w.cast[op2].auth, "/desk/people/new", form); r.Code != 303 {
			t.Fatalf("register at another hub: %d %s", r.Code, visible(r.Body.String()))
		}
	})
}

func TestWalkInAreaFromHubList(t *testing.T) {
	e := newEnv(t)
	w := e.world()
	op := w.cast[op1].auth
	e.must(200, "PATCH", fmt.Sprintf("/api/v1/hubs/%d", w.hub1.ID), map[string]any{"areas": []map[string]any{
		{"name": "Aurora", "point": map[string]float64{"lat": 45.0800, "lon": 7.6900}},
		{"name": "Barriera di Milano", "point": map[string]float64{"lat": 45.0950, "lon": 7.7050}},
	}}, nil)
	page := e.get(op, "/desk/people/new")
	sees(t, page, 200, "Scegli il quartiere")
	if !strings.Contains(page.Body.String(), `<option value="Barriera di Milano"`) {
		t.Fatal("the areas are not offered as a list")
	}
	base := url.Values{"name": {"Giorgio Verdi"}, "languages": {"it"}, "consent": {"yes"}, "consent_text": {"Letto."}}
	base.Set("area", "Vanchiglia")
	sees(t, e.post(op, "/desk/people/new", base), 400, "«Vanchiglia» non è tra i quartieri di questa portineria")
	base.Set("area", "barriera di milano") // typed: accepted when known, spelled as the hub spells it
	r := e.post(op, "/desk/people/new", base)
	if r.Code != 303 {
		t.Fatalf("register: %d %s", r.Code, visible(r.Body.String()))
	}
	id := strings.TrimPrefix(strings.Split(r.Header().Get("Location"), "?")[0], "/desk/people/")
	var p profileView
	e.must(200, "GET", "/api/v1/profiles/"+id, nil, &p)
	if p.Area != "Barriera di Milano" || p.Point == nil || p.Point.Lat != 45.095 || p.Point.Lon != 7.705 {
		t.Fatalf("area %q point %+v: want the area's, not the hub's", p.Area, p.Point)
	}
}

func TestNoticeboard(t *testing.T) {
	e := newEnv(t)
	w := e.world()
	board := fmt.Sprintf("/hubs/%d/noticeboard", w.hub1.ID)
	t.Run("needs the hub's login", func(t *testing.T) {
		r := e.get("", board)
		if r.Code != 303 || !strings.HasPrefix(r.Header().Get("Location"), "/login?next=") {
			t.Fatalf("anonymous: %d %s", r.Code, r.Header().Get("Location"))
		}
		sees(t, e.get(w.cast[op2].auth, board), 403)
		sees(t, e.get(w.cast[maria].auth, board), 403)
	})
	t.Run("titles and categories only, weeks as dates", func(t *testing.T) {
		sees(t, e.get(w.cast[op1].auth, board), 200, "Cerco aiuto con il computer", "Aiuto digitale",
			"!Devo imparare a usare la posta elettronica", "!Maria", "settimana dal 23 novembre al 29 novembre 2026",
			"!2026-W48")
		sees(t, e.get(w.cast[admin].auth, board), 200, "Cerco aiuto con il computer")
	})
	t.Run("a posting marked for display shows its description", func(t *testing.T) {
		sees(t, e.post(w.cast[op2].auth, fmt.Sprintf("/desk/postings/%d/display", w.need.ID), url.Values{"display": {"yes"}}), 403)
		if r := e.post(w.cast[op1].auth, fmt.Sprintf("/desk/postings/%d/display", w.need.ID), url.Values{"display": {"yes"}}); r.Code != 303 {
			t.Fatalf("mark: %d %s", r.Code, visible(r.Body.String()))
		}
		sees(t, e.get(w.cast[op1].auth, board), 200, "Devo imparare a usare la posta elettronica")
	})
}

func TestDeskShowsOnlyAllowedButtons(t *testing.T) {
	e := newEnv(t)
	w := e.world()
	// Maria's desk (Porta Palazzo) answers for Maria, not for Ahmed of
	// Barriera; Ahmed's desk the other way round.
	sees(t, e.get(w.opMaria, fmt.Sprintf("/desk/postings/%d", w.need.ID)), 200, "Accetta per chi cerca", "!Accetta per chi offre",
		"Chi cerca: Maria Rossi", "Chi offre: una persona della portineria Barriera", "!Ahmed")
	sees(t, e.get(w.opAhmed, fmt.Sprintf("/desk/postings/%d", w.offer.ID)), 200, "Accetta per chi offre", "!Accetta per chi cerca",
		"Chi offre: Ahmed Benali", "Chi cerca: una persona della portineria Porta Palazzo", "!Maria")
}

func TestRefusedActionExplainsItself(t *testing.T) {
	e := newEnv(t)
	w := e.world()
	back := fmt.Sprintf("/desk/postings/%d", w.need.ID)
	r := e.postWith(w.opAhmed, fmt.Sprintf("/desk/matches/%d", w.match.ID), url.Values{"action": {"accept"}, "side": {"need"}},
		"Referer", "http://example.com"+back)
	sees(t, r, 403, "Questa azione spetta a qualcun altro", "Torna alla pagina di prima")
	if !strings.Contains(r.Body.String(), `href="`+back+`"`) {
		t.Fatalf("no way back to %s", back)
	}
	// A referer from another site is not a way back.
	r = e.postWith(w.opAhmed, fmt.Sprintf("/desk/matches/%d", w.match.ID), url.Values{"action": {"accept"}, "side": {"need"}},
		"Referer", "http://evil.example/x")
	if strings.Contains(r.Body.String(), "evil.example") {
		t.Fatal("the way back leads off the site")
	}
}

func TestPagesShowNoTechnicalIDs(t *testing.T) {
	e := newEnv(t)
	w := e.world()
	// A proposal of the weekly run, as digest/assign.go records it.
	need := &saperi.Posting{Kind: saperi.Need, ProfileID: w.maria.ID, HubID: w.hub1.ID, Title: "Cerco compagnia per una passeggiata",
		Mode: saperi.InPerson, MaxDistanceKm: 3, Capacity: 3, Status: saperi.Open, Expires: testNow.AddDate(0, 1, 0),
		Created: testNow, Updated: testNow, Slots: []saperi.Slot{}, Tags: []string{}, Languages: []string{}}
	if err := e.db.CreatePosting(t.Context(), need, saperi.Event{At: testNow, Actor: "tests"}); err != nil {
		t.Fatal(err)
	}
	offer, _ := e.db.Posting(t.Context(), w.offer.ID)
	m, err := saperi.NewMatch(need, offer, saperi.Scored{Score: 0.5, Breakdown: saperi.Breakdown{}}, saperi.ByEngine, "engine", testNow)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.CreateMatch(t.Context(), m, saperi.Event{At: testNow, Actor: "engine", Action: "match.propose", OnBehalfOf: w.maria.ID}); err != nil {
		t.Fatal(err)
	}
	idRE := regexp.MustCompile(`(operator|resident|admin|token)/\d|profile/\d|posting/\d|match/\d|portineria \d|Proposta \d|\b(profile|posting|match)\.[a-z]+`)
	for _, c := range []struct{ who, path string }{
		{w.opMaria, fmt.Sprintf("/desk/people/%d", w.maria.ID)},
		{w.opMaria, fmt.Sprintf("/desk/postings/%d", w.need.ID)},
		{w.opMaria, fmt.Sprintf("/desk/postings/%d", need.ID)},
		{w.cast[maria].auth, "/me"},
		{w.cast[maria].auth, "/matches"},
		{w.cast[admin].auth, "/admin"},
	} {
		t.Run(c.path, func(t *testing.T) {
			r := e.get(c.who, c.path)
			text := sees(t, r, 200)
			if m := idRE.FindString(text); m != "" {
				t.Errorf("page shows %q:\n%s", m, text)
			}
		})
	}
	sees(t, e.get(w.cast[maria].auth, "/matches"), 200, "proposta automatica della settimana", "!engine",
		"per la tua richiesta «Cerco compagnia per una passeggiata»")
	sees(t, e.get(w.cast[admin].auth, "/admin"), 200, "Nome della portineria", "A cosa serve il token",
		"Utente op1@example.org · op1@example.org · Porta Palazzo")
}

func TestItalianWithoutSlips(t *testing.T) {
	e := newEnv(t)
	w := e.world()
	// A need waiting since yesterday: "1 giorno".
	old := &saperi.Posting{Kind: saperi.Need, ProfileID: w.carla.ID, HubID: w.hub1.ID, Title: "Cerco chi mi accompagni dal medico",
		Mode: saperi.InPerson, MaxDistanceKm: 3, Capacity: 3, Status: saperi.Open, Expires: testNow.AddDate(0, 1, 0),
		Created: testNow.Add(-30 * time.Hour), Updated: testNow, Slots: []saperi.Slot{}, Tags: []string{}, Languages: []string{}}
	if err := e.db.CreatePosting(t.Context(), old, saperi.Event{At: testNow, Actor: "tests"}); err != nil {
		t.Fatal(err)
	}
	sees(t, e.get(w.opMaria, "/desk"), 200, "1 giorno", "!1 giorni", "da oggi", "!0 giorni")
	if got := e.srv.catalog.For("it").T("reason.freshness", map[string]any{"Days": float64(0)}, ""); got != "aggiornato oggi" {
		t.Errorf("a whole number decoded from JSON: %q", got)
	}
	sees(t, e.get(w.opMaria, fmt.Sprintf("/desk/people/%d", w.carla.ID)), 200, "Email carla@example.org", "Telefono nessuno", "aperta",
		"!aperto", "Le sue proposte", "!Le mie proposte")
	sees(t, e.get(w.opMaria, fmt.Sprintf("/postings/new?kind=need&profile=%d", w.carla.ID)), 200, "Cosa cerca, in poche parole",
		"!Cosa cerchi")
	sees(t, e.get(w.cast[carla].auth, "/postings/new?kind=need"), 200, "Cosa cerchi, in poche parole")
	l := e.srv.catalog.For("it")
	if got := l.T("reason.proximity.near", map[string]any{"Km": 0.2}, ""); got != "vicino: 0,2 km" {
		t.Errorf("decimal comma: %q", got)
	}
	if got := weekRange(l, time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)); got != "dal 30 novembre al 6 dicembre 2026" {
		t.Errorf("week as dates: %q", got)
	}
	// An email nobody gave reads "nessuna" (feminine), a phone "nessuno".
	r := e.post(w.opMaria, "/desk/people/new", url.Values{"name": {"Ines Bo"}, "languages": {"it"}, "consent": {"yes"}, "consent_text": {"Letto."}})
	sees(t, e.get(w.opMaria, strings.Split(r.Header().Get("Location"), "?")[0]), 200, "Email nessuna", "Telefono nessuno")
}

func TestLinkTokensNeverLogged(t *testing.T) {
	e := newEnv(t)
	var buf bytes.Buffer
	e.srv.log = slog.New(slog.NewTextHandler(&buf, nil))
	const secret = "c2VjcmV0LXRva2VuLXRoYXQtbXVzdC1ub3QtbGVhaw.abcdef"
	e.get("", "/l/"+secret)
	e.get("", "/password/reset/"+secret)
	e.postWith("", "/l/"+secret, url.Values{})
	if strings.Contains(buf.String(), secret) || strings.Contains(buf.String(), "c2VjcmV0") {
		t.Fatalf("a token reached the log:\n%s", buf.String())
	}
	if !strings.Contains(buf.String(), "path=/l/:token") || !strings.Contains(buf.String(), "path=/password/reset/:token") {
		t.Fatalf("the route is not logged:\n%s", buf.String())
	}
}

func TestSearchBoxRanksAcrossWords(t *testing.T) {
	e := newEnv(t)
	w := e.world()
	e.must(201, "POST", "/api/v1/postings", map[string]any{"kind": "need", "profile_id": w.carla.ID,
		"title": "Aiuto con la spesa per mia madre anziana", "category": "cucina"}, nil)
	e.must(201, "POST", "/api/v1/postings", map[string]any{"kind": "offer", "profile_id": w.org.ID,
		"title": "Spesa a domicilio", "category": "cucina"}, nil)
	var res struct {
		Items []saperi.Posting
		Total int
	}
	e.must(200, "GET", "/api/v1/search?q="+url.QueryEscape("aiuto spesa anziana"), nil, &res)
	if res.Total < 2 || len(res.Items) < 2 || res.Items[0].Title != "Aiuto con la spesa per mia madre anziana" {
		t.Fatalf("search: %+v", res)
	}
}

// postWith submits a form as auth with extra headers (name, value, …).
func (e *env) postWith(auth, path string, form url.Values, hdr ...string) *httptest.ResponseRecorder {
	e.tb.Helper()
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.RemoteAddr = "127.0.0.1:40000"
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	switch {
	case strings.HasPrefix(auth, "spt_"):
		req.Header.Set("Authorization", "Bearer "+auth)
	case strings.HasPrefix(auth, "sps_"):
		req.AddCookie(&http.Cookie{Name: SessionCookie, Value: auth})
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	e.handler.ServeHTTP(w, req)
	return w
}
