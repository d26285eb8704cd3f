package web

import (
	"fmt"
	"strings"
	"testing"

	"github.com/saperi/saperi"
)

// proposalFixture is a hub with a broken ceiling lamp to fix, an
// electrician nearby, a volunteer who changes light bulbs (related, less
// suitable), a cook whose offer shares only the word "cucina", and a need
// nothing answers.
type proposalFixture struct {
	lamp, piano                       saperi.Posting
	electrician, bulbs, cook, cleaner saperi.Posting
}

func (e *env) proposalFixture() proposalFixture {
	e.tb.Helper()
	var f proposalFixture
	var hub saperi.Hub
	e.must(201, "POST", "/api/v1/hubs", map[string]any{"name": "Portineria di Vanchiglia", "area": "Vanchiglia",
		"point": map[string]float64{"lat": 45.070, "lon": 7.700}}, &hub)
	person := func(name string) uint64 {
		var p profileView
		e.must(201, "POST", "/api/v1/profiles", map[string]any{"kind": "resident", "name": name, "hub_id": hub.ID,
			"area": "Vanchiglia", "point": map[string]float64{"lat": 45.070, "lon": 7.700}, "languages": []string{"it"},
			"consent": map[string]string{"text": "Consenso letto allo sportello", "version": "1", "by": "operator", "recorded_by": "op1"}}, &p)
		return p.ID
	}
	post := func(out *saperi.Posting, who uint64, kind, title, desc, cat string) {
		e.must(201, "POST", "/api/v1/postings", map[string]any{"kind": kind, "profile_id": who, "title": title, "description": desc,
			"category": cat, "slots": []map[string]string{{"day": "wed", "from": "09:00", "to": "12:00"}}}, out)
	}
	anna, bruno, carla, dario := person("Anna Ferri"), person("Bruno Gallo"), person("Carla Neri"), person("Dario Villa")
	post(&f.lamp, anna, "need", "Mi si è rotta la plafoniera in cucina", "La luce della cucina non si accende più.", "casa")
	post(&f.piano, anna, "need", "Cerco chi accordi il pianoforte", "Il pianoforte di casa mia è scordato da anni: serve qualcuno che lo pulisca e lo accordi.", "cultura")
	post(&f.electrician, bruno, "offer", "Piccoli lavori elettrici", "Cambio prese e interruttori, monto lampadari.", "casa")
	post(&f.cook, carla, "offer", "Insegno a cucinare piatti peruviani", "Cucina peruviana per principianti, a casa mia.", "cucina")
	post(&f.cleaner, dario, "offer", "Pulizie di casa", "Aiuto a fare le pulizie, lavare i pavimenti e i vetri.", "casa")
	post(&f.bulbs, dario, "offer", "Aiuto a cambiare le lampadine agli anziani", "Salgo io sulla scala.", "casa")
	return f
}

// TestCandidatesProposalsAndOthers: the API marks the proposals (at or
// above the threshold), the desk lists only those under "Proponi" and
// folds the less suitable ones that share something with the posting,
// leaving out those that share nothing; with nothing above the threshold
// both say so plainly.
func TestCandidatesProposalsAndOthers(t *testing.T) {
	e := newEnv(t)
	f := e.proposalFixture()

	t.Run("api: the electrician is a proposal, the cook is not", func(t *testing.T) {
		var out candidateList
		e.must(200, "GET", fmt.Sprintf("/api/v1/postings/%d/candidates", f.lamp.ID), nil, &out)
		if len(out.Items) == 0 || out.Items[0].Posting.ID != f.electrician.ID || !out.Items[0].Proposal {
			t.Fatalf("first candidate = %+v", out.Items)
		}
		if out.Proposals < 1 || out.Empty != nil || out.Threshold <= 0 {
			t.Fatalf("proposals %d, empty %+v, threshold %v", out.Proposals, out.Empty, out.Threshold)
		}
		for i, c := range out.Items {
			if c.Proposal != (i < out.Proposals) || c.Proposal != (c.Score >= out.Threshold) {
				t.Errorf("item %d (%s, %.2f): proposal %v, with %d proposals at %.2f", i, c.Posting.Title, c.Score, c.Proposal, out.Proposals, out.Threshold)
			}
			if c.Posting.ID == f.cook.ID && c.Proposal {
				t.Errorf("the cook is proposed for a broken lamp: %+v", c.Reasons)
			}
		}
		if len(out.Items[0].Concepts) == 0 || !strings.HasPrefix(out.Items[0].Reasons[0], "stesso bisogno: ") {
			t.Errorf("the first reason is not what matched: %v %v", out.Items[0].Concepts, out.Items[0].Reasons)
		}
	})

	t.Run("api: nothing fits the piano", func(t *testing.T) {
		var out candidateList
		e.must(200, "GET", fmt.Sprintf("/api/v1/postings/%d/candidates", f.piano.ID), nil, &out)
		if out.Proposals != 0 || out.Empty == nil || out.Empty.Code != NoProposalCode ||
			!strings.HasPrefix(out.Empty.Message, "Per ora nessuna offerta adatta") {
			t.Fatalf("empty state = %d %+v", out.Proposals, out.Empty)
		}
		if len(out.Items) == 0 {
			t.Fatal("no weaker candidates for the piano: the case tests nothing")
		}
		for _, c := range out.Items {
			if c.Proposal {
				t.Errorf("proposed for the piano: %s %.2f", c.Posting.Title, c.Score)
			}
		}
		w := e.do("GET", fmt.Sprintf("/api/v1/postings/%d/candidates", f.piano.ID), nil, "Accept-Language", "en")
		if !strings.Contains(w.Body.String(), `"message":"No suitable offer for now`) {
			t.Errorf("English empty state: %s", w.Body.String())
		}
	})

	// relevance is what the API says of each candidate of a posting.
	relevance := func(id uint64) map[string]candidateView {
		var out candidateList
		e.must(200, "GET", fmt.Sprintf("/api/v1/postings/%d/candidates", id), nil, &out)
		m := map[string]candidateView{}
		for _, c := range out.Items {
			m[c.Posting.Title] = c
		}
		return m
	}

	t.Run("desk: proposals listed, the related folded, the unrelated left out", func(t *testing.T) {
		api := relevance(f.lamp.ID)
		if b, c := api[f.bulbs.Title], api[f.cook.Title]; b.Proposal || b.Relevance < minOtherRelevance || c.Relevance >= minOtherRelevance {
			t.Fatalf("the fixture no longer tells: bulbs %+v, cook %+v", b, c)
		}
		w := e.get(e.token, fmt.Sprintf("/desk/postings/%d", f.lamp.ID))
		body := w.Body.String()
		sees(t, w, 200, "Chi potrebbe rispondere", "Piccoli lavori elettrici", "!Per ora nessuna offerta adatta",
			"Altre offerte, meno adatte (1)", "!Insegno a cucinare piatti peruviani", "!Ancora nessuna proposta.")
		fold := strings.Index(body, `<details class="others">`)
		elec := strings.Index(body, "<h3>Piccoli lavori elettrici</h3>")
		bulbs := strings.Index(body, "<h3>"+f.bulbs.Title+"</h3>")
		if elec < 0 || fold < 0 || elec > fold || bulbs < fold {
			t.Fatalf("the electrician at %d, the light bulbs at %d, the fold at %d: want electrician < fold < bulbs", elec, bulbs, fold)
		}
		if !strings.Contains(visible(body), "Ancora nessuna proposta: scegline una tra i candidati qui sopra") {
			t.Errorf("no pointer to the candidates listed")
		}
	})

	t.Run("desk: nothing fits the piano, said plainly", func(t *testing.T) {
		api := relevance(f.piano.ID)
		if len(api) == 0 {
			t.Fatal("no weaker candidates for the piano: the case tests nothing")
		}
		for title, c := range api {
			if c.Relevance >= minOtherRelevance {
				t.Fatalf("%s shares something with the piano (%v): the case tests nothing", title, c.Relevance)
			}
		}
		w := e.get(e.token, fmt.Sprintf("/desk/postings/%d", f.piano.ID))
		body := w.Body.String()
		sees(t, w, 200, "Per ora nessuna offerta adatta", "!Altre offerte, meno adatte", "!Pulizie di casa",
			"Ancora nessuna proposta.", "!scegline una tra i candidati")
		if strings.Contains(body, `<details class="others">`) || strings.Contains(body, `action="/desk/propose"`) {
			t.Errorf("a candidate that shares nothing with the piano is listed")
		}
	})
}
