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
	Emails []string `json:"emails,omitempty"`
	// Areas are the neighbourhoods (quartieri) the hub serves, each with
	// the approximate point a person living there is given. When a hub has
	// them, a person's area is chosen from this list.
	Areas   []Area    `json:"areas,omitempty"`
	Created time.Time `json:"created"`
}

// Area is a neighbourhood a hub serves, with its approximate centre.
type Area struct {
	Name  string `json:"name"`
	Point *Point `json:"point,omitempty"`
}

// FindArea returns the hub's area whose name matches name, ignoring case,
// accents and spacing ("barriera di milano" finds "Barriera di Milano").
func (h *Hub) FindArea(name string) (Area, bool) {
	key := FoldName(name)
	for _, a := range h.Areas {
		if FoldName(a.Name) == key {
			return a, true
		}
	}
	return Area{}, false
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
	if len(h.Areas) > 100 {
		return Invalid("areas", "error.hub.areas", "at most 100 areas")
	}
	seenArea := map[string]bool{}
	for _, a := range h.Areas {
		if err := text("areas", a.Name, 2, 60); err != nil {
			return err
		}
		if k := FoldName(a.Name); seenArea[k] {
			return Invalid("areas", "error.hub.area_twice", "the area %q is listed twice", a.Name).with("Area", a.Name)
		} else {
			seenArea[k] = true
		}
		if a.Point != nil {
			if err := a.Point.Validate(); err != nil {
				return err
			}
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
