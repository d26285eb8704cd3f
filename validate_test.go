package saperi_test

import (
	"math"
	"testing"
	"time"

	"github.com/saperi/saperi"
)

func TestProfileValidate(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(p *saperi.Profile)
		field string // "" when valid
	}{
		{"valid", func(p *saperi.Profile) {}, ""},
		{"valid minimal", func(p *saperi.Profile) {
			p.Area, p.Point, p.Languages, p.Contacts = "", nil, nil, saperi.Contacts{}
		}, ""},
		{"valid organisation by operator", func(p *saperi.Profile) {
			p.Kind = saperi.Organisation
			p.Consent.By, p.Consent.RecordedBy = saperi.ConsentOperator, "op1"
		}, ""},
		{"valid three-letter language", func(p *saperi.Profile) { p.Languages = []string{"fur"} }, ""},
		{"kind empty", func(p *saperi.Profile) { p.Kind = "" }, "kind"},
		{"kind unknown", func(p *saperi.Profile) { p.Kind = "company" }, "kind"},
		{"name empty", func(p *saperi.Profile) { p.Name = "   " }, "name"},
		{"name too short", func(p *saperi.Profile) { p.Name = "G" }, "name"},
		{"name too long", func(p *saperi.Profile) { p.Name = repeat("a", 81) }, "name"},
		{"name not utf8", func(p *saperi.Profile) { p.Name = "Gi\xffulia" }, "name"},
		{"hub missing", func(p *saperi.Profile) { p.HubID = 0 }, "hub_id"},
		{"area too long", func(p *saperi.Profile) { p.Area = repeat("è", 61) }, "area"},
		{"point latitude", func(p *saperi.Profile) { p.Point = &saperi.Point{Lat: 91} }, "point"},
		{"point NaN", func(p *saperi.Profile) { p.Point = &saperi.Point{Lat: math.NaN()} }, "point"},
		{"language upper case", func(p *saperi.Profile) { p.Languages = []string{"IT"} }, "languages"},
		{"language one letter", func(p *saperi.Profile) { p.Languages = []string{"i"} }, "languages"},
		{"language too long", func(p *saperi.Profile) { p.Languages = []string{"ital"} }, "languages"},
		{"language not letters", func(p *saperi.Profile) { p.Languages = []string{"i1"} }, "languages"},
		{"lang not a code", func(p *saperi.Profile) { p.Lang = "Arabic" }, "lang"},
		{"too many languages", func(p *saperi.Profile) {
			p.Languages = []string{"it", "en", "fr", "ar", "es", "de", "pt", "ro", "sq", "zh", "ru"}
		}, "languages"},
		{"email malformed", func(p *saperi.Profile) { p.Contacts.Email = "giulia.example.org" }, "contacts.email"},
		{"email with display name", func(p *saperi.Profile) { p.Contacts.Email = "Giulia <giulia@example.org>" }, "contacts.email"},
		{"phone letters", func(p *saperi.Profile) { p.Contacts.Phone = "011 CALL ME" }, "contacts.phone"},
		{"phone too few digits", func(p *saperi.Profile) { p.Contacts.Phone = "12345" }, "contacts.phone"},
		{"phone too many digits", func(p *saperi.Profile) { p.Contacts.Phone = "1234567890123456" }, "contacts.phone"},
		{"consent text blank", func(p *saperi.Profile) { p.Consent.Text = " \n" }, "consent.text"},
		{"consent by missing", func(p *saperi.Profile) { p.Consent.By = "" }, "consent.by"},
		{"consent by unknown", func(p *saperi.Profile) { p.Consent.By = "neighbour" }, "consent.by"},
		{"story too long", func(p *saperi.Profile) { p.Story = repeat("x", 2001) }, "story"},
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
	cats := saperi.DefaultCategories
	tests := []struct {
		name  string
		edit  func(p *saperi.Posting)
		field string
	}{
		{"valid", func(p *saperi.Posting) {}, ""},
		{"valid without category", func(p *saperi.Posting) { p.Category = "" }, ""},
		{"valid with slots and dates", func(p *saperi.Posting) {
			p.Slots = []saperi.Slot{{Day: 2, From: 540, To: 720}}
			p.AvailableFrom, p.AvailableTo = now, now.Add(48*time.Hour)
		}, ""},
		{"valid remote zero distance", func(p *saperi.Posting) { p.Mode, p.MaxDistanceKm = saperi.Remote, 0 }, ""},
		{"valid paused past expiry", func(p *saperi.Posting) {
			p.Status, p.Expires = saperi.Paused, now.Add(-time.Hour)
		}, ""},
		{"valid closed without expiry", func(p *saperi.Posting) {
			p.Status, p.Expires = saperi.Closed, time.Time{}
		}, ""},
		{"kind", func(p *saperi.Posting) { p.Kind = "swap" }, "kind"},
		{"profile missing", func(p *saperi.Posting) { p.ProfileID = 0 }, "profile_id"},
		{"title empty", func(p *saperi.Posting) { p.Title = "" }, "title"},
		{"title too short", func(p *saperi.Posting) { p.Title = "a" }, "title"},
		{"title too long", func(p *saperi.Posting) { p.Title = repeat("a", 121) }, "title"},
		{"description too long", func(p *saperi.Posting) { p.Description = repeat("a", 4001) }, "description"},
		{"category unknown", func(p *saperi.Posting) { p.Category = "astrologia" }, "category"},
		{"too many tags", func(p *saperi.Posting) {
			p.Tags = []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m"}
		}, "tags"},
		{"tag empty", func(p *saperi.Posting) { p.Tags = []string{" "} }, "tags"},
		{"tag too long", func(p *saperi.Posting) { p.Tags = []string{repeat("t", 41)} }, "tags"},
		{"too many slots", func(p *saperi.Posting) {
			for i := range 22 {
				p.Slots = append(p.Slots, saperi.Slot{Day: i%7 + 1, From: i * 60, To: i*60 + 30})
			}
		}, "slots"},
		{"bad slot", func(p *saperi.Posting) { p.Slots = []saperi.Slot{{Day: 1, From: 600, To: 600}} }, "slots"},
		{"dates reversed", func(p *saperi.Posting) {
			p.AvailableFrom, p.AvailableTo = now.Add(48*time.Hour), now
		}, "available_to"},
		{"mode", func(p *saperi.Posting) { p.Mode = "bike" }, "mode"},
		{"distance negative", func(p *saperi.Posting) { p.MaxDistanceKm = -1 }, "max_distance_km"},
		{"distance too far", func(p *saperi.Posting) { p.MaxDistanceKm = saperi.MaxDistanceKm + 0.1 }, "max_distance_km"},
		{"distance NaN", func(p *saperi.Posting) { p.MaxDistanceKm = math.NaN() }, "max_distance_km"},
		{"capacity zero", func(p *saperi.Posting) { p.Capacity = 0 }, "capacity"},
		{"capacity too high", func(p *saperi.Posting) { p.Capacity = saperi.MaxCapacity + 1 }, "capacity"},
		{"status", func(p *saperi.Posting) { p.Status = "lost" }, "status"},
		{"point", func(p *saperi.Posting) { p.Point = &saperi.Point{Lon: 181} }, "point"},
		{"area too long", func(p *saperi.Posting) { p.Area = repeat("a", 61) }, "area"},
		{"languages", func(p *saperi.Posting) { p.Languages = []string{"Italian"} }, "languages"},
		{"open but expired", func(p *saperi.Posting) { p.Expires = now }, "expires"},
		{"expires too far", func(p *saperi.Posting) { p.Expires = now.Add(saperi.MaxTTL + time.Hour) }, "expires"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := posting(saperi.Offer, 1, 7)
			tt.edit(p)
			checkValid(t, p.Validate(cats, now), tt.field)
		})
	}
}

func TestHubValidate(t *testing.T) {
	tests := []struct {
		name  string
		hub   saperi.Hub
		field string
	}{
		{"valid", saperi.Hub{Name: "Portineria di Porta Palazzo", Area: "Aurora", Point: north(0)}, ""},
		{"valid without point or area", saperi.Hub{Name: "Bagni pubblici"}, ""},
		{"name missing", saperi.Hub{Area: "Aurora"}, "name"},
		{"name too short", saperi.Hub{Name: "P"}, "name"},
		{"name too long", saperi.Hub{Name: repeat("p", 81)}, "name"},
		{"area too long", saperi.Hub{Name: "Portineria", Area: repeat("a", 61)}, "area"},
		{"point", saperi.Hub{Name: "Portineria", Point: &saperi.Point{Lat: -90.5}}, "point"},
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
		p     saperi.Point
		valid bool
	}{
		{"origin", saperi.Point{}, true},
		{"turin", saperi.Point{Lat: baseLat, Lon: baseLon}, true},
		{"north-east corner", saperi.Point{Lat: 90, Lon: 180}, true},
		{"south-west corner", saperi.Point{Lat: -90, Lon: -180}, true},
		{"lat above", saperi.Point{Lat: 90.0001}, false},
		{"lat below", saperi.Point{Lat: -90.0001}, false},
		{"lon above", saperi.Point{Lon: 180.0001}, false},
		{"lon below", saperi.Point{Lon: -180.0001}, false},
		{"lat NaN", saperi.Point{Lat: math.NaN()}, false},
		{"lon NaN", saperi.Point{Lon: math.NaN()}, false},
		{"lat infinite", saperi.Point{Lat: math.Inf(1)}, false},
		{"lon infinite", saperi.Point{Lon: math.Inf(-1)}, false},
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
	a := saperi.Point{Lat: baseLat, Lon: baseLon}
	tests := []struct {
		name string
		b    saperi.Point
		want float64
		tol  float64
	}{
		{"same point", a, 0, 1e-9},
		{"one km north", *north(1), 1, 0.01},
		{"one degree of latitude", saperi.Point{Lat: baseLat + 1, Lon: baseLon}, 111.195, 0.01},
		{"antipode", saperi.Point{Lat: -baseLat, Lon: baseLon - 180}, math.Pi * 6371, 0.01},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := saperi.DistanceKm(a, tt.b)
			if math.Abs(got-tt.want) > tt.tol {
				t.Errorf("DistanceKm = %v, want %v ± %v", got, tt.want, tt.tol)
			}
			if back := saperi.DistanceKm(tt.b, a); math.Abs(back-got) > 1e-9 {
				t.Errorf("not symmetric: %v vs %v", got, back)
			}
		})
	}
}

func TestSlotValidate(t *testing.T) {
	tests := []struct {
		name  string
		s     saperi.Slot
		valid bool
	}{
		{"morning", saperi.Slot{Day: 2, From: 9 * 60, To: 12*60 + 30}, true},
		{"whole day", saperi.Slot{Day: 7, From: 0, To: 24 * 60}, true},
		{"one minute", saperi.Slot{Day: 1, From: 0, To: 1}, true},
		{"day zero", saperi.Slot{Day: 0, From: 0, To: 60}, false},
		{"day eight", saperi.Slot{Day: 8, From: 0, To: 60}, false},
		{"from negative", saperi.Slot{Day: 1, From: -1, To: 60}, false},
		{"to past midnight", saperi.Slot{Day: 1, From: 60, To: 24*60 + 1}, false},
		{"empty", saperi.Slot{Day: 1, From: 60, To: 60}, false},
		{"reversed", saperi.Slot{Day: 1, From: 120, To: 60}, false},
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
