package saperi

import (
	"strings"
	"unicode"
)

// foldLatin maps accented Latin letters to their base letter.
var foldLatin = strings.NewReplacer(
	"à", "a", "á", "a", "â", "a", "ä", "a", "ã", "a", "å", "a", "ă", "a",
	"è", "e", "é", "e", "ê", "e", "ë", "e",
	"ì", "i", "í", "i", "î", "i", "ï", "i",
	"ò", "o", "ó", "o", "ô", "o", "ö", "o", "õ", "o",
	"ù", "u", "ú", "u", "û", "u", "ü", "u",
	"ç", "c", "ñ", "n", "ș", "s", "ş", "s", "ț", "t", "ţ", "t",
)

// FoldName is the form names are compared in: lower case, without
// accents, punctuation or repeated spaces ("  D'Amico,  Nicolò" and
// "d amico nicolo" fold alike).
func FoldName(s string) string {
	s = foldLatin.Replace(strings.ToLower(s))
	f := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	return strings.Join(f, " ")
}

// PhoneDigits returns the digits of a phone number without an Italian
// country prefix, for comparing numbers written in different ways
// ("+39 011 000 0001" and "0110000001").
func PhoneDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	d := b.String()
	if strings.HasPrefix(strings.TrimSpace(s), "+39") || (strings.HasPrefix(d, "0039") && len(d) > 10) {
		d = strings.TrimPrefix(strings.TrimPrefix(d, "00"), "39")
	}
	return d
}

// SimilarNames reports whether two person names are probably the same
// person written twice: equal once folded, the same words in another
// order ("Rossi Maria"), or one or two letters apart ("Maria Rosi").
func SimilarNames(a, b string) bool {
	a, b = FoldName(a), FoldName(b)
	if a == "" || b == "" {
		return false
	}
	if a == b || sortedWords(a) == sortedWords(b) {
		return true
	}
	n := max(len([]rune(a)), len([]rune(b)))
	return n >= 6 && editDistance(a, b) <= 2
}

func sortedWords(s string) string {
	w := strings.Fields(s)
	for i := 1; i < len(w); i++ {
		for j := i; j > 0 && w[j] < w[j-1]; j-- {
			w[j], w[j-1] = w[j-1], w[j]
		}
	}
	return strings.Join(w, " ")
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
