package index

import (
	"context"
	"log/slog"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/matcher"
)

// testConcepts are concepts written for these tests, in the format of the
// concept files.
const testConcepts = `
# a comment
[t-manutenzione]
cat: casa
it: manutenzione della casa | piccole riparazioni domestiche | tuttofare | riparazioni in casa
en: handyman | home repairs

[t-elettrico]
cat: casa
parent: t-manutenzione
it: piccoli lavori elettrici | elettricista | lampadario | plafoniera | interruttore
it?: presa | luce
problem: le prese non vanno | salta la corrente | la luce non si accende
en: electrician | socket not working
fr: électricien | prise qui ne marche pas
ar: كهربائي | الكهرباء لا تعمل
uk: електрик | не працює розетка

[t-idraulico]
cat: casa
parent: t-manutenzione
it: piccoli interventi idraulici | idraulico | rubinetto | sifone
problem: rubinetto perde | lavandino intasato
en: plumber | leaking tap

[t-ciclofficina]
cat: sport
it: ciclofficina | riparazione biciclette | riparo biciclette
problem: non ho una bicicletta | la catena salta

[t-telefonia]
cat: digitale
it: compagnia telefonica | gestore telefonico | cambiare operatore
en: phone company

[t-compagnia]
cat: compagnia
it: compagnia | stare in compagnia | due chiacchiere
en: company

[t-cucinare]
cat: cucina
it: corso di cucina | ricette tradizionali | imparare a cucinare | casa
it?: cucina
en: cooking class | learn to cook
`

func openConcepts(tb testing.TB, st Store) *Index {
	tb.Helper()
	ix, err := Open(context.Background(), filepath.Join(tb.TempDir(), "index.bleve"), st,
		Options{Now: func() time.Time { return now }, ExtraConcepts: []byte(testConcepts), onlyExtraConcepts: true}, slog.New(slog.DiscardHandler))
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() { ix.Close() })
	return ix
}

func conceptIDs(ms []matcher.ConceptMatch) []string {
	out := []string{}
	for _, m := range ms {
		out = append(out, m.ID)
	}
	return out
}

func TestConceptsOf(t *testing.T) {
	ix := openConcepts(t, newFakeStore())
	tests := []struct {
		name, text, category string
		want                 []string
	}{
		{"one-word label", "Cerco un elettricista per il bagno", "", []string{"t-elettrico"}},
		{"gender and number", "Monto lampadari e plafoniere", "", []string{"t-elettrico"}},
		{"multiword label in any order, within a few words", "Perde il rubinetto del bagno da ieri", "", []string{"t-idraulico"}},
		{"multiword label too spread out", "Il rubinetto è nuovo, ma il vicino dice che la caldaia perde", "", []string{"t-idraulico"}},
		{"problem phrase", "Da stamattina le prese della cucina non vanno", "casa", []string{"t-elettrico"}},
		{"ambiguous label in its category", "La presa del bagno fa scintille", "casa", []string{"t-elettrico"}},
		{"ambiguous label in another category", "Sono alle prese con la matematica", "scuola", []string{}},
		{"ambiguous label with another of the concept", "Una presa e un interruttore da cambiare", "scuola", []string{"t-elettrico"}},
		{"homonym: the room", "In cucina si è rotta la plafoniera", "casa", []string{"t-elettrico"}},
		{"homonym: the food", "Mi piace la cucina piemontese", "cucina", []string{"t-cucinare"}},
		{"filler label is dropped", "Cerco casa in affitto", "", []string{}},
		{"a word inside a longer label of another concept", "Voglio cambiare compagnia telefonica", "compagnia", []string{"t-telefonia"}},
		{"the word alone", "Cerco compagnia il pomeriggio", "compagnia", []string{"t-compagnia"}},
		{"a problem phrase left with one word, in another category", "Regalo una bicicletta da bambino", "bambini", []string{}},
		{"a problem phrase left with one word, in its category", "Vendo una bicicletta", "sport", []string{"t-ciclofficina"}},
		{"english", "I need an electrician, the socket is not working", "", []string{"t-elettrico"}},
		{"french", "Je cherche un électricien", "", []string{"t-elettrico"}},
		{"arabic", "أحتاج كهربائي في البيت", "", []string{"t-elettrico"}},
		{"ukrainian", "Потрібен електрик, не працює розетка", "", []string{"t-elettrico"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := conceptIDs(ix.ConceptsOf(tc.text, tc.category))
			if !slices.Equal(got, tc.want) {
				t.Fatalf("ConceptsOf(%q) = %v, want %v", tc.text, got, tc.want)
			}
		})
	}
}

// A label of one telling word among filler words is as sure as its words
// together: in the shipped files "elettrico" is used by the labels of
// several concepts, "piccoli lavori elettrici" (piccoli and lavori say
// little) names one fully.
func TestLabelStrengthOfWordsTogether(t *testing.T) {
	ix, err := Open(context.Background(), filepath.Join(t.TempDir(), "index.bleve"), newFakeStore(), Options{}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	p := &saperi.Posting{Title: "Piccoli lavori elettrici", Category: "casa", Languages: []string{"it"}}
	i := slices.IndexFunc(ix.Concepts(p), func(m matcher.ConceptMatch) bool { return m.ID == "piccoli-lavori-elettrici" })
	if i < 0 || ix.Concepts(p)[i].Strength != 1 {
		t.Errorf("the concept's own name in a title: %+v", ix.Concepts(p))
	}
	// A label of several telling words is sure of its concept unless
	// another concept's labels use all of them too.
	const shared = `
[s-oss]
cat: salute
it: operatore socio sanitario | assistenza a domicilio

[s-corso-oss]
cat: lavoro
it: corso per operatore socio sanitario | qualifica professionale
`
	sx, err := Open(context.Background(), filepath.Join(t.TempDir(), "shared.bleve"), newFakeStore(),
		Options{ExtraConcepts: []byte(shared), onlyExtraConcepts: true}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer sx.Close()
	for _, tc := range []struct {
		text string
		want map[string]float64
	}{
		{"Sono operatore socio sanitario", map[string]float64{"s-oss": 0.7603}}, // √0.8 × 0.85 in a description
		{"Assistenza a domicilio", map[string]float64{"s-oss": 0.85}},
		// The longer label holds the shorter one's words: they name the course.
		{"Un corso per operatore socio sanitario", map[string]float64{"s-corso-oss": 0.85}},
	} {
		got := map[string]float64{}
		for _, m := range sx.ConceptsOf(tc.text, "salute") {
			got[m.ID] = m.Strength
			if want := map[string]float64{"operatore socio sanitario": 0.8944, "assistenza a domicilio": 1, "corso per operatore socio sanitario": 1}[m.Label]; m.LabelStrength != want {
				t.Errorf("%q: label %q of strength %v, want %v", tc.text, m.Label, m.LabelStrength, want)
			}
		}
		if !maps.Equal(got, tc.want) {
			t.Errorf("ConceptsOf(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
	if s := sharedBy(map[string]map[string]bool{"a": {"x": true, "y": true}, "b": {"x": true}}, []string{"a", "b"}); s != 1 {
		t.Errorf("sharedBy = %d, want 1", s)
	}
}

func TestConceptMatchNamesWhatMatched(t *testing.T) {
	ix := openConcepts(t, newFakeStore())
	ms := ix.Concepts(posting(1, "Mi si è rotta la plafoniera", func(p *saperi.Posting) { p.Category = "casa" }))
	i := slices.IndexFunc(ms, func(m matcher.ConceptMatch) bool { return m.ID == "t-elettrico" })
	if i < 0 {
		t.Fatalf("got %+v", ms)
	}
	m := ms[i]
	if m.Name != "piccoli lavori elettrici" || m.Label != "plafoniera" || !m.InTitle || m.Parent != "t-manutenzione" ||
		!slices.Equal(m.Words, []string{"plafoniera"}) {
		t.Fatalf("got %+v", m)
	}
}

func TestParseConceptsErrors(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"key before any concept", "cat: casa\n", "before the first"},
		{"unknown key", "[a]\ncat: casa\nde: Elektriker\n", "not a key"},
		{"bad id", "[Piccoli lavori]\n", "bad concept id"},
		{"two categories", "[a]\ncat: casa\ncat: scuola\n", "two cat"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseConcepts("t.txt", strings.NewReader(tc.text))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error saying %q", err, tc.want)
			}
		})
	}
}

func TestBuildConceptsErrors(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"unknown category", "[a]\ncat: cose\nit: x y\n", "not a category"},
		{"unknown parent", "[a]\ncat: casa\nparent: b\nit: x y\n", "not a concept"},
		{"duplicate id", "[a]\ncat: casa\nit: x y\n[a]\ncat: casa\nit: z w\n", "defined twice"},
		{"no Italian label", "[a]\ncat: casa\nen: x\n", "no it: label"},
	}
	l, err := loadLexicon(newAnalyzerForTest(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := l.with([]byte(tc.text), false)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error saying %q", err, tc.want)
			}
		})
	}
}

// TestEmbeddedConcepts loads the concept files that ship with Saperi:
// they parse, and few labels are dropped as filler.
func TestEmbeddedConcepts(t *testing.T) {
	l, err := loadLexicon(newAnalyzerForTest(t))
	if err != nil {
		t.Fatal(err)
	}
	n := len(l.concepts.byID)
	t.Logf("%d concepts, %d labels dropped", n, len(l.concepts.dropped))
	for _, d := range l.concepts.dropped {
		t.Logf("dropped %s", d)
	}
	if n > 0 && len(l.concepts.dropped) > n/10 {
		t.Fatalf("%d labels dropped of %d concepts: fix the data", len(l.concepts.dropped), n)
	}
}

// TestConceptVersionRebuilds: an index built with other concepts is
// rebuilt at Open, so every posting carries the concepts of the files.
func TestConceptVersionRebuilds(t *testing.T) {
	st := newFakeStore()
	st.put(posting(10, "Elettricista esperto"))
	dir := filepath.Join(t.TempDir(), "index.bleve")
	ix := openAt(t, dir, st)
	ix.Close()
	ix, err := Open(context.Background(), dir, st, Options{Now: func() time.Time { return now }, ExtraConcepts: []byte(testConcepts)}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	need := posting(1, "Le prese non vanno", func(p *saperi.Posting) { p.Kind = saperi.Need; p.Category = "casa" })
	hs, err := ix.Retrieve(context.Background(), matcher.Query{Target: need, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ids(hs), []uint64{10}) {
		t.Fatalf("got %v: the index was not re-tagged with the new concepts", ids(hs))
	}
}

func TestRetrieveThroughConcepts(t *testing.T) {
	st := newFakeStore()
	st.put(
		posting(10, "Piccoli lavori elettrici, lampadari e interruttori", func(p *saperi.Posting) { p.Category = "casa" }),
		posting(11, "Insegno a cucinare piatti peruviani", func(p *saperi.Posting) { p.Category = "cucina" }),
		posting(12, "Idraulico in pensione, riparo rubinetti", func(p *saperi.Posting) { p.Category = "casa" }),
		posting(13, "Tuttofare: piccole riparazioni domestiche", func(p *saperi.Posting) { p.Category = "casa" }),
	)
	ix := openConcepts(t, st)
	need := func(title string) *saperi.Posting {
		return posting(1, title, func(p *saperi.Posting) { p.Kind = saperi.Need; p.Category = "casa" })
	}
	tests := []struct {
		name string
		need *saperi.Posting
		want []uint64
	}{
		// No shared word: the concept finds the electrician first, its
		// broader concept (the handyman) after.
		{"problem to skill", need("Mi si è rotta la plafoniera in cucina"), []uint64{10, 13}},
		{"foreign need", need("The lights don't work, I need an electrician"), []uint64{10, 13}},
		{"broader need finds narrower offers", need("Cerco un tuttofare"), []uint64{13}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hs, err := ix.Retrieve(context.Background(), matcher.Query{Target: tc.need, Now: now})
			if err != nil {
				t.Fatal(err)
			}
			got := ids(hs)
			if len(got) < len(tc.want) || !slices.Equal(got[:len(tc.want)], tc.want) {
				t.Fatalf("got %v, want %v first", got, tc.want)
			}
			if tc.name == "broader need finds narrower offers" && !(slices.Contains(got, 10) && slices.Contains(got, 12)) {
				t.Fatalf("got %v: the narrower offers (10, 12) are missing", got)
			}
		})
	}
}

func TestDetectLanguage(t *testing.T) {
	tests := []struct{ text, want string }{
		{"Cerco qualcuno che mi aiuti con il computer", "it"},
		{"Offro ripetizioni di matematica per le medie", "it"},
		{"I am looking for someone to help my son with homework", "en"},
		{"Je cherche une aide pour mon fils", "fr"},
		{"Busco a alguien que me ayude con los papeles", "es"},
		{"Caut pe cineva care să mă ajute cu actele", "ro"},
		{"Kërkoj dikë që të më ndihmojë me dokumentet", "sq"},
		{"أبحث عن شخص يساعدني", "ar"},
		{"Шукаю допомогу з документами", "uk"},
		{"Lampadario", "it"},
	}
	for _, tc := range tests {
		t.Run(tc.want+" "+tc.text, func(t *testing.T) {
			if got := DetectLanguage(tc.text); got != tc.want {
				t.Fatalf("DetectLanguage(%q) = %s, want %s", tc.text, got, tc.want)
			}
		})
	}
}

func newAnalyzerForTest(tb testing.TB) analysis.Analyzer {
	tb.Helper()
	im, err := buildMapping()
	if err != nil {
		tb.Fatal(err)
	}
	return im.AnalyzerNamed(analyzerName)
}

// A text too short for detection is also read in the languages its
// author speaks: "Plumber needed" reads as Italian to DetectLanguage.
func TestConceptsInTheAuthorsLanguages(t *testing.T) {
	ix := openConcepts(t, newFakeStore())
	p := &saperi.Posting{Title: "Plumber, urgent", Category: "casa"}
	if DetectLanguage(p.Title) != "it" {
		t.Skip("detection reads the title as English: the case is moot")
	}
	if got := conceptIDs(ix.Concepts(p)); len(got) != 0 {
		t.Fatalf("without a declared language: %v", got)
	}
	p.Languages = []string{"it", "en"}
	if got := conceptIDs(ix.Concepts(p)); !slices.Equal(got, []string{"t-idraulico"}) {
		t.Fatalf("declared English: %v", got)
	}
}

// SetConcepts re-tags the postings already indexed with a hub's concept,
// without reopening; concepts that do not load change nothing.
func TestSetConcepts(t *testing.T) {
	st := newFakeStore()
	ix := openConcepts(t, st)
	p := posting(1, "Porto i bambini a scuola con la bici cargo", func(p *saperi.Posting) { p.Category = "commissioni" })
	st.put(p)
	if _, err := ix.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, ok := ix.Concept("bici-cargo"); ok {
		t.Fatal("the concept is known before it is set")
	}
	cargo := []byte("[bici-cargo]\ncat: commissioni\nit: bici cargo | bicicletta da carico\n")
	if err := ix.SetConcepts(context.Background(), cargo); err != nil {
		t.Fatal(err)
	}
	if _, ok := ix.Concept("bici-cargo"); !ok {
		t.Fatal("the concept is not known after SetConcepts")
	}
	if !slices.Contains(ix.conceptIDs(p), "bici-cargo") {
		t.Fatalf("the posting is not tagged: %v", ix.conceptIDs(p))
	}
	ix.mu.RLock()
	res, err := ix.idx.Search(bleve.NewSearchRequest(termQ(fConcepts, "bici-cargo", 1)))
	ix.mu.RUnlock()
	if err != nil || res.Total != 1 {
		t.Fatalf("the indexed posting does not hold the concept: %v %v", res, err)
	}
	bad := []byte("[x-bici]\ncat: commissioni\nparent: nessuno\nit: bici strana\n")
	if err := ix.CheckConcepts(bad); err == nil {
		t.Error("CheckConcepts accepted an unknown parent")
	}
	if err := ix.SetConcepts(context.Background(), bad); err == nil {
		t.Error("SetConcepts accepted an unknown parent")
	}
	if _, ok := ix.Concept("bici-cargo"); !ok {
		t.Error("a refused set changed the concepts")
	}
}

// Two words near each other that few concepts' labels both use name those
// concepts, at half a label's strength at most, when no label found them.
func TestConceptPairs(t *testing.T) {
	const pairConcepts = `
[p-idraulico]
cat: casa
it: idraulico | lavandino intasato | rubinetto che perde
en: plumber | blocked sink | leaking tap

[p-cucina]
cat: cucina
it: corso di cucina | ricette di casa

[p-corsi]
cat: scuola
it: corso di lingua | scuola di cucina

[p-orto]
cat: verde
it: orto urbano | semina stagionale

[p-giardino]
cat: verde
it: giardino urbano | semina del prato
`
	ix, err := Open(context.Background(), filepath.Join(t.TempDir(), "index.bleve"), newFakeStore(),
		Options{Now: func() time.Time { return now }, ExtraConcepts: []byte(pairConcepts), onlyExtraConcepts: true}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	tests := []struct {
		name, text string
		want       map[string]float64 // concept → strength
	}{
		{"two words of one concept's labels", "Il lavandino perde da ieri", map[string]float64{"p-idraulico": 0.425}},
		{"too far apart", "Il lavandino è nuovo, ma il quadro che ho appeso ieri in salotto perde la cornice", map[string]float64{}},
		{"filler words make no pair", "Cucina di casa", map[string]float64{}},
		{"a pair adds nothing to a label found", "Il lavandino intasato perde", map[string]float64{"p-idraulico": 0.85}},
		{"in the text's own language", "The sink is leaking", map[string]float64{"p-idraulico": 0.425}},
		// p-corsi's labels use corso and cucina too: the label is a little
		// less sure of its concept, √0.8 × 0.85, and names p-corsi not at all.
		{"a label says what its words mean together", "Un corso di cucina", map[string]float64{"p-cucina": 0.7603}},
		{"words two concepts share name both, less", "Una semina urbana", map[string]float64{"p-orto": 0.34, "p-giardino": 0.34}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := map[string]float64{}
			for _, m := range ix.ConceptsOf(tc.text, "casa") {
				got[m.ID] = m.Strength
				if m.Strength < 0.5 && m.LabelStrength != 0 { // a pair of words is no label
					t.Errorf("%q: a pair with label strength %v", tc.text, m.LabelStrength)
				}
			}
			if !maps.Equal(got, tc.want) {
				t.Fatalf("ConceptsOf(%q) = %v, want %v", tc.text, got, tc.want)
			}
		})
	}
	// Labels of every field come first: a pair in the title adds nothing
	// to the concept a label names in the description.
	p := &saperi.Posting{Title: "Il lavandino perde", Description: "Lavandino intasato da ieri", Category: "casa", Languages: []string{"it"}}
	if ms := ix.Concepts(p); len(ms) != 1 || ms[0].ID != "p-idraulico" || ms[0].Strength != 0.85 || ms[0].InTitle {
		t.Errorf("a pair in the title, a label in the description: %+v", ms)
	}
}

// A concept found by a pair of words alone is a lead for ranking, never a
// proposal: its relevance is under the threshold, so however well place
// and time fit the pair scores under it, where the same concept named by
// a label on both sides is proposed.
func TestPairAloneIsNoProposal(t *testing.T) {
	at := &saperi.Point{Lat: 45.07, Lon: 7.69}
	slots := []saperi.Slot{{Day: 3, From: 540, To: 720}}
	need := &saperi.Posting{ID: 1, Kind: saperi.Need, Category: "casa", Languages: []string{"it"}, Created: now, Updated: now,
		Point: at, Slots: slots, Mode: saperi.InPerson}
	offer := &saperi.Posting{ID: 2, Kind: saperi.Offer, Category: "casa", Languages: []string{"it"}, Created: now, Updated: now,
		Point: at, Slots: slots, Mode: saperi.InPerson, Capacity: 1}
	c := matcher.Concept{ID: "x", Name: "x", Category: "casa"}
	rank := func(strength float64) matcher.Ranked {
		sc := []matcher.SharedConcept{{Concept: c, Other: c, Via: matcher.ConceptSame, Strength: strength}}
		return matcher.NewScorer(matcher.Weights{}).Score(need, matcher.Candidate{Posting: offer, Concepts: sc}, now)
	}
	if r := rank(pairStrength * 1); r.Relevance >= matcher.DefaultThreshold || r.Score >= matcher.DefaultThreshold {
		t.Errorf("a concept found by a pair: relevance %.3f, score %.3f (fit %.2f), at or above the threshold %.2f",
			r.Relevance, r.Score, r.Fit, matcher.DefaultThreshold)
	}
	if r := rank(1); r.Score < matcher.DefaultThreshold || r.Fit < 0.9 {
		t.Errorf("the concept named by labels: score %.3f (fit %.2f), want a proposal with a near-perfect fit", r.Score, r.Fit)
	}
}
