package matcher

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/saperi/saperi"
)

// Token is one analysed word: Term is its normalised form (lower case,
// accents folded, stemmed) and Word the text as written.
type Token struct {
	Term string
	Word string
}

// Analyzer is the text analysis search uses, so that explanations speak the
// same language as retrieval. The index package provides it.
type Analyzer interface {
	// Analyze splits text into tokens, dropping stop words.
	Analyze(text string) []Token
	// Related returns the normalised terms the thesaurus links to term
	// (synonyms and close terms), without term itself; nil when none.
	Related(term string) []string
}

// Query is what retrieval is asked: postings of Kind that could answer
// Target, at most Limit of them, as of Now.
type Query struct {
	Target *saperi.Posting
	Kind   saperi.Kind
	Limit  int
	Now    time.Time
	// Exclude lists posting ids never to return (declined pairs).
	Exclude []uint64
}

// Hit is one retrieved posting id with its raw text relevance.
type Hit struct {
	ID    uint64
	Score float64
}

// Retriever finds candidate postings: the index package provides it. It
// applies the hard filters (opposite kind, open, not expired, not the same
// owner, within reach) and returns hits best first.
type Retriever interface {
	Retrieve(ctx context.Context, q Query) ([]Hit, error)
}

// Source reads what ranking needs from the system of record: the store
// package provides it.
type Source interface {
	Posting(ctx context.Context, id uint64) (*saperi.Posting, error)
	// Postings returns the postings with the given ids that exist, in the
	// order given.
	Postings(ctx context.Context, ids []uint64) ([]*saperi.Posting, error)
	// ActiveMatches returns, for each posting id, how many active matches
	// it is part of.
	ActiveMatches(ctx context.Context, ids []uint64) (map[uint64]int, error)
	// Declined returns the ids of the postings that were declined with id.
	Declined(ctx context.Context, id uint64) ([]uint64, error)
}

// Engine proposes candidates for a posting: retrieve, re-check against the
// store, explain, rank.
type Engine struct {
	Retriever Retriever
	Source    Source
	Analyzer  Analyzer
	// Lexicon, when set, brings concepts and word salience into
	// relevance; without it every word counts alike and no concept is
	// known.
	Lexicon Lexicon
	Scorer  Scorer
	// Pool is how many hits are retrieved and ranked before the top ones
	// are returned.
	Pool int
	// Threshold is the score from which a candidate is proposed (see
	// Proposable); zero means DefaultThreshold.
	Threshold float64
	// Tokens, when set, keeps the analysed text of candidates between
	// requests: analysing a hundred descriptions is most of a request's
	// time, and the same offers come back for many needs.
	Tokens *TokenCache
}

// TokenCache remembers the analysed text of postings by id and last
// update, so an edited posting is analysed afresh. It holds at most Max
// postings and starts over when full. It is safe for concurrent use.
type TokenCache struct {
	Max int
	mu  sync.Mutex
	m   map[uint64]cachedTokens
}

type cachedTokens struct {
	updated time.Time
	a       analysed
}

// NewTokenCache returns a cache of at most max postings.
func NewTokenCache(max int) *TokenCache {
	return &TokenCache{Max: max, m: make(map[uint64]cachedTokens)}
}

func (c *TokenCache) get(p *saperi.Posting) (analysed, bool) {
	if c == nil || p.ID == 0 {
		return analysed{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[p.ID]
	if !ok || !e.updated.Equal(p.Updated) {
		return analysed{}, false
	}
	return e.a, true
}

func (c *TokenCache) put(p *saperi.Posting, a analysed) {
	if c == nil || p.ID == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= max(c.Max, 1) {
		c.m = make(map[uint64]cachedTokens)
	}
	c.m[p.ID] = cachedTokens{updated: p.Updated, a: a}
}

// Candidates returns the best candidates for posting id, at most limit.
func (e *Engine) Candidates(ctx context.Context, id uint64, limit int, now time.Time) ([]Ranked, error) {
	target, err := e.Source.Posting(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("candidates %d: %w", id, err)
	}
	return e.For(ctx, target, limit, now)
}

// For returns the best candidates for target, which need not be stored.
// A limit below one asks for nothing and returns an empty list.
func (e *Engine) For(ctx context.Context, target *saperi.Posting, limit int, now time.Time) ([]Ranked, error) {
	if limit < 1 {
		return []Ranked{}, nil
	}
	var declined []uint64
	if target.ID != 0 {
		var err error
		if declined, err = e.Source.Declined(ctx, target.ID); err != nil {
			return nil, fmt.Errorf("candidates %d: %w", target.ID, err)
		}
	}
	pool := max(e.Pool, limit)
	hits, err := e.Retriever.Retrieve(ctx, Query{Target: target, Kind: target.Kind.Opposite(), Limit: pool, Now: now, Exclude: declined})
	if err != nil {
		return nil, fmt.Errorf("candidates %d: retrieve: %w", target.ID, err)
	}
	ids := make([]uint64, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	posts, err := e.Source.Postings(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("candidates %d: %w", target.ID, err)
	}
	active, err := e.Source.ActiveMatches(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("candidates %d: %w", target.ID, err)
	}
	byID := make(map[uint64]*saperi.Posting, len(posts))
	for _, p := range posts {
		byID[p.ID] = p
	}
	skip := make(map[uint64]bool, len(declined))
	for _, d := range declined {
		skip[d] = true
	}
	want := e.analyse(target)
	e.weigh(&want)
	cands := make([]Candidate, 0, len(hits))
	for _, h := range hits {
		p := byID[h.ID]
		// The index may lag the store by a moment: trust the store.
		if p == nil || skip[p.ID] || p.Kind != target.Kind.Opposite() || p.StatusAt(now) != saperi.Open ||
			(target.ProfileID != 0 && p.ProfileID == target.ProfileID) {
			continue
		}
		if ok, _, _ := saperi.Reachable(target, p); !ok {
			continue
		}
		skip[p.ID] = true // a hit listed twice is ranked once
		cands = append(cands, e.candidate(target, want, p, h.Score, active[p.ID]))
	}
	ranked := e.Scorer.Rank(target, cands, now)
	if len(ranked) > limit {
		ranked = ranked[:limit]
	}
	return ranked, nil
}

// Warm analyses open postings into the token cache ahead of requests, so
// the first requests after a start are as quick as the rest. It stops at
// the cache's size or when ctx is done; without a cache it does nothing.
func (e *Engine) Warm(ctx context.Context, ps []*saperi.Posting, now time.Time) {
	if e.Tokens == nil {
		return
	}
	for i, p := range ps {
		if i >= e.Tokens.Max || ctx.Err() != nil {
			return
		}
		if p.StatusAt(now) == saperi.Open {
			e.analyseCached(p)
		}
	}
}

// analyseCached is analyse through the token cache, for candidates.
func (e *Engine) analyseCached(p *saperi.Posting) analysed {
	if a, ok := e.Tokens.get(p); ok {
		return a
	}
	a := e.analyse(p)
	e.Tokens.put(p, a)
	return a
}

// analysed is what the engine reads of a posting's text: its words and
// its concepts.
type analysed struct {
	toks     []Token
	title    int // toks[:title] are of the title and tags
	concepts []ConceptMatch
	// salience of each distinct term and their sum, for a target only
	// (see weigh).
	salience map[string]float64
	wordsOf  float64
}

func (e *Engine) analyse(p *saperi.Posting) analysed {
	var a analysed
	if e.Analyzer != nil {
		// The title and tags first, then the description: a.title
		// tokens say what the posting is about.
		a.toks = e.Analyzer.Analyze(p.Title)
		for _, t := range p.Tags {
			a.toks = append(a.toks, e.Analyzer.Analyze(t)...)
		}
		a.title = len(a.toks)
		a.toks = append(a.toks, e.Analyzer.Analyze(p.Description)...)
	}
	if e.Lexicon != nil {
		a.concepts = e.Lexicon.Concepts(p)
	}
	return a
}

// MatchTerms finds which of want's distinct terms occur in have, directly
// or through a related term, and returns them with the share of want's
// distinct terms that were found.
func MatchTerms(want, have []Token, a Analyzer) ([]saperi.TermMatch, float64) {
	out, _, distinct := matchTerms(want, have, a)
	if distinct == 0 {
		return out, 0
	}
	return out, float64(len(out)) / float64(distinct)
}

// matchTerms is MatchTerms, returning for each match the term of want it
// is about, and the number of want's distinct terms.
func matchTerms(want, have []Token, a Analyzer) ([]saperi.TermMatch, []string, int) {
	if len(want) == 0 {
		return []saperi.TermMatch{}, nil, 0
	}
	index := make(map[string]string, len(have)) // term → first surface form
	for _, t := range have {
		if _, ok := index[t.Term]; !ok {
			index[t.Term] = t.Word
		}
	}
	seen := map[string]bool{}
	out := []saperi.TermMatch{}
	var terms []string
	distinct := 0
	for _, t := range want {
		if seen[t.Term] {
			continue
		}
		seen[t.Term] = true
		distinct++
		if w, ok := index[t.Term]; ok {
			via := saperi.ViaStem
			if strings.EqualFold(w, t.Word) {
				via = saperi.ViaExact
			}
			out = append(out, saperi.TermMatch{Word: t.Word, Other: w, Via: via})
			terms = append(terms, t.Term)
			continue
		}
		if a == nil {
			continue
		}
		for _, r := range a.Related(t.Term) {
			if w, ok := index[r]; ok {
				out = append(out, saperi.TermMatch{Word: t.Word, Other: w, Via: saperi.ViaSynonym})
				terms = append(terms, t.Term)
				break
			}
		}
	}
	return out, terms, distinct
}
