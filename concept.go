package saperi

import (
	"regexp"
	"strings"
	"time"
)

// Concept is a hub's own concept of everyday community life, added by its
// admins through the API on top of the concept files that ship with
// Saperi (index/concepts): a need reaches an offer through a shared
// concept even when they share no word. Its first label is the name
// people are shown ("stesso bisogno: …").
type Concept struct {
	// ID is lower-case letters, digits and dashes ("bici-cargo"); it
	// must not be the id of a shipped concept.
	ID       string `json:"id"`
	Category string `json:"category"`
	// Parent, optional, is a broader concept (shipped or the hub's).
	Parent string `json:"parent,omitempty"`
	// Labels are Italian names of the skill, service or thing, formal and
	// everyday; Problems the situations that call for it, as people say
	// them at a desk ("devo portare i bambini a scuola in bici").
	Labels   []string  `json:"labels"`
	Problems []string  `json:"problems"`
	Created  time.Time `json:"created"`
}

// Limits of a hub concept.
const (
	MaxConceptLabels   = 30
	MaxConceptLabelLen = 80
)

var conceptID = regexp.MustCompile(`^[a-z][a-z0-9-]{1,59}$`)

// Validate checks a concept as written by an admin, trimming its labels:
// an id of 2 to 60 lower-case letters, digits or dashes; one of the
// default categories (the concept files know those); 1 to 30 labels and
// at most 30 problems of 2 to 80 characters, none holding "|" (the
// separator of the concept files). It does not know the other concepts:
// the caller checks the id is new and the parent exists.
func (c *Concept) Validate() error {
	c.ID = strings.TrimSpace(c.ID)
	c.Category = strings.TrimSpace(c.Category)
	c.Parent = strings.TrimSpace(c.Parent)
	if !conceptID.MatchString(c.ID) {
		return Invalid("id", "error.concept.id", "a concept id has 2 to 60 lower-case letters, digits or dashes, and starts with a letter")
	}
	if c.Parent != "" && (!conceptID.MatchString(c.Parent) || c.Parent == c.ID) {
		return Invalid("parent", "error.concept.parent", "unknown parent concept %q", c.Parent).with("Parent", c.Parent)
	}
	if _, ok := CategoryByID(DefaultCategories, c.Category); !ok {
		return Invalid("category", "error.posting.category", "unknown category %q", c.Category).with("Category", c.Category)
	}
	if len(c.Labels) < 1 || len(c.Labels) > MaxConceptLabels {
		return Invalid("labels", "error.concept.labels", "a concept needs 1 to %d labels", MaxConceptLabels).with("Max", MaxConceptLabels)
	}
	if len(c.Problems) > MaxConceptLabels {
		return Invalid("problems", "error.concept.labels", "a concept has at most %d problems", MaxConceptLabels).with("Max", MaxConceptLabels)
	}
	if c.Problems == nil {
		c.Problems = []string{}
	}
	for _, f := range []struct {
		field string
		list  []string
	}{{"labels", c.Labels}, {"problems", c.Problems}} {
		field, list := f.field, f.list
		for i, l := range list {
			l = strings.Join(strings.Fields(l), " ")
			list[i] = l
			if err := text(field, l, 2, MaxConceptLabelLen); err != nil {
				return err
			}
			if strings.ContainsAny(l, "|[]#") {
				return Invalid(field, "error.concept.char", "a label may not hold | [ ] or #").with("Label", l)
			}
		}
	}
	return nil
}

// ConceptFile writes concepts in the format of the concept files
// (index/concepts/README.md), for the index to load with the shipped
// ones.
func ConceptFile(cs []*Concept) []byte {
	var b strings.Builder
	for _, c := range cs {
		b.WriteString("[" + c.ID + "]\ncat: " + c.Category + "\n")
		if c.Parent != "" {
			b.WriteString("parent: " + c.Parent + "\n")
		}
		b.WriteString("it: " + strings.Join(c.Labels, " | ") + "\n")
		if len(c.Problems) > 0 {
			b.WriteString("problem: " + strings.Join(c.Problems, " | ") + "\n")
		}
		b.WriteString("\n")
	}
	return []byte(b.String())
}
