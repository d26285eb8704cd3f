package web

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/locale"
)

// TestCatalogsComplete fails when a language lacks a key another has, or
// when the code uses a message key no catalog defines.
func TestCatalogsComplete(t *testing.T) {
	cats := map[string]map[string]string{}
	all := map[string]bool{}
	for _, l := range locale.Languages {
		m, err := locale.Keys(l)
		if err != nil {
			t.Fatalf("catalog %s: %v", l, err)
		}
		cats[l] = m
		for k := range m {
			all[k] = true
		}
	}
	for _, l := range locale.Languages {
		for k := range all {
			if strings.TrimSpace(cats[l][k]) == "" {
				t.Errorf("catalog %s lacks %q", l, k)
			}
		}
	}
	// Every literal key in the Go sources that produce messages.
	keyRE := regexp.MustCompile(`"((?:error|reason|problem|ui|digest|link|noticeboard)\.[a-z0-9_.]+[a-z0-9_])"`)
	var used []string
	for _, dir := range []string{"..", "../matcher", "../store", "../index", "../digest", "../digest/templates", ".", "templates"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.*"))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") || !(strings.HasSuffix(f, ".go") || strings.HasSuffix(f, ".html") || strings.HasSuffix(f, ".txt")) {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range keyRE.FindAllStringSubmatch(string(src), -1) {
				if strings.HasSuffix(m[1], ".html") || strings.HasSuffix(m[1], ".txt") {
					continue // a template's name, not a message
				}
				used = append(used, m[1])
			}
		}
	}
	if len(used) < 50 {
		t.Fatalf("found only %d keys in the sources: the scan is broken", len(used))
	}
	// Keys built at run time.
	for _, p := range []string{"accept", "decline", "renew", "unsubscribe"} {
		used = append(used, "link."+p+".button")
	}
	for _, p := range []string{"accept", "decline"} {
		used = append(used, "link."+p+".title", "link."+p+".question", "link."+p+".done")
	}
	for _, what := range []string{"posting", "profile", "hub", "match", "synonym", "user", "token"} {
		used = append(used, "error.not_found."+what)
	}
	for _, code := range []string{"invalid", "not_found", "conflict", "unauthorized", "forbidden", "too_large", "too_many", "internal", "unavailable"} {
		used = append(used, "problem."+code)
	}
	// Every literal key the templates translate: {{t "ui.…"}}.
	tmplRE := regexp.MustCompile(`\{\{-?\s*(?:[^{}]*\()?t\s+"([^"]+)"`)
	pages, _ := filepath.Glob("templates/*.html")
	if len(pages) < 10 {
		t.Fatalf("found only %d templates", len(pages))
	}
	fromTemplates := 0
	for _, f := range pages {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range tmplRE.FindAllStringSubmatch(string(src), -1) {
			used = append(used, m[1])
			fromTemplates++
		}
	}
	// The standalone pages call {{t .L "key"}}.
	standalone, _ := filepath.Glob("templates/standalone/*.html")
	standRE := regexp.MustCompile(`\bt\s+\.L\s+"([^"]+)"`)
	for _, f := range standalone {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range standRE.FindAllStringSubmatch(string(src), -1) {
			used = append(used, m[1])
			fromTemplates++
		}
	}
	if fromTemplates < 100 {
		t.Fatalf("found only %d keys in the templates: the scan is broken", fromTemplates)
	}
	// Flash messages are passed as ?ok=ui.flash.… in redirects.
	flashRE := regexp.MustCompile(`ok=(ui\.flash\.[a-z_]+)`)
	for _, f := range []string{"ui.go", "ui_account.go", "ui_self.go", "ui_desk.go", "ui_admin.go", "ui_setup.go", "reset.go"} {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range flashRE.FindAllStringSubmatch(string(src), -1) {
			used = append(used, m[1])
		}
	}
	// Keys the templates build at run time (tn (printf "ui.status.%s" …)).
	for prefix, values := range map[string][]string{
		"ui.status.":        {"open", "paused", "matched", "closed", "expired"},
		"ui.state.":         {"proposed", "accepted_need", "accepted_offer", "connected", "done", "declined", "expired", "withdrawn"},
		"ui.day.":           {"mon", "tue", "wed", "thu", "fri", "sat", "sun"},
		"ui.mode.":          {"in_person", "remote", "either"},
		"ui.lang.":          signupLanguages,
		"ui.action.":        {"propose", "accept", "decline", "withdraw", "complete", "expire", "note", "contact", "forget"},
		"ui.outcome.":       saperi.Outcomes,
		"ui.kind.":          {"offer", "need"},
		"ui.posting.new_":   {"offer", "need"},
		"ui.kind_label.":    {"offer", "need"},
		"ui.card.for_your_": {"offer", "need"},
		"ui.admin.role.":    {"admin", "operator"},
		"ui.side.":          {"need", "offer"},
		"ui.history.":       {"propose", "propose_engine", "accept", "decline", "withdraw", "complete", "expire", "note", "contact", "forget"},
	} {
		for _, v := range values {
			used = append(used, prefix+v)
		}
	}
	sort.Strings(used)
	for _, k := range used {
		if !all[k] {
			t.Errorf("key %q is used in the code but missing from the catalogs", k)
		}
	}
}

func TestLocalizerChoosesLanguage(t *testing.T) {
	c, err := locale.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		prefs []string
		want  string
	}{
		{nil, "it"},
		{[]string{"en"}, "en"},
		{[]string{"", "en-GB,en;q=0.9"}, "en"},
		{[]string{"it", "en"}, "it"},
		{[]string{"ar"}, "ar"},
		{[]string{"", "uk-UA,uk;q=0.9"}, "uk"},
		{[]string{"de"}, "it"},
	} {
		if got := c.For(tc.prefs...).Lang(); got != tc.want {
			t.Errorf("For(%q) = %s, want %s", tc.prefs, got, tc.want)
		}
	}
	l := c.For("it")
	if got := l.T("reason.proximity.near", map[string]any{"Km": 1.2}, ""); got != "vicino: 1,2 km" {
		t.Errorf("template = %q", got)
	}
	if got := l.T("no.such.key", nil, "fallback"); got != "fallback" {
		t.Errorf("missing key = %q", got)
	}
}
