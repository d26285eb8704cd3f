package digest

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/matcher"
)

// Candidates finds candidate offers for needs: matcher.Engine does.
type Candidates interface {
	For(ctx context.Context, target *saperi.Posting, limit int, now time.Time) ([]matcher.Ranked, error)
}

// AssignOptions tune the weekly assignment.
type AssignOptions struct {
	// PerNeed is at most how many active proposals a need has (default 3).
	PerNeed int
	// Candidates is how many ranked offers per need are considered
	// (default 10).
	Candidates int
	// MinScore drops candidates below this score: the engine's proposal
	// threshold (default matcher.DefaultThreshold), and
	// Relative those below this share of the need's best candidate
	// (default matcher.CloseToBest, as on the desk): a weak proposal
	// costs a person's attention and an offer's capacity.
	MinScore, Relative float64
}

// Assignment is the result of gathering and assigning.
type Assignment struct {
	Problem  matcher.Problem
	Proposed []matcher.Arc
	// Greedy is the top-1 baseline: each need in id order takes its best
	// offer with capacity left.
	Greedy []matcher.Arc
	// OnePerNeed is the assignment with at most one new proposal per need,
	// comparable with Greedy.
	OnePerNeed []matcher.Arc
	// Gather and Solve are how long gathering candidates and the three
	// assignments (proposed, greedy, one per need) took.
	Gather, Solve time.Duration
	ranked        map[matcher.Pair]matcher.Ranked
	needs         map[uint64]*saperi.Posting
}

// Plan gathers the candidate arcs of every open need from the engine
// (outside any transaction: one read per need) and assigns them. Nothing
// is written.
func Plan(ctx context.Context, st Store, eng Candidates, now time.Time, o AssignOptions) (*Assignment, error) {
	if o.PerNeed <= 0 {
		o.PerNeed = 3
	}
	if o.Candidates <= 0 {
		o.Candidates = 10
	}
	if o.MinScore <= 0 {
		o.MinScore = matcher.DefaultThreshold
	}
	if o.Relative <= 0 {
		o.Relative = matcher.CloseToBest
	}
	a := &Assignment{Problem: matcher.Problem{OfferCap: map[uint64]int{}, NeedCap: map[uint64]int{}, Exclude: map[matcher.Pair]bool{}},
		ranked: map[matcher.Pair]matcher.Ranked{}, needs: map[uint64]*saperi.Posting{}}
	var needs []*saperi.Posting
	offerCap := map[uint64]int{}
	if err := st.ScanPostings(ctx, 0, func(ps []*saperi.Posting) error {
		for _, p := range ps {
			if p.StatusAt(now) != saperi.Open {
				continue
			}
			if p.Kind == saperi.Need {
				needs = append(needs, p)
			} else {
				offerCap[p.ID] = p.Capacity
			}
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("digest: assign: %w", err)
	}
	ids := make([]uint64, 0, len(offerCap))
	for id := range offerCap {
		ids = append(ids, id)
	}
	active, err := st.ActiveMatches(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("digest: assign: %w", err)
	}
	for id, c := range offerCap {
		a.Problem.OfferCap[id] = max(0, c-active[id])
	}
	// Gather each need's candidates on every core; the results are put
	// together in the needs' order, so the problem (and the assignment)
	// is the same as one need at a time.
	type gathered struct {
		exclude []matcher.Pair
		open    int
		ranked  []matcher.Ranked
	}
	got := make([]gathered, len(needs))
	offers := &postingSet{m: map[uint64]*saperi.Posting{}}
	gather := func(i int) error {
		n := needs[i]
		ms, err := st.MatchesOf(ctx, n.ID)
		if err != nil {
			return err
		}
		g := &got[i]
		for _, m := range ms {
			if m.State.Active() {
				g.open++
			}
			if m.State.Active() || m.State == saperi.Declined {
				g.exclude = append(g.exclude, matcher.Pair{NeedID: m.NeedID, OfferID: m.OfferID})
			}
		}
		if o.PerNeed-g.open <= 0 {
			return nil
		}
		ranked, err := eng.For(ctx, n, o.Candidates, now)
		if err != nil {
			return err
		}
		// Keep only what can be proposed, and one copy of each offer:
		// at 100k people the candidates of every need are held until
		// the assignment, and each came with its own copy of the offer.
		// The share is of the best candidate that may still be proposed:
		// one declined, already under way or with no room left is no
		// yardstick.
		best := 0.0
		for _, r := range ranked {
			if a.Problem.OfferCap[r.Posting.ID] > 0 && !slices.Contains(g.exclude, matcher.Pair{NeedID: n.ID, OfferID: r.Posting.ID}) {
				best = r.Score
				break
			}
		}
		for _, r := range ranked {
			if !matcher.Proposable(r, o.MinScore) || r.Score < o.Relative*best {
				continue
			}
			r.Posting = offers.intern(r.Posting)
			g.ranked = append(g.ranked, r)
		}
		return nil
	}
	start := time.Now()
	if err := parallel(ctx, len(needs), gather); err != nil {
		return nil, fmt.Errorf("digest: assign: %w", err)
	}
	for i, n := range needs {
		a.needs[n.ID] = n
		g := got[i]
		for _, k := range g.exclude {
			a.Problem.Exclude[k] = true
		}
		a.Problem.NeedCap[n.ID] = max(0, o.PerNeed-g.open)
		if a.Problem.NeedCap[n.ID] == 0 {
			continue
		}
		for _, r := range g.ranked {
			k := matcher.Pair{NeedID: n.ID, OfferID: r.Posting.ID}
			a.ranked[k] = r
			a.Problem.Arcs = append(a.Problem.Arcs, matcher.Arc{NeedID: n.ID, OfferID: r.Posting.ID, Score: r.Score})
		}
	}
	a.Gather = time.Since(start)
	start = time.Now()
	a.Proposed = matcher.Assign(a.Problem)
	a.Greedy = matcher.Greedy(a.Problem)
	one := a.Problem
	one.NeedCap = map[uint64]int{}
	for id, c := range a.Problem.NeedCap {
		one.NeedCap[id] = min(c, 1)
	}
	a.OnePerNeed = matcher.Assign(one)
	a.Solve = time.Since(start)
	return a, nil
}

// Store writes the proposals as matches proposed by the engine, each with
// its breakdown and an audit event. A pair that became impossible since
// planning (declined, matched, closed) is skipped, not an error.
func (a *Assignment) Store(ctx context.Context, st Store, now time.Time) (created int, err error) {
	var ms []*saperi.Match
	var evs []saperi.Event
	for _, arc := range a.Proposed {
		k := matcher.Pair{NeedID: arc.NeedID, OfferID: arc.OfferID}
		r := a.ranked[k]
		m, err := saperi.NewMatch(a.needs[arc.NeedID], r.Posting, r.Scored(), saperi.ByEngine, "engine", now)
		if err != nil {
			continue
		}
		ms = append(ms, m)
		evs = append(evs, saperi.Event{At: now, Actor: "engine", Action: "match.propose", OnBehalfOf: a.needs[arc.NeedID].ProfileID,
			Detail: "weekly assignment"})
	}
	_, err = st.CreateMatches(ctx, ms, evs)
	for _, m := range ms {
		if m.ID != 0 {
			created++
		}
	}
	if err != nil {
		return created, fmt.Errorf("digest: store proposals: %w", err)
	}
	return created, nil
}

// parallel runs fn(0..n-1) on GOMAXPROCS workers and returns the first
// error (the others stop taking work), or ctx's error once it is done.
func parallel(ctx context.Context, n int, fn func(i int) error) error {
	var (
		next    atomic.Int64
		wg      sync.WaitGroup
		errOnce sync.Once
		first   error
	)
	fail := func(err error) { errOnce.Do(func() { first = err }) }
	var failed atomic.Bool
	for range min(runtime.GOMAXPROCS(0), max(n, 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !failed.Load() {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				if err := ctx.Err(); err != nil {
					fail(err)
					failed.Store(true)
					return
				}
				if err := fn(i); err != nil {
					fail(err)
					failed.Store(true)
					return
				}
			}
		}()
	}
	wg.Wait()
	return first
}

// postingSet keeps one copy of each posting by id; safe for concurrent use.
type postingSet struct {
	mu sync.Mutex
	m  map[uint64]*saperi.Posting
}

func (s *postingSet) intern(p *saperi.Posting) *saperi.Posting {
	s.mu.Lock()
	defer s.mu.Unlock()
	if q, ok := s.m[p.ID]; ok {
		return q
	}
	s.m[p.ID] = p
	return p
}
