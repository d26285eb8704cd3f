package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/saperi/saperi"
	"github.com/saperi/saperi/auth"
)

// Confirming a sign-up by mail.
//
// The sign-up form (signupSubmit) stores a pending sign-up and mails the
// address a signed link (saperi.LinkSignup) to /signup/confirm/{token},
// which works for saperi.SignupTTL and once: confirming deletes the
// pending record. As with every mail link, GET only shows a button (mail
// scanners open links); the POST creates the profile and the account
// (service.Service.ConfirmSignup) and logs the person in.

// signupConfirmData is what signup_confirm.html shows.
type signupConfirmData struct {
	Email  string
	Action string
	// Failed: the link does not work; the page says why and offers to
	// sign up again or to log in.
	Failed bool
}

// signupLink checks the link of the request, signature, expiry and
// purpose, and returns its subject.
func (s *Server) signupLink(c *gin.Context) (string, error) {
	invalid := saperi.Errorf(saperi.EINVALID, "error.link.invalid", "this link is not valid")
	l, err := s.verifyLink(c)
	if err != nil {
		if saperi.ErrorCode(err) == saperi.ECONFLICT && l.Purpose == saperi.LinkSignup {
			return "", saperi.SignupExpired()
		}
		if saperi.ErrorCode(err) == saperi.ECONFLICT {
			return "", invalid // a link of another kind, expired: not for this page
		}
		return "", err
	}
	if l.Purpose != saperi.LinkSignup {
		return "", invalid
	}
	return l.Subject, nil
}

// signupConfirmFailed shows why a confirmation link does not work.
func (s *Server) signupConfirmFailed(c *gin.Context, err error) {
	e := saperi.AsError(err)
	if e == nil {
		s.pageFail(c, err)
		return
	}
	s.render(c, status(e.Code), "signup_confirm", "ui.signup.confirm.failed", view{Data: signupConfirmData{Failed: true},
		Error: loc(c).T(e.Key, e.Args, e.Message)})
}

func (s *Server) signupConfirmPage(c *gin.Context) {
	noLeak(c)
	subject, err := s.signupLink(c)
	if err != nil {
		s.signupConfirmFailed(c, err)
		return
	}
	p, err := s.svc.PendingSignup(c.Request.Context(), subject)
	if err != nil {
		s.signupConfirmFailed(c, err)
		return
	}
	s.render(c, http.StatusOK, "signup_confirm", "ui.signup.confirm.title",
		view{Data: signupConfirmData{Email: p.Email, Action: c.Request.URL.Path}})
}

// signupConfirmSubmit creates the profile and the account of the link's
// pending sign-up, ends any session this browser had, and logs the new
// account in: the person lands where signing up used to take them.
func (s *Server) signupConfirmSubmit(c *gin.Context) {
	noLeak(c)
	subject, err := s.signupLink(c)
	if err != nil {
		s.signupConfirmFailed(c, err)
		return
	}
	u, err := s.svc.ConfirmSignup(c.Request.Context(), subject)
	if err != nil {
		s.signupConfirmFailed(c, err)
		return
	}
	if ck, err := c.Cookie(SessionCookie); err == nil && ck != "" {
		if err := s.Store.DeleteSession(c.Request.Context(), auth.SecretHash(ck)); err != nil {
			s.log.ErrorContext(c.Request.Context(), "end the previous session", "err", err)
		}
	}
	if err := s.startSession(c, u, s.Now().UTC()); err != nil {
		s.pageFail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/me?ok=ui.flash.welcome")
}
