package service

import (
	"cmp"
	"context"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/matcher"
)

// StatsStore is what the statistics read (store.DB implements it).
type StatsStore interface {
	Hub(ctx context.Context, id uint64) (*saperi.Hub, error)
	ScanPostings(ctx context.Context, batch int, fn func([]*saperi.Posting) error) error
	ScanMatches(ctx context.Context, batch int, fn func([]*saperi.Match) error) error
}

// StatsFilter selects what the statistics count: postings of a hub (0:
// every hub) created from From to To (days, both included; zero: no
// bound), of a category ("" : all).
type StatsFilter struct {
	HubID    uint64 `json:"hub,omitempty"`
	From     string `json:"from,omitempty"` // YYYY-MM-DD
	To       string `json:"to,omitempty"`
	Category string `json:"category,omitempty"`
}

// Stats are the figures of "where needs go unanswered". Postings count
// in the period they were created in; matches with the need they answer.
type Stats struct {
	Filter StatsFilter `json:"filter"`
	Needs  int         `json:"needs"`
	Offers int         `json:"offers"`
	// Gap counts the needs without a proposal (see Answered).
	Gap            int             `json:"gap"`
	ByCategoryArea []CellStats     `json:"by_category_area"`
	ByArea         []CellStats     `json:"by_area"`
	ByCategory     []CellStats     `json:"by_category"`
	Times          Times           `json:"times"`
	Matches        MatchOutcomes   `json:"matches"`
	PeopleReached  int             `json:"people_reached"`
	OffersUnasked  int             `json:"offers_unasked"`
	UnaskedByCat   []CategoryCount `json:"offers_unasked_by_category"`
	// GapRule says in words what the gap counts.
	GapRule string `json:"gap_rule"`
}

// CellStats counts needs, offers and the gap of a category × area cell
// (or of an area, or a category), and the distinct people with a posting
// in it.
type CellStats struct {
	Category string `json:"category,omitempty"`
	Area     string `json:"area,omitempty"`
	Needs    int    `json:"needs"`
	Offers   int    `json:"offers"`
	Gap      int    `json:"gap"`
	People   int    `json:"people"`
	// GapShare is Gap / Needs, 0 without needs.
	GapShare float64 `json:"gap_share"`

	people map[uint64]bool
}

// CategoryCount is a count per category.
type CategoryCount struct {
	Category string `json:"category"`
	Count    int    `json:"count"`
}

// Times are how long needs waited, from their creation: until the first
// proposal, until both sides accepted (connected), until done. Durations
// are in days.
type Times struct {
	FirstProposal Durations    `json:"first_proposal"`
	Connection    Durations    `json:"connection"`
	Completion    Durations    `json:"completion"`
	ByMonth       []MonthTimes `json:"by_month"`
}

// Durations sums up waits: how many, their median and 90th percentile
// (nearest rank), in days with one decimal.
type Durations struct {
	N      int     `json:"n"`
	Median float64 `json:"median_days"`
	P90    float64 `json:"p90_days"`

	days []float64
}

// MonthTimes are the times of the needs created in one month.
type MonthTimes struct {
	Month string `json:"month"` // YYYY-MM
	Needs int    `json:"needs"`
	// People counts the distinct people whose needs these are.
	People        int `json:"people"`
	owners        map[uint64]bool
	FirstProposal Durations `json:"first_proposal"`
	Connection    Durations `json:"connection"`
	Completion    Durations `json:"completion"`
}

// MatchOutcomes count the matches of the needs counted, by where they are.
type MatchOutcomes struct {
	Total     int `json:"total"`
	Open      int `json:"open"` // proposed or accepted by one side
	Connected int `json:"connected"`
	Completed int `json:"completed"`
	Declined  int `json:"declined"`
	Withdrawn int `json:"withdrawn"`
	Expired   int `json:"expired"`
}

// GapRule is the gap's definition, for pages and the API.
const GapRule = "needs without an answer: no standing proposal at or above the matcher's proposal threshold, " +
	"and no match accepted, connected or done"

// Answered reports whether a need has been answered by one of its
// matches: the one place that defines the gap. A need is answered when a
// match of it succeeded or is under way (accepted by one side, connected,
// done), whoever proposed it, or when a proposal still stands that scores
// at or above threshold (the matcher's: what Saperi would propose). A
// proposal below it, or a declined, withdrawn or expired one, leaves the
// need in the gap.
func Answered(ms []*saperi.Match, threshold float64) bool {
	for _, m := range ms {
		switch m.State {
		case saperi.AcceptedNeed, saperi.AcceptedOffer, saperi.Connected, saperi.Done:
			return true
		case saperi.Proposed:
			if matcher.Proposable(matcher.Ranked{Score: m.Score}, threshold) {
				return true
			}
		}
	}
	return false
}

// StatsHub resolves the hub statistics cover for p: an operator their
// own, an admin any or all (0).
func StatsHub(p saperi.Principal, hubID uint64) (uint64, error) { return ExportHub(p, hubID) }

// period parses the filter's dates in loc: [from, to+1 day).
func (f StatsFilter) period(loc *time.Location) (time.Time, time.Time, error) {
	var from, to time.Time
	if f.From != "" {
		t, err := time.ParseInLocation("2006-01-02", f.From, loc)
		if err != nil {
			return from, to, saperi.Invalid("from", "error.param.date", "from must be a date written YYYY-MM-DD")
		}
		from = t
	}
	if f.To != "" {
		t, err := time.ParseInLocation("2006-01-02", f.To, loc)
		if err != nil {
			return from, to, saperi.Invalid("to", "error.param.date", "to must be a date written YYYY-MM-DD")
		}
		to = t.AddDate(0, 0, 1)
	}
	if !from.IsZero() && !to.IsZero() && !to.After(from) {
		return from, to, saperi.Invalid("to", "error.param.period", "to must not be before from")
	}
	return from, to, nil
}

// ComputeStats counts, for p (an operator: their hub; an admin: any or
// all), the figures of f.
func ComputeStats(ctx context.Context, st StatsStore, p saperi.Principal, f StatsFilter, threshold float64) (*Stats, error) {
	hubID, err := StatsHub(p, f.HubID)
	if err != nil {
		return nil, err
	}
	f.HubID = hubID
	if hubID != 0 {
		if _, err := st.Hub(ctx, hubID); err != nil {
			return nil, err
		}
	}
	loc := rome()
	from, to, err := f.period(loc)
	if err != nil {
		return nil, err
	}
	in := func(p *saperi.Posting) bool {
		return (f.HubID == 0 || p.HubID == f.HubID) && (f.Category == "" || p.Category == f.Category) &&
			(from.IsZero() || !p.Created.Before(from)) && (to.IsZero() || p.Created.Before(to))
	}
	needs := map[uint64]*saperi.Posting{}
	offers := map[uint64]*saperi.Posting{}
	err = st.ScanPostings(ctx, 2000, func(ps []*saperi.Posting) error {
		for _, p := range ps {
			if !in(p) {
				continue
			}
			if p.Kind == saperi.Need {
				needs[p.ID] = p
			} else {
				offers[p.ID] = p
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	byNeed := map[uint64][]*saperi.Match{}
	askedOffers := map[uint64]bool{}
	err = st.ScanMatches(ctx, 2000, func(ms []*saperi.Match) error {
		for _, m := range ms {
			askedOffers[m.OfferID] = true
			if needs[m.NeedID] != nil {
				byNeed[m.NeedID] = append(byNeed[m.NeedID], m)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return tally(f, needs, offers, byNeed, askedOffers, loc, threshold), nil
}

// tally does the counting of ComputeStats, without I/O.
func tally(f StatsFilter, needs, offers map[uint64]*saperi.Posting, byNeed map[uint64][]*saperi.Match, asked map[uint64]bool, loc *time.Location, threshold float64) *Stats {
	s := &Stats{Filter: f, GapRule: GapRule}
	cells, areas, cats := map[[2]string]*CellStats{}, map[string]*CellStats{}, map[string]*CellStats{}
	add := func(p *saperi.Posting, gap bool) {
		k := [2]string{p.Category, p.Area}
		for _, c := range []*CellStats{
			cell(cells, k, func() *CellStats { return &CellStats{Category: p.Category, Area: p.Area} }),
			cell(areas, p.Area, func() *CellStats { return &CellStats{Area: p.Area} }),
			cell(cats, p.Category, func() *CellStats { return &CellStats{Category: p.Category} }),
		} {
			if p.Kind == saperi.Need {
				c.Needs++
				if gap {
					c.Gap++
				}
			} else {
				c.Offers++
			}
			c.people[p.ProfileID] = true
		}
	}
	months := map[string]*MonthTimes{}
	reached := map[uint64]bool{}
	for _, n := range sorted(needs) {
		ms := byNeed[n.ID]
		gap := !Answered(ms, threshold)
		s.Needs++
		if gap {
			s.Gap++
		}
		add(n, gap)
		month := n.Created.In(loc).Format("2006-01")
		mt := months[month]
		if mt == nil {
			mt = &MonthTimes{Month: month, owners: map[uint64]bool{}}
			months[month] = mt
		}
		mt.Needs++
		mt.owners[n.ProfileID] = true
		var first, conn, done time.Time
		for _, m := range ms {
			s.Matches.Total++
			switch m.State {
			case saperi.Proposed, saperi.AcceptedNeed, saperi.AcceptedOffer:
				s.Matches.Open++
			case saperi.Connected:
				s.Matches.Connected++
			case saperi.Done:
				s.Matches.Completed++
			case saperi.Declined:
				s.Matches.Declined++
			case saperi.Withdrawn:
				s.Matches.Withdrawn++
			case saperi.MatchExpired:
				s.Matches.Expired++
			}
			first = earliest(first, m.Created)
			for _, h := range m.History {
				switch h.To {
				case saperi.Connected:
					conn = earliest(conn, h.At)
					reached[m.NeedProfileID], reached[m.OfferProfileID] = true, true
				case saperi.Done:
					done = earliest(done, h.At)
					reached[m.NeedProfileID], reached[m.OfferProfileID] = true, true
				}
			}
		}
		for _, w := range []struct {
			at        time.Time
			all, part *Durations
		}{{first, &s.Times.FirstProposal, &mt.FirstProposal}, {conn, &s.Times.Connection, &mt.Connection}, {done, &s.Times.Completion, &mt.Completion}} {
			if !w.at.IsZero() {
				d := w.at.Sub(n.Created).Hours() / 24
				w.all.days = append(w.all.days, d)
				w.part.days = append(w.part.days, d)
			}
		}
	}
	unasked := map[string]int{}
	for _, o := range sorted(offers) {
		s.Offers++
		add(o, false)
		if !asked[o.ID] {
			s.OffersUnasked++
			unasked[o.Category]++
		}
	}
	s.PeopleReached = len(reached)
	s.ByCategoryArea = flatten(cells)
	s.ByArea = flatten(areas)
	s.ByCategory = flatten(cats)
	for c, n := range unasked {
		s.UnaskedByCat = append(s.UnaskedByCat, CategoryCount{Category: c, Count: n})
	}
	sort.Slice(s.UnaskedByCat, func(i, j int) bool {
		a, b := s.UnaskedByCat[i], s.UnaskedByCat[j]
		return a.Count > b.Count || a.Count == b.Count && a.Category < b.Category
	})
	if s.UnaskedByCat == nil {
		s.UnaskedByCat = []CategoryCount{}
	}
	for _, d := range []*Durations{&s.Times.FirstProposal, &s.Times.Connection, &s.Times.Completion} {
		d.sum()
	}
	s.Times.ByMonth = []MonthTimes{}
	for _, k := range sortedKeys(months) {
		mt := months[k]
		mt.People = len(mt.owners)
		mt.FirstProposal.sum()
		mt.Connection.sum()
		mt.Completion.sum()
		s.Times.ByMonth = append(s.Times.ByMonth, *mt)
	}
	return s
}

func cell[K comparable](m map[K]*CellStats, k K, mk func() *CellStats) *CellStats {
	c := m[k]
	if c == nil {
		c = mk()
		c.people = map[uint64]bool{}
		m[k] = c
	}
	return c
}

// flatten lists cells by gap, then needs, then name.
func flatten[K comparable](m map[K]*CellStats) []CellStats {
	out := make([]CellStats, 0, len(m))
	for _, c := range m {
		c.People = len(c.people)
		if c.Needs > 0 {
			c.GapShare = math.Round(float64(c.Gap)/float64(c.Needs)*1000) / 1000
		}
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Gap != b.Gap {
			return a.Gap > b.Gap
		}
		if a.Needs != b.Needs {
			return a.Needs > b.Needs
		}
		if a.Category != b.Category {
			return a.Category < b.Category
		}
		return a.Area < b.Area
	})
	return out
}

func sorted(m map[uint64]*saperi.Posting) []*saperi.Posting {
	out := make([]*saperi.Posting, 0, len(m))
	for _, p := range m {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b *saperi.Posting) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func earliest(a, b time.Time) time.Time {
	if a.IsZero() || b.Before(a) {
		return b
	}
	return a
}

// sum fills N, Median and P90 from the days collected.
func (d *Durations) sum() {
	d.N = len(d.days)
	if d.N == 0 {
		return
	}
	sort.Float64s(d.days)
	d.Median = round1(percentile(d.days, 0.5))
	d.P90 = round1(percentile(d.days, 0.9))
}

// percentile by nearest rank: the smallest value with at least q of the
// values at or below it.
func percentile(sorted []float64, q float64) float64 {
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }

// AreaName is how a cell's area is shown: the area, or "—" when the
// postings have none.
func AreaName(a string) string {
	if strings.TrimSpace(a) == "" {
		return "—"
	}
	return a
}
