package saperi

import (
	"net/mail"
	"strings"
	"time"
)

// Role is what an account may do; see Can for the rules.
type Role string

// Roles.
const (
	// RoleResident is a person acting for their own profile.
	RoleResident Role = "resident"
	// RoleStaff is a member of an organisation's staff, acting for the
	// organisation's profile; an organisation may have several.
	RoleStaff Role = "staff"
	// RoleOperator works the desk of one hub and acts on behalf of the
	// people registered there.
	RoleOperator Role = "operator"
	// RoleAdmin (coordinator) manages hubs, operators, categories and
	// tokens, and sees everything.
	RoleAdmin Role = "admin"
)

// Roles lists every role, for help texts and pickers.
var Roles = []Role{RoleResident, RoleStaff, RoleOperator, RoleAdmin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	switch r {
	case RoleResident, RoleStaff, RoleOperator, RoleAdmin:
		return true
	}
	return false
}

// MinPasswordLen is the shortest password accepted.
const MinPasswordLen = 10

// User is an account: credentials and a role. Residents and staff act for
// ProfileID; operators for the people of HubID. PasswordHash is a bcrypt
// hash, never shown: the web layer has its own view of a user.
type User struct {
	ID           uint64    `json:"id"`
	Email        string    `json:"email"`
	Name         string    `json:"name"`
	Role         Role      `json:"role"`
	ProfileID    uint64    `json:"profile_id,omitempty"`
	HubID        uint64    `json:"hub_id,omitempty"`
	Lang         string    `json:"lang,omitempty"`
	PasswordHash string    `json:"password_hash"`
	Created      time.Time `json:"created"`
}

// NormalizeEmail is the form emails are compared and indexed in.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Validate checks an account: a valid email, a name, a known role and the
// link its role needs (a profile for residents and staff, a hub for
// operators).
func (u *User) Validate() error {
	if a, err := mail.ParseAddress(u.Email); err != nil || a.Address != u.Email || u.Email != NormalizeEmail(u.Email) {
		return Invalid("email", "error.user.email", "the email address is not valid")
	}
	if err := line("name", u.Name, 2, 80); err != nil {
		return err
	}
	if !u.Role.Valid() {
		return Invalid("role", "error.user.role", "role must be resident, staff, operator or admin")
	}
	switch u.Role {
	case RoleResident, RoleStaff:
		if u.ProfileID == 0 {
			return Invalid("profile_id", "error.user.profile", "a resident or staff account needs the profile it acts for")
		}
	case RoleOperator:
		if u.HubID == 0 {
			return Invalid("hub_id", "error.user.hub", "an operator account needs the hub it works at")
		}
	}
	if u.Lang != "" {
		if err := languages([]string{u.Lang}); err != nil {
			return Invalid("lang", "error.languages", "languages are two-letter lowercase codes such as it, en, fr, ar")
		}
	}
	if u.PasswordHash == "" {
		return Invalid("password", "error.required", "password is required")
	}
	return nil
}

// CheckPassword checks a new password before it is hashed.
func CheckPassword(pw string) error {
	if len([]rune(pw)) < MinPasswordLen {
		return Invalid("password", "error.user.password_short", "the password must be at least %d characters", MinPasswordLen).
			with("Min", MinPasswordLen)
	}
	if len(pw) > 72 { // bcrypt's limit
		return Invalid("password", "error.too_long", "password must be at most 72 bytes").with("Max", 72)
	}
	return nil
}

// Session is a login: only the SHA-256 of its secret is stored.
type Session struct {
	UserID  uint64    `json:"user_id"`
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires"`
}

// SessionTTL is how long a login lasts.
const SessionTTL = 14 * 24 * time.Hour

// APIToken is an API bearer token for an integration, created and revoked by
// an admin. It acts with Role (admin or operator of HubID). Only the
// SHA-256 of its secret is stored.
type APIToken struct {
	ID        uint64    `json:"id"`
	Name      string    `json:"name"`
	Role      Role      `json:"role"`
	HubID     uint64    `json:"hub_id,omitempty"`
	Hash      string    `json:"hash"`
	CreatedBy string    `json:"created_by"`
	Created   time.Time `json:"created"`
	Revoked   time.Time `json:"revoked,omitzero"`
}

// Validate checks a token as an admin creates it.
func (t *APIToken) Validate() error {
	if err := line("name", t.Name, 2, 60); err != nil {
		return err
	}
	switch t.Role {
	case RoleAdmin:
	case RoleOperator:
		if t.HubID == 0 {
			return Invalid("hub_id", "error.user.hub", "an operator token needs the hub it works at")
		}
	default:
		return Invalid("role", "error.token.role", "a token acts as admin or as operator of a hub")
	}
	return nil
}

// Login throttling: at most this many failed logins per window, per
// account and per client address.
const (
	LoginWindow         = 15 * time.Minute
	MaxFailuresPerEmail = 5
	MaxFailuresPerIP    = 20
)

// Attempts counts failed logins for one key (an account or an address)
// in the window starting at Since.
type Attempts struct {
	Count int       `json:"count"`
	Since time.Time `json:"since"`
}

// Add records a failure at now, starting a new window when the old one
// is over.
func (a Attempts) Add(now time.Time) Attempts {
	if now.Sub(a.Since) >= LoginWindow {
		return Attempts{Count: 1, Since: now}
	}
	a.Count++
	return a
}

// Blocked reports whether max failures were reached in the current window,
// and when the window ends.
func (a Attempts) Blocked(max int, now time.Time) (bool, time.Time) {
	end := a.Since.Add(LoginWindow)
	return a.Count >= max && now.Before(end), end
}
