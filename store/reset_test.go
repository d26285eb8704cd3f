package store

import (
	"context"
	"testing"
	"time"

	"github.com/saperi/saperi"
)

func TestSetPassword(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	h := mustHub(t, db, "Portineria Aurora")
	p := mustProfile(t, db, h.ID, "Maria Rossi")
	u := &saperi.User{Email: "maria@example.org", Name: "Maria", Role: saperi.RoleResident, ProfileID: p.ID,
		PasswordHash: "$2a$old", Created: t0}
	if err := db.CreateUser(ctx, u, saperi.Event{At: t0, Actor: "cli"}); err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"a", "b"} {
		if err := db.CreateSession(ctx, hashOf(secret), saperi.Session{UserID: u.ID, Created: t0, Expires: t0.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	onlyFrom := func(want string) func(*saperi.User) error {
		return func(u *saperi.User) error {
			if u.PasswordHash != want {
				return saperi.Errorf(saperi.ECONFLICT, "error.reset.used", "used")
			}
			return nil
		}
	}
	ev := saperi.Event{At: t0, Actor: "link", Action: "user.password_reset", OnBehalfOf: p.ID}

	t.Run("a refused check changes nothing", func(t *testing.T) {
		_, err := db.SetPassword(ctx, u.ID, "$2a$new", onlyFrom("$2a$other"), ev)
		wantCode(t, err, saperi.ECONFLICT)
		if got, _ := db.User(ctx, u.ID); got.PasswordHash != "$2a$old" {
			t.Fatalf("hash = %s", got.PasswordHash)
		}
		if _, _, err := db.Session(ctx, hashOf("a"), t0); err != nil {
			t.Fatalf("a session ended: %v", err)
		}
	})
	t.Run("sets the hash, ends every session, audits", func(t *testing.T) {
		n, err := db.SetPassword(ctx, u.ID, "$2a$new", onlyFrom("$2a$old"), ev)
		if err != nil || n != 2 {
			t.Fatalf("SetPassword = %d, %v", n, err)
		}
		if got, _ := db.User(ctx, u.ID); got.PasswordHash != "$2a$new" {
			t.Fatalf("hash = %s", got.PasswordHash)
		}
		for _, s := range []string{"a", "b"} {
			_, _, err := db.Session(ctx, hashOf(s), t0)
			wantCode(t, err, saperi.EUNAUTHORIZED)
		}
		evs, err := db.Events(ctx, p.ID, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		last := evs[len(evs)-1]
		if last.Action != "user.password_reset" || last.Subject != "user/1" || last.Actor != "link" {
			t.Fatalf("event %+v", last)
		}
	})
	t.Run("the same check a second time is refused", func(t *testing.T) {
		_, err := db.SetPassword(ctx, u.ID, "$2a$newer", onlyFrom("$2a$old"), ev)
		wantCode(t, err, saperi.ECONFLICT)
	})
	t.Run("an empty hash is refused", func(t *testing.T) {
		_, err := db.SetPassword(ctx, u.ID, "", nil, ev)
		wantCode(t, err, saperi.EINVALID)
	})
	t.Run("unknown user", func(t *testing.T) {
		_, err := db.SetPassword(ctx, 99, "$2a$x", nil, ev)
		wantCode(t, err, saperi.ENOTFOUND)
	})
}

func TestAddEvent(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	h := mustHub(t, db, "Portineria Aurora")
	p := mustProfile(t, db, h.ID, "Maria Rossi")
	if err := db.AddEvent(ctx, saperi.Event{At: t0, Actor: "anonymous", Action: "user.reset_request", Subject: "user/1", OnBehalfOf: p.ID}); err != nil {
		t.Fatal(err)
	}
	evs, err := db.Events(ctx, p.ID, 0, 100)
	if err != nil || evs[len(evs)-1].Action != "user.reset_request" {
		t.Fatalf("events %+v, %v", evs, err)
	}
	if err := db.AddEvent(ctx, saperi.Event{At: t0}); err == nil {
		t.Fatal("an event without action was stored")
	}
}
