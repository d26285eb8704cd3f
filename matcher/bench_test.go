package matcher_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/matcher"
)

// BenchmarkRank scores and sorts a candidate pool of the size the engine
// ranks per request.
func BenchmarkRank(b *testing.B) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	r := rand.New(rand.NewPCG(1, 2))
	target := &saperi.Posting{ID: 1, Kind: saperi.Need, ProfileID: 1, Category: "scuola", Mode: saperi.InPerson,
		Point: &saperi.Point{Lat: 45.07, Lon: 7.68}, MaxDistanceKm: 5, Languages: []string{"it", "fr"},
		Slots: []saperi.Slot{{Day: 2, From: 540, To: 720}}}
	cands := make([]matcher.Candidate, 100)
	for i := range cands {
		p := &saperi.Posting{ID: uint64(i + 2), Kind: saperi.Offer, ProfileID: uint64(i + 2), Category: []string{"scuola", "digitale"}[i%2],
			Mode: saperi.Either, Point: &saperi.Point{Lat: 45.07 + r.Float64()/50, Lon: 7.68 + r.Float64()/50}, MaxDistanceKm: 5,
			Languages: []string{"it"}, Slots: []saperi.Slot{{Day: 1 + i%7, From: 600, To: 780}}, Capacity: 3,
			Created: now.Add(-time.Duration(i) * time.Hour), Updated: now.Add(-time.Duration(i) * time.Hour)}
		cands[i] = matcher.Candidate{Posting: p, TextScore: r.Float64() * 10, Words: r.Float64() * 2, WordsOf: 2, Active: i % 4,
			Terms: []saperi.TermMatch{{Word: "matematica", Other: "matematica", Via: saperi.ViaExact}}}
	}
	s := matcher.NewScorer(matcher.Weights{})
	b.ReportAllocs()
	for b.Loop() {
		if len(s.Rank(target, cands, now)) != 100 {
			b.Fatal("lost candidates")
		}
	}
}

// BenchmarkMatchTerms finds the shared words of a need and an offer of
// typical length.
func BenchmarkMatchTerms(b *testing.B) {
	mk := func(prefix string, n int) []matcher.Token {
		out := make([]matcher.Token, n)
		for i := range out {
			w := fmt.Sprintf("%s%d", prefix, i%17)
			out[i] = matcher.Token{Term: w, Word: w}
		}
		return out
	}
	want, have := mk("parola", 12), mk("parola", 60)
	b.ReportAllocs()
	for b.Loop() {
		if _, cov := matcher.MatchTerms(want, have, nil); cov == 0 {
			b.Fatal("no match")
		}
	}
}
