package locale

import (
	"regexp"
	"sort"
	"strings"
	"testing"
	"text/template"
)

// actionRE finds the template actions of a message ({{.Name}}, {{if .Days}}…).
var actionRE = regexp.MustCompile(`\{\{[^}]*\}\}`)

// fieldRE finds the data fields an action reads.
var fieldRE = regexp.MustCompile(`\.([A-Z][A-Za-z]*)`)

// fields lists the data fields a message reads, sorted and unique.
func fields(msg string) []string {
	seen := map[string]bool{}
	for _, a := range actionRE.FindAllString(msg, -1) {
		for _, m := range fieldRE.FindAllStringSubmatch(a, -1) {
			seen[m[1]] = true
		}
	}
	out := make([]string, 0, len(seen))
	for f := range seen {
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}

// TestPlaceholdersMatchItalian fails when a translation drops, adds or
// misspells a placeholder of the Italian message ({{.Name}} left out, or
// {{.Nome}} written for it), or when it is not a valid template.
func TestPlaceholdersMatchItalian(t *testing.T) {
	it, err := Keys(Languages[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range Languages[1:] {
		t.Run(lang, func(t *testing.T) {
			msgs, err := Keys(lang)
			if err != nil {
				t.Fatal(err)
			}
			for key, want := range it {
				got, ok := msgs[key]
				if !ok {
					continue // TestCatalogsComplete (web) reports missing keys
				}
				if g, w := strings.Join(fields(got), ","), strings.Join(fields(want), ","); g != w {
					t.Errorf("%s: placeholders [%s], Italian has [%s]", key, g, w)
				}
				if _, err := template.New(key).Parse(got); err != nil {
					t.Errorf("%s: %v", key, err)
				}
			}
		})
	}
}

// TestTranslationsDiffer catches a catalog copied from another language
// and left untranslated: most of its messages would equal the English or
// the Italian ones.
func TestTranslationsDiffer(t *testing.T) {
	it, _ := Keys("it")
	en, _ := Keys("en")
	for _, lang := range Languages[2:] {
		msgs, err := Keys(lang)
		if err != nil {
			t.Fatal(err)
		}
		same := 0
		for k, v := range msgs {
			if v == it[k] || v == en[k] {
				same++
			}
		}
		// Codes, names and short words ("Email", "wolof", "hindi") may
		// stay the same; whole sentences may not.
		if same*10 > len(msgs) {
			t.Errorf("%s: %d of %d messages are the Italian or English text", lang, same, len(msgs))
		}
	}
}

func TestNameAndDir(t *testing.T) {
	for _, tc := range []struct{ lang, name, dir string }{
		{"it", "Italiano", "ltr"},
		{"ar", "العربية", "rtl"},
		{"uk", "Українська", "ltr"},
		{"xx", "xx", "ltr"},
	} {
		if got := Name(tc.lang); got != tc.name {
			t.Errorf("Name(%s) = %q, want %q", tc.lang, got, tc.name)
		}
		if got := Dir(tc.lang); got != tc.dir {
			t.Errorf("Dir(%s) = %q, want %q", tc.lang, got, tc.dir)
		}
	}
	for _, l := range Languages {
		if Name(l) == l {
			t.Errorf("language %s has no name of its own", l)
		}
	}
}

// TestEveryLanguageLoads renders one message with data in each language,
// through the same bundle the server uses.
func TestEveryLanguageLoads(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	it := c.Translate("it", "digest.personal.hello", map[string]any{"Name": "Amal"})
	for _, l := range Languages {
		if got := c.For(l).Lang(); got != l {
			t.Errorf("For(%s) chose %s", l, got)
		}
		got := c.Translate(l, "digest.personal.hello", map[string]any{"Name": "Amal"})
		if !strings.Contains(got, "Amal") || (l != "it" && got == it) {
			t.Errorf("%s: hello = %q", l, got)
		}
	}
}
