package saperi

import (
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// ProfileKind says whether a profile is a person or an organisation.
type ProfileKind string

// Profile kinds.
const (
	Resident     ProfileKind = "resident"
	Organisation ProfileKind = "organisation"
)

// Contacts are private: shown only to the profile's hub operators and, once
// both sides of a match accepted, to the counterpart.
type Contacts struct {
	Phone string `json:"phone,omitempty"`
	Email string `json:"email,omitempty"`
}

// Consent records what the person agreed to, when, and how: by themselves
// ("self") or read out by an operator who recorded verbal consent
// ("operator").
type Consent struct {
	Text       string    `json:"text"`
	Version    string    `json:"version"`
	At         time.Time `json:"at"`
	By         string    `json:"by"`
	RecordedBy string    `json:"recorded_by,omitempty"`
}

// Consent origins.
const (
	ConsentSelf     = "self"
	ConsentOperator = "operator"
)

// Profile is a resident or an organisation that posts offers and needs.
type Profile struct {
	ID        uint64      `json:"id"`
	Kind      ProfileKind `json:"kind"`
	Name      string      `json:"name"`
	HubID     uint64      `json:"hub_id"`
	Area      string      `json:"area"`
	Point     *Point      `json:"point,omitempty"`
	Languages []string    `json:"languages"`
	// Lang is the language Saperi writes to the person in (pages, weekly
	// digest, mails), chosen at sign-up or by an operator; empty means
	// the first of Languages the catalogs cover.
	Lang     string    `json:"lang,omitempty"`
	Contacts Contacts  `json:"contacts"`
	Consent  Consent   `json:"consent"`
	Story    string    `json:"story,omitempty"`
	Created  time.Time `json:"created"`
	Updated  time.Time `json:"updated"`
}

// Normalize tidies what a person typed: trimmed names, an approximate
// point, no nil lists.
func (p *Profile) Normalize() {
	p.Name = OneLine(p.Name)
	p.Area = OneLine(p.Area)
	p.Contacts.Email = strings.TrimSpace(p.Contacts.Email)
	p.Contacts.Phone = strings.TrimSpace(p.Contacts.Phone)
	if p.Point != nil {
		pt := p.Point.Approx()
		p.Point = &pt
	}
	if p.Languages == nil {
		p.Languages = []string{}
	}
}

// Validate checks the fields a person fills in. The hub's existence is
// checked by the store.
func (p *Profile) Validate() error {
	if p.Kind != Resident && p.Kind != Organisation {
		return Invalid("kind", "error.profile.kind", "kind must be resident or organisation")
	}
	if err := line("name", p.Name, 2, 80); err != nil {
		return err
	}
	if p.HubID == 0 {
		return Invalid("hub_id", "error.profile.hub", "choose the hub (portineria) this profile belongs to")
	}
	if err := line("area", p.Area, 0, 60); err != nil {
		return err
	}
	if p.Point != nil {
		if err := p.Point.Validate(); err != nil {
			return err
		}
	}
	if err := languages(p.Languages); err != nil {
		return err
	}
	if p.Lang != "" && languages([]string{p.Lang}) != nil {
		return Invalid("lang", "error.languages", "the language is a two-letter lowercase code such as it, en, fr, ar")
	}
	if e := p.Contacts.Email; e != "" {
		if a, err := mail.ParseAddress(e); err != nil || a.Address != e {
			return Invalid("contacts.email", "error.profile.email", "the email address is not valid")
		}
	}
	if ph := p.Contacts.Phone; ph != "" && !validPhone(ph) {
		return Invalid("contacts.phone", "error.profile.phone", "the phone number may contain digits, spaces, + and - only")
	}
	if strings.TrimSpace(p.Consent.Text) == "" {
		return Invalid("consent.text", "error.profile.consent", "consent is required: record the text the person agreed to")
	}
	if p.Consent.By != ConsentSelf && p.Consent.By != ConsentOperator {
		return Invalid("consent.by", "error.profile.consent_by", "consent.by must be self or operator")
	}
	return text("story", p.Story, 0, 2000)
}

func validPhone(s string) bool {
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == ' ' || r == '+' || r == '-' || r == '.' || r == '/':
		default:
			return false
		}
	}
	return digits >= 6 && digits <= 15
}

// text checks a free-text field: valid UTF-8, trimmed length within bounds.
//
// Control characters (other than line breaks and tabs) are refused, and
// only visible characters count towards the minimum, so that a title made
// of invisible marks is as empty as it looks.
// line checks a single-line field (a title, a name, an area, a tag): text
// with no line break or tab. A break in a title would become a line of its
// own in the text part of somebody else's mail, where it could pass for
// Saperi's words ("Sì, mi interessa: http://…").
func line(field, v string, minLen, maxLen int) error {
	if strings.ContainsFunc(v, lineBreak) {
		return Invalid(field, "error.single_line", "%s must be a single line", field)
	}
	return text(field, v, minLen, maxLen)
}

// lineBreak reports the characters that break or tab a line of text:
// the ASCII ones, NEL and the Unicode line and paragraph separators.
func lineBreak(r rune) bool {
	switch r {
	case '\n', '\r', '\t', '\v', '\f', 0x85, 0x2028, 0x2029:
		return true
	}
	return false
}

// OneLine folds every run of line breaks, tabs and spaces in s into one
// space and trims it: what Tidy does to single-line fields, and what mail
// text parts do to any user text they print inline.
func OneLine(s string) string {
	if !strings.ContainsFunc(s, lineBreak) && !strings.Contains(s, "  ") {
		return strings.TrimSpace(s)
	}
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return lineBreak(r) || unicode.IsSpace(r) }), " ")
}

func text(field, v string, minLen, maxLen int) error {
	if !utf8.ValidString(v) {
		return Invalid(field, "error.utf8", "%s is not valid UTF-8 text", field)
	}
	visible := 0
	for _, r := range v {
		switch {
		case r == '\n' || r == '\t' || r == '\r':
		case unicode.IsControl(r):
			return Invalid(field, "error.control", "%s contains control characters", field)
		case unicode.IsGraphic(r) && !unicode.IsSpace(r) && !unicode.Is(unicode.Cf, r):
			visible++
		}
	}
	n := utf8.RuneCountInString(strings.TrimSpace(v))
	if visible < minLen {
		n = visible
	}
	if n < minLen {
		if minLen == 1 || n == 0 {
			return Invalid(field, "error.required", "%s is required", field)
		}
		return Invalid(field, "error.too_short", "%s must be at least %d characters", field, minLen).with("Min", minLen)
	}
	if n > maxLen {
		return Invalid(field, "error.too_long", "%s must be at most %d characters", field, maxLen).with("Max", maxLen)
	}
	return nil
}

func (e *Error) with(k string, v any) *Error {
	if e.Args == nil {
		e.Args = map[string]any{}
	}
	e.Args[k] = v
	return e
}

// languages checks ISO 639-1 style codes ("it", "fr", "ar").
func languages(list []string) error {
	if len(list) > 10 {
		return Invalid("languages", "error.languages", "at most 10 languages")
	}
	for _, l := range list {
		if len(l) < 2 || len(l) > 3 || strings.ToLower(l) != l || strings.Trim(l, "abcdefghijklmnopqrstuvwxyz") != "" {
			return Invalid("languages", "error.languages", "languages are two-letter lowercase codes such as it, en, fr, ar")
		}
	}
	return nil
}
