package digest

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
	"time"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/locale"
)

// templateFS holds the mail templates: NAME.html and NAME.txt for each
// mail. Their texts come from the catalogs through the t function.
//
//go:embed templates/*
var templateFS embed.FS

// Inline is an image attached to a mail and shown in its HTML by
// "cid:"+CID.
type Inline struct {
	CID         string
	Name        string
	ContentType string
	Data        []byte
}

// Message is one rendered mail, ready for a Mailer.
type Message struct {
	// Key is the Send record's key; MessageID derives from it, so the same
	// mail sent twice carries the same Message-ID.
	Key       string
	MessageID string
	From      string
	To        string
	Subject   string
	Text      string
	HTML      string
	// Unsubscribe is the one-click unsubscribe URL (List-Unsubscribe).
	Unsubscribe string
	Inline      []Inline
}

// renderer renders the templates in one language.
type renderer struct {
	t    Translator
	html *htmltemplate.Template
	text *texttemplate.Template
}

func newRenderer(t Translator) (*renderer, error) {
	r := &renderer{t: t}
	// The functions are rebound per language at execution (see exec).
	funcs := map[string]any{"t": func(string, ...any) string { return "" }, "lang": func() string { return "" },
		"dir": func() string { return "" }, "inc": func(i int) int { return i + 1 },
		"weekDates": func(string) string { return "" }}
	var err error
	if r.html, err = htmltemplate.New("").Funcs(funcs).ParseFS(templateFS, "templates/*.html"); err != nil {
		return nil, fmt.Errorf("digest: parse templates: %w", err)
	}
	funcs["q"], funcs["line"] = quote, saperi.OneLine
	if r.text, err = texttemplate.New("").Funcs(funcs).ParseFS(templateFS, "templates/*.txt"); err != nil {
		return nil, fmt.Errorf("digest: parse templates: %w", err)
	}
	return r, nil
}

// tfunc returns the template function t for lang: t "key" "Name" value …
func (r *renderer) tfunc(lang string) func(string, ...any) string {
	return func(key string, kv ...any) string {
		var args map[string]any
		if len(kv) > 0 {
			args = map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				args[fmt.Sprint(kv[i])] = kv[i+1]
			}
		}
		return r.t.Translate(lang, key, args)
	}
}

// quote prints a person's words inline in a text part: on one line and
// between guillemets, so that nothing they wrote can pass for a line of
// the mail itself.
func quote(s string) string { return "«" + saperi.OneLine(s) + "»" }

// oneLineArgs folds the string arguments of a translation to one line,
// for the text parts (the catalog quotes titles itself: «{{.Title}}»).
func oneLineArgs(t func(string, ...any) string) func(string, ...any) string {
	return func(key string, kv ...any) string {
		for i := 1; i < len(kv); i += 2 {
			if s, ok := kv[i].(string); ok {
				kv[i] = saperi.OneLine(s)
			}
		}
		return t(key, kv...)
	}
}

// weekDates names an ISO week ("2026-W48") by its dates in lang: "dal 23
// novembre al 29 novembre 2026"; the week as given when it does not parse.
func (r *renderer) weekDates(lang string) func(string) string {
	return func(week string) string {
		mon, err := saperi.WeekStart(week, time.UTC)
		if err != nil {
			return week
		}
		return locale.WeekRange(func(key string, args map[string]any) string { return r.t.Translate(lang, key, args) }, mon)
	}
}

// render executes NAME.html and NAME.txt with data in lang.
func (r *renderer) render(name, lang string, data any) (html, text string, err error) {
	funcs := map[string]any{"t": r.tfunc(lang), "lang": func() string { return lang },
		"dir": func() string { return locale.Dir(lang) }, "weekDates": r.weekDates(lang)}
	h, err := r.html.Clone()
	if err != nil {
		return "", "", err
	}
	var hb, tb bytes.Buffer
	if err := h.Funcs(funcs).ExecuteTemplate(&hb, name+".html", data); err != nil {
		return "", "", fmt.Errorf("digest: render %s.html: %w", name, err)
	}
	tt, err := r.text.Clone()
	if err != nil {
		return "", "", err
	}
	funcs["t"] = oneLineArgs(r.tfunc(lang))
	if err := tt.Funcs(funcs).ExecuteTemplate(&tb, name+".txt", data); err != nil {
		return "", "", fmt.Errorf("digest: render %s.txt: %w", name, err)
	}
	return hb.String(), strings.TrimSpace(tb.String()) + "\n", nil
}

// personalView is what personal.html and personal.txt see.
type personalView struct {
	*Personal
	Name        string
	Week        string
	Unsubscribe string
}

// hubView is what hub.html and hub.txt see.
type hubView struct {
	*HubDigest
	Week        string
	Unsubscribe string
	ChartCID    string
	Noticeboard string
}

// connectedView is what connected.html and connected.txt see.
type connectedView struct {
	Name        string
	Mine        *saperi.Posting
	Other       *saperi.Posting
	OtherName   string
	Contacts    saperi.Contacts
	Unsubscribe string
}

// signupView is what signup.html and signup.txt see: no name, since the
// address is not yet known to be the person's (the name was typed by
// whoever filled the form).
type signupView struct {
	Email string
	Link  string
}

// signupTakenView is what signup_taken.html and signup_taken.txt see.
type signupTakenView struct {
	Name   string
	Email  string
	Login  string
	Forgot string
}

// resetView is what reset.html and reset.txt see.
type resetView struct {
	Name  string
	Email string
	Link  string
}
