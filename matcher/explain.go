package matcher

import (
	"context"
	"time"

	"github.com/saperi/saperi"
)

// Explain scores other as a candidate for target, as the engine would
// rank it, whether or not retrieval would have found it (an operator may
// propose any pair). When other is among target's ranked candidates its
// score there is returned; otherwise it is scored alike, as at most as
// strong a text match as the weakest of them: the index ranked it below
// them all.
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
	want := e.analyse(target)
	e.weigh(&want)
	c := e.candidate(target, want, other, 0, active[other.ID])
	for _, r := range ranked {
		if r.relText > 0 && (c.relText == 0 || r.relText < c.relText) {
			c.relText = r.relText
		}
	}
	return e.Scorer.Score(target, c, now), nil
}
