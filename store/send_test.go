package store

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/saperi/saperi"
)

func TestSends(t *testing.T) {
	ctx := context.Background()
	db := open(t)
	now := time.Date(2026, 11, 23, 7, 0, 0, 0, time.UTC)
	recs := []saperi.Send{
		{Key: "digest/2026-W48/personal/1", Kind: saperi.SendPersonal, To: "a@example.org", State: saperi.SendPending, Planned: now},
		{Key: "digest/2026-W48/personal/2", Kind: saperi.SendPersonal, To: "b@example.org", State: saperi.SendPending, Planned: now},
		{Key: "digest/2026-W49/personal/1", Kind: saperi.SendPersonal, To: "a@example.org", State: saperi.SendPending, Planned: now},
	}
	if n, err := db.PlanSends(ctx, recs); err != nil || n != 3 {
		t.Fatalf("plan: %d %v", n, err)
	}
	if _, err := db.UpdateSend(ctx, recs[0].Key, func(s *saperi.Send) error { s.State = saperi.SendSent; return nil }); err != nil {
		t.Fatal(err)
	}
	// Planning again keeps what is there: a resumed run never resets "sent".
	if n, err := db.PlanSends(ctx, recs); err != nil || n != 0 {
		t.Fatalf("replan: %d %v", n, err)
	}
	got, err := db.Sends(ctx, "digest/2026-W48/")
	if err != nil || len(got) != 2 || got[0].State != saperi.SendSent || got[1].State != saperi.SendPending {
		t.Fatalf("sends = %+v %v", got, err)
	}
	if _, err := db.UpdateSend(ctx, "nope", func(*saperi.Send) error { return nil }); saperi.ErrorCode(err) != saperi.ENOTFOUND {
		t.Errorf("unknown key: %v", err)
	}
	if _, err := db.UpdateSend(ctx, recs[1].Key, func(s *saperi.Send) error { s.Key = "x"; return nil }); saperi.ErrorCode(err) != saperi.EINVALID {
		t.Errorf("key change: %v", err)
	}
}

func TestUnsubscribe(t *testing.T) {
	ctx := context.Background()
	db := open(t)
	ev := saperi.Event{At: time.Now(), Actor: "link"}
	for range 2 {
		if err := db.Unsubscribe(ctx, " Maria@Example.org ", ev); err != nil {
			t.Fatal(err)
		}
	}
	if ok, err := db.IsUnsubscribed(ctx, "maria@example.org"); err != nil || !ok {
		t.Fatalf("IsUnsubscribed = %v %v", ok, err)
	}
	if set, _ := db.Unsubscribed(ctx); len(set) != 1 || !set["maria@example.org"] {
		t.Fatalf("set = %v", set)
	}
	evs, _ := db.Events(ctx, 0, 0, 10)
	if len(evs) != 1 || evs[0].Action != "mail.unsubscribe" {
		t.Fatalf("events = %+v", evs)
	}
}

func TestLinkSecretKept(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "saperi.db")
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	first, err := db.LinkSecret(ctx)
	if err != nil || len(first) != 32 {
		t.Fatalf("secret %x %v", first, err)
	}
	db.Close()
	db, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	again, _ := db.LinkSecret(ctx)
	if !bytes.Equal(first, again) {
		t.Fatal("the link secret changed on reopening: every link in sent mails would break")
	}
	other := open(t)
	if s, _ := other.LinkSecret(ctx); bytes.Equal(s, first) {
		t.Fatal("two stores share a secret")
	}
}
