package matcher_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/saperi/saperi/matcher"
)

func TestErrorCode(t *testing.T) {
	inv := matcher.Invalid("title", "error.required", "title is required")
	tests := []struct {
		name string
		err  error
		code string
		dom  bool // AsError finds a *matcher.Error
	}{
		{"nil", nil, "", false},
		{"plain", errors.New("boom"), matcher.EINTERNAL, false},
		{"domain", inv, matcher.EINVALID, true},
		{"wrapped", fmt.Errorf("store: put posting 4: %w", inv), matcher.EINVALID, true},
		{"not found", matcher.NotFound("posting", 4), matcher.ENOTFOUND, true},
		{"conflict", matcher.Errorf(matcher.ECONFLICT, "k", "x %d", 1), matcher.ECONFLICT, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := matcher.ErrorCode(tt.err); got != tt.code {
				t.Errorf("ErrorCode = %q, want %q", got, tt.code)
			}
			if got := matcher.AsError(tt.err); (got != nil) != tt.dom {
				t.Errorf("AsError = %v", got)
			}
		})
	}
}

func TestErrorText(t *testing.T) {
	tests := []struct {
		name string
		err  *matcher.Error
		want string
	}{
		{"with field", matcher.Invalid("title", "error.required", "title is required"), "invalid: title: title is required"},
		{"without field", matcher.Errorf(matcher.ECONFLICT, "k", "cannot %s", "pause"), "conflict: cannot pause"},
		{"not found", matcher.NotFound("match", 12), "not_found: match 12 not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
	if nf := matcher.NotFound("match", 12); nf.Key != "error.not_found.match" || nf.Args["ID"] != uint64(12) {
		t.Errorf("NotFound = %#v", nf)
	}
}

func TestCategories(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range matcher.DefaultCategories {
		if c.ID == "" || c.Name == "" || c.En == "" || seen[c.ID] {
			t.Errorf("category %+v is blank or repeated", c)
		}
		seen[c.ID] = true
	}
	if c, ok := matcher.CategoryByID(matcher.DefaultCategories, "scuola"); !ok || c.En != "School and tutoring" {
		t.Errorf("CategoryByID(scuola) = %+v, %v", c, ok)
	}
	if _, ok := matcher.CategoryByID(matcher.DefaultCategories, "Scuola"); ok {
		t.Error("CategoryByID is case-insensitive; ids are slugs")
	}
}
