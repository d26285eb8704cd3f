package main

import (
	"context"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/demo"
	"github.com/saperi/saperi/digest"
	"github.com/saperi/saperi/locale"
	"github.com/saperi/saperi/matcher"
)

// demoNow is the fixed clock of the demo tests: the demo data is seeded
// then, and the weekly run happens an hour later.
var demoNow = time.Date(2026, 11, 23, 7, 0, 0, 0, time.UTC)

// demoApp opens a fresh store and index in a temporary folder holding the
// demo data, as `saperi seed` loads it.
func demoApp(tb testing.TB) *app {
	tb.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ec := engineConfig{Pool: 100, Threshold: matcher.DefaultThreshold}
	dir := tb.TempDir()
	a, err := openApp(ctx, dir, ec, log)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { a.Close() })
	if _, err := demo.Seed(ctx, a.db, demoNow); err != nil {
		tb.Fatal(err)
	}
	if _, err := a.ix.Sync(ctx); err != nil {
		tb.Fatal(err)
	}
	return a
}

// demoPosting finds the demo posting titled title.
func demoPosting(tb testing.TB, a *app, title string) *saperi.Posting {
	tb.Helper()
	var found *saperi.Posting
	if err := a.db.ScanPostings(context.Background(), 500, func(ps []*saperi.Posting) error {
		for _, p := range ps {
			if p.Title == title {
				found = p
			}
		}
		return nil
	}); err != nil {
		tb.Fatal(err)
	}
	if found == nil {
		tb.Fatalf("no demo posting %q", title)
	}
	return found
}

// TestDemoPlafoniera: the broken ceiling lamp gets the electrician first,
// as a proposal, the concept named first among the reasons.
func TestDemoPlafoniera(t *testing.T) {
	a := demoApp(t)
	need := demoPosting(t, a, "Mi si è rotta la plafoniera in cucina")
	ranked, err := a.engine.Candidates(context.Background(), need.ID, 10, demoNow.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(ranked) == 0 {
		t.Fatal("no candidates")
	}
	for i, r := range ranked[:min(5, len(ranked))] {
		t.Logf("%d. %.3f (relevance %.2f, fit %.2f) %s %v", i+1, r.Score, r.Relevance, r.Fit, r.Posting.Title, r.Reasons)
	}
	first := ranked[0]
	if first.Posting.Title != "Piccoli lavori elettrici: prese, lampadari, interruttori" {
		t.Fatalf("first candidate is %q", first.Posting.Title)
	}
	if ps := a.engine.Proposals(ranked); len(ps) == 0 || ps[0].Posting.ID != first.Posting.ID {
		t.Errorf("the electrician is not proposed (score %.3f, threshold %.2f)", first.Score, a.engine.Threshold)
	}
	if len(first.Reasons) == 0 || first.Reasons[0].Key != matcher.ReasonConcept {
		t.Errorf("the first reason is not the shared concept: %+v", first.Reasons)
	}
}

// TestDemoWeeklyRunSharesConcepts runs the demo's weekly assignment,
// stores it, re-reads the proposed matches from the store, and fails when
// a proposal shares no concept with its need (the same concept, or one
// broader or narrower), as the index tags both postings.
func TestDemoWeeklyRunSharesConcepts(t *testing.T) {
	ctx := context.Background()
	a := demoApp(t)
	now := demoNow.Add(time.Hour)
	plan, err := digest.Plan(ctx, a.db, a.engine, now, digest.AssignOptions{MinScore: a.engine.Threshold})
	if err != nil {
		t.Fatal(err)
	}
	n, err := plan.Store(ctx, a.db, now)
	if err != nil {
		t.Fatal(err)
	}
	if n < 35 {
		t.Fatalf("the weekly run proposed %d matches", n)
	}
	var ms []*saperi.Match
	if err := a.db.ScanMatches(ctx, 500, func(batch []*saperi.Match) error {
		ms = append(ms, batch...)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(ms) != n {
		t.Fatalf("re-read %d matches, stored %d", len(ms), n)
	}
	bare := 0
	for _, m := range ms {
		need, err1 := a.db.Posting(ctx, m.NeedID)
		offer, err2 := a.db.Posting(ctx, m.OfferID)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if m.ProposedBy != saperi.ByEngine || m.Score < a.engine.Threshold {
			t.Errorf("match %d: proposed by %s at %.3f, under the threshold %.2f", m.ID, m.ProposedBy, m.Score, a.engine.Threshold)
		}
		if !shareConcept(a.ix.Concepts(need), a.ix.Concepts(offer)) {
			bare++
			t.Errorf("proposal shares no concept with its need: %q ← %q (%.3f) %v", need.Title, offer.Title, m.Score, m.Reasons)
		}
	}
	t.Logf("%d proposals, %d without a shared concept", n, bare)

	// The digests: a need with nothing good gets no proposal mail, and no
	// mail shows a raw code.
	proposed := map[uint64]bool{}
	for _, m := range ms {
		proposed[m.NeedID] = true
	}
	var alone []*saperi.Posting
	if err := a.db.ScanPostings(ctx, 500, func(ps []*saperi.Posting) error {
		for _, p := range ps {
			if p.Kind == saperi.Need && !proposed[p.ID] {
				alone = append(alone, p)
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	cat, err := locale.New()
	if err != nil {
		t.Fatal(err)
	}
	cat.SetConceptNames(a.ix.ConceptName)
	r := &digest.Runner{Store: a.db, T: cat, Now: func() time.Time { return now }, Log: slog.New(slog.DiscardHandler),
		Config: digest.Config{BaseURL: "https://saperi.example.org", From: "Saperi <saperi@example.org>"}}
	if err := r.Init(ctx); err != nil {
		t.Fatal(err)
	}
	snap, err := digest.Load(ctx, a.db)
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := r.Compose(ctx, snap, "2026-W48")
	if err != nil {
		t.Fatal(err)
	}
	personal := 0
	for _, msg := range msgs {
		if loc := rawCode.FindStringIndex(msg.Text + msg.HTML); loc != nil {
			t.Errorf("mail to %s shows a raw code: %q", msg.To, (msg.Text + msg.HTML)[loc[0]:loc[1]])
		}
		if !strings.Contains(msg.Key, "/personal/") {
			continue
		}
		personal++
		for _, p := range alone {
			for _, q := range []string{"«" + p.Title + "»", "“" + p.Title + "”"} {
				if strings.Contains(msg.Text, q) {
					t.Errorf("mail to %s proposes for %q, which has no proposal", msg.To, p.Title)
				}
			}
		}
	}
	if len(alone) == 0 || personal == 0 {
		t.Fatalf("%d needs without a proposal, %d personal mails: the check tests nothing", len(alone), personal)
	}
	t.Logf("%d needs without a proposal get no proposal mail; %d personal mails", len(alone), personal)
}

// rawCode finds codes that must never reach a person: day, language and
// mode codes as the matcher carries them, catalog keys.
var rawCode = regexp.MustCompile(`(:|,) (mon|tue|wed|thu|fri|sat|sun|it|en|ar|fr|uk|ro|es|sq)\b|in_person|\(either\)|\(remote\)|` +
	`\breason\.|\blang\.|\bday\.|\bmode\.`)

// shareConcept reports whether two postings' concepts meet: the same one,
// or one the broader of the other.
func shareConcept(a, b []matcher.ConceptMatch) bool {
	for _, x := range a {
		for _, y := range b {
			if x.ID == y.ID || (x.Parent != "" && x.Parent == y.ID) || (y.Parent != "" && y.Parent == x.ID) {
				return true
			}
		}
	}
	return false
}
