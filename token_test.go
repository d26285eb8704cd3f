package saperi

import (
	"strings"
	"testing"
	"time"
)

func TestLinkRoundTrip(t *testing.T) {
	secret := []byte("0123456789abcdef0123456789abcdef")
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	l := Link{Purpose: LinkAccept, Subject: "match/5/need", Expires: now.Add(time.Hour)}
	tok := SignLink(secret, l)
	got, err := VerifyLink(secret, tok, now)
	if err != nil || got != l {
		t.Fatalf("verify = %+v, %v", got, err)
	}
	for name, tc := range map[string]struct {
		tok  string
		key  []byte
		now  time.Time
		code string
	}{
		"expired":      {tok, secret, now.Add(time.Hour), ECONFLICT},
		"other secret": {tok, []byte("another secret of thirty-two b.."), now, EINVALID},
		"tampered":     {SignLink(secret, Link{Purpose: LinkDecline, Subject: "match/5/need", Expires: l.Expires})[:10] + tok[10:], secret, now, EINVALID},
		"no signature": {strings.Split(tok, ".")[0], secret, now, EINVALID},
		"garbage":      {"%%%.###", secret, now, EINVALID},
		"empty":        {"", secret, now, EINVALID},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := VerifyLink(tc.key, tc.tok, tc.now); ErrorCode(err) != tc.code {
				t.Fatalf("err = %v, want %s", err, tc.code)
			}
		})
	}
}

func FuzzVerifyLink(f *testing.F) {
	secret := []byte("s")
	f.Add(SignLink(secret, Link{Purpose: LinkRenew, Subject: "posting/1", Expires: time.Unix(2e9, 0)}))
	f.Add("a.b")
	f.Fuzz(func(t *testing.T, tok string) {
		l, err := VerifyLink(secret, tok, time.Unix(1e9, 0))
		if err == nil && SignLink(secret, l) == "" {
			t.Fatal("verified a token that does not sign back")
		}
	})
}

func TestWeekStart(t *testing.T) {
	rome, _ := time.LoadLocation("Europe/Rome")
	for _, tc := range []struct{ week, want string }{
		{"2026-W48", "2026-11-23"},
		{"2026-W01", "2025-12-29"},
		{"2020-W53", "2020-12-28"},
	} {
		got, err := WeekStart(tc.week, rome)
		if err != nil || got.Format("2006-01-02") != tc.want || ISOWeek(got) != tc.week {
			t.Errorf("WeekStart(%s) = %v, %v; want %s", tc.week, got, err, tc.want)
		}
	}
	for _, bad := range []string{"2026-48", "2026-W54", "2025-W53", "x", "2026-W4"} {
		if _, err := WeekStart(bad, rome); ErrorCode(err) != EINVALID {
			t.Errorf("WeekStart(%q) err = %v", bad, err)
		}
	}
}
