package atlas

import (
	"strings"
	"testing"
)

func TestNeighbourhoods(t *testing.T) {
	hs := Neighbourhoods()
	if len(hs) < 20 {
		t.Fatalf("%d neighbourhoods", len(hs))
	}
	h, ok := Find("  barriera  DI milano ")
	if !ok || h.Lat < 45 || h.Lat > 45.2 || h.Lon < 7.5 || h.Lon > 7.8 {
		t.Fatalf("Find = %+v %v", h, ok)
	}
	if _, ok := Find("Moncalieri"); ok {
		t.Fatal("a town is not a neighbourhood of Torino")
	}
}

// TestMap: every neighbourhood gets a cell inside the box, with its
// centre inside its own cell's bounding box, and the cells do not leave
// the city.
func TestMap(t *testing.T) {
	m := NewMap(600)
	if m.Width != 600 || m.Height < 300 || m.Height > 800 || !strings.HasPrefix(m.Outline, "M") {
		t.Fatalf("map %gx%g", m.Width, m.Height)
	}
	if len(m.Cells) != len(Neighbourhoods()) {
		t.Fatalf("%d cells", len(m.Cells))
	}
	for _, c := range m.Cells {
		if c.Path == "" {
			t.Errorf("%s: no cell (is its centre outside the city?)", c.Name)
			continue
		}
		if c.X < 0 || c.X > m.Width || c.Y < 0 || c.Y > m.Height {
			t.Errorf("%s: centre %g,%g outside the map", c.Name, c.X, c.Y)
		}
	}
	if NewMap(600) != m {
		t.Error("maps are computed once per width")
	}
}
