package matcher_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/matcher"
)

// fakeAnalyzer lower-cases and splits on anything but letters, drops a few
// stop words, and "stems" by cutting a final vowel off words longer than
// four letters, so "maestra" and "maestre" share the term "maestr".
type fakeAnalyzer struct {
	related map[string][]string
}

func (a fakeAnalyzer) Analyze(text string) []matcher.Token {
	var out []matcher.Token
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) }) {
		term := strings.ToLower(w)
		switch term {
		case "di", "per", "il", "la", "una", "un", "mio", "cerco", "offro":
			continue
		}
		if len(term) > 4 && strings.ContainsAny(term[len(term)-1:], "aeio") {
			term = term[:len(term)-1]
		}
		out = append(out, matcher.Token{Term: term, Word: w})
	}
	return out
}

func (a fakeAnalyzer) Related(term string) []string { return a.related[term] }

func TestMatchTerms(t *testing.T) {
	an := fakeAnalyzer{related: map[string][]string{
		"insegnant": {"docent", "maestr"},
		"bimb":      {"bambin"},
	}}
	tests := []struct {
		name       string
		want, have string
		terms      []saperi.TermMatch
		coverage   float64
	}{
		{"exact", "chitarra", "lezioni di chitarra",
			[]saperi.TermMatch{{Word: "chitarra", Other: "chitarra", Via: saperi.ViaExact}}, 1},
		{"exact ignores case", "Chitarra", "CHITARRA",
			[]saperi.TermMatch{{Word: "Chitarra", Other: "CHITARRA", Via: saperi.ViaExact}}, 1},
		{"stem", "maestra", "maestre in pensione",
			[]saperi.TermMatch{{Word: "maestra", Other: "maestre", Via: saperi.ViaStem}}, 1},
		{"synonym", "insegnante", "una maestra paziente",
			[]saperi.TermMatch{{Word: "insegnante", Other: "maestra", Via: saperi.ViaSynonym}}, 1},
		{"direct beats synonym", "insegnante", "maestra insegnante",
			[]saperi.TermMatch{{Word: "insegnante", Other: "insegnante", Via: saperi.ViaExact}}, 1},
		{"coverage fraction", "cerco una maestra per mio figlio", "maestra",
			[]saperi.TermMatch{{Word: "maestra", Other: "maestra", Via: saperi.ViaExact}}, 0.5},
		{"duplicates counted once", "chitarra chitarra Chitarra piano", "chitarra",
			[]saperi.TermMatch{{Word: "chitarra", Other: "chitarra", Via: saperi.ViaExact}}, 0.5},
		{"first surface form of have", "bimbi", "bimbo bimbi",
			[]saperi.TermMatch{{Word: "bimbi", Other: "bimbo", Via: saperi.ViaStem}}, 1},
		{"nothing found", "giardino", "computer", []saperi.TermMatch{}, 0},
		{"empty have", "giardino", "", []saperi.TermMatch{}, 0},
		{"empty want", "", "giardino", []saperi.TermMatch{}, 0},
		{"only stop words", "cerco per il", "giardino", []saperi.TermMatch{}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			terms, cov := matcher.MatchTerms(an.Analyze(tt.want), an.Analyze(tt.have), an)
			if terms == nil || !reflect.DeepEqual(terms, tt.terms) {
				t.Errorf("terms = %#v, want %#v", terms, tt.terms)
			}
			if cov != tt.coverage {
				t.Errorf("coverage = %v, want %v", cov, tt.coverage)
			}
		})
	}
	t.Run("nil analyzer finds no synonyms", func(t *testing.T) {
		terms, cov := matcher.MatchTerms(an.Analyze("insegnante chitarra"), an.Analyze("maestra chitarra"), nil)
		want := []saperi.TermMatch{{Word: "chitarra", Other: "chitarra", Via: saperi.ViaExact}}
		if !reflect.DeepEqual(terms, want) || cov != 0.5 {
			t.Errorf("MatchTerms = %v, %v", terms, cov)
		}
	})
}

// fakeIndex is a Retriever that returns fixed hits, as a lagging index
// might, and records the query it was asked.
type fakeIndex struct {
	hits []matcher.Hit
	err  error
	q    *matcher.Query
}

func (f *fakeIndex) Retrieve(_ context.Context, q matcher.Query) ([]matcher.Hit, error) {
	f.q = &q
	if f.err != nil {
		return nil, f.err
	}
	return f.hits, nil
}

// fakeStore is a Source over a map.
type fakeStore struct {
	posts        map[uint64]*saperi.Posting
	active       map[uint64]int
	declined     map[uint64][]uint64
	declinedAsks int
	errPosting   error
	errPostings  error
	errActive    error
	errDeclined  error
}

func (f *fakeStore) Posting(_ context.Context, id uint64) (*saperi.Posting, error) {
	if f.errPosting != nil {
		return nil, f.errPosting
	}
	p, ok := f.posts[id]
	if !ok {
		return nil, saperi.NotFound("posting", id)
	}
	return p, nil
}

func (f *fakeStore) Postings(_ context.Context, ids []uint64) ([]*saperi.Posting, error) {
	if f.errPostings != nil {
		return nil, f.errPostings
	}
	var out []*saperi.Posting
	for _, id := range ids {
		if p, ok := f.posts[id]; ok {
			out = append(out, p)
		}
	}
	return out, nil
}

func (f *fakeStore) ActiveMatches(_ context.Context, ids []uint64) (map[uint64]int, error) {
	if f.errActive != nil {
		return nil, f.errActive
	}
	return f.active, nil
}

func (f *fakeStore) Declined(_ context.Context, id uint64) ([]uint64, error) {
	f.declinedAsks++
	if f.errDeclined != nil {
		return nil, f.errDeclined
	}
	return f.declined[id], nil
}

// world is a need (id 1, owner 10) and offers around it, stored and indexed.
func world(tb testing.TB) (*matcher.Engine, *fakeStore, *fakeIndex) {
	tb.Helper()
	need := posting(saperi.Need, 1, 10)
	need.Title, need.Description = "Cerco una maestra", "per mio figlio in terza elementare"
	st := &fakeStore{posts: map[uint64]*saperi.Posting{1: need}, active: map[uint64]int{}, declined: map[uint64][]uint64{}}
	add := func(id uint64, edit func(p *saperi.Posting)) {
		p := posting(saperi.Offer, id, 100+id)
		p.Title, p.Description = "Offro ripetizioni", "maestra in pensione"
		if edit != nil {
			edit(p)
		}
		st.posts[id] = p
	}
	add(2, nil)                                                         // good
	add(3, func(p *saperi.Posting) { p.Category = "casa" })             // good, other category
	add(4, func(p *saperi.Posting) { p.Status = saperi.Closed })        // closed since indexed
	add(5, func(p *saperi.Posting) { p.Expires = now.Add(-time.Hour) }) // expired since indexed
	add(6, func(p *saperi.Posting) { p.Status = saperi.Paused })        // paused
	add(7, func(p *saperi.Posting) { p.ProfileID = 10 })                // the need's own owner
	add(8, nil)                                                         // declined with 1
	add(9, func(p *saperi.Posting) { p.Kind = saperi.Need })            // wrong kind
	add(11, func(p *saperi.Posting) { p.Point = north(20) })            // out of reach
	add(12, func(p *saperi.Posting) { p.Point = north(1) })             // good, a bit farther
	st.declined[1] = []uint64{8}
	ix := &fakeIndex{}
	for _, id := range []uint64{3, 4, 5, 6, 7, 8, 9, 11, 12, 13 /* deleted */, 2, 2 /* twice */} {
		ix.hits = append(ix.hits, matcher.Hit{ID: id, Score: 3})
	}
	e := &matcher.Engine{Retriever: ix, Source: st, Analyzer: fakeAnalyzer{}, Scorer: matcher.NewScorer(matcher.Weights{}), Pool: 50}
	return e, st, ix
}

func TestEngineFor(t *testing.T) {
	ctx := context.Background()
	t.Run("drops what the index lags on", func(t *testing.T) {
		e, st, ix := world(t)
		got, err := e.For(ctx, st.posts[1], 10, now)
		if err != nil {
			t.Fatal(err)
		}
		// 2 is in the same category and nearest, 12 a kilometre away, 3 of another category.
		if want := []uint64{2, 12, 3}; !reflect.DeepEqual(ids(got), want) {
			t.Errorf("candidates = %v, want %v", ids(got), want)
		}
		if q := ix.q; q == nil || q.Kind != saperi.Offer || q.Target != st.posts[1] || !q.Now.Equal(now) ||
			!reflect.DeepEqual(q.Exclude, []uint64{8}) {
			t.Errorf("query = %+v", ix.q)
		}
		for _, r := range got {
			checkRanked(t, r)
			if len(r.Terms) == 0 || r.Relevance <= 0 || r.Breakdown[saperi.FText].Value <= 0.3 {
				t.Errorf("candidate %d: terms %v, text %v", r.Posting.ID, r.Terms, r.Breakdown[saperi.FText])
			}
		}
	})
	t.Run("load from active matches", func(t *testing.T) {
		e, st, _ := world(t)
		st.active[2] = 3 // at capacity
		got, err := e.For(ctx, st.posts[1], 10, now)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range got {
			wantLoad := 1.0
			if r.Posting.ID == 2 {
				wantLoad = 0
			}
			if v := r.Breakdown[saperi.FLoad].Value; v != wantLoad {
				t.Errorf("load of %d = %v, want %v", r.Posting.ID, v, wantLoad)
			}
		}
	})
	t.Run("limit respected after ranking the pool", func(t *testing.T) {
		e, st, ix := world(t)
		got, err := e.For(ctx, st.posts[1], 1, now)
		if err != nil {
			t.Fatal(err)
		}
		// 2 is retrieved last but ranks first.
		if want := []uint64{2}; !reflect.DeepEqual(ids(got), want) {
			t.Errorf("candidates = %v, want %v", ids(got), want)
		}
		if ix.q.Limit != 50 {
			t.Errorf("retrieved %d, want the pool of 50", ix.q.Limit)
		}
	})
	t.Run("limit larger than pool", func(t *testing.T) {
		e, st, ix := world(t)
		e.Pool = 2
		if _, err := e.For(ctx, st.posts[1], 20, now); err != nil {
			t.Fatal(err)
		}
		if ix.q.Limit != 20 {
			t.Errorf("retrieved %d, want 20", ix.q.Limit)
		}
	})
	for _, limit := range []int{0, -1} {
		t.Run(fmt.Sprintf("limit %d", limit), func(t *testing.T) {
			e, st, _ := world(t)
			got, err := e.For(ctx, st.posts[1], limit, now)
			if err != nil || got == nil || len(got) != 0 {
				t.Errorf("For(limit %d) = %v, %v; want empty", limit, got, err)
			}
		})
	}
	t.Run("unsaved target", func(t *testing.T) {
		e, st, ix := world(t)
		target := *st.posts[1]
		target.ID, target.ProfileID = 0, 0
		got, err := e.For(ctx, &target, 10, now)
		if err != nil {
			t.Fatal(err)
		}
		if st.declinedAsks != 0 || ix.q.Exclude != nil {
			t.Errorf("declined asked %d times, exclude %v", st.declinedAsks, ix.q.Exclude)
		}
		// Without an owner or an id, 7 (same owner) and 8 (declined) come back.
		if g := ids(got); !slices.Contains(g, 7) || !slices.Contains(g, 8) || slices.Contains(g, 4) {
			t.Errorf("candidates = %v", g)
		}
	})
	t.Run("no analyzer", func(t *testing.T) {
		e, st, _ := world(t)
		e.Analyzer = nil
		got, err := e.For(ctx, st.posts[1], 10, now)
		if err != nil || len(got) != 3 {
			t.Fatalf("For = %v, %v", ids(got), err)
		}
		for _, r := range got {
			checkRanked(t, r)
		}
	})
}

// TestExplainOutsideThePool: a pair the index did not retrieve is scored
// as at most as strong a text match as the weakest it did, never as the
// best (an operator's proposal must not outscore the ranked list).
func TestExplainOutsideThePool(t *testing.T) {
	ctx := context.Background()
	e, st, ix := world(t)
	// 2 and 12 retrieved, 2 the strong text match; 14, the same offer as
	// 12, not retrieved.
	ix.hits = []matcher.Hit{{ID: 2, Score: 10}, {ID: 12, Score: 2}}
	p := *st.posts[12]
	p.ID = 14
	st.posts[14] = &p
	pooled, err := e.Explain(ctx, st.posts[1], st.posts[12], now)
	if err != nil {
		t.Fatal(err)
	}
	outside, err := e.Explain(ctx, st.posts[1], st.posts[14], now)
	if err != nil {
		t.Fatal(err)
	}
	best, err := e.Explain(ctx, st.posts[1], st.posts[2], now)
	if err != nil {
		t.Fatal(err)
	}
	checkRanked(t, outside)
	if !(outside.Score > 0) || outside.Score > pooled.Score || !(pooled.Score < best.Score) {
		t.Errorf("scores: not retrieved %v, weakest retrieved %v, best %v; want 0 < not retrieved ≤ weakest < best",
			outside.Score, pooled.Score, best.Score)
	}
}

func TestEngineErrors(t *testing.T) {
	boom := errors.New("disk on fire")
	tests := []struct {
		name string
		fail func(st *fakeStore, ix *fakeIndex)
	}{
		{"declined", func(st *fakeStore, _ *fakeIndex) { st.errDeclined = boom }},
		{"retrieve", func(_ *fakeStore, ix *fakeIndex) { ix.err = boom }},
		{"postings", func(st *fakeStore, _ *fakeIndex) { st.errPostings = boom }},
		{"active matches", func(st *fakeStore, _ *fakeIndex) { st.errActive = boom }},
		{"target", func(st *fakeStore, _ *fakeIndex) { st.errPosting = boom }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, st, ix := world(t)
			tt.fail(st, ix)
			got, err := e.Candidates(context.Background(), 1, 10, now)
			if !errors.Is(err, boom) {
				t.Fatalf("err = %v, want it to wrap %v", err, boom)
			}
			if !strings.HasPrefix(err.Error(), "candidates 1: ") {
				t.Errorf("err = %q lacks context", err)
			}
			if saperi.ErrorCode(err) != saperi.EINTERNAL || got != nil {
				t.Errorf("code %q, result %v", saperi.ErrorCode(err), got)
			}
		})
	}
	t.Run("target not found keeps its code", func(t *testing.T) {
		e, _, _ := world(t)
		_, err := e.Candidates(context.Background(), 99, 10, now)
		wantCode(t, err, saperi.ENOTFOUND)
	})
}
