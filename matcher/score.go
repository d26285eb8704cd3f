package matcher

import (
	"math"
	"sort"
	"strings"
	"time"

	"github.com/saperi/saperi"
)

// Weights are the relative importance of each feature. They need not sum to
// one: the score divides by their sum, so it always lies in [0,1]. They come
// from configuration; DefaultWeights are the tuned defaults.
type Weights struct {
	Text         float64 `json:"text"`
	Category     float64 `json:"category"`
	Proximity    float64 `json:"proximity"`
	Availability float64 `json:"availability"`
	Language     float64 `json:"language"`
	Mode         float64 `json:"mode"`
	Freshness    float64 `json:"freshness"`
	Load         float64 `json:"load"`
}

// DefaultWeights favour what was written, then category and distance.
func DefaultWeights() Weights {
	return Weights{Text: 0.50, Category: 0.12, Proximity: 0.12, Availability: 0.07,
		Language: 0.05, Mode: 0.03, Freshness: 0.03, Load: 0.08}
}

func (w Weights) get(f string) float64 {
	switch f {
	case saperi.FText:
		return w.Text
	case saperi.FCategory:
		return w.Category
	case saperi.FProximity:
		return w.Proximity
	case saperi.FAvailability:
		return w.Availability
	case saperi.FLanguage:
		return w.Language
	case saperi.FMode:
		return w.Mode
	case saperi.FFreshness:
		return w.Freshness
	case saperi.FLoad:
		return w.Load
	}
	return 0
}

// Validate rejects negative weights and an all-zero set.
func (w Weights) Validate() error {
	sum := 0.0
	for _, f := range saperi.Features {
		v := w.get(f)
		if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			return saperi.Invalid("weights."+f, "error.weights", "weights must be non-negative numbers")
		}
		sum += v
	}
	if sum == 0 {
		return saperi.Invalid("weights", "error.weights", "at least one weight must be positive")
	}
	return nil
}

// Candidate is a retrieved posting with what retrieval knows about it.
type Candidate struct {
	Posting *saperi.Posting
	// TextScore is the raw relevance from the index (BM25); the scorer
	// normalises it within the candidate set.
	TextScore float64
	// Coverage is the share of the target's distinct terms found in the
	// candidate, in [0,1].
	Coverage float64
	Terms    []saperi.TermMatch
	// Active is the number of active matches the candidate already has.
	Active int
}

// Ranked is a scored candidate.
type Ranked struct {
	Posting   *saperi.Posting    `json:"posting"`
	Score     float64            `json:"score"`
	Breakdown saperi.Breakdown   `json:"breakdown"`
	Terms     []saperi.TermMatch `json:"terms"`
}

// Scorer ranks candidates with a weighted sum of features.
type Scorer struct {
	Weights Weights
	// FreshDays is the half-life, in days, of the freshness feature.
	FreshDays float64
	// CoverageShare is the part of the text feature that is coverage (how
	// much of what was asked the candidate speaks of); the rest is the
	// relative BM25 score. Zero means DefaultCoverageShare.
	CoverageShare float64
	// SynonymCredit is how much a word met only through a synonym counts in
	// coverage, against 1 for the word itself. Zero means
	// DefaultSynonymCredit.
	SynonymCredit float64
}

// Text-feature defaults, tuned with the retrieval weights (see README,
// "Match quality").
const (
	DefaultCoverageShare = 0.5
	DefaultSynonymCredit = 1.0
)

// NewScorer returns a Scorer with w, or the defaults when w is zero.
func NewScorer(w Weights) Scorer {
	if w == (Weights{}) {
		w = DefaultWeights()
	}
	return Scorer{Weights: w, FreshDays: 30, CoverageShare: DefaultCoverageShare, SynonymCredit: DefaultSynonymCredit}
}

// Rank scores every candidate against target and returns them best first;
// ties break on the lower id so the order is deterministic.
func (s Scorer) Rank(target *saperi.Posting, cands []Candidate, now time.Time) []Ranked {
	maxText := 0.0
	for _, c := range cands {
		// math.Max would let one NaN poison every candidate's text score.
		if finite(c.TextScore) && c.TextScore > maxText {
			maxText = c.TextScore
		}
	}
	out := make([]Ranked, 0, len(cands))
	for _, c := range cands {
		out = append(out, s.Score(target, c, maxText, now))
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].Posting.ID < out[j].Posting.ID
	})
	return out
}

// Score computes one candidate's score; maxText is the best raw text score
// in its set (0 when unknown).
//
// A zero Scorer behaves like NewScorer(Weights{}); weights that are
// negative, NaN or infinite count as zero, so the score stays in [0,1] and
// the contributions sum to it even with unvalidated configuration.
func (s Scorer) Score(target *saperi.Posting, c Candidate, maxText float64, now time.Time) Ranked {
	weights := s.Weights
	if weights == (Weights{}) {
		weights = DefaultWeights()
	}
	weight := func(f string) float64 {
		if v := weights.get(f); finite(v) && v > 0 {
			return v
		}
		return 0
	}
	sum := 0.0
	for _, f := range saperi.Features {
		sum += weight(f)
	}
	if sum == 0 || !finite(sum) {
		sum = 1
	}
	halfLife := s.FreshDays
	if !(halfLife > 0) {
		halfLife = 30
	}
	b := saperi.Breakdown{}
	total := 0.0
	put := func(f string, v float64, key string, args map[string]any) {
		v = clamp01(v)
		w := weight(f) / sum
		b[f] = saperi.Factor{Value: round4(v), Weight: round4(w), Contribution: round4(v * w), Key: key, Args: args}
		total += v * w
	}
	cand := c.Posting

	// Text: relative BM25 (how this candidate compares with the best one)
	// and coverage (how much of what was asked it speaks of, a word met
	// through a synonym counting SynonymCredit).
	rel := 0.0
	if maxText > 0 && finite(maxText) {
		rel = clamp01(c.TextScore / maxText)
	}
	share, credit := s.CoverageShare, s.SynonymCredit
	if !(share > 0 && share <= 1) {
		share = DefaultCoverageShare
	}
	if !(credit > 0 && credit <= 1) {
		credit = DefaultSynonymCredit
	}
	words := make([]string, 0, len(c.Terms))
	met := 0.0
	for _, t := range c.Terms {
		words = append(words, t.Word)
		if t.Via == saperi.ViaSynonym {
			met += credit
		} else {
			met++
		}
	}
	cov := clamp01(c.Coverage)
	if len(c.Terms) > 0 {
		cov *= met / float64(len(c.Terms))
	}
	put(saperi.FText, (1-share)*rel+share*cov, "reason.text", map[string]any{"Words": strings.Join(words, ", "), "Count": len(words)})

	switch {
	case target.Category == "" || cand.Category == "":
		put(saperi.FCategory, 0.5, "reason.category.unknown", nil)
	case target.Category == cand.Category:
		put(saperi.FCategory, 1, "reason.category.same", map[string]any{"Category": cand.Category})
	default:
		put(saperi.FCategory, 0, "reason.category.other", map[string]any{"Category": cand.Category})
	}

	// Proximity: 1 at the same point falling to 0.2 at the edge of the
	// smaller radius; 0.8 for the same area with no points; 0.7 remote. When
	// both could also meet remotely, being near never scores below remote,
	// so a closer candidate never ranks under a farther one.
	const remoteValue = 0.7
	ok, km, remote := saperi.Reachable(target, cand)
	bothRemote := target.Mode.CanRemote() && cand.Mode.CanRemote()
	switch {
	case !ok:
		put(saperi.FProximity, 0, "reason.proximity.far", kmArgs(km))
	case km >= 0 && !remote:
		v := 1 - 0.8*km/min(target.RadiusKm(), cand.RadiusKm())
		if bothRemote {
			v = math.Max(v, remoteValue)
		}
		put(saperi.FProximity, v, "reason.proximity.near", kmArgs(km))
	case km < 0 && !remote:
		put(saperi.FProximity, 0.8, "reason.proximity.area", map[string]any{"Area": cand.Area})
	default:
		put(saperi.FProximity, remoteValue, "reason.proximity.remote", nil)
	}

	switch {
	case len(target.Slots) == 0 || len(cand.Slots) == 0:
		put(saperi.FAvailability, 0.5, "reason.availability.unknown", nil)
	default:
		overlap := saperi.OverlapMinutes(target.Slots, cand.Slots)
		need := saperi.OverlapMinutes(target.Slots, target.Slots) // its weekly minutes, each counted once
		days := sharedDays(target.Slots, cand.Slots)
		if overlap == 0 {
			put(saperi.FAvailability, 0, "reason.availability.none", nil)
		} else {
			put(saperi.FAvailability, math.Min(1, 0.5+float64(overlap)/float64(max(need, 1))), "reason.availability.days",
				map[string]any{"Days": strings.Join(days, ", ")})
		}
	}

	shared := sharedLanguages(target.Languages, cand.Languages)
	switch {
	case len(target.Languages) == 0 || len(cand.Languages) == 0:
		put(saperi.FLanguage, 0.5, "reason.language.unknown", nil)
	case len(shared) == 0:
		put(saperi.FLanguage, 0, "reason.language.none", nil)
	default:
		put(saperi.FLanguage, 1, "reason.language.shared", map[string]any{"Languages": strings.Join(shared, ", ")})
	}

	switch {
	case target.Mode == cand.Mode:
		put(saperi.FMode, 1, "reason.mode.same", map[string]any{"Mode": string(cand.Mode)})
	case target.Mode == saperi.Either || cand.Mode == saperi.Either:
		put(saperi.FMode, 0.8, "reason.mode.compatible", map[string]any{"Mode": string(cand.Mode)})
	default:
		put(saperi.FMode, 0, "reason.mode.different", map[string]any{"Mode": string(cand.Mode)})
	}

	age := now.Sub(cand.Updated)
	if cand.Updated.IsZero() || age < 0 {
		age = now.Sub(cand.Created)
	}
	days := math.Max(0, age.Hours()/24)
	put(saperi.FFreshness, math.Pow(0.5, days/halfLife), "reason.freshness", map[string]any{"Days": int(days)})

	capacity := max(cand.Capacity, 1)
	put(saperi.FLoad, 1-float64(c.Active)/float64(capacity), "reason.load", map[string]any{"Active": c.Active, "Capacity": capacity})

	terms := c.Terms
	if terms == nil {
		terms = []saperi.TermMatch{}
	}
	return Ranked{Posting: cand, Score: round4(clamp01(total)), Breakdown: b, Terms: terms}
}

func sharedDays(a, b []saperi.Slot) []string {
	var out []string
	for d := 1; d <= 7; d++ {
		var x, y []saperi.Slot
		for _, s := range a {
			if s.Day == d {
				x = append(x, s)
			}
		}
		for _, s := range b {
			if s.Day == d {
				y = append(y, s)
			}
		}
		if saperi.OverlapMinutes(x, y) > 0 {
			out = append(out, saperi.DayName(d))
		}
	}
	return out
}

func sharedLanguages(a, b []string) []string {
	var out []string
	for _, x := range a {
		for _, y := range b {
			if x == y {
				out = append(out, x)
				break
			}
		}
	}
	return out
}

// kmArgs is the Km argument of a proximity reason, or nil when the
// distance is unknown (km < 0, or NaN, which JSON cannot encode).
func kmArgs(km float64) map[string]any {
	if !(km >= 0) || math.IsInf(km, 0) {
		return nil
	}
	return map[string]any{"Km": round1(km)}
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func clamp01(v float64) float64 {
	if math.IsNaN(v) || v < 0 {
		return 0
	}
	return math.Min(v, 1)
}

func round4(v float64) float64 { return math.Round(v*1e4) / 1e4 }
func round1(v float64) float64 { return math.Round(v*10) / 10 }

// Scored returns what a match keeps of r.
func (r Ranked) Scored() saperi.Scored {
	return saperi.Scored{Score: r.Score, Breakdown: r.Breakdown, Terms: r.Terms}
}
