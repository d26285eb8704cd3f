package locale

import "testing"

// TestReasonArgs: the codes a reason carries read as words, in each
// language; what the catalogs do not know is left as it is.
func TestReasonArgs(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	c.SetConceptNames(func(name, lang string) string {
		if name == "piccoli lavori elettrici" && lang == "en" {
			return "electrician"
		}
		return ""
	})
	for _, tc := range []struct {
		lang, key string
		args      map[string]any
		want      string
	}{
		{"it", "reason.availability.days", map[string]any{"Days": "tue, wed"}, "disponibili negli stessi giorni: martedì, mercoledì"},
		{"en", "reason.availability.days", map[string]any{"Days": "tue, wed"}, "available on the same days: Tuesday, Wednesday"},
		{"it", "reason.language.shared", map[string]any{"Languages": "it, fr"}, "parlate in comune: italiano, francese"},
		{"it", "reason.mode.same", map[string]any{"Mode": "in_person"}, "stessa modalità (di persona)"},
		{"it", "reason.proximity.near", map[string]any{"Km": 0.1}, "vicino: 0,1 km"},
		{"en", "reason.proximity.near", map[string]any{"Km": 1.25}, "close by: 1.2 km"},
		{"it", "reason.concept", map[string]any{"Concept": "piccoli lavori elettrici"}, "stesso bisogno: piccoli lavori elettrici"},
		{"en", "reason.concept", map[string]any{"Concept": "piccoli lavori elettrici"}, "same need: electrician"},
		{"en", "reason.concept", map[string]any{"Concept": "orto sul balcone"}, "same need: orto sul balcone"},
		{"it", "reason.availability.days", map[string]any{"Days": "xyz"}, "disponibili negli stessi giorni: xyz"},
	} {
		t.Run(tc.lang+" "+tc.key, func(t *testing.T) {
			if got := c.For(tc.lang).Reason(tc.key, tc.args); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			if got := c.Translate(tc.lang, tc.key, tc.args); got != tc.want {
				t.Errorf("Translate: got %q, want %q", got, tc.want)
			}
		})
	}
}
