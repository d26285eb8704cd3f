package store

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/saperi/saperi"
)

// fixture is a store with one hub and one profile.
func fixture(tb testing.TB) (*DB, *saperi.Hub, *saperi.Profile) {
	tb.Helper()
	db := open(tb)
	h := mustHub(tb, db, "Portineria Aurora")
	return db, h, mustProfile(tb, db, h.ID, "Maria Rossi")
}

func TestPostingCreate(t *testing.T) {
	db, _, owner := fixture(t)
	ctx := context.Background()
	before := countAll(t, db)

	p := newPosting(owner, saperi.Offer, "Ripetizioni di matematica")
	p.Point = &saperi.Point{Lat: 45.07, Lon: 7.66}
	p.AvailableFrom = t0
	if err := db.CreatePosting(ctx, p, saperi.Event{At: t0, Actor: "op1"}); err != nil {
		t.Fatal(err)
	}
	if p.ID == 0 {
		t.Fatal("no id assigned")
	}
	got, err := db.Posting(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, p) {
		t.Errorf("Posting = %+v\nwant %+v", got, p)
	}

	after := countAll(t, db)
	if want := (counts{before.postings + 1, before.pending + 1, before.events + 1}); after != want {
		t.Errorf("counts %+v, want %+v", after, want)
	}
	cs, _ := db.Changes(ctx, 0)
	if len(cs) != 1 || cs[0].PostingID != p.ID {
		t.Errorf("changes = %+v, want one for posting %d", cs, p.ID)
	}
	evs, _ := db.Events(ctx, owner.ID, 0, 0)
	last := evs[len(evs)-1]
	if last.Action != "posting.create" || last.Subject != fmt.Sprintf("posting/%d", p.ID) || last.OnBehalfOf != owner.ID || last.Actor != "op1" {
		t.Errorf("event = %+v", last)
	}

	_, err = db.Posting(ctx, 99)
	wantCode(t, err, saperi.ENOTFOUND)
}

func TestPostingCreateInvalid(t *testing.T) {
	db, _, owner := fixture(t)
	ctx := context.Background()
	tests := []struct {
		name  string
		edit  func(*saperi.Posting)
		field string
	}{
		{"unknown profile", func(p *saperi.Posting) { p.ProfileID = 42 }, "profile_id"},
		{"no title", func(p *saperi.Posting) { p.Title = "" }, "title"},
		{"unknown category", func(p *saperi.Posting) { p.Category = "astrologia" }, "category"},
		{"expired", func(p *saperi.Posting) { p.Expires = t0.Add(-time.Hour) }, "expires"},
		{"kind", func(p *saperi.Posting) { p.Kind = "gift" }, "kind"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := countAll(t, db)
			p := newPosting(owner, saperi.Need, "Aiuto con lo SPID")
			tt.edit(p)
			err := db.CreatePosting(ctx, p, saperi.Event{At: t0})
			wantCode(t, err, saperi.EINVALID)
			if e := saperi.AsError(err); e.Field != tt.field {
				t.Errorf("field = %q, want %q", e.Field, tt.field)
			}
			if p.ID != 0 {
				t.Errorf("rejected posting kept id %d", p.ID)
			}
			if after := countAll(t, db); after != before {
				t.Errorf("counts %+v after a rejected posting, want %+v", after, before)
			}
		})
	}
}

func TestPostingUpdate(t *testing.T) {
	ctx := context.Background()
	errStop := errors.New("stop")
	later := t0.Add(24 * time.Hour)
	tests := []struct {
		name  string
		fn    func(*saperi.Posting) error
		code  string // "" when the update succeeds
		field string
	}{
		{"title", func(p *saperi.Posting) error { p.Title = "Ripetizioni di fisica"; p.Updated = later; return nil }, "", ""},
		{"pause", func(p *saperi.Posting) error { return p.Apply(saperi.Pause, later) }, "", ""},
		{"closed past expiry", func(p *saperi.Posting) error {
			p.Updated = p.Expires.Add(time.Hour)
			p.Status = saperi.Closed
			return nil
		}, "", ""},
		{"fn error", func(p *saperi.Posting) error { p.Title = "Altro"; return errStop }, saperi.EINTERNAL, ""},
		{"fn conflict", func(p *saperi.Posting) error { return p.Apply(saperi.Resume, later) }, saperi.ECONFLICT, ""},
		{"invalid", func(p *saperi.Posting) error { p.Title = "x"; p.Updated = later; return nil }, saperi.EINVALID, "title"},
		{"open past expiry", func(p *saperi.Posting) error { p.Updated = p.Expires.Add(time.Hour); return nil }, saperi.EINVALID, "expires"},
		{"id", func(p *saperi.Posting) error { p.ID = 7; return nil }, saperi.EINVALID, "id"},
		{"kind", func(p *saperi.Posting) error { p.Kind = saperi.Need; return nil }, saperi.EINVALID, "kind"},
		{"profile", func(p *saperi.Posting) error { p.ProfileID++; return nil }, saperi.EINVALID, "profile_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, _, owner := fixture(t)
			p := mustPosting(t, db, owner, saperi.Offer, "Ripetizioni di matematica")
			before := countAll(t, db)

			got, err := db.UpdatePosting(ctx, p.ID, tt.fn, saperi.Event{At: later, Actor: "op1"})
			after := countAll(t, db)
			stored, _ := db.Posting(ctx, p.ID)
			if tt.code != "" {
				wantCode(t, err, tt.code)
				if tt.field != "" && saperi.AsError(err).Field != tt.field {
					t.Errorf("field = %q, want %q", saperi.AsError(err).Field, tt.field)
				}
				if (err == errStop) != (tt.name == "fn error") {
					t.Errorf("error %v: want fn's own error back, unwrapped, exactly when fn failed", err)
				}
				if got != nil || !reflect.DeepEqual(stored, p) {
					t.Errorf("failed update returned %+v and left %+v, want nil and the original", got, stored)
				}
				if after != before {
					t.Errorf("counts %+v after a failed update, want %+v", after, before)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(stored, got) || reflect.DeepEqual(stored, p) {
				t.Errorf("stored %+v, returned %+v: want the same, changed", stored, got)
			}
			if want := (counts{before.postings, before.pending + 1, before.events + 1}); after != want {
				t.Errorf("counts %+v, want %+v", after, want)
			}
			cs, _ := db.Changes(ctx, 0)
			if last := cs[len(cs)-1]; last.PostingID != p.ID {
				t.Errorf("last change %+v, want posting %d", last, p.ID)
			}
			evs, _ := db.Events(ctx, owner.ID, 0, 0)
			if last := evs[len(evs)-1]; last.Action != "posting.update" || last.At != later {
				t.Errorf("last event %+v, want posting.update at %v", last, later)
			}
		})
	}

	t.Run("not found", func(t *testing.T) {
		db := open(t)
		_, err := db.UpdatePosting(ctx, 7, func(*saperi.Posting) error { return nil }, saperi.Event{})
		wantCode(t, err, saperi.ENOTFOUND)
	})
}

func TestImportPostings(t *testing.T) {
	ctx := context.Background()
	batch := func(owner *saperi.Profile, n int) []*saperi.Posting {
		ps := make([]*saperi.Posting, n)
		for i := range ps {
			ps[i] = newPosting(owner, saperi.Offer, fmt.Sprintf("Offerta numero %d", i))
		}
		return ps
	}

	t.Run("all", func(t *testing.T) {
		db, _, owner := fixture(t)
		before := countAll(t, db)
		ps := batch(owner, 5)
		if err := db.ImportPostings(ctx, ps, saperi.Event{At: t0, Actor: "admin"}); err != nil {
			t.Fatal(err)
		}
		for i, p := range ps {
			got, err := db.Posting(ctx, p.ID)
			if err != nil || got.Title != p.Title {
				t.Errorf("posting %d: got %+v, %v", i, got, err)
			}
		}
		if want := (counts{before.postings + 5, before.pending + 5, before.events + 1}); countAll(t, db) != want {
			t.Errorf("counts %+v, want %+v", countAll(t, db), want)
		}
		evs, _ := db.Events(ctx, 0, 0, 0)
		if last := evs[len(evs)-1]; last.Action != "posting.import" || last.Detail != "5 postings" || last.Actor != "admin" {
			t.Errorf("event %+v, want one posting.import of 5 postings", last)
		}
	})

	tests := []struct {
		name  string
		edit  func(*saperi.Posting)
		field string
	}{
		{"invalid", func(p *saperi.Posting) { p.Title = "" }, "title"},
		{"unknown profile", func(p *saperi.Posting) { p.ProfileID = 99 }, "profile_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, _, owner := fixture(t)
			before := countAll(t, db)
			ps := batch(owner, 5)
			tt.edit(ps[3])
			err := db.ImportPostings(ctx, ps, saperi.Event{At: t0})
			wantCode(t, err, saperi.EINVALID)
			if !strings.HasPrefix(err.Error(), "posting 3: ") {
				t.Errorf("error %q does not name the posting", err)
			}
			e := saperi.AsError(err)
			if e.Field != tt.field || e.Args["Index"] != 3 {
				t.Errorf("error %+v, want field %s and Args[Index] 3", e, tt.field)
			}
			for i, p := range ps {
				if p.ID != 0 {
					t.Errorf("posting %d kept id %d after a failed import", i, p.ID)
				}
			}
			if after := countAll(t, db); after != before {
				t.Errorf("counts %+v after a failed import, want %+v", after, before)
			}
		})
	}
}

func TestPostings(t *testing.T) {
	db, _, owner := fixture(t)
	a := mustPosting(t, db, owner, saperi.Offer, "Ripetizioni di matematica")
	b := mustPosting(t, db, owner, saperi.Need, "Aiuto con lo SPID")
	got, err := db.Postings(context.Background(), []uint64{b.ID, 99, a.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != b.ID || got[1].ID != a.ID {
		t.Errorf("Postings = %v, want [%d %d]", got, b.ID, a.ID)
	}
}

func TestListPostings(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	a := mustHub(t, db, "Portineria Aurora")
	b := mustHub(t, db, "Portineria Barriera")
	anna := mustProfile(t, db, a.ID, "Anna")
	bruno := mustProfile(t, db, b.ID, "Bruno")

	type spec struct {
		owner  *saperi.Profile
		kind   saperi.Kind
		cat    string
		area   string
		status saperi.Status
	}
	var ids []uint64
	for i, s := range []spec{
		{anna, saperi.Offer, "scuola", "Aurora", saperi.Open},       // 0
		{anna, saperi.Need, "digitale", "Aurora", saperi.Open},      // 1
		{bruno, saperi.Offer, "scuola", "Barriera", saperi.Open},    // 2
		{bruno, saperi.Need, "scuola", "barriera", saperi.Paused},   // 3
		{anna, saperi.Offer, "cucina", "Vanchiglia", saperi.Closed}, // 4
		{bruno, saperi.Offer, "scuola", "Barriera", saperi.Open},    // 5
	} {
		p := newPosting(s.owner, s.kind, fmt.Sprintf("Annuncio numero %d", i))
		p.Category, p.Area, p.Status = s.cat, s.area, s.status
		if err := db.CreatePosting(ctx, p, saperi.Event{}); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	pick := func(is ...int) []uint64 {
		out := []uint64{}
		for _, i := range is {
			out = append(out, ids[i])
		}
		return out
	}
	tests := []struct {
		name string
		f    saperi.PostingFilter
		want []uint64
	}{
		{"all", saperi.PostingFilter{}, pick(0, 1, 2, 3, 4, 5)},
		{"kind", saperi.PostingFilter{Kind: saperi.Need}, pick(1, 3)},
		{"status", saperi.PostingFilter{Status: saperi.Open}, pick(0, 1, 2, 5)},
		{"category", saperi.PostingFilter{Category: "scuola"}, pick(0, 2, 3, 5)},
		{"area any case", saperi.PostingFilter{Area: "BARRIERA"}, pick(2, 3, 5)},
		{"hub", saperi.PostingFilter{HubID: b.ID}, pick(2, 3, 5)},
		{"profile", saperi.PostingFilter{ProfileID: anna.ID}, pick(0, 1, 4)},
		{"profile and hub disagree", saperi.PostingFilter{ProfileID: anna.ID, HubID: b.ID}, pick()},
		{"combined", saperi.PostingFilter{Kind: saperi.Offer, Category: "scuola", Status: saperi.Open}, pick(0, 2, 5)},
		{"page 1", saperi.PostingFilter{Limit: 2}, pick(0, 1)},
		{"page 2", saperi.PostingFilter{Limit: 2, After: ids[1]}, pick(2, 3)},
		{"filtered page", saperi.PostingFilter{Category: "scuola", Limit: 2, After: ids[0]}, pick(2, 3)},
		{"hub page", saperi.PostingFilter{HubID: b.ID, Limit: 1, After: ids[2]}, pick(3)},
		{"profile page", saperi.PostingFilter{ProfileID: anna.ID, After: ids[1]}, pick(4)},
		{"past the end", saperi.PostingFilter{After: ids[5]}, pick()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps, err := db.ListPostings(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			got := []uint64{}
			for _, p := range ps {
				got = append(got, p.ID)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ids = %v, want %v", got, tt.want)
			}
		})
	}

	t.Run("hub moved", func(t *testing.T) {
		if _, err := db.UpdatePosting(ctx, ids[0], func(p *saperi.Posting) error { p.HubID = b.ID; return nil }, saperi.Event{}); err != nil {
			t.Fatal(err)
		}
		inA, _ := db.ListPostings(ctx, saperi.PostingFilter{HubID: a.ID})
		inB, _ := db.ListPostings(ctx, saperi.PostingFilter{HubID: b.ID})
		if len(inA) != 2 || len(inB) != 4 || inB[0].ID != ids[0] {
			t.Errorf("after the move hub %d has %d postings and hub %d has %d, want 2 and 4", a.ID, len(inA), b.ID, len(inB))
		}
		if got := indexed(t, db, hubPostingBucket, a.ID); !reflect.DeepEqual(got, pick(1, 4)) {
			t.Errorf("hub index of %d holds %v, want %v", a.ID, got, pick(1, 4))
		}
	})

	t.Run("limit", func(t *testing.T) {
		ps := make([]*saperi.Posting, maxLimit+10)
		for i := range ps {
			ps[i] = newPosting(anna, saperi.Offer, fmt.Sprintf("Offerta numero %d", i))
		}
		if err := db.ImportPostings(ctx, ps, saperi.Event{}); err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct{ limit, want int }{{0, defaultLimit}, {-1, defaultLimit}, {10, 10}, {maxLimit + 1, maxLimit}} {
			got, err := db.ListPostings(ctx, saperi.PostingFilter{Limit: tt.limit})
			if err != nil || len(got) != tt.want {
				t.Errorf("Limit %d: %d postings (%v), want %d", tt.limit, len(got), err, tt.want)
			}
		}
	})
}

func TestScanPostings(t *testing.T) {
	db, _, owner := fixture(t)
	ctx := context.Background()
	ps := make([]*saperi.Posting, 7)
	for i := range ps {
		ps[i] = newPosting(owner, saperi.Offer, fmt.Sprintf("Offerta numero %d", i))
	}
	if err := db.ImportPostings(ctx, ps, saperi.Event{}); err != nil {
		t.Fatal(err)
	}
	if n, err := db.CountPostings(ctx); err != nil || n != 7 {
		t.Errorf("CountPostings = %d, %v; want 7", n, err)
	}

	tests := []struct {
		batch int
		sizes []int
	}{
		{3, []int{3, 3, 1}},
		{7, []int{7}},
		{1, []int{1, 1, 1, 1, 1, 1, 1}},
		{0, []int{7}},
		{100, []int{7}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint("batch ", tt.batch), func(t *testing.T) {
			var sizes []int
			var seen []uint64
			err := db.ScanPostings(ctx, tt.batch, func(chunk []*saperi.Posting) error {
				sizes = append(sizes, len(chunk))
				for _, p := range chunk {
					seen = append(seen, p.ID)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(sizes, tt.sizes) {
				t.Errorf("chunk sizes %v, want %v", sizes, tt.sizes)
			}
			for i, p := range ps {
				if i >= len(seen) || seen[i] != p.ID {
					t.Fatalf("ids %v, want those of the import in order", seen)
				}
			}
		})
	}

	t.Run("writes from fn", func(t *testing.T) {
		// fn runs outside any transaction, so it may write.
		err := db.ScanPostings(ctx, 3, func(chunk []*saperi.Posting) error {
			_, err := db.UpdatePosting(ctx, chunk[0].ID, func(p *saperi.Posting) error { p.Description = "visto"; return nil }, saperi.Event{})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})

	t.Run("fn error stops", func(t *testing.T) {
		stop := errors.New("stop")
		calls := 0
		err := db.ScanPostings(ctx, 2, func([]*saperi.Posting) error { calls++; return stop })
		if err != stop || calls != 1 {
			t.Errorf("err %v after %d calls, want stop after 1", err, calls)
		}
	})

	t.Run("canceled between chunks", func(t *testing.T) {
		ctx, cancel := context.WithCancel(ctx)
		calls := 0
		err := db.ScanPostings(ctx, 2, func([]*saperi.Posting) error { calls++; cancel(); return nil })
		if !errors.Is(err, context.Canceled) || calls != 1 {
			t.Errorf("err %v after %d calls, want context.Canceled after 1", err, calls)
		}
	})
}
