package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"sync"

	"github.com/saperi/saperi"
	"golang.org/x/crypto/bcrypt"
)

// Cost is the bcrypt cost passwords are hashed with; tests lower it.
var Cost = 12

// HashPassword checks pw and returns its bcrypt hash.
func HashPassword(pw string) (string, error) {
	if err := saperi.CheckPassword(pw); err != nil {
		return "", err
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), Cost)
	if err != nil {
		return "", err
	}
	return string(h), nil
}

// NewSecret returns 32 random bytes, URL-safe base64 encoded, with a
// prefix saying what it is ("sps_" a session, "spt_" an API token).
func NewSecret(prefix string) string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand panics instead)
	return prefix + base64.RawURLEncoding.EncodeToString(b[:])
}

// SecretHash is how secrets are stored and looked up.
func SecretHash(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// TokenStore is what issuing a token needs (store.DB implements it).
type TokenStore interface {
	CreateToken(ctx context.Context, t *saperi.APIToken, hash []byte, ev saperi.Event) error
}

// IssueToken creates an API token and returns its secret, which is shown
// once and never stored. Used by the admin API and by `saperi token create`.
func IssueToken(ctx context.Context, st TokenStore, t *saperi.APIToken, ev saperi.Event) (string, error) {
	secret := NewSecret("spt_")
	t.Hash = "" // the hash lives in the token_hashes index only
	if err := st.CreateToken(ctx, t, SecretHash(secret), ev); err != nil {
		return "", err
	}
	return secret, nil
}

// dummyHash is compared against when the email is unknown, so that a
// wrong email and a wrong password take about the same time.
var dummyHash = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("saperi-dummy-password"), Cost)
	return h
})

// CheckPassword reports whether password matches hash. An empty hash (no
// such account) is compared against a dummy hash, so that a wrong email and
// a wrong password take about the same time.
func CheckPassword(hash, password string) bool {
	h := []byte(hash)
	if hash == "" {
		h = dummyHash()
	}
	return bcrypt.CompareHashAndPassword(h, []byte(password)) == nil && hash != ""
}
