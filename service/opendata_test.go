package service

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/saperi/saperi"
)

// TestSuppression: cells of 5 people or more are published; smaller ones
// merge per category into "altre zone", published when the merged cell
// reaches 5 people and suppressed otherwise; months of fewer than 5
// people are suppressed; a person with two postings counts once.
func TestSuppression(t *testing.T) {
	rome := rome()
	at := time.Date(2026, 10, 5, 10, 0, 0, 0, rome)
	needs, offers := map[uint64]*saperi.Posting{}, map[uint64]*saperi.Posting{}
	id := uint64(0)
	post := func(kind saperi.Kind, cat, area string, owner uint64, month int) {
		id++
		p := &saperi.Posting{ID: id, Kind: kind, Category: cat, Area: area, ProfileID: owner, HubID: 1,
			Created: at.AddDate(0, month, 0)}
		if kind == saperi.Need {
			needs[id] = p
		} else {
			offers[id] = p
		}
	}
	// scuola × Aurora: 6 people (one with two needs): published.
	for owner := uint64(1); owner <= 6; owner++ {
		post(saperi.Need, "scuola", "Aurora", owner, 0)
	}
	post(saperi.Need, "scuola", "Aurora", 1, 0)
	// scuola × Crocetta 3 people, scuola × Lingotto 2: merged, 5 people.
	for owner := uint64(10); owner <= 12; owner++ {
		post(saperi.Offer, "scuola", "Crocetta", owner, 1)
	}
	post(saperi.Need, "scuola", "Lingotto", 20, 1)
	post(saperi.Need, "scuola", "Lingotto", 21, 1)
	// digitale × Centro: 2 people, alone in its category: suppressed.
	post(saperi.Need, "digitale", "Centro", 30, 1)
	post(saperi.Offer, "digitale", "Centro", 31, 1)

	s := tally(StatsFilter{HubID: 1}, needs, offers, nil, nil, rome, 0)
	d := Open(s)
	type row struct {
		cat, area                  string
		sup                        bool
		people, needs, offers, gap int
	}
	var got []row
	for _, c := range d.Cells {
		r := row{cat: c.Category, area: c.Area, sup: c.Suppressed}
		if !c.Suppressed {
			r.people, r.needs, r.offers, r.gap = *c.People, *c.Needs, *c.Offers, *c.Gap
		} else if c.People != nil || c.Needs != nil || c.Offers != nil || c.Gap != nil {
			t.Errorf("suppressed cell with figures: %+v", c)
		}
		got = append(got, r)
	}
	want := []row{
		{"digitale", OtherAreas, true, 0, 0, 0, 0},
		{"scuola", "Aurora", false, 6, 7, 0, 7},
		{"scuola", OtherAreas, false, 5, 2, 3, 2},
	}
	if len(got) != len(want) {
		t.Fatalf("cells %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("cell %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	// October: 7 needs of 6 people, published; November: needs of 3
	// people, suppressed.
	if len(d.Months) != 2 || d.Months[0].Suppressed || *d.Months[0].Needs != 7 || !d.Months[1].Suppressed || d.Months[1].Needs != nil {
		t.Fatalf("months %+v", d.Months)
	}
	if !strings.Contains(d.Rule, "meno di 5 persone") || d.License != "CC BY 4.0" {
		t.Fatal("the rule and the licence travel with the data")
	}
	var buf bytes.Buffer
	if err := d.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	if csv := buf.String(); !strings.Contains(csv, "digitale;altre zone;;;;;sì") || !strings.Contains(csv, "scuola;Aurora;6;7;0;7;no") {
		t.Fatalf("csv:\n%s", csv)
	}
}
