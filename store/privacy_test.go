package store

import (
	"context"
	"testing"

	"github.com/saperi/saperi"
)

func TestEraseProfile(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	h := mustHub(t, db, "Portineria Aurora")
	maria := mustProfile(t, db, h.ID, "Maria Rossi")
	ahmed := mustProfile(t, db, h.ID, "Ahmed Benali")
	need := mustPosting(t, db, maria, saperi.Need, "Cerco ripetizioni")
	offer := mustPosting(t, db, ahmed, saperi.Offer, "Offro ripetizioni")
	m, err := saperi.NewMatch(need, offer, saperi.Scored{}, saperi.ByOperator, "operator/1", t0)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Apply(saperi.Note, "", "operator/1", "Maria preferisce il martedì", t0); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateMatch(ctx, m, saperi.Event{At: t0, Actor: "operator/1", OnBehalfOf: maria.ID, Detail: "Maria Rossi"}); err != nil {
		t.Fatal(err)
	}
	u := &saperi.User{Email: "maria@example.org", Name: "Maria", Role: saperi.RoleResident, ProfileID: maria.ID, PasswordHash: "h"}
	if err := db.CreateUser(ctx, u, saperi.Event{At: t0, Actor: "cli"}); err != nil {
		t.Fatal(err)
	}
	before, _ := db.CountPostings(ctx)

	n, err := db.EraseProfile(ctx, maria.ID, saperi.Event{At: t0, Actor: "resident/1"})
	if err != nil {
		t.Fatal(err)
	}
	if n.Postings != 1 || n.Matches != 1 || n.Accounts != 1 {
		t.Fatalf("erased %+v", n)
	}
	_, err = db.Profile(ctx, maria.ID)
	wantCode(t, err, saperi.ENOTFOUND)
	_, err = db.Posting(ctx, need.ID)
	wantCode(t, err, saperi.ENOTFOUND)
	_, err = db.UserByEmail(ctx, "maria@example.org")
	wantCode(t, err, saperi.ENOTFOUND)
	if after, _ := db.CountPostings(ctx); after != before-1 {
		t.Fatalf("posting count %d → %d", before, after)
	}
	got, err := db.Match(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != saperi.Withdrawn || got.NeedProfileID != 0 || got.OfferProfileID != ahmed.ID {
		t.Fatalf("match after erase: %+v", got)
	}
	for _, h := range got.History {
		if h.Note != "" {
			t.Fatalf("a note survived: %+v", h)
		}
	}
	if act, _ := db.ActiveMatches(ctx, []uint64{offer.ID}); act[offer.ID] != 0 {
		t.Fatal("the offer still counts the withdrawn match")
	}
	// The index hears about the deletion.
	changes, _ := db.Changes(ctx, 100)
	found := false
	for _, c := range changes {
		found = found || c.PostingID == need.ID
	}
	if !found {
		t.Fatalf("no outbox entry for the erased posting: %+v", changes)
	}
	// The audit trail stays, without personal details.
	evs, _ := db.Events(ctx, 0, 0, 500)
	last := evs[len(evs)-1]
	if last.Action != "profile.erase" || last.OnBehalfOf != 0 {
		t.Fatalf("last event %+v", last)
	}
	for _, ev := range evs {
		if ev.Detail == "Maria Rossi" {
			t.Fatalf("personal detail kept: %+v", ev)
		}
	}
	_, err = db.EraseProfile(ctx, maria.ID, saperi.Event{At: t0})
	wantCode(t, err, saperi.ENOTFOUND)
}
