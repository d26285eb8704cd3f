package digest

import (
	"testing"
	"time"
)

// FuzzSchedule feeds arbitrary --digest-day, --digest-at and time zone
// values (configuration from flags and the environment) to ParseSchedule:
// it must not panic, and a schedule it accepts must always name a next run
// after now, on its weekday, at most a week (and a daylight-saving hour)
// away.
func FuzzSchedule(f *testing.F) {
	for _, s := range [][3]string{
		{"monday", "08:00", "Europe/Rome"}, {"Mon", "23:59", "UTC"}, {"su", "8:00", "Europe/Rome"},
		{"friday", "25:00", "Local"}, {"sunday", "02:30", "America/Sao_Paulo"}, {"tue", "00:00", "../etc/passwd"},
		{" Saturday ", "12:00", "Asia/Kolkata"}, {"", "", ""},
	} {
		f.Add(s[0], s[1], s[2], int64(1795000000))
	}
	f.Fuzz(func(t *testing.T, day, at, zone string, unix int64) {
		s, err := ParseSchedule(day, at, zone)
		if err != nil {
			return
		}
		if s.Loc == nil || s.Hour < 0 || s.Hour > 23 || s.Minute < 0 || s.Minute > 59 {
			t.Fatalf("ParseSchedule(%q, %q, %q) = %+v", day, at, zone, s)
		}
		// Any instant from 1970 to 2100.
		now := time.Unix(unix%(130*365*86400), 0)
		if now.Unix() < 0 {
			now = time.Unix(-now.Unix(), 0)
		}
		next := s.Next(now)
		if !next.After(now) {
			t.Fatalf("%+v: Next(%v) = %v, not after", s, now, next)
		}
		if d := next.Sub(now); d > 7*24*time.Hour+2*time.Hour {
			t.Fatalf("%+v: Next(%v) = %v, %v away", s, now, next, d)
		}
		if wd := next.In(s.Loc).Weekday(); wd != s.Weekday {
			t.Fatalf("%+v: Next(%v) = %v, a %v", s, now, next, wd)
		}
	})
}
