package digest

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/matcher"
)

// rawCode finds what must never reach a person: day, language and mode
// codes as the matcher carries them, catalog keys, concept ids.
var rawCode = regexp.MustCompile(`(:|,) (mon|tue|wed|thu|fri|sat|sun|it|en|ar|fr|uk|ro|es|sq)\b|in_person|\(either\)|\(remote\)|` +
	`\breason\.|\blang\.|\bday\.|\bmode\.|piccoli-lavori-elettrici|manutenzione-casa`)

// TestNoRawCodeInMails composes real digests, Italian and English, for
// matches scored by the real scorer between postings with days,
// languages and modes set (one match with the matcher's reasons, one
// stored before matches kept reasons, reasoned from its breakdown), and
// fails when a mail shows a raw code.
func TestNoRawCodeInMails(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.catalog.SetConceptNames(func(name, lang string) string {
		if name == "piccoli lavori elettrici" && lang == "en" {
			return "electrician"
		}
		return ""
	})
	long := testNow.Add(-30 * 24 * time.Hour)
	post := func(owner *saperi.Profile, kind saperi.Kind, title string, mode saperi.Mode, langs []string, days ...int) *saperi.Posting {
		p := &saperi.Posting{Kind: kind, Title: title, Category: "casa", Mode: mode, Languages: langs, Created: long, Updated: long,
			Expires: testNow.Add(60 * 24 * time.Hour)}
		for _, d := range days {
			p.Slots = append(p.Slots, saperi.Slot{Day: d, From: 9 * 60, To: 12 * 60})
		}
		p.Inherit(owner)
		p.Normalize(long)
		if err := f.db.CreatePosting(ctx, p, saperi.Event{At: long, Actor: "test"}); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// Maria (Italian) and John (English) need; Ahmed (Arabic, French)
	// offers, in person or remotely, on Tuesdays and Wednesdays.
	offer := post(f.ahmed, saperi.Offer, "Piccoli lavori elettrici", saperi.Either, []string{"ar", "fr", "it"}, 2, 3)
	needs := []*saperi.Posting{
		post(f.maria, saperi.Need, "Mi si è rotta la plafoniera", saperi.InPerson, []string{"it", "fr"}, 2, 3, 5),
		post(f.john, saperi.Need, "My ceiling light is broken", saperi.InPerson, []string{"en", "fr"}, 2),
		post(f.maria, saperi.Need, "La presa della camera non va", saperi.Remote, []string{"it", "fr"}, 3),
	}
	electric := matcher.Concept{ID: "piccoli-lavori-elettrici", Name: "piccoli lavori elettrici", Category: "casa", Parent: "manutenzione-casa"}
	home := matcher.Concept{ID: "manutenzione-casa", Name: "piccoli lavori di casa", Category: "casa"}
	sc := matcher.NewScorer(matcher.Weights{})
	for i, n := range needs {
		r := sc.Score(n, matcher.Candidate{Posting: offer, WordsOf: 1, Words: 1,
			Terms:    []saperi.TermMatch{{Word: "plafoniera", Other: "lampadario", Via: saperi.ViaSynonym, Salience: 0.9}},
			Concepts: []matcher.SharedConcept{{Concept: electric, Other: electric, Via: matcher.ConceptSame, Strength: 1}, {Concept: home, Other: electric, Via: matcher.ConceptNarrower, Strength: 0.8}}}, testNow)
		scored := r.Scored()
		if i == 2 {
			scored.Reasons = nil // stored before matches kept their reasons
		}
		m, err := saperi.NewMatch(n, offer, scored, saperi.ByEngine, "engine", testNow.Add(-time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if err := f.db.CreateMatch(ctx, m, saperi.Event{At: testNow, Actor: "engine"}); err != nil {
			t.Fatal(err)
		}
	}
	r := f.runner(t, nil)
	snap, err := Load(ctx, f.db)
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := r.Compose(ctx, snap, testWeek)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	for _, m := range msgs {
		for part, body := range map[string]string{"html": m.HTML, "text": m.Text, "subject": m.Subject} {
			if loc := rawCode.FindStringIndex(body); loc != nil {
				t.Errorf("mail to %s (%s) shows the raw code %q: …%s…", m.To, part, body[loc[0]:loc[1]],
					body[max(0, loc[0]-80):min(len(body), loc[1]+80)])
			}
		}
		seen[m.To] = m.Text
	}
	for to, want := range map[string][]string{
		"maria@example.org": {"stesso bisogno: piccoli lavori elettrici", "plafoniera ≈ lampadario", "martedì, mercoledì", "francese"},
		"john@example.org":  {"same need: electrician", "Tuesday", "French"},
	} {
		text, ok := seen[to]
		if !ok {
			t.Fatalf("no mail to %s", to)
		}
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("mail to %s lacks %q:\n%s", to, w, text)
			}
		}
	}
	if en := f.catalog.Translate("en", "reason.mode.compatible", map[string]any{"Mode": "either"}); rawCode.MatchString(en) || strings.Contains(en, "either") {
		t.Errorf("mode not in words: %q", en)
	}
	if en := f.catalog.Translate("en", matcher.ReasonConcept, map[string]any{"Concept": "piccoli lavori elettrici"}); !strings.Contains(en, "electrician") {
		t.Errorf("concept name not in English: %q", en)
	}
}
