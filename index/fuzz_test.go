package index

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzAnalyze feeds arbitrary text, as people type it into a post or a
// search box, to the analysis chain: it must not panic, must be
// deterministic, and every token must quote a word of the input.
func FuzzAnalyze(f *testing.F) {
	for _, s := range []string{
		"L'insegnante di matematica", "dell’anziano", "Cerco qualcuno per la spesa", "PERCHÉ più",
		"title:foo +bar ~2 AND (", "ciao \xff\xfe", "", "'''", "l'", "a-b-c", "città, città!", "😀 aiuto",
		strings.Repeat("parola ", 500),
	} {
		f.Add(s)
	}
	ix := openTest(f, newFakeStore())
	f.Fuzz(func(t *testing.T, text string) {
		a := ix.Analyze(text)
		b := ix.Analyze(text)
		if len(a) != len(b) {
			t.Fatalf("not deterministic: %v vs %v", a, b)
		}
		for i, tok := range a {
			if tok != b[i] {
				t.Fatalf("not deterministic at %d: %v vs %v", i, tok, b[i])
			}
			if tok.Term == "" {
				t.Fatalf("empty term in %v", a)
			}
			if tok.Word != "" && !strings.Contains(text, tok.Word) {
				t.Fatalf("word %q is not in the text %q", tok.Word, text)
			}
			if utf8.ValidString(text) && !utf8.ValidString(tok.Term) {
				t.Fatalf("invalid UTF-8 term %q from valid text", tok.Term)
			}
		}
	})
}

// FuzzMythes feeds arbitrary files to the MyThes loader (an admin points
// --thesaurus at whatever file they have): it must not panic, and what it
// loads must hold the thesaurus invariants: groups of at least two
// non-empty expressions, each findable by its key, and expansion over it
// must work.
func FuzzMythes(f *testing.F) {
	for _, s := range []string{
		"UTF-8\ncalzolaio|1\n(s.m.)|ciabattino|riparatore di scarpe\nveloce|1\n(agg.)|rapido|svelto\n",
		"UTF-8\n(s.)|senza testa\n", "ISO8859-1\nx|1\n(s.)|y\n", "", "UTF-8", "UTF-8\n|\n(|\n(v.)|||\n",
		"UTF-8\nl'acqua|1\n(s.f.)|acqua\n", "UTF-8\nparola|1\n(agg.)|" + strings.Repeat("a|", 300) + "\n",
	} {
		f.Add([]byte(s))
	}
	ix := openTest(f, newFakeStore())
	f.Fuzz(func(t *testing.T, raw []byte) {
		th, err := parseMythes(ix.an, bytes.NewReader(raw))
		if err != nil {
			if th != nil {
				t.Fatal("a thesaurus along with an error")
			}
			return
		}
		for gi, g := range th.groups {
			if len(g) < 2 {
				t.Fatalf("group %d has %d expressions", gi, len(g))
			}
			for _, e := range g {
				if len(e) == 0 || len(e) > th.maxLen {
					t.Fatalf("group %d: expression %q (max length %d)", gi, e, th.maxLen)
				}
				if !slices.Contains(th.byKey[e.key()], gi) {
					t.Fatalf("expression %q of group %d is not indexed", e.key(), gi)
				}
			}
			for _, e := range expand([]layer{{th: th, weight: 0.5}}, g[0]) {
				if len(e.terms) == 0 {
					t.Fatalf("empty expansion of %q", g[0].key())
				}
			}
		}
	})
}
