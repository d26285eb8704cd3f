package index

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/analysis/lang/it"
	"github.com/blevesearch/bleve/v2/analysis/token/elision"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/stop"
	"github.com/blevesearch/bleve/v2/analysis/token/unicodenorm"
	"github.com/blevesearch/bleve/v2/analysis/tokenmap"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/registry"
	blevei "github.com/blevesearch/bleve_index_api"
	"github.com/saperi/saperi"
)

// MappingVersion is the version of the mapping and analysis chain below.
// Bump it with any change to either (fields, analyzers, stop words,
// articles, stemmer): an index built with another version is rebuilt from
// the store when it is opened; and with any change to how postings are
// tagged with concepts (index/concept.go, tag.go), which the concepts
// field holds. TestMappingFingerprint fails when the
// mapping changes and this constant does not.
const MappingVersion = 7

// versionKey names the internal (non-document) entry holding the version
// the index was built with, as a decimal string.
var versionKey = []byte("saperi.mapping_version")

// docType is the only document type in the index.
const docType = "posting"

// Names of the analysis components defined in the mapping.
const (
	analyzerName = "it_saperi"
	foldName     = "it_saperi_fold" // registered token filter type
	articlesMap  = "it_saperi_articles"
	elisionName  = "it_saperi_elision"
	stopMap      = "it_saperi_stop"
	stopName     = "it_saperi_stop"
	nfcName      = "it_saperi_nfc"
)

// Field names in the index.
const (
	fTitle       = "title"
	fDescription = "description"
	fTags        = "tags"
	fCategory    = "category"
	fArea        = "area"
	fHub         = "hub"
	fKind        = "kind"
	fStatus      = "status"
	fMode        = "mode"
	fOwner       = "owner"
	fExpires     = "expires"  // unix seconds
	fUpdated     = "updated"  // unix seconds, for "newest first"
	fCell        = "cell"     // quadtree squares of the point (geo.go), only when it has one
	fLocated     = "located"  // whether the posting has a point
	fConcepts    = "concepts" // ids of the concepts of the text (concept.go)
)

// articles are the words Italian elides before a vowel ("l'insegnante",
// "dell'anziano", "quest'anno"). The elision filter drops them together
// with the apostrophe, straight (') or typographic (’).
var articles = []string{
	"c", "l", "all", "dall", "dell", "nell", "sull", "coll", "pell",
	"gl", "agl", "dagl", "degl", "negl", "sugl", "un", "m", "t", "s", "v", "d",
	"quest", "quell", "anch", "nessun", "alcun", "ciascun", "qualcun",
	"bell", "buon", "sant", "tutt", "dov", "com", "cos", "mezz",
}

// intentWords are words of a post that say what kind of post it is (a
// request, an offer, a politeness) rather than what it is about. Every
// need says "cerco" and every offer "offro", so they would only add noise
// to matching and to the "words in common" an operator reads. They are
// removed like stop words, in their accent-folded form.
//
// "aiuto" and "aiutare" are here too, after some thought: nearly every post
// asks for or offers "aiuto", so as a shared word it says nothing, and the
// word it goes with ("aiuto compiti", "aiuto cuoco") carries the meaning.
// "bisogno" ("ho bisogno di") and the modal verbs (posso, vorrei, ...)
// likewise only frame the request.
var intentWords = []string{
	"cerco", "cerca", "cerchiamo", "cercate", "cercano", "cercasi", "cercando",
	"offro", "offre", "offriamo", "offrite", "offrono", "offresi", "offrire",
	"serve", "servono", "servirebbe", "servirebbero",
	"qualcuno", "qualcuna", "disponibile", "disponibili",
	"aiuto", "aiuti", "aiutare", "aiutarmi", "aiutarti", "aiutarci", "aiutarvi", "aiutami", "aiutiamo",
	"bisogno", "vorrei", "vorremmo", "posso", "possiamo", "potrei", "potremmo", "puo",
	"grazie", "ciao", "salve", "buongiorno", "buonasera", "volentieri", "possibilmente",
	// Further framing: "mi occorre", "necessito di", "chiedo", "propongo",
	// "metto a disposizione", "cercasi urgente", "richiesta", "offerta".
	"occorre", "occorrono", "necessito", "necessita", "necessitiamo", "chiedo", "chiediamo",
	"richiedo", "richiesta", "richiesto", "offerta", "offerto", "propongo", "proponiamo",
	"metto", "mettiamo", "disposizione", "urgente", "urgentemente", "gentilmente", "cortesemente",
	"gradito", "gradita", "grato", "grata", "piacere", "eventualmente",
}

// stopWords returns the Italian stop words (Snowball's list, as shipped by
// bleve) and the intent words, accent-folded since the stop filter runs
// after folding.
func stopWords() []string {
	tm := analysis.NewTokenMap()
	if err := tm.LoadBytes(it.ItalianStopWords); err != nil {
		panic(fmt.Sprintf("index: italian stop words: %v", err))
	}
	seen := map[string]bool{}
	var out []string
	add := func(w string) {
		w = string(fold([]byte(w)))
		if w != "" && !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	for w := range tm {
		add(w)
	}
	for _, w := range intentWords {
		add(w)
	}
	slices.Sort(out)
	return out
}

// buildMapping returns the index mapping. Its JSON form is stored inside
// the index by bleve, so everything here must be plain configuration:
// the two filters it names that are code of ours, fold and stem, are
// registered in init under fixed names.
func buildMapping() (*mapping.IndexMappingImpl, error) {
	im := mapping.NewIndexMapping()
	im.ScoringModel = blevei.BM25Scoring
	im.IndexDynamic = false
	im.StoreDynamic = false
	im.DocValuesDynamic = false
	im.DefaultAnalyzer = analyzerName

	toAny := func(ss []string) []any {
		out := make([]any, len(ss))
		for i, s := range ss {
			out[i] = s
		}
		return out
	}
	steps := []struct {
		add  func(string, map[string]any) error
		name string
		cfg  map[string]any
	}{
		{im.AddCustomTokenMap, articlesMap, map[string]any{"type": tokenmap.Name, "tokens": toAny(articles)}},
		{im.AddCustomTokenFilter, elisionName, map[string]any{"type": elision.Name, "articles_token_map": articlesMap}},
		{im.AddCustomTokenMap, stopMap, map[string]any{"type": tokenmap.Name, "tokens": toAny(stopWords())}},
		{im.AddCustomTokenFilter, stopName, map[string]any{"type": stop.Name, "stop_token_map": stopMap}},
		{im.AddCustomTokenFilter, nfcName, map[string]any{"type": unicodenorm.Name, "form": unicodenorm.NFC}},
		// Order matters: elision needs the lower-case article; the stop
		// list is folded; the stemmer sees folded words, so "città" and
		// "citta" stem alike.
		{im.AddCustomAnalyzer, analyzerName, map[string]any{
			"type":      custom.Name,
			"tokenizer": tokenizerName,
			"token_filters": []any{
				nfcName, lowercase.Name, elisionName, foldName, stopName, stemName,
			},
		}},
	}
	for _, s := range steps {
		if err := s.add(s.name, s.cfg); err != nil {
			return nil, fmt.Errorf("index: mapping: %s: %w", s.name, err)
		}
	}

	text := func() *mapping.FieldMapping {
		fm := mapping.NewTextFieldMapping()
		fm.Analyzer = analyzerName
		fm.Store = false
		fm.IncludeInAll = false
		fm.IncludeTermVectors = false
		fm.DocValues = false
		return fm
	}
	kw := func() *mapping.FieldMapping {
		fm := mapping.NewKeywordFieldMapping()
		fm.Analyzer = keyword.Name
		fm.Store = false
		fm.IncludeInAll = false
		fm.IncludeTermVectors = false
		fm.DocValues = false
		fm.SkipFreqNorm = true
		return fm
	}
	num := func(docValues bool) *mapping.FieldMapping {
		fm := mapping.NewNumericFieldMapping()
		fm.Store = false
		fm.IncludeInAll = false
		fm.DocValues = docValues
		return fm
	}

	dm := mapping.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt(fTitle, text())
	dm.AddFieldMappingsAt(fDescription, text())
	dm.AddFieldMappingsAt(fTags, text())
	for _, f := range []string{fCategory, fArea, fHub, fKind, fStatus, fMode, fOwner, fCell} {
		dm.AddFieldMappingsAt(f, kw())
	}
	// Concepts are scored (BM25 over concept ids: a rare concept says
	// more), so they keep their frequencies and norms.
	cm := kw()
	cm.SkipFreqNorm = false
	dm.AddFieldMappingsAt(fConcepts, cm)
	dm.AddFieldMappingsAt(fExpires, num(false))
	dm.AddFieldMappingsAt(fUpdated, num(true)) // sorted on
	located := mapping.NewBooleanFieldMapping()
	located.Store = false
	located.IncludeInAll = false
	located.DocValues = false
	dm.AddFieldMappingsAt(fLocated, located)
	dm.AddSubDocumentMapping("_all", mapping.NewDocumentDisabledMapping())

	im.AddDocumentMapping(docType, dm)
	im.DefaultType = docType
	im.DefaultMapping = mapping.NewDocumentDisabledMapping()
	if err := im.Validate(); err != nil {
		return nil, fmt.Errorf("index: mapping: %w", err)
	}
	return im, nil
}

// docFor returns what the index holds of p, whose text has concepts.
func docFor(p *saperi.Posting, concepts []string) map[string]any {
	updated := p.Updated
	if updated.IsZero() {
		updated = p.Created
	}
	tags := p.Tags
	if tags == nil {
		tags = []string{}
	}
	d := map[string]any{
		fTitle:       p.Title,
		fDescription: p.Description,
		fTags:        tags,
		fCategory:    strings.ToLower(strings.TrimSpace(p.Category)),
		fArea:        normArea(p.Area),
		fHub:         strconv.FormatUint(p.HubID, 10),
		fKind:        string(p.Kind),
		fStatus:      string(p.Status),
		fMode:        string(p.Mode),
		fOwner:       strconv.FormatUint(p.ProfileID, 10),
		fExpires:     float64(p.Expires.Unix()),
		fUpdated:     float64(updated.Unix()),
		fLocated:     p.Point != nil,
		fConcepts:    concepts,
	}
	if concepts == nil {
		d[fConcepts] = []string{}
	}
	if p.Point != nil {
		d[fCell] = cellTerms(*p.Point)
	}
	return d
}

// docID is a posting's key in the index.
func docID(id uint64) string { return strconv.FormatUint(id, 10) }

// normArea is how areas compare: without case or surrounding space, like
// saperi.Reachable.
func normArea(a string) string { return strings.ToLower(strings.TrimSpace(a)) }

// fold maps accented and other non-ASCII Latin letters to ASCII
// ("città" → "citta", "perché" → "perche"); other scripts pass unchanged.
func fold(b []byte) []byte {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return asciifolding.New().Filter(b)
		}
	}
	return b // already ASCII: most words, and the filter allocates
}

// foldFilter is the token filter form of fold. bleve ships ASCII folding
// only as a char filter, which runs before tokenization and would shift the
// token offsets Analyze needs to recover the words as written.
type foldFilter struct{}

func (foldFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	for _, t := range in {
		t.Term = fold(t.Term)
	}
	return in
}

func init() {
	err := registry.RegisterTokenFilter(foldName, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
		return foldFilter{}, nil
	})
	if err != nil {
		panic(err)
	}
}
