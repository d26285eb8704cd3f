package index

import (
	"math"
	"strconv"
	"sync"

	"github.com/saperi/saperi"
)

// Proximity without the generic geo-distance query.
//
// Stored points are rounded to three decimals (saperi.Point.Approx), so
// every point lies on a grid of a thousandth of a degree (about 111 m by
// 79 m in Torino). A posting's point is indexed as one keyword term per
// level of a quadtree over that grid: level 0 is the grid point itself,
// level k the square of 2^k by 2^k grid points containing it.
//
// A radius query becomes a disjunction of such terms: the largest squares
// that lie wholly inside the circle, then smaller ones along its edge,
// down to single grid points each checked with saperi.DistanceKm. On the
// grid this is exact, the same postings as a distance check on every
// point, and it costs a union of posting lists, which bleve computes on
// bitmaps for a non-scoring filter, instead of reading every candidate's
// point as the generic geo-distance filter does.
//
// The number of terms grows with the circumference of the circle; past
// maxCellTerms (radii of tens of km) the edge is covered by whole squares
// of the finest level that fits, a slight superset that ranking narrows
// with its own exact distance check.
const (
	cellLevels   = 8 // levels 0..7: from one grid point to 128×128 (≈ 14 km × 10 km)
	maxCellTerms = 1500
	// cellSlackKm absorbs the difference between the great-circle
	// distance and the planar reasoning about squares (metres at these
	// sizes): a square is taken whole only when it is inside by this much,
	// skipped only when outside by this much; otherwise it is split.
	cellSlackKm = 0.02
)

// gridOf returns p's grid coordinates, in thousandths of a degree.
func gridOf(p saperi.Point) (lat, lon int64) {
	return int64(math.Round(p.Lat * 1000)), int64(math.Round(p.Lon * 1000))
}

// cellTerm names the square of level k containing grid point (lat, lon).
func cellTerm(k int, lat, lon int64) string {
	b := make([]byte, 0, 24)
	b = strconv.AppendInt(b, int64(k), 10)
	b = append(b, '/')
	b = strconv.AppendInt(b, lat>>k, 10) // arithmetic shift: floor, also below zero
	b = append(b, '/')
	b = strconv.AppendInt(b, lon>>k, 10)
	return string(b)
}

// cellTerms returns the terms indexed for a posting at p, one per level.
func cellTerms(p saperi.Point) []string {
	lat, lon := gridOf(p)
	out := make([]string, cellLevels)
	for k := range out {
		out[k] = cellTerm(k, lat, lon)
	}
	return out
}

// cover returns the terms whose union holds exactly the grid points within
// r km of c, and whether it is exact (false when the edge had to be
// covered coarsely to stay within maxCellTerms; then it is a superset).
// An empty cover means no grid point is in reach.
func cover(c saperi.Point, r float64) ([]string, bool) {
	k := coverKey{c, r}
	covers.mu.Lock()
	e, ok := covers.m[k]
	covers.mu.Unlock()
	if ok {
		return e.terms, e.exact
	}
	terms, exact := coverUncached(c, r)
	covers.mu.Lock()
	if covers.m == nil || len(covers.m) >= maxCovers {
		covers.m = make(map[coverKey]coverEntry)
	}
	covers.m[k] = coverEntry{terms, exact}
	covers.mu.Unlock()
	return terms, exact
}

// Covers are remembered: points are on a 100 m grid and most postings use
// a few radii, so a weekly run over a city asks for the same circles again
// and again. The cache holds at most maxCovers and starts over when full.
const maxCovers = 8192

type coverKey struct {
	c saperi.Point
	r float64
}

type coverEntry struct {
	terms []string
	exact bool
}

var covers struct {
	mu sync.Mutex
	m  map[coverKey]coverEntry
}

func coverUncached(c saperi.Point, r float64) ([]string, bool) {
	for finest := 0; finest < cellLevels; finest++ {
		terms, ok := coverAt(c, r, finest)
		if ok {
			return terms, finest == 0
		}
	}
	terms, _ := coverAt(c, r, cellLevels-1)
	return terms, false
}

// coverAt covers the circle with squares, splitting edge squares down to
// level finest; at level 0 a grid point is in or out exactly, above it an
// edge square is taken whole. It gives up (false) past maxCellTerms.
func coverAt(c saperi.Point, r float64, finest int) ([]string, bool) {
	// The bounding box of the circle in grid units, one unit wider.
	dLat := r / earthKmPerDeg
	cosLat := math.Cos(min(math.Abs(c.Lat)+dLat, 89.9) * math.Pi / 180)
	dLon := dLat / cosLat
	lat0 := int64(math.Floor((c.Lat-dLat)*1000)) - 1
	lat1 := int64(math.Ceil((c.Lat+dLat)*1000)) + 1
	lon0 := int64(math.Floor((c.Lon-dLon)*1000)) - 1
	lon1 := int64(math.Ceil((c.Lon+dLon)*1000)) + 1

	top := cellLevels - 1
	var terms []string
	var walk func(k int, a, b int64) bool
	walk = func(k int, a, b int64) bool {
		// The square's grid points span [a<<k, (a+1)<<k - 1] in each axis.
		la0, la1 := a<<k, (a+1)<<k-1
		lo0, lo1 := b<<k, (b+1)<<k-1
		if la1 < lat0 || la0 > lat1 || lo1 < lon0 || lo0 > lon1 {
			return true
		}
		if k == 0 {
			if saperi.DistanceKm(c, gridPoint(la0, lo0)) <= r {
				terms = append(terms, cellTerm(0, la0, lo0))
			}
			return len(terms) <= maxCellTerms
		}
		near := nearestKm(c, la0, la1, lo0, lo1)
		if near > r+cellSlackKm {
			return true
		}
		far := max(
			saperi.DistanceKm(c, gridPoint(la0, lo0)), saperi.DistanceKm(c, gridPoint(la0, lo1)),
			saperi.DistanceKm(c, gridPoint(la1, lo0)), saperi.DistanceKm(c, gridPoint(la1, lo1)))
		if far+cellSlackKm <= r || k <= finest {
			terms = append(terms, cellTerm(k, la0, lo0))
			return len(terms) <= maxCellTerms
		}
		for _, da := range []int64{0, 1} {
			for _, db := range []int64{0, 1} {
				if !walk(k-1, 2*a+da, 2*b+db) {
					return false
				}
			}
		}
		return true
	}
	for a := lat0 >> top; a <= lat1>>top; a++ {
		for b := lon0 >> top; b <= lon1>>top; b++ {
			if !walk(top, a, b) {
				return nil, false
			}
		}
	}
	return terms, true
}

// earthKmPerDeg is the length of a degree of latitude (and of longitude at
// the equator) on matcher's sphere.
const earthKmPerDeg = 6371.0 * math.Pi / 180

func gridPoint(lat, lon int64) saperi.Point {
	return saperi.Point{Lat: float64(lat) / 1000, Lon: float64(lon) / 1000}
}

// nearestKm is about the distance from c to the nearest point of the
// rectangle of grid points [la0, la1] × [lo0, lo1]: c clamped into it.
func nearestKm(c saperi.Point, la0, la1, lo0, lo1 int64) float64 {
	lat := min(max(c.Lat, float64(la0)/1000), float64(la1)/1000)
	lon := min(max(c.Lon, float64(lo0)/1000), float64(lo1)/1000)
	return saperi.DistanceKm(c, saperi.Point{Lat: lat, Lon: lon})
}
