package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// localeFS holds the catalogs: one or more files per language, named
// NAME.LANG.json (core.it.json, desk.en.json …), so that each feature keeps
// its own texts.
//
//go:embed locales/*.json
var localeFS embed.FS

// Languages the catalogs cover, the first being the default.
var Languages = []string{"it", "en"}

// Catalog holds the translations of every human-facing text.
type Catalog struct {
	bundle *i18n.Bundle
}

// NewCatalog loads the embedded catalogs.
func NewCatalog() (*Catalog, error) {
	b := i18n.NewBundle(language.Italian)
	b.RegisterUnmarshalFunc("json", json.Unmarshal)
	for _, l := range Languages {
		files, err := fs.Glob(localeFS, "locales/*."+l+".json")
		if err != nil || len(files) == 0 {
			return nil, fmt.Errorf("web: no catalog for %s", l)
		}
		for _, f := range files {
			if _, err := b.LoadMessageFileFS(localeFS, f); err != nil {
				return nil, fmt.Errorf("web: load catalog %s: %w", f, err)
			}
		}
	}
	return &Catalog{bundle: b}, nil
}

// catalogKeys returns the messages of one language, from all its files; a
// key defined in two files is an error.
func catalogKeys(lang string) (map[string]string, error) {
	files, err := fs.Glob(localeFS, "locales/*."+lang+".json")
	if err != nil {
		return nil, err
	}
	all := map[string]string{}
	for _, f := range files {
		raw, err := fs.ReadFile(localeFS, f)
		if err != nil {
			return nil, err
		}
		m := map[string]string{}
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		for k, v := range m {
			if _, dup := all[k]; dup {
				return nil, fmt.Errorf("%s: key %q is defined in another file too", f, k)
			}
			all[k] = v
		}
	}
	return all, nil
}

// Localizer translates for one reader.
type Localizer struct {
	lang string
	loc  *i18n.Localizer
}

// For returns a localizer for the given preferences (a "lang" query
// parameter, an Accept-Language header), best first.
func (c *Catalog) For(prefs ...string) *Localizer {
	loc := i18n.NewLocalizer(c.bundle, prefs...)
	_, tag, _ := loc.LocalizeWithTag(&i18n.LocalizeConfig{MessageID: "problem.internal"})
	return &Localizer{lang: tag.String(), loc: loc}
}

// Lang is the language chosen, e.g. "it".
func (l *Localizer) Lang() string { return l.lang }

// T translates key with args; when the key is missing it returns fallback
// (and the key itself when fallback is empty).
func (l *Localizer) T(key string, args map[string]any, fallback string) string {
	s, err := l.loc.Localize(&i18n.LocalizeConfig{MessageID: key, TemplateData: args})
	if err != nil || s == "" {
		if fallback != "" {
			return fallback
		}
		return key
	}
	return s
}

// field translates a field name for messages ("title" → "titolo").
func (l *Localizer) field(name string) string {
	if name == "" {
		return ""
	}
	return l.T("field."+name, nil, name)
}

const localizerKey = "saperi.localizer"

// localize picks the reader's language: ?lang=, then the language they
// switched to (a cookie), then their account's (authenticate), then
// Accept-Language.
func (s *Server) localize(c *gin.Context) {
	chosen, _ := c.Cookie(langCookie)
	c.Set(localizerKey, s.catalog.For(strings.TrimSpace(c.Query("lang")), chosen, c.GetHeader("Accept-Language")))
	c.Next()
}

func loc(c *gin.Context) *Localizer {
	if v, ok := c.Get(localizerKey); ok {
		return v.(*Localizer)
	}
	return nil
}

// Translate returns key's text in lang (the default language when lang has
// no catalog) with args filled in; the key itself when it is missing. It
// lets other packages (digest) share these catalogs.
func (c *Catalog) Translate(lang, key string, args map[string]any) string {
	return c.For(lang).T(key, args, "")
}

// Languages lists the languages the catalogs cover, the default first.
func (c *Catalog) Languages() []string { return append([]string(nil), Languages...) }
