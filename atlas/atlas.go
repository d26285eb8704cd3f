package atlas

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"sync"
)

// Attribution is the credit the boundary's licence asks for.
const Attribution = "Confini amministrativi: openpolis (CC BY 4.0), su dati ISTAT"

//go:embed neighbourhoods.json
var neighbourhoodsJSON []byte

//go:embed torino-boundary.json
var boundaryJSON []byte

// Neighbourhood is a quartiere and its approximate centre.
type Neighbourhood struct {
	Name string  `json:"name"`
	Lat  float64 `json:"lat"`
	Lon  float64 `json:"lon"`
}

var load = sync.OnceValues(func() (data, error) {
	var d data
	var n struct {
		Neighbourhoods []Neighbourhood `json:"neighbourhoods"`
	}
	if err := json.Unmarshal(neighbourhoodsJSON, &n); err != nil {
		return d, fmt.Errorf("atlas: neighbourhoods: %w", err)
	}
	var b struct {
		Polygons [][][2]float64 `json:"polygons"`
	}
	if err := json.Unmarshal(boundaryJSON, &b); err != nil {
		return d, fmt.Errorf("atlas: boundary: %w", err)
	}
	d.hoods, d.boundary = n.Neighbourhoods, b.Polygons
	return d, nil
})

type data struct {
	hoods    []Neighbourhood
	boundary [][][2]float64 // rings of lon, lat
}

func must() data {
	d, err := load()
	if err != nil {
		panic(err) // embedded files: a test catches a broken one
	}
	return d
}

// Neighbourhoods lists the neighbourhoods of Torino.
func Neighbourhoods() []Neighbourhood { return append([]Neighbourhood(nil), must().hoods...) }

// Find looks up a neighbourhood by name, ignoring case and spacing.
func Find(name string) (Neighbourhood, bool) {
	n := strings.Join(strings.Fields(strings.ToLower(name)), " ")
	for _, h := range must().hoods {
		if strings.ToLower(h.Name) == n {
			return h, true
		}
	}
	return Neighbourhood{}, false
}

// Map is the city drawn in a Width × Height box (SVG user units, y down),
// north up, with one cell per neighbourhood.
type Map struct {
	Width, Height float64
	// Outline is the SVG path of the city boundary.
	Outline string
	Cells   []Cell
}

// Cell is a neighbourhood's area on the map: its SVG path and where its
// centre falls (for a label).
type Cell struct {
	Name string
	Path string
	X, Y float64
}

var maps sync.Map // width → *Map

// NewMap draws the city width units wide. Maps are computed once per
// width and shared: do not change them.
func NewMap(width float64) *Map {
	if m, ok := maps.Load(width); ok {
		return m.(*Map)
	}
	m := draw(must(), width)
	maps.Store(width, m)
	return m
}

type pt struct{ x, y float64 }

func draw(d data, width float64) *Map {
	minLon, maxLon, minLat, maxLat := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, ring := range d.boundary {
		for _, p := range ring {
			minLon, maxLon = math.Min(minLon, p[0]), math.Max(maxLon, p[0])
			minLat, maxLat = math.Min(minLat, p[1]), math.Max(maxLat, p[1])
		}
	}
	k := math.Cos((minLat + maxLat) / 2 * math.Pi / 180)
	scale := width / ((maxLon - minLon) * k)
	proj := func(lon, lat float64) pt { return pt{(lon - minLon) * k * scale, (maxLat - lat) * scale} }
	m := &Map{Width: width, Height: math.Ceil((maxLat - minLat) * scale)}
	var rings [][]pt
	for _, ring := range d.boundary {
		r := make([]pt, 0, len(ring))
		for _, p := range ring {
			r = append(r, proj(p[0], p[1]))
		}
		rings = append(rings, r)
	}
	m.Outline = path(rings)
	sites := make([]pt, len(d.hoods))
	for i, h := range d.hoods {
		sites[i] = proj(h.Lon, h.Lat)
	}
	for i, h := range d.hoods {
		var cell [][]pt
		for _, r := range rings {
			poly := r
			for j, o := range sites {
				if j != i {
					poly = clip(poly, sites[i], o)
				}
			}
			if len(poly) >= 3 {
				cell = append(cell, poly)
			}
		}
		m.Cells = append(m.Cells, Cell{Name: h.Name, Path: path(cell), X: round1(sites[i].x), Y: round1(sites[i].y)})
	}
	return m
}

// clip keeps the part of poly nearer to s than to o (Sutherland–Hodgman
// against one half-plane, which is convex, so any poly is clipped right).
func clip(poly []pt, s, o pt) []pt {
	// Inside: (o-s)·p <= (|o|²-|s|²)/2.
	nx, ny := o.x-s.x, o.y-s.y
	c := (o.x*o.x + o.y*o.y - s.x*s.x - s.y*s.y) / 2
	f := func(p pt) float64 { return nx*p.x + ny*p.y - c }
	var out []pt
	for i := range poly {
		a, b := poly[i], poly[(i+1)%len(poly)]
		fa, fb := f(a), f(b)
		if fa <= 0 {
			out = append(out, a)
		}
		if (fa < 0 && fb > 0) || (fa > 0 && fb < 0) {
			t := fa / (fa - fb)
			out = append(out, pt{a.x + t*(b.x-a.x), a.y + t*(b.y-a.y)})
		}
	}
	return out
}

func path(rings [][]pt) string {
	var b strings.Builder
	for _, r := range rings {
		for i, p := range r {
			if i == 0 {
				b.WriteString("M")
			} else {
				b.WriteString("L")
			}
			fmt.Fprintf(&b, "%g %g", round1(p.x), round1(p.y))
		}
		b.WriteString("Z")
	}
	return b.String()
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }
