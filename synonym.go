package saperi

import (
	"strings"
	"time"
)

// Synonym is a group of expressions a hub's admins declare equivalent
// ("doposcuola", "aiuto compiti", "estate ragazzi"), on top of the thesaurus
// that ships with Saperi. Matching treats a need that says one as asking for
// any of them, at a lower weight than the words written.
type Synonym struct {
	ID      uint64    `json:"id"`
	Terms   []string  `json:"terms"`
	Created time.Time `json:"created"`
}

// Limits of a synonym group.
const (
	MinSynonymTerms = 2
	MaxSynonymTerms = 20
	MaxSynonymLen   = 80
)

// Validate checks a group as written by an admin: 2 to 20 distinct
// expressions of 1 to 80 characters. It trims the expressions.
func (s *Synonym) Validate() error {
	if len(s.Terms) < MinSynonymTerms || len(s.Terms) > MaxSynonymTerms {
		return &Error{Code: EINVALID, Key: "error.synonym.count", Field: "terms",
			Args: map[string]any{"Min": MinSynonymTerms, "Max": MaxSynonymTerms}, Message: "a synonym group needs 2 to 20 expressions"}
	}
	seen := map[string]bool{}
	for i, t := range s.Terms {
		t = strings.TrimSpace(t)
		s.Terms[i] = t
		if err := line("terms", t, 1, MaxSynonymLen); err != nil {
			return err
		}
		k := strings.ToLower(t)
		if seen[k] {
			return &Error{Code: EINVALID, Key: "error.synonym.duplicate", Field: "terms",
				Args: map[string]any{"Term": t}, Message: "expression " + t + " is listed twice"}
		}
		seen[k] = true
	}
	return nil
}

// SynonymGroups returns the expressions of each group, as the index takes
// them.
func SynonymGroups(syns []*Synonym) [][]string {
	out := make([][]string, len(syns))
	for i, s := range syns {
		out[i] = s.Terms
	}
	return out
}
