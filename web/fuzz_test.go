package web

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/saperi/saperi"
)

// FuzzDecode feeds arbitrary bytes to the request decoder of each input
// type: it must never panic, and every rejection must be an error a person
// can act on (a *saperi.Error with a catalog key).
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"kind":"need","profile_id":1,"title":"Cerco aiuto per la spesa"}`,
		`{"kind":"offer","profile_id":2,"title":"Ripetizioni","slots":[{"day":"mon","from":"09:00","to":"12:00"}]}`,
		`{"name":"Maria","hub_id":1,"consent":{"text":"ok","by":"self"},"contacts":{"email":"m@example.org"}}`,
		`{"need_id":1,"offer_id":2}`, `{"side":"need","note":"ok"}`, `{"title":null}`, `[]`, `{"slots":[{"day":1}]}`,
		"{\"title\":\"\xff\"}", `{"a":1} {"b":2}`, ``, `{"point":{"lat":"x"}}`, `{"expires":"2026-13-01"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		targets := []any{&postingInput{}, &postingPatch{}, &profileInput{}, &profilePatch{}, &hubInput{}, &proposeInput{}, &actionInput{}}
		for _, v := range targets {
			err := decodeJSON(raw, v)
			if err == nil {
				continue
			}
			e := saperi.AsError(err)
			if e == nil || e.Key == "" || e.Code != saperi.EINVALID {
				t.Fatalf("decode %q into %T: %v is not an actionable error", raw, v, err)
			}
		}
	})
}

// FuzzPostingForm feeds arbitrary form bodies (application/x-www-form-
// urlencoded, as the posting pages submit them) through the form parser
// and the posting's validation: neither may panic, and every rejection
// must be an error a person can act on, naming a field.
func FuzzPostingForm(f *testing.F) {
	for _, s := range []string{
		"kind=need&title=Cerco+aiuto&category=spesa&mode=in_person&days=1&days=3&from=09:00&to=12:00&expires=2027-01-31",
		"title=%0Aevil&days=x&from=25:00&to=12:00", "days=1&from=&to=", "expires=2027-02-30", "expires=0001-01-01",
		"urgent=yes&mode=remote&area=%E2%80%AE", "days=-1&days=99999999999999999999&from=12:00&to=09:00",
		"title=" + strings.Repeat("a", 300), "%zz", "",
	} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body string) {
		form, err := url.ParseQuery(body)
		if err != nil {
			return // the real handler gets the same: ParseForm keeps what it could read
		}
		p := &saperi.Posting{ID: 1, Kind: saperi.Need, ProfileID: 1, HubID: 1, Status: saperi.Open, Capacity: 1, Created: now, Updated: now}
		if err := applyPostingForm(p, form); err != nil {
			if e := saperi.AsError(err); e == nil || e.Key == "" || e.Field == "" {
				t.Fatalf("applyPostingForm(%q): %v is not an actionable error", body, err)
			}
			return
		}
		if err := p.Validate(saperi.DefaultCategories, now); err != nil {
			if e := saperi.AsError(err); e == nil || e.Key == "" || e.Code != saperi.EINVALID {
				t.Fatalf("Validate after form %q: %v is not an actionable error", body, err)
			}
		}
	})
}
