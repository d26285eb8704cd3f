package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/saperi/saperi/matcher"
	"golang.org/x/crypto/bcrypt"
)

// SessionCookie is the name of the login cookie. It holds a random secret;
// the store keeps only its SHA-256.
const SessionCookie = "saperi_session"

// bcryptCost is the cost passwords are hashed with; tests lower it.
var bcryptCost = 12

const principalKey = "saperi.principal"

// HashPassword checks pw and returns its bcrypt hash.
func HashPassword(pw string) (string, error) {
	if err := matcher.CheckPassword(pw); err != nil {
		return "", err
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcryptCost)
	if err != nil {
		return "", err
	}
	return string(h), nil
}

// newSecret returns 32 random bytes, URL-safe base64 encoded, with a
// prefix saying what it is ("sps_" a session, "spt_" an API token).
func newSecret(prefix string) string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand panics instead)
	return prefix + base64.RawURLEncoding.EncodeToString(b[:])
}

// secretHash is how secrets are stored and looked up.
func secretHash(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// TokenStore is what issuing a token needs (store.DB implements it).
type TokenStore interface {
	CreateToken(ctx context.Context, t *matcher.APIToken, hash []byte, ev matcher.Event) error
}

// IssueToken creates an API token and returns its secret, which is shown
// once and never stored. Used by the admin API and by `saperi token create`.
func IssueToken(ctx context.Context, st TokenStore, t *matcher.APIToken, ev matcher.Event) (string, error) {
	secret := newSecret("spt_")
	t.Hash = "" // the hash lives in the token_hashes index only
	if err := st.CreateToken(ctx, t, secretHash(secret), ev); err != nil {
		return "", err
	}
	return secret, nil
}

func principalOf(u *matcher.User) matcher.Principal {
	return matcher.Principal{UserID: u.ID, Name: u.Name, Role: u.Role, ProfileID: u.ProfileID, HubID: u.HubID, Lang: u.Lang}
}

// authenticate finds who is calling: an API token in "Authorization:
// Bearer …", else a session cookie, else nobody. A bad bearer token is an
// error (the integration must know); a stale cookie is just dropped.
func (s *Server) authenticate(c *gin.Context) {
	ctx := c.Request.Context()
	var p matcher.Principal
	if h := c.GetHeader("Authorization"); h != "" {
		scheme, secret, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(secret) == "" {
			s.fail(c, matcher.Errorf(matcher.EUNAUTHORIZED, "error.auth.bearer", "send the token as Authorization: Bearer <token>"))
			return
		}
		t, err := s.Store.TokenByHash(ctx, secretHash(strings.TrimSpace(secret)))
		if err != nil {
			if matcher.ErrorCode(err) == matcher.EUNAUTHORIZED {
				err = matcher.Errorf(matcher.EUNAUTHORIZED, "error.auth.token", "this token is unknown or was revoked")
			}
			s.fail(c, err)
			return
		}
		p = matcher.Principal{TokenID: t.ID, Name: t.Name, Role: t.Role, HubID: t.HubID}
	} else if ck, err := c.Cookie(SessionCookie); err == nil && ck != "" {
		_, u, err := s.Store.Session(ctx, secretHash(ck), s.Now())
		switch matcher.ErrorCode(err) {
		case "":
			p = principalOf(u)
		case matcher.EUNAUTHORIZED:
			s.clearCookie(c)
		default:
			s.fail(c, err)
			return
		}
	}
	c.Set(principalKey, p)
	if chosen, _ := c.Cookie(langCookie); p.Lang != "" && c.Query("lang") == "" && chosen == "" {
		c.Set(localizerKey, s.catalog.For(p.Lang, c.GetHeader("Accept-Language")))
	}
	c.Next()
}

// principal is who is calling (the zero Principal when nobody is).
func principal(c *gin.Context) matcher.Principal {
	if v, ok := c.Get(principalKey); ok {
		return v.(matcher.Principal)
	}
	return matcher.Principal{}
}

// requireLogin answers 401 to anonymous callers.
func (s *Server) requireLogin(c *gin.Context) {
	if principal(c).Anonymous() {
		s.fail(c, matcher.Errorf(matcher.EUNAUTHORIZED, "error.auth.required", "log in first, or send an API token"))
		return
	}
	c.Next()
}

// allow asks matcher.Can and, when the answer is no, writes 401 (nobody
// logged in) or 403 and returns false.
func (s *Server) allow(c *gin.Context, v matcher.Verb, r matcher.Resource) bool {
	p := principal(c)
	if matcher.Can(p, v, r) {
		return true
	}
	s.fail(c, denied(p))
	return false
}

func denied(p matcher.Principal) error {
	if p.Anonymous() {
		return matcher.Errorf(matcher.EUNAUTHORIZED, "error.auth.required", "log in first, or send an API token")
	}
	return matcher.Errorf(matcher.EFORBIDDEN, "error.forbidden", "your account may not do this")
}

// admin requires an admin.
func (s *Server) admin(c *gin.Context) bool {
	return s.allow(c, matcher.Manage, matcher.Resource{Kind: matcher.ResAdmin})
}

// clientIP is the address the request came from. X-Forwarded-For is not
// trusted: behind a proxy every login would share one address, which
// makes the per-IP limit stricter, never looser.
func clientIP(c *gin.Context) string {
	host, _, err := net.SplitHostPort(c.Request.RemoteAddr)
	if err != nil {
		return c.Request.RemoteAddr
	}
	return host
}

func (s *Server) setSessionCookie(c *gin.Context, secret string) {
	http.SetCookie(c.Writer, &http.Cookie{Name: SessionCookie, Value: secret, Path: "/",
		MaxAge: int(matcher.SessionTTL / time.Second), HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: s.secure(c)})
}

// secure reports whether cookies get the Secure attribute: when the
// request came over TLS, or always behind a TLS-terminating proxy.
func (s *Server) secure(c *gin.Context) bool { return c.Request.TLS != nil || s.SecureCookies }

func (s *Server) clearCookie(c *gin.Context) {
	http.SetCookie(c.Writer, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure(c)})
}

// dummyHash is compared against when the email is unknown, so that a
// wrong email and a wrong password take about the same time.
var dummyHash = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("saperi-dummy-password"), bcryptCost)
	return h
})

// login checks email and password under the rate limit and, when they
// are right, starts a session. It returns the user, or an error a person
// can act on: EUNAUTHORIZED for wrong credentials (the same for an
// unknown email), ETOOMANY while the account or the address is throttled.
func (s *Server) login(c *gin.Context, email, password string) (*matcher.User, error) {
	ctx := c.Request.Context()
	now := s.Now().UTC()
	email = matcher.NormalizeEmail(email)
	keys := []string{loginKey(email), "ip:" + clientIP(c)}
	if err := s.throttle(c, now, keys, []int{matcher.MaxFailuresPerEmail, matcher.MaxFailuresPerIP},
		matcher.Errorf(matcher.ETOOMANY, "error.auth.throttled", "too many failed logins: try again later")); err != nil {
		return nil, err
	}
	u, err := s.Store.UserByEmail(ctx, email)
	if err != nil && matcher.ErrorCode(err) != matcher.ENOTFOUND {
		return nil, err
	}
	hash := dummyHash()
	if u != nil {
		hash = []byte(u.PasswordHash)
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(password)) != nil || u == nil {
		if err := s.Store.FailLogin(ctx, now, keys...); err != nil {
			return nil, err
		}
		return nil, &matcher.Error{Code: matcher.EUNAUTHORIZED, Key: "error.auth.credentials", Field: "password",
			Message: "wrong email or password"}
	}
	if err := s.Store.ClearLogin(ctx, keys[0]); err != nil {
		return nil, err
	}
	secret := newSecret("sps_")
	if err := s.Store.CreateSession(ctx, secretHash(secret), matcher.Session{UserID: u.ID, Created: now,
		Expires: now.Add(matcher.SessionTTL)}); err != nil {
		return nil, err
	}
	s.setSessionCookie(c, secret)
	return u, nil
}

// loginKey is the failed-login counter of an account (by email).
func loginKey(email string) string { return "email:" + email }

// throttle returns tooMany, with its Minutes argument and the
// Retry-After header set, when any of keys has reached its max (the
// same index in max) in the current window; nil otherwise. The counters
// are matcher.Attempts in the store's login-attempt bucket.
func (s *Server) throttle(c *gin.Context, now time.Time, keys []string, max []int, tooMany *matcher.Error) error {
	att, err := s.Store.LoginAttempts(c.Request.Context(), keys...)
	if err != nil {
		return err
	}
	for i, k := range keys {
		if blocked, until := att[k].Blocked(max[i], now); blocked {
			mins := int((until.Sub(now) + time.Minute - 1) / time.Minute)
			c.Header("Retry-After", strconv.Itoa(int(until.Sub(now)/time.Second)+1))
			e := *tooMany
			e.Args = map[string]any{"Minutes": mins}
			return &e
		}
	}
	return nil
}

// logout ends the session of the cookie, if any.
func (s *Server) logout(c *gin.Context) error {
	if ck, err := c.Cookie(SessionCookie); err == nil && ck != "" {
		if err := s.Store.DeleteSession(c.Request.Context(), secretHash(ck)); err != nil {
			return err
		}
	}
	s.clearCookie(c)
	return nil
}
