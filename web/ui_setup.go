package web

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/saperi/saperi"
	"github.com/saperi/saperi/auth"
)

// The first-run set-up page creates the first admin from the browser, for
// installations without a shell (a container). It works only while no
// admin exists, and only with the one-time code the server printed at
// start (Deps.SetupCode), so that whoever reaches a fresh server first
// cannot take it over.

// setupOpen reports whether the set-up page may be used now.
func (s *Server) setupOpen(c *gin.Context) (bool, error) {
	if s.SetupCode == "" {
		return false, nil
	}
	admins, err := s.Store.Users(c.Request.Context(), saperi.RoleAdmin)
	return len(admins) == 0, err
}

func (s *Server) setupPage(c *gin.Context) {
	open, err := s.setupOpen(c)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	if !open {
		s.pageFail(c, saperi.Errorf(saperi.ENOTFOUND, "ui.setup.closed", "set-up is done: log in"))
		return
	}
	s.render(c, http.StatusOK, "setup", "ui.setup.title", view{})
}

func (s *Server) setupSubmit(c *gin.Context) {
	open, err := s.setupOpen(c)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	if !open {
		s.pageFail(c, saperi.Errorf(saperi.ENOTFOUND, "ui.setup.closed", "set-up is done: log in"))
		return
	}
	_ = c.Request.ParseForm()
	form := url.Values{"name": {c.PostForm("name")}, "email": {c.PostForm("email")}}
	l := loc(c)
	if subtle.ConstantTimeCompare([]byte(strings.TrimSpace(c.PostForm("code"))), []byte(s.SetupCode)) != 1 {
		s.render(c, http.StatusForbidden, "setup", "ui.setup.title", view{Form: form,
			Errors: map[string]string{"code": l.T("ui.setup.bad_code", nil, "")}, Error: l.T("ui.form.fix", nil, "")})
		return
	}
	hash, err := auth.HashPassword(c.PostForm("password"))
	var u *saperi.User
	if err == nil {
		u = &saperi.User{Email: saperi.NormalizeEmail(c.PostForm("email")), Name: strings.TrimSpace(c.PostForm("name")),
			Role: saperi.RoleAdmin, Lang: l.Lang(), PasswordHash: hash, Created: s.Now().UTC()}
		err = s.Store.CreateUser(c.Request.Context(), u, saperi.Event{At: s.Now().UTC(), Actor: "setup"})
	}
	if err != nil {
		if saperi.AsError(err) == nil {
			s.pageFail(c, err)
			return
		}
		errs, msg := fieldErrors(l, err)
		s.render(c, http.StatusBadRequest, "setup", "ui.setup.title", view{Form: form, Errors: errs, Error: msg})
		return
	}
	if _, err := s.login(c, u.Email, c.PostForm("password")); err != nil {
		s.pageFail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin?ok=ui.flash.welcome_admin")
}
