package saperi

import (
	"crypto/hmac"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// SignupTTL is how long the link that confirms a sign-up works, and so
// how long a pending sign-up is kept.
const SignupTTL = 24 * time.Hour

// PendingSignup is a sign-up waiting for its address to be confirmed.
//
// The sign-up form answers the same for an address that has an account
// and for one that has none, so that nobody can use it to find out who
// has an account. For an address with no account it stores this record
// (the profile as validated, the consent ticked, the password hash) and
// mails the address a link; only opening the link (PendingSignup.Subject,
// signed as LinkSignup, expiring with Expires) creates the profile and the
// account. Until then the address cannot log in, and the person appears
// nowhere: no hub lists them. Records are keyed by address, one per
// address (a new sign-up replaces the previous one and so voids its
// link), deleted when confirmed, when the address's person is erased, and
// once expired.
type PendingSignup struct {
	ID    uint64 `json:"id"`
	Email string `json:"email"` // normalised
	// Nonce is random: with ID it makes the link's subject, so that a link
	// names one record and no other, even after a store is restored.
	Nonce string `json:"nonce"`
	// Profile is the profile to create, validated, without an id.
	Profile      Profile   `json:"profile"`
	Role         Role      `json:"role"`
	PasswordHash string    `json:"password_hash"`
	Created      time.Time `json:"created"`
	Expires      time.Time `json:"expires"`
}

// Subject is the subject of the link that confirms p: "signup/<id>/<nonce>".
func (p *PendingSignup) Subject() string { return fmt.Sprintf("signup/%d/%s", p.ID, p.Nonce) }

// Expired reports whether p can no longer be confirmed at now.
func (p *PendingSignup) Expired(now time.Time) bool { return !now.Before(p.Expires) }

// User is the account p becomes, acting for the profile profileID.
func (p *PendingSignup) User(profileID uint64) *User {
	return &User{Email: p.Email, Name: p.Profile.Name, Role: p.Role, ProfileID: profileID, Lang: p.Profile.Lang,
		PasswordHash: p.PasswordHash, Created: p.Created}
}

// SignupID returns the pending sign-up a confirmation link's subject
// names, and its nonce; a malformed subject is EINVALID
// ("error.link.invalid").
func SignupID(subject string) (uint64, string, error) {
	bad := Errorf(EINVALID, "error.link.invalid", "this link is not valid")
	parts := strings.Split(subject, "/")
	if len(parts) != 3 || parts[0] != "signup" || parts[2] == "" {
		return 0, "", bad
	}
	id, err := strconv.ParseUint(parts[1], 10, 64)
	if err != nil || id == 0 {
		return 0, "", bad
	}
	return id, parts[2], nil
}

// CheckSignup checks that the nonce of a confirmation link is p's. A link
// for a record that was replaced, confirmed or erased names no record or
// another one: ECONFLICT ("error.signup.used").
func CheckSignup(p *PendingSignup, nonce string) error {
	if p == nil || !hmac.Equal([]byte(p.Nonce), []byte(nonce)) {
		return SignupUsed()
	}
	return nil
}

// SignupUsed is the error for a confirmation link whose pending sign-up
// is gone: confirmed already, replaced by a newer sign-up, or erased.
func SignupUsed() *Error {
	return Errorf(ECONFLICT, "error.signup.used", "this link was already used, or a newer one was sent")
}

// SignupExpired is the error for a confirmation link past its time.
func SignupExpired() *Error {
	return Errorf(ECONFLICT, "error.signup.expired", "this link has expired")
}
