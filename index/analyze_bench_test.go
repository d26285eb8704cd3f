package index

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/saperi/saperi"
)

// BenchmarkAnalyze runs the Italian analysis chain over a posting of
// typical length, as the engine does for every ranked candidate.
func BenchmarkAnalyze(b *testing.B) {
	ix := openTest(b, newFakeStore())
	text := "Offro ripetizioni di matematica e fisica per ragazzi delle medie e delle superiori. " +
		"Sono un'insegnante in pensione, disponibile il martedì e il giovedì pomeriggio nella biblioteca del quartiere."
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		if len(ix.Analyze(text)) == 0 {
			b.Fatal("no tokens")
		}
	}
}

// BenchmarkConcepts tags a posting of everyday length with the shipped
// concept files: labels, then word pairs.
func BenchmarkConcepts(b *testing.B) {
	ix, err := Open(context.Background(), filepath.Join(b.TempDir(), "index.bleve"), newFakeStore(), Options{}, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	p := &saperi.Posting{Kind: saperi.Need, Category: "casa", Languages: []string{"it"},
		Title: "Il lavello della cucina non scarica più",
		Description: "Da qualche giorno l'acqua del lavello scende piano e fa cattivo odore; ho provato con l'acqua calda e il bicarbonato " +
			"ma niente. Abito al terzo piano senza ascensore, sono a casa il mattino. Mia figlia lavora fino a tardi e non sa " +
			"come fare. Se serve compro io il pezzo da cambiare, il sifone o il tubo, basta che qualcuno mi dica quale."}
	b.ReportAllocs()
	for b.Loop() {
		ix.Concepts(p)
	}
}

// BenchmarkBuildConcepts builds the shipped concept set from the analysed
// files, as every process does at start-up and as a hub's change of its
// own concepts does again: the labels' strengths are counted here.
func BenchmarkBuildConcepts(b *testing.B) {
	l, err := loadLexicon(newAnalyzerForTest(b))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := buildConcepts(l.raws, l.it, l.foreignTF, l.lowInfo, "bench"); err != nil {
			b.Fatal(err)
		}
	}
}
