package digest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/matcher"
)

// fixedCandidates ranks what it is told to, per need.
type fixedCandidates map[uint64][]matcher.Ranked

func (f fixedCandidates) For(_ context.Context, target *saperi.Posting, _ int, _ time.Time) ([]matcher.Ranked, error) {
	return f[target.ID], nil
}

// A candidate close to the need's best is kept, and "the best" is the
// best that may still be proposed: Maria's need already has John's offer
// under way, so Lucia's, well under John's score but the best left, is
// still a candidate; one far under Lucia's is not.
func TestPlanShareOfTheBestThatCanBeProposed(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	other := &saperi.Posting{Kind: saperi.Offer, Title: "Corso di informatica", Category: "digitale", Created: testNow, Updated: testNow,
		Expires: testNow.Add(60 * 24 * time.Hour)}
	other.Inherit(f.lucia)
	other.Normalize(testNow)
	if err := f.db.CreatePosting(ctx, other, saperi.Event{At: testNow, Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	eng := fixedCandidates{f.needMaria.ID: {
		{Posting: f.offerJohn, Score: 0.9},
		{Posting: f.offerLucia, Score: 0.7},
		{Posting: other, Score: 0.5},
	}}
	plan, err := Plan(ctx, f.db, eng, testNow, AssignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var offers []uint64
	for _, a := range plan.Problem.Arcs {
		if a.NeedID == f.needMaria.ID {
			offers = append(offers, a.OfferID)
		}
	}
	if !slices.Contains(offers, f.offerLucia.ID) {
		t.Errorf("Lucia's offer, the best left, is no candidate: arcs to %v", offers)
	}
	if slices.Contains(offers, other.ID) {
		t.Errorf("an offer at 0.5, under %.0f%% of the best left (0.7), is a candidate: arcs to %v", matcher.CloseToBest*100, offers)
	}
}
