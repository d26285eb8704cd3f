package matcher

import (
	"slices"
	"strings"

	"github.com/saperi/saperi"
)

// candidate gathers what ranking needs to know of p as a candidate for
// target, whose text is want: the words in common with their weight, and
// the shared concepts.
func (e *Engine) candidate(target *saperi.Posting, want analysed, p *saperi.Posting, textScore float64, active int) Candidate {
	have := e.analyseCached(p)
	terms, ts, distinct := matchTerms(want.toks, have.toks, e.Analyzer)
	c := Candidate{Posting: p, TextScore: textScore, Terms: terms, Active: active,
		Concepts: sharedConcepts(want.concepts, have.concepts), WordsOf: e.wordsOf(want.toks)}
	if distinct > 0 {
		c.Coverage = float64(len(terms)) / float64(distinct)
	}
	for i := range terms {
		sal, amb := 1.0, false
		if e.Lexicon != nil {
			sal = e.Lexicon.Salience(ts[i])
			// A word of several senses means the same on both sides only
			// when a concept they share is named by it on both.
			amb = e.Lexicon.Ambiguous(ts[i]) && !namedBy(c.Concepts, terms[i])
		}
		w := e.Scorer.WordWeight(sal, terms[i].Via, amb, target, p)
		terms[i].Salience = round4(w)
		c.Words += w
	}
	return c
}

// wordsOf is the salience of the distinct words of toks.
func (e *Engine) wordsOf(toks []Token) float64 {
	seen := make(map[string]bool, len(toks))
	sum := 0.0
	for _, t := range toks {
		if seen[t.Term] {
			continue
		}
		seen[t.Term] = true
		if e.Lexicon != nil {
			sum += e.Lexicon.Salience(t.Term)
		} else {
			sum++
		}
	}
	return sum
}

// namedBy reports whether one of cs is named by t's words on both sides.
func namedBy(cs []SharedConcept, t saperi.TermMatch) bool {
	for _, c := range cs {
		if slices.ContainsFunc(c.Words, func(w string) bool { return strings.EqualFold(w, t.Word) }) &&
			slices.ContainsFunc(c.OtherWords, func(w string) bool { return strings.EqualFold(w, t.Other) }) {
			return true
		}
	}
	return false
}
