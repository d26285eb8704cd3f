package demo

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/saperi/saperi"
)

// fakeStore keeps what Seed writes, in order, and assigns ids the way a
// store would: one sequence per kind of record, starting at 1.
type fakeStore struct {
	hubs     []saperi.Hub
	profiles []saperi.Profile
	postings []saperi.Posting
	events   []saperi.Event
	failAt   int // fail the n-th posting (1-based); 0 never
}

func (s *fakeStore) CreateHub(_ context.Context, h *saperi.Hub) error {
	h.ID = uint64(len(s.hubs) + 1)
	s.hubs = append(s.hubs, *h)
	return nil
}

func (s *fakeStore) CreateProfile(_ context.Context, p *saperi.Profile, ev saperi.Event) error {
	if p.HubID == 0 || p.HubID > uint64(len(s.hubs)) {
		return saperi.NotFound("hub", p.HubID)
	}
	p.ID = uint64(len(s.profiles) + 1)
	s.profiles = append(s.profiles, *p)
	s.events = append(s.events, ev)
	return nil
}

func (s *fakeStore) CreatePosting(_ context.Context, p *saperi.Posting, ev saperi.Event) error {
	if s.failAt > 0 && len(s.postings)+1 == s.failAt {
		return errors.New("disk full")
	}
	if p.ProfileID == 0 || p.ProfileID > uint64(len(s.profiles)) {
		return saperi.NotFound("profile", p.ProfileID)
	}
	p.ID = uint64(len(s.postings) + 1)
	s.postings = append(s.postings, *p)
	s.events = append(s.events, ev)
	return nil
}

var testNow = time.Date(2025, time.March, 30, 10, 15, 0, 0, time.FixedZone("CEST", 2*3600))

func seed(tb testing.TB) (*fakeStore, Counts) {
	tb.Helper()
	st := &fakeStore{}
	n, err := Seed(context.Background(), st, testNow)
	if err != nil {
		tb.Fatalf("Seed: %v", err)
	}
	return st, n
}

func load(tb testing.TB) *Dataset {
	tb.Helper()
	d, err := Load()
	if err != nil {
		tb.Fatalf("Load: %v", err)
	}
	return d
}

func TestLoadCounts(t *testing.T) {
	d := load(t)
	orgs, walkIns, noCategory, offers := 0, 0, 0, 0
	for _, p := range d.Profiles {
		switch {
		case p.Kind == saperi.Organisation:
			orgs++
		case p.WalkIn:
			walkIns++
		}
	}
	for _, p := range d.Postings {
		if p.Kind == saperi.Offer {
			offers++
		}
		if p.Category == "" {
			noCategory++
		}
	}
	checks := []struct {
		what     string
		got      int
		min, max int
	}{
		{"hubs", len(d.Hubs), 5, 5},
		{"areas", len(d.Areas), 20, 30},
		{"profiles", len(d.Profiles), 80, 100},
		{"organisations", orgs, 6, 10},
		{"walk-in residents", walkIns, 5, 25},
		{"postings", len(d.Postings), 190, 230},
		{"offers", offers, len(d.Postings) * 2 / 5, len(d.Postings) * 3 / 5},
		{"needs with no category", noCategory, 2, 8},
	}
	for _, c := range checks {
		if c.got < c.min || c.got > c.max {
			t.Errorf("%s: %d, want %d..%d", c.what, c.got, c.min, c.max)
		}
	}
}

func TestReferences(t *testing.T) {
	d := load(t)
	areas, hubs, owners := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, a := range d.Areas {
		areas[a.Key] = true
		if a.Lat < 44.95 || a.Lat > 45.15 || a.Lon < 7.55 || a.Lon > 7.78 {
			t.Errorf("area %s: (%g, %g) is not in Torino", a.Key, a.Lat, a.Lon)
		}
	}
	for _, h := range d.Hubs {
		hubs[h.Key] = true
		if !areas[h.Area] {
			t.Errorf("hub %s: unknown area %q", h.Key, h.Area)
		}
	}
	for _, p := range d.Profiles {
		owners[p.Key] = true
		if !hubs[p.Hub] {
			t.Errorf("profile %s: unknown hub %q", p.Key, p.Hub)
		}
		if !areas[p.Area] {
			t.Errorf("profile %s: unknown area %q", p.Key, p.Area)
		}
	}
	for i, p := range d.Postings {
		if !owners[p.Owner] {
			t.Errorf("posting %d (%s): unknown owner %q", i, p.Title, p.Owner)
		}
	}
}

func TestProfiles(t *testing.T) {
	d := load(t)
	names, phones, emails := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, p := range d.Profiles {
		if names[strings.ToLower(p.Name)] {
			t.Errorf("two profiles are called %q", p.Name)
		}
		names[strings.ToLower(p.Name)] = true
		if p.Email != "" {
			if !strings.HasSuffix(p.Email, "@example.org") {
				t.Errorf("profile %s: e-mail %q is not at example.org", p.Key, p.Email)
			}
			if emails[p.Email] {
				t.Errorf("profile %s: e-mail %q used twice", p.Key, p.Email)
			}
			emails[p.Email] = true
		}
		if p.Phone != "" {
			if !strings.HasPrefix(p.Phone, "+39 011 000 ") {
				t.Errorf("profile %s: phone %q is not in the fake 011 000 block", p.Key, p.Phone)
			}
			if phones[p.Phone] {
				t.Errorf("profile %s: phone %q used twice", p.Key, p.Phone)
			}
			phones[p.Phone] = true
		}
		if p.Phone == "" && p.Email == "" {
			t.Errorf("profile %s: no way to reach them", p.Key)
		}
		if p.WalkIn && p.Email != "" {
			t.Errorf("profile %s: walk-ins registered at the desk have no e-mail here", p.Key)
		}
	}
}

func TestSeedValidates(t *testing.T) {
	st, n := seed(t)
	d := load(t)
	if n.Hubs != len(d.Hubs) || n.Profiles != len(d.Profiles) || n.Offers+n.Needs != len(d.Postings) {
		t.Fatalf("counts %+v do not match the dataset (%d hubs, %d profiles, %d postings)",
			n, len(d.Hubs), len(d.Profiles), len(d.Postings))
	}
	for _, h := range st.hubs {
		if err := h.Validate(); err != nil {
			t.Errorf("hub %s: %v", h.Name, err)
		}
		for _, id := range h.Neighbors {
			if id == 0 || id >= h.ID {
				t.Errorf("hub %s: neighbour id %d", h.Name, id)
			}
		}
	}
	for _, p := range st.profiles {
		if err := p.Validate(); err != nil {
			t.Errorf("profile %s: %v", p.Name, err)
		}
		if p.Created.After(testNow) || testNow.Sub(p.Created) > 65*24*time.Hour || p.Updated.Before(p.Created) || p.Updated.After(testNow) {
			t.Errorf("profile %s: created %v updated %v", p.Name, p.Created, p.Updated)
		}
		if !p.Consent.At.Equal(p.Created) || p.Consent.Version != ConsentVersion {
			t.Errorf("profile %s: consent %+v", p.Name, p.Consent)
		}
		if (p.Consent.By == saperi.ConsentOperator) != (p.Consent.RecordedBy == DeskOperator) {
			t.Errorf("profile %s: consent by %q recorded by %q", p.Name, p.Consent.By, p.Consent.RecordedBy)
		}
		if p.Point == nil || saperi.DistanceKm(*p.Point, areaPoint(t, d, p.Area)) > 0.4 {
			t.Errorf("profile %s: point %v is more than 400 m from the centre of %s", p.Name, p.Point, p.Area)
		}
	}
	used := map[string]int{}
	for i, p := range st.postings {
		if err := p.Validate(saperi.DefaultCategories, p.Created); err != nil {
			t.Errorf("posting %d (%s): %v", i, p.Title, err)
		}
		if err := p.Validate(saperi.DefaultCategories, testNow); err != nil {
			t.Errorf("posting %d (%s) as of now: %v", i, p.Title, err)
		}
		owner := st.profiles[p.ProfileID-1]
		if !p.Created.After(owner.Created) || !p.Created.Before(testNow) || p.Updated.Before(p.Created) || p.Updated.After(testNow) {
			t.Errorf("posting %d (%s): created %v updated %v, owner created %v", i, p.Title, p.Created, p.Updated, owner.Created)
		}
		if left := p.Expires.Sub(testNow); left < 30*24*time.Hour || left > 121*24*time.Hour {
			t.Errorf("posting %d (%s): expires %v", i, p.Title, p.Expires)
		}
		if p.HubID != owner.HubID || p.Area != owner.Area || len(p.Languages) == 0 {
			t.Errorf("posting %d (%s): did not inherit from its owner", i, p.Title)
		}
		if p.Kind == saperi.Offer && (p.Capacity < 1 || p.Capacity > 5) {
			t.Errorf("offer %d (%s): capacity %d, want 1..5", i, p.Title, p.Capacity)
		}
		if p.MaxDistanceKm < 1 || p.MaxDistanceKm > 10 {
			t.Errorf("posting %d (%s): max distance %g km, want 1..10", i, p.Title, p.MaxDistanceKm)
		}
		used[p.Category]++
	}
	for _, c := range saperi.DefaultCategories {
		if used[c.ID] < 3 {
			t.Errorf("category %s: %d postings, want at least 3", c.ID, used[c.ID])
		}
	}
	for _, ev := range st.events {
		if ev.Actor != Actor || ev.Action != "" || ev.At.IsZero() {
			t.Errorf("event %+v", ev)
		}
	}
}

func areaPoint(tb testing.TB, d *Dataset, name string) saperi.Point {
	tb.Helper()
	for _, a := range d.Areas {
		if a.Name == name {
			return saperi.Point{Lat: a.Lat, Lon: a.Lon}
		}
	}
	tb.Fatalf("no area named %q", name)
	return saperi.Point{}
}

// TestMatchesReachable checks the hints: an offer named as a good match for
// a need is open and reachable from it, as retrieval would require.
func TestMatchesReachable(t *testing.T) {
	st, _ := seed(t)
	d := load(t)
	byKey := map[string]*saperi.Posting{}
	for i, e := range d.Postings {
		if e.Key != "" {
			byKey[e.Key] = &st.postings[i]
		}
	}
	hinted := 0
	for i, e := range d.Postings {
		if len(e.Match) > 0 {
			hinted++
		}
		need := &st.postings[i]
		for _, k := range e.Match {
			offer := byKey[k]
			if offer.ProfileID == need.ProfileID {
				t.Errorf("need %q: matched with its own offer %q", need.Title, offer.Title)
			}
			if offer.StatusAt(testNow) != saperi.Open {
				t.Errorf("need %q: offer %q is %s", need.Title, offer.Title, offer.StatusAt(testNow))
			}
			if ok, km, _ := saperi.Reachable(need, offer); !ok {
				t.Errorf("need %q: offer %q is out of reach (%.1f km)", need.Title, offer.Title, km)
			}
		}
	}
	if needs := len(d.Postings) / 2; hinted < needs/2 {
		t.Errorf("%d needs name a good offer, want at least %d", hinted, needs/2)
	}
}

func TestSeedDeterministic(t *testing.T) {
	a, _ := seed(t)
	b, _ := seed(t)
	ja, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Fatal("two seeds with the same now wrote different records")
	}
	other := &fakeStore{}
	if _, err := Seed(context.Background(), other, testNow.Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if jo, _ := json.Marshal(other); string(jo) == string(ja) {
		t.Fatal("seeding with another now wrote the same dates")
	}
}

// MarshalJSON exposes the fake's records to the determinism test.
func (s *fakeStore) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]any{"hubs": s.hubs, "profiles": s.profiles, "postings": s.postings, "events": s.events})
}

func TestSeedStoreError(t *testing.T) {
	st := &fakeStore{failAt: 7}
	n, err := Seed(context.Background(), st, testNow)
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("Seed: %v, want the store's error", err)
	}
	if n.Offers+n.Needs != 6 {
		t.Errorf("counts %+v, want the 6 postings written before the failure", n)
	}
}

func TestParseStrict(t *testing.T) {
	cases := []struct {
		name, data, want string
	}{
		{"unknown field", `{"areas":[],"hubs":[],"profiles":[],"postings":[],"extra":1}`, "unknown field"},
		{"trailing data", `{"areas":[],"hubs":[],"profiles":[],"postings":[]} {}`, "trailing"},
		{"bad slot", `{"postings":[{"owner":"x","slots":[{"day":"xyz","from":"09:00","to":"10:00"}]}]}`, "day"},
		{"unknown area", `{"hubs":[{"key":"h","name":"Hub","area":"nowhere"}]}`, "unknown area"},
		{"forward neighbour", `{"areas":[{"key":"a","name":"A"}],"hubs":[{"key":"h","name":"Hub","area":"a","neighbors":["k"]}]}`, "listed before"},
		{"unknown owner", `{"postings":[{"owner":"nobody","kind":"need","title":"Aiuto"}]}`, "unknown owner"},
		{"match not an offer", `{"areas":[{"key":"a","name":"A"}],"hubs":[{"key":"h","name":"Hub","area":"a"}],
			"profiles":[{"key":"p","name":"P","hub":"h","area":"a"}],
			"postings":[{"key":"n","owner":"p","kind":"need","title":"Aiuto"},{"owner":"p","kind":"need","title":"Altro","match":["n"]}]}`, "not an offer"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := parse([]byte(c.data))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("parse: %v, want an error containing %q", err, c.want)
			}
		})
	}
}
