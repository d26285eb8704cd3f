package matcher

// DefaultThreshold is the score from which a candidate is a proposal: what
// the weekly run may mail, and what the desk lists under "Proponi". Below
// it Saperi proposes nothing.
//
// What 0.5 means: the offer and the need share a specific concept named
// clearly on both sides (or, without one, most of the need's telling
// words, in a strong text match), and place, time, language and load are
// not against it. One shared leaf concept named by telling labels on both
// sides scores 0.85 in relevance for the best text match of the pool, a
// proposal whatever the fit, down to 0.68 for the weakest, a proposal when
// the fit is fair; a broad grouping of ten narrower concepts 0.46 to 0.58,
// a proposal only for a good text match when place, time and load fit
// well; a
// concept named only by a broad word (documenti, lezioni), a broader or
// narrower concept, or a word or two in common alone stay below.
// Calibrated on the desk development set (see docs/matching-eval.md);
// README, "What the score means".
const DefaultThreshold = 0.5

// MaxProposals is at most how many offers are proposed for one need.
const MaxProposals = 3

// CloseToBest is the share of the best candidate's score another must
// reach to be proposed with it: when one offer answers clearly better,
// the others are alternatives, not promises. On the desk development set
// the best candidate above the threshold was right three times in four,
// the second and third, whatever their score, one time in three; since
// labels that several concepts' words cover count less, those within
// three quarters of the best are right as often as the best (see
// docs/matching-eval.md).
const CloseToBest = 0.75

// Proposable reports whether r scores at or above threshold (a threshold
// of zero or less means DefaultThreshold).
func Proposable(r Ranked, threshold float64) bool {
	if !(threshold > 0) {
		threshold = DefaultThreshold
	}
	return r.Score >= threshold
}

// Proposals returns the leading candidates of ranked (best first) that
// are proposable at threshold and score at least CloseToBest of the
// first, at most n (MaxProposals when n < 1). The rest of ranked are the
// "other, less suitable" candidates; an empty answer means nothing fits
// well enough to propose.
func Proposals(ranked []Ranked, threshold float64, n int) []Ranked {
	if n < 1 {
		n = MaxProposals
	}
	out := make([]Ranked, 0, min(n, len(ranked)))
	for _, r := range ranked {
		if len(out) == n || !Proposable(r, threshold) || r.Score < CloseToBest*ranked[0].Score {
			break
		}
		out = append(out, r)
	}
	return out
}

// Proposals returns the candidates among ranked that the engine proposes,
// at its Threshold.
func (e *Engine) Proposals(ranked []Ranked) []Ranked {
	return Proposals(ranked, e.Threshold, MaxProposals)
}
