package matcher

import (
	"context"
	"time"

	"github.com/saperi/saperi"
)

// Explain scores other as a candidate for target, as the engine would
// rank it, whether or not retrieval would have found it (an operator may
// propose any pair). When other is among target's ranked candidates its
// score there is returned; otherwise text relevance is the term coverage.
func (e *Engine) Explain(ctx context.Context, target, other *saperi.Posting, now time.Time) (Ranked, error) {
	ranked, err := e.For(ctx, target, max(e.Pool, 1), now)
	if err != nil {
		return Ranked{}, err
	}
	for _, r := range ranked {
		if r.Posting.ID == other.ID {
			return r, nil
		}
	}
	active, err := e.Source.ActiveMatches(ctx, []uint64{other.ID})
	if err != nil {
		return Ranked{}, err
	}
	terms, cov := MatchTerms(e.analyse(target), e.analyse(other), e.Analyzer)
	c := Candidate{Posting: other, TextScore: cov, Coverage: cov, Terms: terms, Active: active[other.ID]}
	return e.Scorer.Score(target, c, 1, now), nil
}
