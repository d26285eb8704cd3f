package matcher

// Concept is one thing of everyday community life that a person may need
// and another may offer ("piccoli lavori elettrici", "compilare l'ISEE"),
// from the curated concept files: a need reaches an offer through a shared
// concept even when they share no word.
type Concept struct {
	ID string `json:"id"`
	// Name is the Italian display name ("piccoli lavori elettrici").
	Name     string `json:"name"`
	Category string `json:"category"`
	// Parent is the broader concept, if any: a need for it is answered by
	// the narrower one and the other way round, at a lower weight.
	Parent string `json:"parent,omitempty"`
}

// ConceptMatch is a concept found in a text, with what was read: the
// label of the concept files that matched and the words of the text that
// matched it, as written (in the posting's language).
type ConceptMatch struct {
	Concept
	Label   string   `json:"label"`
	Words   []string `json:"words"`
	InTitle bool     `json:"in_title"`
	// Problem is set when the text describes a situation calling for
	// the concept ("le prese non vanno") rather than naming it.
	Problem bool `json:"problem"`
}
