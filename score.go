package saperi

import "math"

// Feature names, as they appear in a Breakdown.
const (
	FText         = "text"
	FCategory     = "category"
	FProximity    = "proximity"
	FAvailability = "availability"
	FLanguage     = "language"
	FMode         = "mode"
	FFreshness    = "freshness"
	FLoad         = "load"
)

// Features lists the feature names in display order.
var Features = []string{FText, FCategory, FProximity, FAvailability, FLanguage, FMode, FFreshness, FLoad}

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
}

// Ways two words can meet.
const (
	ViaExact   = "exact"
	ViaStem    = "stem"
	ViaSynonym = "synonym"
	ViaFuzzy   = "fuzzy"
)

// Scored is what a match keeps of its ranking: the score in [0,1], its
// per-feature breakdown and the words that met.
type Scored struct {
	Score     float64     `json:"score"`
	Breakdown Breakdown   `json:"breakdown"`
	Terms     []TermMatch `json:"terms"`
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func clamp01(v float64) float64 {
	if math.IsNaN(v) || v < 0 {
		return 0
	}
	return math.Min(v, 1)
}

func round4(v float64) float64 { return math.Round(v*1e4) / 1e4 }
