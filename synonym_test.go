package saperi_test

import (
	"github.com/saperi/saperi"
	"strings"
	"testing"

	"github.com/saperi/saperi/matcher"
)

func TestSynonymValidate(t *testing.T) {
	tests := []struct {
		name  string
		terms []string
		code  string
	}{
		{"two", []string{"tata", "baby sitter"}, ""},
		{"one", []string{"tata"}, saperi.EINVALID},
		{"too many", strings.Split(strings.Repeat("x,", 20)+"y", ","), saperi.EINVALID},
		{"duplicate ignoring case and space", []string{"Tata", " tata "}, saperi.EINVALID},
		{"empty expression", []string{"tata", "  "}, saperi.EINVALID},
		{"too long", []string{"tata", strings.Repeat("a", 81)}, saperi.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &saperi.Synonym{Terms: tt.terms}
			if got := saperi.ErrorCode(s.Validate()); got != tt.code {
				t.Errorf("Validate(%q) code %q, want %q", tt.terms, got, tt.code)
			}
		})
	}
}

func TestSuggestCategory(t *testing.T) {
	list := saperi.DefaultCategories
	tests := []struct {
		name    string
		near    []saperi.Neighbour
		keyword string
		share   float64
		want    string
		ok      bool
	}{
		{"nothing", nil, "", 0, "", false},
		{"keywords only", nil, "casa", 1, "casa", true},
		{"neighbours only, weighted by score", []saperi.Neighbour{{"scuola", 1}, {"lingue", 3}}, "", 0, "lingue", true},
		{"neighbours outvote a weak keyword", []saperi.Neighbour{{"digitale", 2}, {"digitale", 1}}, "scuola", 0.5, "digitale", true},
		{"a sure keyword outvotes split neighbours", []saperi.Neighbour{{"digitale", 1}, {"lingue", 1}}, "scuola", 1, "scuola", true},
		{"unknown categories ignored", []saperi.Neighbour{{"astronautica", 5}}, "astronautica", 1, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := saperi.SuggestCategory(list, tt.near, tt.keyword, tt.share)
			if ok != tt.ok || got.Category != tt.want || (ok && (got.Confidence <= 0 || got.Confidence > 1)) {
				t.Errorf("SuggestCategory = %+v, %v; want %q, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestSynonymCreditLowersText(t *testing.T) {
	target := &saperi.Posting{ID: 1, Kind: saperi.Need, Title: "maestra"}
	cand := &saperi.Posting{ID: 2, Kind: saperi.Offer, Title: "insegnante"}
	s := matcher.NewScorer(matcher.Weights{})
	s.SynonymCredit = 0.5
	d, y := s.WordWeight(1, saperi.ViaExact, false, target, cand), s.WordWeight(1, saperi.ViaSynonym, false, target, cand)
	if !(y < d) {
		t.Errorf("a word through a synonym %v, directly %v: want lower", y, d)
	}
	s.SynonymCredit = 1
	if y := s.WordWeight(1, saperi.ViaSynonym, false, target, cand); y != d {
		t.Errorf("with full synonym credit: %v, want %v", y, d)
	}
}
