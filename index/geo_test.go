package index

import (
	"cmp"
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/demo"
	"github.com/saperi/saperi/matcher"
)

// covered reports whether grid point (lat, lon) is in the union of terms.
func covered(set map[string]bool, lat, lon int64) bool {
	for k := range cellLevels {
		if set[cellTerm(k, lat, lon)] {
			return true
		}
	}
	return false
}

// torinoPoint returns a random grid point within about 15 km of Torino.
func torinoPoint(r *rand.Rand) saperi.Point {
	return saperi.Point{Lat: 45.07 + (r.Float64()-0.5)*0.27, Lon: 7.68 + (r.Float64()-0.5)*0.38}.Approx()
}

// TestCoverExact checks the cover against a distance check on every grid
// point around the circle, for radii up to 10 km: the same points, no
// more, no fewer.
func TestCoverExact(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, radius := range []float64{0.1, 0.5, 1, 3, 3.7, 5, 10} {
		for range 6 {
			c := torinoPoint(r)
			terms, exact := cover(c, radius)
			if !exact {
				t.Fatalf("cover(%v, %g km): not exact (%d terms)", c, radius, len(terms))
			}
			set := map[string]bool{}
			for _, term := range terms {
				set[term] = true
			}
			cl, co := gridOf(c)
			span := int64(radius/earthKmPerDeg*1000*1.5) + 3
			in := 0
			for lat := cl - span; lat <= cl+span; lat++ {
				for lon := co - 2*span; lon <= co+2*span; lon++ {
					want := saperi.DistanceKm(c, gridPoint(lat, lon)) <= radius
					if got := covered(set, lat, lon); got != want {
						t.Fatalf("cover(%v, %g km): grid point %d,%d (%.3f km) covered %v, want %v",
							c, radius, lat, lon, saperi.DistanceKm(c, gridPoint(lat, lon)), got, want)
					}
					if want {
						in++
					}
				}
			}
			if in > 0 && len(terms) >= in && in > 50 {
				t.Errorf("cover(%v, %g km): %d terms for %d points: squares are not used", c, radius, len(terms), in)
			}
		}
	}
}

// TestCoverWide checks that a radius too wide for an exact cover within
// the term budget still covers every point in reach (a superset).
func TestCoverWide(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	c := torinoPoint(r)
	terms, exact := cover(c, saperi.MaxDistanceKm)
	if exact || len(terms) == 0 || len(terms) > maxCellTerms {
		t.Fatalf("cover(%v, %g km): %d terms, exact %v; want a coarse cover within %d terms", c, saperi.MaxDistanceKm, len(terms), exact, maxCellTerms)
	}
	set := map[string]bool{}
	for _, term := range terms {
		set[term] = true
	}
	cl, co := gridOf(c)
	for range 20000 {
		lat, lon := cl+int64(r.IntN(1000))-500, co+int64(r.IntN(1400))-700
		if saperi.DistanceKm(c, gridPoint(lat, lon)) <= saperi.MaxDistanceKm && !covered(set, lat, lon) {
			t.Fatalf("grid point %d,%d within %g km is not covered", lat, lon, saperi.MaxDistanceKm)
		}
	}
}

func TestCellTermsNegative(t *testing.T) {
	// Squares are floor-aligned on both sides of zero: -0.001 and 0.000
	// are in different level-1 squares, -0.002 and -0.001 in the same.
	a := cellTerms(saperi.Point{Lat: -0.001, Lon: 0})
	b := cellTerms(saperi.Point{Lat: 0, Lon: 0})
	c := cellTerms(saperi.Point{Lat: -0.002, Lon: 0})
	if a[1] == b[1] || a[1] != c[1] {
		t.Errorf("level-1 squares: -0.001 %s, 0 %s, -0.002 %s", a[1], b[1], c[1])
	}
}

// TestRetrieveNearSameAsExact is the fast path's correctness on a sample:
// for generated postings over Torino, the candidates retrieved with the
// square cover are exactly (same ids, same order, same scores) the first
// ones of the same text query without a place filter, kept by an exact
// distance (or same-area) check.
func TestRetrieveNearSameAsExact(t *testing.T) {
	ctx := context.Background()
	gen, err := demo.NewGen(7, now, []demo.Place{{Name: "Moncalieri", Lat: 45.0, Lon: 7.683}, {Name: "Collegno", Lat: 45.078, Lon: 7.572}})
	if err != nil {
		t.Fatal(err)
	}
	st := newFakeStore()
	var all []*saperi.Posting
	for i := range 300 {
		prof := gen.Profile(1)
		prof.ID = uint64(i + 1)
		for range 5 {
			p := gen.Posting(prof)
			p.ID = uint64(len(all) + 1)
			p.Status, p.Expires = saperi.Open, now.Add(24*time.Hour)
			if p.ID%7 == 0 {
				p.Point = nil // some unlocated, found by area
			}
			all = append(all, p)
		}
	}
	st.put(all...)
	ix := openTest(t, st)

	r := rand.New(rand.NewPCG(5, 6))
	const limit = 40
	checked := 0
	for _, target := range all {
		if target.Point == nil || target.Mode == saperi.Remote || r.IntN(6) != 0 {
			continue
		}
		target := *target
		target.MaxDistanceKm = []float64{0.5, 1, 2, 3, 5, 8}[r.IntN(6)]
		q := matcher.Query{Target: &target, Kind: target.Kind.Opposite(), Limit: limit, Now: now}
		fast, err := ix.Retrieve(ctx, q)
		if err != nil {
			t.Fatal(err)
		}

		// The reference: no place in the query, in-person only, then the
		// exact check in Go.
		anywhere := target
		anywhere.Point, anywhere.Area, anywhere.Mode = nil, "", saperi.InPerson
		wide, err := ix.Retrieve(ctx, matcher.Query{Target: &anywhere, Kind: q.Kind, Limit: maxLimit, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		if len(wide) == maxLimit {
			t.Fatalf("reference query for %d hit the limit", target.ID)
		}
		var want []matcher.Hit
		for _, h := range wide {
			p := all[h.ID-1]
			var in bool
			if p.Point != nil {
				in = saperi.DistanceKm(*target.Point, *p.Point) <= target.MaxDistanceKm
			} else {
				in = normArea(p.Area) == normArea(target.Area)
			}
			if in && len(want) < limit {
				want = append(want, h)
			}
		}
		if target.Mode == saperi.Either {
			continue // the remote half is not part of the reference
		}
		if !sameHits(fast, want, limit) {
			t.Fatalf("target %d (%g km): fast path %v\nexact %v", target.ID, target.MaxDistanceKm, fast, want)
		}
		checked++
	}
	if checked < 20 {
		t.Fatalf("only %d targets checked", checked)
	}
}

// sameHits compares two hit lists of at most limit as search results: the
// same ids in the same order with the same scores, where scores equal to
// about 1e-9 count as ties (BM25 sums float terms in an order that may
// differ between two searches) and ties are ordered by id. When a list is
// full, the tie group at its end may be cut at a different member.
func sameHits(a, b []matcher.Hit, limit int) bool {
	if len(a) != len(b) {
		return false
	}
	round := func(hs []matcher.Hit) []matcher.Hit {
		out := make([]matcher.Hit, len(hs))
		for i, h := range hs {
			out[i] = matcher.Hit{ID: h.ID, Score: math.Round(h.Score*1e9) / 1e9}
		}
		slices.SortFunc(out, func(x, y matcher.Hit) int {
			if x.Score != y.Score {
				return cmp.Compare(y.Score, x.Score)
			}
			return cmp.Compare(x.ID, y.ID)
		})
		return out
	}
	a, b = round(a), round(b)
	cut := math.Inf(-1)
	if len(b) == limit && limit > 0 {
		cut = b[len(b)-1].Score
	}
	for i := range a {
		if a[i].Score != b[i].Score || (a[i].ID != b[i].ID && a[i].Score != cut) {
			return false
		}
	}
	return true
}

// BenchmarkCover measures building the cover of a 3 km circle (uncached).
func BenchmarkCover(b *testing.B) {
	c := saperi.Point{Lat: 45.07, Lon: 7.68}
	b.ReportAllocs()
	for b.Loop() {
		if terms, _ := coverUncached(c, 3); len(terms) == 0 {
			b.Fatal("empty cover")
		}
	}
}
