package matcher_test

import (
	"math"
	"testing"
	"time"

	"github.com/saperi/saperi/matcher"
)

func TestProfileValidate(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(p *matcher.Profile)
		field string // "" when valid
	}{
		{"valid", func(p *matcher.Profile) {}, ""},
		{"valid minimal", func(p *matcher.Profile) {
			p.Area, p.Point, p.Languages, p.Contacts = "", nil, nil, matcher.Contacts{}
		}, ""},
		{"valid organisation by operator", func(p *matcher.Profile) {
			p.Kind = matcher.Organisation
			p.Consent.By, p.Consent.RecordedBy = matcher.ConsentOperator, "op1"
		}, ""},
		{"valid three-letter language", func(p *matcher.Profile) { p.Languages = []string{"fur"} }, ""},
		{"kind empty", func(p *matcher.Profile) { p.Kind = "" }, "kind"},
		{"kind unknown", func(p *matcher.Profile) { p.Kind = "company" }, "kind"},
		{"name empty", func(p *matcher.Profile) { p.Name = "   " }, "name"},
		{"name too short", func(p *matcher.Profile) { p.Name = "G" }, "name"},
		{"name too long", func(p *matcher.Profile) { p.Name = repeat("a", 81) }, "name"},
		{"name not utf8", func(p *matcher.Profile) { p.Name = "Gi\xffulia" }, "name"},
		{"hub missing", func(p *matcher.Profile) { p.HubID = 0 }, "hub_id"},
		{"area too long", func(p *matcher.Profile) { p.Area = repeat("è", 61) }, "area"},
		{"point latitude", func(p *matcher.Profile) { p.Point = &matcher.Point{Lat: 91} }, "point"},
		{"point NaN", func(p *matcher.Profile) { p.Point = &matcher.Point{Lat: math.NaN()} }, "point"},
		{"language upper case", func(p *matcher.Profile) { p.Languages = []string{"IT"} }, "languages"},
		{"language one letter", func(p *matcher.Profile) { p.Languages = []string{"i"} }, "languages"},
		{"language too long", func(p *matcher.Profile) { p.Languages = []string{"ital"} }, "languages"},
		{"language not letters", func(p *matcher.Profile) { p.Languages = []string{"i1"} }, "languages"},
		{"too many languages", func(p *matcher.Profile) {
			p.Languages = []string{"it", "en", "fr", "ar", "es", "de", "pt", "ro", "sq", "zh", "ru"}
		}, "languages"},
		{"email malformed", func(p *matcher.Profile) { p.Contacts.Email = "giulia.example.org" }, "contacts.email"},
		{"email with display name", func(p *matcher.Profile) { p.Contacts.Email = "Giulia <giulia@example.org>" }, "contacts.email"},
		{"phone letters", func(p *matcher.Profile) { p.Contacts.Phone = "011 CALL ME" }, "contacts.phone"},
		{"phone too few digits", func(p *matcher.Profile) { p.Contacts.Phone = "12345" }, "contacts.phone"},
		{"phone too many digits", func(p *matcher.Profile) { p.Contacts.Phone = "1234567890123456" }, "contacts.phone"},
		{"consent text blank", func(p *matcher.Profile) { p.Consent.Text = " \n" }, "consent.text"},
		{"consent by missing", func(p *matcher.Profile) { p.Consent.By = "" }, "consent.by"},
		{"consent by unknown", func(p *matcher.Profile) { p.Consent.By = "neighbour" }, "consent.by"},
		{"story too long", func(p *matcher.Profile) { p.Story = repeat("x", 2001) }, "story"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := validProfile()
			tt.edit(p)
			checkValid(t, p.Validate(), tt.field)
		})
	}
}

func TestPostingValidate(t *testing.T) {
	cats := matcher.DefaultCategories
	tests := []struct {
		name  string
		edit  func(p *matcher.Posting)
		field string
	}{
		{"valid", func(p *matcher.Posting) {}, ""},
		{"valid without category", func(p *matcher.Posting) { p.Category = "" }, ""},
		{"valid with slots and dates", func(p *matcher.Posting) {
			p.Slots = []matcher.Slot{{Day: 2, From: 540, To: 720}}
			p.AvailableFrom, p.AvailableTo = now, now.Add(48*time.Hour)
		}, ""},
		{"valid remote zero distance", func(p *matcher.Posting) { p.Mode, p.MaxDistanceKm = matcher.Remote, 0 }, ""},
		{"valid paused past expiry", func(p *matcher.Posting) {
			p.Status, p.Expires = matcher.Paused, now.Add(-time.Hour)
		}, ""},
		{"valid closed without expiry", func(p *matcher.Posting) {
			p.Status, p.Expires = matcher.Closed, time.Time{}
		}, ""},
		{"kind", func(p *matcher.Posting) { p.Kind = "swap" }, "kind"},
		{"profile missing", func(p *matcher.Posting) { p.ProfileID = 0 }, "profile_id"},
		{"title empty", func(p *matcher.Posting) { p.Title = "" }, "title"},
		{"title too short", func(p *matcher.Posting) { p.Title = "a" }, "title"},
		{"title too long", func(p *matcher.Posting) { p.Title = repeat("a", 121) }, "title"},
		{"description too long", func(p *matcher.Posting) { p.Description = repeat("a", 4001) }, "description"},
		{"category unknown", func(p *matcher.Posting) { p.Category = "astrologia" }, "category"},
		{"too many tags", func(p *matcher.Posting) {
			p.Tags = []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m"}
		}, "tags"},
		{"tag empty", func(p *matcher.Posting) { p.Tags = []string{" "} }, "tags"},
		{"tag too long", func(p *matcher.Posting) { p.Tags = []string{repeat("t", 41)} }, "tags"},
		{"too many slots", func(p *matcher.Posting) {
			for i := range 22 {
				p.Slots = append(p.Slots, matcher.Slot{Day: i%7 + 1, From: i * 60, To: i*60 + 30})
			}
		}, "slots"},
		{"bad slot", func(p *matcher.Posting) { p.Slots = []matcher.Slot{{Day: 1, From: 600, To: 600}} }, "slots"},
		{"dates reversed", func(p *matcher.Posting) {
			p.AvailableFrom, p.AvailableTo = now.Add(48*time.Hour), now
		}, "available_to"},
		{"mode", func(p *matcher.Posting) { p.Mode = "bike" }, "mode"},
		{"distance negative", func(p *matcher.Posting) { p.MaxDistanceKm = -1 }, "max_distance_km"},
		{"distance too far", func(p *matcher.Posting) { p.MaxDistanceKm = matcher.MaxDistanceKm + 0.1 }, "max_distance_km"},
		{"distance NaN", func(p *matcher.Posting) { p.MaxDistanceKm = math.NaN() }, "max_distance_km"},
		{"capacity zero", func(p *matcher.Posting) { p.Capacity = 0 }, "capacity"},
		{"capacity too high", func(p *matcher.Posting) { p.Capacity = matcher.MaxCapacity + 1 }, "capacity"},
		{"status", func(p *matcher.Posting) { p.Status = "lost" }, "status"},
		{"point", func(p *matcher.Posting) { p.Point = &matcher.Point{Lon: 181} }, "point"},
		{"area too long", func(p *matcher.Posting) { p.Area = repeat("a", 61) }, "area"},
		{"languages", func(p *matcher.Posting) { p.Languages = []string{"Italian"} }, "languages"},
		{"open but expired", func(p *matcher.Posting) { p.Expires = now }, "expires"},
		{"expires too far", func(p *matcher.Posting) { p.Expires = now.Add(matcher.MaxTTL + time.Hour) }, "expires"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := posting(matcher.Offer, 1, 7)
			tt.edit(p)
			checkValid(t, p.Validate(cats, now), tt.field)
		})
	}
}

func TestHubValidate(t *testing.T) {
	tests := []struct {
		name  string
		hub   matcher.Hub
		field string
	}{
		{"valid", matcher.Hub{Name: "Portineria di Porta Palazzo", Area: "Aurora", Point: north(0)}, ""},
		{"valid without point or area", matcher.Hub{Name: "Bagni pubblici"}, ""},
		{"name missing", matcher.Hub{Area: "Aurora"}, "name"},
		{"name too short", matcher.Hub{Name: "P"}, "name"},
		{"name too long", matcher.Hub{Name: repeat("p", 81)}, "name"},
		{"area too long", matcher.Hub{Name: "Portineria", Area: repeat("a", 61)}, "area"},
		{"point", matcher.Hub{Name: "Portineria", Point: &matcher.Point{Lat: -90.5}}, "point"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkValid(t, tt.hub.Validate(), tt.field)
		})
	}
}

func TestPointValidate(t *testing.T) {
	tests := []struct {
		name  string
		p     matcher.Point
		valid bool
	}{
		{"origin", matcher.Point{}, true},
		{"turin", matcher.Point{Lat: baseLat, Lon: baseLon}, true},
		{"north-east corner", matcher.Point{Lat: 90, Lon: 180}, true},
		{"south-west corner", matcher.Point{Lat: -90, Lon: -180}, true},
		{"lat above", matcher.Point{Lat: 90.0001}, false},
		{"lat below", matcher.Point{Lat: -90.0001}, false},
		{"lon above", matcher.Point{Lon: 180.0001}, false},
		{"lon below", matcher.Point{Lon: -180.0001}, false},
		{"lat NaN", matcher.Point{Lat: math.NaN()}, false},
		{"lon NaN", matcher.Point{Lon: math.NaN()}, false},
		{"lat infinite", matcher.Point{Lat: math.Inf(1)}, false},
		{"lon infinite", matcher.Point{Lon: math.Inf(-1)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			field := "point"
			if tt.valid {
				field = ""
			}
			checkValid(t, tt.p.Validate(), field)
		})
	}
}

func TestDistanceKm(t *testing.T) {
	a := matcher.Point{Lat: baseLat, Lon: baseLon}
	tests := []struct {
		name string
		b    matcher.Point
		want float64
		tol  float64
	}{
		{"same point", a, 0, 1e-9},
		{"one km north", *north(1), 1, 0.01},
		{"one degree of latitude", matcher.Point{Lat: baseLat + 1, Lon: baseLon}, 111.195, 0.01},
		{"antipode", matcher.Point{Lat: -baseLat, Lon: baseLon - 180}, math.Pi * 6371, 0.01},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := matcher.DistanceKm(a, tt.b)
			if math.Abs(got-tt.want) > tt.tol {
				t.Errorf("DistanceKm = %v, want %v ± %v", got, tt.want, tt.tol)
			}
			if back := matcher.DistanceKm(tt.b, a); math.Abs(back-got) > 1e-9 {
				t.Errorf("not symmetric: %v vs %v", got, back)
			}
		})
	}
}

func TestSlotValidate(t *testing.T) {
	tests := []struct {
		name  string
		s     matcher.Slot
		valid bool
	}{
		{"morning", matcher.Slot{Day: 2, From: 9 * 60, To: 12*60 + 30}, true},
		{"whole day", matcher.Slot{Day: 7, From: 0, To: 24 * 60}, true},
		{"one minute", matcher.Slot{Day: 1, From: 0, To: 1}, true},
		{"day zero", matcher.Slot{Day: 0, From: 0, To: 60}, false},
		{"day eight", matcher.Slot{Day: 8, From: 0, To: 60}, false},
		{"from negative", matcher.Slot{Day: 1, From: -1, To: 60}, false},
		{"to past midnight", matcher.Slot{Day: 1, From: 60, To: 24*60 + 1}, false},
		{"empty", matcher.Slot{Day: 1, From: 60, To: 60}, false},
		{"reversed", matcher.Slot{Day: 1, From: 120, To: 60}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			field := "slots"
			if tt.valid {
				field = ""
			}
			checkValid(t, tt.s.Validate(), field)
		})
	}
}
