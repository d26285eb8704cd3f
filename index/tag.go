package index

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/matcher"
)

// lexicon is what the index knows of words besides the postings: the
// concept files, the low-information words and the analysers of the other
// languages. It is built once per process from embedded data and never
// changes.
type lexicon struct {
	concepts *conceptSet
	lowInfo  map[string]bool
	foreign  map[string]analysis.Analyzer

	// What building a concept set takes: the embedded files as parsed,
	// their hash, and the analysers of labels.
	raws      []*rawConcept
	hash      []byte
	it        termsFunc
	foreignTF map[string]termsFunc
}

var (
	lexOnce sync.Once
	lex     *lexicon
	lexErr  error
)

// loadLexicon returns the process's lexicon, built with the Italian
// analyser a (the mapping's: every index of a version analyses alike).
func loadLexicon(a analysis.Analyzer) (*lexicon, error) {
	lexOnce.Do(func() {
		l := &lexicon{lowInfo: map[string]bool{}}
		if l.foreign, lexErr = foreignAnalyzers(); lexErr != nil {
			lexErr = fmt.Errorf("index: analysers: %w", lexErr)
			return
		}
		it := func(text string) []posTerm { return positioned(a, text, nil) }
		for _, w := range lowInfoWords {
			for _, t := range it(w) {
				l.lowInfo[t.term] = true
			}
		}
		// Labels are analysed once per process: a lexicon with extra
		// concepts (with) reuses the embedded ones' analysis.
		l.it, l.foreignTF = memo(it), map[string]termsFunc{}
		for lang, fa := range l.foreign {
			l.foreignTF[lang] = memo(func(text string) []posTerm { return positioned(fa, text, fold) })
		}
		if l.raws, l.hash, lexErr = readConcepts(); lexErr == nil {
			l.concepts, lexErr = buildConcepts(l.raws, l.it, l.foreignTF, l.lowInfo, hex.EncodeToString(l.hash)[:12])
		}
		if lexErr != nil {
			lexErr = fmt.Errorf("index: concepts: %w", lexErr)
			return
		}
		lex = l
	})
	return lex, lexErr
}

// memo remembers f's answers; it is safe for concurrent use.
func memo(f termsFunc) termsFunc {
	var mu sync.Mutex
	seen := map[string][]posTerm{}
	return func(text string) []posTerm {
		mu.Lock()
		ts, ok := seen[text]
		mu.Unlock()
		if ok {
			return ts
		}
		ts = f(text)
		mu.Lock()
		seen[text] = ts
		mu.Unlock()
		return ts
	}
}

// with returns the lexicon with extra concepts (text in the concept file
// format) added to the embedded ones, or instead of them when only; their
// content is part of the concept version, so a change rebuilds the index.
func (l *lexicon) with(extra []byte, only bool) (*lexicon, error) {
	if len(extra) == 0 && !only {
		return l, nil
	}
	more, err := parseConcepts("extra concepts", bytes.NewReader(extra))
	if err != nil {
		return nil, fmt.Errorf("index: concepts: %w", err)
	}
	h := sha256.New()
	h.Write(l.hash)
	h.Write(extra)
	out := *l
	base := slices.Clip(l.raws)
	if only {
		base = nil
		h.Write([]byte("only"))
	}
	out.concepts, err = buildConcepts(append(base, more...), l.it, l.foreignTF, l.lowInfo, hex.EncodeToString(h.Sum(nil))[:12])
	if err != nil {
		return nil, fmt.Errorf("index: concepts: %w", err)
	}
	return &out, nil
}

// tagged is a concept found in a posting, with the best evidence for it.
type tagged struct {
	c     *concept
	label string // the label that matched, as written in the file
	// labelStrength is that label's own strength when it has several
	// telling words (see matcher.ConceptMatch.LabelStrength), else 0.
	labelStrength float64
	words         []string // the words of the posting that matched it
	inTitle       bool
	problem       bool
	sure          bool // an unambiguous label, or the concept's own category
	// labels are the distinct labels of the concept found, by their
	// terms (presa and prese are one).
	labels map[string]bool
	// strength is how surely the posting is about the concept, in (0,1]:
	// its strongest label's, less for a one found only in the
	// description.
	strength float64
}

// severalStrength is l's own strength when it has several telling words,
// else 0.
func severalStrength(l *label) float64 {
	if l.several {
		return l.strength
	}
	return 0
}

// untitled scales the strength of a concept found in a description only:
// a description mentions things in passing that a title would not.
const untitled = 0.85

// tag finds the concepts of a posting's title (and tags) and
// description, written in lang, filed under category.
func (ix *Index) tag(title string, tags []string, description, category string, langs []string) []tagged {
	lang := "it"
	if len(langs) > 0 {
		lang = langs[0]
	}
	cs := ix.lex().concepts
	if cs == nil {
		return nil
	}
	byID := map[string]*tagged{}
	var order []string
	add := func(h conceptHit, inTitle bool) {
		sure := !h.l.ambiguous
		strength := h.l.strength
		if !inTitle {
			strength *= untitled
		}
		t, ok := byID[h.l.c.ID]
		if !ok {
			t = &tagged{c: h.l.c, label: h.l.text, labelStrength: severalStrength(h.l), words: h.words, inTitle: inTitle, problem: h.l.problem,
				sure: sure, strength: strength, labels: map[string]bool{strings.Join(h.l.terms, " "): true}}
			byID[h.l.c.ID] = t
			order = append(order, h.l.c.ID)
			return
		}
		// Labels with other words of the same concept support each
		// other ("prese" and "corrente"): their strengths combine.
		if key := strings.Join(h.l.terms, " "); !t.labels[key] {
			t.labels[key] = true
			t.strength = 1 - (1-t.strength)*(1-strength)
		} else {
			t.strength = max(t.strength, strength)
		}
		// Keep the strongest evidence: unambiguous over ambiguous, the
		// title over the description, more words over fewer.
		better := (sure && !t.sure) || (sure == t.sure && inTitle && !t.inTitle) ||
			(sure == t.sure && inTitle == t.inTitle && len(h.words) > len(t.words))
		t.inTitle = t.inTitle || inTitle
		t.sure = t.sure || sure
		if better {
			t.label, t.labelStrength, t.words, t.problem = h.l.text, severalStrength(h.l), h.words, h.l.problem
		}
	}
	// The texts to look for pairs in, once every field's labels are known.
	type pairScan struct {
		ts      []posTerm
		hits    []conceptHit
		inTitle bool
	}
	var later []pairScan
	scan := func(text string, inTitle bool) {
		if strings.TrimSpace(text) == "" {
			return
		}
		// Italian labels always (a post in another language often names
		// an Italian service: "permesso di soggiorno"), but only multiword
		// ones in a foreign text, where a short Italian-looking word is
		// most likely another language's.
		its := ix.an.positioned(text)
		itHits := cs.find("it", its, lang != "it")
		for _, h := range itHits {
			add(h, inTitle)
		}
		if lang == "it" {
			later = append(later, pairScan{its, itHits, inTitle})
		}
		for _, l := range langs {
			if fa, ok := ix.lex().foreign[l]; ok {
				fts := positioned(fa, text, fold)
				fHits := cs.find(l, fts, false)
				for _, h := range fHits {
					add(h, inTitle)
				}
				if l == lang {
					later = append(later, pairScan{fts, fHits, inTitle})
				}
			}
		}
	}
	scan(title, true)
	for _, tg := range tags {
		scan(tg, true)
	}
	scan(description, false)
	// Then, once every field's labels are known, the concepts no label
	// found (not even an ambiguous one, which a pair does not give its
	// sense) that two words name together (see pairWindow), in the text's
	// own language only: the filler words pairs skip are Italian, and the
	// author's other languages would pair an Italian text's short words.
	for _, p := range later {
		for _, h := range cs.pairs(lang, p.ts, p.hits) {
			if _, ok := byID[h.l.c.ID]; !ok {
				add(h, p.inTitle)
			}
		}
	}

	out := make([]tagged, 0, len(order))
	for _, id := range order {
		t := byID[id]
		// An ambiguous label counts in the concept's own category only,
		// unless another label of the concept is there too: its
		// neighbours give it its sense ("prese" and "corrente").
		if !t.sure && t.c.Category != category && len(t.labels) < 2 {
			continue
		}
		t.sure = true
		out = append(out, *t)
	}
	slices.SortStableFunc(out, func(a, b tagged) int {
		if a.inTitle != b.inTitle {
			if a.inTitle {
				return -1
			}
			return 1
		}
		return 0
	})
	return out
}

// postingLang is the language of p's text.
func postingLang(p *saperi.Posting) string {
	return DetectLanguage(p.Title + "\n" + p.Description)
}

// postingLangs are the languages p's text is read in for concepts: the
// one detected first, then the other languages the person says they
// speak, as a short text often reads as Italian to detection ("Plumber
// needed") while its author wrote in their own language. Each adds only
// its own labels, and only for the languages of that person.
func postingLangs(p *saperi.Posting) []string {
	out := []string{postingLang(p)}
	for _, l := range p.Languages {
		l = strings.ToLower(strings.TrimSpace(l))
		if l != "it" && slices.Contains(Languages, l) && !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}

// Concepts returns the concepts of p's text, those of its title first:
// the Italian labels of what it is about, found in any of the languages
// Saperi reads. It implements matcher.Analyzer.
func (ix *Index) Concepts(p *saperi.Posting) []matcher.ConceptMatch {
	return ix.conceptMatches(ix.tag(p.Title, p.Tags, p.Description, strings.ToLower(strings.TrimSpace(p.Category)), postingLangs(p)))
}

// ConceptsOf returns the concepts found in a free text, such as a
// person's story ("ho fatto la sarta per trent'anni"), read as a posting
// of category (empty when unknown: then ambiguous labels do not count).
func (ix *Index) ConceptsOf(text, category string) []matcher.ConceptMatch {
	return ix.conceptMatches(ix.tag("", nil, text, category, []string{DetectLanguage(text)}))
}

// Concept returns the concept with id, if the concept files have it.
func (ix *Index) Concept(id string) (matcher.Concept, bool) {
	if ix.lex().concepts == nil {
		return matcher.Concept{}, false
	}
	c, ok := ix.lex().concepts.byID[id]
	if !ok {
		return matcher.Concept{}, false
	}
	return conceptOf(c), true
}

func conceptOf(c *concept) matcher.Concept {
	return matcher.Concept{ID: c.ID, Name: c.Name, Category: c.Category, Parent: c.Parent, Narrower: len(c.children)}
}

func (ix *Index) conceptMatches(ts []tagged) []matcher.ConceptMatch {
	out := make([]matcher.ConceptMatch, len(ts))
	for i, t := range ts {
		out[i] = matcher.ConceptMatch{Concept: conceptOf(t.c), Label: t.label, Words: t.words, InTitle: t.inTitle, Problem: t.problem,
			Strength: math.Round(t.strength*1e4) / 1e4, LabelStrength: math.Round(t.labelStrength*1e4) / 1e4}
	}
	return out
}

// conceptIDs are the ids a posting's concepts field holds.
func (ix *Index) conceptIDs(p *saperi.Posting) []string {
	ts := ix.tag(p.Title, p.Tags, p.Description, strings.ToLower(strings.TrimSpace(p.Category)), postingLangs(p))
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.c.ID
	}
	return out
}

// Salience says how much each of terms tells about what a post is about,
// in [lowSalience, 1]: the curated filler words (sempre, anni, lavoro,
// casa…) weigh lowSalience, others by how rare they are among the
// postings (BM25's idf, relative to a word found in one posting in a
// thousand). It implements matcher.Lexicon. Answers are cached; the
// terms not yet known are counted in one look at the index.
func (ix *Index) Salience(terms []string) []float64 {
	out := make([]float64, len(terms))
	var missing []string
	ix.hubMu.RLock()
	for i, t := range terms {
		switch v, ok := ix.salCache[t]; {
		case ix.lex().lowInfo[t]:
			out[i] = lowSalience
		case ok:
			out[i] = v
		default:
			out[i] = -1
			missing = append(missing, t)
		}
	}
	ix.hubMu.RUnlock()
	if len(missing) == 0 {
		return out
	}
	found := make(map[string]float64, len(missing))
	st := ix.termStats(missing)
	for _, t := range missing {
		v := 1.0
		if st.ok && st.docs > 0 {
			n := float64(st.docs)
			idf := func(df float64) float64 { return math.Log(1 + (n-df+0.5)/(df+0.5)) }
			if ref := idf(max(1, n/1000)); ref > 0 {
				v = min(1, max(lowSalience, idf(float64(st.df(t)))/ref))
			}
		}
		found[t] = v
	}
	ix.hubMu.Lock()
	if len(ix.salCache)+len(found) >= relCacheMax {
		clear(ix.salCache)
	}
	maps.Copy(ix.salCache, found)
	ix.hubMu.Unlock()
	for i, t := range terms {
		if out[i] < 0 {
			out[i] = found[t]
		}
	}
	return out
}

// lowSalience is the weight of a filler word.
const lowSalience = 0.1

// Ambiguous reports whether a word has several common senses (it is a
// one-word it? label of a concept, such as presa, cucina, pianta): shared
// between postings of different categories it likely means different
// things. It implements matcher.Analyzer.
func (ix *Index) Ambiguous(term string) bool {
	if ix.lex().concepts == nil {
		return false
	}
	return len(ix.lex().concepts.ambig[term]) > 0
}
