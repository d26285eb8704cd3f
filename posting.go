package saperi

import (
	"math"
	"strings"
	"time"
)

// Kind says whether a posting offers help or asks for it.
type Kind string

// Posting kinds.
const (
	Offer Kind = "offer"
	Need  Kind = "need"
)

// Opposite returns the kind a posting of kind k is matched with.
func (k Kind) Opposite() Kind {
	if k == Offer {
		return Need
	}
	return Offer
}

// Status is where a posting is in its life.
type Status string

// Posting statuses. Only open postings are proposed as candidates.
const (
	Open    Status = "open"
	Paused  Status = "paused"
	Matched Status = "matched"
	Closed  Status = "closed"
	Expired Status = "expired"
)

// Mode says how help can be given.
type Mode string

// Modes.
const (
	InPerson Mode = "in_person"
	Remote   Mode = "remote"
	Either   Mode = "either"
)

// Defaults and bounds for postings.
const (
	DefaultMaxDistanceKm = 3.0
	MaxDistanceKm        = 50.0
	DefaultTTL           = 90 * 24 * time.Hour
	MaxTTL               = 366 * 24 * time.Hour
	DefaultCapacity      = 3
	MaxCapacity          = 50
)

// Posting is an offer or a need. HubID, Area, Point and Languages default to
// the owner's profile when the posting is created, so that search can filter
// on them without joining.
type Posting struct {
	ID            uint64    `json:"id"`
	Kind          Kind      `json:"kind"`
	ProfileID     uint64    `json:"profile_id"`
	HubID         uint64    `json:"hub_id"`
	Area          string    `json:"area"`
	Point         *Point    `json:"point,omitempty"`
	Title         string    `json:"title"`
	Description   string    `json:"description"`
	Category      string    `json:"category"`
	Tags          []string  `json:"tags"`
	Slots         []Slot    `json:"slots"`
	AvailableFrom time.Time `json:"available_from,omitzero"`
	AvailableTo   time.Time `json:"available_to,omitzero"`
	Mode          Mode      `json:"mode"`
	MaxDistanceKm float64   `json:"max_distance_km"`
	Languages     []string  `json:"languages"`
	Capacity      int       `json:"capacity"`
	Status        Status    `json:"status"`
	Expires       time.Time `json:"expires"`
	Created       time.Time `json:"created"`
	Updated       time.Time `json:"updated"`
	// Urgent is set by the person or the desk for a need that cannot
	// wait; the desk's queue filters on it.
	Urgent bool `json:"urgent,omitempty"`
	// Display lets the hub's printed noticeboard show the description,
	// not only the title and category: set by an operator who read it
	// (a description may tell of someone's health or family).
	Display bool `json:"display,omitempty"`
}

// Inherit copies what a posting takes from its owner's profile at creation:
// the owner and hub always, area, point and languages when not set.
func (p *Posting) Inherit(owner *Profile) {
	p.ProfileID = owner.ID
	p.HubID = owner.HubID
	if p.Area == "" {
		p.Area = owner.Area
	}
	if p.Point == nil && owner.Point != nil {
		pt := *owner.Point
		p.Point = &pt
	}
	if len(p.Languages) == 0 {
		p.Languages = append([]string(nil), owner.Languages...)
	}
}

// Normalize fills defaults and tidies free text; call before Validate on
// anything that came from outside.
func (p *Posting) Normalize(now time.Time) {
	p.Tidy()
	if p.Mode == "" {
		p.Mode = InPerson
	}
	if p.MaxDistanceKm == 0 {
		p.MaxDistanceKm = DefaultMaxDistanceKm
	}
	if p.Capacity == 0 {
		p.Capacity = DefaultCapacity
	}
	if p.Status == "" {
		p.Status = Open
	}
	if p.Expires.IsZero() {
		p.Expires = now.Add(DefaultTTL)
	}
	if p.Created.IsZero() {
		p.Created = now
	}
}

// Tidy trims free text, lower-cases and de-duplicates tags, rounds the
// point and replaces nil lists, without filling defaults: a change that
// empties a field must fail validation rather than quietly get a default.
func (p *Posting) Tidy() {
	p.Title = OneLine(p.Title)
	p.Description = strings.TrimSpace(p.Description)
	p.Category = strings.TrimSpace(strings.ToLower(p.Category))
	p.Area = OneLine(p.Area)
	tags := make([]string, 0, len(p.Tags))
	seen := map[string]bool{}
	for _, t := range p.Tags {
		t = strings.ToLower(OneLine(t))
		if t != "" && !seen[t] {
			seen[t] = true
			tags = append(tags, t)
		}
	}
	p.Tags = tags
	if p.Point != nil {
		pt := p.Point.Approx()
		p.Point = &pt
	}
	if p.Slots == nil {
		p.Slots = []Slot{}
	}
	if p.Languages == nil {
		p.Languages = []string{}
	}
}

// Validate checks a posting as written by a person. categories is the
// current taxonomy; now bounds the expiry date.
func (p *Posting) Validate(categories []Category, now time.Time) error {
	if p.Kind != Offer && p.Kind != Need {
		return Invalid("kind", "error.posting.kind", "kind must be offer or need")
	}
	if p.ProfileID == 0 {
		return Invalid("profile_id", "error.posting.profile", "profile_id is required: whose offer or need is this?")
	}
	if err := line("title", p.Title, 2, 120); err != nil {
		return err
	}
	if err := text("description", p.Description, 0, 4000); err != nil {
		return err
	}
	if p.Category != "" {
		if _, ok := CategoryByID(categories, p.Category); !ok {
			return Invalid("category", "error.posting.category", "unknown category %q", p.Category).with("Category", p.Category)
		}
	}
	if len(p.Tags) > 12 {
		return Invalid("tags", "error.posting.tags", "at most 12 tags")
	}
	for _, t := range p.Tags {
		if err := line("tags", t, 1, 40); err != nil {
			return err
		}
	}
	if len(p.Slots) > 21 {
		return Invalid("slots", "error.posting.slots", "at most 21 weekly slots")
	}
	for _, s := range p.Slots {
		if err := s.Validate(); err != nil {
			return err
		}
	}
	if !p.AvailableFrom.IsZero() && !p.AvailableTo.IsZero() && p.AvailableTo.Before(p.AvailableFrom) {
		return Invalid("available_to", "error.posting.dates", "available_to must not be before available_from")
	}
	switch p.Mode {
	case InPerson, Remote, Either:
	default:
		return Invalid("mode", "error.posting.mode", "mode must be in_person, remote or either")
	}
	if math.IsNaN(p.MaxDistanceKm) || p.MaxDistanceKm < 0 || p.MaxDistanceKm > MaxDistanceKm {
		return Invalid("max_distance_km", "error.posting.distance", "max_distance_km must be between 0 and %g", MaxDistanceKm).with("Max", MaxDistanceKm)
	}
	if p.Capacity < 1 || p.Capacity > MaxCapacity {
		return Invalid("capacity", "error.posting.capacity", "capacity must be between 1 and %d", MaxCapacity).with("Max", MaxCapacity)
	}
	switch p.Status {
	case Open, Paused, Matched, Closed, Expired:
	default:
		return Invalid("status", "error.posting.status", "status must be open, paused, matched, closed or expired")
	}
	if p.Point != nil {
		if err := p.Point.Validate(); err != nil {
			return err
		}
	}
	if err := line("area", p.Area, 0, 60); err != nil {
		return err
	}
	if err := languages(p.Languages); err != nil {
		return err
	}
	if p.Status == Open && !p.Expires.After(now) {
		return Invalid("expires", "error.posting.expired", "the expiry date must be in the future")
	}
	if p.Expires.Sub(now) > MaxTTL {
		return Invalid("expires", "error.posting.expires_far", "the expiry date must be within a year")
	}
	return nil
}

// StatusAt returns the status as of now: an open or paused posting past its
// expiry is expired even before the store marks it so.
func (p *Posting) StatusAt(now time.Time) Status {
	if (p.Status == Open || p.Status == Paused) && !p.Expires.After(now) {
		return Expired
	}
	return p.Status
}

// Transition is a change of status asked for by a person.
type Transition string

// Transitions a person can ask for.
const (
	Pause  Transition = "pause"
	Resume Transition = "resume"
	Close  Transition = "close"
	Renew  Transition = "renew"
)

// Apply changes the posting's status. Renew reopens a posting until at
// least DefaultTTL from now.
func (p *Posting) Apply(t Transition, now time.Time) error {
	st := p.StatusAt(now)
	bad := func() error {
		return Errorf(ECONFLICT, "error.posting.transition",
			"cannot %s a posting that is %s", t, st).with("Action", string(t)).with("Status", string(st))
	}
	switch t {
	case Pause:
		if st != Open {
			return bad()
		}
		p.Status = Paused
	case Resume:
		if st != Paused {
			return bad()
		}
		p.Status = Open
	case Close:
		if st == Closed {
			return bad()
		}
		p.Status = Closed
	case Renew:
		if st == Closed {
			return bad()
		}
		p.Status = Open
		// Renewing never shortens a longer expiry the person chose.
		if e := now.Add(DefaultTTL); p.Expires.Before(e) {
			p.Expires = e
		}
	default:
		return Errorf(EINVALID, "error.posting.unknown_transition", "unknown action %q", t)
	}
	p.Updated = now
	return nil
}

// Reachable reports whether the two postings can meet given their modes,
// points and maximum distances: remote help reaches anywhere; in-person
// help needs both within the smaller of the two maximum distances. Unknown
// points are treated as reachable within the same area.
func Reachable(a, b *Posting) (ok bool, km float64, remote bool) {
	if a.Mode.CanRemote() && b.Mode.CanRemote() {
		remote = true
	}
	inPerson := a.Mode != Remote && b.Mode != Remote
	if a.Point != nil && b.Point != nil {
		km = DistanceKm(*a.Point, *b.Point)
		if inPerson && km <= min(a.RadiusKm(), b.RadiusKm()) {
			return true, km, false
		}
		return remote, km, remote
	}
	if inPerson && a.Area != "" && strings.EqualFold(a.Area, b.Area) {
		return true, -1, false
	}
	return remote, -1, remote
}

// CanRemote reports whether mode m allows meeting at a distance.
func (m Mode) CanRemote() bool { return m == Remote || m == Either }

// RadiusKm is how far p's owner will go in person: MaxDistanceKm, or the
// default when unset.
func (p *Posting) RadiusKm() float64 {
	if p.MaxDistanceKm <= 0 {
		return DefaultMaxDistanceKm
	}
	return p.MaxDistanceKm
}

// PostingFilter selects postings in a listing. Zero fields do not filter.
// Listings are ordered by id; After is the cursor (the last id seen). With
// Now set, Status compares the status as of then (see StatusAt).
type PostingFilter struct {
	Now       time.Time
	Kind      Kind
	Status    Status
	Category  string
	Area      string
	HubID     uint64
	ProfileID uint64
	After     uint64
	Limit     int
}
