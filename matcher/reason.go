package matcher

import (
	"strings"

	"github.com/saperi/saperi"
)

// Reason keys of what matched; the catalogs word them ("stesso bisogno:
// piccoli lavori elettrici", "parole in comune: lampadario ≈ plafoniera").
const (
	// ReasonConcept: the same concept; Args Concept (its Italian name).
	ReasonConcept = "reason.concept"
	// ReasonConceptRelated: a broader or narrower concept; Args Concept
	// (the target's) and Other (the candidate's).
	ReasonConceptRelated = "reason.concept.related"
	// ReasonWords: salient words in common; Args Words ("lampadario,
	// maestra ≈ insegnante") and Count.
	ReasonWords = "reason.text"
)

// salientWord is the least salience a shared word needs to be named
// among the reasons: filler words in common are no reason.
const salientWord = 0.25

// maxConceptReasons is at most how many shared concepts the reasons name.
const maxConceptReasons = 2

// matchedReasons are the reasons that say what matched: the shared
// concepts, then the salient words in common that no concept already
// names.
func matchedReasons(c Candidate) []saperi.Reason {
	var out []saperi.Reason
	named := map[string]bool{}
	for i, sc := range c.Concepts {
		for _, w := range sc.Words {
			named[strings.ToLower(w)] = true
		}
		if i >= maxConceptReasons {
			continue
		}
		if sc.Via == ConceptSame {
			out = append(out, saperi.Reason{Key: ReasonConcept, Args: map[string]any{"Concept": sc.Concept.Name}})
		} else {
			out = append(out, saperi.Reason{Key: ReasonConceptRelated, Args: map[string]any{"Concept": sc.Concept.Name, "Other": sc.Other.Name}})
		}
	}
	var words []string
	for _, t := range c.Terms {
		if t.Salience >= salientWord && !named[strings.ToLower(t.Word)] {
			words = append(words, termWords(t))
		}
	}
	if len(words) > 0 {
		out = append(out, saperi.Reason{Key: ReasonWords, Args: map[string]any{"Words": strings.Join(words, ", "), "Count": len(words)}})
	}
	return out
}

// termWords is how a shared word reads: "lampadario", or "maestra ≈
// insegnante" when the two postings used different words.
func termWords(t saperi.TermMatch) string {
	if t.Via == saperi.ViaSynonym || t.Via == saperi.ViaFuzzy {
		return t.Word + " ≈ " + t.Other
	}
	return t.Word
}

// conceptArgs are the arguments of the concept factor: the names of the
// shared concepts.
func conceptArgs(cs []SharedConcept) map[string]any {
	if len(cs) == 0 {
		return nil
	}
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.Concept.Name
	}
	return map[string]any{"Concept": names[0], "Concepts": strings.Join(names, ", "), "Count": len(names)}
}

// wordArgs are the arguments of the text factor: the salient words in
// common.
func wordArgs(ts []saperi.TermMatch) map[string]any {
	var words []string
	for _, t := range ts {
		if t.Salience >= salientWord {
			words = append(words, termWords(t))
		}
	}
	return map[string]any{"Words": strings.Join(words, ", "), "Count": len(words)}
}
