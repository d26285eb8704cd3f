package saperi

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"time"
)

// Link purposes: what a signed link in a mail may do, and nothing else.
const (
	LinkAccept      = "accept"      // Subject "match/<id>/<side>"
	LinkDecline     = "decline"     // Subject "match/<id>/<side>"
	LinkRenew       = "renew"       // Subject "posting/<id>"
	LinkUnsubscribe = "unsubscribe" // Subject the email address
	LinkReset       = "reset"       // Subject "user/<id>/<stamp>" (ResetSubject)
	LinkSignup      = "signup"      // Subject "signup/<id>/<nonce>" (PendingSignup.Subject)
)

// Link is the claim a signed link carries: one purpose, one subject, an
// expiry. Links are capabilities: whoever holds one may do its one thing
// until it expires, so mails carry them and nothing else does.
type Link struct {
	Purpose string
	Subject string
	Expires time.Time
}

// linkDomain separates link MACs from any other use of the secret.
const linkDomain = "saperi-link-v1\n"

// SignLink returns the token for l: base64url("purpose\nsubject\nexpiry")
// "." base64url(HMAC-SHA256(secret, domain+payload)[:16]).
func SignLink(secret []byte, l Link) string {
	payload := base64.RawURLEncoding.EncodeToString([]byte(l.Purpose + "\n" + l.Subject + "\n" + strconv.FormatInt(l.Expires.Unix(), 10)))
	return payload + "." + base64.RawURLEncoding.EncodeToString(linkMAC(secret, payload))
}

func linkMAC(secret []byte, payload string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(linkDomain + payload))
	return m.Sum(nil)[:16]
}

// VerifyLink checks token's signature and expiry as of now and returns its
// claim. A bad or tampered token is EINVALID ("error.link.invalid"), an
// expired one ECONFLICT ("error.link.expired").
func VerifyLink(secret []byte, token string, now time.Time) (Link, error) {
	bad := Errorf(EINVALID, "error.link.invalid", "this link is not valid")
	payload, sig, ok := strings.Cut(token, ".")
	if !ok || len(token) > 1024 {
		return Link{}, bad
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, linkMAC(secret, payload)) {
		return Link{}, bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return Link{}, bad
	}
	parts := strings.Split(string(raw), "\n")
	if len(parts) != 3 {
		return Link{}, bad
	}
	exp, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil {
		return Link{}, bad
	}
	l := Link{Purpose: parts[0], Subject: parts[1], Expires: time.Unix(exp, 0).UTC()}
	if !now.Before(l.Expires) {
		return l, Errorf(ECONFLICT, "error.link.expired", "this link has expired")
	}
	return l, nil
}
