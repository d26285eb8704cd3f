package index

import (
	"bufio"
	_ "embed"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// curatedText is Saperi's own thesaurus; thesaurus.txt documents its format.
//
//go:embed thesaurus.txt
var curatedText string

// DefaultGeneralThesaurus is where Debian's mythes-it package installs the
// general Italian thesaurus (GPL data, loaded at run time, never shipped
// with Saperi).
const DefaultGeneralThesaurus = "/usr/share/mythes/th_it_IT_v2.dat"

// maxExpansions caps the expressions one query is expanded with, so a
// long need stays an interactive query.
const maxExpansions = 48

// expr is an expression of the thesaurus as analysed terms, e.g.
// ["insegnant", "scuol", "primar"] for "insegnante di scuola primaria".
type expr []string

func (e expr) key() string { return strings.Join(e, " ") }

// thesaurus is one layer of related terms: groups of equivalent
// expressions, looked up by the key of any of their expressions. It is
// read-only once built.
type thesaurus struct {
	groups [][]expr
	byKey  map[string][]int // expression key → groups it belongs to
	maxLen int              // longest expression, in terms
	// categories maps a category id to its keywords.
	categories map[string][]expr
}

func newThesaurus() *thesaurus {
	return &thesaurus{byKey: map[string][]int{}, categories: map[string][]expr{}}
}

// addGroup adds a group of equivalent expressions, each analysed with an;
// expressions that analyse to nothing are dropped, and a group left with
// fewer than two is ignored.
func (th *thesaurus) addGroup(an *analyzer, words []string) {
	var g []expr
	seen := map[string]bool{}
	for _, w := range words {
		e := expr(an.terms(w))
		if len(e) == 0 || seen[e.key()] {
			continue
		}
		seen[e.key()] = true
		g = append(g, e)
	}
	if len(g) < 2 {
		return
	}
	id := len(th.groups)
	th.groups = append(th.groups, g)
	for _, e := range g {
		th.byKey[e.key()] = append(th.byKey[e.key()], id)
		th.maxLen = max(th.maxLen, len(e))
	}
}

// parseThesaurus reads the curated format (see thesaurus.txt): groups of
// comma-separated expressions, and "@category: keyword, …" lines.
func parseThesaurus(an *analyzer, r io.Reader) (*thesaurus, error) {
	th := newThesaurus()
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if rest, ok := strings.CutPrefix(line, "@"); ok {
			cat, kws, ok := strings.Cut(rest, ":")
			cat = strings.TrimSpace(cat)
			if !ok || cat == "" {
				return nil, fmt.Errorf("thesaurus line %d: want @category: keyword, keyword", n)
			}
			for _, k := range strings.Split(kws, ",") {
				if e := expr(an.terms(k)); len(e) > 0 {
					th.categories[cat] = append(th.categories[cat], e)
				}
			}
			continue
		}
		th.addGroup(an, strings.Split(line, ","))
	}
	return th, sc.Err()
}

// loadMythes reads a MyThes thesaurus (the .dat file of mythes-it): a
// first line naming the encoding, then entries "word|n" followed by n lines
// "(part of speech …)|synonym|synonym…". Only nouns, adjectives and verbs
// (s., agg., v.) of single words are kept, each entry as a group with its
// one-word synonyms: multi-word glosses ("addetto alla manutenzione delle
// tubazioni") are definitions more than synonyms.
func loadMythes(an *analyzer, path string) (*thesaurus, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	th, err := parseMythes(an, fh)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return th, nil
}

// parseMythes reads the MyThes format described on loadMythes from r.
func parseMythes(an *analyzer, r io.Reader) (*thesaurus, error) {
	th := newThesaurus()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("empty")
	}
	if enc := strings.TrimSpace(sc.Text()); !strings.EqualFold(enc, "UTF-8") {
		return nil, fmt.Errorf("encoding %q, want UTF-8", enc)
	}
	head := ""
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "(") {
			head, _, _ = strings.Cut(line, "|")
			continue
		}
		if strings.ContainsAny(head, " '") {
			continue
		}
		parts := strings.Split(line, "|")
		pos := strings.ToLower(parts[0])
		if !strings.HasPrefix(pos, "(s.") && !strings.HasPrefix(pos, "(agg.") && !strings.HasPrefix(pos, "(v.") {
			continue
		}
		words := []string{head}
		for _, w := range parts[1:] {
			if w = strings.TrimSpace(w); w != "" && !strings.ContainsAny(w, " '") {
				words = append(words, w)
			}
		}
		th.addGroup(an, words)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return th, nil
}

// expansion is an expression a query is widened with, and how much it
// weighs relative to a word written in the query.
type expansion struct {
	terms  expr
	weight float64
	source string // the query terms it expands, for explanations
}

// layer is a thesaurus with the weight of what it adds. A fallback layer
// is consulted at a position of the query only when the layers before it
// found nothing there.
type layer struct {
	th       *thesaurus
	weight   float64
	fallback bool
}

// expand returns the expressions related to the query terms: every
// expression of every group that contains an expression found in terms
// (longest first at each position), other than what the query already
// says. An expression reached through several layers keeps its highest
// weight. Order is deterministic: by position in terms, then layer, then
// the thesaurus order.
func expand(layers []layer, terms []string) []expansion {
	have := make(map[string]bool, len(terms))
	for _, t := range terms {
		have[t] = true
	}
	var out []expansion
	at := map[string]int{}
	add := func(e expr, w float64, src string) {
		k := e.key()
		if have[k] {
			return
		}
		if i, ok := at[k]; ok {
			out[i].weight = max(out[i].weight, w)
			return
		}
		if len(out) >= maxExpansions {
			return
		}
		at[k] = len(out)
		out = append(out, expansion{terms: e, weight: w, source: src})
	}
	for i := range terms {
		found := false
		for _, l := range layers {
			if l.th == nil || l.weight <= 0 || (l.fallback && found) {
				continue
			}
			for n := min(l.th.maxLen, len(terms)-i); n >= 1; n-- {
				src := strings.Join(terms[i:i+n], " ")
				gs := l.th.byKey[src]
				for _, g := range gs {
					for _, e := range l.th.groups[g] {
						if e.key() != src {
							add(e, l.weight, src)
						}
					}
				}
				if len(gs) > 0 {
					found = true
					break // the longest expression found here wins
				}
			}
		}
	}
	return out
}

// related returns the distinct terms of the expressions term is linked to,
// for explanations (matcher.MatchTerms).
func related(layers []layer, term string) []string {
	var out []string
	for _, e := range expand(layers, []string{term}) {
		for _, t := range e.terms {
			if t != term && !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	return out
}

// SetSynonyms replaces the hub-specific synonyms (added by admins) with
// groups, each a list of equivalent expressions. They weigh like the
// curated thesaurus. Expansion happens when a query is built, so nothing
// needs re-indexing: the next retrieval and search use them.
func (ix *Index) SetSynonyms(groups [][]string) {
	th := newThesaurus()
	for _, g := range groups {
		th.addGroup(ix.an, g)
	}
	ix.hubMu.Lock()
	ix.hub = th
	clear(ix.relCache)
	ix.hubMu.Unlock()
}

// SuggestCategory votes for the category of text by its keywords in the
// curated thesaurus: each keyword found counts once, a keyword of several
// words twice. It returns the best category with its share of the votes,
// or "" when no keyword is found.
func (ix *Index) SuggestCategory(text string) (string, float64) {
	terms := ix.an.terms(text)
	if len(terms) == 0 || ix.curated == nil {
		return "", 0
	}
	votes := map[string]float64{}
	total := 0.0
	for cat, kws := range ix.curated.categories {
		for _, k := range kws {
			if containsSeq(terms, k) {
				v := float64(min(len(k), 2))
				votes[cat] += v
				total += v
			}
		}
	}
	best, bestV := "", 0.0
	for cat, v := range votes {
		if v > bestV || (v == bestV && cat < best) {
			best, bestV = cat, v
		}
	}
	if best == "" {
		return "", 0
	}
	return best, bestV / total
}

// containsSeq reports whether e occurs in terms as consecutive terms.
func containsSeq(terms []string, e expr) bool {
	for i := 0; i+len(e) <= len(terms); i++ {
		if slices.Equal(terms[i:i+len(e)], e) {
			return true
		}
	}
	return false
}
