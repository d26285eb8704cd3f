package matcher

import (
	"math"
	"sort"
)

// Arc is a candidate proposal for the weekly assignment: offer OfferID for
// need NeedID, worth Score (the engine's score in [0,1]).
type Arc struct {
	NeedID  uint64
	OfferID uint64
	Score   float64
}

// Pair is a need and an offer, in that order.
type Pair struct{ NeedID, OfferID uint64 }

// Problem is one week's assignment: the candidate arcs gathered from the
// engine, how many more proposals each offer and each need may take (a
// missing id may take none), and the pairs that must never be proposed
// (declined before, or already in an active match).
type Problem struct {
	Arcs     []Arc
	OfferCap map[uint64]int
	NeedCap  map[uint64]int
	Exclude  map[Pair]bool
}

// scoreScale turns scores into the integer costs of the flow network.
// Integer costs make the result deterministic (no float ties broken by
// rounding noise). A thousandth is below any difference a person could
// read in a score, and it is what makes a city-wide run fast: each round
// of the solver pushes flow along every shortest path of the same cost,
// and with costs in thousandths many paths share one (at 1e-6 nearly
// every path had its own round: 8,000 people took 32 s, not 1). The total
// is optimal to within half a thousandth per proposal.
const scoreScale = 1e3

// Assign returns the set of arcs that maximises the total score subject to
// the capacities: each offer in at most OfferCap proposals, each need in at
// most NeedCap, each pair at most once, no excluded pair, no arc with a
// non-positive score. It is a min-cost flow (source → need → offer → sink,
// costs −score) solved by successive shortest paths with potentials,
// stopping when no augmenting path has a negative cost, i.e. when adding a
// proposal would no longer raise the total. Connected components are solved
// separately: proposals are local, so the components are small.
//
// The result is sorted by need then offer and depends only on the set of
// arcs, capacities and exclusions, not on their order (duplicates keep the
// highest score).
func Assign(p Problem) []Arc {
	arcs := usable(p)
	out := []Arc{}
	for _, comp := range components(arcs) {
		out = append(out, solve(comp, p)...)
	}
	sortArcs(out)
	return out
}

// Greedy is the baseline Assign improves on: needs in id order each take
// their single best arc whose offer still has capacity (ties by offer id).
func Greedy(p Problem) []Arc {
	arcs := usable(p)
	left := map[uint64]int{}
	for id, n := range p.OfferCap {
		left[id] = n
	}
	out := []Arc{}
	for i := 0; i < len(arcs); {
		j := i
		for j < len(arcs) && arcs[j].NeedID == arcs[i].NeedID {
			j++
		}
		best := -1
		if p.NeedCap[arcs[i].NeedID] > 0 {
			for k := i; k < j; k++ {
				if left[arcs[k].OfferID] > 0 && (best < 0 || arcs[k].Score > arcs[best].Score) {
					best = k
				}
			}
		}
		if best >= 0 {
			left[arcs[best].OfferID]--
			out = append(out, arcs[best])
		}
		i = j
	}
	return out
}

// Total is the sum of the arcs' scores.
func Total(arcs []Arc) float64 {
	t := 0.0
	for _, a := range arcs {
		t += a.Score
	}
	return t
}

// usable drops excluded, worthless and uncapacitated arcs, keeps the best
// of duplicates, and sorts by need then offer.
func usable(p Problem) []Arc {
	best := map[Pair]float64{}
	for _, a := range p.Arcs {
		k := Pair{a.NeedID, a.OfferID}
		if p.Exclude[k] || !(a.Score > 0) || math.IsInf(a.Score, 0) || p.OfferCap[a.OfferID] <= 0 || p.NeedCap[a.NeedID] <= 0 {
			continue
		}
		if s, ok := best[k]; !ok || a.Score > s {
			best[k] = a.Score
		}
	}
	out := make([]Arc, 0, len(best))
	for k, s := range best {
		out = append(out, Arc{NeedID: k.NeedID, OfferID: k.OfferID, Score: s})
	}
	sortArcs(out)
	return out
}

func sortArcs(a []Arc) {
	sort.Slice(a, func(i, j int) bool {
		if a[i].NeedID != a[j].NeedID {
			return a[i].NeedID < a[j].NeedID
		}
		return a[i].OfferID < a[j].OfferID
	})
}

// components splits sorted arcs into connected components of the
// need–offer graph, each still sorted, in order of their first arc.
func components(arcs []Arc) [][]Arc {
	parent := map[uint64]uint64{} // needs as 2id, offers as 2id+1
	var find func(x uint64) uint64
	find = func(x uint64) uint64 {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	add := func(x uint64) {
		if _, ok := parent[x]; !ok {
			parent[x] = x
		}
	}
	for _, a := range arcs {
		n, o := 2*a.NeedID, 2*a.OfferID+1
		add(n)
		add(o)
		rn, ro := find(n), find(o)
		if rn != ro {
			if rn < ro {
				parent[ro] = rn
			} else {
				parent[rn] = ro
			}
		}
	}
	idx := map[uint64]int{}
	var out [][]Arc
	for _, a := range arcs {
		r := find(2 * a.NeedID)
		i, ok := idx[r]
		if !ok {
			i = len(out)
			idx[r] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], a)
	}
	return out
}

// edge of the residual network; rev is the index of the reverse edge in
// the adjacency list of to.
type edge struct {
	to, rev int
	cap     int
	cost    int64
	arc     int // index into the component's arcs for need→offer edges, else -1
}

type network struct {
	adj [][]edge
}

func (g *network) add(from, to, cap int, cost int64, arc int) {
	g.adj[from] = append(g.adj[from], edge{to: to, rev: len(g.adj[to]), cap: cap, cost: cost, arc: arc})
	g.adj[to] = append(g.adj[to], edge{to: from, rev: len(g.adj[from]) - 1, cap: 0, cost: -cost, arc: -1})
}

// solve runs min-cost flow on one component.
func solve(arcs []Arc, p Problem) []Arc {
	// Nodes: 0 source, 1 sink, then needs and offers in id order.
	var needs, offers []uint64
	seenN, seenO := map[uint64]bool{}, map[uint64]bool{}
	for _, a := range arcs {
		if !seenN[a.NeedID] {
			seenN[a.NeedID] = true
			needs = append(needs, a.NeedID)
		}
		if !seenO[a.OfferID] {
			seenO[a.OfferID] = true
			offers = append(offers, a.OfferID)
		}
	}
	sort.Slice(needs, func(i, j int) bool { return needs[i] < needs[j] })
	sort.Slice(offers, func(i, j int) bool { return offers[i] < offers[j] })
	node := map[uint64]int{}
	for i, id := range needs {
		node[2*id] = 2 + i
	}
	for i, id := range offers {
		node[2*id+1] = 2 + len(needs) + i
	}
	n := 2 + len(needs) + len(offers)
	g := &network{adj: make([][]edge, n)}
	for _, id := range needs {
		g.add(0, node[2*id], p.NeedCap[id], 0, -1)
	}
	for i, a := range arcs {
		g.add(node[2*a.NeedID], node[2*a.OfferID+1], 1, -int64(math.Round(a.Score*scoreScale)), i)
	}
	for _, id := range offers {
		g.add(node[2*id+1], 1, p.OfferCap[id], 0, -1)
	}

	// Initial potentials: the network is a DAG (source → needs → offers →
	// sink), so shortest distances are one relaxation per layer.
	const inf = math.MaxInt64 / 4
	pot := make([]int64, n)
	for i := range pot {
		pot[i] = inf
	}
	pot[0] = 0
	for _, id := range needs {
		pot[node[2*id]] = 0
	}
	for u := 2; u < 2+len(needs); u++ {
		for _, e := range g.adj[u] {
			if e.cap > 0 && e.arc >= 0 && pot[u]+e.cost < pot[e.to] {
				pot[e.to] = pot[u] + e.cost
			}
		}
	}
	for _, id := range offers {
		if v := pot[node[2*id+1]]; v < pot[1] {
			pot[1] = v
		}
	}

	dist := make([]int64, n)
	prevNode := make([]int, n)
	prevEdge := make([]int, n)
	for {
		// Dijkstra on reduced costs, ties broken by node number.
		for i := range dist {
			dist[i] = inf
			prevNode[i] = -1
		}
		dist[0] = 0
		h := nodeHeap{{0, 0}}
		for len(h) > 0 {
			it := h.pop()
			if it.d != dist[it.n] {
				continue
			}
			u := it.n
			if u == 1 {
				// Nodes not settled yet are at least as far as the
				// sink; the potential update below treats them so.
				break
			}
			for i, e := range g.adj[u] {
				if e.cap <= 0 || pot[e.to] >= inf {
					continue
				}
				nd := dist[u] + e.cost + pot[u] - pot[e.to]
				if nd < dist[e.to] {
					dist[e.to] = nd
					prevNode[e.to] = u
					prevEdge[e.to] = i
					h.push(heapItem{nd, e.to})
				}
			}
		}
		if dist[1] >= inf {
			break
		}
		// Capping at the sink's distance keeps every reduced cost
		// non-negative, also for nodes this round did not reach.
		for i := range pot {
			if pot[i] < inf {
				pot[i] += min(dist[i], dist[1])
			}
		}
		// pot[1] is now the true cost of the cheapest augmenting path:
		// stop once it would not raise the total score.
		if pot[1]-pot[0] >= 0 {
			break
		}
		// Augment along every path of zero reduced cost (all of them cost
		// the same, pot[1]-pot[0]) before the next Dijkstra.
		g.blocking(pot, inf)
	}
	out := []Arc{}
	for u := 2; u < 2+len(needs); u++ {
		for _, e := range g.adj[u] {
			if e.arc >= 0 && e.cap == 0 {
				out = append(out, arcs[e.arc])
			}
		}
	}
	return out
}

// blocking pushes unit flows from the source to the sink along edges of
// zero reduced cost until a depth-first search finds no more, advancing a
// per-node edge cursor past edges that led nowhere.
func (g *network) blocking(pot []int64, inf int64) {
	n := len(g.adj)
	next := make([]int, n)
	seen := make([]int, n)
	stamp := 0
	var dfs func(u int) bool
	dfs = func(u int) bool {
		if u == 1 {
			return true
		}
		seen[u] = stamp
		for ; next[u] < len(g.adj[u]); next[u]++ {
			e := &g.adj[u][next[u]]
			if e.cap <= 0 || pot[e.to] >= inf || e.cost+pot[u]-pot[e.to] != 0 {
				continue
			}
			if seen[e.to] != stamp && dfs(e.to) {
				e.cap--
				g.adj[e.to][e.rev].cap++
				return true
			}
		}
		return false
	}
	for {
		stamp++
		if !dfs(0) {
			return
		}
	}
}

type heapItem struct {
	d int64
	n int
}

// nodeHeap is a binary min-heap of (distance, node), ties by node.
type nodeHeap []heapItem

func (h nodeHeap) less(i, j int) bool {
	if h[i].d != h[j].d {
		return h[i].d < h[j].d
	}
	return h[i].n < h[j].n
}

func (h *nodeHeap) push(it heapItem) {
	*h = append(*h, it)
	a := *h
	for i := len(a) - 1; i > 0; {
		p := (i - 1) / 2
		if !a.less(i, p) {
			break
		}
		a[i], a[p] = a[p], a[i]
		i = p
	}
}

func (h *nodeHeap) pop() heapItem {
	a := *h
	top := a[0]
	last := len(a) - 1
	a[0] = a[last]
	a = a[:last]
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(a) && a.less(l, m) {
			m = l
		}
		if r < len(a) && a.less(r, m) {
			m = r
		}
		if m == i {
			break
		}
		a[i], a[m] = a[m], a[i]
		i = m
	}
	*h = a
	return top
}
