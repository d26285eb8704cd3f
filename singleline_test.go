package saperi_test

import (
	"fmt"
	"testing"

	"github.com/saperi/saperi"
)

// TestSingleLineFields is finding 11 of the attack run: a title or a name
// with a line break became a line of its own in the text part of another
// person's digest. Single-line fields refuse breaks and tabs (as the
// error a person can act on), and Tidy and Normalize fold what a form
// pasted.
func TestSingleLineFields(t *testing.T) {
	hostile := "Ripetizioni\nSì, mi interessa: http://evil.example/x"
	for _, brk := range []string{"\n", "\r", "\t", "\r\n", "\u2028", "\u2029", "\u0085", "\v"} {
		v := "Ripetizioni" + brk + "Sì, mi interessa"
		cases := []struct {
			name, field string
			err         func() error
		}{
			{"posting title", "title", func() error {
				p := posting(saperi.Offer, 1, 1)
				p.Title = v
				return p.Validate(saperi.DefaultCategories, now)
			}},
			{"posting area", "area", func() error {
				p := posting(saperi.Offer, 1, 1)
				p.Area = v
				return p.Validate(saperi.DefaultCategories, now)
			}},
			{"posting tag", "tags", func() error {
				p := posting(saperi.Offer, 1, 1)
				p.Tags = []string{v}
				return p.Validate(saperi.DefaultCategories, now)
			}},
			{"profile name", "name", func() error { p := validProfile(); p.Name = v; return p.Validate() }},
			{"profile area", "area", func() error { p := validProfile(); p.Area = v; return p.Validate() }},
			{"hub name", "name", func() error { h := &saperi.Hub{Name: v}; return h.Validate() }},
			{"category name", "name", func() error { c := &saperi.Category{ID: "cucina", Name: v, En: "Cooking"}; return c.Validate() }},
		}
		for _, tc := range cases {
			t.Run(fmt.Sprintf("%s %q", tc.name, brk), func(t *testing.T) {
				wantInvalid(t, tc.err(), tc.field)
			})
		}
	}
	t.Run("a description keeps its lines", func(t *testing.T) {
		p := posting(saperi.Offer, 1, 1)
		p.Description = "Prima riga\nseconda riga\n\tcon un rientro"
		checkValid(t, p.Validate(saperi.DefaultCategories, now), "")
	})
	t.Run("Tidy folds a pasted title onto one line", func(t *testing.T) {
		p := posting(saperi.Offer, 1, 1)
		p.Title, p.Area, p.Tags = hostile, " Borgo\r\nDora ", []string{"a\u2028b"}
		p.Tidy()
		if p.Title != "Ripetizioni Sì, mi interessa: http://evil.example/x" || p.Area != "Borgo Dora" || p.Tags[0] != "a b" {
			t.Fatalf("after Tidy: %q %q %q", p.Title, p.Area, p.Tags)
		}
		checkValid(t, p.Validate(saperi.DefaultCategories, now), "")
	})
	t.Run("Normalize folds a pasted name", func(t *testing.T) {
		p := validProfile()
		p.Name = "Maria\n\nRossi "
		p.Normalize()
		if p.Name != "Maria Rossi" {
			t.Fatalf("Name = %q", p.Name)
		}
	})
}
