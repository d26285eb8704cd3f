package matcher

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

// randomProblem builds a small random assignment with some exclusions.
func randomProblem(r *rand.Rand, needs, offers, arcs int) Problem {
	p := Problem{OfferCap: map[uint64]int{}, NeedCap: map[uint64]int{}, Exclude: map[Pair]bool{}}
	for i := 1; i <= needs; i++ {
		p.NeedCap[uint64(i)] = r.IntN(3)
	}
	for i := 1; i <= offers; i++ {
		p.OfferCap[uint64(100+i)] = r.IntN(3)
	}
	for i := 0; i < arcs; i++ {
		a := Arc{NeedID: uint64(1 + r.IntN(needs)), OfferID: uint64(101 + r.IntN(offers)), Score: math.Round(r.Float64()*1000) / 1000}
		p.Arcs = append(p.Arcs, a)
		if r.IntN(6) == 0 {
			p.Exclude[Pair{a.NeedID, a.OfferID}] = true
		}
	}
	return p
}

// feasible checks the capacities, exclusions and uniqueness of pairs.
func feasible(t *testing.T, p Problem, got []Arc) {
	t.Helper()
	perOffer, perNeed := map[uint64]int{}, map[uint64]int{}
	seen := map[Pair]bool{}
	for _, a := range got {
		k := Pair{a.NeedID, a.OfferID}
		if p.Exclude[k] {
			t.Fatalf("excluded pair %v proposed", k)
		}
		if seen[k] {
			t.Fatalf("pair %v proposed twice", k)
		}
		seen[k] = true
		perOffer[a.OfferID]++
		perNeed[a.NeedID]++
	}
	for id, n := range perOffer {
		if n > p.OfferCap[id] {
			t.Fatalf("offer %d: %d proposals over capacity %d", id, n, p.OfferCap[id])
		}
	}
	for id, n := range perNeed {
		if n > p.NeedCap[id] {
			t.Fatalf("need %d: %d proposals over cap %d", id, n, p.NeedCap[id])
		}
	}
}

// bruteForce finds the best total by trying every subset of usable arcs.
func bruteForce(p Problem) float64 {
	arcs := usable(p)
	best := 0.0
	for mask := 0; mask < 1<<len(arcs); mask++ {
		var pick []Arc
		for i := range arcs {
			if mask&(1<<i) != 0 {
				pick = append(pick, arcs[i])
			}
		}
		ok := true
		perOffer, perNeed := map[uint64]int{}, map[uint64]int{}
		for _, a := range pick {
			perOffer[a.OfferID]++
			perNeed[a.NeedID]++
			if perOffer[a.OfferID] > p.OfferCap[a.OfferID] || perNeed[a.NeedID] > p.NeedCap[a.NeedID] {
				ok = false
				break
			}
		}
		if ok && Total(pick) > best {
			best = Total(pick)
		}
	}
	return best
}

func TestAssignProperties(t *testing.T) {
	for seed := uint64(1); seed <= 300; seed++ {
		r := rand.New(rand.NewPCG(seed, 7))
		p := randomProblem(r, 1+r.IntN(5), 1+r.IntN(5), r.IntN(13))
		got := Assign(p)
		feasible(t, p, got)

		// Deterministic and independent of the order of the arcs.
		if again := Assign(p); !reflect.DeepEqual(got, again) {
			t.Fatalf("seed %d: not deterministic: %v then %v", seed, got, again)
		}
		shuffled := p
		shuffled.Arcs = append([]Arc(nil), p.Arcs...)
		r.Shuffle(len(shuffled.Arcs), func(i, j int) { shuffled.Arcs[i], shuffled.Arcs[j] = shuffled.Arcs[j], shuffled.Arcs[i] })
		if perm := Assign(shuffled); !reflect.DeepEqual(got, perm) {
			t.Fatalf("seed %d: depends on arc order: %v vs %v", seed, got, perm)
		}

		// Optimal: as good as trying every subset, and never worse than greedy.
		if want := bruteForce(p); math.Abs(Total(got)-want) > 1e-9 {
			t.Fatalf("seed %d: total %.3f, best possible %.3f\nproblem %+v\ngot %v", seed, Total(got), want, p, got)
		}
		// With scores of any precision the costs are rounded to
		// thousandths: optimal to within half of one per arc chosen (by
		// either side).
		fine := p
		fine.Arcs = append([]Arc(nil), p.Arcs...)
		for i := range fine.Arcs {
			fine.Arcs[i].Score += r.Float64() / 1000
		}
		gotFine := Assign(fine)
		feasible(t, fine, gotFine)
		if want := bruteForce(fine); Total(gotFine) < want-float64(2*len(fine.Arcs))*0.5/scoreScale {
			t.Fatalf("seed %d: total %.6f, best possible %.6f", seed, Total(gotFine), want)
		}
		g := Greedy(p)
		feasible(t, p, g)
		if Total(g) > Total(got)+1e-9 {
			t.Fatalf("seed %d: greedy %.3f beats assignment %.3f", seed, Total(g), Total(got))
		}
	}
}

func TestAssignLarger(t *testing.T) {
	r := rand.New(rand.NewPCG(42, 42))
	p := randomProblem(r, 300, 120, 3000)
	got := Assign(p)
	feasible(t, p, got)
	if Total(got) < Total(Greedy(p)) {
		t.Fatalf("assignment %.3f below greedy %.3f", Total(got), Total(Greedy(p)))
	}
}

// TestAssignBeatsGreedy: Anna's need is served well by both offers, Bruno's
// only by the computer course. Greedy gives Anna the course and leaves
// Bruno with nothing; the assignment gives Anna the other offer.
func TestAssignBeatsGreedy(t *testing.T) {
	const anna, bruno, course, neighbour = 1, 2, 10, 11
	p := Problem{
		Arcs: []Arc{
			{NeedID: anna, OfferID: course, Score: 0.90},
			{NeedID: anna, OfferID: neighbour, Score: 0.80},
			{NeedID: bruno, OfferID: course, Score: 0.85},
		},
		OfferCap: map[uint64]int{course: 1, neighbour: 1},
		NeedCap:  map[uint64]int{anna: 1, bruno: 1},
	}
	g := Greedy(p)
	a := Assign(p)
	if math.Abs(Total(g)-0.90) > 1e-9 || len(g) != 1 {
		t.Fatalf("greedy = %v", g)
	}
	want := []Arc{{anna, neighbour, 0.80}, {bruno, course, 0.85}}
	if !reflect.DeepEqual(a, want) {
		t.Fatalf("assign = %v, want %v", a, want)
	}
}

func TestAssignSkipsExcludedAndFull(t *testing.T) {
	p := Problem{
		Arcs: []Arc{
			{NeedID: 1, OfferID: 10, Score: 0.9}, // declined
			{NeedID: 1, OfferID: 11, Score: 0.5}, // offer full
			{NeedID: 1, OfferID: 12, Score: 0},   // worthless
			{NeedID: 1, OfferID: 13, Score: 0.4},
		},
		OfferCap: map[uint64]int{10: 5, 11: 0, 12: 5, 13: 5},
		NeedCap:  map[uint64]int{1: 3},
		Exclude:  map[Pair]bool{{1, 10}: true},
	}
	if got := Assign(p); !reflect.DeepEqual(got, []Arc{{1, 13, 0.4}}) {
		t.Fatalf("assign = %v", got)
	}
}

func BenchmarkAssign(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	p := randomProblem(r, 1000, 1000, 10000)
	b.ResetTimer()
	for range b.N {
		Assign(p)
	}
}
