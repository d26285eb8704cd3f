package index

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/matcher"
)

// maxQueryTerms caps the distinct terms taken from the target: enough for
// the title, tags and the start of a long description, few enough to keep
// a query over a million postings interactive.
const maxQueryTerms = 64

// Retrieval limits.
const (
	defaultLimit = 50
	maxLimit     = 1000
)

// Retrieve returns up to q.Limit postings of q.Kind that could answer
// q.Target, best first by BM25 relevance. It implements matcher.Retriever.
//
// The hard filters (open, not expired, another owner, not excluded, within
// reach) are applied here as non-scoring filters, so the score is text
// relevance only. A target whose text analyses to nothing has no
// candidates.
func (ix *Index) Retrieve(ctx context.Context, q matcher.Query) ([]matcher.Hit, error) {
	if q.Target == nil {
		return nil, saperi.Errorf(saperi.EINVALID, "error.retrieve.target", "retrieve: no target posting")
	}
	bq := ix.retrieveQuery(q)
	if bq == nil {
		return []matcher.Hit{}, nil
	}
	limit := q.Limit
	if limit <= 0 {
		limit = defaultLimit
	}
	limit = min(limit, maxLimit)
	req := bleve.NewSearchRequestOptions(bq, limit, 0, false)
	req.SortBy([]string{"-_score", "_id"})
	res, err := ix.search(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("index: retrieve for %d: %w", q.Target.ID, err)
	}
	return hits(res.Hits)
}

// retrieveQuery builds the query for q, or nil when the target has no
// searchable words.
func (ix *Index) retrieveQuery(q matcher.Query) query.Query {
	t := q.Target
	terms := ix.targetTerms(t)
	concepts := ix.conceptQs(t)
	if len(terms) == 0 && len(concepts) == 0 {
		return nil
	}

	// Text: every term against every text field, summed (BM25); then the
	// thesaurus expansions and the spelling neighbours of unknown words,
	// each at its lower weight.
	//
	// Words that a large share of postings contain ("pomeriggio",
	// "settimana") weigh little in BM25 but would make the search visit
	// most of the index: they are left to ranking, which counts them in
	// the coverage of the target's words (see commonTerms).
	st := ix.termStats(terms)
	common := ix.commonTerms(terms, st)
	var must []query.Query
	for _, term := range terms {
		if !common[term] {
			must = append(must, ix.fieldsQ(term, 1))
		}
	}
	for _, e := range expand(ix.layers(), terms) {
		if !allIn(common, strings.Fields(e.source)) {
			must = append(must, ix.exprQ(e.terms, e.weight))
		}
	}
	must = append(must, ix.fuzzyQs(terms, st)...)
	must = append(must, concepts...)

	kind := q.Kind
	if kind == "" {
		kind = t.Kind.Opposite()
	}
	filters := []query.Query{
		termQ(fKind, string(kind), 1),
		termQ(fStatus, string(saperi.Open), 1),
		after(fExpires, float64(q.Now.Unix())),
	}
	if reach := reachQuery(t); reach != nil {
		filters = append(filters, reach)
	}

	var mustNot []query.Query
	if t.ProfileID != 0 {
		mustNot = append(mustNot, termQ(fOwner, strconv.FormatUint(t.ProfileID, 10), 1))
	}
	excl := make([]string, 0, len(q.Exclude)+1)
	for _, id := range q.Exclude {
		excl = append(excl, docID(id))
	}
	if t.ID != 0 {
		excl = append(excl, docID(t.ID))
	}
	if len(excl) > 0 {
		mustNot = append(mustNot, bleve.NewDocIDQuery(excl))
	}

	bq := bleve.NewBooleanQuery()
	bq.AddMust(bleve.NewDisjunctionQuery(must...))
	bq.AddFilter(bleve.NewConjunctionQuery(filters...))
	if len(mustNot) > 0 {
		bq.AddMustNot(mustNot...)
	}
	return bq
}

// conceptQs matches the target's concepts in the concepts field: each at
// Options.ConceptWeight times how surely the target is about it, its
// broader and narrower concepts at half that.
func (ix *Index) conceptQs(t *saperi.Posting) []query.Query {
	cs := ix.lex().concepts
	if cs == nil {
		return nil
	}
	w := ix.opts.ConceptWeight
	tags := ix.tag(t.Title, t.Tags, t.Description, strings.ToLower(strings.TrimSpace(t.Category)), postingLangs(t))
	boost := map[string]float64{}
	raise := func(id string, b float64) { boost[id] = max(boost[id], b) }
	for _, tg := range tags {
		b := w * tg.strength
		raise(tg.c.ID, b)
		if tg.c.Parent != "" {
			raise(tg.c.Parent, b/2)
		}
		for _, ch := range tg.c.children {
			raise(ch, b/2)
		}
	}
	var out []query.Query
	for _, id := range slices.Sorted(maps.Keys(boost)) {
		out = append(out, termQ(fConcepts, id, boost[id]))
	}
	return out
}

// fieldsQ matches term in any text field, each with its boost times w.
func (ix *Index) fieldsQ(term string, w float64) query.Query {
	o := ix.opts
	return bleve.NewDisjunctionQuery(
		termQ(fTitle, term, o.BoostTitle*w),
		termQ(fDescription, term, o.BoostDescription*w),
		termQ(fTags, term, o.BoostTags*w))
}

// exprQ matches an expression of several terms when all of them occur
// (in any text field), its weight shared among them so a long expression
// does not outweigh a short one.
func (ix *Index) exprQ(e expr, w float64) query.Query {
	if len(e) == 1 {
		return ix.fieldsQ(e[0], w)
	}
	parts := make([]query.Query, len(e))
	for i, t := range e {
		parts[i] = ix.fieldsQ(t, w/float64(len(e)))
	}
	return bleve.NewConjunctionQuery(parts...)
}

// Typo tolerance: only words of at least fuzzyMinLen letters that no
// posting's title or description contains get spelling neighbours, at most
// fuzzyMaxTerms of them per query; edit distance 1, or 2 from
// fuzzyTwoEdits letters. Known words are never widened, so "casa" does not
// start matching "cassa".
const (
	fuzzyMinLen   = 5
	fuzzyTwoEdits = 9
	fuzzyMaxTerms = 3
)

// fuzzyQs returns the spelling-neighbour queries for the unknown words
// among terms.
func (ix *Index) fuzzyQs(terms []string, st termStats) []query.Query {
	w := ix.opts.FuzzyWeight
	if w <= 0 {
		return nil
	}
	var cand []string
	for _, t := range terms {
		if len(t) >= fuzzyMinLen {
			cand = append(cand, t)
		}
	}
	if len(cand) == 0 {
		return nil
	}
	var out []query.Query
	for _, t := range cand {
		if st.known(t) || len(out) >= fuzzyMaxTerms {
			continue
		}
		fuzz := 1
		if len(t) >= fuzzyTwoEdits {
			fuzz = 2
		}
		for _, f := range []struct {
			field string
			boost float64
		}{{fTitle, ix.opts.BoostTitle}, {fDescription, ix.opts.BoostDescription}} {
			fq := bleve.NewFuzzyQuery(t)
			fq.SetField(f.field)
			fq.SetFuzziness(fuzz)
			fq.SetPrefix(1) // a typo rarely hits the first letter; keeps the scan small
			fq.SetBoost(f.boost * w)
			out = append(out, fq)
		}
	}
	return out
}

// termStats holds, for each term of a query, in how many postings it
// occurs in the title and in the description, and the number of postings.
// Without an index reader (ok false) every term counts as known and none
// as common, which only turns typo tolerance and the common-word split
// off.
type termStats struct {
	ok          bool
	docs        uint64
	title, desc map[string]uint64
}

func (st termStats) known(t string) bool { return !st.ok || st.title[t] > 0 || st.desc[t] > 0 }

// df is about how many postings contain t in title or description.
func (st termStats) df(t string) uint64 { return max(st.title[t], st.desc[t]) }

func (ix *Index) termStats(terms []string) termStats {
	st := termStats{title: make(map[string]uint64, len(terms)), desc: make(map[string]uint64, len(terms))}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.idx == nil {
		return st
	}
	adv, err := ix.idx.Advanced()
	if err != nil {
		return st
	}
	r, err := adv.Reader()
	if err != nil {
		return st
	}
	defer r.Close()
	if st.docs, err = r.DocCount(); err != nil {
		return st
	}
	count := func(t, field string) (uint64, bool) {
		tfr, err := r.TermFieldReader(context.Background(), []byte(t), field, false, false, false)
		if err != nil {
			return 0, false
		}
		defer tfr.Close()
		return tfr.Count(), true
	}
	for _, t := range terms {
		var ok1, ok2 bool
		st.title[t], ok1 = count(t, fTitle)
		st.desc[t], ok2 = count(t, fDescription)
		if !ok1 || !ok2 {
			return termStats{}
		}
	}
	st.ok = true
	return st
}

// commonTerms returns the terms of a query that occur in more than
// Options.CommonShare of the postings (and at least CommonMin of them).
// Such a word adds little to BM25 (its rarity weight is low) and a
// posting that shares nothing else with the target is a poor candidate,
// so retrieval starts from the other words and scores the common ones
// only on what they found. When every term is common, none is: a target
// written only in everyday words still gets candidates.
func (ix *Index) commonTerms(terms []string, st termStats) map[string]bool {
	share, least := ix.opts.CommonShare, ix.opts.CommonMin
	if !st.ok || share <= 0 {
		return nil
	}
	cut := max(uint64(share*float64(st.docs)), uint64(least))
	out := map[string]bool{}
	for _, t := range terms {
		if st.df(t) > cut {
			out[t] = true
		}
	}
	if len(out) == len(terms) {
		return nil
	}
	return out
}

// allIn reports whether every one of ts is in set (and there is one).
func allIn(set map[string]bool, ts []string) bool {
	for _, t := range ts {
		if !set[t] {
			return false
		}
	}
	return len(ts) > 0
}

// targetTerms returns the distinct terms of the target's title, tags and
// description, in that order, at most maxQueryTerms.
func (ix *Index) targetTerms(t *saperi.Posting) []string {
	seen := map[string]bool{}
	var out []string
	add := func(text string) {
		for _, term := range ix.an.terms(text) {
			if len(out) < maxQueryTerms && !seen[term] {
				seen[term] = true
				out = append(out, term)
			}
		}
	}
	add(t.Title)
	for _, tag := range t.Tags {
		add(tag)
	}
	add(t.Description)
	return out
}

// reachQuery restricts candidates to those the target can meet, as
// saperi.Reachable does, or returns nil when anything goes:
//
//   - remote target: candidates that work remotely (remote or either);
//   - in-person target: in-person candidates (in_person or either) near
//     it: within the target's maximum distance of its point when it has
//     one (or, lacking a point of their own, in its area), else in its
//     area; with neither point nor area, any in-person candidate;
//   - either: the union of the two.
//
// The candidate's own maximum distance is not known to the query; the
// engine re-checks reach against the store.
func reachQuery(t *saperi.Posting) query.Query {
	remote := modes(saperi.Remote, saperi.Either)
	inPerson := query.Query(modes(saperi.InPerson, saperi.Either))
	if near := nearQuery(t); near != nil {
		inPerson = bleve.NewConjunctionQuery(inPerson, near)
	}
	switch t.Mode {
	case saperi.Remote:
		return remote
	case saperi.Either:
		return bleve.NewDisjunctionQuery(remote, inPerson)
	default:
		return inPerson
	}
}

// nearQuery is the place part of in-person reach, or nil when the target
// has neither point nor area. A point's radius is a union of quadtree
// squares (see geo.go).
func nearQuery(t *saperi.Posting) query.Query {
	area := normArea(t.Area)
	var sameArea query.Query
	if area != "" {
		sameArea = termQ(fArea, area, 1)
	}
	if t.Point == nil {
		return sameArea
	}
	var near query.Query = bleve.NewMatchNoneQuery()
	if cells, _ := cover(t.Point.Approx(), t.RadiusKm()); len(cells) > 0 {
		qs := make([]query.Query, len(cells))
		for i, c := range cells {
			qs[i] = termQ(fCell, c, 1)
		}
		near = bleve.NewDisjunctionQuery(qs...)
	}
	if sameArea == nil {
		return near
	}
	unlocated := bleve.NewBoolFieldQuery(false)
	unlocated.SetField(fLocated)
	return bleve.NewDisjunctionQuery(near, bleve.NewConjunctionQuery(sameArea, unlocated))
}

func modes(ms ...saperi.Mode) *query.DisjunctionQuery {
	qs := make([]query.Query, len(ms))
	for i, m := range ms {
		qs[i] = termQ(fMode, string(m), 1)
	}
	return bleve.NewDisjunctionQuery(qs...)
}

func termQ(field, term string, boost float64) *query.TermQuery {
	tq := bleve.NewTermQuery(term)
	tq.SetField(field)
	if boost != 1 {
		tq.SetBoost(boost)
	}
	return tq
}

// after matches numeric field values above v; upTo those at or below it.
func after(field string, v float64) *query.NumericRangeQuery {
	no := false
	nq := bleve.NewNumericRangeInclusiveQuery(&v, nil, &no, nil)
	nq.SetField(field)
	return nq
}

func upTo(field string, v float64) *query.NumericRangeQuery {
	yes := true
	nq := bleve.NewNumericRangeInclusiveQuery(nil, &v, nil, &yes)
	nq.SetField(field)
	return nq
}
