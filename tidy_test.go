package saperi_test

import (
	"testing"
	"time"

	"github.com/saperi/saperi"
)

func TestTextRejectsControlAndInvisible(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name, title string
		ok          bool
	}{
		{"plain", "Aiuto spesa", true},
		{"line break allowed", "Aiuto\nspesa", true},
		{"NUL", "ciao\x00ciao", false},
		{"escape", "ciao\x1b[31m", false},
		{"only invisible marks", "\u202e\u200b\u200b", false},
		{"one visible among invisible", "a\u200b\u200b", false},
		{"two visible", "TV", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := &saperi.Posting{Kind: saperi.Need, ProfileID: 1, Title: c.title}
			p.Normalize(now)
			err := p.Validate(saperi.DefaultCategories, now)
			if (err == nil) != c.ok {
				t.Fatalf("Validate(%q) = %v, want ok=%v", c.title, err, c.ok)
			}
			if err != nil && (saperi.ErrorCode(err) != saperi.EINVALID || saperi.AsError(err).Field != "title") {
				t.Fatalf("error %v does not name the title", err)
			}
		})
	}
}

func TestTidyDoesNotFillDefaults(t *testing.T) {
	p := &saperi.Posting{Title: "  Ripetizioni  ", Tags: []string{"Mate", "mate", " "}, Point: &saperi.Point{Lat: 45.0712345, Lon: 7.6867891}}
	p.Tidy()
	if p.Title != "Ripetizioni" || len(p.Tags) != 1 || p.Tags[0] != "mate" {
		t.Fatalf("tidy = %+v", p)
	}
	if p.Capacity != 0 || p.Mode != "" || !p.Expires.IsZero() {
		t.Fatalf("Tidy filled defaults: %+v", p)
	}
	if p.Point.Lat != 45.071 || p.Point.Lon != 7.687 {
		t.Fatalf("point not approximated: %+v", p.Point)
	}
}

func TestProfileNormalizeApproximatesPoint(t *testing.T) {
	p := &saperi.Profile{Name: " Maria ", Point: &saperi.Point{Lat: 45.0849999, Lon: 7.6861234}}
	p.Normalize()
	if p.Name != "Maria" || p.Point.Lat != 45.085 || p.Point.Lon != 7.686 || p.Languages == nil {
		t.Fatalf("normalize = %+v %+v", p, p.Point)
	}
}

func TestHubNeighbors(t *testing.T) {
	for _, c := range []struct {
		name string
		h    saperi.Hub
		ok   bool
	}{
		{"none", saperi.Hub{Name: "Porta Palazzo"}, true},
		{"distinct", saperi.Hub{Name: "Porta Palazzo", Neighbors: []uint64{2, 3}}, true},
		{"zero", saperi.Hub{Name: "Porta Palazzo", Neighbors: []uint64{0}}, false},
		{"duplicate", saperi.Hub{Name: "Porta Palazzo", Neighbors: []uint64{2, 2}}, false},
		{"itself", saperi.Hub{ID: 4, Name: "Porta Palazzo", Neighbors: []uint64{4}}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.h.Validate()
			if (err == nil) != c.ok {
				t.Fatalf("Validate = %v, want ok=%v", err, c.ok)
			}
		})
	}
}
