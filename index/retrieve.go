package index

import (
	"context"
	"fmt"
	"strconv"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/saperi/saperi/matcher"
)

// Field boosts for retrieval: a word in the title says more about a post
// than one in its description; tags are chosen words, in between.
const (
	boostTitle       = 2.0
	boostDescription = 1.0
	boostTags        = 1.5
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

	// Text: every term against every text field, summed (BM25).
	var should []query.Query
	for _, term := range terms {
		should = append(should,
			termQ(fTitle, term, boostTitle),
			termQ(fDescription, term, boostDescription),
			termQ(fTags, term, boostTags))
	}
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
