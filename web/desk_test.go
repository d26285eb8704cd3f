package web

import (
	"fmt"
	"strings"
	"testing"

	"github.com/saperi/saperi"
)

// deskJourney is a day at the desk of hub 1, as its operator: a walk-in
// without email or phone, a need posted for her, the queue, a proposal,
// a contact attempt; then the admin edits hubs and categories, and Maria
// exports and erases her data. It returns the answers for the OpenAPI
// check.
func deskJourney(t *testing.T) []recorded {
	e := newEnv(t)
	w := e.world()
	op := w.opMaria

	var rosa profileView
	r := e.doAs(op, "POST", "/api/v1/profiles", map[string]any{"kind": "resident", "name": "Rosa Esposito", "hub_id": w.hub1.ID,
		"area": "Aurora", "languages": []string{"it"},
		"consent": map[string]string{"text": "Ho letto a voce l'informativa: i tuoi dati servono a trovarti aiuto.", "version": "1", "by": "operator"}})
	if r.Code != 201 {
		t.Fatalf("walk-in: %d %s", r.Code, r.Body.String())
	}
	decodeInto(t, r.Body.Bytes(), &rosa)
	if rosa.Contacts == nil || rosa.Contacts.Email != "" || rosa.Consent.By != "operator" || rosa.Consent.At.IsZero() ||
		!strings.HasPrefix(rosa.Consent.RecordedBy, "operator/") || !strings.Contains(rosa.Consent.Text, "informativa") {
		t.Fatalf("walk-in consent: %+v", rosa)
	}

	var urgent saperi.Posting
	r = e.doAs(op, "POST", "/api/v1/postings", map[string]any{"kind": "need", "profile_id": rosa.ID, "urgent": true,
		"title": "Cerco qualcuno che mi accompagni alla visita", "category": "salute"})
	if r.Code != 201 {
		t.Fatalf("need for Rosa: %d %s", r.Code, r.Body.String())
	}
	decodeInto(t, r.Body.Bytes(), &urgent)

	t.Run("queue: unmatched first, oldest first, filters", func(t *testing.T) {
		var q struct{ Items []saperi.QueueItem }
		r := e.doAs(op, "GET", fmt.Sprintf("/api/v1/hubs/%d/queue", w.hub1.ID), nil)
		decodeInto(t, r.Body.Bytes(), &q)
		// Maria's need has an active match (proposed in world), Rosa's none.
		if len(q.Items) != 2 || q.Items[0].Posting.ID != urgent.ID || q.Items[1].Posting.ID != w.need.ID || q.Items[1].Active != 1 {
			t.Fatalf("queue = %+v", q.Items)
		}
		r = e.doAs(op, "GET", fmt.Sprintf("/api/v1/hubs/%d/queue?urgent=true", w.hub1.ID), nil)
		decodeInto(t, r.Body.Bytes(), &q)
		if len(q.Items) != 1 || q.Items[0].Posting.ID != urgent.ID {
			t.Fatalf("urgent queue = %+v", q.Items)
		}
		r = e.doAs(op, "GET", fmt.Sprintf("/api/v1/hubs/%d/queue?category=digitale", w.hub1.ID), nil)
		decodeInto(t, r.Body.Bytes(), &q)
		if len(q.Items) != 1 || q.Items[0].Posting.ID != w.need.ID {
			t.Fatalf("category queue = %+v", q.Items)
		}
		if r := e.doAs(w.cast[op2].auth, "GET", fmt.Sprintf("/api/v1/hubs/%d/queue", w.hub1.ID), nil); r.Code != 403 {
			t.Fatalf("another hub's operator sees the queue: %d", r.Code)
		}
	})

	t.Run("contact attempts and notes", func(t *testing.T) {
		mp := fmt.Sprintf("/api/v1/matches/%d", w.match.ID)
		var m matchView
		r := e.doAs(op, "POST", mp+"/contacts", map[string]string{"side": "need", "outcome": "no_answer", "note": "Richiamare domani"})
		if r.Code != 200 {
			t.Fatalf("contact attempt: %d %s", r.Code, r.Body.String())
		}
		decodeInto(t, r.Body.Bytes(), &m)
		last := m.History[len(m.History)-1]
		if last.Action != saperi.Contact || last.Outcome != saperi.NoAnswer || m.State != saperi.Proposed {
			t.Fatalf("history %+v, state %s", last, m.State)
		}
		if r := e.doAs(op, "POST", mp+"/contacts", map[string]string{"side": "need", "outcome": "forse"}); r.Code != 400 ||
			!strings.Contains(r.Body.String(), "reached") {
			t.Fatalf("bad outcome: %d %s", r.Code, r.Body.String())
		}
		if r := e.doAs(w.cast[maria].auth, "POST", mp+"/contacts", map[string]string{"side": "need", "outcome": "reached"}); r.Code != 403 {
			t.Fatalf("a resident records desk contacts: %d", r.Code)
		}
	})

	t.Run("admin: hubs and categories", func(t *testing.T) {
		e.must(201, "POST", "/api/v1/categories", map[string]string{"id": "musica", "name": "Musica", "name_en": "Music"}, nil)
		if r := e.do("POST", "/api/v1/categories", map[string]string{"id": "musica", "name": "Musica", "name_en": "Music"}); r.Code != 409 {
			t.Fatalf("duplicate category: %d", r.Code)
		}
		if r := e.do("POST", "/api/v1/categories", map[string]string{"id": "Musica!", "name": "Musica", "name_en": "Music"}); r.Code != 400 {
			t.Fatalf("bad category id: %d", r.Code)
		}
		var cat saperi.Category
		e.must(200, "PATCH", "/api/v1/categories/musica", map[string]string{"name": "Musica e canto", "name_en": "Music and singing"}, &cat)
		if cat.Name != "Musica e canto" {
			t.Fatalf("renamed: %+v", cat)
		}
		if r := e.do("PATCH", "/api/v1/categories/nessuna", map[string]string{"name": "Xx", "name_en": "Xx"}); r.Code != 404 {
			t.Fatalf("unknown category: %d", r.Code)
		}
		if r := e.doAs(op, "POST", "/api/v1/categories", map[string]string{"id": "giochi", "name": "Giochi", "name_en": "Games"}); r.Code != 403 {
			t.Fatalf("an operator edits the taxonomy: %d", r.Code)
		}
		// A posting may now use the new category.
		e.must(201, "POST", "/api/v1/postings", map[string]any{"kind": "offer", "profile_id": w.carla.ID,
			"title": "Lezioni di chitarra", "category": "musica"}, nil)
		// Hub 3 stops sharing: Maria's desk no longer sees Ahmed's offer.
		if r := e.doAs(op, "GET", fmt.Sprintf("/api/v1/postings/%d", w.offer.ID), nil); r.Code != 200 {
			t.Fatalf("shared offer: %d", r.Code)
		}
		e.must(200, "PATCH", fmt.Sprintf("/api/v1/hubs/%d", w.hub3.ID), map[string]any{"share_with_neighbors": false}, nil)
		if r := e.doAs(op, "GET", fmt.Sprintf("/api/v1/postings/%d", w.offer.ID), nil); r.Code != 403 {
			t.Fatalf("unshared offer: %d", r.Code)
		}
		if r := e.do("PATCH", fmt.Sprintf("/api/v1/hubs/%d", w.hub3.ID), map[string]any{"neighbors": []uint64{99}}); r.Code != 400 {
			t.Fatalf("unknown neighbour: %d", r.Code)
		}
	})

	t.Run("export and erase", func(t *testing.T) {
		mariaAuth := w.cast[maria].auth
		p := fmt.Sprintf("/api/v1/profiles/%d", w.maria.ID)
		if r := e.doAs(w.cast[carla].auth, "GET", p+"/export", nil); r.Code != 403 {
			t.Fatalf("Carla exports Maria: %d", r.Code)
		}
		var ex exportView
		r := e.doAs(mariaAuth, "GET", p+"/export", nil)
		if r.Code != 200 || !strings.Contains(r.Header().Get("Content-Disposition"), "attachment") {
			t.Fatalf("export: %d %v", r.Code, r.Header())
		}
		decodeInto(t, r.Body.Bytes(), &ex)
		if ex.Profile.Contacts == nil || ex.Profile.Contacts.Email != "maria@example.org" || len(ex.Postings) != 1 ||
			len(ex.Matches) != 1 || len(ex.Accounts) != 1 || len(ex.Events) < 3 {
			t.Fatalf("export = %+v", ex)
		}
		if r := e.doAs(w.cast[carla].auth, "DELETE", p, nil); r.Code != 403 {
			t.Fatalf("Carla erases Maria: %d", r.Code)
		}
		var n saperi.Erasure
		r = e.doAs(mariaAuth, "DELETE", p, nil)
		if r.Code != 200 {
			t.Fatalf("erase: %d %s", r.Code, r.Body.String())
		}
		decodeInto(t, r.Body.Bytes(), &n)
		if n.Postings != 1 || n.Matches != 1 || n.Accounts != 1 {
			t.Fatalf("erased %+v", n)
		}
		if r := e.doAs(mariaAuth, "GET", "/api/v1/me", nil); r.Code != 401 {
			t.Fatalf("Maria's session survived the erasure: %d", r.Code)
		}
		if r := e.do("GET", p, nil); r.Code != 404 {
			t.Fatalf("profile after erase: %d", r.Code)
		}
		var res struct{ Items []saperi.Posting }
		e.must(200, "GET", "/api/v1/search?q=posta+elettronica&kind=need", nil, &res)
		for _, it := range res.Items {
			if it.ID == w.need.ID {
				t.Fatal("the erased need is still in the index")
			}
		}
		var m matchView
		e.must(200, "GET", fmt.Sprintf("/api/v1/matches/%d", w.match.ID), nil, &m)
		if m.State != saperi.Withdrawn || m.NeedProfileID != 0 || strings.Contains(fmt.Sprint(m.History), "Richiamare") {
			t.Fatalf("match after erase: %+v", m.Match)
		}
		// Ahmed still sees his match, without Maria.
		if r := e.doAs(w.cast[ahmed].auth, "GET", fmt.Sprintf("/api/v1/matches/%d", w.match.ID), nil); r.Code != 200 ||
			strings.Contains(r.Body.String(), "maria") {
			t.Fatalf("Ahmed's view: %d %s", r.Code, r.Body.String())
		}
		var evs struct{ Items []saperi.Event }
		e.must(200, "GET", "/api/v1/events?limit=500", nil, &evs)
		if last := evs.Items[len(evs.Items)-1]; last.Action != "profile.erase" || !strings.HasPrefix(last.Actor, "resident/") {
			t.Fatalf("erase not audited: %+v", last)
		}
		if r := e.doAs("", "POST", "/api/v1/auth/login", map[string]string{"email": "maria@example.org", "password": "una password lunga"}); r.Code != 401 {
			t.Fatalf("login after erase: %d", r.Code)
		}
	})
	return e.responses
}

func TestDeskJourney(t *testing.T) { deskJourney(t) }
