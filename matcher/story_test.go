package matcher

import "testing"

func TestSuggestOffers(t *testing.T) {
	cm := func(id, name, parent string, s float64, words ...string) ConceptMatch {
		return ConceptMatch{Concept: Concept{ID: id, Name: name, Category: "casa", Parent: parent}, Words: words, Strength: s}
	}
	story := "Ho fatto la sarta per trent'anni, mi piace cucinare. Ero elettricista."
	for _, tc := range []struct {
		name  string
		found []ConceptMatch
		n     int
		want  []string // titles, in order
	}{
		{"strongest first, titles from the display name", []ConceptMatch{
			cm("cucina", "corsi di cucina", "", 0.3, "cucinare"), cm("sartoria", "cucito e sartoria", "", 0.6, "sarta")}, 0,
			[]string{"Cucito e sartoria", "Corsi di cucina"}},
		{"one word read as two concepts gives the stronger", []ConceptMatch{
			cm("orli", "piccole riparazioni ai vestiti", "", 0.38, "sarta"), cm("sartoria", "cucito e sartoria", "", 0.5, "sarta")}, 0,
			[]string{"Cucito e sartoria"}},
		{"a broader concept gives way to its narrower", []ConceptMatch{
			cm("casa", "piccoli lavori di casa", "", 0.9, "lavori"), cm("elettrici", "piccoli lavori elettrici", "casa", 0.5, "elettricista")}, 0,
			[]string{"Piccoli lavori elettrici"}},
		{"at most n", []ConceptMatch{
			cm("a", "a", "", 0.9, "x"), cm("b", "b", "", 0.8, "y"), cm("c", "c", "", 0.7, "z")}, 2,
			[]string{"A", "B"}},
		{"nothing found", nil, 0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := SuggestOffers(story, tc.found, tc.n)
			if len(got) != len(tc.want) {
				t.Fatalf("got %+v, want %v", got, tc.want)
			}
			for i, w := range tc.want {
				if got[i].Title != w {
					t.Errorf("%d: %q, want %q", i, got[i].Title, w)
				}
			}
		})
	}
	if got := SuggestOffers(story, []ConceptMatch{cm("e", "piccoli lavori elettrici", "", 1, "elettricista")}, 0); got[0].Description != "Ero elettricista." {
		t.Errorf("description = %q, want the sentence of the story", got[0].Description)
	}
}
