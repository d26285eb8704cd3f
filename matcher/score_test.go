package matcher_test

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/matcher"
)

// checkRanked asserts the invariants every scored candidate keeps: score
// in [0,1], one factor per feature and the concept factor, values in
// [0,1], contributions summing to the score (within rounding), and
// relevance gating: no relevance, no score; fit only lowers a relevant
// pair's score, never below the relevance share.
func checkRanked(tb testing.TB, r matcher.Ranked) {
	tb.Helper()
	if math.IsNaN(r.Score) || r.Score < 0 || r.Score > 1 {
		tb.Fatalf("score %v outside [0,1]", r.Score)
	}
	if len(r.Breakdown) != len(saperi.Factors) {
		tb.Fatalf("breakdown has %d factors, want %d: %v", len(r.Breakdown), len(saperi.Factors), r.Breakdown)
	}
	var sumW, sumC float64
	for _, f := range saperi.Factors {
		fac, ok := r.Breakdown[f]
		if !ok {
			tb.Fatalf("breakdown lacks %s", f)
		}
		if math.IsNaN(fac.Value) || fac.Value < 0 || fac.Value > 1 || fac.Weight < 0 || fac.Contribution < 0 {
			tb.Fatalf("factor %s = %+v", f, fac)
		}
		if fac.Key == "" {
			tb.Fatalf("factor %s has no reason key", f)
		}
		sumW += fac.Weight
		sumC += fac.Contribution
	}
	if sumW > 1+1e-3 {
		tb.Fatalf("weights sum to %v", sumW)
	}
	if math.Abs(sumC-r.Score) > 2e-3 {
		tb.Fatalf("contributions sum to %v, score is %v", sumC, r.Score)
	}
	if r.Relevance == 0 && r.Score != 0 {
		tb.Fatalf("score %v without relevance", r.Score)
	}
	if r.Score > r.Relevance+1e-4 {
		tb.Fatalf("score %v above relevance %v: fit must not raise it", r.Score, r.Relevance)
	}
	if r.Terms == nil || r.Concepts == nil {
		tb.Fatal("Terms or Concepts is nil")
	}
	if _, err := json.Marshal([]any{r.Breakdown, r.Reasons, r.Concepts, r.Relevance, r.Fit}); err != nil {
		tb.Fatalf("ranked does not encode: %v", err)
	}
}

func randomPosting(r *rand.Rand, kind saperi.Kind, id uint64) *saperi.Posting {
	pick := func(n int) int { return r.IntN(n) }
	p := &saperi.Posting{ID: id, Kind: kind, ProfileID: id + 1000, Status: saperi.Open, Expires: now.Add(time.Hour)}
	p.Category = []string{"", "scuola", "casa", "digitale"}[pick(4)]
	p.Area = []string{"", "Aurora", "Barriera", "aurora"}[pick(4)]
	switch pick(5) {
	case 0:
	case 1:
		p.Point = &saperi.Point{Lat: math.NaN(), Lon: baseLon} // garbage a validator would catch
	default:
		p.Point = north(r.Float64()*20 - 10)
	}
	p.Mode = []saperi.Mode{saperi.InPerson, saperi.Remote, saperi.Either, ""}[pick(4)]
	p.MaxDistanceKm = []float64{0, -1, 1, 3, 10, 50, math.NaN()}[pick(7)]
	for range pick(4) {
		from := pick(24*60+30) - 10
		p.Slots = append(p.Slots, saperi.Slot{Day: pick(9), From: from, To: from + pick(600) - 60})
	}
	for _, l := range []string{"it", "en", "fr", "ar"} {
		if pick(3) == 0 {
			p.Languages = append(p.Languages, l)
		}
	}
	p.Capacity = pick(7) - 1
	if pick(6) > 0 {
		p.Created = now.Add(-time.Duration(r.Float64()*400*24) * time.Hour)
	}
	if pick(2) == 0 {
		p.Updated = now.Add(time.Duration((r.Float64()*2-1.9)*200*24) * time.Hour)
	}
	return p
}

func randomWeights(r *rand.Rand) matcher.Weights {
	v := func() float64 {
		switch r.IntN(8) {
		case 0:
			return 0
		case 1:
			return -r.Float64() // unvalidated configuration
		default:
			return r.Float64()
		}
	}
	return matcher.Weights{Text: v(), Category: v(), Proximity: v(), Availability: v(),
		Language: v(), Mode: v(), Freshness: v(), Load: v()}
}

// TestScoreProperties scores many random candidates, including garbage
// inputs, with random weights and checks the invariants and the order.
func TestScoreProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(2025, 3))
	for round := range 300 {
		s := matcher.NewScorer(randomWeights(r))
		if round%10 == 0 {
			s = matcher.Scorer{}
		}
		target := randomPosting(r, saperi.Need, 0)
		var cands []matcher.Candidate
		for i := range r.IntN(12) {
			c := matcher.Candidate{
				Posting:   randomPosting(r, saperi.Offer, uint64(i+1)),
				TextScore: r.Float64()*20 - 2,
				Words:     r.Float64() * 3,
				WordsOf:   r.Float64()*4 - 0.5,
				Active:    r.IntN(8) - 1,
			}
			for range r.IntN(3) {
				c.Concepts = append(c.Concepts, matcher.SharedConcept{Via: []string{matcher.ConceptSame, matcher.ConceptBroader}[r.IntN(2)],
					Strength: r.Float64()*1.2 - 0.1})
			}
			switch r.IntN(20) {
			case 0:
				c.TextScore = math.NaN()
			case 1:
				c.TextScore = math.Inf(1)
			case 2:
				c.Words = math.NaN()
			}
			cands = append(cands, c)
		}
		ranked := s.Rank(target, cands, now)
		if len(ranked) != len(cands) {
			t.Fatalf("round %d: %d ranked from %d candidates", round, len(ranked), len(cands))
		}
		for i, rk := range ranked {
			checkRanked(t, rk)
			if i > 0 {
				prev := ranked[i-1]
				if prev.Score < rk.Score {
					t.Fatalf("round %d: out of order at %d: %v/%d before %v/%d",
						round, i, prev.Score, prev.Posting.ID, rk.Score, rk.Posting.ID)
				}
			}
		}
	}
}

// TestScoreBetter compares a candidate with a better variant of itself that
// differs in one thing: the better one must score higher on that feature
// and overall.
func TestScoreBetter(t *testing.T) {
	base := func() (*saperi.Posting, matcher.Candidate) {
		target := posting(saperi.Need, 1, 10)
		target.Slots = []saperi.Slot{{Day: 2, From: 540, To: 720}}
		cand := posting(saperi.Offer, 2, 20)
		cand.Point = north(2)
		cand.Category = "casa"
		cand.Languages = []string{"fr"}
		cand.Slots = []saperi.Slot{{Day: 3, From: 540, To: 720}}
		cand.Updated = now.Add(-60 * 24 * time.Hour)
		cand.Mode = saperi.Either
		return target, matcher.Candidate{Posting: cand, TextScore: 2, Words: 0.5, WordsOf: 2, Active: 2}
	}
	tests := []struct {
		name    string
		feature string
		better  func(target *saperi.Posting, c *matcher.Candidate)
		equalOK bool // the feature may tie (but never be lower)
	}{
		{"closer", saperi.FProximity, func(_ *saperi.Posting, c *matcher.Candidate) { c.Posting.Point = north(0.5) }, false},
		{"closer, both either", saperi.FProximity, func(tg *saperi.Posting, c *matcher.Candidate) {
			tg.Mode = saperi.Either
			c.Posting.Point = north(0.5)
		}, false},
		{"same category", saperi.FCategory, func(_ *saperi.Posting, c *matcher.Candidate) { c.Posting.Category = "scuola" }, false},
		{"category unknown beats other", saperi.FCategory, func(_ *saperi.Posting, c *matcher.Candidate) { c.Posting.Category = "" }, false},
		{"shares a language", saperi.FLanguage, func(_ *saperi.Posting, c *matcher.Candidate) {
			c.Posting.Languages = []string{"fr", "it"}
		}, false},
		{"overlapping slots", saperi.FAvailability, func(_ *saperi.Posting, c *matcher.Candidate) {
			c.Posting.Slots = []saperi.Slot{{Day: 2, From: 600, To: 660}}
		}, false},
		{"more overlap", saperi.FAvailability, func(_ *saperi.Posting, c *matcher.Candidate) {
			c.Posting.Slots = []saperi.Slot{{Day: 3, From: 540, To: 720}, {Day: 2, From: 540, To: 600}}
		}, false},
		{"less loaded", saperi.FLoad, func(_ *saperi.Posting, c *matcher.Candidate) { c.Active = 0 }, false},
		{"fresher", saperi.FFreshness, func(_ *saperi.Posting, c *matcher.Candidate) {
			c.Posting.Updated = now.Add(-24 * time.Hour)
		}, false},
		{"more of the words", saperi.FText, func(_ *saperi.Posting, c *matcher.Candidate) { c.Words = 1.5 }, false},
		{"a shared concept", saperi.FConcept, func(_ *saperi.Posting, c *matcher.Candidate) {
			c.Concepts = []matcher.SharedConcept{{Via: matcher.ConceptSame, Strength: 1}}
		}, false},
		{"the same concept beats a broader one", saperi.FConcept, func(_ *saperi.Posting, c *matcher.Candidate) {
			c.Concepts = []matcher.SharedConcept{{Via: matcher.ConceptSame, Strength: 0.5}}
		}, false},
		{"a leaf concept beats a broad grouping", saperi.FConcept, func(_ *saperi.Posting, c *matcher.Candidate) {
			c.Concepts = []matcher.SharedConcept{{Via: matcher.ConceptSame, Strength: 1, Other: matcher.Concept{Narrower: 0}}}
		}, false},
		{"named clearly on both sides beats a broad word on one", saperi.FConcept, func(_ *saperi.Posting, c *matcher.Candidate) {
			c.Concepts = []matcher.SharedConcept{{Via: matcher.ConceptSame, Strength: 0.9}}
		}, false},
		{"same mode", saperi.FMode, func(_ *saperi.Posting, c *matcher.Candidate) { c.Posting.Mode = saperi.InPerson }, false},
	}
	s := matcher.NewScorer(matcher.Weights{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target, worse := base()
			_, better := base()
			tt.better(target, &better)
			if tt.feature == saperi.FConcept && strings.Contains(tt.name, "broader") {
				worse.Concepts = []matcher.SharedConcept{{Via: matcher.ConceptBroader, Strength: 0.5}}
			}
			if tt.feature == saperi.FConcept && strings.Contains(tt.name, "grouping") {
				worse.Concepts = []matcher.SharedConcept{{Via: matcher.ConceptSame, Strength: 1, Other: matcher.Concept{Narrower: 12}}}
			}
			if tt.feature == saperi.FConcept && strings.Contains(tt.name, "broad word") {
				// A strength of 1 on one side and 0.5 on the other.
				worse.Concepts = sharedBetween(1, 0.5)
			}
			rw := s.Score(target, worse, now)
			rb := s.Score(target, better, now)
			checkRanked(t, rw)
			checkRanked(t, rb)
			fw, fb := rw.Breakdown[tt.feature].Value, rb.Breakdown[tt.feature].Value
			if fb < fw || (fb == fw && !tt.equalOK) {
				t.Errorf("%s: better %v, worse %v", tt.feature, fb, fw)
			}
			if rb.Score <= rw.Score {
				t.Errorf("score: better %v <= worse %v\nbetter %v\nworse %v", rb.Score, rw.Score, rb.Breakdown, rw.Breakdown)
			}
		})
	}
}

// Being near must never score below meeting remotely: with both sides able
// to do either, a candidate at the edge of the radius used to score 0.23
// while one 10 km away scored 0.7 as remote.
func TestScoreProximityNeverBelowRemote(t *testing.T) {
	s := matcher.NewScorer(matcher.Weights{})
	target := posting(saperi.Need, 1, 10)
	target.Mode = saperi.Either
	prev := 2.0
	for _, km := range []float64{0, 0.5, 1, 2, 2.9, 3.5, 10, 40} {
		c := posting(saperi.Offer, 2, 20)
		c.Mode, c.Point = saperi.Either, north(km)
		v := s.Score(target, matcher.Candidate{Posting: c}, now).Breakdown[saperi.FProximity].Value
		if v > prev {
			t.Errorf("proximity at %v km = %v, more than %v nearer", km, v, prev)
		}
		if v < 0.7 {
			t.Errorf("proximity at %v km = %v, below remote", km, v)
		}
		prev = v
	}
}

// Availability is the overlap as a share of the target's weekly minutes; a
// slot written twice must not halve it.
func TestScoreAvailability(t *testing.T) {
	s := matcher.NewScorer(matcher.Weights{})
	mon := func(from, to int) saperi.Slot { return saperi.Slot{Day: 1, From: from, To: to} }
	tests := []struct {
		name         string
		target, cand []saperi.Slot
		want         float64
	}{
		{"unknown", nil, []saperi.Slot{mon(540, 720)}, 0.5},
		{"none", []saperi.Slot{mon(540, 720)}, []saperi.Slot{mon(720, 900)}, 0},
		{"a third", []saperi.Slot{mon(540, 720)}, []saperi.Slot{mon(540, 600)}, 0.8333},
		{"a third, target slot twice", []saperi.Slot{mon(540, 720), mon(540, 720)}, []saperi.Slot{mon(540, 600)}, 0.8333},
		{"half or more is full", []saperi.Slot{mon(540, 720)}, []saperi.Slot{mon(600, 690)}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target, c := posting(saperi.Need, 1, 10), posting(saperi.Offer, 2, 20)
			target.Slots, c.Slots = tt.target, tt.cand
			if got := s.Score(target, matcher.Candidate{Posting: c}, now).Breakdown[saperi.FAvailability].Value; got != tt.want {
				t.Errorf("availability = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestScoreReasons(t *testing.T) {
	s := matcher.NewScorer(matcher.Weights{})
	target := posting(saperi.Need, 1, 10)
	tests := []struct {
		name    string
		edit    func(c *saperi.Posting)
		feature string
		key     string
		args    map[string]any
	}{
		{"near", func(c *saperi.Posting) { c.Point = north(1) }, saperi.FProximity, "reason.proximity.near", map[string]any{"Km": 1.0}},
		{"far", func(c *saperi.Posting) { c.Point = north(12) }, saperi.FProximity, "reason.proximity.far", map[string]any{"Km": 12.0}},
		{"far, distance unknown", func(c *saperi.Posting) { c.Point, c.Area = nil, "Barriera" }, saperi.FProximity, "reason.proximity.far", nil},
		{"area", func(c *saperi.Posting) { c.Point = nil }, saperi.FProximity, "reason.proximity.area", map[string]any{"Area": "Aurora"}},
		{"category", func(c *saperi.Posting) {}, saperi.FCategory, "reason.category.same", map[string]any{"Category": "scuola"}},
		{"languages", func(c *saperi.Posting) { c.Languages = []string{"en", "it"} }, saperi.FLanguage, "reason.language.shared", map[string]any{"Languages": "it"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := posting(saperi.Offer, 2, 20)
			tt.edit(c)
			f := s.Score(target, matcher.Candidate{Posting: c}, now).Breakdown[tt.feature]
			if f.Key != tt.key || !reflect.DeepEqual(f.Args, tt.args) {
				t.Errorf("%s = %s %v, want %s %v", tt.feature, f.Key, f.Args, tt.key, tt.args)
			}
		})
	}
}

func TestNewScorer(t *testing.T) {
	t.Run("zero means defaults", func(t *testing.T) {
		s := matcher.NewScorer(matcher.Weights{})
		if s.Weights != matcher.DefaultWeights() || s.FreshDays != 30 ||
			s.SynonymCredit != matcher.DefaultSynonymCredit {
			t.Errorf("NewScorer(zero) = %+v", s)
		}
	})
	t.Run("keeps given weights", func(t *testing.T) {
		w := matcher.Weights{Category: 1}
		s := matcher.NewScorer(w)
		if s.Weights != w {
			t.Errorf("Weights = %+v, want %+v", s.Weights, w)
		}
		// Relevance weights only: the score is the relevance itself.
		target, c := posting(saperi.Need, 1, 10), posting(saperi.Offer, 2, 20)
		shared := []matcher.SharedConcept{{Via: matcher.ConceptSame, Strength: 1}}
		if got := s.Score(target, matcher.Candidate{Posting: c, Concepts: shared}, now).Score; got != 0.85 {
			t.Errorf("relevance-only score of one shared concept = %v, want 0.85", got)
		}
		c.Category = "casa"
		if got := s.Score(target, matcher.Candidate{Posting: c, Concepts: shared}, now).Score; got != 0.6375 {
			t.Errorf("relevance-only score in another category = %v, want 0.6375", got)
		}
	})
	t.Run("zero Scorer scores like the default", func(t *testing.T) {
		target, c := posting(saperi.Need, 1, 10), posting(saperi.Offer, 2, 20)
		cand := matcher.Candidate{Posting: c, TextScore: 1, Words: 1, WordsOf: 2}
		got := matcher.Scorer{}.Score(target, cand, now)
		want := matcher.NewScorer(matcher.Weights{}).Score(target, cand, now)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("zero Scorer = %v, want %v", got, want)
		}
	})
	t.Run("freshness half-life", func(t *testing.T) {
		s := matcher.NewScorer(matcher.Weights{})
		target, c := posting(saperi.Need, 1, 10), posting(saperi.Offer, 2, 20)
		c.Updated = now.Add(-30 * 24 * time.Hour)
		if got := s.Score(target, matcher.Candidate{Posting: c}, now).Breakdown[saperi.FFreshness].Value; got != 0.5 {
			t.Errorf("freshness after one half-life = %v, want 0.5", got)
		}
	})
}

func TestWeightsValidate(t *testing.T) {
	tests := []struct {
		name  string
		w     matcher.Weights
		field string
	}{
		{"defaults", matcher.DefaultWeights(), ""},
		{"one positive", matcher.Weights{Load: 0.1}, ""},
		{"all zero", matcher.Weights{}, "weights"},
		{"negative text", matcher.Weights{Text: -0.1, Category: 1}, "weights.text"},
		{"negative category", matcher.Weights{Category: -1, Text: 1}, "weights.category"},
		{"negative proximity", matcher.Weights{Proximity: -1, Text: 1}, "weights.proximity"},
		{"negative availability", matcher.Weights{Availability: -1, Text: 1}, "weights.availability"},
		{"negative language", matcher.Weights{Language: -1, Text: 1}, "weights.language"},
		{"negative mode", matcher.Weights{Mode: -1, Text: 1}, "weights.mode"},
		{"negative freshness", matcher.Weights{Freshness: -1, Text: 1}, "weights.freshness"},
		{"negative load", matcher.Weights{Load: -1, Text: 1}, "weights.load"},
		{"NaN", matcher.Weights{Text: math.NaN()}, "weights.text"},
		{"infinite", matcher.Weights{Load: math.Inf(1)}, "weights.load"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkValid(t, tt.w.Validate(), tt.field)
		})
	}
}

func TestRank(t *testing.T) {
	s := matcher.NewScorer(matcher.Weights{})
	target := posting(saperi.Need, 1, 10)
	mk := func(id uint64, words, text float64) matcher.Candidate {
		return matcher.Candidate{Posting: posting(saperi.Offer, id, 100+id), Words: words, WordsOf: 2, TextScore: text}
	}
	t.Run("ties broken by text score, then id", func(t *testing.T) {
		// No words in common: all score 0, the text score and then the id
		// alone decide.
		cands := []matcher.Candidate{mk(9, 0, 1), mk(3, 0, 1), mk(7, 0, 2), mk(5, 0, 1)}
		for range 5 {
			rand.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
			got := ids(s.Rank(target, cands, now))
			if want := []uint64{7, 3, 5, 9}; !reflect.DeepEqual(got, want) {
				t.Fatalf("Rank = %v, want %v", got, want)
			}
		}
	})
	t.Run("most relevant first", func(t *testing.T) {
		// 4 has the best text score, through concepts the candidate
		// does not share with the target: no relevance of its own.
		got := ids(s.Rank(target, []matcher.Candidate{mk(1, 0.2, 9), mk(2, 2, 12), mk(3, 1, 10), mk(4, 0, 20)}, now))
		if want := []uint64{2, 3, 1, 4}; !reflect.DeepEqual(got, want) {
			t.Fatalf("Rank = %v, want %v", got, want)
		}
	})
	t.Run("the text score reads the same words", func(t *testing.T) {
		// The same words in common; BM25 says 5 speaks of them more
		// (title, several times, a shorter text), so it is surer.
		r := s.Rank(target, []matcher.Candidate{mk(6, 2, 2), mk(5, 2, 8)}, now)
		checkRanked(t, r[0])
		checkRanked(t, r[1])
		if r[0].Posting.ID != 5 || !(r[0].Score > r[1].Score+0.3) || !(r[1].Relevance > 0) {
			t.Fatalf("ranked %d %v, %d %v; want 5 first by more than 0.3, 6 still relevant",
				r[0].Posting.ID, r[0].Score, r[1].Posting.ID, r[1].Score)
		}
	})
	t.Run("the text score tempers a shared concept", func(t *testing.T) {
		// The same concept; the index finds 8 a far weaker text match,
		// which takes off at most a fifth of its relevance.
		concept := []matcher.SharedConcept{{Via: matcher.ConceptSame, Strength: 1}}
		a, b := mk(7, 0, 10), mk(8, 0, 1)
		a.Concepts, b.Concepts = concept, concept
		r := s.Rank(target, []matcher.Candidate{b, a}, now)
		checkRanked(t, r[0])
		checkRanked(t, r[1])
		if r[0].Posting.ID != 7 || !(r[1].Relevance < 0.9*r[0].Relevance) || !(r[1].Relevance >= 0.8*r[0].Relevance) {
			t.Fatalf("ranked %d (relevance %v), %d (relevance %v); want 7 first, 8 at 80-90%% of it",
				r[0].Posting.ID, r[0].Relevance, r[1].Posting.ID, r[1].Relevance)
		}
		// The breakdown says so: the best keeps all (100 % of the best
		// text match), the other shows the factor its relevance took.
		best, other := r[0].Breakdown[saperi.FAgreement], r[1].Breakdown[saperi.FAgreement]
		if best.Value != 1 || best.Args["Percent"] != 100 {
			t.Errorf("best text match's agreement %+v, want 1 at 100%%", best)
		}
		if math.Abs(other.Value-r[1].Relevance/r[0].Relevance) > 2e-3 || other.Args["Percent"] != 10 {
			t.Errorf("weaker text match's agreement %+v, relevance %v of %v (text score 1 of 10)", other, r[1].Relevance, r[0].Relevance)
		}
	})
	t.Run("one NaN spoils no other", func(t *testing.T) {
		nan := mk(1, math.NaN(), math.NaN())
		r := s.Rank(target, []matcher.Candidate{nan, mk(2, 1, 8)}, now)
		if r[0].Posting.ID != 2 || r[0].Relevance == 0 || r[1].Score != 0 {
			t.Errorf("ranked %d (relevance %v) first; NaN candidate scored %v", r[0].Posting.ID, r[0].Relevance, r[1].Score)
		}
	})
	t.Run("empty", func(t *testing.T) {
		if got := s.Rank(target, nil, now); got == nil || len(got) != 0 {
			t.Errorf("Rank(nil) = %#v, want empty", got)
		}
	})
}

// TestRelevanceGates: fit modulates a relevant pair and never makes an
// unrelated one look relevant; filler words make little relevance.
func TestRelevanceGates(t *testing.T) {
	s := matcher.NewScorer(matcher.Weights{})
	target := posting(saperi.Need, 1, 10)
	perfect := posting(saperi.Offer, 2, 20) // same place, category, language, mode
	far := posting(saperi.Offer, 3, 30)
	far.Point, far.Languages, far.Category = north(2.9), []string{"fr"}, "casa"
	concept := []matcher.SharedConcept{{Via: matcher.ConceptSame, Strength: 1}}
	tests := []struct {
		name     string
		c        matcher.Candidate
		min, max float64
	}{
		{"unrelated, perfect fit", matcher.Candidate{Posting: perfect, TextScore: 9}, 0, 0},
		{"a filler word in common, perfect fit", matcher.Candidate{Posting: perfect, Words: 0.1, WordsOf: 2.1}, 0, 0.15},
		{"a shared concept, perfect fit", matcher.Candidate{Posting: perfect, Concepts: concept}, 0.75, 0.85},
		{"a shared concept, poor fit", matcher.Candidate{Posting: far, Concepts: concept}, 0.4, 0.65},
		{"most of the words, perfect fit", matcher.Candidate{Posting: perfect, Words: 2.5, WordsOf: 3}, 0.55, 0.8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := s.Score(target, tt.c, now)
			checkRanked(t, r)
			if r.Score < tt.min || r.Score > tt.max {
				t.Errorf("score %v, want in [%v, %v]; breakdown %v", r.Score, tt.min, tt.max, r.Breakdown)
			}
		})
	}
}

func TestWordWeight(t *testing.T) {
	s := matcher.NewScorer(matcher.Weights{})
	need := posting(saperi.Need, 1, 10)
	same, other := posting(saperi.Offer, 2, 20), posting(saperi.Offer, 3, 30)
	other.Category = "cucina"
	tests := []struct {
		name      string
		salience  float64
		via       string
		ambiguous bool
		cand      *saperi.Posting
		want      float64
	}{
		{"a telling word", 1, saperi.ViaExact, false, same, 1},
		{"a filler word", 0.1, saperi.ViaStem, false, same, 0.1},
		{"through a synonym", 1, saperi.ViaSynonym, false, same, matcher.DefaultSynonymCredit},
		{"across categories", 1, saperi.ViaExact, false, other, 0.6},
		{"of several senses", 1, saperi.ViaExact, true, other, 0.15},
		{"of several senses in the same category", 1, saperi.ViaExact, true, same, 0.15},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := s.WordWeight(tt.salience, tt.via, tt.ambiguous, need, tt.cand); math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("WordWeight = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestReasons: the first reason says what matched, trivial ones are left
// out.
func TestReasons(t *testing.T) {
	s := matcher.NewScorer(matcher.Weights{})
	target := posting(saperi.Need, 1, 10)
	c := posting(saperi.Offer, 2, 20)
	c.Point = north(0.4)
	elec := matcher.Concept{ID: "elettrico", Name: "piccoli lavori elettrici"}
	r := s.Score(target, matcher.Candidate{Posting: c,
		Concepts: []matcher.SharedConcept{{Concept: elec, Other: elec, Via: matcher.ConceptSame, Strength: 1,
			Words: []string{"plafoniera"}, OtherWords: []string{"lampadari"}}},
		Terms: []saperi.TermMatch{
			{Word: "plafoniera", Other: "plafoniera", Via: saperi.ViaExact, Salience: 1},
			{Word: "lampadario", Other: "plafoniera", Via: saperi.ViaSynonym, Salience: 0.7},
			{Word: "sempre", Other: "sempre", Via: saperi.ViaExact, Salience: 0.1},
		}, Words: 1.8, WordsOf: 3}, now)
	var keys []string
	for _, x := range r.Reasons {
		keys = append(keys, x.Key)
	}
	if want := []string{matcher.ReasonConcept, matcher.ReasonWords, "reason.proximity.near"}; !reflect.DeepEqual(keys, want) {
		t.Fatalf("reasons %v, want %v (no language, mode or load: both speak Italian, same mode, free)", keys, want)
	}
	if got := r.Reasons[0].Args["Concept"]; got != "piccoli lavori elettrici" {
		t.Errorf("first reason names %v", got)
	}
	// plafoniera is named by the concept already; sempre says nothing.
	if got := r.Reasons[1].Args["Words"]; got != "lampadario ≈ plafoniera" {
		t.Errorf("words reason %q", got)
	}
}

func ids(rs []matcher.Ranked) []uint64 {
	out := make([]uint64, len(rs))
	for i, r := range rs {
		out[i] = r.Posting.ID
	}
	return out
}

// sharedBetween is the concept two postings share when one names it with
// strength a and the other with b, as the engine finds it.
func sharedBetween(a, b float64) []matcher.SharedConcept {
	c := matcher.Concept{ID: "c"}
	return matcher.SharedConceptsOf([]matcher.ConceptMatch{{Concept: c, Strength: a}}, []matcher.ConceptMatch{{Concept: c, Strength: b}})
}

func TestSpecificity(t *testing.T) {
	leaf := matcher.Concept{}.Specificity()
	if leaf != 1 {
		t.Errorf("a leaf's specificity is %v, want 1", leaf)
	}
	prev := leaf
	for _, n := range []int{1, 3, 10, 60} {
		s := matcher.Concept{Narrower: n}.Specificity()
		if !(s < prev && s > 0) {
			t.Errorf("%d narrower: specificity %v, not below %v", n, s, prev)
		}
		prev = s
	}
	// Both sides' strengths count: 1 × 0.5, not the lesser alone.
	if got := sharedBetween(0.8, 0.5)[0].Strength; math.Abs(got-0.4) > 1e-9 {
		t.Errorf("shared strength %v, want 0.4", got)
	}
}

// Both sides naming a concept with the same label of several words, a
// label other concepts' words may also mean, mean the same thing whatever
// else it names: the label's doubt counts once, where the two postings'
// other doubts (a mention in a description) still count. The same single
// word on both sides may be a decoy (cucina, the room and the food), and
// the same pair of words is no label: both count on each side.
func TestSharedConceptSameLabel(t *testing.T) {
	c := matcher.Concept{ID: "c"}
	const oss = "operatore socio sanitario"
	type side struct {
		label         string
		strength, own float64
	}
	for _, tc := range []struct {
		name string
		a, b side
		want float64
	}{
		{"the same shared label, title and description", side{oss, 0.9, 0.9}, side{oss, 0.765, 0.9}, 0.765},
		{"the same shared label, two titles", side{oss, 0.9, 0.9}, side{oss, 0.9, 0.9}, 0.9},
		{"two labels", side{oss, 0.9, 0.9}, side{"assistenza a domicilio", 0.85, 1}, 0.765},
		{"the same label no other concept uses", side{"riparazione lavatrice", 1, 1}, side{"riparazione lavatrice", 0.85, 1}, 0.85},
		{"the same single word", side{"cucina", 0.8, 0}, side{"cucina", 0.8, 0}, 0.64},
		{"the same pair of words", side{"lavandino perde", 0.5, 0}, side{"lavandino perde", 0.5, 0}, 0.25},
	} {
		sc := matcher.SharedConceptsOf([]matcher.ConceptMatch{{Concept: c, Label: tc.a.label, Strength: tc.a.strength, LabelStrength: tc.a.own}},
			[]matcher.ConceptMatch{{Concept: c, Label: tc.b.label, Strength: tc.b.strength, LabelStrength: tc.b.own}})
		if len(sc) != 1 || math.Abs(sc[0].Strength-tc.want) > 1e-9 {
			t.Errorf("%s: shared %+v, want strength %v", tc.name, sc, tc.want)
		}
	}
}
