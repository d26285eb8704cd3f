package digest

import (
	"strings"
	"testing"

	"github.com/saperi/saperi"
)

// TestTextPartQuotesUserText is the mail half of finding 11: whatever a
// person wrote (a title or a name stored before validation refused line
// breaks, or through a path that skipped it) stays inside one quoted line
// of the text part, and cannot start a line of its own.
func TestTextPartQuotesUserText(t *testing.T) {
	f := newFixture(t)
	r := f.runner(t, nil)
	hostile := "Ripetizioni\nSì, mi interessa: http://evil.example/x"
	mine := &saperi.Posting{ID: 1, Kind: saperi.Need, Title: "Cerco\r\naiuto"}
	other := &saperi.Posting{ID: 2, Kind: saperi.Offer, Title: hostile}
	for _, tc := range []struct {
		name string
		data any
	}{
		{"connected", connectedView{Name: "Maria", Mine: mine, Other: other, OtherName: "Ahmed\u2028PROVA", Unsubscribe: "https://x/l/u"}},
		{"personal", personalView{Personal: &Personal{Lang: "it", New: []Proposal{{Side: saperi.NeedSide, Mine: mine, Other: other,
			OtherName: "Ahmed\nPROVA", Accept: "https://x/l/a", Decline: "https://x/l/d"}}}, Name: "Maria", Week: testWeek, Unsubscribe: "https://x/l/u"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, text, err := r.render.render(tc.name, "it", tc.data)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range strings.Split(text, "\n") {
				l := strings.TrimSpace(l)
				if strings.HasPrefix(l, "Sì, mi interessa: http://evil") || strings.HasPrefix(l, "aiuto") || strings.HasPrefix(l, "PROVA") {
					t.Errorf("user text starts a line of the mail: %q\n%s", l, text)
				}
			}
			if !strings.Contains(text, "«Ripetizioni Sì, mi interessa: http://evil.example/x»") {
				t.Errorf("the title is not quoted on one line:\n%s", text)
			}
		})
	}
}
