package service

import (
	"io"
	"sort"
	"strconv"

	"github.com/saperi/saperi/sheet"
)

// The suppression rule of the open data: no published figure may count
// fewer than MinPeople people, so that nobody can be recognised in it.
const (
	MinPeople = 5
	// OtherAreas is the area of the cell a category's small cells are
	// merged into.
	OtherAreas = "altre zone"
	// OpenLicense and OpenAttribution go with every open-data file.
	OpenLicense     = "CC BY 4.0"
	OpenAttribution = "Saperi — rete delle portinerie di comunità di Torino"
)

// SuppressionRule states the rule, in Italian and English, wherever open
// data is published.
const SuppressionRule = "Ogni cella (categoria × quartiere) conta le persone distinte con almeno una richiesta o un'offerta in quella cella. " +
	"Le celle con meno di 5 persone sono unite, per categoria, nella cella «altre zone»; se anche questa conta meno di 5 persone, " +
	"i suoi valori sono soppressi. I mesi dei tempi di attesa con richieste di meno di 5 persone sono soppressi. " +
	"Non si pubblicano totali separati: la somma delle celle pubblicate è il totale pubblicato. / " +
	"Each cell (category × neighbourhood) counts the distinct people with at least one need or offer in it. " +
	"Cells of fewer than 5 people are merged, per category, into the cell \"altre zone\" (other areas); when that cell too " +
	"counts fewer than 5 people, its values are suppressed. Months of waiting times whose needs come from fewer than 5 people " +
	"are suppressed. No separate totals are published: the sum of the published cells is the published total."

// OpenData is the publishable version of Stats.
type OpenData struct {
	License     string      `json:"license"`
	Attribution string      `json:"attribution"`
	Rule        string      `json:"rule"`
	Filter      StatsFilter `json:"filter"`
	GapRule     string      `json:"gap_rule"`
	Cells       []OpenCell  `json:"cells"`
	Months      []OpenMonth `json:"months"`
}

// OpenCell is a published cell; a suppressed one has no figures.
type OpenCell struct {
	Category   string `json:"category"`
	Area       string `json:"area"`
	Suppressed bool   `json:"suppressed"`
	People     *int   `json:"people"`
	Needs      *int   `json:"needs"`
	Offers     *int   `json:"offers"`
	Gap        *int   `json:"gap"`
}

// OpenMonth is a month of waiting times (median days; nil: no such wait,
// or the month is suppressed).
type OpenMonth struct {
	Month               string   `json:"month"`
	Suppressed          bool     `json:"suppressed"`
	Needs               *int     `json:"needs"`
	FirstProposalMedian *float64 `json:"first_proposal_median_days"`
	ConnectionMedian    *float64 `json:"connection_median_days"`
	CompletionMedian    *float64 `json:"completion_median_days"`
}

// Open applies the suppression rule to s.
func Open(s *Stats) *OpenData {
	d := &OpenData{License: OpenLicense, Attribution: OpenAttribution, Rule: SuppressionRule, Filter: s.Filter,
		GapRule: s.GapRule, Cells: []OpenCell{}, Months: []OpenMonth{}}
	small := map[string]*CellStats{}
	var cats []string
	for _, c := range s.ByCategoryArea {
		if len(c.people) >= MinPeople {
			d.Cells = append(d.Cells, openCell(c.Category, c.Area, len(c.people), c.Needs, c.Offers, c.Gap))
			continue
		}
		m := small[c.Category]
		if m == nil {
			m = &CellStats{Category: c.Category, Area: OtherAreas, people: map[uint64]bool{}}
			small[c.Category] = m
			cats = append(cats, c.Category)
		}
		m.Needs += c.Needs
		m.Offers += c.Offers
		m.Gap += c.Gap
		for id := range c.people {
			m.people[id] = true
		}
	}
	for _, cat := range cats {
		m := small[cat]
		if len(m.people) >= MinPeople {
			d.Cells = append(d.Cells, openCell(cat, OtherAreas, len(m.people), m.Needs, m.Offers, m.Gap))
		} else {
			d.Cells = append(d.Cells, OpenCell{Category: cat, Area: OtherAreas, Suppressed: true})
		}
	}
	sort.SliceStable(d.Cells, func(i, j int) bool {
		a, b := d.Cells[i], d.Cells[j]
		if a.Category != b.Category {
			return a.Category < b.Category
		}
		if (a.Area == OtherAreas) != (b.Area == OtherAreas) {
			return b.Area == OtherAreas
		}
		return a.Area < b.Area
	})
	for _, m := range s.Times.ByMonth {
		if m.People < MinPeople {
			d.Months = append(d.Months, OpenMonth{Month: m.Month, Suppressed: true})
			continue
		}
		n := m.Needs
		d.Months = append(d.Months, OpenMonth{Month: m.Month, Needs: &n, FirstProposalMedian: median(m.FirstProposal),
			ConnectionMedian: median(m.Connection), CompletionMedian: median(m.Completion)})
	}
	return d
}

func openCell(cat, area string, people, needs, offers, gap int) OpenCell {
	return OpenCell{Category: cat, Area: AreaName(area), People: &people, Needs: &needs, Offers: &offers, Gap: &gap}
}

func median(d Durations) *float64 {
	if d.N == 0 {
		return nil
	}
	v := d.Median
	return &v
}

// WriteCSV writes the cells as CSV (UTF-8, semicolons): categoria,
// quartiere, persone, richieste, offerte, senza_risposta, soppressa.
// Suppressed figures are empty.
func (d *OpenData) WriteCSV(w io.Writer) error {
	sw, err := sheet.NewWriter(w, sheet.CSV, []string{"categoria", "quartiere", "persone", "richieste", "offerte", "senza_risposta", "soppressa"})
	if err != nil {
		return err
	}
	num := func(p *int) string {
		if p == nil {
			return ""
		}
		return strconv.Itoa(*p)
	}
	for _, c := range d.Cells {
		sup := "no"
		if c.Suppressed {
			sup = "sì"
		}
		if err := sw.Write([]string{c.Category, c.Area, num(c.People), num(c.Needs), num(c.Offers), num(c.Gap), sup}); err != nil {
			return err
		}
	}
	return sw.Close()
}
