package saperi_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/saperi/saperi"
)

func TestErrorCode(t *testing.T) {
	inv := saperi.Invalid("title", "error.required", "title is required")
	tests := []struct {
		name string
		err  error
		code string
		dom  bool // AsError finds a *matcher.Error
	}{
		{"nil", nil, "", false},
		{"plain", errors.New("boom"), saperi.EINTERNAL, false},
		{"domain", inv, saperi.EINVALID, true},
		{"wrapped", fmt.Errorf("store: put posting 4: %w", inv), saperi.EINVALID, true},
		{"not found", saperi.NotFound("posting", 4), saperi.ENOTFOUND, true},
		{"conflict", saperi.Errorf(saperi.ECONFLICT, "k", "x %d", 1), saperi.ECONFLICT, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := saperi.ErrorCode(tt.err); got != tt.code {
				t.Errorf("ErrorCode = %q, want %q", got, tt.code)
			}
			if got := saperi.AsError(tt.err); (got != nil) != tt.dom {
				t.Errorf("AsError = %v", got)
			}
		})
	}
}

func TestErrorText(t *testing.T) {
	tests := []struct {
		name string
		err  *saperi.Error
		want string
	}{
		{"with field", saperi.Invalid("title", "error.required", "title is required"), "invalid: title: title is required"},
		{"without field", saperi.Errorf(saperi.ECONFLICT, "k", "cannot %s", "pause"), "conflict: cannot pause"},
		{"not found", saperi.NotFound("match", 12), "not_found: match 12 not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
	if nf := saperi.NotFound("match", 12); nf.Key != "error.not_found.match" || nf.Args["ID"] != uint64(12) {
		t.Errorf("NotFound = %#v", nf)
	}
}

func TestCategories(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range saperi.DefaultCategories {
		if c.ID == "" || c.Name == "" || c.En == "" || seen[c.ID] {
			t.Errorf("category %+v is blank or repeated", c)
		}
		seen[c.ID] = true
	}
	if c, ok := saperi.CategoryByID(saperi.DefaultCategories, "scuola"); !ok || c.En != "School and tutoring" {
		t.Errorf("CategoryByID(scuola) = %+v, %v", c, ok)
	}
	if _, ok := saperi.CategoryByID(saperi.DefaultCategories, "Scuola"); ok {
		t.Error("CategoryByID is case-insensitive; ids are slugs")
	}
}
