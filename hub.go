package saperi

import (
	"net/mail"
	"time"
)

// Hub is a portineria di comunità (or a time bank, a neighbourhood house):
// the place whose operators look after a set of profiles.
type Hub struct {
	ID        uint64   `json:"id"`
	Name      string   `json:"name"`
	Area      string   `json:"area"`
	Point     *Point   `json:"point,omitempty"`
	Neighbors []uint64 `json:"neighbors"`
	// ShareWithNeighbors lets operators of neighbouring hubs see this hub's
	// postings among their candidates.
	ShareWithNeighbors bool `json:"share_with_neighbors"`
	// Emails are the operators' shared addresses: they receive the hub's
	// weekly digest.
	Emails  []string  `json:"emails,omitempty"`
	Created time.Time `json:"created"`
}

// Validate checks a hub as written by an admin.
func (h *Hub) Validate() error {
	if err := line("name", h.Name, 2, 80); err != nil {
		return err
	}
	if err := line("area", h.Area, 0, 60); err != nil {
		return err
	}
	seen := map[uint64]bool{}
	for _, n := range h.Neighbors {
		if n == 0 || seen[n] || (h.ID != 0 && n == h.ID) {
			return Invalid("neighbors", "error.hub.neighbors", "neighbors must be distinct ids of other hubs")
		}
		seen[n] = true
	}
	if len(h.Emails) > 10 {
		return Invalid("emails", "error.hub.emails", "at most 10 addresses")
	}
	for _, e := range h.Emails {
		if a, err := mail.ParseAddress(e); err != nil || a.Address != e {
			return Invalid("emails", "error.hub.email", "%q is not a valid email address", e).with("Email", e)
		}
	}
	if h.Point != nil {
		return h.Point.Validate()
	}
	return nil
}

// Event is one entry of the append-only audit trail: who did what, on
// whose behalf, to which object.
type Event struct {
	ID         uint64    `json:"id"`
	At         time.Time `json:"at"`
	Actor      string    `json:"actor"`
	OnBehalfOf uint64    `json:"on_behalf_of,omitempty"` // profile id
	Action     string    `json:"action"`
	Subject    string    `json:"subject"` // e.g. "posting/42"
	Detail     string    `json:"detail,omitempty"`
}
