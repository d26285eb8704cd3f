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
	terms, ts, _ := matchTerms(want.toks, have.toks, e.Analyzer)
	c := Candidate{Posting: p, TextScore: textScore, Terms: terms, Active: active,
		Concepts: sharedConcepts(want.concepts, have.concepts), WordsOf: want.wordsOf}
	for i := range terms {
		sal, amb := 1.0, false
		if v, ok := want.salience[ts[i]]; ok {
			sal = v
		}
		if e.Lexicon != nil {
			// A word of several senses means the same on both sides only
			// when a concept they share is named by it on both.
			amb = e.Lexicon.Ambiguous(ts[i]) && !namedBy(c.Concepts, terms[i])
		}
		w := e.Scorer.WordWeight(sal, terms[i].Via, amb, target, p)
		if !inTitle(have, ts[i], terms[i]) {
			w *= untitledWord
		}
		terms[i].Salience = round4(w)
		c.Words += w
	}
	return c
}

// weigh fills in the salience of a's distinct words, as a target.
func (e *Engine) weigh(a *analysed) {
	var terms []string
	seen := make(map[string]bool, len(a.toks))
	for _, t := range a.toks {
		if !seen[t.Term] {
			seen[t.Term] = true
			terms = append(terms, t.Term)
		}
	}
	a.salience = make(map[string]float64, len(terms))
	a.wordsOf = 0
	var sal []float64
	if e.Lexicon != nil {
		sal = e.Lexicon.Salience(terms)
	}
	for i, t := range terms {
		v := 1.0
		if i < len(sal) {
			v = sal[i]
		}
		a.salience[t] = v
		a.wordsOf += v
	}
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

// untitledWord weighs a word the candidate has only in its description:
// a title says what a posting is about, a description also what it is
// not.
const untitledWord = 0.7

// inTitle reports whether the candidate's title or tags have the word
// (the term itself or, through a synonym, the word it was met as).
func inTitle(have analysed, term string, t saperi.TermMatch) bool {
	for _, h := range have.toks[:have.title] {
		if h.Term == term || strings.EqualFold(h.Word, t.Other) {
			return true
		}
	}
	return false
}
