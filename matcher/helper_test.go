package matcher_test

import (
	"testing"
	"time"

	"github.com/saperi/saperi"
)

// now is the fixed clock of these tests: a Monday morning in Torino.
var now = time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)

// Turin's centre; points north of it are at known distances (one degree of
// latitude is about 111.19 km).
const baseLat, baseLon = 45.0703, 7.6869

// north returns a point km kilometres north of the base point.
func north(km float64) *saperi.Point {
	return &saperi.Point{Lat: baseLat + km/111.195, Lon: baseLon}
}

// wantCode fails unless err carries code, and returns its *Error (nil for
// internal errors).
func wantCode(tb testing.TB, err error, code string) *saperi.Error {
	tb.Helper()
	if err == nil {
		tb.Fatalf("err = nil, want code %q", code)
	}
	if got := saperi.ErrorCode(err); got != code {
		tb.Fatalf("code = %q, want %q (err: %v)", got, code, err)
	}
	return saperi.AsError(err)
}

// wantInvalid fails unless err is an EINVALID error about field.
func wantInvalid(tb testing.TB, err error, field string) {
	tb.Helper()
	e := wantCode(tb, err, saperi.EINVALID)
	if e.Field != field {
		tb.Fatalf("field = %q, want %q (err: %v)", e.Field, field, err)
	}
	if e.Key == "" || e.Message == "" {
		tb.Fatalf("error without key or message: %#v", e)
	}
}

// checkValid runs a validation outcome against the expected field: "" means
// the value must be valid.
func checkValid(tb testing.TB, err error, field string) {
	tb.Helper()
	if field == "" {
		if err != nil {
			tb.Fatalf("unexpected error: %v", err)
		}
		return
	}
	wantInvalid(tb, err, field)
}

// posting returns a valid, open, normalised posting of kind owned by owner.
func posting(kind saperi.Kind, id, owner uint64) *saperi.Posting {
	p := &saperi.Posting{
		ID:          id,
		Kind:        kind,
		ProfileID:   owner,
		HubID:       1,
		Area:        "Aurora",
		Point:       north(0),
		Title:       "Ripetizioni di matematica",
		Description: "Aiuto con i compiti delle elementari",
		Category:    "scuola",
		Mode:        saperi.InPerson,
		Languages:   []string{"it"},
		Created:     now.Add(-24 * time.Hour),
		Updated:     now.Add(-24 * time.Hour),
	}
	p.Normalize(now)
	return p
}
