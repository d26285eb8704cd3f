package store

import (
	"context"
	"testing"

	"github.com/saperi/saperi"
)

// TestImportIdempotent: the same register imported twice creates its
// people and postings once; a file of postings for people imported before
// finds them by key; a bad posting rolls back the whole batch.
func TestImportIdempotent(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	h := mustHub(t, db, "Portineria Aurora")
	batch := func() []saperi.ImportPerson {
		maria := newProfile(0, "Maria Rossi")
		maria.ID = 0
		return []saperi.ImportPerson{{Key: "x:1", Profile: maria, Postings: []saperi.ImportPosting{
			{Key: "x:1|need|spesa", Posting: newPosting(maria, saperi.Need, "Cerco aiuto per la spesa")},
			{Key: "x:1|offer|torte", Posting: newPosting(maria, saperi.Offer, "Insegno a fare le torte")},
		}}}
	}
	ev := saperi.Event{At: t0, Actor: "operator/1"}
	n, err := db.Import(ctx, h.ID, batch(), ev)
	if err != nil {
		t.Fatal(err)
	}
	if n != (saperi.ImportCounts{People: 1, Postings: 2}) {
		t.Fatalf("first import: %+v", n)
	}
	before := countAll(t, db)
	n, err = db.Import(ctx, h.ID, batch(), ev)
	if err != nil {
		t.Fatal(err)
	}
	if n != (saperi.ImportCounts{PeopleExisting: 1, PostingsExisting: 2}) || countAll(t, db) != before {
		t.Fatalf("second import: %+v, %+v → %+v", n, before, countAll(t, db))
	}
	ids, err := db.ImportedPeople(ctx, h.ID, []string{"x:1", "x:2"})
	if err != nil || len(ids) != 1 || ids["x:1"] == 0 {
		t.Fatalf("ImportedPeople = %v, %v", ids, err)
	}

	t.Run("postings of a person imported before", func(t *testing.T) {
		owner, _ := db.Profile(ctx, ids["x:1"])
		p := newPosting(owner, saperi.Offer, "Ripetizioni di latino")
		n, err := db.Import(ctx, h.ID, []saperi.ImportPerson{{Key: "x:1", Postings: []saperi.ImportPosting{{Key: "p:9", Posting: p}}}}, ev)
		if err != nil || n.Postings != 1 || p.ProfileID != owner.ID || p.HubID != h.ID {
			t.Fatalf("%+v %v %+v", n, err, p)
		}
	})
	t.Run("unknown person", func(t *testing.T) {
		_, err := db.Import(ctx, h.ID, []saperi.ImportPerson{{Key: "x:404"}}, ev)
		wantCode(t, err, saperi.ENOTFOUND)
	})
	t.Run("all or nothing", func(t *testing.T) {
		before := countAll(t, db)
		b := batch()
		b[0].Key = "x:2"
		b[0].Postings[0].Key, b[0].Postings[1].Key = "other", "another"
		b[0].Postings[1].Posting.Title = "x"
		_, err := db.Import(ctx, h.ID, b, ev)
		wantCode(t, err, saperi.EINVALID)
		if countAll(t, db) != before || b[0].Profile.ID != 0 {
			t.Fatal("a failed import wrote something")
		}
		ids, _ := db.ImportedPeople(ctx, h.ID, []string{"x:2"})
		if len(ids) != 0 {
			t.Fatal("a failed import kept its key")
		}
	})
	t.Run("keys are per hub", func(t *testing.T) {
		h2 := mustHub(t, db, "Portineria Barriera")
		n, err := db.Import(ctx, h2.ID, batch(), ev)
		if err != nil || n.People != 1 {
			t.Fatalf("%+v %v", n, err)
		}
	})
}
