package store

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/saperi/saperi"
	"go.etcd.io/bbolt"
)

// t0 is the time the fixtures are written at.
var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// open opens a new store in a fresh temporary directory (through a parent
// directory that does not exist yet) and closes it when the test ends.
func open(tb testing.TB) *DB {
	tb.Helper()
	db, err := Open(filepath.Join(tb.TempDir(), "data", "saperi.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Error(err)
		}
	})
	return db
}

func mustHub(tb testing.TB, db *DB, name string) *saperi.Hub {
	tb.Helper()
	h := &saperi.Hub{Name: name, Area: "Aurora", Created: t0}
	if err := db.CreateHub(context.Background(), h); err != nil {
		tb.Fatal(err)
	}
	return h
}

func newProfile(hubID uint64, name string) *saperi.Profile {
	return &saperi.Profile{
		Kind: saperi.Resident, Name: name, HubID: hubID, Area: "Aurora",
		Point:     &saperi.Point{Lat: 45.08, Lon: 7.68},
		Languages: []string{"it"},
		Contacts:  saperi.Contacts{Phone: "+39 011 123456"},
		Consent:   saperi.Consent{Text: "Acconsento", Version: "1", At: t0, By: saperi.ConsentOperator, RecordedBy: "op1"},
		Created:   t0, Updated: t0,
	}
}

func mustProfile(tb testing.TB, db *DB, hubID uint64, name string) *saperi.Profile {
	tb.Helper()
	p := newProfile(hubID, name)
	if err := db.CreateProfile(context.Background(), p, saperi.Event{At: t0, Actor: "op1"}); err != nil {
		tb.Fatal(err)
	}
	return p
}

// newPosting returns a normalised posting of owner, as web builds one.
func newPosting(owner *saperi.Profile, kind saperi.Kind, title string) *saperi.Posting {
	p := &saperi.Posting{Kind: kind, Title: title, Description: "Descrizione di " + title, Category: "scuola",
		Tags: []string{"Compiti"}, Slots: []saperi.Slot{{Day: 2, From: 9 * 60, To: 12 * 60}}}
	p.Inherit(owner)
	p.Normalize(t0)
	p.Updated = t0
	return p
}

func mustPosting(tb testing.TB, db *DB, owner *saperi.Profile, kind saperi.Kind, title string) *saperi.Posting {
	tb.Helper()
	p := newPosting(owner, kind, title)
	if err := db.CreatePosting(context.Background(), p, saperi.Event{At: t0, Actor: "op1"}); err != nil {
		tb.Fatal(err)
	}
	return p
}

// wantCode fails unless err carries code.
func wantCode(tb testing.TB, err error, code string) {
	tb.Helper()
	if got := saperi.ErrorCode(err); got != code {
		tb.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

// counts is what a failed write must leave unchanged.
type counts struct{ postings, pending, events int }

func countAll(tb testing.TB, db *DB) counts {
	tb.Helper()
	ctx := context.Background()
	var c counts
	var err error
	if c.postings, err = db.CountPostings(ctx); err != nil {
		tb.Fatal(err)
	}
	if c.pending, err = db.PendingChanges(ctx); err != nil {
		tb.Fatal(err)
	}
	evs, err := db.Events(ctx, 0, 0, maxLimit)
	if err != nil {
		tb.Fatal(err)
	}
	c.events = len(evs)
	return c
}

// indexed returns the ids b of the keys a|b of an index bucket.
func indexed(tb testing.TB, db *DB, bucket []byte, a uint64) []uint64 {
	tb.Helper()
	out := []uint64{}
	err := db.bolt.View(func(tx *bbolt.Tx) error {
		return scanPairs(tx.Bucket(bucket), a, 0, func(b uint64, _ []byte) (bool, error) {
			out = append(out, b)
			return false, nil
		})
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

func TestOpenNew(t *testing.T) {
	db := open(t)
	ctx := context.Background()

	cats, err := db.Categories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(cats, saperi.DefaultCategories) {
		t.Errorf("categories = %v, want the defaults in order", cats)
	}
	if c := countAll(t, db); c != (counts{}) {
		t.Errorf("new store has %+v, want nothing", c)
	}
	st, err := os.Stat(db.Path())
	if err != nil {
		t.Fatal(err)
	}
	if mode := st.Mode().Perm(); mode != 0o600 {
		t.Errorf("file mode = %o, want 600", mode)
	}
}

func TestOpenReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "saperi.db")
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	h := mustHub(t, db, "Portineria Aurora")
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got, err := db.Hub(context.Background(), h.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != h.Name {
		t.Errorf("hub after reopen = %q, want %q", got.Name, h.Name)
	}
	cats, err := db.Categories(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(cats) != len(saperi.DefaultCategories) {
		t.Errorf("reopen has %d categories, want %d (seeded once)", len(cats), len(saperi.DefaultCategories))
	}
}

func TestOpenRefuses(t *testing.T) {
	tests := []struct {
		name  string
		setup func(tx *bbolt.Tx) error
		want  string
	}{
		{"newer schema", func(tx *bbolt.Tx) error {
			return tx.Bucket(metaBucket).Put(versionKey, itob(SchemaVersion+1))
		}, "newer"},
		{"no version", func(tx *bbolt.Tx) error {
			return tx.Bucket(metaBucket).Delete(versionKey)
		}, "not a saperi store"},
		{"foreign file", func(tx *bbolt.Tx) error {
			for _, name := range buckets {
				if err := tx.DeleteBucket(name); err != nil {
					return err
				}
			}
			_, err := tx.CreateBucket([]byte("other"))
			return err
		}, "not a saperi store"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "saperi.db")
			db, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := db.bolt.Update(tt.setup); err != nil {
				t.Fatal(err)
			}
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			db, err = Open(path)
			if err == nil {
				db.Close()
				t.Fatal("Open succeeded, want an error")
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("error = %q, want it to name the file and say %q", err, tt.want)
			}
		})
	}
}

func TestCanceledContext(t *testing.T) {
	db := open(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := db.Hubs(ctx); err != context.Canceled {
		t.Errorf("Hubs with a canceled context: %v, want context.Canceled", err)
	}
	if err := db.CreateHub(ctx, &saperi.Hub{Name: "Portineria"}); err != context.Canceled {
		t.Errorf("CreateHub with a canceled context: %v, want context.Canceled", err)
	}
}

func TestHub(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	a := mustHub(t, db, "Portineria Aurora")
	b := &saperi.Hub{Name: "Portineria Barriera", Area: "Barriera di Milano", Point: &saperi.Point{Lat: 45.09, Lon: 7.69},
		Neighbors: []uint64{a.ID}, ShareWithNeighbors: true, Created: t0}
	if err := db.CreateHub(ctx, b); err != nil {
		t.Fatal(err)
	}
	if a.ID == 0 || b.ID <= a.ID {
		t.Fatalf("ids %d, %d: want increasing from 1", a.ID, b.ID)
	}

	got, err := db.Hub(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, b) {
		t.Errorf("Hub = %+v, want %+v", got, b)
	}
	all, err := db.Hubs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].ID != a.ID || all[1].ID != b.ID {
		t.Errorf("Hubs = %v, want [%d %d]", all, a.ID, b.ID)
	}

	_, err = db.Hub(ctx, 99)
	wantCode(t, err, saperi.ENOTFOUND)

	bad := &saperi.Hub{Name: "x"}
	wantCode(t, db.CreateHub(ctx, bad), saperi.EINVALID)
	if bad.ID != 0 {
		t.Errorf("invalid hub got id %d", bad.ID)
	}
	if all, _ := db.Hubs(ctx); len(all) != 2 {
		t.Errorf("after an invalid hub, %d hubs, want 2", len(all))
	}
}
