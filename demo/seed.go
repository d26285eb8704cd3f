package demo

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"time"

	"github.com/saperi/saperi"
)

// Store is what seeding writes through (store.DB implements it). Each
// Create call assigns the record's ID.
type Store interface {
	CreateHub(ctx context.Context, h *saperi.Hub) error
	CreateProfile(ctx context.Context, p *saperi.Profile, ev saperi.Event) error
	CreatePosting(ctx context.Context, p *saperi.Posting, ev saperi.Event) error
}

// Counts says how many records Seed wrote.
type Counts struct{ Hubs, Profiles, Offers, Needs int }

// Demo constants written into every seeded record.
const (
	Actor          = "seed"
	ConsentText    = "Consenso demo: dati di esempio"
	ConsentVersion = "demo-1"
	DeskOperator   = "operatore demo"
)

// Seed writes the demo hubs, profiles and postings, in the order of
// data.json. now anchors dates: profiles and postings were created over the
// ~60 days before now and expire 30–120 days after it. The same now gives
// the same records.
func Seed(ctx context.Context, st Store, now time.Time) (Counts, error) {
	var n Counts
	d, err := Load()
	if err != nil {
		return n, err
	}
	now = now.Round(0) // drop the monotonic reading: records are compared and stored
	areas := map[string]Area{}
	for _, a := range d.Areas {
		areas[a.Key] = a
	}

	hubIDs := map[string]uint64{}
	for i, e := range d.Hubs {
		a := areas[e.Area]
		h := &saperi.Hub{
			Name:               e.Name,
			Area:               a.Name,
			Point:              &saperi.Point{Lat: a.Lat, Lon: a.Lon},
			Neighbors:          []uint64{},
			ShareWithNeighbors: e.Share,
			Emails:             e.Emails,
			Created:            at(now, 75-i, 10*60),
		}
		for _, k := range e.Neighbors {
			h.Neighbors = append(h.Neighbors, hubIDs[k])
		}
		if err := h.Validate(); err != nil {
			return n, fmt.Errorf("demo: hub %q: %w", e.Key, err)
		}
		if err := st.CreateHub(ctx, h); err != nil {
			return n, fmt.Errorf("demo: create hub %q: %w", e.Key, err)
		}
		if h.ID == 0 {
			return n, fmt.Errorf("demo: create hub %q: the store assigned no id", e.Key)
		}
		hubIDs[e.Key] = h.ID
		n.Hubs++
	}

	profiles := map[string]*saperi.Profile{}
	for _, e := range d.Profiles {
		p := profile(e, areas[e.Area], hubIDs[e.Hub], now)
		if err := p.Validate(); err != nil {
			return n, fmt.Errorf("demo: profile %q: %w", e.Key, err)
		}
		ev := saperi.Event{At: p.Created, Actor: Actor}
		if err := st.CreateProfile(ctx, p, ev); err != nil {
			return n, fmt.Errorf("demo: create profile %q: %w", e.Key, err)
		}
		if p.ID == 0 {
			return n, fmt.Errorf("demo: create profile %q: the store assigned no id", e.Key)
		}
		profiles[e.Key] = p
		n.Profiles++
	}

	for i, e := range d.Postings {
		p := posting(i, e, profiles[e.Owner], now)
		if err := p.Validate(saperi.DefaultCategories, p.Created); err != nil {
			return n, fmt.Errorf("demo: posting %d (%q): %w", i, e.Title, err)
		}
		ev := saperi.Event{At: p.Created, Actor: Actor, OnBehalfOf: p.ProfileID}
		if err := st.CreatePosting(ctx, p, ev); err != nil {
			return n, fmt.Errorf("demo: create posting %d (%q): %w", i, e.Title, err)
		}
		if p.Kind == saperi.Offer {
			n.Offers++
		} else {
			n.Needs++
		}
	}
	return n, nil
}

// profile builds the record for e. It was created 35–62 days before now,
// sometimes edited since.
func profile(e ProfileEntry, a Area, hubID uint64, now time.Time) *saperi.Profile {
	h := hash("profile", e.Key)
	created := at(now, 35+int(h%28), 9*60+int(h>>8%(9*60)))
	updated := created
	if h>>20%3 == 0 {
		updated = created.Add(time.Duration(1+h>>24%20) * 24 * time.Hour)
	}
	p := &saperi.Profile{
		Kind:      e.Kind,
		Name:      e.Name,
		HubID:     hubID,
		Area:      a.Name,
		Point:     jitter(a, h>>32),
		Languages: append([]string{}, e.Languages...),
		Contacts:  saperi.Contacts{Phone: e.Phone, Email: e.Email},
		Consent: saperi.Consent{
			Text:    ConsentText,
			Version: ConsentVersion,
			At:      created,
			By:      saperi.ConsentSelf,
		},
		Story:   e.Story,
		Created: created,
		Updated: updated,
	}
	if e.WalkIn {
		p.Consent.By = saperi.ConsentOperator
		p.Consent.RecordedBy = DeskOperator
	}
	return p
}

// posting builds the i-th posting of the dataset for its owner. It was
// created after its owner, at least a day before now, and expires 30–120
// days after now.
func posting(i int, e PostingEntry, owner *saperi.Profile, now time.Time) *saperi.Posting {
	h := hash("posting", fmt.Sprint(i), e.Owner, e.Title)
	span := int(now.Sub(owner.Created).Hours()/24) - 1 // whole days between owner and yesterday
	created := at(now, 1+int(h%uint64(span)), 8*60+int(h>>8%(12*60)))
	updated := created
	if d := int(now.Sub(created).Hours() / 24); h>>20%4 == 0 && d > 1 {
		updated = created.Add(time.Duration(1+int(h>>24)%(d-1)) * 24 * time.Hour)
	}
	p := &saperi.Posting{
		Kind:          e.Kind,
		Title:         e.Title,
		Description:   e.Text,
		Category:      e.Category,
		Tags:          append([]string{}, e.Tags...),
		Slots:         append([]saperi.Slot{}, e.Slots...),
		Mode:          e.Mode,
		MaxDistanceKm: e.Km,
		Capacity:      e.Capacity,
		Status:        e.Status,
		Expires:       at(now, -(30 + int(h>>32%91)), 23*60+59),
		Created:       created,
		Updated:       updated,
	}
	if p.Kind == saperi.Need && p.Capacity == 0 {
		p.Capacity = 1 // a need is answered once
	}
	p.Inherit(owner)
	p.Normalize(created)
	return p
}

// at returns the local time minutes after midnight of the day daysAgo days
// before now (after it when negative), in now's location.
func at(now time.Time, daysAgo, minutes int) time.Time {
	y, m, d := now.Date()
	return time.Date(y, m, d-daysAgo, 0, minutes, 0, 0, now.Location())
}

// jitter moves the area centre by 80–300 m in a direction drawn from h and
// rounds to three decimals (about 100 m), so a profile's point says which
// part of the neighbourhood, never which building.
func jitter(a Area, h uint64) *saperi.Point {
	r := 0.08 + float64(h%221)/1000            // km
	theta := float64(h>>8%360) * math.Pi / 180 // direction
	const kmPerDegree = 111.32
	lat := a.Lat + r*math.Cos(theta)/kmPerDegree
	lon := a.Lon + r*math.Sin(theta)/(kmPerDegree*math.Cos(a.Lat*math.Pi/180))
	return &saperi.Point{Lat: round3(lat), Lon: round3(lon)}
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

func hash(parts ...string) uint64 {
	f := fnv.New64a()
	for _, s := range parts {
		f.Write([]byte(s))
		f.Write([]byte{0})
	}
	return f.Sum64()
}
