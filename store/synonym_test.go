package store

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/saperi/saperi"
	"go.etcd.io/bbolt"
)

func TestSynonyms(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	ev := saperi.Event{At: at, Actor: "admin", Action: "synonym.create"}

	a := &saperi.Synonym{Terms: []string{" doposcuola ", "aiuto compiti"}, Created: at}
	if err := db.CreateSynonym(ctx, a, ev); err != nil {
		t.Fatal(err)
	}
	b := &saperi.Synonym{Terms: []string{"tata", "baby sitter"}, Created: at}
	if err := db.CreateSynonym(ctx, b, ev); err != nil {
		t.Fatal(err)
	}
	if a.ID != 1 || b.ID != 2 || a.Terms[0] != "doposcuola" {
		t.Errorf("ids %d, %d, terms %q: want 1, 2 and trimmed terms", a.ID, b.ID, a.Terms)
	}
	bad := &saperi.Synonym{Terms: []string{"solo"}}
	if err := db.CreateSynonym(ctx, bad, ev); saperi.ErrorCode(err) != saperi.EINVALID || bad.ID != 0 {
		t.Errorf("one term: err %v, id %d; want invalid and no id", err, bad.ID)
	}
	dup := &saperi.Synonym{Terms: []string{"Tata", "tata"}}
	if err := db.CreateSynonym(ctx, dup, ev); saperi.ErrorCode(err) != saperi.EINVALID {
		t.Errorf("duplicate: err %v, want invalid", err)
	}

	got, err := db.Synonyms(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, []*saperi.Synonym{a, b}) {
		t.Errorf("Synonyms = %v, want %v", got, []*saperi.Synonym{a, b})
	}

	if err := db.DeleteSynonym(ctx, a.ID, saperi.Event{At: at, Actor: "admin", Action: "synonym.delete"}); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteSynonym(ctx, a.ID, ev); saperi.ErrorCode(err) != saperi.ENOTFOUND {
		t.Errorf("second delete: %v, want not found", err)
	}
	got, _ = db.Synonyms(ctx)
	if len(got) != 1 || got[0].ID != b.ID {
		t.Errorf("after delete: %v, want only %d", got, b.ID)
	}
	evs, err := db.Events(ctx, 0, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var subjects []string
	for _, e := range evs {
		subjects = append(subjects, e.Action+" "+e.Subject)
	}
	want := []string{"synonym.create synonym/1", "synonym.create synonym/2", "synonym.delete synonym/1"}
	if !reflect.DeepEqual(subjects, want) {
		t.Errorf("audit trail %v, want %v", subjects, want)
	}
}

// A store written before the synonyms bucket existed gains it on open.
func TestSynonymBucketOnOldStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "saperi.db")
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.bolt.Update(func(tx *bbolt.Tx) error { return tx.DeleteBucket(synonymBucket) }); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Synonyms(context.Background()); err != nil {
		t.Errorf("Synonyms on a reopened old store: %v", err)
	}
}
