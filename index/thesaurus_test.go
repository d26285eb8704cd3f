package index

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/matcher"
)

func TestCuratedThesaurus(t *testing.T) {
	ix := openTest(t, newFakeStore())
	th := ix.curated
	if len(th.groups) < 300 {
		t.Errorf("curated thesaurus has %d groups; want the full list (300+)", len(th.groups))
	}
	// Every group line must survive analysis with at least two distinct
	// expressions, or it was written wrongly (e.g. only stop words).
	lines := 0
	for _, line := range strings.Split(curatedText, "\n") {
		line, _, _ = strings.Cut(line, "#")
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "@") {
			lines++
		}
	}
	if lines != len(th.groups) {
		t.Errorf("%d group lines but %d groups: a line analyses to fewer than two expressions", lines, len(th.groups))
	}
	for cat := range th.categories {
		if _, ok := saperi.CategoryByID(saperi.DefaultCategories, cat); !ok {
			t.Errorf("keywords for unknown category %q", cat)
		}
	}
	for _, c := range saperi.DefaultCategories {
		if c.ID != "altro" && len(th.categories[c.ID]) == 0 {
			t.Errorf("category %q has no keywords", c.ID)
		}
	}
}

func TestRelated(t *testing.T) {
	ix := openTest(t, newFakeStore())
	term := func(w string) string {
		toks := ix.Analyze(w)
		if len(toks) != 1 {
			t.Fatalf("Analyze(%q) = %v", w, toks)
		}
		return toks[0].Term
	}
	tests := []struct{ word, related string }{
		{"maestra", "insegnante"},
		{"badante", "assistente"},
		{"imbianchino", "tinteggiatore"},
		{"dottore", "medico"},
		{"idraulico", "termoidraulico"},
		{"cellulare", "smartphone"},
		{"dottoressa", "medico"}, // feminine form reaches the same group
	}
	for _, tt := range tests {
		t.Run(tt.word, func(t *testing.T) {
			got := ix.Related(term(tt.word))
			if !slices.Contains(got, term(tt.related)) {
				t.Errorf("Related(%s) = %v, want it to include %s", tt.word, got, term(tt.related))
			}
			if slices.Contains(got, term(tt.word)) {
				t.Errorf("Related(%s) includes the term itself", tt.word)
			}
		})
	}
	if got := ix.Related(term("sedia")); len(got) != 0 {
		t.Errorf("Related(sedia) = %v, want none", got)
	}
}

func TestExpandMultiWord(t *testing.T) {
	ix := openTest(t, newFakeStore())
	terms := ix.an.terms("maestra elementare")
	var keys []string
	for _, e := range expand(ix.layers(), terms) {
		keys = append(keys, e.terms.key())
		if e.weight != ix.opts.SynonymWeight {
			t.Errorf("expansion %s weighs %v, want the synonym weight %v", e.terms.key(), e.weight, ix.opts.SynonymWeight)
		}
	}
	want := strings.Join(ix.an.terms("insegnante di scuola primaria"), " ")
	if !slices.Contains(keys, want) {
		t.Errorf("expand(maestra elementare) = %v, want %q among them", keys, want)
	}
	if slices.Contains(keys, strings.Join(terms, " ")) {
		t.Errorf("expand returned the query itself")
	}
}

func TestGeneralThesaurusFallback(t *testing.T) {
	ix := openTest(t, newFakeStore())
	g, err := loadMythes(ix.an, "testdata/th_test.dat")
	if err != nil {
		t.Fatal(err)
	}
	// calzolaio/ciabattino (one-word synonyms), veloce/rapido/svelto; the
	// adverb entry and the multi-word gloss are skipped.
	if len(g.groups) != 3 {
		t.Errorf("loaded %d groups, want 3", len(g.groups))
	}
	if _, ok := g.byKey[strings.Join(ix.an.terms("riparatore di scarpe"), " ")]; ok {
		t.Error("a multi-word gloss was loaded as a synonym")
	}
	ix.general = g
	clear(ix.relCache)
	// veloce: only in the general layer, so retrieval expands it; ranking
	// (Related) does not trust so loose a link.
	veloce, rapido := ix.an.terms("veloce")[0], ix.an.terms("rapido")[0]
	if !slices.ContainsFunc(expand(ix.layers(), []string{veloce}), func(e expansion) bool { return slices.Contains(e.terms, rapido) }) {
		t.Errorf("expand(veloce) lacks rapido from the general thesaurus")
	}
	if got := ix.Related(veloce); slices.Contains(got, rapido) {
		t.Errorf("Related(veloce) = %v: the general thesaurus must not count in ranking", got)
	}
	// calzolaio is in the curated list: the general layer is not consulted,
	// and the expansion weighs as a curated synonym.
	for _, e := range expand(ix.layers(), ix.an.terms("calzolaio")) {
		if e.weight != ix.opts.SynonymWeight {
			t.Errorf("calzolaio → %s at weight %v: the general layer was used for a curated word", e.terms.key(), e.weight)
		}
	}
	if _, err := loadMythes(ix.an, "testdata/missing.dat"); err == nil {
		t.Error("loading a missing file: no error")
	}
}

func TestRetrieveThroughSynonym(t *testing.T) {
	ctx := context.Background()
	st := newFakeStore()
	st.put(
		posting(10, "Insegnante in pensione, aiuto con i compiti", mode(saperi.Remote)),
		posting(11, "Maestra in pensione, aiuto con i compiti", mode(saperi.Remote)),
		posting(12, "Lezioni di chitarra", mode(saperi.Remote)),
	)
	ix := openTest(t, st)
	need := posting(1, "Cerco una maestra per mio figlio", mode(saperi.Remote), func(p *saperi.Posting) { p.Kind = saperi.Need })
	hits, err := ix.Retrieve(ctx, matcher.Query{Target: need, Kind: saperi.Offer, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	var ids []uint64
	for _, h := range hits {
		ids = append(ids, h.ID)
	}
	// The word written ranks above its synonym; the unrelated offer is
	// not found.
	if !slices.Equal(ids, []uint64{11, 10}) {
		t.Errorf("hits %v, want [11 10]", ids)
	}

	// A hub synonym takes effect at once, without re-indexing.
	need.Title = "Cerco un tutor di chitarra"
	before, err := ix.Retrieve(ctx, matcher.Query{Target: need, Kind: saperi.Offer, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	ix.SetSynonyms([][]string{{"tutor", "lezioni"}})
	after, err := ix.Retrieve(ctx, matcher.Query{Target: need, Kind: saperi.Offer, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if len(before) != 1 || len(after) != 1 || !(after[0].Score > before[0].Score) {
		t.Errorf("hub synonym tutor=lezioni: before %v, after %v; want the chitarra offer to score higher", before, after)
	}
	if got := ix.Related(ix.an.terms("tutor")[0]); !slices.Contains(got, ix.an.terms("lezioni")[0]) {
		t.Errorf("Related(tutor) after SetSynonyms = %v", got)
	}
}

func TestFuzzyOnlyForUnknownWords(t *testing.T) {
	ctx := context.Background()
	st := newFakeStore()
	st.put(
		posting(10, "Ripetizioni di matematica", mode(saperi.Remote)),
		posting(11, "Cassa e contabilità", mode(saperi.Remote)),
	)
	ix := openTest(t, st)
	find := func(title string) []uint64 {
		need := posting(1, title, mode(saperi.Remote), func(p *saperi.Posting) { p.Kind = saperi.Need })
		hits, err := ix.Retrieve(ctx, matcher.Query{Target: need, Kind: saperi.Offer, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		var ids []uint64
		for _, h := range hits {
			ids = append(ids, h.ID)
		}
		return ids
	}
	if got := find("matematcia"); !slices.Equal(got, []uint64{10}) {
		t.Errorf("typo matematcia: %v, want [10]", got)
	}
	if got := find("ripetizoni"); !slices.Equal(got, []uint64{10}) {
		t.Errorf("typo ripetizoni: %v, want [10]", got)
	}
	// "casse" is a known word's neighbour only if unknown itself; "cassa"
	// is known, so it does not drift to other words.
	if got := find("casa"); len(got) != 0 {
		t.Errorf("casa (short, too short for typos): %v, want nothing", got)
	}
}

func TestSuggestCategory(t *testing.T) {
	ix := openTest(t, newFakeStore())
	tests := []struct{ text, want string }{
		{"Mi serve aiuto per fare lo SPID e la posta elettronica", "digitale"},
		{"Cerco ripetizioni di matematica per mio figlio alle medie", "scuola"},
		{"Perde il rubinetto del bagno, cerco un idraulico", "casa"},
		{"Chi porta a spasso il mio cane il martedì?", "animali"},
		{"Vorrei fare conversazione in inglese", "lingue"},
		{"Compilare la domanda ISEE al CAF", "burocrazia"},
		{"Buongiorno a tutti", ""},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got, share := ix.SuggestCategory(tt.text)
			if got != tt.want {
				t.Errorf("SuggestCategory(%q) = %q (%.2f), want %q", tt.text, got, share, tt.want)
			}
			if got != "" && (share <= 0 || share > 1) {
				t.Errorf("share %v out of (0,1]", share)
			}
		})
	}
}

func TestSearchThroughSynonym(t *testing.T) {
	ctx := context.Background()
	st := newFakeStore()
	st.put(
		posting(1, "Medico in pensione, consigli per la salute"),
		posting(2, "Il dottore risponde: consigli per la salute"),
		posting(3, "Lezioni di chitarra"),
	)
	ix := openTest(t, st)
	hits, total, err := ix.Search(ctx, "dottore salute", SearchFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []uint64
	for _, h := range hits {
		ids = append(ids, h.ID)
	}
	// Both words must match, the first through its synonym for posting 1;
	// the word as written ranks first.
	if total != 2 || !slices.Equal(ids, []uint64{2, 1}) {
		t.Errorf("search dottore salute = %v (total %d), want [2 1]", ids, total)
	}
}

// The example of the design brief: "cerco una maestra per mio figlio"
// finds "offro ripetizioni elementari".
func TestDesignExample(t *testing.T) {
	st := newFakeStore()
	st.put(
		posting(10, "Offro ripetizioni elementari", mode(saperi.Remote)),
		posting(11, "Offro lezioni di chitarra", mode(saperi.Remote)),
	)
	ix := openTest(t, st)
	need := posting(1, "Cerco una maestra per mio figlio", mode(saperi.Remote), func(p *saperi.Posting) { p.Kind = saperi.Need })
	hits, err := ix.Retrieve(context.Background(), matcher.Query{Target: need, Kind: saperi.Offer, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 1 || hits[0].ID != 10 {
		t.Errorf("hits %v, want only the ripetizioni offer", hits)
	}
}
