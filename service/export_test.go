package service_test

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/demo"
	"github.com/saperi/saperi/service"
	"github.com/saperi/saperi/sheet"
	"github.com/saperi/saperi/store"
)

// seeded is a store with the demo data written at testNow.
func seeded(tb testing.TB) *store.DB {
	tb.Helper()
	db := openStore(tb)
	if _, err := demo.Seed(context.Background(), db, testNow); err != nil {
		tb.Fatal(err)
	}
	return db
}

func export(tb testing.TB, db *store.DB, p saperi.Principal, what, format string, hubID uint64) (*sheet.Table, error) {
	tb.Helper()
	var buf bytes.Buffer
	_, err := service.Export(context.Background(), db, p, service.ExportOptions{What: what, Format: format, HubID: hubID, Now: testNow}, &buf)
	if err != nil {
		return nil, err
	}
	return sheet.Parse(buf.Bytes())
}

// TestExportRoundTrip: a hub's people and postings exported (CSV and
// XLSX) and imported into an empty store are the same people and
// postings.
func TestExportRoundTrip(t *testing.T) {
	src := seeded(t)
	const hub = 1
	for _, format := range []string{sheet.CSV, sheet.XLSX} {
		t.Run(format, func(t *testing.T) {
			people, err := export(t, src, admin, service.ExportPeople, format, hub)
			if err != nil {
				t.Fatal(err)
			}
			posts, err := export(t, src, admin, service.ExportPostings, format, hub)
			if err != nil {
				t.Fatal(err)
			}
			dst := openStore(t)
			h := mustHub(t, dst, "Portineria nuova", "Aurora")
			r := runImport(t, dst, service.ImportOptions{HubID: h.ID},
				service.ImportFile{Name: "persone", Table: people}, service.ImportFile{Name: "annunci", Table: posts})
			if len(r.Problems) > 0 || !r.Written {
				t.Fatalf("import of the export: %+v", r.Problems)
			}
			before, after := hubPeople(t, src, hub), hubPeople(t, dst, h.ID)
			if len(before) == 0 || len(before) != len(after) {
				t.Fatalf("%d people exported, %d imported", len(before), len(after))
			}
			for name, a := range before {
				b := after[name]
				if b == nil || a.Kind != b.Kind || a.Contacts != b.Contacts || a.Area != b.Area || a.Story != b.Story ||
					!slices.Equal(a.Languages, b.Languages) || !sameDay(a.Created, b.Created) {
					t.Errorf("%s: %+v\nbecame %+v", name, a, b)
				}
			}
			type key struct {
				owner, title string
				kind         saperi.Kind
			}
			owners := func(db *store.DB, hubID uint64) map[key]*saperi.Posting {
				names := map[uint64]string{}
				for n, p := range hubPeople(t, db, hubID) {
					names[p.ID] = n
				}
				out := map[key]*saperi.Posting{}
				for _, p := range hubPostings(t, db, hubID) {
					out[key{names[p.ProfileID], p.Title, p.Kind}] = p
				}
				return out
			}
			pa, pb := owners(src, hub), owners(dst, h.ID)
			if len(pa) == 0 || len(pa) != len(pb) {
				t.Fatalf("%d postings exported, %d imported", len(pa), len(pb))
			}
			for k, a := range pa {
				b := pb[k]
				if b == nil || a.Description != b.Description || a.Category != b.Category || !slices.Equal(a.Tags, b.Tags) ||
					!slices.Equal(a.Slots, b.Slots) || a.Mode != b.Mode || a.MaxDistanceKm != b.MaxDistanceKm ||
					a.Capacity != b.Capacity || a.StatusAt(testNow) != b.StatusAt(testNow) || a.Urgent != b.Urgent ||
					a.Area != b.Area || !sameDay(a.Expires, b.Expires) || !sameDay(a.Created, b.Created) {
					t.Errorf("%v: %+v\nbecame %+v", k, a, b)
				}
			}
			// And again: nothing twice.
			r = runImport(t, dst, service.ImportOptions{HubID: h.ID},
				service.ImportFile{Name: "persone", Table: people}, service.ImportFile{Name: "annunci", Table: posts})
			if r.Counts.People != 0 || r.Counts.Postings != 0 {
				t.Fatalf("re-import created %+v", r.Counts)
			}
		})
	}
}

func sameDay(a, b time.Time) bool {
	rome, _ := time.LoadLocation("Europe/Rome")
	return a.In(rome).Format("2006-01-02") == b.In(rome).Format("2006-01-02")
}

// TestExportPermissions: an operator exports their own hub only, with
// contacts; other roles may not export; an admin exports any hub or all.
func TestExportPermissions(t *testing.T) {
	db := seeded(t)
	op1 := saperi.Principal{UserID: 5, Role: saperi.RoleOperator, HubID: 1}
	resident := saperi.Principal{UserID: 6, Role: saperi.RoleResident, ProfileID: 1}
	tests := []struct {
		name string
		p    saperi.Principal
		hub  uint64
		code string
		hubs []string // the portineria column holds only these
	}{
		{"operator, own hub", op1, 1, "", []string{"Portineria di comunità Porta Palazzo"}},
		{"operator, no hub given: theirs", op1, 0, "", []string{"Portineria di comunità Porta Palazzo"}},
		{"operator, another hub", op1, 2, saperi.EFORBIDDEN, nil},
		{"resident", resident, 1, saperi.EFORBIDDEN, nil},
		{"anonymous", saperi.Principal{}, 1, saperi.EUNAUTHORIZED, nil},
		{"admin, one hub", admin, 2, "", []string{"Portineria di comunità Barriera di Milano"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, what := range []string{service.ExportPeople, service.ExportPostings} {
				tab, err := export(t, db, tc.p, what, sheet.CSV, tc.hub)
				if saperi.ErrorCode(err) != tc.code {
					t.Fatalf("%s: %v, want %q", what, err, tc.code)
				}
				if err != nil {
					continue
				}
				col := slices.Index(tab.Header, "portineria")
				for _, r := range tab.Rows {
					if !slices.Contains(tc.hubs, r.Fields[col]) {
						t.Fatalf("%s: row of %q", what, r.Fields[col])
					}
				}
				if len(tab.Rows) == 0 {
					t.Fatalf("%s: empty export", what)
				}
			}
		})
	}
	t.Run("admin, all hubs, with contacts", func(t *testing.T) {
		tab, err := export(t, db, admin, service.ExportPeople, sheet.CSV, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(tab.Rows) != 90 {
			t.Fatalf("%d people", len(tab.Rows))
		}
		phone := slices.Index(tab.Header, "telefono")
		withPhone := 0
		for _, r := range tab.Rows {
			if r.Fields[phone] != "" {
				withPhone++
			}
		}
		if withPhone == 0 {
			t.Fatal("no contacts in an admin's export")
		}
	})
}

// TestExportMatchContacts: in the matches export, the desk of one side
// sees the other hub's person's contacts only once the match is
// connected.
func TestExportMatchContacts(t *testing.T) {
	ctx := context.Background()
	db := seeded(t)
	needs, _ := db.ListPostings(ctx, saperi.PostingFilter{HubID: 1, Kind: saperi.Need, Status: saperi.Open, Now: testNow, Limit: 1})
	offers, _ := db.ListPostings(ctx, saperi.PostingFilter{HubID: 2, Kind: saperi.Offer, Status: saperi.Open, Now: testNow, Limit: 1})
	m, err := saperi.NewMatch(needs[0], offers[0], saperi.Scored{Score: 0.5}, saperi.ByOperator, "operator/5", testNow)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CreateMatch(ctx, m, saperi.Event{At: testNow, Actor: "operator/5"}); err != nil {
		t.Fatal(err)
	}
	op1 := saperi.Principal{UserID: 5, Role: saperi.RoleOperator, HubID: 1}
	offerer, _ := db.Profile(ctx, offers[0].ProfileID)
	contact := offerer.Contacts.Phone + offerer.Contacts.Email
	row := func() string {
		tab, err := export(t, db, op1, service.ExportMatches, sheet.XLSX, 0)
		if err != nil || len(tab.Rows) != 1 {
			t.Fatalf("%v %+v", err, tab)
		}
		return strings.Join(tab.Rows[0].Fields, "|")
	}
	if r := row(); contact == "" || (offerer.Contacts.Phone != "" && strings.Contains(r, offerer.Contacts.Phone)) ||
		(offerer.Contacts.Email != "" && strings.Contains(r, offerer.Contacts.Email)) {
		t.Fatalf("contacts before connection: %s", row())
	}
	for _, side := range []saperi.Side{saperi.NeedSide, saperi.OfferSide} {
		if _, err := db.UpdateMatch(ctx, m.ID, func(m *saperi.Match) error {
			return m.Apply(saperi.Accept, side, "operator/5", "", testNow)
		}, saperi.Event{At: testNow, Actor: "operator/5"}); err != nil {
			t.Fatal(err)
		}
	}
	if r := row(); !strings.Contains(r, offerer.Name) || (offerer.Contacts.Phone != "" && !strings.Contains(r, offerer.Contacts.Phone)) ||
		(offerer.Contacts.Email != "" && !strings.Contains(r, offerer.Contacts.Email)) {
		t.Fatalf("connected match without the offerer's contacts: %s", r)
	}
	op3 := saperi.Principal{UserID: 7, Role: saperi.RoleOperator, HubID: 3}
	if tab, err := export(t, db, op3, service.ExportMatches, sheet.CSV, 0); err != nil || len(tab.Rows) != 0 {
		t.Fatalf("a desk with no side sees %v %v", tab, err)
	}
}
