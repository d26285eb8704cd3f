package saperi

import "math"

// Feature names, as they appear in a Breakdown. Concept, text and
// category make up relevance (does the offer answer the need?); the
// others make up fit, which modulates a relevant pair and never makes an
// unrelated one look relevant (see matcher.Scorer).
const (
	FConcept      = "concept"
	FText         = "text"
	FCategory     = "category"
	FProximity    = "proximity"
	FAvailability = "availability"
	FLanguage     = "language"
	FMode         = "mode"
	FFreshness    = "freshness"
	FLoad         = "load"
	// FAgreement is not weighted: its value is the factor, 0.8 to 1, by
	// which relevance follows the candidate's text score relative to the
	// best candidate's (matcher.Scorer), so a reader of the breakdown sees
	// why concept and text contribute less than their values say.
	FAgreement = "agreement"
)

// Features lists the weighted feature names in display order (the
// concept factor is part of relevance, with text, and has no weight of its
// own).
var Features = []string{FText, FCategory, FProximity, FAvailability, FLanguage, FMode, FFreshness, FLoad}

// Factors lists every name in a Breakdown: the concept factor, the
// weighted features and the text agreement.
var Factors = append(append([]string{FConcept}, Features...), FAgreement)

// Factor is one feature's part in a score: its value in [0,1], its weight
// (normalised so all weights sum to one) and the product. Key and Args name
// a human reason in the translation catalogs ("vicino a te: 1,2 km").
type Factor struct {
	Value        float64        `json:"value"`
	Weight       float64        `json:"weight"`
	Contribution float64        `json:"contribution"`
	Key          string         `json:"key"`
	Args         map[string]any `json:"args,omitempty"`
}

// Breakdown maps feature names to their factors; contributions sum to the score.
type Breakdown map[string]Factor

// TermMatch is a word of one posting found in the other: Word as written in
// the posting being matched, Other as written in the candidate, and Via how
// they met ("exact" for the same word, "stem" for the same stem,
// "synonym" through the thesaurus).
type TermMatch struct {
	Word  string `json:"word"`
	Other string `json:"other"`
	Via   string `json:"via"`
	// Salience is what the word counted for in relevance, in [0,1]: how
	// much it says (filler words little), less through a synonym or
	// between postings of different categories.
	Salience float64 `json:"salience,omitempty"`
}

// Reason is one reason for a score, in words: Key names a text of the
// catalogs, Args fill it in ("stesso bisogno: {{.Concept}}"). Reasons are
// listed strongest first, the first saying what matched.
type Reason struct {
	Key  string         `json:"key"`
	Args map[string]any `json:"args,omitempty"`
}

// Ways two words can meet.
const (
	ViaExact   = "exact"
	ViaStem    = "stem"
	ViaSynonym = "synonym"
	ViaFuzzy   = "fuzzy"
)

// Scored is what a match keeps of its ranking: the score in [0,1], its
// per-feature breakdown, the words that met and the reasons in words.
type Scored struct {
	Score     float64     `json:"score"`
	Breakdown Breakdown   `json:"breakdown"`
	Terms     []TermMatch `json:"terms"`
	Reasons   []Reason    `json:"reasons,omitempty"`
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func clamp01(v float64) float64 {
	if math.IsNaN(v) || v < 0 {
		return 0
	}
	return math.Min(v, 1)
}

func round4(v float64) float64 { return math.Round(v*1e4) / 1e4 }
