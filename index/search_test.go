package index

import (
	"context"
	"log/slog"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/saperi/saperi"
)

func TestSearch(t *testing.T) {
	ctx := context.Background()
	age := func(h int) func(*saperi.Posting) {
		return func(p *saperi.Posting) { p.Updated = now.Add(-time.Duration(h) * time.Hour) }
	}
	st := newFakeStore()
	st.put(
		posting(1, "Lezioni di violino", age(5), func(p *saperi.Posting) { p.Category = "cultura" }),
		posting(2, "Violino e pianoforte", age(1), func(p *saperi.Posting) { p.Area = "Vanchiglia"; p.HubID = 2 }),
		posting(3, "Spesa per anziani", age(3), func(p *saperi.Posting) { p.Kind = saperi.Need; p.Category = "cucina" }),
		posting(4, "Lezioni di chitarra", age(2), func(p *saperi.Posting) { p.Status = saperi.Paused }),
		posting(5, "Lezioni di violino", age(4), func(p *saperi.Posting) { p.Expires = now.Add(-time.Hour) }),
		posting(6, "Violino usato", age(6), func(p *saperi.Posting) { p.Status = saperi.Expired; p.Expires = now.Add(-time.Hour) }),
		posting(7, "Title foo bar", age(7), func(p *saperi.Posting) { p.Description = "+violino -lezioni" }),
	)
	ix := openTest(t, st)

	tests := []struct {
		name    string
		text    string
		f       SearchFilter
		want    []uint64 // in order
		ordered bool
		total   uint64
	}{
		{"empty text lists open postings newest first", "", SearchFilter{}, []uint64{2, 3, 1, 7}, true, 4},
		{"kind", "", SearchFilter{Kind: saperi.Need}, []uint64{3}, true, 1},
		{"category", "", SearchFilter{Category: "Cultura"}, []uint64{1}, true, 1},
		{"area ignores case", "", SearchFilter{Area: " VANCHIGLIA"}, []uint64{2}, true, 1},
		{"hub", "", SearchFilter{HubID: 2}, []uint64{2}, true, 1},
		{"paused", "", SearchFilter{Status: saperi.Paused}, []uint64{4}, true, 1},
		{"expired by status or by date", "", SearchFilter{Status: saperi.Expired}, []uint64{5, 6}, true, 2},
		{"page", "", SearchFilter{From: 1, Size: 2}, []uint64{3, 1}, true, 4},
		{"words, stemmed", "violini", SearchFilter{}, []uint64{1, 2, 7}, false, 3},
		{"any word matches", "lezioni violino", SearchFilter{}, []uint64{1, 7, 2}, false, 3},
		{"stop and intent words are ignored", "cerco delle lezioni di violino", SearchFilter{}, []uint64{1, 7, 2}, false, 3},
		{"plus and minus are words", "+violino -lezioni", SearchFilter{}, []uint64{1, 7, 2}, false, 3},
		{"words nobody has all of", "aiuto spesa anziana", SearchFilter{}, []uint64{3}, false, 1},
		{"field syntax is a word", "title: foo", SearchFilter{}, []uint64{7}, false, 1},
		{"broken syntax is words", `title:"foo +bar ~2 AND ( ) [ { * ? \ /`, SearchFilter{}, []uint64{7}, false, 1},
		{"only stop words lists all", "di la per", SearchFilter{Kind: saperi.Need}, []uint64{3}, true, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits, total, err := ix.Search(ctx, tt.text, tt.f)
			if err != nil {
				t.Fatalf("Search(%q): %v", tt.text, err)
			}
			got := ids(hits)
			if tt.ordered && !slices.Equal(got, tt.want) || !tt.ordered && !sameIDs(got, tt.want) {
				t.Errorf("Search(%q, %+v) = %v, want %v", tt.text, tt.f, got, tt.want)
			}
			if total != tt.total {
				t.Errorf("total = %d, want %d", total, tt.total)
			}
		})
	}
}

// TestSearchRanksByWords: the search box is an OR over the words, best
// first: a posting with more of the words ranks above one with fewer.
func TestSearchRanksByWords(t *testing.T) {
	ctx := context.Background()
	st := newFakeStore()
	st.put(
		posting(1, "Compagnia per una signora anziana"),
		posting(2, "Aiuto con la spesa per una persona anziana"),
		posting(3, "Spesa a domicilio"),
		posting(4, "Lezioni di chitarra"),
	)
	ix := openTest(t, st)
	hits, total, err := ix.Search(ctx, "aiuto spesa anziana", SearchFilter{})
	if err != nil {
		t.Fatal(err)
	}
	got := ids(hits)
	if total != 3 || len(got) != 3 || got[0] != 2 || slices.Contains(got, 4) {
		t.Fatalf("search aiuto spesa anziana = %v (total %d), want 2 first, then 1 and 3, never 4", got, total)
	}
}

// Similar leaves out the words most postings use: a text sharing only
// those with a posting is no neighbour of it, and the query does not visit
// most of the index for them.
func TestSimilarLeavesOutCommonWords(t *testing.T) {
	st := newFakeStore()
	var ps []*saperi.Posting
	for i := uint64(1); i <= 60; i++ {
		ps = append(ps, posting(i, "Prova numero qualsiasi", func(p *saperi.Posting) { p.Description = "Scritto per la prova." }))
	}
	ps = append(ps, posting(61, "Violino per principianti", func(p *saperi.Posting) { p.Description = "Scritto per la prova." }))
	st.put(ps...)
	// Common from 10 postings (a thousand by default) keeps the test small.
	ix, err := Open(context.Background(), filepath.Join(t.TempDir(), "index.bleve"), st,
		Options{Now: func() time.Time { return now }, CommonMin: 10}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	hits, err := ix.Similar(context.Background(), "Prova: violino scritto", 10)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(hits); !slices.Equal(got, []uint64{61}) {
		t.Fatalf("Similar = %v, want only the posting with the rare word", got)
	}
	// With only common words, they count (a text of everyday words still
	// finds its neighbours).
	hits, err = ix.Similar(context.Background(), "prova scritto", 5)
	if err != nil || len(hits) != 5 {
		t.Fatalf("only common words: %v %v", ids(hits), err)
	}
}
