package saperi

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ResetTTL is how long a link to set a new password works.
const ResetTTL = time.Hour

// Password-reset throttling: at most this many requests per window
// (LoginWindow), per address asked for and per client address. Every
// request counts, not only failures, so a mailbox cannot be flooded. The
// counters are kept apart from the login ones: a person locked out by
// failed logins can still ask for a new password.
const (
	MaxResetsPerEmail = 3
	MaxResetsPerIP    = 10
)

// Sign-up throttling: at most this many sign-up forms per window
// (LoginWindow), per address typed and per client address; every
// submission counts, so that the form cannot be used to try addresses in
// bulk or to create accounts in a loop.
const (
	MaxSignupsPerEmail = 5
	MaxSignupsPerIP    = 10
)

// resetDomain separates reset stamps from any other use of the secret.
const resetDomain = "saperi-reset-v1\n"

// ResetSubject is the subject of a password-reset link for u:
// "user/<id>/<stamp>", where stamp is a MAC of u's current password hash.
// Setting a password changes the hash (bcrypt salts every hash), so a link
// stops working once it has been used, and once the password changed in
// any other way after the link was sent: a used or superseded link is
// refused without the store keeping any list of links.
func ResetSubject(secret []byte, u *User) string {
	return fmt.Sprintf("user/%d/%s", u.ID, resetStamp(secret, u))
}

func resetStamp(secret []byte, u *User) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(resetDomain + strconv.FormatUint(u.ID, 10) + "\n" + u.PasswordHash))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:12])
}

// ResetUserID returns the account a reset link's subject is for; a
// malformed subject is EINVALID ("error.link.invalid").
func ResetUserID(subject string) (uint64, error) {
	parts := strings.Split(subject, "/")
	if len(parts) != 3 || parts[0] != "user" || parts[2] == "" {
		return 0, Errorf(EINVALID, "error.link.invalid", "this link is not valid")
	}
	id, err := strconv.ParseUint(parts[1], 10, 64)
	if err != nil || id == 0 {
		return 0, Errorf(EINVALID, "error.link.invalid", "this link is not valid")
	}
	return id, nil
}

// CheckReset checks that subject, from a verified reset link, still holds
// for u as it is now. A subject for another account is EINVALID; one whose
// stamp no longer matches (the link was used, or the password changed
// since it was sent) is ECONFLICT ("error.reset.used").
func CheckReset(secret []byte, subject string, u *User) error {
	id, err := ResetUserID(subject)
	if err != nil {
		return err
	}
	if id != u.ID {
		return Errorf(EINVALID, "error.link.invalid", "this link is not valid")
	}
	stamp := subject[strings.LastIndex(subject, "/")+1:]
	if !hmac.Equal([]byte(stamp), []byte(resetStamp(secret, u))) {
		return Errorf(ECONFLICT, "error.reset.used", "this link was already used, or the password changed since it was sent")
	}
	return nil
}
