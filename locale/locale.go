package locale

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"strconv"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// localeFS holds the catalogs, NAME.LANG.json (core.it.json, desk.en.json …).
//
//go:embed catalogs/*.json
var localeFS embed.FS

// Languages the catalogs cover, the first being the default: Italian,
// English, and the languages newcomers most often speak at Torino's desks.
var Languages = []string{"it", "en", "fr", "ar", "ro", "uk", "es"}

// names are the languages' own names, as a language switcher lists them
// (a reader looks for "العربية", not for "arabo").
var names = map[string]string{
	"it": "Italiano",
	"en": "English",
	"fr": "Français",
	"ar": "العربية",
	"ro": "Română",
	"uk": "Українська",
	"es": "Español",
}

// rtl holds the languages written right to left.
var rtl = map[string]bool{"ar": true, "fa": true, "he": true, "ur": true}

// Name is lang's name in lang itself ("Français" for "fr"); the code when
// the catalogs do not cover it.
func Name(lang string) string {
	if n, ok := names[lang]; ok {
		return n
	}
	return lang
}

// Dir is the writing direction of lang, for <html dir=…>: "rtl" or "ltr".
func Dir(lang string) string {
	if rtl[lang] {
		return "rtl"
	}
	return "ltr"
}

// Supported reports whether the catalogs cover lang.
func Supported(lang string) bool {
	for _, l := range Languages {
		if l == lang {
			return true
		}
	}
	return false
}

// Catalog holds the translations of every human-facing text.
type Catalog struct {
	bundle *i18n.Bundle
	// names, when set, gives a concept's display name in a language
	// (see SetConceptNames).
	names func(name, lang string) string
}

// SetConceptNames sets how a concept's Italian display name, as reasons
// carry it ("piccoli lavori elettrici"), reads in another language
// ("electrician"): the index knows the concepts' labels. It returns ""
// when it has no name in lang; then the Italian one is shown. Call it
// before serving.
func (c *Catalog) SetConceptNames(f func(name, lang string) string) { c.names = f }

// New loads the embedded catalogs.
func New() (*Catalog, error) {
	b := i18n.NewBundle(language.Italian)
	b.RegisterUnmarshalFunc("json", json.Unmarshal)
	for _, l := range Languages {
		files, err := fs.Glob(localeFS, "catalogs/*."+l+".json")
		if err != nil || len(files) == 0 {
			return nil, fmt.Errorf("locale: no catalog for %s", l)
		}
		for _, f := range files {
			if _, err := b.LoadMessageFileFS(localeFS, f); err != nil {
				return nil, fmt.Errorf("locale: load catalog %s: %w", f, err)
			}
		}
	}
	return &Catalog{bundle: b}, nil
}

// Keys returns the messages of one language, from all its files; a
// key defined in two files is an error.
func Keys(lang string) (map[string]string, error) {
	files, err := fs.Glob(localeFS, "catalogs/*."+lang+".json")
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
	cat  *Catalog
}

// For returns a localizer for the given preferences (a "lang" query
// parameter, an Accept-Language header), best first.
func (c *Catalog) For(prefs ...string) *Localizer {
	loc := i18n.NewLocalizer(c.bundle, prefs...)
	_, tag, _ := loc.LocalizeWithTag(&i18n.LocalizeConfig{MessageID: "problem.internal"})
	return &Localizer{lang: tag.String(), loc: loc, cat: c}
}

// Lang is the language chosen, e.g. "it".
func (l *Localizer) Lang() string { return l.lang }

// Dir is the writing direction of the language chosen: "rtl" or "ltr".
func (l *Localizer) Dir() string { return Dir(l.lang) }

// T translates key with args; when the key is missing it returns fallback
// (and the key itself when fallback is empty).
//
// Two conventions hold for every language: a number N (or Count) equal to
// 1 picks the key's singular form "<key>.one", and 0 its "<key>.zero",
// when the catalog has one ("1 giorno", "da oggi", not "1 giorni", "0
// giorni"); and decimal numbers are written with the
// language's decimal separator ("0,2 km" in Italian).
func (l *Localizer) T(key string, args map[string]any, fallback string) string {
	if n, ok := count(args); ok && (n == 0 || n == 1) {
		form := ".one"
		if n == 0 {
			form = ".zero"
		}
		if s, err := l.loc.Localize(&i18n.LocalizeConfig{MessageID: key + form, TemplateData: args}); err == nil && s != "" {
			return s
		}
	}
	args = l.numbers(args)
	s, err := l.loc.Localize(&i18n.LocalizeConfig{MessageID: key, TemplateData: args})
	if err != nil || s == "" {
		if fallback != "" {
			return fallback
		}
		return key
	}
	return s
}

// count returns the number N (or Count) among args, if any.
func count(args map[string]any) (float64, bool) {
	for _, k := range []string{"N", "Count"} {
		switch n := args[k].(type) {
		case int:
			return float64(n), true
		case int64:
			return float64(n), true
		case uint64:
			return float64(n), true
		case float64:
			return n, true
		}
	}
	return 0, false
}

// decimalComma lists the languages that write 0,2 rather than 0.2.
var decimalComma = map[string]bool{"it": true, "fr": true, "es": true, "ro": true, "uk": true}

// numbers writes the decimal numbers among args as the reader's language
// does; args itself is not changed.
func (l *Localizer) numbers(args map[string]any) map[string]any {
	var out map[string]any
	for k, v := range args {
		var f float64
		switch n := v.(type) {
		case float64:
			f = n
		case float32:
			f = float64(n)
		default:
			continue
		}
		if f == math.Trunc(f) {
			continue // a whole number (often an int decoded from JSON) stays a number: {{if .Days}} works
		}
		if out == nil {
			out = make(map[string]any, len(args))
			for k2, v2 := range args {
				out[k2] = v2
			}
		}
		s := strconv.FormatFloat(f, 'f', -1, 64)
		if decimalComma[l.lang] {
			s = strings.Replace(s, ".", ",", 1)
		}
		out[k] = s
	}
	if out == nil {
		return args
	}
	return out
}

// Field translates a field name for messages ("title" → "titolo").
func (l *Localizer) Field(name string) string {
	if name == "" {
		return ""
	}
	return l.T("field."+name, nil, name)
}

// Translate returns key's text in lang (the default language when lang has
// no catalog) with args filled in, the codes among them in words (see
// Args); the key itself when it is missing. It lets other packages
// (digest) share these catalogs.
func (c *Catalog) Translate(lang, key string, args map[string]any) string {
	l := c.For(lang)
	return l.T(key, l.Args(args), "")
}

// Reason words one reason of a score (a matcher reason key and its args),
// the codes it carries in the reader's words.
func (l *Localizer) Reason(key string, args map[string]any) string {
	return l.T(key, l.Args(args), key)
}

// Languages lists the languages the catalogs cover, the default first.
func (c *Catalog) Languages() []string { return append([]string(nil), Languages...) }

// Args translates the codes a reason carries into words of the reader's
// language, and writes a distance (Km) with the reader's decimal mark: day codes (Days: "tue, wed"), language codes (Languages:
// "it, fr"), the mode (Mode: "in_person") and, when the catalog knows
// them (SetConceptNames), the concepts' names (Concept, Other). A code
// the catalogs do not know is left as it is.
func (l *Localizer) Args(in map[string]any) map[string]any {
	if len(in) == 0 {
		return in
	}
	out := make(map[string]any, len(in))
	for k, v := range in {
		out[k] = v
		if km, ok := v.(float64); ok && k == "Km" {
			out[k] = l.decimal(km)
			continue
		}
		s, ok := v.(string)
		if !ok || s == "" {
			continue
		}
		switch k {
		case "Days":
			out[k] = l.list("day.", s)
		case "Languages":
			out[k] = l.list("lang.", s)
		case "Mode":
			out[k] = l.T("mode."+s, nil, s)
		case "Concept", "Other":
			out[k] = l.concept(s)
		}
	}
	return out
}

// list translates each code of a comma-separated list.
func (l *Localizer) list(prefix, codes string) string {
	parts := strings.Split(codes, ",")
	for i, p := range parts {
		p = strings.TrimSpace(p)
		parts[i] = l.T(prefix+p, nil, p)
	}
	return strings.Join(parts, ", ")
}

// concept is a concept's display name in the reader's language, the
// Italian one when there is no other.
func (l *Localizer) concept(name string) string {
	if l.cat == nil || l.cat.names == nil || l.lang == Languages[0] {
		return name
	}
	if n := l.cat.names(name, l.lang); n != "" {
		return n
	}
	return name
}

// decimal writes v with one decimal, with a decimal comma except in
// English and Arabic ("0,1" in Italian).
func (l *Localizer) decimal(v float64) string {
	s := strconv.FormatFloat(v, 'f', 1, 64)
	switch l.lang {
	case "en", "ar":
		return s
	}
	return strings.Replace(s, ".", ",", 1)
}
