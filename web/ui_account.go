package web

import (
	"net/http"
	"net/url"
	"strings"
	"unicode"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/service"

	"github.com/gin-gonic/gin"
)

// ConsentVersion is the version of the consent text residents agree to
// when they sign up (ui.consent.text in the catalogs).
const ConsentVersion = "1"

// homeFor is where a person lands after logging in.
func homeFor(p saperi.Principal) string {
	switch p.Role {
	case saperi.RoleOperator:
		return "/desk"
	case saperi.RoleAdmin:
		return "/admin"
	}
	return "/me"
}

func (s *Server) landing(c *gin.Context) {
	s.render(c, http.StatusOK, "landing", "ui.landing.title", view{})
}

func (s *Server) loginPage(c *gin.Context) {
	if p := principal(c); !p.Anonymous() {
		c.Redirect(http.StatusSeeOther, homeFor(p))
		return
	}
	s.render(c, http.StatusOK, "login", "ui.login.title", view{Form: url.Values{"next": {safeNext(c.Query("next"))}}})
}

// safeNext keeps a post-login redirect on this site: it returns next only
// when it is a plain same-site path ("/desk?x=1"), and "" for anything a
// browser could read as another site: a scheme ("https:", "javascript:"),
// a scheme-relative "//host", a backslash (browsers read "/\\host" as
// "//host"), and any control character or space, which browsers drop
// from a Location before reading it ("/\t/evil.example" becomes
// "//evil.example").
func safeNext(next string) string {
	if len(next) == 0 || len(next) > 2000 || next[0] != '/' {
		return ""
	}
	for _, r := range next {
		if r <= ' ' || r == 0x7f || r == '\\' || !unicode.IsPrint(r) {
			return ""
		}
	}
	if strings.HasPrefix(next, "//") {
		return ""
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" ||
		!strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return ""
	}
	return next
}

func (s *Server) loginSubmit(c *gin.Context) {
	_ = c.Request.ParseForm()
	u, err := s.login(c, c.PostForm("email"), c.PostForm("password"))
	form := url.Values{"email": {c.PostForm("email")}, "next": {safeNext(c.PostForm("next"))}}
	if err != nil {
		if e := saperi.AsError(err); e == nil {
			s.pageFail(c, err)
			return
		}
		_, msg := fieldErrors(loc(c), err)
		if e := saperi.AsError(err); e.Field != "" {
			msg = loc(c).T(e.Key, e.Args, e.Message)
		}
		st := http.StatusUnauthorized
		if saperi.ErrorCode(err) == saperi.ETOOMANY {
			st = http.StatusTooManyRequests
		}
		s.render(c, st, "login", "ui.login.title", view{Form: form, Error: msg})
		return
	}
	next := safeNext(c.PostForm("next"))
	if next == "" {
		next = homeFor(principalOf(u))
	}
	c.Redirect(http.StatusSeeOther, next)
}

func (s *Server) logoutSubmit(c *gin.Context) {
	if err := s.logout(c); err != nil {
		s.pageFail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/?ok=ui.flash.logged_out")
}

func (s *Server) logoutAllSubmit(c *gin.Context) {
	if p := principal(c); p.UserID != 0 {
		if _, err := s.Store.DeleteUserSessions(c.Request.Context(), p.UserID); err != nil {
			s.pageFail(c, err)
			return
		}
	}
	s.clearCookie(c)
	c.Redirect(http.StatusSeeOther, "/?ok=ui.flash.logged_out_everywhere")
}

// signupData is what the sign-up form offers to choose from.
type signupData struct {
	Hubs      []*saperi.Hub
	Languages []string
	// Unavailable: this server sends no mail, so nobody can sign up by
	// themselves (service.Service.SignupOpen).
	Unavailable bool
	// Sent: the form was taken; Email is the address typed (normalised).
	// The page is the same whether or not the address has an account.
	Sent  bool
	Email string
}

// signupLanguages are the languages a person can tick.
var signupLanguages = []string{"it", "en", "fr", "ar", "es", "ro", "uk", "zh"}

func (s *Server) signupPage(c *gin.Context) {
	hubs, err := s.Store.Hubs(c.Request.Context())
	if err != nil {
		s.pageFail(c, err)
		return
	}
	l := loc(c)
	s.render(c, http.StatusOK, "signup", "ui.signup.title", view{Data: signupData{Hubs: hubs, Languages: signupLanguages,
		Unavailable: !s.svc.SignupOpen()},
		Form: url.Values{"kind": {"resident"}, "languages": {l.Lang()}, "lang": {l.Lang()}}})
}

// signupSubmit takes the sign-up form (service.Service.SignUp): the
// profile, with the consent the person ticked, and the account are
// created only once the person opens the link mailed to the address
// (signupConfirmSubmit). The answer is the same page whether or not the
// address has an account ("we wrote to you"), so that the form tells
// nobody who has one; only the other fields' errors and the throttle
// answer otherwise, and they do not depend on the address.
func (s *Server) signupSubmit(c *gin.Context) {
	if !s.svc.SignupOpen() {
		s.signupPage(c)
		return
	}
	ctx := c.Request.Context()
	_ = c.Request.ParseForm()
	form := c.Request.PostForm
	l := loc(c)
	hubs, err := s.Store.Hubs(ctx)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	again := func(errs map[string]string, msg string) {
		f := url.Values{}
		for k, v := range form {
			if k != "password" {
				f[k] = v
			}
		}
		s.render(c, http.StatusBadRequest, "signup", "ui.signup.title", view{Form: f, Errors: errs, Error: msg,
			Data: signupData{Hubs: hubs, Languages: signupLanguages}})
	}
	// Every submission counts, per address typed and per client.
	now := s.Now().UTC()
	keys := []string{"signup:" + loginKey(saperi.NormalizeEmail(form.Get("email"))), "signup:ip:" + clientIP(c)}
	if err := s.throttle(c, now, keys, []int{saperi.MaxSignupsPerEmail, saperi.MaxSignupsPerIP},
		saperi.Errorf(saperi.ETOOMANY, "error.signup.throttled", "too many sign-ups: try again later")); err != nil {
		if saperi.ErrorCode(err) != saperi.ETOOMANY {
			s.pageFail(c, err)
			return
		}
		e := saperi.AsError(err)
		f := url.Values{}
		for k, v := range form {
			if k != "password" {
				f[k] = v
			}
		}
		s.render(c, http.StatusTooManyRequests, "signup", "ui.signup.title", view{Form: f, Error: l.T(e.Key, e.Args, e.Message),
			Data: signupData{Hubs: hubs, Languages: signupLanguages}})
		return
	}
	if err := s.Store.FailLogin(ctx, now, keys...); err != nil {
		s.pageFail(c, err)
		return
	}
	if form.Get("consent") != "yes" {
		again(map[string]string{"consent": l.T("ui.signup.consent_required", nil, "")}, l.T("ui.form.fix", nil, ""))
		return
	}
	kind := saperi.ProfileKind(form.Get("kind"))
	err = s.svc.SignUp(ctx, service.Signup{
		Profile: saperi.Profile{Kind: kind, Name: form.Get("name"), HubID: formID(c, "hub_id"), Area: form.Get("area"),
			Languages: form["languages"], Lang: formLang(c, l.Lang()),
			Contacts: saperi.Contacts{Email: form.Get("email"), Phone: form.Get("phone")}},
		Password:    form.Get("password"),
		ConsentText: l.T("ui.consent.text", nil, ""), ConsentVersion: ConsentVersion})
	if err != nil {
		if saperi.AsError(err) == nil {
			s.pageFail(c, err)
			return
		}
		again(fieldErrors(l, err))
		return
	}
	s.render(c, http.StatusOK, "signup", "ui.signup.title", view{Data: signupData{Sent: true,
		Email: saperi.NormalizeEmail(form.Get("email"))}})
}
