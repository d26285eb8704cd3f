package web

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// TestCatalogsComplete fails when a language lacks a key another has, or
// when the code uses a message key no catalog defines.
func TestCatalogsComplete(t *testing.T) {
	cats := map[string]map[string]string{}
	all := map[string]bool{}
	for _, l := range Languages {
		m, err := catalogKeys(l)
		if err != nil {
			t.Fatalf("catalog %s: %v", l, err)
		}
		cats[l] = m
		for k := range m {
			all[k] = true
		}
	}
	for _, l := range Languages {
		for k := range all {
			if strings.TrimSpace(cats[l][k]) == "" {
				t.Errorf("catalog %s lacks %q", l, k)
			}
		}
	}
	// Every literal key in the Go sources that produce messages.
	keyRE := regexp.MustCompile(`"((?:error|reason|problem|digest|link|noticeboard)\.[a-z0-9_.]+[a-z0-9_])"`)
	var used []string
	for _, dir := range []string{"../matcher", "../store", "../index", "../digest", "../digest/templates", ".", "templates"} {
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
	for _, what := range []string{"posting", "profile", "hub", "match"} {
		used = append(used, "error.not_found."+what)
	}
	for _, code := range []string{"invalid", "not_found", "conflict", "unauthorized", "forbidden", "too_large", "internal", "unavailable"} {
		used = append(used, "problem."+code)
	}
	sort.Strings(used)
	for _, k := range used {
		if !all[k] {
			t.Errorf("key %q is used in the code but missing from the catalogs", k)
		}
	}
}

func TestLocalizerChoosesLanguage(t *testing.T) {
	c, err := NewCatalog()
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
		{[]string{"ar"}, "it"},
	} {
		if got := c.For(tc.prefs...).Lang(); got != tc.want {
			t.Errorf("For(%q) = %s, want %s", tc.prefs, got, tc.want)
		}
	}
	l := c.For("it")
	if got := l.T("reason.proximity.near", map[string]any{"Km": 1.2}, ""); got != "vicino: 1.2 km" {
		t.Errorf("template = %q", got)
	}
	if got := l.T("no.such.key", nil, "fallback"); got != "fallback" {
		t.Errorf("missing key = %q", got)
	}
}
