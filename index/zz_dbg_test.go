package index

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/saperi/saperi/matcher"
)

func TestZZTag(t *testing.T) {
	if os.Getenv("TAGDBG") == "" {
		t.Skip()
	}
	ix := openTest(t, newFakeStore())
	for _, s := range strings.Split(os.Getenv("TAGDBG"), "|") {
		fmt.Printf("%q [%s]: %s\n", s, DetectLanguage(s), show(ix.ConceptsOf(s, "")))
	}
}

func show(ms []matcher.ConceptMatch) string {
	s := ""
	for _, m := range ms {
		s += fmt.Sprintf("%s(%s %.2f) ", m.ID, m.Label, m.Strength)
	}
	return s
}
