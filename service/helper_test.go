package service_test

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/locale"
	"github.com/saperi/saperi/service"
	"github.com/saperi/saperi/sheet"
	"github.com/saperi/saperi/store"
	"golang.org/x/text/encoding/charmap"
)

// testNow is the clock of these tests.
var testNow = time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)

var admin = saperi.Principal{UserID: 1, Role: saperi.RoleAdmin, Name: "Admin"}

func openStore(tb testing.TB) *store.DB {
	tb.Helper()
	db, err := store.Open(filepath.Join(tb.TempDir(), "saperi.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	return db
}

func mustHub(tb testing.TB, db *store.DB, name, area string) *saperi.Hub {
	tb.Helper()
	h := &saperi.Hub{Name: name, Area: area, Neighbors: []uint64{}, Created: testNow}
	if err := db.CreateHub(context.Background(), h); err != nil {
		tb.Fatal(err)
	}
	return h
}

// table parses text written as a spreadsheet program would.
func table(tb testing.TB, text string) *sheet.Table {
	tb.Helper()
	t, err := sheet.Parse([]byte(text))
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

// windows1252 encodes text as Excel's "CSV" on an Italian Windows.
func windows1252(tb testing.TB, text string) string {
	tb.Helper()
	s, err := charmap.Windows1252.NewEncoder().String(text)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// xlsx writes rows as a workbook and parses it back.
func xlsx(tb testing.TB, rows ...[]string) *sheet.Table {
	tb.Helper()
	var buf bytes.Buffer
	w, err := sheet.NewWriter(&buf, sheet.XLSX, rows[0])
	if err != nil {
		tb.Fatal(err)
	}
	for _, r := range rows[1:] {
		if err := w.Write(r); err != nil {
			tb.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	t, err := sheet.Parse(buf.Bytes())
	if err != nil || t.Format != sheet.XLSX {
		tb.Fatalf("%v %+v", err, t)
	}
	return t
}

func italian(tb testing.TB) *locale.Localizer {
	tb.Helper()
	c, err := locale.New()
	if err != nil {
		tb.Fatal(err)
	}
	return c.For("it")
}

func runImport(tb testing.TB, db *store.DB, opt service.ImportOptions, files ...service.ImportFile) *service.ImportReport {
	tb.Helper()
	r, err := service.Import(context.Background(), db, admin, files, opt, testNow)
	if err != nil {
		tb.Fatal(err)
	}
	r.Translate(italian(tb))
	return r
}

// hubPeople returns the profiles of hub, by name.
func hubPeople(tb testing.TB, db *store.DB, hubID uint64) map[string]*saperi.Profile {
	tb.Helper()
	out := map[string]*saperi.Profile{}
	var after uint64
	for {
		ps, err := db.Profiles(context.Background(), hubID, after, 500)
		if err != nil {
			tb.Fatal(err)
		}
		for _, p := range ps {
			out[p.Name] = p
			after = p.ID
		}
		if len(ps) < 500 {
			return out
		}
	}
}

func hubPostings(tb testing.TB, db *store.DB, hubID uint64) []*saperi.Posting {
	tb.Helper()
	ps, err := db.ListPostings(context.Background(), saperi.PostingFilter{HubID: hubID, Limit: 500})
	if err != nil {
		tb.Fatal(err)
	}
	return ps
}

func localizer(tb testing.TB, lang string) *locale.Localizer {
	tb.Helper()
	c, err := locale.New()
	if err != nil {
		tb.Fatal(err)
	}
	return c.For(lang)
}
