package index

import (
	"strings"
	"unicode"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/ar"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/es"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/analysis/lang/ro"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	bunicode "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
)

// Languages are the languages Saperi reads besides Italian: a posting in
// one of them is analysed in it, and the concept files carry labels in
// each (see concepts/README.md).
var Languages = []string{"en", "fr", "es", "ar", "ro", "uk", "sq"}

// langWords are a few of the most frequent function words of each
// language of a Latin script, as people write them in posts (folded, as
// detection folds the text). They are distinctive enough together that
// counting them tells the languages apart on two or three sentences.
var langWords = map[string][]string{
	"it": {"il", "lo", "la", "gli", "di", "che", "per", "non", "una", "sono", "mio", "mia", "con", "del", "della",
		"ho", "mi", "ci", "anche", "come", "piu", "ma", "nel", "alla", "dei", "mio", "figlio", "cerco", "qualcuno",
		"aiuto", "casa", "chi", "ogni", "sto", "ha", "ce", "gia", "tutto", "molto", "vorrei", "serve", "sola", "solo"},
	"en": {"the", "and", "is", "i", "my", "to", "for", "of", "with", "we", "you", "need", "can", "have", "looking",
		"someone", "who", "it", "not", "please", "help", "am", "me", "our", "at", "how", "don", "t", "some", "would",
		"like", "this", "that", "be", "are", "from", "since"},
	"fr": {"le", "les", "et", "je", "mon", "ma", "des", "pour", "une", "est", "pas", "avec", "qui", "suis", "dans",
		"du", "au", "j", "cherche", "besoin", "aide", "quelqu", "un", "ne", "mes", "nous", "vous", "ai", "sur",
		"fils", "fille", "mere", "aux", "ou", "tres", "peux", "depuis"},
	"es": {"el", "los", "las", "y", "yo", "mi", "para", "una", "es", "con", "que", "por", "necesito", "busco",
		"ayuda", "alguien", "del", "muy", "pero", "mis", "hijo", "hija", "tengo", "estoy", "como", "hablo", "desde",
		"nuestro", "soy", "puedo", "algo", "cuando"},
	"ro": {"si", "sunt", "am", "nevoie", "de", "pentru", "cu", "o", "un", "care", "nu", "mea", "meu", "caut", "ajutor",
		"este", "in", "mai", "copilul", "fiul", "fiica", "vreau", "ma", "imi", "cineva", "sa", "ca", "pe", "acasa",
		"vorbesc", "putin", "foarte"},
	"sq": {"dhe", "nje", "per", "me", "nuk", "jam", "kam", "nevoje", "qe", "ne", "te", "ime", "im", "kerkoj",
		"ndihme", "eshte", "shume", "djalin", "vajzen", "flas", "pak", "dua", "mund", "se", "nga", "kush", "shtepi"},
}

// langLetters are letters that give a Latin-script language away.
var langLetters = map[rune]string{
	'ă': "ro", 'ș': "ro", 'ş': "ro", 'ț': "ro", 'ţ': "ro", 'î': "ro", 'â': "ro",
	'ë': "sq",
	'ñ': "es", '¿': "es", '¡': "es", 'á': "es", 'í': "es", 'ó': "es", 'ú': "es",
	'ç': "fr", 'ê': "fr", 'œ': "fr", 'û': "fr", 'ô': "fr",
}

// langIndex is langWords as sets.
var langIndex = func() map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for l, ws := range langWords {
		out[l] = map[string]bool{}
		for _, w := range ws {
			out[l][w] = true
		}
	}
	return out
}()

// DetectLanguage returns the language text is written in: "it", or one of
// Languages. Arabic script reads as Arabic, Cyrillic as Ukrainian; a Latin
// text is scored on the frequent function words of each language and on
// the letters only some use. Italian wins ties and texts too short to
// tell, as posts at an Italian desk are mostly Italian.
func DetectLanguage(text string) string {
	var arabic, cyrillic, latin int
	votes := map[string]float64{}
	for _, r := range text {
		switch {
		case unicode.Is(unicode.Arabic, r):
			arabic++
		case unicode.Is(unicode.Cyrillic, r):
			cyrillic++
		case unicode.IsLetter(r):
			latin++
			if l, ok := langLetters[unicode.ToLower(r)]; ok {
				votes[l] += 0.5
			}
		}
	}
	switch {
	case arabic > latin && arabic >= cyrillic:
		return "ar"
	case cyrillic > latin:
		return "uk"
	}
	words := strings.FieldsFunc(strings.ToLower(string(fold([]byte(text)))), func(r rune) bool {
		return !unicode.IsLetter(r)
	})
	for _, w := range words {
		for l, set := range langIndex {
			if set[w] {
				votes[l]++
			}
		}
	}
	best, bestV := "it", votes["it"]
	for _, l := range []string{"en", "fr", "es", "ro", "sq"} {
		// Another language must beat Italian clearly: a few shared
		// words (la, per, con) must not turn an Italian post foreign.
		if v := votes[l]; v > bestV+1 && v >= 2 {
			best, bestV = l, v
		}
	}
	return best
}

// foreignAnalyzers are the analysers of the languages besides Italian:
// bleve's for en, fr, es, ro and ar (stop words, normalisation and
// stemming), and a light one of our own for uk and sq, which bleve lacks.
// Terms are accent-folded after analysis, so labels written with or
// without accents meet.
func foreignAnalyzers() (map[string]analysis.Analyzer, error) {
	cache := registry.NewCache()
	out := map[string]analysis.Analyzer{}
	for _, name := range []string{en.AnalyzerName, fr.AnalyzerName, es.AnalyzerName, ro.AnalyzerName, ar.AnalyzerName} {
		a, err := cache.AnalyzerNamed(name)
		if err != nil {
			return nil, err
		}
		out[name] = a
	}
	lower, err := cache.TokenFilterNamed(lowercase.Name)
	if err != nil {
		return nil, err
	}
	for lang, stops := range lightStops {
		set := map[string]bool{}
		for _, w := range stops {
			set[w] = true
		}
		out[lang] = &analysis.DefaultAnalyzer{
			Tokenizer:    bunicode.NewUnicodeTokenizer(),
			TokenFilters: []analysis.TokenFilter{lower, lightFilter{stop: set, endings: lightEndings[lang]}},
		}
	}
	return out, nil
}

// lightStops are the stop words of the languages analysed by lightFilter,
// folded.
var lightStops = map[string][]string{
	"uk": {"і", "й", "та", "в", "у", "на", "з", "із", "до", "для", "не", "що", "як", "я", "мені", "мене", "мій", "моя",
		"моє", "мої", "ми", "ви", "він", "вона", "це", "є", "але", "або", "по", "від", "за", "про", "треба", "потрібно",
		"потрібен", "потрібна", "шукаю", "допомога", "допомогти", "хтось", "будь", "ласка", "дуже", "вже", "ще", "так"},
	"sq": {"dhe", "nje", "per", "me", "nuk", "jam", "kam", "qe", "ne", "te", "i", "e", "ime", "im", "se", "nga",
		"kush", "eshte", "shume", "kerkoj", "nevoje", "ndihme", "dua", "mund", "pak", "ka", "jane", "si", "ku", "ose", "por"},
}

// lightEndings are the endings lightFilter strips (the longest that
// leaves at least four letters), so that number and case mostly meet.
var lightEndings = map[string][]string{
	"uk": {"ами", "ями", "ого", "ому", "ими", "ій", "ий", "их", "ів", "ам", "ям", "ах", "ях", "ою", "ею",
		"а", "я", "о", "е", "у", "ю", "и", "і", "ь", "ї", "й"},
	"sq": {"ave", "eve", "ite", "in", "it", "ve", "te", "ja", "ne", "a", "e", "i", "u"},
}

// lightFilter drops stop words, folds accents and strips one ending.
type lightFilter struct {
	stop    map[string]bool
	endings []string
}

func (f lightFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	out := in[:0]
	for _, t := range in {
		w := string(fold(t.Term))
		if f.stop[w] {
			continue
		}
		for _, e := range f.endings {
			if strings.HasSuffix(w, e) && len([]rune(w))-len([]rune(e)) >= 4 {
				w = strings.TrimSuffix(w, e)
				break
			}
		}
		t.Term = []byte(w)
		out = append(out, t)
	}
	return out
}
