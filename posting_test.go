package saperi_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/saperi/saperi"
)

func TestPostingNormalize(t *testing.T) {
	t.Run("defaults", func(t *testing.T) {
		p := saperi.Posting{
			Title:    "  Cerco aiuto  ",
			Category: " Scuola ",
			Area:     " Aurora ",
			Tags:     []string{" Matematica", "matematica", "", "  ", "Compiti"},
		}
		p.Normalize(now)
		want := saperi.Posting{
			Title:         "Cerco aiuto",
			Category:      "scuola",
			Area:          "Aurora",
			Tags:          []string{"matematica", "compiti"},
			Slots:         []saperi.Slot{},
			Languages:     []string{},
			Mode:          saperi.InPerson,
			MaxDistanceKm: saperi.DefaultMaxDistanceKm,
			Capacity:      saperi.DefaultCapacity,
			Status:        saperi.Open,
			Expires:       now.Add(saperi.DefaultTTL),
			Created:       now,
		}
		if !reflect.DeepEqual(p, want) {
			t.Errorf("Normalize =\n%+v\nwant\n%+v", p, want)
		}
	})
	t.Run("keeps what is set", func(t *testing.T) {
		exp, created := now.Add(10*24*time.Hour), now.Add(-time.Hour)
		p := saperi.Posting{Mode: saperi.Remote, MaxDistanceKm: 7, Capacity: 9, Status: saperi.Paused,
			Expires: exp, Created: created, Languages: []string{"fr"}}
		p.Normalize(now)
		if p.Mode != saperi.Remote || p.MaxDistanceKm != 7 || p.Capacity != 9 || p.Status != saperi.Paused ||
			!p.Expires.Equal(exp) || !p.Created.Equal(created) || !reflect.DeepEqual(p.Languages, []string{"fr"}) {
			t.Errorf("Normalize overwrote set fields: %+v", p)
		}
	})
	t.Run("lists encode as arrays", func(t *testing.T) {
		var p saperi.Posting
		p.Normalize(now)
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{`"tags":[]`, `"slots":[]`, `"languages":[]`} {
			if !strings.Contains(string(b), f) {
				t.Errorf("JSON %s lacks %s", b, f)
			}
		}
	})
	t.Run("does not alias the caller's tags", func(t *testing.T) {
		in := []string{"B", "a"}
		p := saperi.Posting{Tags: in}
		p.Normalize(now)
		if in[0] != "B" {
			t.Errorf("caller's slice changed to %v", in)
		}
	})
}

func TestPostingInherit(t *testing.T) {
	owner := validProfile()
	owner.ID, owner.HubID = 7, 3
	t.Run("fills blanks", func(t *testing.T) {
		var p saperi.Posting
		p.Inherit(owner)
		if p.ProfileID != 7 || p.HubID != 3 || p.Area != owner.Area || p.Point == nil ||
			*p.Point != *owner.Point || !reflect.DeepEqual(p.Languages, owner.Languages) {
			t.Fatalf("Inherit = %+v", p)
		}
		p.Point.Lat = 0
		p.Languages[0] = "xx"
		if owner.Point.Lat == 0 || owner.Languages[0] == "xx" {
			t.Error("posting shares the owner's point or languages")
		}
	})
	t.Run("keeps its own", func(t *testing.T) {
		p := saperi.Posting{Area: "Vanchiglia", Point: north(5), Languages: []string{"ar"}}
		p.Inherit(owner)
		if p.Area != "Vanchiglia" || *p.Point != *north(5) || p.Languages[0] != "ar" {
			t.Errorf("Inherit overwrote: %+v", p)
		}
	})
}

func TestPostingStatusAt(t *testing.T) {
	tests := []struct {
		status  saperi.Status
		expires time.Duration // from now
		want    saperi.Status
	}{
		{saperi.Open, time.Hour, saperi.Open},
		{saperi.Open, 0, saperi.Expired},
		{saperi.Open, -time.Hour, saperi.Expired},
		{saperi.Paused, time.Hour, saperi.Paused},
		{saperi.Paused, -time.Hour, saperi.Expired},
		{saperi.Matched, -time.Hour, saperi.Matched},
		{saperi.Closed, -time.Hour, saperi.Closed},
		{saperi.Expired, time.Hour, saperi.Expired},
	}
	for _, tt := range tests {
		t.Run(string(tt.status)+"/"+tt.expires.String(), func(t *testing.T) {
			p := saperi.Posting{Status: tt.status, Expires: now.Add(tt.expires)}
			if got := p.StatusAt(now); got != tt.want {
				t.Errorf("StatusAt = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestPostingApply(t *testing.T) {
	later := now.Add(5 * 24 * time.Hour)
	tests := []struct {
		name     string
		status   saperi.Status
		expires  time.Time
		tr       saperi.Transition
		want     saperi.Status // status after; "" when refused
		wantCode string        // code when refused
	}{
		{"pause open", saperi.Open, later, saperi.Pause, saperi.Paused, ""},
		{"pause paused", saperi.Paused, later, saperi.Pause, "", saperi.ECONFLICT},
		{"pause closed", saperi.Closed, later, saperi.Pause, "", saperi.ECONFLICT},
		{"pause past expiry", saperi.Open, now.Add(-time.Minute), saperi.Pause, "", saperi.ECONFLICT},
		{"pause matched", saperi.Matched, later, saperi.Pause, "", saperi.ECONFLICT},
		{"resume paused", saperi.Paused, later, saperi.Resume, saperi.Open, ""},
		{"resume open", saperi.Open, later, saperi.Resume, "", saperi.ECONFLICT},
		{"resume paused past expiry", saperi.Paused, now.Add(-time.Minute), saperi.Resume, "", saperi.ECONFLICT},
		{"close open", saperi.Open, later, saperi.Close, saperi.Closed, ""},
		{"close paused", saperi.Paused, later, saperi.Close, saperi.Closed, ""},
		{"close matched", saperi.Matched, later, saperi.Close, saperi.Closed, ""},
		{"close expired", saperi.Expired, now.Add(-time.Hour), saperi.Close, saperi.Closed, ""},
		{"close closed", saperi.Closed, later, saperi.Close, "", saperi.ECONFLICT},
		{"renew open", saperi.Open, later, saperi.Renew, saperi.Open, ""},
		{"renew past expiry", saperi.Open, now.Add(-time.Hour), saperi.Renew, saperi.Open, ""},
		{"renew expired", saperi.Expired, now.Add(-time.Hour), saperi.Renew, saperi.Open, ""},
		{"renew paused", saperi.Paused, later, saperi.Renew, saperi.Open, ""},
		{"renew closed", saperi.Closed, later, saperi.Renew, "", saperi.ECONFLICT},
		{"unknown action", saperi.Open, later, "delete", "", saperi.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := saperi.Posting{Status: tt.status, Expires: tt.expires, Updated: now.Add(-time.Hour)}
			before := p
			err := p.Apply(tt.tr, now)
			if tt.want == "" {
				wantCode(t, err, tt.wantCode)
				if !reflect.DeepEqual(p, before) {
					t.Errorf("refused %s changed the posting: %+v", tt.tr, p)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.Status != tt.want {
				t.Errorf("status = %s, want %s", p.Status, tt.want)
			}
			if !p.Updated.Equal(now) {
				t.Errorf("Updated = %v, want now", p.Updated)
			}
			wantExp := tt.expires
			if tt.tr == saperi.Renew {
				wantExp = now.Add(saperi.DefaultTTL)
			}
			if !p.Expires.Equal(wantExp) {
				t.Errorf("Expires = %v, want %v", p.Expires, wantExp)
			}
			if p.Status == saperi.Open && p.StatusAt(now) != saperi.Open {
				t.Errorf("reopened posting is %s as of now", p.StatusAt(now))
			}
		})
	}
}

func TestKindOpposite(t *testing.T) {
	if saperi.Offer.Opposite() != saperi.Need || saperi.Need.Opposite() != saperi.Offer {
		t.Error("Opposite does not swap offer and need")
	}
}

func TestReachable(t *testing.T) {
	const (
		in     = saperi.InPerson
		remote = saperi.Remote
		either = saperi.Either
	)
	type want struct {
		ok, remote bool
	}
	tests := []struct {
		name       string
		ma, mb     saperi.Mode
		near, far  want // points 1 km and 10 km apart, radius 3 km
		area, away want // same area / different areas, no points
	}{
		{"in_person/in_person", in, in, want{true, false}, want{false, false}, want{true, false}, want{false, false}},
		{"in_person/remote", in, remote, want{false, false}, want{false, false}, want{false, false}, want{false, false}},
		{"in_person/either", in, either, want{true, false}, want{false, false}, want{true, false}, want{false, false}},
		{"remote/remote", remote, remote, want{true, true}, want{true, true}, want{true, true}, want{true, true}},
		{"remote/either", remote, either, want{true, true}, want{true, true}, want{true, true}, want{true, true}},
		{"either/either", either, either, want{true, false}, want{true, true}, want{true, false}, want{true, true}},
	}
	check := func(t *testing.T, a, b *saperi.Posting, w want, wantKm float64) {
		t.Helper()
		for _, dir := range []struct {
			name string
			x, y *saperi.Posting
		}{{"a→b", a, b}, {"b→a", b, a}} {
			ok, km, rem := saperi.Reachable(dir.x, dir.y)
			if ok != w.ok || rem != w.remote {
				t.Errorf("%s: Reachable = (%v, remote %v), want (%v, remote %v)", dir.name, ok, rem, w.ok, w.remote)
			}
			if (wantKm < 0 && km != -1) || (wantKm >= 0 && (km < wantKm-0.05 || km > wantKm+0.05)) {
				t.Errorf("%s: km = %v, want %v", dir.name, km, wantKm)
			}
		}
	}
	mk := func(m saperi.Mode, area string, pt *saperi.Point) *saperi.Posting {
		return &saperi.Posting{Mode: m, Area: area, Point: pt, MaxDistanceKm: 3}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Run("points near", func(t *testing.T) {
				check(t, mk(tt.ma, "Aurora", north(0)), mk(tt.mb, "Aurora", north(1)), tt.near, 1)
			})
			t.Run("points far", func(t *testing.T) {
				// Same area, but known points decide.
				check(t, mk(tt.ma, "Aurora", north(0)), mk(tt.mb, "Aurora", north(10)), tt.far, 10)
			})
			t.Run("same area", func(t *testing.T) {
				check(t, mk(tt.ma, "Aurora", nil), mk(tt.mb, "aurora", north(0)), tt.area, -1)
			})
			t.Run("other area", func(t *testing.T) {
				check(t, mk(tt.ma, "Aurora", nil), mk(tt.mb, "Barriera", nil), tt.away, -1)
			})
			t.Run("no area", func(t *testing.T) {
				check(t, mk(tt.ma, "", nil), mk(tt.mb, "", nil), tt.away, -1)
			})
		})
	}
	t.Run("smaller radius wins", func(t *testing.T) {
		a, b := mk(in, "", north(0)), mk(in, "", north(3))
		a.MaxDistanceKm, b.MaxDistanceKm = 10, 2
		check(t, a, b, want{false, false}, 3)
		b.MaxDistanceKm = 4
		check(t, a, b, want{true, false}, 3)
	})
	t.Run("zero radius means default", func(t *testing.T) {
		a, b := mk(in, "", north(0)), mk(in, "", north(saperi.DefaultMaxDistanceKm-0.5))
		a.MaxDistanceKm, b.MaxDistanceKm = 0, 0
		check(t, a, b, want{true, false}, saperi.DefaultMaxDistanceKm-0.5)
	})
}
