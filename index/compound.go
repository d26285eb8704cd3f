package index

import (
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
)

// tokenizerName is the registered type of the tokenizer below.
const tokenizerName = "it_saperi_hyphen"

// hyphenTokenizer is bleve's Unicode word tokenizer plus, for two words
// joined by a hyphen, the two written as one: "baby-sitter" gives baby,
// sitter and babysitter, "socio-sanitario" gives socio, sanitario and
// sociosanitario, so the hyphenated, the spaced and the closed spelling of
// a compound all meet. The joined token spans both words, so explanations
// quote "baby-sitter".
type hyphenTokenizer struct{ u analysis.Tokenizer }

func (h hyphenTokenizer) Tokenize(input []byte) analysis.TokenStream {
	ts := h.u.Tokenize(input)
	if len(ts) < 2 {
		return ts
	}
	out := make(analysis.TokenStream, 0, len(ts)+2)
	for i, t := range ts {
		out = append(out, t)
		if i+1 < len(ts) {
			n := ts[i+1]
			if t.End+1 == n.Start && t.End < len(input) && input[t.End] == '-' &&
				t.Type == analysis.AlphaNumeric && n.Type == analysis.AlphaNumeric {
				term := make([]byte, 0, len(t.Term)+len(n.Term))
				term = append(append(term, t.Term...), n.Term...)
				out = append(out, &analysis.Token{Term: term, Start: t.Start, End: n.End,
					Position: t.Position, Type: analysis.AlphaNumeric})
			}
		}
	}
	return out
}

func init() {
	err := registry.RegisterTokenizer(tokenizerName, func(map[string]any, *registry.Cache) (analysis.Tokenizer, error) {
		return hyphenTokenizer{u: unicode.NewUnicodeTokenizer()}, nil
	})
	if err != nil {
		panic(err)
	}
}
