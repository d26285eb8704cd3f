package store

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/saperi/saperi/matcher"
)

// fixture is a store with one hub and one profile.
func fixture(tb testing.TB) (*DB, *matcher.Hub, *matcher.Profile) {
	tb.Helper()
	db := open(tb)
	h := mustHub(tb, db, "Portineria Aurora")
	return db, h, mustProfile(tb, db, h.ID, "Maria Rossi")
}

func TestPostingCreate(t *testing.T) {
	db, _, owner := fixture(t)
	ctx := context.Background()
	before := countAll(t, db)

	p := newPosting(owner, matcher.Offer, "Ripetizioni di matematica")
	p.Point = &matcher.Point{Lat: 45.07, Lon: 7.66}
	p.AvailableFrom = t0
	if err := db.CreatePosting(ctx, p, matcher.Event{At: t0, Actor: "op1"}); err != nil {
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
	wantCode(t, err, matcher.ENOTFOUND)
}

func TestPostingCreateInvalid(t *testing.T) {
	db, _, owner := fixture(t)
	ctx := context.Background()
	tests := []struct {
		name  string
		edit  func(*matcher.Posting)
		field string
	}{
		{"unknown profile", func(p *matcher.Posting) { p.ProfileID = 42 }, "profile_id"},
		{"no title", func(p *matcher.Posting) { p.Title = "" }, "title"},
		{"unknown category", func(p *matcher.Posting) { p.Category = "astrologia" }, "category"},
		{"expired", func(p *matcher.Posting) { p.Expires = t0.Add(-time.Hour) }, "expires"},
		{"kind", func(p *matcher.Posting) { p.Kind = "gift" }, "kind"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := countAll(t, db)
			p := newPosting(owner, matcher.Need, "Aiuto con lo SPID")
			tt.edit(p)
			err := db.CreatePosting(ctx, p, matcher.Event{At: t0})
			wantCode(t, err, matcher.EINVALID)
			if e := matcher.AsError(err); e.Field != tt.field {
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
		fn    func(*matcher.Posting) error
		code  string // "" when the update succeeds
		field string
	}{
		{"title", func(p *matcher.Posting) error { p.Title = "Ripetizioni di fisica"; p.Updated = later; return nil }, "", ""},
		{"pause", func(p *matcher.Posting) error { return p.Apply(matcher.Pause, later) }, "", ""},
		{"closed past expiry", func(p *matcher.Posting) error {
			p.Updated = p.Expires.Add(time.Hour)
			p.Status = matcher.Closed
			return nil
		}, "", ""},
		{"fn error", func(p *matcher.Posting) error { p.Title = "Altro"; return errStop }, matcher.EINTERNAL, ""},
		{"fn conflict", func(p *matcher.Posting) error { return p.Apply(matcher.Resume, later) }, matcher.ECONFLICT, ""},
		{"invalid", func(p *matcher.Posting) error { p.Title = "x"; p.Updated = later; return nil }, matcher.EINVALID, "title"},
		{"open past expiry", func(p *matcher.Posting) error { p.Updated = p.Expires.Add(time.Hour); return nil }, matcher.EINVALID, "expires"},
		{"id", func(p *matcher.Posting) error { p.ID = 7; return nil }, matcher.EINVALID, "id"},
		{"kind", func(p *matcher.Posting) error { p.Kind = matcher.Need; return nil }, matcher.EINVALID, "kind"},
		{"profile", func(p *matcher.Posting) error { p.ProfileID++; return nil }, matcher.EINVALID, "profile_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, _, owner := fixture(t)
			p := mustPosting(t, db, owner, matcher.Offer, "Ripetizioni di matematica")
			before := countAll(t, db)

			got, err := db.UpdatePosting(ctx, p.ID, tt.fn, matcher.Event{At: later, Actor: "op1"})
			after := countAll(t, db)
			stored, _ := db.Posting(ctx, p.ID)
			if tt.code != "" {
				wantCode(t, err, tt.code)
				if tt.field != "" && matcher.AsError(err).Field != tt.field {
					t.Errorf("field = %q, want %q", matcher.AsError(err).Field, tt.field)
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
		_, err := db.UpdatePosting(ctx, 7, func(*matcher.Posting) error { return nil }, matcher.Event{})
		wantCode(t, err, matcher.ENOTFOUND)
	})
}

func TestImportPostings(t *testing.T) {
	ctx := context.Background()
	batch := func(owner *matcher.Profile, n int) []*matcher.Posting {
		ps := make([]*matcher.Posting, n)
		for i := range ps {
			ps[i] = newPosting(owner, matcher.Offer, fmt.Sprintf("Offerta numero %d", i))
		}
		return ps
	}

	t.Run("all", func(t *testing.T) {
		db, _, owner := fixture(t)
		before := countAll(t, db)
		ps := batch(owner, 5)
		if err := db.ImportPostings(ctx, ps, matcher.Event{At: t0, Actor: "admin"}); err != nil {
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
		edit  func(*matcher.Posting)
		field string
	}{
		{"invalid", func(p *matcher.Posting) { p.Title = "" }, "title"},
		{"unknown profile", func(p *matcher.Posting) { p.ProfileID = 99 }, "profile_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, _, owner := fixture(t)
			before := countAll(t, db)
			ps := batch(owner, 5)
			tt.edit(ps[3])
			err := db.ImportPostings(ctx, ps, matcher.Event{At: t0})
			wantCode(t, err, matcher.EINVALID)
			if !strings.HasPrefix(err.Error(), "posting 3: ") {
				t.Errorf("error %q does not name the posting", err)
			}
			e := matcher.AsError(err)
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
	a := mustPosting(t, db, owner, matcher.Offer, "Ripetizioni di matematica")
	b := mustPosting(t, db, owner, matcher.Need, "Aiuto con lo SPID")
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
		owner  *matcher.Profile
		kind   matcher.Kind
		cat    string
		area   string
		status matcher.Status
	}
	var ids []uint64
	for i, s := range []spec{
		{anna, matcher.Offer, "scuola", "Aurora", matcher.Open},       // 0
		{anna, matcher.Need, "digitale", "Aurora", matcher.Open},      // 1
		{bruno, matcher.Offer, "scuola", "Barriera", matcher.Open},    // 2
		{bruno, matcher.Need, "scuola", "barriera", matcher.Paused},   // 3
		{anna, matcher.Offer, "cucina", "Vanchiglia", matcher.Closed}, // 4
		{bruno, matcher.Offer, "scuola", "Barriera", matcher.Open},    // 5
	} {
		p := newPosting(s.owner, s.kind, fmt.Sprintf("Annuncio numero %d", i))
		p.Category, p.Area, p.Status = s.cat, s.area, s.status
		if err := db.CreatePosting(ctx, p, matcher.Event{}); err != nil {
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
		f    matcher.PostingFilter
		want []uint64
	}{
		{"all", matcher.PostingFilter{}, pick(0, 1, 2, 3, 4, 5)},
		{"kind", matcher.PostingFilter{Kind: matcher.Need}, pick(1, 3)},
		{"status", matcher.PostingFilter{Status: matcher.Open}, pick(0, 1, 2, 5)},
		{"category", matcher.PostingFilter{Category: "scuola"}, pick(0, 2, 3, 5)},
		{"area any case", matcher.PostingFilter{Area: "BARRIERA"}, pick(2, 3, 5)},
		{"hub", matcher.PostingFilter{HubID: b.ID}, pick(2, 3, 5)},
		{"profile", matcher.PostingFilter{ProfileID: anna.ID}, pick(0, 1, 4)},
		{"profile and hub disagree", matcher.PostingFilter{ProfileID: anna.ID, HubID: b.ID}, pick()},
		{"combined", matcher.PostingFilter{Kind: matcher.Offer, Category: "scuola", Status: matcher.Open}, pick(0, 2, 5)},
		{"page 1", matcher.PostingFilter{Limit: 2}, pick(0, 1)},
		{"page 2", matcher.PostingFilter{Limit: 2, After: ids[1]}, pick(2, 3)},
		{"filtered page", matcher.PostingFilter{Category: "scuola", Limit: 2, After: ids[0]}, pick(2, 3)},
		{"hub page", matcher.PostingFilter{HubID: b.ID, Limit: 1, After: ids[2]}, pick(3)},
		{"profile page", matcher.PostingFilter{ProfileID: anna.ID, After: ids[1]}, pick(4)},
		{"past the end", matcher.PostingFilter{After: ids[5]}, pick()},
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
		if _, err := db.UpdatePosting(ctx, ids[0], func(p *matcher.Posting) error { p.HubID = b.ID; return nil }, matcher.Event{}); err != nil {
			t.Fatal(err)
		}
		inA, _ := db.ListPostings(ctx, matcher.PostingFilter{HubID: a.ID})
		inB, _ := db.ListPostings(ctx, matcher.PostingFilter{HubID: b.ID})
		if len(inA) != 2 || len(inB) != 4 || inB[0].ID != ids[0] {
			t.Errorf("after the move hub %d has %d postings and hub %d has %d, want 2 and 4", a.ID, len(inA), b.ID, len(inB))
		}
		if got := indexed(t, db, hubPostingBucket, a.ID); !reflect.DeepEqual(got, pick(1, 4)) {
			t.Errorf("hub index of %d holds %v, want %v", a.ID, got, pick(1, 4))
		}
	})

	t.Run("limit", func(t *testing.T) {
		ps := make([]*matcher.Posting, maxLimit+10)
		for i := range ps {
			ps[i] = newPosting(anna, matcher.Offer, fmt.Sprintf("Offerta numero %d", i))
		}
		if err := db.ImportPostings(ctx, ps, matcher.Event{}); err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct{ limit, want int }{{0, defaultLimit}, {-1, defaultLimit}, {10, 10}, {maxLimit + 1, maxLimit}} {
			got, err := db.ListPostings(ctx, matcher.PostingFilter{Limit: tt.limit})
			if err != nil || len(got) != tt.want {
				t.Errorf("Limit %d: %d postings (%v), want %d", tt.limit, len(got), err, tt.want)
			}
		}
	})
}

func TestScanPostings(t *testing.T) {
	db, _, owner := fixture(t)
	ctx := context.Background()
	ps := make([]*matcher.Posting, 7)
	for i := range ps {
		ps[i] = newPosting(owner, matcher.Offer, fmt.Sprintf("Offerta numero %d", i))
	}
	if err := db.ImportPostings(ctx, ps, matcher.Event{}); err != nil {
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
			err := db.ScanPostings(ctx, tt.batch, func(chunk []*matcher.Posting) error {
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
		err := db.ScanPostings(ctx, 3, func(chunk []*matcher.Posting) error {
			_, err := db.UpdatePosting(ctx, chunk[0].ID, func(p *matcher.Posting) error { p.Description = "visto"; return nil }, matcher.Event{})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})

	t.Run("fn error stops", func(t *testing.T) {
		stop := errors.New("stop")
		calls := 0
		err := db.ScanPostings(ctx, 2, func([]*matcher.Posting) error { calls++; return stop })
		if err != stop || calls != 1 {
			t.Errorf("err %v after %d calls, want stop after 1", err, calls)
		}
	})

	t.Run("canceled between chunks", func(t *testing.T) {
		ctx, cancel := context.WithCancel(ctx)
		calls := 0
		err := db.ScanPostings(ctx, 2, func([]*matcher.Posting) error { calls++; cancel(); return nil })
		if !errors.Is(err, context.Canceled) || calls != 1 {
			t.Errorf("err %v after %d calls, want context.Canceled after 1", err, calls)
		}
	})
}
