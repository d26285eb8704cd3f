package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/saperi/saperi"
	"github.com/saperi/saperi/locale"
)

// The UI: server-rendered pages from embedded templates, text from the
// catalogs (keys ui.…, called as {{t "ui.<key>"}} so that a test can check
// every key), a small CSS, no script needed.
//
//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// langCookie remembers the language a person switched to.
const langCookie = "saperi_lang"

// pages holds one parsed template set per page (the layout plus the page).
// They are never executed directly: each request clones one and adds the
// reader's "t" function.
type pages map[string]*template.Template

func parsePages() (pages, error) {
	stub := template.FuncMap{
		"t":        func(key string, args ...any) string { return key },
		"tn":       func(key string, args ...any) string { return key },
		"fmtDate":  func(t time.Time) string { return t.Format("02/01/2006") },
		"dateISO":  func(t time.Time) string { return t.Format("2006-01-02") },
		"day":      saperi.DayName,
		"hasLang":  func(list []string, l string) bool { return contains(list, l) },
		"catName":  func(id string) string { return id },
		"eq1":      func(a, b any) bool { return fmt.Sprint(a) == fmt.Sprint(b) },
		"add":      func(a, b int) int { return a + b },
		"join":     strings.Join,
		"hasDay":   func(slots []saperi.Slot, d int) bool { return false },
		"slotText": func(s saperi.Slot) string { return "" },
		"list":     func(a ...string) []string { return a },
		"list2":    func(a ...any) []any { return a },
		"pct":      func(f float64) float64 { return f * 100 },
		"langs":    langLinks,
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	out := pages{}
	for _, n := range names {
		base := path.Base(n)
		if base == "layout.html" || base == "partials.html" {
			continue
		}
		t, err := template.New("layout.html").Funcs(stub).ParseFS(templateFS, "templates/layout.html", "templates/partials.html", n)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", n, err)
		}
		out[strings.TrimSuffix(base, ".html")] = t
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// view is what every page template receives.
type view struct {
	Title string
	Lang  string
	// Dir is the writing direction of Lang ("rtl" for Arabic); Langs the
	// language switcher's entries.
	Dir   string
	Langs []langLink
	Path  string
	Me    saperi.Principal
	// Form holds what was typed, so that a form shown again after a
	// validation error keeps it; Errors the translated message per field;
	// Error a message for the whole form.
	Form   url.Values
	Errors map[string]string
	Error  string
	Flash  string
	Data   any
}

// langLink is one entry of the language switcher: a language by its own
// name.
type langLink struct {
	Code, Name, Dir string
	Current         bool
}

// langLinks lists every language of the catalogs for the switcher, cur
// marked as the current one.
func langLinks(cur string) []langLink {
	out := make([]langLink, 0, len(locale.Languages))
	for _, l := range locale.Languages {
		out = append(out, langLink{Code: l, Name: locale.Name(l), Dir: locale.Dir(l), Current: l == cur})
	}
	return out
}

// F returns the typed value of a form field.
func (v view) F(name string) string { return v.Form.Get(name) }

// FL reports whether a multi-valued form field holds val.
func (v view) FL(name, val string) bool { return contains(v.Form[name], val) }

// IsOperator and friends let the layout show the right navigation.
func (v view) IsOperator() bool {
	return v.Me.Role == saperi.RoleOperator || v.Me.Role == saperi.RoleAdmin
}
func (v view) IsAdmin() bool    { return v.Me.Role == saperi.RoleAdmin }
func (v view) HasProfile() bool { return v.Me.ProfileID != 0 }

// render writes page with data at status, in the reader's language.
func (s *Server) render(c *gin.Context, status int, page, titleKey string, v view) {
	l := loc(c)
	tmpl, ok := s.pages[page]
	if !ok {
		s.fail(c, fmt.Errorf("no page %q", page))
		return
	}
	t, err := tmpl.Clone()
	if err != nil {
		s.fail(c, err)
		return
	}
	cats, _ := s.categories(c)
	t.Funcs(template.FuncMap{
		"t": func(key string, args ...any) string { return l.T(key, pairs(args), key) },
		// tn translates a key built at run time (reasons, states): falls
		// back to the key's last part.
		"tn": func(key string, args ...any) string {
			return l.T(key, pairs(args), key[strings.LastIndex(key, ".")+1:])
		},
		"catName": func(id string) string { return categoryName(l, cats, id) },
		"hasDay": func(slots []saperi.Slot, d int) bool {
			for _, s := range slots {
				if s.Day == d {
					return true
				}
			}
			return false
		},
		"slotText": func(sl saperi.Slot) string {
			return fmt.Sprintf("%s %02d:%02d–%02d:%02d", l.T("ui.day."+saperi.DayName(sl.Day), nil, saperi.DayName(sl.Day)),
				sl.From/60, sl.From%60, sl.To/60, sl.To%60)
		},
	})
	v.Lang = l.Lang()
	v.Dir = l.Dir()
	v.Langs = langLinks(v.Lang)
	v.Path = c.Request.URL.Path
	v.Me = principal(c)
	if titleKey != "" {
		v.Title = l.T(titleKey, nil, titleKey)
	}
	if v.Form == nil {
		v.Form = url.Values{}
	}
	if v.Flash == "" {
		if f := c.Query("ok"); f != "" && strings.HasPrefix(f, "ui.flash.") {
			v.Flash = l.T(f, nil, "")
		}
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", v); err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Language", v.Lang)
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

// categories is the taxonomy, read once per request.
func (s *Server) categories(c *gin.Context) ([]saperi.Category, error) {
	if v, ok := c.Get(categoriesKey); ok {
		return v.([]saperi.Category), nil
	}
	cats, err := s.Store.Categories(c.Request.Context())
	if err == nil {
		c.Set(categoriesKey, cats)
	}
	return cats, err
}

const categoriesKey = "saperi.categories"

// categoryName is category id's name in the reader's language.
func categoryName(l *locale.Localizer, cats []saperi.Category, id string) string {
	if cat, ok := saperi.CategoryByID(cats, id); ok {
		if l.Lang() == "en" {
			return cat.En
		}
		return cat.Name
	}
	return id
}

// pairs turns "Key", value, … into template data.
func pairs(args []any) map[string]any {
	if len(args) == 0 {
		return nil
	}
	m := map[string]any{}
	for i := 0; i+1 < len(args); i += 2 {
		m[fmt.Sprint(args[i])] = args[i+1]
	}
	return m
}

// page fails a UI request with an error page a person can act on: 401
// sends them to the login, others show what went wrong.
func (s *Server) pageFail(c *gin.Context, err error) {
	code := saperi.ErrorCode(err)
	if code == saperi.EUNAUTHORIZED {
		c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request.URL.RequestURI()))
		c.Abort()
		return
	}
	l := loc(c)
	msg := l.T("error.internal", map[string]any{"RequestID": c.GetString(requestIDKey)}, "internal error")
	if e := saperi.AsError(err); e != nil && code != saperi.EINTERNAL {
		args := map[string]any{}
		for k, v := range e.Args {
			args[k] = v
		}
		if e.Field != "" {
			args["Field"] = l.Field(e.Field)
		}
		msg = l.T(e.Key, args, e.Message)
	} else {
		s.log.ErrorContext(c.Request.Context(), "page failed", "err", err, "request_id", c.GetString(requestIDKey),
			"path", logPath(c))
	}
	v := view{Error: msg, Form: url.Values{"back": {backLink(c)}}}
	if code == saperi.EFORBIDDEN {
		// A refused action says why and offers the way back.
		v.Data = l.T("ui.error.forbidden_help", nil, "")
	}
	s.render(c, status(code), "error", "problem."+code, v)
	c.Abort()
}

// backLink is the page the reader came from, on this site, for the "go
// back" link of an error page ("" when unknown).
func backLink(c *gin.Context) string {
	ref, err := url.Parse(c.GetHeader("Referer"))
	if err != nil || ref.Path == "" || (ref.Host != "" && ref.Host != c.Request.Host) {
		return ""
	}
	back := ref.Path
	if ref.RawQuery != "" {
		back += "?" + ref.RawQuery
	}
	if back == c.Request.URL.RequestURI() && c.Request.Method == http.MethodGet {
		return ""
	}
	return safeNext(back)
}

// can answers a UI authorization question, failing the page when no.
func (s *Server) pageAllow(c *gin.Context, v saperi.Verb, r saperi.Resource) bool {
	if saperi.Can(principal(c), v, r) {
		return true
	}
	s.pageFail(c, denied(principal(c)))
	return false
}

// signedIn sends anonymous readers to the login page.
func (s *Server) signedIn(c *gin.Context) {
	if principal(c).Anonymous() {
		s.pageFail(c, denied(principal(c)))
		return
	}
	c.Next()
}

// fieldErrors turns a validation error into a message for its field (or
// the whole form).
func fieldErrors(l *locale.Localizer, err error) (map[string]string, string) {
	e := saperi.AsError(err)
	if e == nil {
		return nil, ""
	}
	args := map[string]any{}
	for k, v := range e.Args {
		args[k] = v
	}
	if e.Field != "" {
		args["Field"] = l.Field(e.Field)
	}
	msg := l.T(e.Key, args, e.Message)
	if e.Field == "" {
		return nil, msg
	}
	return map[string]string{e.Field: msg}, l.T("ui.form.fix", nil, "")
}

// formID reads a positive id from a form field; 0 when absent or bad.
func formID(c *gin.Context, name string) uint64 {
	n, err := strconv.ParseUint(c.PostForm(name), 10, 64)
	if err != nil {
		return 0
	}
	return n
}

// localizeUI lets ?lang= switch the language for good (a cookie).
func (s *Server) rememberLang(c *gin.Context) {
	if l := c.Query("lang"); l != "" && locale.Supported(l) {
		http.SetCookie(c.Writer, &http.Cookie{Name: langCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure(c)})
	}
	c.Next()
}

func (s *Server) uiRoutes() {
	e := s.engine
	sub, _ := fs.Sub(staticFS, "static")
	e.StaticFS("/static", http.FS(sub))
	e.GET("/", s.landing)
	e.GET("/login", s.loginPage)
	e.POST("/login", s.loginSubmit)
	e.POST("/logout", s.logoutSubmit)
	e.GET("/setup", s.setupPage)
	e.POST("/setup", s.setupSubmit)
	e.GET("/signup", s.signupPage)
	e.POST("/signup", s.signupSubmit)
	e.GET("/signup/confirm/:token", s.signupConfirmPage)
	e.POST("/signup/confirm/:token", s.signupConfirmSubmit)
	e.GET("/password/forgot", s.forgotPage)
	e.POST("/password/forgot", s.forgotSubmit)
	e.GET("/password/reset/:token", s.resetPage)
	e.POST("/password/reset/:token", s.resetSubmit)

	g := e.Group("", s.signedIn)
	g.POST("/logout-all", s.logoutAllSubmit)
	g.GET("/me", s.mePage)
	g.GET("/me/export", s.meExport)
	g.POST("/me/lang", s.meLangSubmit)
	g.GET("/me/erase", s.erasePage)
	g.POST("/me/erase", s.eraseSubmit)
	g.GET("/postings/new", s.postingNewPage)
	g.POST("/postings/new", s.postingNewSubmit)
	g.GET("/postings/:id/edit", s.postingEditPage)
	g.POST("/postings/:id/edit", s.postingEditSubmit)
	g.POST("/postings/:id/status", s.postingStatusSubmit)
	g.GET("/stories/new", s.storyPage)
	g.POST("/stories/new", s.storySuggestSubmit)
	g.POST("/stories/confirm", s.storyConfirmSubmit)
	g.GET("/matches", s.matchesPage)
	g.POST("/matches/:id/answer", s.answerSubmit)

	g.GET("/desk", s.deskPage)
	g.GET("/desk/people/new", s.walkInPage)
	g.POST("/desk/people/new", s.walkInSubmit)
	g.GET("/desk/people/:id", s.personPage)
	g.GET("/desk/people/:id/export", s.personExport)
	g.POST("/desk/people/:id/lang", s.personLangSubmit)
	g.POST("/desk/people/:id/erase", s.personErase)
	g.GET("/desk/postings/:id", s.deskPostingPage)
	g.POST("/desk/postings/:id/display", s.displaySubmit)
	g.POST("/desk/propose", s.proposeSubmit)
	g.POST("/desk/matches/:id", s.deskMatchSubmit)

	g.GET("/admin", s.adminPage)
	g.POST("/admin/hubs", s.adminHubSubmit)
	g.POST("/admin/categories", s.adminCategorySubmit)
	g.POST("/admin/operators", s.adminOperatorSubmit)
	g.POST("/admin/tokens", s.adminTokenSubmit)
}

// uiRoute reports whether a route is an HTML page or a static file rather
// than part of the documented API: the API lives under /api/, plus the
// operational /healthz, /readyz and /metrics.
func uiRoute(p string) bool {
	if p == "/api" || strings.HasPrefix(p, "/api/") {
		return false
	}
	switch p {
	case "/healthz", "/readyz", "/metrics":
		return false
	}
	return true
}
