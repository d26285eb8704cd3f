package matcher

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxStorySuggestions is at most how many offers a story suggests.
const MaxStorySuggestions = 6

// StorySuggestion is an offer a person's story suggests they could post
// ("ho fatto la sarta per trent'anni" → "Cucito e sartoria"): the
// concept found, a title from its display name, its category, and the
// sentence of the story it was found in, as a first description. The
// person (or the operator with them) confirms or drops it.
type StorySuggestion struct {
	Concept     Concept  `json:"concept"`
	Title       string   `json:"title"`
	Category    string   `json:"category"`
	Description string   `json:"description"`
	Words       []string `json:"words"`
	Strength    float64  `json:"strength"`
}

// SuggestOffers turns the concepts found in a story (Lexicon.Concepts of
// the story as a posting's description) into offers to suggest, at most
// n (MaxStorySuggestions when n < 1): one per group of words of the story
// (the same word read as two concepts gives the stronger one), a broader
// concept left out when a narrower one of it is there, the strongest
// first.
func SuggestOffers(story string, found []ConceptMatch, n int) []StorySuggestion {
	if n < 1 {
		n = MaxStorySuggestions
	}
	has := map[string]bool{}
	for _, m := range found {
		has[m.ID] = true
	}
	byWords := map[string]int{} // words → index in out
	var out []StorySuggestion
	for _, m := range found {
		if m.ID == "" || m.Name == "" {
			continue
		}
		narrower := false
		for _, o := range found {
			if o.Parent == m.ID && has[o.ID] {
				narrower = true
				break
			}
		}
		if narrower {
			continue
		}
		key := strings.ToLower(strings.Join(m.Words, " "))
		s := StorySuggestion{Concept: m.Concept, Title: sentenceCase(m.Name), Category: m.Category,
			Description: sentenceWith(story, m.Words), Words: m.Words, Strength: strength(m)}
		if i, ok := byWords[key]; ok {
			if s.Strength > out[i].Strength {
				out[i] = s
			}
			continue
		}
		byWords[key] = len(out)
		out = append(out, s)
	}
	slices.SortStableFunc(out, func(a, b StorySuggestion) int {
		switch {
		case a.Strength > b.Strength:
			return -1
		case a.Strength < b.Strength:
			return 1
		}
		return 0
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// sentenceCase is s with its first letter upper case.
func sentenceCase(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[size:]
}

// sentenceWith returns the sentence of text (split at . ! ? ; and line
// ends, and commas: a story runs clauses together) holding the first of words, trimmed; "" when none does.
func sentenceWith(text string, words []string) string {
	if len(words) == 0 {
		return ""
	}
	first := strings.ToLower(strings.Fields(words[0] + " ")[0])
	for _, s := range strings.FieldsFunc(text, func(r rune) bool { return strings.ContainsRune(".!?;,\n", r) }) {
		if strings.Contains(strings.ToLower(s), first) {
			return sentenceCase(strings.TrimSpace(s)) + "."
		}
	}
	return ""
}
