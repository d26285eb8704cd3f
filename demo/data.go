package demo

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"

	"github.com/saperi/saperi"
)

//go:embed data.json
var dataJSON []byte

// Dataset is the content of data.json. Records refer to each other by
// string keys; Seed turns them into the ids the store assigns.
type Dataset struct {
	Areas    []Area         `json:"areas"`
	Hubs     []HubEntry     `json:"hubs"`
	Profiles []ProfileEntry `json:"profiles"`
	Postings []PostingEntry `json:"postings"`
}

// Area is a neighbourhood (quartiere) and its approximate centre.
type Area struct {
	Key  string  `json:"key"`
	Name string  `json:"name"`
	Lat  float64 `json:"lat"`
	Lon  float64 `json:"lon"`
}

// HubEntry is a portineria. Its point is the centre of its area.
// Neighbors may only name hubs listed before it: a hub's id is known once
// it is created, and the Store interface has no way to update a hub.
type HubEntry struct {
	Key       string   `json:"key"`
	Name      string   `json:"name"`
	Area      string   `json:"area"`
	Neighbors []string `json:"neighbors,omitempty"`
	Share     bool     `json:"share_with_neighbors,omitempty"`
	Emails    []string `json:"emails,omitempty"`
}

// ProfileEntry is a resident or an organisation. WalkIn marks people
// registered at the desk on verbal consent (they usually have no e-mail).
type ProfileEntry struct {
	Key       string             `json:"key"`
	Kind      saperi.ProfileKind `json:"kind"`
	Name      string             `json:"name"`
	Hub       string             `json:"hub"`
	Area      string             `json:"area"`
	Languages []string           `json:"languages"`
	Phone     string             `json:"phone,omitempty"`
	Email     string             `json:"email,omitempty"`
	WalkIn    bool               `json:"walk_in,omitempty"`
	Story     string             `json:"story,omitempty"`
}

// PostingEntry is an offer or a need of the profile Owner. Key is optional
// and only needed when a need names it in Match: the offers that answer
// that need well.
type PostingEntry struct {
	Key      string        `json:"key,omitempty"`
	Owner    string        `json:"owner"`
	Kind     saperi.Kind   `json:"kind"`
	Title    string        `json:"title"`
	Text     string        `json:"text,omitempty"`
	Category string        `json:"category,omitempty"`
	Tags     []string      `json:"tags,omitempty"`
	Slots    []saperi.Slot `json:"slots,omitempty"`
	Mode     saperi.Mode   `json:"mode,omitempty"`
	Km       float64       `json:"km,omitempty"`
	Capacity int           `json:"capacity,omitempty"`
	Status   saperi.Status `json:"status,omitempty"`
	Match    []string      `json:"match,omitempty"`
}

// Load parses the embedded data and checks that its keys resolve.
func Load() (*Dataset, error) {
	return parse(dataJSON)
}

func parse(b []byte) (*Dataset, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var d Dataset
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("demo: parse data.json: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("demo: parse data.json: trailing data after the dataset")
	}
	if err := d.check(); err != nil {
		return nil, fmt.Errorf("demo: data.json: %w", err)
	}
	return &d, nil
}

// check verifies that keys are unique and that every reference resolves.
func (d *Dataset) check() error {
	areas := map[string]bool{}
	for _, a := range d.Areas {
		if a.Key == "" || areas[a.Key] {
			return fmt.Errorf("area %q: missing or duplicate key", a.Key)
		}
		areas[a.Key] = true
	}
	hubs := map[string]bool{}
	for _, h := range d.Hubs {
		if h.Key == "" || hubs[h.Key] {
			return fmt.Errorf("hub %q: missing or duplicate key", h.Key)
		}
		if !areas[h.Area] {
			return fmt.Errorf("hub %q: unknown area %q", h.Key, h.Area)
		}
		for _, n := range h.Neighbors {
			if !hubs[n] {
				return fmt.Errorf("hub %q: neighbour %q is not a hub listed before it", h.Key, n)
			}
		}
		hubs[h.Key] = true
	}
	profiles := map[string]bool{}
	for _, p := range d.Profiles {
		if p.Key == "" || profiles[p.Key] {
			return fmt.Errorf("profile %q: missing or duplicate key", p.Key)
		}
		if !hubs[p.Hub] {
			return fmt.Errorf("profile %q: unknown hub %q", p.Key, p.Hub)
		}
		if !areas[p.Area] {
			return fmt.Errorf("profile %q: unknown area %q", p.Key, p.Area)
		}
		profiles[p.Key] = true
	}
	kinds := map[string]saperi.Kind{}
	for i, p := range d.Postings {
		if !profiles[p.Owner] {
			return fmt.Errorf("posting %d (%q): unknown owner %q", i, p.Title, p.Owner)
		}
		if p.Key != "" {
			if _, dup := kinds[p.Key]; dup {
				return fmt.Errorf("posting %d: duplicate key %q", i, p.Key)
			}
			kinds[p.Key] = p.Kind
		}
	}
	for i, p := range d.Postings {
		if len(p.Match) > 0 && p.Kind != saperi.Need {
			return fmt.Errorf("posting %d (%q): only needs list matching offers", i, p.Title)
		}
		for _, k := range p.Match {
			if kinds[k] != saperi.Offer {
				return fmt.Errorf("posting %d (%q): match %q is not an offer's key", i, p.Title, k)
			}
		}
	}
	return nil
}
