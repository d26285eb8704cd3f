package web

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"
	"github.com/saperi/saperi"
	"github.com/saperi/saperi/auth"
)

// Password reset by mail ("forgot password").
//
// The request answers the same whether or not an account has the address
// (no account enumeration) and is throttled per address and per client
// like logins. For an account it records the request in the audit trail
// and hands the account to the Reset hook, which plans the mail on the
// same path as the "connected" mail (digest.Notifier). The mail carries a
// signed link (matcher.LinkReset) to /password/reset/{token} that works
// for saperi.ResetTTL and is stamped with the password hash as it was
// when sent: setting a password changes the hash, so a link works once,
// and not at all after the password changed another way. As with every
// mail link, GET only shows a form; the POST acts.

// forgotData is what forgot.html shows.
type forgotData struct {
	// Unavailable: this server sends no mail (no Reset hook).
	Unavailable bool
	// Sent: the request was taken; Email is what was typed.
	Sent  bool
	Email string
}

// resetData is what reset.html shows.
type resetData struct {
	Email  string
	Action string
	// Failed: the link does not work; the page says why and offers to
	// ask for a new one.
	Failed bool
}

// noLeak keeps a page whose URL holds a link's token out of caches and
// Referer headers.
func noLeak(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	c.Header("Referrer-Policy", "no-referrer")
}

func (s *Server) forgotPage(c *gin.Context) {
	s.render(c, http.StatusOK, "forgot", "ui.forgot.title", view{Data: forgotData{Unavailable: s.Reset == nil}})
}

// forgotSubmit takes a request for a reset mail. Known and unknown
// addresses get the same page; only the throttle (which counts addresses
// as typed, known or not) and a missing address answer differently.
func (s *Server) forgotSubmit(c *gin.Context) {
	if s.Reset == nil {
		s.forgotPage(c)
		return
	}
	l := loc(c)
	typed := c.PostForm("email")
	form := url.Values{"email": {typed}}
	email := saperi.NormalizeEmail(typed)
	if email == "" {
		s.render(c, http.StatusBadRequest, "forgot", "ui.forgot.title", view{Form: form, Data: forgotData{},
			Errors: map[string]string{"email": l.T("error.required", map[string]any{"Field": l.Field("email")}, "")},
			Error:  l.T("ui.form.fix", nil, "")})
		return
	}
	if err := s.requestReset(c, email); err != nil {
		if saperi.ErrorCode(err) != saperi.ETOOMANY {
			s.pageFail(c, err)
			return
		}
		e := saperi.AsError(err)
		s.render(c, http.StatusTooManyRequests, "forgot", "ui.forgot.title", view{Form: form, Data: forgotData{},
			Error: l.T(e.Key, e.Args, e.Message)})
		return
	}
	s.render(c, http.StatusOK, "forgot", "ui.forgot.title", view{Data: forgotData{Sent: true, Email: email}})
}

// requestReset counts the request against the throttle and, when email
// belongs to an account, audits it and asks the Reset hook for the mail.
// Its only errors a person sees are ETOOMANY and store failures that
// happen before the account is looked up: anything after that is logged,
// so the answer does not tell whether the account exists. (A known
// address costs two more store writes; the per-address throttle caps how
// often anyone can time that.)
func (s *Server) requestReset(c *gin.Context, email string) error {
	ctx := c.Request.Context()
	now := s.Now().UTC()
	keys := []string{"reset:" + loginKey(email), "reset:ip:" + clientIP(c)}
	if err := s.throttle(c, now, keys, []int{saperi.MaxResetsPerEmail, saperi.MaxResetsPerIP},
		saperi.Errorf(saperi.ETOOMANY, "error.reset.throttled", "too many password-reset requests: try again later")); err != nil {
		return err
	}
	if err := s.Store.FailLogin(ctx, now, keys...); err != nil { // counts every request
		return err
	}
	u, err := s.Store.UserByEmail(ctx, email)
	if saperi.ErrorCode(err) == saperi.ENOTFOUND {
		return nil
	}
	if err == nil {
		// The audit says who asked and for which account; never the link.
		err = s.Store.AddEvent(ctx, saperi.Event{At: now, Actor: actor(c), Action: "user.reset_request",
			Subject: fmt.Sprintf("user/%d", u.ID), OnBehalfOf: u.ProfileID})
	}
	if err == nil {
		err = s.Reset(ctx, u)
	}
	if err != nil {
		s.log.ErrorContext(ctx, "password reset request", "err", err, "request_id", c.GetString(requestIDKey))
	}
	return nil
}

// resetLink checks the link of the request: signature, expiry, purpose,
// and that it still holds for its account (saperi.CheckReset).
func (s *Server) resetLink(c *gin.Context) (*saperi.User, saperi.Link, error) {
	invalid := saperi.Errorf(saperi.EINVALID, "error.link.invalid", "this link is not valid")
	l, err := s.verifyLink(c)
	if err != nil {
		if saperi.ErrorCode(err) == saperi.ECONFLICT && l.Purpose == saperi.LinkReset {
			err = saperi.Errorf(saperi.ECONFLICT, "error.reset.expired", "this link has expired")
		} else if saperi.ErrorCode(err) == saperi.ECONFLICT {
			err = invalid // a link of another kind, expired: not for this page
		}
		return nil, l, err
	}
	if l.Purpose != saperi.LinkReset {
		return nil, l, invalid
	}
	id, err := saperi.ResetUserID(l.Subject)
	if err != nil {
		return nil, l, err
	}
	u, err := s.Store.User(c.Request.Context(), id)
	if saperi.ErrorCode(err) == saperi.ENOTFOUND {
		return nil, l, invalid // the account was erased since
	}
	if err != nil {
		return nil, l, err
	}
	if err := saperi.CheckReset(s.LinkSecret, l.Subject, u); err != nil {
		return nil, l, err
	}
	return u, l, nil
}

// resetFailed shows why a reset link does not work, with a way to ask
// for a new one.
func (s *Server) resetFailed(c *gin.Context, err error) {
	e := saperi.AsError(err)
	if e == nil {
		s.pageFail(c, err)
		return
	}
	s.render(c, status(e.Code), "reset", "ui.reset.failed", view{Data: resetData{Failed: true},
		Error: loc(c).T(e.Key, e.Args, e.Message)})
}

func (s *Server) resetPage(c *gin.Context) {
	noLeak(c)
	u, _, err := s.resetLink(c)
	if err != nil {
		s.resetFailed(c, err)
		return
	}
	s.render(c, http.StatusOK, "reset", "ui.reset.title", view{Data: resetData{Email: u.Email, Action: c.Request.URL.Path}})
}

// resetSubmit sets the new password (the rules of sign-up), ends every
// session of the account and makes the link useless, in one store
// transaction that checks the link's stamp again: of two submissions of
// one link, only the first changes the password.
func (s *Server) resetSubmit(c *gin.Context) {
	noLeak(c)
	u, link, err := s.resetLink(c)
	if err != nil {
		s.resetFailed(c, err)
		return
	}
	l := loc(c)
	again := func(errs map[string]string, msg string) {
		s.render(c, http.StatusBadRequest, "reset", "ui.reset.title", view{Errors: errs, Error: msg,
			Data: resetData{Email: u.Email, Action: c.Request.URL.Path}})
	}
	pw := c.PostForm("password")
	if err := saperi.CheckPassword(pw); err != nil {
		again(fieldErrors(l, err))
		return
	}
	if c.PostForm("password2") != pw {
		again(map[string]string{"password2": l.T("error.reset.mismatch", nil, "")}, l.T("ui.form.fix", nil, ""))
		return
	}
	hash, err := auth.HashPassword(pw)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	ctx := c.Request.Context()
	ev := saperi.Event{At: s.Now().UTC(), Actor: "link", Action: "user.password_reset", OnBehalfOf: u.ProfileID}
	ended, err := s.Store.SetPassword(ctx, u.ID, hash, func(cur *saperi.User) error {
		return saperi.CheckReset(s.LinkSecret, link.Subject, cur)
	}, ev)
	if err != nil {
		s.resetFailed(c, err)
		return
	}
	// Failed logins no longer matter: let the person in at once.
	if err := s.Store.ClearLogin(ctx, loginKey(u.Email)); err != nil {
		s.log.ErrorContext(ctx, "clear login attempts", "err", err)
	}
	s.log.InfoContext(ctx, "password reset", "user", u.ID, "sessions_ended", ended)
	s.clearCookie(c)
	c.Redirect(http.StatusSeeOther, "/login?ok=ui.flash.password_reset")
}
