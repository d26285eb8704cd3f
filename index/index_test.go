package index

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/matcher"
)

// now is the clock of every test.
var now = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

// fakeStore is an in-memory Store: postings and an outbox, as store.DB
// keeps them.
type fakeStore struct {
	mu     sync.Mutex
	posts  map[uint64]*saperi.Posting
	outbox []saperi.Change
	seq    uint64
	// failPostings, when set, is returned by Postings.
	failPostings error
}

func newFakeStore() *fakeStore { return &fakeStore{posts: map[uint64]*saperi.Posting{}} }

// put writes postings and their outbox entries, as a store write does.
func (s *fakeStore) put(ps ...*saperi.Posting) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range ps {
		cp := *p
		s.posts[p.ID] = &cp
		s.seq++
		s.outbox = append(s.outbox, saperi.Change{Seq: s.seq, PostingID: p.ID})
	}
}

// load writes postings without outbox entries: only a rebuild sees them.
func (s *fakeStore) load(ps ...*saperi.Posting) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range ps {
		cp := *p
		s.posts[p.ID] = &cp
	}
}

// erase deletes a posting, leaving an outbox entry.
func (s *fakeStore) erase(id uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.posts, id)
	s.seq++
	s.outbox = append(s.outbox, saperi.Change{Seq: s.seq, PostingID: id})
}

func (s *fakeStore) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.posts)
}

func (s *fakeStore) Changes(ctx context.Context, limit int) ([]saperi.Change, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := min(limit, len(s.outbox))
	return slices.Clone(s.outbox[:n]), nil
}

func (s *fakeStore) DoneChanges(ctx context.Context, cs []saperi.Change) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	done := map[uint64]bool{}
	for _, c := range cs {
		done[c.Seq] = true
	}
	s.outbox = slices.DeleteFunc(s.outbox, func(c saperi.Change) bool { return done[c.Seq] })
	return nil
}

func (s *fakeStore) PendingChanges(ctx context.Context) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.outbox), nil
}

func (s *fakeStore) Postings(ctx context.Context, ids []uint64) ([]*saperi.Posting, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failPostings != nil {
		return nil, s.failPostings
	}
	var out []*saperi.Posting
	for _, id := range ids {
		if p, ok := s.posts[id]; ok {
			cp := *p
			out = append(out, &cp)
		}
	}
	return out, nil
}

func (s *fakeStore) ScanPostings(ctx context.Context, batch int, fn func([]*saperi.Posting) error) error {
	s.mu.Lock()
	var all []*saperi.Posting
	for _, p := range s.posts {
		cp := *p
		all = append(all, &cp)
	}
	s.mu.Unlock()
	slices.SortFunc(all, func(a, b *saperi.Posting) int { return int(a.ID) - int(b.ID) })
	for len(all) > 0 {
		n := min(batch, len(all))
		if err := fn(all[:n]); err != nil {
			return err
		}
		all = all[n:]
	}
	return nil
}

// posting returns an open, in-person offer in San Salvario with title,
// changed by mods.
func posting(id uint64, title string, mods ...func(*saperi.Posting)) *saperi.Posting {
	p := &saperi.Posting{
		ID: id, Kind: saperi.Offer, ProfileID: 1000 + id, HubID: 1, Area: "San Salvario",
		Title: title, Mode: saperi.InPerson, MaxDistanceKm: 3, Status: saperi.Open,
		Expires: now.Add(30 * 24 * time.Hour), Created: now.Add(-time.Hour), Updated: now.Add(-time.Hour),
	}
	for _, m := range mods {
		m(p)
	}
	return p
}

// openTest opens an index of st in a fresh directory.
func openTest(tb testing.TB, st Store) *Index {
	tb.Helper()
	return openAt(tb, filepath.Join(tb.TempDir(), "index.bleve"), st)
}

func openAt(tb testing.TB, dir string, st Store) *Index {
	tb.Helper()
	ix, err := Open(context.Background(), dir, st, Options{Now: func() time.Time { return now }}, slog.New(slog.DiscardHandler))
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() { ix.Close() })
	return ix
}

func docCount(tb testing.TB, ix *Index) uint64 {
	tb.Helper()
	n, err := ix.DocCount()
	if err != nil {
		tb.Fatalf("DocCount: %v", err)
	}
	return n
}

func pending(tb testing.TB, st Store) int {
	tb.Helper()
	n, err := st.PendingChanges(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

func TestOpenDrainsOutbox(t *testing.T) {
	st := newFakeStore()
	st.put(posting(1, "Ripetizioni di matematica"), posting(2, "Lezioni di chitarra"))
	ix := openTest(t, st)
	if got := docCount(t, ix); got != 2 {
		t.Errorf("DocCount = %d, want 2", got)
	}
	if got := pending(t, st); got != 0 {
		t.Errorf("pending = %d, want 0", got)
	}
}

func TestSync(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name      string
		batch     int
		setup     func(st *fakeStore)
		wantN     int
		wantDocs  uint64
		wantFound []uint64 // searched for "chitarra"
	}{
		{"applies new postings", 500, func(st *fakeStore) {
			st.put(posting(1, "Lezioni di chitarra"), posting(2, "Chitarra per bambini"))
		}, 2, 2, []uint64{1, 2}},
		{"drains in several batches", 2, func(st *fakeStore) {
			for id := uint64(1); id <= 5; id++ {
				st.put(posting(id, "Lezioni di chitarra"))
			}
		}, 5, 5, []uint64{1, 2, 3, 4, 5}},
		{"dedupes ids in a batch and keeps the last write", 500, func(st *fakeStore) {
			st.put(posting(1, "Lezioni di pianoforte"))
			st.put(posting(1, "Lezioni di chitarra"))
		}, 2, 1, []uint64{1}},
		{"deletes erased postings", 500, func(st *fakeStore) {
			st.put(posting(1, "Lezioni di chitarra"), posting(2, "Chitarra classica"))
			st.erase(2)
		}, 3, 1, []uint64{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newFakeStore()
			ix := openTest(t, st)
			ix.opts.BatchSize = tt.batch
			tt.setup(st)
			n, err := ix.Sync(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if n != tt.wantN {
				t.Errorf("Sync applied %d, want %d", n, tt.wantN)
			}
			if got := pending(t, st); got != 0 {
				t.Errorf("pending after Sync = %d, want 0", got)
			}
			if got := docCount(t, ix); got != tt.wantDocs {
				t.Errorf("DocCount = %d, want %d", got, tt.wantDocs)
			}
			hits, _, err := ix.Search(ctx, "chitarra", SearchFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(hits); !sameIDs(got, tt.wantFound) {
				t.Errorf("search chitarra = %v, want %v", got, tt.wantFound)
			}
		})
	}
}

func TestSyncErasedLater(t *testing.T) {
	ctx := context.Background()
	st := newFakeStore()
	st.put(posting(1, "Lezioni di chitarra"), posting(2, "Chitarra classica"))
	ix := openTest(t, st)
	if got := docCount(t, ix); got != 2 {
		t.Fatalf("DocCount = %d, want 2", got)
	}
	st.erase(1)
	if _, err := ix.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	hits, total, err := ix.Search(ctx, "chitarra", SearchFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if total != 1 || len(hits) != 1 || hits[0].ID != 2 {
		t.Errorf("after erasing 1: hits %v total %d, want only 2", hits, total)
	}
}

func TestSyncKeepsOutboxOnFailure(t *testing.T) {
	ctx := context.Background()
	st := newFakeStore()
	ix := openTest(t, st)
	st.put(posting(1, "Lezioni di chitarra"))
	boom := errors.New("disk on fire")
	st.failPostings = boom
	if _, err := ix.Sync(ctx); !errors.Is(err, boom) {
		t.Fatalf("Sync err = %v, want %v", err, boom)
	}
	if got := pending(t, st); got != 1 {
		t.Fatalf("pending after failed Sync = %d, want 1 (entry must survive)", got)
	}
	if ok, err := ix.Ready(ctx); err != nil || ok {
		t.Errorf("Ready = %v, %v; want false with a pending change", ok, err)
	}
	st.failPostings = nil
	if n, err := ix.Sync(ctx); err != nil || n != 1 {
		t.Fatalf("retry Sync = %d, %v; want 1, nil", n, err)
	}
	if ok, err := ix.Ready(ctx); err != nil || !ok {
		t.Errorf("Ready = %v, %v; want true", ok, err)
	}
}

func TestOpenRebuilds(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		// spoil damages the index at dir after it was built and closed.
		spoil func(t *testing.T, dir string)
	}{
		{"missing", func(t *testing.T, dir string) {
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
		}},
		{"older version", func(t *testing.T, dir string) { setVersion(t, dir, strconv.Itoa(MappingVersion-1)) }},
		{"newer version", func(t *testing.T, dir string) { setVersion(t, dir, strconv.Itoa(MappingVersion+1)) }},
		{"no version", func(t *testing.T, dir string) { setVersion(t, dir, "") }},
		{"other concept files", func(t *testing.T, dir string) { setVersion(t, dir, strconv.Itoa(MappingVersion)+".0123456789ab") }},
		{"corrupt", func(t *testing.T, dir string) {
			err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				return os.WriteFile(path, []byte("this is not an index\x00\xff"), 0o600)
			})
			if err != nil {
				t.Fatal(err)
			}
		}},
		{"empty directory", func(t *testing.T, dir string) {
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "index.bleve")
			st := newFakeStore()
			st.put(posting(1, "Lezioni di chitarra"))
			ix := openAt(t, dir, st)
			if err := ix.Close(); err != nil {
				t.Fatal(err)
			}
			// Postings the index never heard of: only a rebuild finds them.
			st.load(posting(2, "Chitarra classica"), posting(3, "Spesa per anziani"))
			tt.spoil(t, dir)

			ix = openAt(t, dir, st)
			if got, want := docCount(t, ix), uint64(st.count()); got != want {
				t.Errorf("DocCount = %d, want %d (the store's)", got, want)
			}
			hits, _, err := ix.Search(ctx, "chitarra", SearchFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(hits); !sameIDs(got, []uint64{1, 2}) {
				t.Errorf("search after rebuild = %v, want [1 2]", got)
			}
			assertVersion(t, ix)
		})
	}
}

func TestOpenKeepsCurrentIndex(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index.bleve")
	st := newFakeStore()
	st.put(posting(1, "Lezioni di chitarra"))
	ix := openAt(t, dir, st)
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	// Not in the outbox: a reopen that does not rebuild leaves it out.
	st.load(posting(2, "Chitarra classica"))
	ix = openAt(t, dir, st)
	if got := docCount(t, ix); got != 1 {
		t.Errorf("DocCount = %d, want 1: a current index must not be rebuilt", got)
	}
}

func TestOpenRemovesLeftovers(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index.bleve")
	for _, p := range []string{dir + ".new", dir + ".old"} {
		if err := os.MkdirAll(p, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(p, "junk"), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	openAt(t, dir, newFakeStore())
	for _, p := range []string{dir + ".new", dir + ".old"} {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s still there (err %v)", p, err)
		}
	}
}

func TestRebuild(t *testing.T) {
	ctx := context.Background()
	st := newFakeStore()
	for id := uint64(1); id <= 2500; id++ {
		st.put(posting(id, "Lezioni di chitarra"))
	}
	ix := openTest(t, st)
	before := docCount(t, ix)
	if before != 2500 {
		t.Fatalf("DocCount = %d, want 2500", before)
	}

	// Searches run throughout the rebuild and must never fail.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var searchErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, _, err := ix.Search(ctx, "chitarra", SearchFilter{Size: 5}); err != nil {
				searchErr = err
				return
			}
		}
	}()
	st.put(posting(9999, "Chitarra elettrica")) // pending: applied after the swap
	err := ix.Rebuild(ctx)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if searchErr != nil {
		t.Errorf("search during rebuild: %v", searchErr)
	}
	if got := docCount(t, ix); got != before+1 {
		t.Errorf("DocCount after Rebuild = %d, want %d", got, before+1)
	}
	if got := pending(t, st); got != 0 {
		t.Errorf("pending after Rebuild = %d, want 0", got)
	}
	for _, p := range []string{ix.dir + ".new", ix.dir + ".old"} {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s left behind (err %v)", p, err)
		}
	}
	assertVersion(t, ix)
}

func TestRunSyncsOnNotify(t *testing.T) {
	st := newFakeStore()
	ix := openTest(t, st)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { ix.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	st.put(posting(1, "Lezioni di chitarra"))
	ix.Notify()
	ix.Notify() // never blocks
	deadline := time.Now().Add(10 * time.Second)
	for docCount(t, ix) != 1 {
		if time.Now().After(deadline) {
			t.Fatal("Run did not index the posting")
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not stop when its context was cancelled")
	}
}

func TestClosed(t *testing.T) {
	ctx := context.Background()
	st := newFakeStore()
	ix := openTest(t, st)
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	st.put(posting(1, "Lezioni di chitarra"))
	if err := ix.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, _, err := ix.Search(ctx, "x", SearchFilter{}); !errors.Is(err, ErrClosed) {
		t.Errorf("Search after Close: %v, want ErrClosed", err)
	}
	if _, err := ix.Sync(ctx); !errors.Is(err, ErrClosed) {
		t.Errorf("Sync after Close: %v, want ErrClosed", err)
	}
	if got := pending(t, st); got != 1 {
		t.Errorf("pending after failed Sync = %d, want 1", got)
	}
	if ok, _ := ix.Ready(ctx); ok {
		t.Error("Ready after Close = true")
	}
	if toks := ix.Analyze("chitarra"); len(toks) != 1 {
		t.Errorf("Analyze after Close = %v, want one token", toks)
	}
}

// setVersion rewrites the mapping version stored in the closed index at
// dir; "" deletes it.
func setVersion(t *testing.T, dir, v string) {
	t.Helper()
	idx, err := bleve.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if v == "" {
		err = idx.DeleteInternal(versionKey)
	} else {
		err = idx.SetInternal(versionKey, []byte(v))
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := idx.Close(); err != nil {
		t.Fatal(err)
	}
}

func assertVersion(t *testing.T, ix *Index) {
	t.Helper()
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	v, err := ix.idx.GetInternal(versionKey)
	if want := ix.version(); err != nil || string(v) != want || !strings.HasPrefix(want, strconv.Itoa(MappingVersion)+".") {
		t.Errorf("stored version = %q, %v; want %q", v, err, want)
	}
}

func ids(hs []matcher.Hit) []uint64 {
	out := make([]uint64, len(hs))
	for i, h := range hs {
		out[i] = h.ID
	}
	return out
}

func sameIDs(a, b []uint64) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// TestCompact: after many small batches, Compact leaves one segment with
// every posting still found.
func TestCompact(t *testing.T) {
	ctx := context.Background()
	st := newFakeStore()
	ix := openTest(t, st)
	for i := range 5 {
		st.put(posting(uint64(10+i), "Lezioni di chitarra"))
		if _, err := ix.Sync(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if err := ix.Compact(ctx); err != nil {
		t.Fatal(err)
	}
	adv, err := ix.idx.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	stats := adv.(*scorch.Scorch).StatsMap()
	segs := stats["num_root_filesegments"].(uint64) + stats["num_root_memorysegments"].(uint64)
	hs, _, err := ix.Search(ctx, "chitarra", SearchFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if docCount(t, ix) != 5 || len(hs) != 5 || segs != 1 {
		t.Errorf("after compacting: %d docs, %d found, %d segments; want 5, 5, 1", docCount(t, ix), len(hs), segs)
	}
	ix.Close()
	if err := ix.Compact(ctx); !errors.Is(err, ErrClosed) {
		t.Errorf("Compact after Close: %v, want ErrClosed", err)
	}
}
