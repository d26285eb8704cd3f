package index

import (
	"context"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/matcher"
)

// Piazza Madama Cristina, Torino, and points about 1 and 20 km north of it.
var (
	here   = saperi.Point{Lat: 45.0567, Lon: 7.6833}
	km1    = saperi.Point{Lat: 45.0657, Lon: 7.6833}
	km20   = saperi.Point{Lat: 45.2366, Lon: 7.6833}
	km2_8  = saperi.Point{Lat: 45.0819, Lon: 7.6833} // 2.8 km north: near the edge of 3 km
	km3_3  = saperi.Point{Lat: 45.0864, Lon: 7.6833} // 3.3 km north: just outside
	sameAt = saperi.Point{Lat: 45.0567, Lon: 7.6833}
)

func at(p saperi.Point) func(*saperi.Posting) {
	return func(x *saperi.Posting) { x.Point = &p }
}

func mode(m saperi.Mode) func(*saperi.Posting) {
	return func(x *saperi.Posting) { x.Mode = m }
}

func TestRetrieveFilters(t *testing.T) {
	ctx := context.Background()
	const text = "Ripetizioni di matematica"
	offers := []*saperi.Posting{
		posting(10, text, at(km1)),
		posting(11, text, at(km20)),
		posting(12, text, mode(saperi.Remote)),
		posting(13, text, at(km1), func(p *saperi.Posting) { p.Kind = saperi.Need; p.ProfileID = 2000 }),
		posting(14, text, at(km1), func(p *saperi.Posting) { p.Status = saperi.Paused }),
		posting(15, text, at(km1), func(p *saperi.Posting) { p.Expires = now.Add(-time.Minute) }),
		posting(16, text, at(km1), func(p *saperi.Posting) { p.ProfileID = 1 }),
		posting(17, text, at(km1)),
		posting(18, "Lezioni di chitarra", at(km1)),
		posting(19, text),
		posting(20, text, func(p *saperi.Posting) { p.Area = "Barriera di Milano" }),
		posting(21, text, at(sameAt), mode(saperi.Either)),
		posting(22, text, at(km20), mode(saperi.Either)),
		posting(23, text, at(km1), func(p *saperi.Posting) { p.Expires = now }),
		posting(24, text, at(km2_8)),
		posting(25, text, at(km3_3)),
	}
	st := newFakeStore()
	st.put(offers...)
	ix := openTest(t, st)

	need := func(m saperi.Mode, mods ...func(*saperi.Posting)) *saperi.Posting {
		p := posting(1, "Cerco ripetizioni di matematica per mio figlio", at(here), mode(m), func(p *saperi.Posting) {
			p.Kind = saperi.Need
			p.ProfileID = 1
		})
		for _, f := range mods {
			f(p)
		}
		return p
	}
	tests := []struct {
		name   string
		target *saperi.Posting
		want   []uint64
	}{
		// 10 near, 19 unlocated in the same area, 21 here (either).
		// 10 near, 24 just inside 3 km, 19 unlocated in the same area, 21 here (either).
		{"in person with a point", need(saperi.InPerson), []uint64{10, 19, 21, 24}},
		{"remote", need(saperi.Remote), []uint64{12, 21, 22}},
		{"either", need(saperi.Either), []uint64{10, 12, 19, 21, 22, 24}},
		{"in person without a point: same area", need(saperi.InPerson, func(p *saperi.Posting) { p.Point = nil }),
			[]uint64{10, 11, 19, 21, 22, 24, 25}}, // 11 is in the area too, 20 km off: the engine re-checks
		{"in person with wider reach", need(saperi.InPerson, func(p *saperi.Posting) { p.MaxDistanceKm = 25 }),
			[]uint64{10, 11, 19, 21, 22, 24, 25}},
		{"in person with neither point nor area", need(saperi.InPerson, func(p *saperi.Posting) { p.Point = nil; p.Area = "" }),
			[]uint64{10, 11, 19, 20, 21, 22, 24, 25}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits, err := ix.Retrieve(ctx, matcher.Query{Target: tt.target, Kind: saperi.Offer, Limit: 50, Now: now, Exclude: []uint64{17}})
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(hits); !sameIDs(got, tt.want) {
				t.Errorf("Retrieve = %v, want %v", got, tt.want)
			}
			for i := 1; i < len(hits); i++ {
				if hits[i].Score > hits[i-1].Score {
					t.Errorf("hits not best first: %v", hits)
				}
			}
			for _, h := range hits {
				if h.Score <= 0 {
					t.Errorf("hit %d has score %v, want > 0", h.ID, h.Score)
				}
			}
		})
	}
}

// Each filter is proven by a posting that the same query finds once the
// filter no longer applies to it.
func TestRetrieveEachFilter(t *testing.T) {
	ctx := context.Background()
	const text = "Ripetizioni di matematica"
	target := posting(1, "Cerco ripetizioni di matematica", at(here), func(p *saperi.Posting) {
		p.Kind = saperi.Need
		p.ProfileID = 1
	})
	tests := []struct {
		name    string
		blocked *saperi.Posting
		fixed   func(*saperi.Posting)
		exclude []uint64
	}{
		{"kind", posting(10, text, at(km1), func(p *saperi.Posting) { p.Kind = saperi.Need }),
			func(p *saperi.Posting) { p.Kind = saperi.Offer }, nil},
		{"status", posting(10, text, at(km1), func(p *saperi.Posting) { p.Status = saperi.Closed }),
			func(p *saperi.Posting) { p.Status = saperi.Open }, nil},
		{"expiry", posting(10, text, at(km1), func(p *saperi.Posting) { p.Expires = now.Add(-time.Hour) }),
			func(p *saperi.Posting) { p.Expires = now.Add(time.Hour) }, nil},
		{"owner", posting(10, text, at(km1), func(p *saperi.Posting) { p.ProfileID = 1 }),
			func(p *saperi.Posting) { p.ProfileID = 2 }, nil},
		{"exclude", posting(10, text, at(km1)), nil, []uint64{10}},
		{"distance", posting(10, text, at(km20)),
			func(p *saperi.Posting) { p.Point = &km1 }, nil},
		{"mode", posting(10, text, at(km1), mode(saperi.Remote)),
			func(p *saperi.Posting) { p.Mode = saperi.InPerson }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newFakeStore()
			st.put(tt.blocked)
			ix := openTest(t, st)
			q := matcher.Query{Target: target, Kind: saperi.Offer, Limit: 10, Now: now, Exclude: tt.exclude}
			hits, err := ix.Retrieve(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if len(hits) != 0 {
				t.Fatalf("blocked posting retrieved: %v", hits)
			}
			if tt.fixed != nil {
				p := *tt.blocked
				tt.fixed(&p)
				st.put(&p)
				if _, err := ix.Sync(ctx); err != nil {
					t.Fatal(err)
				}
			} else {
				q.Exclude = nil
			}
			hits, err = ix.Retrieve(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(hits); !slices.Equal(got, []uint64{10}) {
				t.Errorf("without the filter's reason: %v, want [10]", got)
			}
		})
	}
}

func TestRetrieveRanksAndLimits(t *testing.T) {
	ctx := context.Background()
	st := newFakeStore()
	st.put(
		posting(10, "Ripetizioni di matematica e fisica", mode(saperi.Remote)),
		posting(11, "Aiuto compiti", mode(saperi.Remote), func(p *saperi.Posting) {
			p.Description = "Anche un po' di matematica"
		}),
		posting(12, "Corso di cucina", mode(saperi.Remote), func(p *saperi.Posting) { p.Tags = []string{"matematica"} }),
		posting(13, "Giardinaggio", mode(saperi.Remote)),
	)
	ix := openTest(t, st)
	target := posting(1, "Ripetizioni di matematica", mode(saperi.Remote), func(p *saperi.Posting) { p.Kind = saperi.Need })

	hits, err := ix.Retrieve(ctx, matcher.Query{Target: target, Kind: saperi.Offer, Limit: 10, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(hits); len(got) != 3 || got[0] != 10 {
		t.Errorf("Retrieve = %v, want 3 hits with 10 (both words, in the title) first", got)
	}
	hits, err = ix.Retrieve(ctx, matcher.Query{Target: target, Kind: saperi.Offer, Limit: 2, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 2 {
		t.Errorf("Limit 2: %d hits", len(hits))
	}

	empty := posting(2, "Cerco qualcuno", mode(saperi.Remote), func(p *saperi.Posting) { p.Kind = saperi.Need })
	hits, err = ix.Retrieve(ctx, matcher.Query{Target: empty, Kind: saperi.Offer, Limit: 10, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 0 {
		t.Errorf("target without words retrieved %v, want nothing", hits)
	}
}

func TestRetrieveSatisfiesMatcher(t *testing.T) {
	var ix *Index
	var _ matcher.Retriever = ix
	var _ matcher.Analyzer = ix
	ctx := context.Background()
	st := newFakeStore()
	st.put(posting(10, "Ripetizioni di matematica", at(km1)))
	ix = openTest(t, st)
	if _, err := ix.Retrieve(ctx, matcher.Query{Kind: saperi.Offer, Now: now}); saperi.ErrorCode(err) != saperi.EINVALID {
		t.Errorf("Retrieve without target: %v, want invalid", err)
	}
}

func BenchmarkRetrieve(b *testing.B) {
	ctx := context.Background()
	words := []string{"ripetizioni", "matematica", "spesa", "anziani", "chitarra", "compagnia", "computer",
		"italiano", "bambini", "giardino", "cucina", "documenti", "passeggiata", "lettura", "inglese", "bicicletta"}
	st := newFakeStore()
	for id := uint64(1); id <= 10000; id++ {
		title := words[id%16] + " " + words[(id/16)%16] + " " + words[(id/256)%16]
		lat := here.Lat + float64(id%100)*0.001
		st.load(posting(id, title, at(saperi.Point{Lat: lat, Lon: here.Lon}), mode([]saperi.Mode{saperi.InPerson, saperi.Remote, saperi.Either}[id%3])))
	}
	ix := openTest(b, st)
	target := posting(0, "Cerco ripetizioni di matematica e inglese per mio figlio", at(here), mode(saperi.Either),
		func(p *saperi.Posting) { p.Kind = saperi.Need; p.ProfileID = 1 })
	q := matcher.Query{Target: target, Kind: saperi.Offer, Limit: 100, Now: now}
	b.ResetTimer()
	for b.Loop() {
		if _, err := ix.Retrieve(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
}

// TestRetrieveCommonWords: a word most postings share does not by itself
// make a candidate (it is left to ranking), unless the target has only
// such words.
func TestRetrieveCommonWords(t *testing.T) {
	ctx := context.Background()
	st := newFakeStore()
	var offers []*saperi.Posting
	for i := range 40 {
		offers = append(offers, posting(uint64(100+i), "Passeggiate al parco il pomeriggio", at(km1)))
	}
	offers = append(offers,
		posting(10, "Lezioni di chitarra il pomeriggio", at(km1)),
		posting(11, "Lezioni di chitarra", at(km1)))
	st.put(offers...)
	ix, err := Open(ctx, t.TempDir()+"/index.bleve", st, Options{Now: func() time.Time { return now }, CommonShare: 0.5, CommonMin: 1}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	need := func(title string) *saperi.Posting {
		return posting(1, title, at(here), func(p *saperi.Posting) { p.Kind = saperi.Need; p.ProfileID = 1 })
	}
	hs, err := ix.Retrieve(ctx, matcher.Query{Target: need("Cerco chitarra il pomeriggio"), Limit: 100, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(hs); !sameIDs(got, []uint64{10, 11}) {
		t.Errorf("chitarra + pomeriggio (common): got %v, want only the guitar offers", got)
	}
	// Off, the common word retrieves everything that has it.
	ix.opts.CommonShare = -1
	hs, _ = ix.Retrieve(ctx, matcher.Query{Target: need("Cerco chitarra il pomeriggio"), Limit: 100, Now: now})
	if len(hs) != 42 {
		t.Errorf("with the split off: %d hits, want 42", len(hs))
	}
	ix.opts.CommonShare = 0.5
	hs, _ = ix.Retrieve(ctx, matcher.Query{Target: need("Qualcuno il pomeriggio"), Limit: 100, Now: now})
	if len(hs) != 41 {
		t.Errorf("only a common word: %d hits, want all 41 that have it", len(hs))
	}
}
