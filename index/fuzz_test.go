package index

import (
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
