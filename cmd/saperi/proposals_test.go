package main

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/demo"
	"github.com/saperi/saperi/digest"
	"github.com/saperi/saperi/matcher"
)

// TestDemoProposals runs the weekly assignment on the demo data with the
// product's defaults and re-reads every proposal: each must share a
// concept (the same, or a broader or narrower one) with its need, and the
// need of the broken ceiling light gets the electrician first.
func TestDemoProposals(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	a, err := openApp(ctx, t.TempDir(), engineConfig{Pool: 100, Thesaurus: ""}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	if _, err := demo.Seed(ctx, a.db, now); err != nil {
		t.Fatal(err)
	}
	if _, err := a.ix.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	plan, err := digest.Plan(ctx, a.db, a.engine, now, digest.AssignOptions{MinScore: a.engine.Threshold})
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Proposed) == 0 {
		t.Fatal("the weekly run proposed nothing")
	}
	related := func(x, y matcher.ConceptMatch) bool {
		return x.ID == y.ID || (x.Parent != "" && x.Parent == y.ID) || (y.Parent != "" && y.Parent == x.ID)
	}
	for _, arc := range plan.Proposed {
		need, err := a.db.Posting(ctx, arc.NeedID)
		if err != nil {
			t.Fatal(err)
		}
		offer, err := a.db.Posting(ctx, arc.OfferID)
		if err != nil {
			t.Fatal(err)
		}
		nc, oc := a.ix.Concepts(need), a.ix.Concepts(offer)
		if !slices.ContainsFunc(nc, func(x matcher.ConceptMatch) bool {
			return slices.ContainsFunc(oc, func(y matcher.ConceptMatch) bool { return related(x, y) })
		}) {
			t.Errorf("proposal %.3f shares no concept: need %q %v ← offer %q %v", arc.Score, need.Title, ids(nc), offer.Title, ids(oc))
		}
	}

	var plafoniera *saperi.Posting
	if err := a.db.ScanPostings(ctx, 500, func(ps []*saperi.Posting) error {
		for _, p := range ps {
			if p.Kind == saperi.Need && strings.Contains(strings.ToLower(p.Title), "plafoniera") {
				plafoniera = p
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if plafoniera == nil {
		t.Fatal("the demo data has no plafoniera need")
	}
	ranked, err := a.engine.For(ctx, plafoniera, 5, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(ranked) == 0 || !strings.Contains(strings.ToLower(ranked[0].Posting.Title), "elettric") || !matcher.Proposable(ranked[0], a.engine.Threshold) {
		t.Fatalf("plafoniera: first candidate %+v", ranked)
	}
	if r := ranked[0].Reasons; len(r) == 0 || r[0].Key != matcher.ReasonConcept {
		t.Errorf("plafoniera: the first reason is %+v, want the shared concept", r)
	}
}

func ids(ms []matcher.ConceptMatch) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.ID
	}
	return out
}
