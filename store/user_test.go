package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"testing"
	"time"

	"github.com/saperi/saperi"
)

func hashOf(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

func TestUsersAndSessions(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	h := mustHub(t, db, "Portineria Aurora")
	p := mustProfile(t, db, h.ID, "Maria Rossi")
	u := &saperi.User{Email: "maria@example.org", Name: "Maria", Role: saperi.RoleResident, ProfileID: p.ID,
		PasswordHash: "$2a$hash", Created: t0}
	if err := db.CreateUser(ctx, u, saperi.Event{At: t0, Actor: "cli"}); err != nil {
		t.Fatal(err)
	}
	dup := *u
	dup.ID = 0
	wantCode(t, db.CreateUser(ctx, &dup, saperi.Event{}), saperi.ECONFLICT)
	ghost := &saperi.User{Email: "x@example.org", Name: "Ghost", Role: saperi.RoleResident, ProfileID: 99, PasswordHash: "h"}
	wantCode(t, db.CreateUser(ctx, ghost, saperi.Event{}), saperi.EINVALID)
	got, err := db.UserByEmail(ctx, " Maria@Example.org ")
	if err != nil || got.ID != u.ID {
		t.Fatalf("UserByEmail = %+v, %v", got, err)
	}
	staff, err := db.ProfileUsers(ctx, p.ID)
	if err != nil || len(staff) != 1 {
		t.Fatalf("ProfileUsers = %v, %v", staff, err)
	}

	for _, secret := range []string{"a", "b"} {
		if err := db.CreateSession(ctx, hashOf(secret), saperi.Session{UserID: u.ID, Created: t0, Expires: t0.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, su, err := db.Session(ctx, hashOf("a"), t0); err != nil || su.ID != u.ID {
		t.Fatalf("Session = %v, %v", su, err)
	}
	_, _, err = db.Session(ctx, hashOf("a"), t0.Add(time.Hour))
	wantCode(t, err, saperi.EUNAUTHORIZED) // expired
	if err := db.DeleteSession(ctx, hashOf("a")); err != nil {
		t.Fatal(err)
	}
	_, _, err = db.Session(ctx, hashOf("a"), t0)
	wantCode(t, err, saperi.EUNAUTHORIZED)
	if n, err := db.DeleteUserSessions(ctx, u.ID); err != nil || n != 1 {
		t.Fatalf("DeleteUserSessions = %d, %v", n, err)
	}
	_, _, err = db.Session(ctx, hashOf("b"), t0)
	wantCode(t, err, saperi.EUNAUTHORIZED)
}

func TestTokensAndAttempts(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	tok := &saperi.APIToken{Name: "ci", Role: saperi.RoleAdmin, CreatedBy: "cli", Created: t0}
	if err := db.CreateToken(ctx, tok, hashOf("spt_k9Qx7uniqueTokenSecret"), saperi.Event{At: t0, Actor: "cli"}); err != nil {
		t.Fatal(err)
	}
	if got, err := db.TokenByHash(ctx, hashOf("spt_k9Qx7uniqueTokenSecret")); err != nil || got.ID != tok.ID {
		t.Fatalf("TokenByHash = %v, %v", got, err)
	}
	if _, err := db.RevokeToken(ctx, tok.ID, t0, saperi.Event{At: t0, Actor: "cli"}); err != nil {
		t.Fatal(err)
	}
	_, err := db.TokenByHash(ctx, hashOf("spt_k9Qx7uniqueTokenSecret"))
	wantCode(t, err, saperi.EUNAUTHORIZED)
	_, err = db.RevokeToken(ctx, 42, t0, saperi.Event{})
	wantCode(t, err, saperi.ENOTFOUND)

	// The raw secret is nowhere in the file.
	var buf bytes.Buffer
	if _, err := db.Backup(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(buf.Bytes(), []byte("spt_k9Qx7uniqueTokenSecret")) {
		t.Fatal("the store holds a token secret")
	}

	keys := []string{"email:maria@example.org", "ip:127.0.0.1"}
	for i := 0; i < 3; i++ {
		if err := db.FailLogin(ctx, t0, keys...); err != nil {
			t.Fatal(err)
		}
	}
	att, err := db.LoginAttempts(ctx, keys...)
	if err != nil || att[keys[0]].Count != 3 || att[keys[1]].Count != 3 {
		t.Fatalf("LoginAttempts = %v, %v", att, err)
	}
	if err := db.ClearLogin(ctx, keys[0]); err != nil {
		t.Fatal(err)
	}
	att, _ = db.LoginAttempts(ctx, keys...)
	if att[keys[0]].Count != 0 || att[keys[1]].Count != 3 {
		t.Fatalf("after ClearLogin: %v", att)
	}
}
