package web

import (
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/saperi/saperi"
	"github.com/saperi/saperi/auth"
	"github.com/saperi/saperi/service"
)

const principalKey = "saperi.principal"

// SessionCookie is the name of the login cookie. It holds a random secret;
// the store keeps only its SHA-256.
const SessionCookie = "saperi_session"

func principalOf(u *saperi.User) saperi.Principal {
	return saperi.Principal{UserID: u.ID, Name: u.Name, Role: u.Role, ProfileID: u.ProfileID, HubID: u.HubID, Lang: u.Lang}
}

// authenticate finds who is calling: an API token in "Authorization:
// Bearer …", else a session cookie, else nobody. A bad bearer token is an
// error (the integration must know); a stale cookie is just dropped.
func (s *Server) authenticate(c *gin.Context) {
	ctx := c.Request.Context()
	var p saperi.Principal
	if h := c.GetHeader("Authorization"); h != "" {
		scheme, secret, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(secret) == "" {
			s.fail(c, saperi.Errorf(saperi.EUNAUTHORIZED, "error.auth.bearer", "send the token as Authorization: Bearer <token>"))
			return
		}
		t, err := s.Store.TokenByHash(ctx, auth.SecretHash(strings.TrimSpace(secret)))
		if err != nil {
			if saperi.ErrorCode(err) == saperi.EUNAUTHORIZED {
				err = saperi.Errorf(saperi.EUNAUTHORIZED, "error.auth.token", "this token is unknown or was revoked")
			}
			s.fail(c, err)
			return
		}
		p = saperi.Principal{TokenID: t.ID, Name: t.Name, Role: t.Role, HubID: t.HubID}
	} else if ck, err := c.Cookie(SessionCookie); err == nil && ck != "" {
		_, u, err := s.Store.Session(ctx, auth.SecretHash(ck), s.Now())
		switch saperi.ErrorCode(err) {
		case "":
			p = principalOf(u)
		case saperi.EUNAUTHORIZED:
			s.clearCookie(c)
		default:
			s.fail(c, err)
			return
		}
	}
	c.Set(principalKey, p)
	// The use cases read the caller from the request's context.
	c.Request = c.Request.WithContext(saperi.NewContext(c.Request.Context(), p))
	if chosen, _ := c.Cookie(langCookie); p.Lang != "" && c.Query("lang") == "" && chosen == "" {
		c.Set(localizerKey, s.catalog.For(p.Lang, c.GetHeader("Accept-Language")))
	}
	c.Next()
}

// principal is who is calling (the zero Principal when nobody is).
func principal(c *gin.Context) saperi.Principal {
	if v, ok := c.Get(principalKey); ok {
		return v.(saperi.Principal)
	}
	return saperi.Principal{}
}

// requireLogin answers 401 to anonymous callers.
func (s *Server) requireLogin(c *gin.Context) {
	if principal(c).Anonymous() {
		s.fail(c, saperi.Errorf(saperi.EUNAUTHORIZED, "error.auth.required", "log in first, or send an API token"))
		return
	}
	c.Next()
}

// allow asks saperi.Can and, when the answer is no, writes 401 (nobody
// logged in) or 403 and returns false.
func (s *Server) allow(c *gin.Context, v saperi.Verb, r saperi.Resource) bool {
	p := principal(c)
	if saperi.Can(p, v, r) {
		return true
	}
	s.fail(c, denied(p))
	return false
}

func denied(p saperi.Principal) error { return service.Denied(p) }

// can is saperi.Can for the caller, without writing an answer.
func can(c *gin.Context, v saperi.Verb, r saperi.Resource) bool {
	return saperi.Can(principal(c), v, r)
}

// admin requires an admin.
func (s *Server) admin(c *gin.Context) bool {
	return s.allow(c, saperi.Manage, saperi.Resource{Kind: saperi.ResAdmin})
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
		MaxAge: int(saperi.SessionTTL / time.Second), HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: s.secure(c)})
}

// secure reports whether cookies get the Secure attribute: when the
// request came over TLS, or always behind a TLS-terminating proxy.
func (s *Server) secure(c *gin.Context) bool { return c.Request.TLS != nil || s.SecureCookies }

func (s *Server) clearCookie(c *gin.Context) {
	http.SetCookie(c.Writer, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure(c)})
}

// login checks email and password under the rate limit and, when they
// are right, starts a session. It returns the user, or an error a person
// can act on: EUNAUTHORIZED for wrong credentials (the same for an
// unknown email), ETOOMANY while the account or the address is throttled.
func (s *Server) login(c *gin.Context, email, password string) (*saperi.User, error) {
	ctx := c.Request.Context()
	now := s.Now().UTC()
	email = saperi.NormalizeEmail(email)
	keys := []string{loginKey(email), "ip:" + clientIP(c)}
	if err := s.throttle(c, now, keys, []int{saperi.MaxFailuresPerEmail, saperi.MaxFailuresPerIP},
		saperi.Errorf(saperi.ETOOMANY, "error.auth.throttled", "too many failed logins: try again later")); err != nil {
		return nil, err
	}
	u, err := s.Store.UserByEmail(ctx, email)
	if err != nil && saperi.ErrorCode(err) != saperi.ENOTFOUND {
		return nil, err
	}
	hash := ""
	if u != nil {
		hash = u.PasswordHash
	}
	if !auth.CheckPassword(hash, password) || u == nil {
		if err := s.Store.FailLogin(ctx, now, keys...); err != nil {
			return nil, err
		}
		return nil, &saperi.Error{Code: saperi.EUNAUTHORIZED, Key: "error.auth.credentials", Field: "password",
			Message: "wrong email or password"}
	}
	if err := s.Store.ClearLogin(ctx, keys[0]); err != nil {
		return nil, err
	}
	if err := s.startSession(c, u, now); err != nil {
		return nil, err
	}
	return u, nil
}

// startSession logs u in: a new session, its secret in the cookie.
func (s *Server) startSession(c *gin.Context, u *saperi.User, now time.Time) error {
	secret := auth.NewSecret("sps_")
	if err := s.Store.CreateSession(c.Request.Context(), auth.SecretHash(secret), saperi.Session{UserID: u.ID, Created: now,
		Expires: now.Add(saperi.SessionTTL)}); err != nil {
		return err
	}
	s.setSessionCookie(c, secret)
	return nil
}

// loginKey is the failed-login counter of an account (by email).
func loginKey(email string) string { return "email:" + email }

// throttle returns tooMany, with its Minutes argument and the
// Retry-After header set, when any of keys has reached its max (the
// same index in max) in the current window; nil otherwise. The counters
// are saperi.Attempts in the store's login-attempt bucket.
func (s *Server) throttle(c *gin.Context, now time.Time, keys []string, max []int, tooMany *saperi.Error) error {
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
		if err := s.Store.DeleteSession(c.Request.Context(), auth.SecretHash(ck)); err != nil {
			return err
		}
	}
	s.clearCookie(c)
	return nil
}
