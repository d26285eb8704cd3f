package demo

import (
	"reflect"
	"testing"
	"time"

	"github.com/saperi/saperi"
)

func TestGenIsDeterministicAndValid(t *testing.T) {
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	places := []Place{{"Moncalieri", 44.999, 7.682}, {"Collegno", 45.078, 7.572}}
	run := func() []*saperi.Posting {
		g, err := NewGen(42, now, places)
		if err != nil {
			t.Fatal(err)
		}
		var out []*saperi.Posting
		for i := 0; i < 50; i++ {
			owner := g.Profile(1)
			owner.ID = uint64(i + 1)
			if err := owner.Validate(); err != nil {
				t.Fatalf("profile %d: %v", i, err)
			}
			for j := 0; j < 4; j++ {
				out = append(out, g.Posting(owner))
			}
		}
		return out
	}
	a, b := run(), run()
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed, different postings")
	}
	kinds, cats, statuses, towns := map[saperi.Kind]int{}, map[string]bool{}, map[saperi.Status]int{}, 0
	for _, p := range a {
		if err := p.Validate(saperi.DefaultCategories, p.Created); err != nil {
			t.Fatalf("%q: %v", p.Title, err)
		}
		kinds[p.Kind]++
		cats[p.Category] = true
		statuses[p.Status]++
		if p.Area == "Moncalieri" || p.Area == "Collegno" {
			towns++
		}
	}
	if kinds[saperi.Offer] < 60 || kinds[saperi.Need] < 60 || len(cats) < 10 || statuses[saperi.Open] < 150 || towns == 0 {
		t.Fatalf("mix: kinds %v, %d categories, statuses %v, %d in towns", kinds, len(cats), statuses, towns)
	}
	g, _ := NewGen(43, now, places)
	if c := g.Posting(g.Profile(1)); reflect.DeepEqual(c, a[0]) {
		t.Fatal("another seed gave the same first posting")
	}
}
