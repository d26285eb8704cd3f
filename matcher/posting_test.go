package matcher_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/saperi/saperi/matcher"
)

func TestPostingNormalize(t *testing.T) {
	t.Run("defaults", func(t *testing.T) {
		p := matcher.Posting{
			Title:    "  Cerco aiuto  ",
			Category: " Scuola ",
			Area:     " Aurora ",
			Tags:     []string{" Matematica", "matematica", "", "  ", "Compiti"},
		}
		p.Normalize(now)
		want := matcher.Posting{
			Title:         "Cerco aiuto",
			Category:      "scuola",
			Area:          "Aurora",
			Tags:          []string{"matematica", "compiti"},
			Slots:         []matcher.Slot{},
			Languages:     []string{},
			Mode:          matcher.InPerson,
			MaxDistanceKm: matcher.DefaultMaxDistanceKm,
			Capacity:      matcher.DefaultCapacity,
			Status:        matcher.Open,
			Expires:       now.Add(matcher.DefaultTTL),
			Created:       now,
		}
		if !reflect.DeepEqual(p, want) {
			t.Errorf("Normalize =\n%+v\nwant\n%+v", p, want)
		}
	})
	t.Run("keeps what is set", func(t *testing.T) {
		exp, created := now.Add(10*24*time.Hour), now.Add(-time.Hour)
		p := matcher.Posting{Mode: matcher.Remote, MaxDistanceKm: 7, Capacity: 9, Status: matcher.Paused,
			Expires: exp, Created: created, Languages: []string{"fr"}}
		p.Normalize(now)
		if p.Mode != matcher.Remote || p.MaxDistanceKm != 7 || p.Capacity != 9 || p.Status != matcher.Paused ||
			!p.Expires.Equal(exp) || !p.Created.Equal(created) || !reflect.DeepEqual(p.Languages, []string{"fr"}) {
			t.Errorf("Normalize overwrote set fields: %+v", p)
		}
	})
	t.Run("lists encode as arrays", func(t *testing.T) {
		var p matcher.Posting
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
		p := matcher.Posting{Tags: in}
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
		var p matcher.Posting
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
		p := matcher.Posting{Area: "Vanchiglia", Point: north(5), Languages: []string{"ar"}}
		p.Inherit(owner)
		if p.Area != "Vanchiglia" || *p.Point != *north(5) || p.Languages[0] != "ar" {
			t.Errorf("Inherit overwrote: %+v", p)
		}
	})
}

func TestPostingStatusAt(t *testing.T) {
	tests := []struct {
		status  matcher.Status
		expires time.Duration // from now
		want    matcher.Status
	}{
		{matcher.Open, time.Hour, matcher.Open},
		{matcher.Open, 0, matcher.Expired},
		{matcher.Open, -time.Hour, matcher.Expired},
		{matcher.Paused, time.Hour, matcher.Paused},
		{matcher.Paused, -time.Hour, matcher.Expired},
		{matcher.Matched, -time.Hour, matcher.Matched},
		{matcher.Closed, -time.Hour, matcher.Closed},
		{matcher.Expired, time.Hour, matcher.Expired},
	}
	for _, tt := range tests {
		t.Run(string(tt.status)+"/"+tt.expires.String(), func(t *testing.T) {
			p := matcher.Posting{Status: tt.status, Expires: now.Add(tt.expires)}
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
		status   matcher.Status
		expires  time.Time
		tr       matcher.Transition
		want     matcher.Status // status after; "" when refused
		wantCode string         // code when refused
	}{
		{"pause open", matcher.Open, later, matcher.Pause, matcher.Paused, ""},
		{"pause paused", matcher.Paused, later, matcher.Pause, "", matcher.ECONFLICT},
		{"pause closed", matcher.Closed, later, matcher.Pause, "", matcher.ECONFLICT},
		{"pause past expiry", matcher.Open, now.Add(-time.Minute), matcher.Pause, "", matcher.ECONFLICT},
		{"pause matched", matcher.Matched, later, matcher.Pause, "", matcher.ECONFLICT},
		{"resume paused", matcher.Paused, later, matcher.Resume, matcher.Open, ""},
		{"resume open", matcher.Open, later, matcher.Resume, "", matcher.ECONFLICT},
		{"resume paused past expiry", matcher.Paused, now.Add(-time.Minute), matcher.Resume, "", matcher.ECONFLICT},
		{"close open", matcher.Open, later, matcher.Close, matcher.Closed, ""},
		{"close paused", matcher.Paused, later, matcher.Close, matcher.Closed, ""},
		{"close matched", matcher.Matched, later, matcher.Close, matcher.Closed, ""},
		{"close expired", matcher.Expired, now.Add(-time.Hour), matcher.Close, matcher.Closed, ""},
		{"close closed", matcher.Closed, later, matcher.Close, "", matcher.ECONFLICT},
		{"renew open", matcher.Open, later, matcher.Renew, matcher.Open, ""},
		{"renew past expiry", matcher.Open, now.Add(-time.Hour), matcher.Renew, matcher.Open, ""},
		{"renew expired", matcher.Expired, now.Add(-time.Hour), matcher.Renew, matcher.Open, ""},
		{"renew paused", matcher.Paused, later, matcher.Renew, matcher.Open, ""},
		{"renew closed", matcher.Closed, later, matcher.Renew, "", matcher.ECONFLICT},
		{"unknown action", matcher.Open, later, "delete", "", matcher.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := matcher.Posting{Status: tt.status, Expires: tt.expires, Updated: now.Add(-time.Hour)}
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
			if tt.tr == matcher.Renew {
				wantExp = now.Add(matcher.DefaultTTL)
			}
			if !p.Expires.Equal(wantExp) {
				t.Errorf("Expires = %v, want %v", p.Expires, wantExp)
			}
			if p.Status == matcher.Open && p.StatusAt(now) != matcher.Open {
				t.Errorf("reopened posting is %s as of now", p.StatusAt(now))
			}
		})
	}
}

func TestKindOpposite(t *testing.T) {
	if matcher.Offer.Opposite() != matcher.Need || matcher.Need.Opposite() != matcher.Offer {
		t.Error("Opposite does not swap offer and need")
	}
}

func TestReachable(t *testing.T) {
	const (
		in     = matcher.InPerson
		remote = matcher.Remote
		either = matcher.Either
	)
	type want struct {
		ok, remote bool
	}
	tests := []struct {
		name       string
		ma, mb     matcher.Mode
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
	check := func(t *testing.T, a, b *matcher.Posting, w want, wantKm float64) {
		t.Helper()
		for _, dir := range []struct {
			name string
			x, y *matcher.Posting
		}{{"a→b", a, b}, {"b→a", b, a}} {
			ok, km, rem := matcher.Reachable(dir.x, dir.y)
			if ok != w.ok || rem != w.remote {
				t.Errorf("%s: Reachable = (%v, remote %v), want (%v, remote %v)", dir.name, ok, rem, w.ok, w.remote)
			}
			if (wantKm < 0 && km != -1) || (wantKm >= 0 && (km < wantKm-0.05 || km > wantKm+0.05)) {
				t.Errorf("%s: km = %v, want %v", dir.name, km, wantKm)
			}
		}
	}
	mk := func(m matcher.Mode, area string, pt *matcher.Point) *matcher.Posting {
		return &matcher.Posting{Mode: m, Area: area, Point: pt, MaxDistanceKm: 3}
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
		a, b := mk(in, "", north(0)), mk(in, "", north(matcher.DefaultMaxDistanceKm-0.5))
		a.MaxDistanceKm, b.MaxDistanceKm = 0, 0
		check(t, a, b, want{true, false}, matcher.DefaultMaxDistanceKm-0.5)
	})
}
