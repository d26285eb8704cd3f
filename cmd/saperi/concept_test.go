package main

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/matcher"
)

// TestHubConceptReachesOffer: a need with no word in common with an offer
// does not reach it (the shipped concepts find at most a loose tie, bike
// deliveries, below the threshold); once a hub adds a concept naming both (stored as the
// concepts API stores it), the next start loads it, re-tags the postings,
// and the need reaches the offer through it, the concept named first
// among the reasons.
func TestHubConceptReachesOffer(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	ec := engineConfig{Pool: 50, Threshold: 0.4}

	a, err := openApp(ctx, dir, ec, log)
	if err != nil {
		t.Fatal(err)
	}
	hub := &saperi.Hub{Name: "Portineria di San Salvario", Area: "San Salvario", Created: now}
	if err := a.db.CreateHub(ctx, hub); err != nil {
		t.Fatal(err)
	}
	person := func(name string) *saperi.Profile {
		p := &saperi.Profile{Kind: saperi.Resident, Name: name, HubID: hub.ID, Area: "San Salvario", Languages: []string{"it"},
			Consent: saperi.Consent{Text: "ok", Version: "1", By: saperi.ConsentSelf, At: now}, Created: now, Updated: now}
		if err := a.db.CreateProfile(ctx, p, saperi.Event{At: now, Actor: "test"}); err != nil {
			t.Fatal(err)
		}
		return p
	}
	post := func(owner *saperi.Profile, kind saperi.Kind, title, desc string) *saperi.Posting {
		p := &saperi.Posting{Kind: kind, Title: title, Description: desc, Category: "commissioni", Created: now, Updated: now}
		p.Inherit(owner)
		p.Normalize(now)
		if err := a.db.CreatePosting(ctx, p, saperi.Event{At: now, Actor: "test"}); err != nil {
			t.Fatal(err)
		}
		return p
	}
	need := post(person("Giulia Conti"), saperi.Need, "Mi serve una cargo bike", "Per portare i miei due figli all'asilo la mattina.")
	offer := post(person("Marco Russo"), saperi.Offer, "Presto la mia bicicletta da carico", "La uso poco: la lascio volentieri a chi ne ha bisogno.")
	reaches := func(a *app) (bool, []string) {
		t.Helper()
		if _, err := a.ix.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		ranked, err := a.engine.Candidates(ctx, need.ID, 10, now)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range ranked {
			if r.Posting.ID == offer.ID {
				var names []string
				for _, c := range r.Concepts {
					names = append(names, c.Concept.ID)
				}
				return len(a.engine.Proposals([]matcher.Ranked{r})) == 1, names
			}
		}
		return false, nil
	}
	if ok, concepts := reaches(a); ok {
		t.Fatalf("the need reaches the offer before the hub's concept (concepts %v): the case tests nothing", concepts)
	}
	c := &saperi.Concept{ID: "bici-cargo", Category: "commissioni", Labels: []string{"bicicletta da carico", "cargo bike", "bici cargo"},
		Problems: []string{"portare i bambini in bici"}, Created: now}
	if err := a.db.CreateConcept(ctx, c, saperi.Event{At: now, Actor: "admin/1", Action: "concept.create"}); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}

	b, err := openApp(ctx, dir, ec, log)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ok, concepts := reaches(b)
	if !ok || len(concepts) == 0 || concepts[0] != "bici-cargo" {
		t.Fatalf("after the hub's concept: proposed %v, shared concepts %v", ok, concepts)
	}
}
