package matcher

import (
	"math"
	"slices"
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

// Candidate is a retrieved posting with what retrieval and analysis know
// about it.
type Candidate struct {
	Posting *saperi.Posting
	// TextScore is the raw relevance from the index (BM25 over the words
	// and the indexed concepts). It orders retrieval; ranking reads it
	// relative to the best candidate's (see Scorer), as on its own it says
	// nothing of a pair, and breaks ties on it.
	TextScore float64
	// Terms are the target's words found in the candidate, each with the
	// Salience it counted for.
	Terms []saperi.TermMatch
	// Words is the sum of the Terms' salience; WordsOf the salience of
	// all the target's distinct words.
	Words, WordsOf float64
	// Concepts are the target's concepts the candidate shares.
	Concepts []SharedConcept
	// Active is the number of active matches the candidate already has.
	Active int
	// relText is TextScore relative to the best of the candidates ranked
	// with it, in (0,1]; zero when unknown (a candidate scored alone).
	relText float64
}

// weakestText is the relative text score of a candidate ranked with
// others though the index gave it none: no text evidence to speak of.
const weakestText = 0.01

// Ranked is a scored candidate: Score is Relevance × (a + (1−a)·Fit),
// with a the relevance share of the weights (see Scorer).
type Ranked struct {
	Posting   *saperi.Posting    `json:"posting"`
	Score     float64            `json:"score"`
	Relevance float64            `json:"relevance"`
	Fit       float64            `json:"fit"`
	Breakdown saperi.Breakdown   `json:"breakdown"`
	Terms     []saperi.TermMatch `json:"terms"`
	// Concepts are the concepts the pair shares, with their Italian names.
	Concepts []SharedConcept `json:"concepts"`
	// Reasons say in words why, what matched first; trivial ones (both
	// speak Italian, the same mode, a free offerer) are left out.
	Reasons []saperi.Reason `json:"reasons"`
	// relText is the candidate's relText (see Candidate).
	relText float64
}

// Scorer ranks candidates by relevance × fit.
//
// Relevance, in [0,1], says whether the candidate answers the target: the
// concepts they share (the same concept counts most, a broader or
// narrower one less, one found only in descriptions less), and the
// target's words the candidate speaks of, each weighed by its salience
// (filler words little; a synonym SynonymCredit; a word shared across
// categories less, a word of several senses much less; and as strongly as
// the index's BM25 says the candidate speaks of them, relative to the best
// candidate), combined as independent evidence; then less when the
// categories differ; then × 0.8 to 1 by the candidate's text score relative
// to the best candidate's (textAgree), a second reading of the same
// question.
//
// Fit, in [0,1], is the weighted mean of proximity, availability,
// language, mode, freshness and load. The text and category weights
// together are the share a of the score that relevance alone fixes: the
// score is relevance × (a + (1−a)·fit), so fit moves a relevant pair by
// at most 1−a and never lifts an unrelated one. The breakdown splits the
// score into contributions that add up to it; the category and agreement
// factors, without weight, show the multipliers of relevance.
type Scorer struct {
	Weights Weights
	// FreshDays is the half-life, in days, of the freshness feature.
	FreshDays float64
	// SynonymCredit is how much a word met only through a synonym counts,
	// against 1 for the word itself. Zero means DefaultSynonymCredit.
	SynonymCredit float64
}

// Relevance constants (see Scorer): how strongly each piece of evidence
// says "this answers it" on its own.
const (
	DefaultSynonymCredit = 0.7
	// conceptSame is the evidence of one shared concept, conceptRelated
	// of a broader or narrower one, both times the concept's strength.
	conceptSame    = 0.85
	conceptRelated = 0.3
	// conceptMore is the part of the further shared concepts' evidence
	// that counts.
	conceptMore = 0.25
	// wordShare is the evidence of the target's words when the
	// candidate speaks of all of them; wordScale is the salience at which
	// shared words become convincing (1−1/e of it).
	wordShare = 0.8
	wordScale = 0.8
	// wordText is the share of the word evidence that depends on the
	// candidate's text score relative to the best candidate's: all of
	// it, since BM25 knows better than a count of shared words how a
	// text speaks of them (how often, in which field, in how long a text).
	wordText = 1.0
	// textAgree is the share of the whole relevance that follows the
	// candidate's text score relative to the best candidate's. The text
	// score (BM25 over the words and the indexed concepts) is a second,
	// independent reading of the same question; where it disagrees with
	// the concepts and words read above, the candidate is less sure.
	textAgree = 0.2
	// otherCategory weighs a word shared by postings of different
	// categories, ambiguousOther one of several senses; categoryOther
	// and categoryUnknown scale relevance.
	otherCategory   = 0.6
	ambiguousOther  = 0.15
	categoryOther   = 0.75
	categoryUnknown = 0.9
)

// NewScorer returns a Scorer with w, or the defaults when w is zero.
func NewScorer(w Weights) Scorer {
	if w == (Weights{}) {
		w = DefaultWeights()
	}
	return Scorer{Weights: w, FreshDays: 30, SynonymCredit: DefaultSynonymCredit}
}

// WordWeight is what one shared word counts for: its salience, less
// through a synonym, less between postings of different categories, and
// much less when it has several senses and nothing says the two postings
// use it in the same one (ambiguous).
func (s Scorer) WordWeight(salience float64, via string, ambiguous bool, target, cand *saperi.Posting) float64 {
	w := clamp01(salience)
	switch via {
	case saperi.ViaSynonym, saperi.ViaFuzzy:
		credit := s.SynonymCredit
		if !(credit > 0 && credit <= 1) {
			credit = DefaultSynonymCredit
		}
		w *= credit
	}
	if ambiguous {
		return w * ambiguousOther
	}
	if target.Category != "" && cand.Category != "" && target.Category != cand.Category {
		w *= otherCategory
	}
	return w
}

// Rank scores every candidate against target and returns them best first;
// ties break on the text score, then on the lower id, so the order is
// deterministic.
func (s Scorer) Rank(target *saperi.Posting, cands []Candidate, now time.Time) []Ranked {
	out := make([]Ranked, 0, len(cands))
	text := make(map[uint64]float64, len(cands))
	best := 0.0
	for _, c := range cands {
		if finite(c.TextScore) && c.TextScore > best {
			best = c.TextScore
		}
	}
	for _, c := range cands {
		if best > 0 {
			c.relText = weakestText
			if finite(c.TextScore) && c.TextScore > 0 {
				c.relText = max(c.TextScore/best, weakestText)
			}
		}
		out = append(out, s.Score(target, c, now))
		if finite(c.TextScore) {
			text[c.Posting.ID] = c.TextScore
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		if ti, tj := text[out[i].Posting.ID], text[out[j].Posting.ID]; ti != tj {
			return ti > tj
		}
		return out[i].Posting.ID < out[j].Posting.ID
	})
	return out
}

// Score computes one candidate's score.
//
// A zero Scorer behaves like NewScorer(Weights{}); weights that are
// negative, NaN or infinite count as zero, so the score stays in [0,1] and
// the contributions sum to it even with unvalidated configuration.
func (s Scorer) Score(target *saperi.Posting, c Candidate, now time.Time) Ranked {
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
	share := (weight(saperi.FText) + weight(saperi.FCategory)) / sum // a: what relevance alone fixes
	halfLife := s.FreshDays
	if !(halfLife > 0) {
		halfLife = 30
	}
	cand := c.Posting

	// Relevance. Several shared concepts add little to the best one: one
	// word often names two related concepts (telefono: using a
	// smartphone, second-hand phones), which is one piece of evidence.
	best, none := 0.0, 1.0
	for _, sc := range c.Concepts {
		e := conceptSame
		if sc.Via != ConceptSame {
			e = conceptRelated
		}
		if sc.Strength > 0 {
			e *= min(sc.Strength, 1)
		}
		e *= sc.Other.Specificity()
		best = max(best, e)
		none *= 1 - e
	}
	concept := best + conceptMore*((1-none)-best)
	words := 0.0
	if c.WordsOf > 0 && c.Words > 0 {
		cov := clamp01(c.Words / c.WordsOf)
		words = math.Sqrt(cov * (1 - math.Exp(-c.Words/wordScale)))
		// How the candidate speaks of the words is what BM25 measures:
		// relative to the best candidate it takes off up to wordText.
		if c.relText > 0 {
			words *= 1 - wordText + wordText*clamp01(c.relText)
		}
	}
	ew := wordShare * words
	category, catKey, catArgs := 1.0, "reason.category.same", map[string]any{"Category": cand.Category}
	switch {
	case target.Category == "" || cand.Category == "":
		category, catKey, catArgs = categoryUnknown, "reason.category.unknown", nil
	case target.Category != cand.Category:
		category, catKey = categoryOther, "reason.category.other"
	}
	rel := clamp01((1 - (1-concept)*(1-ew)) * category)
	agree, agreeArgs := 1.0, map[string]any(nil)
	if c.relText > 0 {
		agree = 1 - textAgree + textAgree*clamp01(c.relText)
		agreeArgs = map[string]any{"Percent": max(1, int(math.Round(100*clamp01(c.relText))))}
	}
	rel *= agree

	b := saperi.Breakdown{}
	total := 0.0
	// The relevance part of the score, rel × a, goes to concepts and words
	// in proportion to their evidence; the category scales both.
	cShare, wShare := 0.0, 0.0
	if concept+ew > 0 {
		cShare, wShare = concept/(concept+ew), ew/(concept+ew)
	}
	relPart := func(f string, v, part float64, key string, args map[string]any) {
		contrib := rel * share * part
		b[f] = saperi.Factor{Value: round4(clamp01(v)), Weight: round4(share * part), Contribution: round4(contrib), Key: key, Args: args}
		total += contrib
	}
	relPart(saperi.FConcept, concept, cShare, "reason.concept", conceptArgs(c.Concepts))
	relPart(saperi.FText, words, wShare, "reason.text", wordArgs(c.Terms))
	b[saperi.FCategory] = saperi.Factor{Value: round4(category), Key: catKey, Args: catArgs}
	b[saperi.FAgreement] = saperi.Factor{Value: round4(agree), Key: "reason.agreement", Args: agreeArgs}

	// Fit.
	fs := &fitSheet{b: b, rel: rel, sum: sum, weight: weight}
	fs.features(target, c, now, halfLife)
	total += fs.total
	fitSum, fitW, reasons := fs.sum0, fs.w, fs.reasons

	score := total // = rel × (share + fitSum): the contributions add up to it
	fit := 1.0
	if fitW > 0 {
		fit = fitSum / fitW
	}

	terms := c.Terms
	if terms == nil {
		terms = []saperi.TermMatch{}
	}
	concepts := c.Concepts
	if concepts == nil {
		concepts = []SharedConcept{}
	}
	return Ranked{Posting: cand, Score: round4(clamp01(score)), Relevance: round4(rel), Fit: round4(fit), Breakdown: b,
		Terms: terms, Concepts: concepts, Reasons: append(matchedReasons(c), reasons...), relText: c.relText}
}

// fitSheet collects the fit features of one candidate: each feature's
// factor in the breakdown (its contribution scaled by the relevance, so
// that the contributions add up to the score), the weighted fit and the
// reasons worth telling.
type fitSheet struct {
	b       saperi.Breakdown
	rel     float64
	sum     float64
	weight  func(string) float64
	total   float64 // sum of the contributions, rel × sum0
	sum0    float64 // weighted fit values
	w       float64 // weights of the fit features
	reasons []saperi.Reason
}

func (fs *fitSheet) put(f string, v float64, key string, args map[string]any) {
	v = clamp01(v)
	w := fs.weight(f) / fs.sum
	fs.b[f] = saperi.Factor{Value: round4(v), Weight: round4(w), Contribution: round4(fs.rel * v * w), Key: key, Args: args}
	fs.total += fs.rel * v * w
	fs.sum0 += v * w
	fs.w += w
}

func (fs *fitSheet) reason(key string, args map[string]any) {
	fs.reasons = append(fs.reasons, saperi.Reason{Key: key, Args: args})
}

// features scores proximity, availability, language, mode, freshness and
// load of c against target.
func (fs *fitSheet) features(target *saperi.Posting, c Candidate, now time.Time, halfLife float64) {
	cand := c.Posting
	// Proximity: 1 at the same point falling to 0.2 at the edge of the
	// smaller radius; 0.8 for the same area with no points; 0.7 remote. When
	// both could also meet remotely, being near never scores below remote,
	// so a closer candidate never ranks under a farther one.
	const remoteValue = 0.7
	ok, km, remote := saperi.Reachable(target, cand)
	bothRemote := target.Mode.CanRemote() && cand.Mode.CanRemote()
	switch {
	case !ok:
		fs.put(saperi.FProximity, 0, "reason.proximity.far", kmArgs(km))
	case km >= 0 && !remote:
		v := 1 - 0.8*km/min(target.RadiusKm(), cand.RadiusKm())
		if bothRemote {
			v = math.Max(v, remoteValue)
		}
		fs.put(saperi.FProximity, v, "reason.proximity.near", kmArgs(km))
		fs.reason("reason.proximity.near", kmArgs(km))
	case km < 0 && !remote:
		fs.put(saperi.FProximity, 0.8, "reason.proximity.area", map[string]any{"Area": cand.Area})
		fs.reason("reason.proximity.area", map[string]any{"Area": cand.Area})
	default:
		fs.put(saperi.FProximity, remoteValue, "reason.proximity.remote", nil)
	}

	switch {
	case len(target.Slots) == 0 || len(cand.Slots) == 0:
		fs.put(saperi.FAvailability, 0.5, "reason.availability.unknown", nil)
	default:
		overlap := saperi.OverlapMinutes(target.Slots, cand.Slots)
		need := saperi.OverlapMinutes(target.Slots, target.Slots) // its weekly minutes, each counted once
		days := sharedDays(target.Slots, cand.Slots)
		if overlap == 0 {
			fs.put(saperi.FAvailability, 0, "reason.availability.none", nil)
		} else {
			args := map[string]any{"Days": strings.Join(days, ", ")}
			fs.put(saperi.FAvailability, math.Min(1, 0.5+float64(overlap)/float64(max(need, 1))), "reason.availability.days", args)
			fs.reason("reason.availability.days", args)
		}
	}

	shared := sharedLanguages(target.Languages, cand.Languages)
	switch {
	case len(target.Languages) == 0 || len(cand.Languages) == 0:
		fs.put(saperi.FLanguage, 0.5, "reason.language.unknown", nil)
	case len(shared) == 0:
		fs.put(saperi.FLanguage, 0, "reason.language.none", nil)
	default:
		args := map[string]any{"Languages": strings.Join(shared, ", ")}
		fs.put(saperi.FLanguage, 1, "reason.language.shared", args)
		// Both speaking Italian goes without saying at an Italian desk.
		if !slices.Equal(shared, []string{"it"}) {
			fs.reason("reason.language.shared", args)
		}
	}

	switch {
	case target.Mode == cand.Mode:
		fs.put(saperi.FMode, 1, "reason.mode.same", map[string]any{"Mode": string(cand.Mode)})
	case target.Mode == saperi.Either || cand.Mode == saperi.Either:
		fs.put(saperi.FMode, 0.8, "reason.mode.compatible", map[string]any{"Mode": string(cand.Mode)})
	default:
		fs.put(saperi.FMode, 0, "reason.mode.different", map[string]any{"Mode": string(cand.Mode)})
	}

	age := now.Sub(cand.Updated)
	if cand.Updated.IsZero() || age < 0 {
		age = now.Sub(cand.Created)
	}
	days := math.Max(0, age.Hours()/24)
	fs.put(saperi.FFreshness, math.Pow(0.5, days/halfLife), "reason.freshness", map[string]any{"Days": int(days)})

	capacity := max(cand.Capacity, 1)
	fs.put(saperi.FLoad, 1-float64(c.Active)/float64(capacity), "reason.load", map[string]any{"Active": c.Active, "Capacity": capacity})

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
	return saperi.Scored{Score: r.Score, Breakdown: r.Breakdown, Terms: r.Terms, Reasons: r.Reasons}
}
