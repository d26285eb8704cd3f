package store

import (
	"context"
	"reflect"
	"testing"

	"github.com/saperi/saperi"
)

func TestOutbox(t *testing.T) {
	db, _, owner := fixture(t)
	ctx := context.Background()
	a := mustPosting(t, db, owner, saperi.Offer, "Ripetizioni di matematica")
	b := mustPosting(t, db, owner, saperi.Need, "Aiuto con lo SPID")
	if _, err := db.UpdatePosting(ctx, a.ID, func(p *saperi.Posting) error { p.Description = "Anche fisica"; return nil }, saperi.Event{}); err != nil {
		t.Fatal(err)
	}

	cs, err := db.Changes(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	postings := func(cs []saperi.Change) []uint64 {
		out := []uint64{}
		for _, c := range cs {
			out = append(out, c.PostingID)
		}
		return out
	}
	if got, want := postings(cs), []uint64{a.ID, b.ID, a.ID}; !reflect.DeepEqual(got, want) {
		t.Fatalf("changes for postings %v, want %v (oldest first)", got, want)
	}
	if !(cs[0].Seq < cs[1].Seq && cs[1].Seq < cs[2].Seq) {
		t.Errorf("seqs %+v, want increasing", cs)
	}
	if first, _ := db.Changes(ctx, 2); !reflect.DeepEqual(first, cs[:2]) {
		t.Errorf("Changes(2) = %+v, want %+v", first, cs[:2])
	}

	// The index applied the first write of a; the second write stays.
	if err := db.DoneChanges(ctx, cs[:1]); err != nil {
		t.Fatal(err)
	}
	rest, _ := db.Changes(ctx, 0)
	if !reflect.DeepEqual(rest, cs[1:]) {
		t.Errorf("after DoneChanges, changes %+v, want %+v", rest, cs[1:])
	}
	if n, _ := db.PendingChanges(ctx); n != 2 {
		t.Errorf("PendingChanges = %d, want 2", n)
	}

	// Done twice, or nothing: no error, nothing else removed.
	if err := db.DoneChanges(ctx, cs[:1]); err != nil {
		t.Fatal(err)
	}
	if err := db.DoneChanges(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if err := db.DoneChanges(ctx, rest); err != nil {
		t.Fatal(err)
	}
	if n, _ := db.PendingChanges(ctx); n != 0 {
		t.Errorf("PendingChanges = %d after all done, want 0", n)
	}

	// Seqs are never reused.
	mustPosting(t, db, owner, saperi.Offer, "Giardinaggio")
	next, _ := db.Changes(ctx, 0)
	if len(next) != 1 || next[0].Seq <= cs[2].Seq {
		t.Errorf("new change %+v, want a seq after %d", next, cs[2].Seq)
	}
}
