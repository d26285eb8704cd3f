package index

import "testing"

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
