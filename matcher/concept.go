package matcher

import (
	"math"

	"github.com/saperi/saperi"
)

// Concept is one thing of everyday community life that a person may need
// and another may offer ("piccoli lavori elettrici", "compilare l'ISEE"),
// from the curated concept files: a need reaches an offer through a shared
// concept even when they share no word.
type Concept struct {
	ID string `json:"id"`
	// Name is the Italian display name ("piccoli lavori elettrici").
	Name     string `json:"name"`
	Category string `json:"category"`
	// Parent is the broader concept, if any: a need for it is answered by
	// the narrower one and the other way round, at a lower weight.
	Parent string `json:"parent,omitempty"`
	// Narrower is how many concepts name it as their parent: a concept
	// with many narrower ones is a broad grouping ("manutenzione della
	// casa"), and two postings sharing it less surely answer each other
	// than two sharing a leaf ("lavandino intasato").
	Narrower int `json:"narrower,omitempty"`
}

// specificityScale is how fast specificity falls with the narrower
// concepts: 1 for a leaf, 0.78 with 3, 0.68 with 10, 0.55 with 60.
const specificityScale = 0.2

// Specificity is how specific c is, in (0,1]: 1 for a concept with no
// narrower concepts, less the more it groups.
func (c Concept) Specificity() float64 {
	return 1 / (1 + specificityScale*math.Log1p(float64(max(c.Narrower, 0))))
}

// ConceptMatch is a concept found in a text, with what was read: the
// label of the concept files that matched and the words of the text that
// matched it, as written (in the posting's language).
type ConceptMatch struct {
	Concept
	Label   string   `json:"label"`
	Words   []string `json:"words"`
	InTitle bool     `json:"in_title"`
	// Problem is set when the text describes a situation calling for
	// the concept ("le prese non vanno") rather than naming it.
	Problem bool `json:"problem"`
	// Strength is how surely the text is about the concept, in (0,1]: a
	// label of several telling words says it fully unless the labels of
	// other concepts use all of them too, one word shared by the labels of
	// many concepts ("documenti") less, a mention in the description less
	// than in the title.
	Strength float64 `json:"strength"`
	// LabelStrength is, for a label of several telling words, how surely
	// that label names the concept (1 when no other concept's labels use
	// all its words); 0 for one word or a pair of words. It is part of
	// Strength.
	LabelStrength float64 `json:"label_strength,omitempty"`
}

// Ways a concept of the target relates to one of the candidate.
const (
	ConceptSame     = "same"     // the same concept
	ConceptBroader  = "broader"  // the candidate's is the broader one
	ConceptNarrower = "narrower" // the candidate's is the narrower one
)

// SharedConcept is a concept of the target met in the candidate: the same
// one, or its broader or narrower concept.
type SharedConcept struct {
	// Concept is the target's, Other the candidate's.
	Concept Concept `json:"concept"`
	Other   Concept `json:"other"`
	Via     string  `json:"via"`
	// Words are the words of the target that named it, OtherWords those
	// of the candidate, as written.
	Words      []string `json:"words"`
	OtherWords []string `json:"other_words"`
	// InTitle is set when it was found in the title of either.
	InTitle bool `json:"in_title"`
	// Strength is how surely both are about it: the product of the two
	// postings' strengths (a concept named clearly on one side and by a
	// broad word on the other is a weak link), except that the doubt of a
	// label of several words that both use counts once.
	Strength float64 `json:"strength"`
}

// Lexicon is what matching knows of meaning beyond the words themselves;
// the index package provides it.
type Lexicon interface {
	// Concepts returns the concepts of a posting's text, those of its
	// title first.
	Concepts(p *saperi.Posting) []ConceptMatch
	// Salience says how much each (normalised) word tells about what a
	// post is about, in (0,1]: filler words little, rare words fully.
	Salience(terms []string) []float64
	// Ambiguous reports whether a word has several common senses (presa,
	// cucina, pianta), so that between postings of different categories
	// it likely means different things.
	Ambiguous(term string) bool
}

// sharedConcepts returns the concepts of want met in have, the closest
// relation first for each of want's concepts, in want's order.
func sharedConcepts(want, have []ConceptMatch) []SharedConcept {
	var out []SharedConcept
	for _, w := range want {
		var best *SharedConcept
		for _, h := range have {
			via := ""
			switch {
			case h.ID == w.ID:
				via = ConceptSame
			case h.ID == w.Parent && h.ID != "":
				via = ConceptBroader
			case h.Parent == w.ID && h.Parent != "":
				via = ConceptNarrower
			default:
				continue
			}
			sc := SharedConcept{Concept: w.Concept, Other: h.Concept, Via: via, Words: w.Words, OtherWords: h.Words,
				InTitle: w.InTitle || h.InTitle, Strength: strength(w) * strength(h)}
			if ls, ok := sameLabel(w, h); ok {
				// Both name it with the same words: whichever of the
				// concepts those words may name, they mean the same one,
				// so the label's doubt counts once.
				sc.Strength = min(1, sc.Strength/ls)
			}
			if best == nil || (via == ConceptSame && best.Via != ConceptSame) || (via == best.Via && sc.Strength > best.Strength) {
				best = &sc
			}
		}
		if best != nil {
			out = append(out, *best)
		}
	}
	return out
}

// sameLabel reports whether a and b were found by the same label of
// several telling words that other concepts' labels may also mean, and
// that label's strength. One word on both sides is not enough: it may be
// a decoy (cucina, the room and the food), which its strength already
// doubts; nor is a pair of words, which is no label.
func sameLabel(a, b ConceptMatch) (float64, bool) {
	ls := a.LabelStrength
	return ls, ls > 0 && ls < 1 && a.Label != "" && a.Label == b.Label
}

// strength is m's strength, 1 when unknown (zero).
func strength(m ConceptMatch) float64 {
	if m.Strength > 0 {
		return min(m.Strength, 1)
	}
	return 1
}
