package index

import (
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"

	"github.com/saperi/saperi/matcher"
)

// Analyze splits text into the terms the index holds for title,
// description and tags, dropping stop and intent words. Each token keeps
// the word as written, without an elided article ("dell'insegnante" →
// "insegnante"), so explanations can quote the post. It implements
// matcher.Analyzer and works whether or not the index is open.
func (ix *Index) Analyze(text string) []matcher.Token {
	return ix.an.analyze(text)
}

// Related returns the terms the curated thesaurus and the hub's synonyms
// link to term, without term itself. It implements matcher.Analyzer, so
// explanations show "maestra ≈ insegnante" and ranking counts the pair.
// The general thesaurus is left out: it helps retrieval find candidates,
// but its links are too loose to say a pair is relevant ("imparare ≈
// prendere", "costi ≈ fatica").
//
// Answers are cached (the engine asks about the same terms for every
// candidate); SetSynonyms clears the cache. The returned slice is shared:
// callers must not modify it.
func (ix *Index) Related(term string) []string {
	ix.hubMu.RLock()
	r, ok := ix.relCache[term]
	ix.hubMu.RUnlock()
	if ok {
		return r
	}
	r = related(ix.layers()[:2], term)
	ix.hubMu.Lock()
	if len(ix.relCache) >= relCacheMax {
		clear(ix.relCache)
	}
	ix.relCache[term] = r
	ix.hubMu.Unlock()
	return r
}

// relCacheMax bounds the Related cache; when full it starts over.
const relCacheMax = 50000

// layers returns the thesaurus layers in order of trust.
func (ix *Index) layers() []layer {
	ix.hubMu.RLock()
	hub := ix.hub
	ix.hubMu.RUnlock()
	return []layer{
		{th: ix.curated, weight: ix.opts.SynonymWeight},
		{th: hub, weight: ix.opts.SynonymWeight},
		{th: ix.general, weight: ix.opts.GeneralWeight, fallback: true},
	}
}

// analyzer is the mapping's text analyzer, with what Analyze needs to
// recover surface words. It is safe for concurrent use.
type analyzer struct {
	a      analysis.Analyzer
	elided map[string]bool
}

func newAnalyzer(a analysis.Analyzer) *analyzer {
	el := make(map[string]bool, len(articles))
	for _, w := range articles {
		el[w] = true
	}
	return &analyzer{a: a, elided: el}
}

func (an *analyzer) analyze(text string) []matcher.Token {
	ts := an.a.Analyze([]byte(text))
	if len(ts) == 0 {
		return nil
	}
	out := make([]matcher.Token, 0, len(ts))
	for _, t := range ts {
		if len(t.Term) == 0 {
			continue
		}
		word := ""
		if 0 <= t.Start && t.Start <= t.End && t.End <= len(text) {
			word = an.stripArticle(text[t.Start:t.End])
		}
		out = append(out, matcher.Token{Term: string(t.Term), Word: word})
	}
	return out
}

// positioned returns the terms of text with their positions, for the
// concept tagger.
func (an *analyzer) positioned(text string) []posTerm {
	return positioned(an.a, text, nil)
}

// terms returns the distinct terms of text, in order of first occurrence.
func (an *analyzer) terms(text string) []string {
	ts := an.a.Analyze([]byte(text))
	seen := make(map[string]bool, len(ts))
	var out []string
	for _, t := range ts {
		s := string(t.Term)
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// stripArticle drops an elided article from a surface word the way the
// elision filter does: at the first apostrophe whose prefix is an article.
func (an *analyzer) stripArticle(w string) string {
	for i := 0; i < len(w); {
		r, size := utf8.DecodeRuneInString(w[i:])
		if (r == '\'' || r == '’') && an.elided[strings.ToLower(w[:i])] {
			return w[i+size:]
		}
		i += size
	}
	return w
}
