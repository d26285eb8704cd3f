package index

import (
	"context"
	"fmt"
	"strconv"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

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
		return nil, matcher.Errorf(matcher.EINVALID, "error.retrieve.target", "retrieve: no target posting")
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
	if len(terms) == 0 {
		return nil
	}

	// Text: every term against every text field, summed (BM25); then the
	// thesaurus expansions and the spelling neighbours of unknown words,
	// each at its lower weight.
	var should []query.Query
	for _, term := range terms {
		should = append(should, ix.fieldsQ(term, 1))
	}
	for _, e := range expand(ix.layers(), terms) {
		should = append(should, ix.exprQ(e.terms, e.weight))
	}
	should = append(should, ix.fuzzyQs(terms)...)
	text := bleve.NewDisjunctionQuery(should...)

	kind := q.Kind
	if kind == "" {
		kind = t.Kind.Opposite()
	}
	filters := []query.Query{
		termQ(fKind, string(kind), 1),
		termQ(fStatus, string(matcher.Open), 1),
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
	bq.AddMust(text)
	bq.AddFilter(bleve.NewConjunctionQuery(filters...))
	if len(mustNot) > 0 {
		bq.AddMustNot(mustNot...)
	}
	return bq
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
func (ix *Index) fuzzyQs(terms []string) []query.Query {
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
	known := ix.known(cand)
	var out []query.Query
	for _, t := range cand {
		if known[t] || len(out) >= fuzzyMaxTerms {
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

// known reports which terms occur in some posting's title or description.
// On any error every term counts as known, which only turns typo
// tolerance off.
func (ix *Index) known(terms []string) map[string]bool {
	out := make(map[string]bool, len(terms))
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	all := func() map[string]bool {
		for _, t := range terms {
			out[t] = true
		}
		return out
	}
	if ix.idx == nil {
		return all()
	}
	adv, err := ix.idx.Advanced()
	if err != nil {
		return all()
	}
	r, err := adv.Reader()
	if err != nil {
		return all()
	}
	defer r.Close()
	for _, t := range terms {
		for _, f := range []string{fTitle, fDescription} {
			tfr, err := r.TermFieldReader(context.Background(), []byte(t), f, false, false, false)
			if err != nil {
				out[t] = true
				break
			}
			n := tfr.Count()
			_ = tfr.Close()
			if n > 0 {
				out[t] = true
				break
			}
		}
	}
	return out
}

// targetTerms returns the distinct terms of the target's title, tags and
// description, in that order, at most maxQueryTerms.
func (ix *Index) targetTerms(t *matcher.Posting) []string {
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
// matcher.Reachable does, or returns nil when anything goes:
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
func reachQuery(t *matcher.Posting) query.Query {
	remote := modes(matcher.Remote, matcher.Either)
	inPerson := query.Query(modes(matcher.InPerson, matcher.Either))
	if near := nearQuery(t); near != nil {
		inPerson = bleve.NewConjunctionQuery(inPerson, near)
	}
	switch t.Mode {
	case matcher.Remote:
		return remote
	case matcher.Either:
		return bleve.NewDisjunctionQuery(remote, inPerson)
	default:
		return inPerson
	}
}

// nearQuery is the place part of in-person reach, or nil when the target
// has neither point nor area.
func nearQuery(t *matcher.Posting) query.Query {
	area := normArea(t.Area)
	var sameArea query.Query
	if area != "" {
		sameArea = termQ(fArea, area, 1)
	}
	if t.Point == nil {
		return sameArea
	}
	r := t.MaxDistanceKm
	if r <= 0 {
		r = matcher.DefaultMaxDistanceKm
	}
	gq := bleve.NewGeoDistanceQuery(t.Point.Lon, t.Point.Lat, strconv.FormatFloat(r, 'f', -1, 64)+"km")
	gq.SetField(fPoint)
	if sameArea == nil {
		return gq
	}
	unlocated := bleve.NewBoolFieldQuery(false)
	unlocated.SetField(fLocated)
	return bleve.NewDisjunctionQuery(gq, bleve.NewConjunctionQuery(sameArea, unlocated))
}

func modes(ms ...matcher.Mode) *query.DisjunctionQuery {
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
