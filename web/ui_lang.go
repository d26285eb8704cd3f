package web

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/saperi/saperi/locale"
)

// A person's language is the one Saperi writes to them in: their pages
// after login, their weekly digest and every mail. It is chosen at
// sign-up (the form offers the language being read), by the operator who
// registers a walk-in, and changed later on /me or on the desk's page
// about the person. It is stored on the profile (what the digests read)
// and on the profile's accounts (what the pages read at login).

// formLang reads the language chosen in a form: one the catalogs cover,
// else fallback.
func formLang(c *gin.Context, fallback string) string {
	if l := c.PostForm("lang"); locale.Supported(l) {
		return l
	}
	return fallback
}

// meLangSubmit: a person chooses the language of their pages and mails.
// The pages follow at once (the switcher's cookie is set to it too).
func (s *Server) meLangSubmit(c *gin.Context) {
	p := s.ownProfile(c)
	if p == nil {
		return
	}
	lang := c.PostForm("lang")
	if err := s.svc.SetLanguage(c.Request.Context(), p.ID, lang); err != nil {
		s.pageFail(c, err)
		return
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure(c)})
	c.Redirect(http.StatusSeeOther, "/me?ok=ui.flash.lang_saved")
}

// personLangSubmit: an operator sets the language a person reads, as the
// person asks at the desk.
func (s *Server) personLangSubmit(c *gin.Context) {
	p := s.deskPerson(c)
	if p == nil {
		return
	}
	if err := s.svc.SetLanguage(c.Request.Context(), p.ID, c.PostForm("lang")); err != nil {
		s.pageFail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/desk/people/%d?ok=ui.flash.lang_saved", p.ID))
}
