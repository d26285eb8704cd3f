package index

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/matcher"
)

// SearchFilter narrows a Search; see saperi.SearchFilter. Size defaults
// to 20, at most 100.
type SearchFilter = saperi.SearchFilter

// Search serves a search box: text is plain words, never query syntax
// ("title:x +y AND (" are just words). A posting matches when it contains
// any word of text (after analysis) in the title, description or tags,
// and postings are ranked by relevance, those with more of the words
// first: "aiuto spesa anziana" finds what matches any of them, best
// first, rather than nothing when no posting has all three. Empty text
// lists all postings that pass the filter, newest first. It returns one
// page of hits and the total number of matches.
//
// Status is as of now: an open or paused posting past its expiry counts
// as expired, as saperi.Posting.StatusAt says.
func (ix *Index) Search(ctx context.Context, text string, f SearchFilter) ([]matcher.Hit, uint64, error) {
	size := f.Size
	if size <= 0 {
		size = 20
	}
	size = min(size, 100)
	from := max(f.From, 0)

	bq := bleve.NewBooleanQuery()
	terms := ix.an.terms(text)
	if len(terms) > 0 {
		// Any word may match, itself or through a one-word synonym (at
		// the lower synonym weight); a disjunction scores a posting by
		// the share of words it has, so more words rank higher.
		layers := ix.layers()
		words := make([]query.Query, 0, len(terms))
		for _, term := range terms {
			alts := []query.Query{ix.fieldsQ(term, 1)}
			for _, e := range expand(layers, []string{term}) {
				if len(e.terms) == 1 {
					alts = append(alts, ix.fieldsQ(e.terms[0], e.weight))
				}
			}
			words = append(words, bleve.NewDisjunctionQuery(alts...))
		}
		bq.AddMust(bleve.NewDisjunctionQuery(words...))
	}
	filters := ix.searchFilters(f)
	bq.AddFilter(bleve.NewConjunctionQuery(filters...))

	req := bleve.NewSearchRequestOptions(bq, size, from, false)
	if len(terms) > 0 {
		req.SortBy([]string{"-_score", "-" + fUpdated, "_id"})
	} else {
		req.SortBy([]string{"-" + fUpdated, "_id"})
	}
	res, err := ix.search(ctx, req)
	if err != nil {
		return nil, 0, fmt.Errorf("index: search: %w", err)
	}
	hs, err := hits(res.Hits)
	if err != nil {
		return nil, 0, err
	}
	return hs, res.Total, nil
}

// searchFilters returns the filter clauses for f; there is always one.
func (ix *Index) searchFilters(f SearchFilter) []query.Query {
	now := float64(ix.opts.Now().Unix())
	live, gone := after(fExpires, now), upTo(fExpires, now)
	var qs []query.Query
	switch st := f.Status; st {
	case "", saperi.Open, saperi.Paused:
		if st == "" {
			st = saperi.Open
		}
		qs = append(qs, termQ(fStatus, string(st), 1), live)
	case saperi.Expired:
		qs = append(qs, bleve.NewDisjunctionQuery(
			termQ(fStatus, string(saperi.Expired), 1),
			bleve.NewConjunctionQuery(
				bleve.NewDisjunctionQuery(termQ(fStatus, string(saperi.Open), 1), termQ(fStatus, string(saperi.Paused), 1)),
				gone)))
	default:
		qs = append(qs, termQ(fStatus, string(st), 1))
	}
	if f.Kind != "" {
		qs = append(qs, termQ(fKind, string(f.Kind), 1))
	}
	if c := strings.ToLower(strings.TrimSpace(f.Category)); c != "" {
		qs = append(qs, termQ(fCategory, c, 1))
	}
	if a := normArea(f.Area); a != "" {
		qs = append(qs, termQ(fArea, a, 1))
	}
	if f.HubID != 0 {
		qs = append(qs, termQ(fHub, strconv.FormatUint(f.HubID, 10), 1))
	}
	if f.HubIDs != nil {
		hubs := make([]query.Query, 0, len(f.HubIDs))
		for _, h := range f.HubIDs {
			hubs = append(hubs, termQ(fHub, strconv.FormatUint(h, 10), 1))
		}
		if len(hubs) == 0 {
			qs = append(qs, bleve.NewMatchNoneQuery())
		} else {
			qs = append(qs, bleve.NewDisjunctionQuery(hubs...))
		}
	}
	return qs
}

// search runs req on the current index, holding it against a swap. A
// panic inside bleve becomes an error: after a failed write (a full disk)
// scorch can keep a half-built segment in memory until the index is
// reopened (see Index.heal), and one bad search must not take the request
// down with it.
func (ix *Index) search(ctx context.Context, req *bleve.SearchRequest) (res *bleve.SearchResult, err error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.idx == nil {
		return nil, ErrClosed
	}
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, fmt.Errorf("index: search failed: %v", r)
		}
	}()
	return ix.idx.SearchInContext(ctx, req)
}

func hits(dm search.DocumentMatchCollection) ([]matcher.Hit, error) {
	out := make([]matcher.Hit, 0, len(dm))
	for _, h := range dm {
		id, err := strconv.ParseUint(h.ID, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("index: bad document id %q: %w", h.ID, err)
		}
		out = append(out, matcher.Hit{ID: id, Score: h.Score})
	}
	return out, nil
}

// Similar returns up to n postings (of any kind and status) whose text is
// nearest to text by BM25 over any of its words, best first: the
// neighbours whose categories vote in a category suggestion.
func (ix *Index) Similar(ctx context.Context, text string, n int) ([]matcher.Hit, error) {
	terms := ix.an.terms(text)
	if len(terms) == 0 || n <= 0 {
		return []matcher.Hit{}, nil
	}
	if len(terms) > maxQueryTerms {
		terms = terms[:maxQueryTerms]
	}
	// As in retrieval, words that a large share of the postings use find
	// no neighbour worth the name and would make the query visit most of
	// the index: they are left out while rarer words remain.
	common := ix.commonTerms(terms, ix.termStats(terms))
	qs := make([]query.Query, 0, len(terms))
	for _, t := range terms {
		if !common[t] {
			qs = append(qs, ix.fieldsQ(t, 1))
		}
	}
	req := bleve.NewSearchRequestOptions(bleve.NewDisjunctionQuery(qs...), min(n, 100), 0, false)
	req.SortBy([]string{"-_score", "_id"})
	res, err := ix.search(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("index: similar: %w", err)
	}
	return hits(res.Hits)
}
