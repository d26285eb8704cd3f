package web

import (
	"testing"

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
