package web

import (
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/auth"
	"golang.org/x/crypto/bcrypt"
)

func TestMain(m *testing.M) {
	auth.Cost = bcrypt.MinCost // hashing at cost 12 for every test account is slow, not safer
	os.Exit(m.Run())
}

// login logs in through the API and returns the session secret.
func (e *env) login(email, password string) string {
	e.tb.Helper()
	w := e.doAs("", "POST", "/api/v1/auth/login", map[string]string{"email": email, "password": password})
	if w.Code != 200 {
		e.tb.Fatalf("login %s: %d %s", email, w.Code, w.Body.String())
	}
	for _, ck := range w.Result().Cookies() {
		if ck.Name == SessionCookie {
			if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" {
				e.tb.Fatalf("session cookie attributes: %+v", ck)
			}
			return ck.Value
		}
	}
	e.tb.Fatalf("login %s: no session cookie", email)
	return ""
}

// addUser creates an account as the admin token and logs it in.
func (e *env) addUser(email string, role saperi.Role, hubID, profileID uint64) string {
	e.tb.Helper()
	e.must(201, "POST", "/api/v1/users", map[string]any{"email": email, "name": "Utente " + email, "role": role,
		"hub_id": hubID, "profile_id": profileID, "password": "una password lunga"}, nil)
	return e.login(email, "una password lunga")
}

// world is the cast of the authorization matrix: three hubs (1 and 3 are
// neighbours that share their postings with each other, 2 is on its own),
// Maria (hub 1) who needs, Ahmed (hub 3) who offers, Carla (hub 1) who
// has nothing to do with them, an association (hub 1) with a staff
// account, an operator per hub, an admin and an admin API token.
type world struct {
	hub1, hub2, hub3         saperi.Hub
	maria, ahmed, carla, org profileView
	need, offer              saperi.Posting
	match                    matchView
	cast                     []actorCred
	opMaria, opAhmed         string
}

type actorCred struct{ label, auth string }

func (e *env) world() world {
	e.tb.Helper()
	var w world
	point := map[string]float64{"lat": 45.083, "lon": 7.686}
	e.must(201, "POST", "/api/v1/hubs", map[string]any{"name": "Porta Palazzo", "area": "Aurora", "point": point,
		"share_with_neighbors": true}, &w.hub1)
	e.must(201, "POST", "/api/v1/hubs", map[string]any{"name": "San Salvario", "area": "San Salvario"}, &w.hub2)
	e.must(201, "POST", "/api/v1/hubs", map[string]any{"name": "Barriera", "area": "Barriera di Milano",
		"neighbors": []uint64{w.hub1.ID}, "share_with_neighbors": true}, &w.hub3)
	// Neighbours must exist when named: hub 1 names hub 3 once it does.
	e.must(200, "PATCH", fmt.Sprintf("/api/v1/hubs/%d", w.hub1.ID), map[string]any{"neighbors": []uint64{w.hub3.ID}}, &w.hub1)
	person := func(name string, hub uint64, kind string, out *profileView) {
		e.must(201, "POST", "/api/v1/profiles", map[string]any{"kind": kind, "name": name, "hub_id": hub,
			"point": point, "languages": []string{"it", "fr"},
			"contacts": map[string]string{"email": strings.ToLower(strings.Fields(name)[0]) + "@example.org"},
			"consent":  map[string]string{"text": "Acconsento", "version": "1", "by": "self"}}, out)
	}
	person("Maria Rossi", w.hub1.ID, "resident", &w.maria)
	person("Ahmed Benali", w.hub3.ID, "resident", &w.ahmed)
	person("Carla Neri", w.hub1.ID, "resident", &w.carla)
	person("Associazione Il Ponte", w.hub1.ID, "organisation", &w.org)
	e.must(201, "POST", "/api/v1/postings", map[string]any{"kind": "need", "profile_id": w.maria.ID,
		"title": "Cerco aiuto con il computer", "description": "Devo imparare a usare la posta elettronica.",
		"category": "digitale", "slots": []map[string]string{{"day": "tue", "from": "09:00", "to": "12:00"}}}, &w.need)
	e.must(201, "POST", "/api/v1/postings", map[string]any{"kind": "offer", "profile_id": w.ahmed.ID,
		"title": "Aiuto con computer e posta elettronica", "description": "Insegno a usare il computer.",
		"category": "digitale", "mode": "either", "slots": []map[string]string{{"day": "tue", "from": "10:00", "to": "13:00"}}}, &w.offer)
	w.cast = []actorCred{
		{"anonymous", ""},
		{"resident (owner: Maria)", e.addUser("maria@example.org", saperi.RoleResident, 0, w.maria.ID)},
		{"other side of the match (Ahmed)", e.addUser("ahmed@example.org", saperi.RoleResident, 0, w.ahmed.ID)},
		{"unrelated resident (Carla)", e.addUser("carla@example.org", saperi.RoleResident, 0, w.carla.ID)},
		{"organisation staff (other profile)", e.addUser("staff@ilponte.example", saperi.RoleStaff, 0, w.org.ID)},
		{"operator of Maria's hub", e.addUser("op1@example.org", saperi.RoleOperator, w.hub1.ID, 0)},
		{"another hub's operator", e.addUser("op2@example.org", saperi.RoleOperator, w.hub2.ID, 0)},
		{"operator of Ahmed's hub (shares with Maria's)", e.addUser("op3@example.org", saperi.RoleOperator, w.hub3.ID, 0)},
		{"admin", e.addUser("admin@example.org", saperi.RoleAdmin, 0, 0)},
		{"admin API token", e.token},
	}
	w.opMaria, w.opAhmed = w.cast[5].auth, w.cast[7].auth
	// The desk of Maria's hub proposes Ahmed's offer (shared by hub 3).
	if r := e.doAs(w.opMaria, "POST", "/api/v1/matches", map[string]any{"need_id": w.need.ID, "offer_id": w.offer.ID}); r.Code != 201 {
		e.tb.Fatalf("operator proposes: %d %s", r.Code, r.Body.String())
	} else {
		decodeInto(e.tb, r.Body.Bytes(), &w.match)
	}
	return w
}

// cell is one resource × action of the matrix: a request, and who may.
type cell struct {
	name string
	// req sends the request as auth and reports whether it was allowed.
	req func(e *env, auth string) bool
	// allow lists the cast members (by index into world.cast) allowed.
	allow []int
}

const (
	anon = iota
	maria
	ahmed
	carla
	staff
	op1
	op2
	op3
	admin
	token
)

// answers reports allowed unless the answer is 401 or 403 (a 409 after
// the first allowed caller changed the state still passed authorization).
func answers(method, path string, body any) func(e *env, auth string) bool {
	return func(e *env, auth string) bool {
		w := e.doAs(auth, method, path, body)
		if w.Code == 401 || w.Code == 403 {
			return false
		}
		if w.Code >= 500 || w.Code == 404 || w.Code == 400 {
			e.tb.Fatalf("%s %s: unexpected %d %s", method, path, w.Code, w.Body.String())
		}
		return true
	}
}

// shows is allowed when GET path answers 200 with want in the body.
func shows(path, want string) func(e *env, auth string) bool {
	return func(e *env, auth string) bool {
		w := e.doAs(auth, "GET", path, nil)
		return w.Code == 200 && strings.Contains(w.Body.String(), want)
	}
}

// TestAuthorizationMatrix proves every cell of role × resource × action
// over real HTTP, and prints the matrix.
func TestAuthorizationMatrix(t *testing.T) {
	e := newEnv(t)
	w := e.world()
	mp := fmt.Sprintf("/api/v1/matches/%d", w.match.ID)
	prof := fmt.Sprintf("/api/v1/profiles/%d", w.maria.ID)
	need := fmt.Sprintf("/api/v1/postings/%d", w.need.ID)
	offer := fmt.Sprintf("/api/v1/postings/%d", w.offer.ID)
	cells := []cell{
		{"profile: view", answers("GET", prof, nil), []int{maria, op1, admin, token}},
		{"profile: contacts", shows(prof, "maria@example.org"), []int{maria, op1, admin, token}},
		{"profile: edit", answers("PATCH", prof, map[string]any{"story": "Mi piace leggere."}), []int{maria, op1, admin, token}},
		{"profile: create in hub 1", answers("POST", "/api/v1/profiles", map[string]any{"kind": "resident", "name": "Nuova Persona",
			"hub_id": w.hub1.ID, "consent": map[string]string{"text": "Consenso letto allo sportello", "version": "1", "by": "operator"}}),
			[]int{op1, admin, token}},
		{"organisation profile: edit", answers("PATCH", fmt.Sprintf("/api/v1/profiles/%d", w.org.ID), map[string]any{"story": "Corsi gratuiti."}),
			[]int{staff, op1, admin, token}},
		{"profiles of hub 1: list", answers("GET", fmt.Sprintf("/api/v1/profiles?hub_id=%d", w.hub1.ID), nil), []int{op1, admin, token}},
		{"need: view", answers("GET", need, nil), []int{maria, op1, op3, admin, token}},
		{"offer: view", answers("GET", offer, nil), []int{ahmed, op1, op3, admin, token}},
		{"need: create for Maria", answers("POST", "/api/v1/postings", map[string]any{"kind": "need", "profile_id": w.maria.ID,
			"title": "Cerco compagnia per una passeggiata", "category": "compagnia"}), []int{maria, op1, admin, token}},
		{"need: edit", answers("PATCH", need, map[string]any{"description": "Devo imparare a usare la posta e lo SPID."}),
			[]int{maria, op1, admin, token}},
		{"need: pause", answers("POST", need+"/pause", nil), []int{maria, op1, admin, token}},
		{"need: resume", answers("POST", need+"/resume", nil), []int{maria, op1, admin, token}},
		{"postings of hub 1: list", answers("GET", fmt.Sprintf("/api/v1/postings?hub_id=%d", w.hub1.ID), nil), []int{op1, admin, token}},
		{"need: candidates", answers("GET", need+"/candidates", nil), []int{op1, admin, token}},
		{"search", answers("GET", "/api/v1/search?q=computer", nil), []int{op1, op2, op3, admin, token}},
		{"match: propose", answers("POST", "/api/v1/matches", map[string]any{"need_id": w.need.ID, "offer_id": w.offer.ID}),
			[]int{op1, op3, admin, token}},
		{"match: view", answers("GET", mp, nil), []int{maria, ahmed, op1, op3, admin, token}},
		{"match: contacts before both accept", shows(mp, `"contacts"`), nil},
		{"matches export: Maria's contacts before both accept", shows("/api/v1/exports/matches", "maria@example.org"), []int{op1, admin, token}},
		{"match: accept for the need side", answers("POST", mp+"/accept", map[string]string{"side": "need"}), []int{maria, op1, admin, token}},
		{"match: accept for the offer side", answers("POST", mp+"/accept", map[string]string{"side": "offer"}), []int{ahmed, op3, admin, token}},
		{"match: contacts once connected", shows(mp, "ahmed@example.org"), []int{maria, ahmed, op1, op3, admin, token}},
		{"matches export: Maria's contacts once connected", shows("/api/v1/exports/matches?format=csv", "maria@example.org"), []int{op1, op3, admin, token}},
		{"match: case note", answers("POST", mp+"/notes", map[string]string{"note": "Telefonato, tutto bene."}), []int{op1, op3, admin, token}},
		{"audit trail of Maria", answers("GET", fmt.Sprintf("/api/v1/events?profile_id=%d", w.maria.ID), nil), []int{maria, op1, admin, token}},
		{"hubs: list", answers("GET", "/api/v1/hubs", nil), []int{maria, ahmed, carla, staff, op1, op2, op3, admin, token}},
		{"hubs: create", answers("POST", "/api/v1/hubs", map[string]any{"name": "Nuova portineria"}), []int{admin, token}},
		{"accounts: list", answers("GET", "/api/v1/users", nil), []int{admin, token}},
		{"API tokens: create", answers("POST", "/api/v1/tokens", map[string]any{"name": "foglio", "role": "admin"}), []int{admin, token}},
		{"backup", answers("GET", "/api/v1/admin/backup", nil), []int{admin, token}},
		{"import into hub 1 (dry run)", answers("POST", fmt.Sprintf("/api/v1/imports?hub=%d&dry_run=true", w.hub1.ID),
			"nome;cognome;telefono;offre\nLuca;Conti;333 2222222;Chitarra\n"), []int{op1, admin, token}},
		{"people of hub 1: export", answers("GET", fmt.Sprintf("/api/v1/exports/people?hub=%d&format=xlsx", w.hub1.ID), nil), []int{op1, admin, token}},
		{"people of hub 1: export with contacts", shows(fmt.Sprintf("/api/v1/exports/people?hub=%d", w.hub1.ID), "maria@example.org"), []int{op1, admin, token}},
		{"postings of hub 3: export", answers("GET", fmt.Sprintf("/api/v1/exports/postings?hub=%d", w.hub3.ID), nil), []int{op3, admin, token}},
		{"statistics of hub 1", answers("GET", fmt.Sprintf("/api/v1/stats?hub=%d", w.hub1.ID), nil), []int{op1, admin, token}},
		{"statistics without a hub (an operator's own)", answers("GET", "/api/v1/stats", nil), []int{op1, op2, op3, admin, token}},
		{"open data of hub 3", answers("GET", fmt.Sprintf("/api/v1/opendata?hub=%d", w.hub3.ID), nil), []int{op3, admin, token}},
		{"export without a hub (the operator's own; every hub for an admin)", answers("GET", "/api/v1/exports/people", nil), []int{op1, op2, op3, admin, token}},
		// Pages obey the same rules (findings 4 and 9 of the attack run).
		{"page: noticeboard of hub 1", shows(fmt.Sprintf("/hubs/%d/noticeboard", w.hub1.ID), "Porta Palazzo"), []int{op1, admin, token}},
		{"page: desk of Maria's need", shows(fmt.Sprintf("/desk/postings/%d", w.need.ID), "Cerco aiuto con il computer"), []int{op1, admin, token}},
	}
	var table strings.Builder
	table.WriteString("\n| resource: action |")
	for i := range w.cast {
		fmt.Fprintf(&table, " %d |", i)
	}
	table.WriteString("\n|---|" + strings.Repeat("---|", len(w.cast)) + "\n")
	for _, c := range cells {
		allowed := map[int]bool{}
		for _, i := range c.allow {
			allowed[i] = true
		}
		fmt.Fprintf(&table, "| %s |", c.name)
		for i, a := range w.cast {
			got := c.req(e, a.auth)
			if got != allowed[i] {
				t.Errorf("%s as %s: allowed=%v, want %v", c.name, a.label, got, allowed[i])
			}
			if got {
				table.WriteString(" ✓ |")
			} else {
				table.WriteString(" · |")
			}
		}
		table.WriteString("\n")
	}
	table.WriteString("\nColumns: ")
	for i, a := range w.cast {
		fmt.Fprintf(&table, "%d = %s; ", i, a.label)
	}
	t.Log(table.String())
}

// TestOnBehalfAudited: what an operator does for a person is in the audit
// trail with the operator as actor and the person as OnBehalfOf, and the
// person sees it in their own trail.
func TestOnBehalfAudited(t *testing.T) {
	e := newEnv(t)
	w := e.world()
	var p saperi.Posting
	r := e.doAs(w.opMaria, "POST", "/api/v1/postings", map[string]any{"kind": "need", "profile_id": w.maria.ID,
		"title": "Cerco qualcuno per la spesa del sabato", "category": "cucina"})
	if r.Code != 201 {
		t.Fatalf("operator posts for Maria: %d %s", r.Code, r.Body.String())
	}
	decodeInto(t, r.Body.Bytes(), &p)
	mariaAuth := w.cast[maria].auth
	var evs struct{ Items []saperi.Event }
	r = e.doAs(mariaAuth, "GET", "/api/v1/events", nil) // her own trail by default
	decodeInto(t, r.Body.Bytes(), &evs)
	found := false
	for _, ev := range evs.Items {
		if ev.Subject == fmt.Sprintf("posting/%d", p.ID) && ev.Action == "posting.create" {
			found = true
			if !strings.HasPrefix(ev.Actor, "operator/") || ev.OnBehalfOf != w.maria.ID {
				t.Errorf("event %+v: want actor operator/…, on behalf of %d", ev, w.maria.ID)
			}
		}
	}
	if !found {
		t.Fatalf("Maria's trail lacks the operator's posting: %+v", evs.Items)
	}
	// The desk accepts for Maria: audited on her behalf too.
	if r := e.doAs(w.opMaria, "POST", fmt.Sprintf("/api/v1/matches/%d/accept", w.match.ID), map[string]string{"side": "need"}); r.Code != 200 {
		t.Fatalf("accept for Maria: %d %s", r.Code, r.Body.String())
	}
	r = e.do("GET", fmt.Sprintf("/api/v1/events?profile_id=%d", w.maria.ID), nil)
	decodeInto(t, r.Body.Bytes(), &evs)
	last := evs.Items[len(evs.Items)-1]
	if last.Action != "match.accept" || !strings.HasPrefix(last.Actor, "operator/") || last.OnBehalfOf != w.maria.ID {
		t.Fatalf("last event of Maria = %+v", last)
	}
	// A verbal consent recorded at the desk names the operator, whatever
	// the body claims.
	var walkIn profileView
	r = e.doAs(w.opMaria, "POST", "/api/v1/profiles", map[string]any{"kind": "resident", "name": "Giuseppe Verdi",
		"hub_id": w.hub1.ID, "consent": map[string]string{"text": "Letto allo sportello", "version": "1", "by": "operator", "recorded_by": "qualcun altro"}})
	decodeInto(t, r.Body.Bytes(), &walkIn)
	if !strings.HasPrefix(walkIn.Consent.RecordedBy, "operator/") {
		t.Fatalf("consent recorded by %q", walkIn.Consent.RecordedBy)
	}
}

func TestSessions(t *testing.T) {
	e := newEnv(t)
	w := e.world()
	a := e.login("maria@example.org", "una password lunga")
	b := e.login("maria@example.org", "una password lunga")
	me := func(auth string) int { return e.doAs(auth, "GET", "/api/v1/me", nil).Code }
	if me(a) != 200 || me(b) != 200 {
		t.Fatal("sessions do not work")
	}
	t.Run("logout ends one session", func(t *testing.T) {
		if r := e.doAs(a, "POST", "/api/v1/auth/logout", nil); r.Code != 204 {
			t.Fatalf("logout %d", r.Code)
		}
		if me(a) != 401 || me(b) != 200 {
			t.Fatalf("after logout: a %d, b %d", me(a), me(b))
		}
	})
	t.Run("log out everywhere", func(t *testing.T) {
		c := e.login("maria@example.org", "una password lunga")
		if r := e.doAs(c, "POST", "/api/v1/auth/logout-all", nil); r.Code != 200 || !strings.Contains(r.Body.String(), `"ended":`) {
			t.Fatalf("logout-all %d %s", r.Code, r.Body.String())
		}
		if me(b) != 401 || me(c) != 401 || me(w.cast[ahmed].auth) != 200 {
			t.Fatal("logout-all must end every session of Maria and nobody else's")
		}
	})
	t.Run("revoked token stops working", func(t *testing.T) {
		var tok tokenView
		e.must(201, "POST", "/api/v1/tokens", map[string]any{"name": "integrazione", "role": "admin"}, &tok)
		if me(tok.Secret) != 200 {
			t.Fatal("new token does not work")
		}
		e.must(200, "POST", fmt.Sprintf("/api/v1/tokens/%d/revoke", tok.ID), nil, nil)
		if r := e.doAs(tok.Secret, "GET", "/api/v1/me", nil); r.Code != 401 || !strings.Contains(r.Body.String(), "revocato") {
			t.Fatalf("revoked token: %d %s", r.Code, r.Body.String())
		}
		if r := e.do("GET", "/api/v1/tokens", nil); strings.Contains(r.Body.String(), tok.Secret) || strings.Contains(r.Body.String(), "hash") {
			t.Fatal("token list leaks secrets")
		}
	})
	t.Run("cross-site POST is refused", func(t *testing.T) {
		c := e.login("maria@example.org", "una password lunga")
		r := e.doAs(c, "POST", "/api/v1/auth/logout-all", nil, "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site")
		if r.Code != 403 {
			t.Fatalf("cross-site POST: %d", r.Code)
		}
		if me(c) != 200 {
			t.Fatal("the cross-site request had an effect")
		}
		if r := e.doAs(c, "POST", "/api/v1/auth/logout", nil, "Origin", "http://example.com", "Sec-Fetch-Site", "same-origin"); r.Code != 204 {
			t.Fatalf("same-origin POST: %d", r.Code)
		}
	})
	t.Run("no password hash anywhere", func(t *testing.T) {
		r := e.do("GET", "/api/v1/users", nil)
		if strings.Contains(r.Body.String(), "$2a$") || strings.Contains(r.Body.String(), "password") {
			t.Fatalf("users list leaks hashes: %s", r.Body.String())
		}
	})
}

func TestLoginRateLimit(t *testing.T) {
	e := newEnv(t)
	e.world()
	for i := 0; i < saperi.MaxFailuresPerEmail; i++ {
		r := e.doAs("", "POST", "/api/v1/auth/login", map[string]string{"email": "maria@example.org", "password": "sbagliata!!"})
		if r.Code != 401 || !strings.Contains(r.Body.String(), "Email o password sbagliate") {
			t.Fatalf("failure %d: %d %s", i, r.Code, r.Body.String())
		}
	}
	r := e.doAs("", "POST", "/api/v1/auth/login", map[string]string{"email": "maria@example.org", "password": "una password lunga"})
	if r.Code != 429 || r.Header().Get("Retry-After") == "" || !strings.Contains(r.Body.String(), "Riprova tra 15 minuti") {
		t.Fatalf("after %d failures the right password should wait: %d %s", saperi.MaxFailuresPerEmail, r.Code, r.Body.String())
	}
	r = e.doAs("", "POST", "/api/v1/auth/login", map[string]string{"email": "maria@example.org", "password": "una password lunga"}, "Accept-Language", "en")
	if !strings.Contains(r.Body.String(), "Try again in 15 minutes") {
		t.Fatalf("English: %s", r.Body.String())
	}
	// Other accounts from the same address still log in, until the
	// address itself is over its limit.
	e.login("carla@example.org", "una password lunga")
	for i := 0; i < saperi.MaxFailuresPerIP; i++ {
		e.doAs("", "POST", "/api/v1/auth/login", map[string]string{"email": fmt.Sprintf("nessuno%d@example.org", i), "password": "x"})
	}
	if r := e.doAs("", "POST", "/api/v1/auth/login", map[string]string{"email": "ahmed@example.org", "password": "una password lunga"}); r.Code != 429 {
		t.Fatalf("per-address limit: %d", r.Code)
	}
}

func TestSecureCookies(t *testing.T) {
	e := newEnv(t)
	e.world()
	w := e.doAs("", "POST", "/api/v1/auth/login", map[string]string{"email": "maria@example.org", "password": "una password lunga"})
	if ck := w.Result().Cookies(); len(ck) == 0 || ck[0].Secure {
		t.Fatalf("plain HTTP without the option: %+v", ck)
	}
	e.srv.SecureCookies = true
	w = e.doAs("", "POST", "/api/v1/auth/login", map[string]string{"email": "maria@example.org", "password": "una password lunga"})
	if ck := w.Result().Cookies(); len(ck) == 0 || !ck[0].Secure {
		t.Fatalf("behind a TLS proxy: %+v", ck)
	}
}
