package index

import (
	"bufio"
	"crypto/sha256"
	"embed"
	"fmt"
	"io"
	"io/fs"
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"

	"github.com/saperi/saperi"
)

// conceptFiles are the curated concept files (concepts/README.md gives
// their format), loaded in name order.
//
//go:embed concepts
var conceptFiles embed.FS

// conceptWindow is how many more positions than its words a multiword
// label may spread over ("perde il rubinetto del bagno" holds "rubinetto
// perde"): stop words count as positions.
const conceptWindow = 3

// concept is one entry of the concept files.
type concept struct {
	ID       string
	Category string
	Parent   string
	Name     string // the first Italian label: what people are shown
	children []string
}

// label is one label of a concept, analysed.
type label struct {
	c         *concept
	lang      string
	text      string   // as written in the file
	terms     []string // its distinct content terms, analysed as posts are
	ambiguous bool     // from it?: counts only with the category or another label
	problem   bool
	// strength is how surely the label names its concept, in (0,1]: a
	// label of two or more telling words fully, less when the labels of
	// other concepts use all of them too; one word less the more
	// concepts share it ("documenti", "lezioni" name many; "idraulico"
	// one), as counted over the concept files themselves.
	strength float64
	// several is set for a label of two or more telling words (not for
	// the pairs of words found in a text, which are no label).
	several bool
}

// conceptSet is the loaded concept files: the concepts and, per language,
// their labels indexed by their first term (every term of a label must be
// in a text for it to match, so the first one finds the candidates).
type conceptSet struct {
	byID    map[string]*concept
	labels  map[string]map[string][]*label // lang → first term → labels
	ambig   map[string]map[string]bool     // Italian term of a one-word it? label → categories
	version string
	// spread maps, per language, a term to the concepts whose labels use
	// it; lowInfo are the filler words (see pairs).
	spread  map[string]map[string]map[string]bool
	lowInfo map[string]bool
	// dropped are the labels left out: one filler word (lowInfo), or
	// nothing left after analysis. Tests and logs report them.
	dropped []string
}

var conceptHeader = regexp.MustCompile(`^\[([a-z0-9][a-z0-9-]*)\]$`)

// conceptKeys are the line keys of a concept.
var conceptKeys = map[string]bool{"cat": true, "parent": true, "it": true, "it?": true, "problem": true}

func init() {
	for _, l := range Languages {
		conceptKeys[l] = true
	}
}

// rawConcept is a concept as parsed, before its labels are analysed.
type rawConcept struct {
	concept
	file  string
	line  int
	lines map[string][]string // key → labels
}

// parseConcepts reads one concept file.
func parseConcepts(name string, r io.Reader) ([]*rawConcept, error) {
	var out []*rawConcept
	var cur *rawConcept
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if m := conceptHeader.FindStringSubmatch(line); m != nil {
			cur = &rawConcept{concept: concept{ID: m[1]}, file: name, line: n, lines: map[string][]string{}}
			out = append(out, cur)
			continue
		}
		if strings.HasPrefix(line, "[") {
			return nil, fmt.Errorf("%s:%d: bad concept id %q: lower-case letters, digits and -", name, n, line)
		}
		key, val, ok := strings.Cut(line, ":")
		key = strings.ToLower(strings.TrimSpace(key))
		if !ok || !conceptKeys[key] {
			return nil, fmt.Errorf("%s:%d: %q is not a key of the format (cat, parent, it, it?, problem, %s)", name, n, key, strings.Join(Languages, ", "))
		}
		if cur == nil {
			return nil, fmt.Errorf("%s:%d: %s before the first [id]", name, n, key)
		}
		val = strings.TrimSpace(val)
		switch key {
		case "cat":
			if cur.Category != "" {
				return nil, fmt.Errorf("%s:%d: [%s] has two cat: lines", name, n, cur.ID)
			}
			cur.Category = val
		case "parent":
			cur.Parent = val
		default:
			for _, l := range strings.Split(val, "|") {
				if l = strings.TrimSpace(l); l != "" {
					cur.lines[key] = append(cur.lines[key], l)
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return out, nil
}

// termsFunc analyses a label or a text of one language into positioned
// terms.
type termsFunc func(text string) []posTerm

// posTerm is an analysed word and its position among the words of its
// text (stop words included, so gaps show where they were).
type posTerm struct {
	term string
	pos  int
	word string // as written
}

// positioned runs a on text and keeps each term's position and surface.
func positioned(a analysis.Analyzer, text string, post func([]byte) []byte) []posTerm {
	ts := a.Analyze([]byte(text))
	out := make([]posTerm, 0, len(ts))
	for _, t := range ts {
		term := t.Term
		if post != nil {
			term = post(term)
		}
		if len(term) == 0 {
			continue
		}
		word := ""
		if 0 <= t.Start && t.Start <= t.End && t.End <= len(text) {
			word = text[t.Start:t.End]
		}
		out = append(out, posTerm{term: string(term), pos: t.Position, word: word})
	}
	return out
}

// buildConcepts checks and analyses the parsed concepts: ids unique, a
// known category, parents that exist. Italian labels are analysed by it,
// the others by their language's analyser in foreign.
func buildConcepts(raws []*rawConcept, it termsFunc, foreign map[string]termsFunc, lowInfo map[string]bool, version string) (*conceptSet, error) {
	cs := &conceptSet{byID: map[string]*concept{}, labels: map[string]map[string][]*label{},
		ambig: map[string]map[string]bool{}, version: version}
	cats := map[string]bool{}
	for _, c := range saperi.DefaultCategories {
		cats[c.ID] = true
	}
	for _, r := range raws {
		if _, dup := cs.byID[r.ID]; dup {
			return nil, fmt.Errorf("%s:%d: [%s] defined twice", r.file, r.line, r.ID)
		}
		if !cats[r.Category] {
			return nil, fmt.Errorf("%s:%d: [%s] cat %q is not a category", r.file, r.line, r.ID, r.Category)
		}
		if len(r.lines["it"]) == 0 {
			return nil, fmt.Errorf("%s:%d: [%s] has no it: label (the first is its name)", r.file, r.line, r.ID)
		}
		c := r.concept
		c.Name = r.lines["it"][0]
		cs.byID[c.ID] = &c
	}
	for _, r := range raws {
		if r.Parent == "" {
			continue
		}
		p, ok := cs.byID[r.Parent]
		if !ok || r.Parent == r.ID {
			return nil, fmt.Errorf("%s:%d: [%s] parent %q is not a concept", r.file, r.line, r.ID, r.Parent)
		}
		p.children = append(p.children, r.ID)
	}
	var all []*label
	spread := map[string]map[string]map[string]bool{} // lang → term → concepts whose labels use it
	for _, r := range raws {
		c := cs.byID[r.ID]
		for _, key := range slices.Sorted(mapsKeys(r.lines)) {
			lang, an := "it", it
			if key != "it" && key != "it?" && key != "problem" {
				lang, an = key, foreign[key]
			}
			if an == nil {
				continue
			}
			for _, text := range r.lines[key] {
				terms := distinctTerms(an(text))
				if len(terms) == 0 || (lang == "it" && len(terms) == 1 && lowInfo[terms[0]]) {
					// Filler words as labels are a mistake of the data
					// (the format forbids them): they would tag every post.
					cs.dropped = append(cs.dropped, fmt.Sprintf("[%s] %s: %s", c.ID, key, text))
					continue
				}
				// A problem phrase left with one word after analysis ("non
				// ho una bicicletta") no longer says the situation, only
				// what it is about: like an it? label, it counts only
				// with the concept's category or another of its labels.
				bare := key == "problem" && len(terms) == 1
				l := &label{c: c, lang: lang, text: text, terms: terms, ambiguous: key == "it?" || bare, problem: key == "problem"}
				all = append(all, l)
				if spread[lang] == nil {
					spread[lang] = map[string]map[string]bool{}
				}
				for _, t := range terms {
					if spread[lang][t] == nil {
						spread[lang][t] = map[string]bool{}
					}
					spread[lang][t][c.ID] = true
				}
				if cs.labels[lang] == nil {
					cs.labels[lang] = map[string][]*label{}
				}
				cs.labels[lang][terms[0]] = append(cs.labels[lang][terms[0]], l)
				if l.ambiguous && len(terms) == 1 {
					if cs.ambig[terms[0]] == nil {
						cs.ambig[terms[0]] = map[string]bool{}
					}
					cs.ambig[terms[0]][c.Category] = true
				}
			}
		}
	}
	cs.spread, cs.lowInfo = spread, lowInfo
	for _, l := range all {
		var telling []string
		for _, t := range l.terms {
			if !lowInfo[t] {
				telling = append(telling, t)
			}
		}
		lang := l.lang
		switch {
		case len(telling) >= 2:
			// Several telling words say it fully, unless the labels of
			// other concepts use them all too ("operatore socio
			// sanitario" names the care worker and the course to become
			// one): then the label says less which of them is meant,
			// though less so than one broad word does.
			l.strength = math.Sqrt(labelStrength(sharedBy(spread[lang], telling)))
			l.several = true
		default:
			// One telling word (or only filler words, in foreign labels):
			// as sure as the words together are to this concept. A word
			// used by the labels of many concepts (elettrico) says less
			// alone than with the others of its label (piccoli lavori
			// elettrici), which fewer concepts use all of.
			l.strength = labelStrength(sharedBy(spread[lang], l.terms))
		}
	}
	return cs, nil
}

// sharedBy is how many concepts use every one of terms in their labels
// (spread maps a term to the concepts using it).
func sharedBy(spread map[string]map[string]bool, terms []string) int {
	if len(terms) == 0 {
		return 0
	}
	// Over the rarest term's concepts: every label of many words asks,
	// at start-up and whenever a hub's concepts change.
	rare := slices.MinFunc(terms, func(a, b string) int { return len(spread[a]) - len(spread[b]) })
	n := 0
	for id := range spread[rare] {
		all := true
		for _, t := range terms {
			if !spread[t][id] {
				all = false
				break
			}
		}
		if all {
			n++
		}
	}
	return n
}

// labelStrength is the strength of a label whose words are used
// together by the labels of n concepts: 1 for one, 0.8 for two, down to 0.4.
func labelStrength(n int) float64 {
	return max(0.4, 1/(1+0.25*float64(max(n, 1)-1)))
}

func mapsKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func distinctTerms(ts []posTerm) []string {
	var out []string
	for _, t := range ts {
		if !slices.Contains(out, t.term) {
			out = append(out, t.term)
		}
	}
	return out
}

// readConcepts parses the embedded concept files, and returns them with
// a hash of their content.
func readConcepts() ([]*rawConcept, []byte, error) {
	names, err := fs.Glob(conceptFiles, "concepts/*.txt")
	if err != nil {
		return nil, nil, err
	}
	sort.Strings(names)
	h := sha256.New()
	var raws []*rawConcept
	for _, n := range names {
		b, err := conceptFiles.ReadFile(n)
		if err != nil {
			return nil, nil, err
		}
		h.Write([]byte(n))
		h.Write(b)
		rs, err := parseConcepts(n, strings.NewReader(string(b)))
		if err != nil {
			return nil, nil, err
		}
		raws = append(raws, rs...)
	}
	return raws, h.Sum(nil), nil
}

// conceptHit is a label of a concept found in a text.
type conceptHit struct {
	l     *label
	words []string // the words of the text that matched, as written
	at    []int    // their indexes in the text's terms
}

// find returns the labels of lang found in ts: every term of the label
// within len(terms)+conceptWindow positions. Ambiguous labels are
// returned too; the caller decides whether they count.
func (cs *conceptSet) find(lang string, ts []posTerm, multiOnly bool) []conceptHit {
	byFirst := cs.labels[lang]
	if len(byFirst) == 0 || len(ts) == 0 {
		return nil
	}
	at := make(map[string][]int, len(ts)) // term → indexes into ts
	for i, t := range ts {
		at[t.term] = append(at[t.term], i)
	}
	var out []conceptHit
	seen := map[*label]bool{}
	for term := range at {
		for _, l := range byFirst[term] {
			if seen[l] || (multiOnly && len(l.terms) < 2) {
				continue
			}
			if idx, ok := within(l.terms, at, ts); ok {
				seen[l] = true
				words := make([]string, len(idx))
				for i, j := range idx {
					words[i] = ts[j].word
				}
				out = append(out, conceptHit{l: l, words: words, at: idx})
			}
		}
	}
	return subsumed(out)
}

// subsumed drops the hits whose words all belong to a longer hit of
// another concept: in "compagnia telefonica" the word "compagnia" does
// not also name companionship.
func subsumed(hs []conceptHit) []conceptHit {
	out := hs[:0:0]
	for i, h := range hs {
		inside := false
		for j, o := range hs {
			if i != j && o.l.c != h.l.c && len(o.at) > len(h.at) && allContained(h.at, o.at) {
				inside = true
				break
			}
		}
		if !inside {
			out = append(out, h)
		}
	}
	return out
}

func allContained(a, b []int) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

// within finds one occurrence of every term of terms close together,
// and returns their indexes into ts.
func within(terms []string, at map[string][]int, ts []posTerm) ([]int, bool) {
	for _, t := range terms {
		if len(at[t]) == 0 {
			return nil, false
		}
	}
	if len(terms) == 1 {
		return []int{at[terms[0]][0]}, true
	}
	span := len(terms) - 1 + conceptWindow
	// Anchor on each occurrence of the first term; take, for every other
	// term, its occurrence nearest to the anchor.
	for _, a := range at[terms[0]] {
		idx := []int{a}
		lo, hi := ts[a].pos, ts[a].pos
		ok := true
		for _, t := range terms[1:] {
			best, bestD := -1, 1<<30
			for _, j := range at[t] {
				d := ts[j].pos - ts[a].pos
				if d < 0 {
					d = -d
				}
				if d < bestD {
					best, bestD = j, d
				}
			}
			lo, hi = min(lo, ts[best].pos), max(hi, ts[best].pos)
			if hi-lo > span {
				ok = false
				break
			}
			idx = append(idx, best)
		}
		if ok {
			return idx, true
		}
	}
	return nil, false
}

// lowInfoWords are words that say little about what a post is about:
// every kind of post uses them ("da anni", "sempre", "a casa", "per
// lavoro"). They never make a concept alone and weigh little as shared
// words (see Index.Salience). The list is of general Italian, curated by
// hand; the lexicon holds it analysed.
var lowInfoWords = []string{
	"sempre", "anno", "anni", "mese", "mesi", "settimana", "giorno", "giorni", "volta", "volte", "ora", "ore",
	"lavoro", "lavori", "lavorare", "casa", "case", "persona", "persone", "gente", "cosa", "cose", "fare", "faccio",
	"tempo", "problema", "problemi", "servizio", "servizi", "bisogno", "aiuto", "tutto", "tutti", "tutte", "poco",
	"molto", "tanto", "bene", "male", "grande", "piccolo", "piccola", "piccoli", "piccole", "nuovo", "nuova",
	"vecchio", "vecchia", "mattina", "pomeriggio", "sera", "oggi", "domani", "ieri", "sabato", "domenica",
	"lunedi", "martedi", "mercoledi", "giovedi", "venerdi", "ogni", "spesso", "ancora", "gia", "solo", "sola",
	"soli", "sole", "insieme", "qualche", "quando", "dove", "come", "perche", "parte", "modo", "genere", "tipo",
	"zona", "quartiere", "vicino", "vicini", "libero", "libera", "gratis", "gratuito", "gratuita", "euro",
	"disponibilita", "esperienza", "signora", "signore", "grazie", "prego", "possibile", "bella", "bello",
	"buono", "buona", "vero",
	"altro", "altra", "altri", "altre", "stesso", "stessa", "prima", "dopo", "fine", "inizio", "posto",
	"mano", "mani", "dare", "avere", "essere", "stare", "andare", "venire", "vuole", "vogliono", "riesco",
	"riesce", "facile", "difficile", "semplice", "paio", "po", "fa", "fatto", "fatta", "nessuno", "niente",
}

// Two words of a text near each other that the labels of a few concepts
// both use name those concepts, more weakly than a label: "il lavello non
// scarica più" holds no label, but "lavello" and "scarica" are both words
// of the small plumbing's labels ("il lavello perde", "il lavandino non
// scarica") and of few others'. The concept files list the ways a need is
// said; pairs reach the ways they do not list.
const (
	// pairWindow is how many positions apart (stop words included) the
	// two words may be.
	pairWindow = 8
	// pairShared is how many concepts may use both words: more, and the
	// pair says nothing in particular.
	pairShared = 5
	// pairStrength scales a pair's strength against a label's: 0.5 when
	// one concept uses both words, down to 0.25 when five do.
	pairStrength = 0.5
)

// pairs finds the concepts that two words of ts within pairWindow name
// together (see pairWindow). Words in the same label found (hits) already
// say what they mean together, and filler words say nothing; the
// strongest pair of each concept is kept.
func (cs *conceptSet) pairs(lang string, ts []posTerm, hits []conceptHit) []conceptHit {
	spread := cs.spread[lang]
	// Filler words say nothing; in other languages, whose filler words
	// are not listed, nor do words of one or two letters (a, și, і).
	usable := func(t string) bool {
		return len(spread[t]) > 0 && !cs.lowInfo[t] && (lang == "it" || utf8.RuneCountInString(t) >= 3)
	}
	inLabel := func(i, j int) bool {
		return slices.ContainsFunc(hits, func(h conceptHit) bool {
			return len(h.at) > 1 && slices.Contains(h.at, i) && slices.Contains(h.at, j)
		})
	}
	type pair struct {
		i, j     int
		strength float64
	}
	var best map[string]pair
	var both []string
	for i := range ts {
		if !usable(ts[i].term) {
			continue
		}
		for j := i + 1; j < len(ts) && ts[j].pos-ts[i].pos <= pairWindow; j++ {
			a, b := ts[i].term, ts[j].term
			if a == b || !usable(b) || inLabel(i, j) {
				continue
			}
			// The concepts using both words: over the smaller of the two
			// sets, and no further than needed to know there are too many.
			sa, sb := spread[a], spread[b]
			if len(sb) < len(sa) {
				sa, sb = sb, sa
			}
			both = both[:0]
			for id := range sa {
				if sb[id] {
					if both = append(both, id); len(both) > pairShared {
						break
					}
				}
			}
			if len(both) == 0 || len(both) > pairShared {
				continue
			}
			s := pairStrength * labelStrength(len(both))
			if best == nil {
				best = map[string]pair{}
			}
			for _, id := range both {
				if p, ok := best[id]; !ok || p.strength < s {
					best[id] = pair{i, j, s}
				}
			}
		}
	}
	out := make([]conceptHit, 0, len(best))
	for _, id := range slices.Sorted(mapsKeys(best)) {
		p := best[id]
		x, y := ts[p.i], ts[p.j]
		out = append(out, conceptHit{l: &label{c: cs.byID[id], lang: lang, text: x.word + " " + y.word, terms: []string{x.term, y.term},
			problem: true, strength: p.strength}, words: []string{x.word, y.word}, at: []int{p.i, p.j}})
	}
	return out
}
