package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/saperi/saperi"
)

// TestSignupPendingThenConfirmed: a pending sign-up is no account; a new
// one for the same address replaces it; confirming creates the profile
// and the account with their audit events and works once; expired ones
// are swept by the next sign-up.
func TestSignupPendingThenConfirmed(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	h := mustHub(t, db, "Portineria Aurora")
	first := mustSignup(t, db, h.ID, "lucia@example.org", "Lucia Bianchi")
	if _, err := db.UserByEmail(ctx, "lucia@example.org"); saperi.ErrorCode(err) != saperi.ENOTFOUND {
		t.Fatalf("a pending sign-up is an account: %v", err)
	}
	if ps, _ := db.Profiles(ctx, h.ID, 0, 10); len(ps) != 0 {
		t.Fatalf("a pending sign-up is listed at the hub: %v", ps)
	}
	second := mustSignup(t, db, h.ID, "Lucia@Example.org ", "Lucia Bianchi")
	if second.ID == first.ID {
		t.Fatal("the second sign-up reused the first's id")
	}
	if _, err := db.Signup(ctx, first.ID); saperi.ErrorCode(err) != saperi.ENOTFOUND {
		t.Fatalf("the replaced sign-up is still there: %v", err)
	}
	created := saperi.Event{At: t0, Actor: "signup"}
	confirmed := saperi.Event{At: t0, Actor: "link", Action: "user.signup_confirm"}
	refuse := func(p *saperi.PendingSignup) error { return saperi.SignupExpired() }
	if _, err := db.ConfirmSignup(ctx, second.ID, refuse, created, confirmed); saperi.ErrorCode(err) != saperi.ECONFLICT {
		t.Fatalf("check refused, yet: %v", err)
	}
	if _, err := db.Signup(ctx, second.ID); err != nil {
		t.Fatalf("a refused confirmation deleted the record: %v", err)
	}
	u, err := db.ConfirmSignup(ctx, second.ID, func(*saperi.PendingSignup) error { return nil }, created, confirmed)
	if err != nil {
		t.Fatal(err)
	}
	if u.Email != "lucia@example.org" || u.Role != saperi.RoleResident || u.ProfileID == 0 || u.PasswordHash != "h" {
		t.Fatalf("account %+v", u)
	}
	if p, err := db.Profile(ctx, u.ProfileID); err != nil || p.Name != "Lucia Bianchi" || p.HubID != h.ID {
		t.Fatalf("profile %+v, %v", p, err)
	}
	evs, err := db.Events(ctx, u.ProfileID, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range evs {
		actions = append(actions, e.Actor+" "+e.Action)
	}
	if got := strings.Join(actions, "\n"); got != "signup profile.create\nsignup user.create\nlink user.signup_confirm" {
		t.Fatalf("events:\n%s", got)
	}
	if _, err := db.ConfirmSignup(ctx, second.ID, func(*saperi.PendingSignup) error { return nil }, created, confirmed); saperi.ErrorCode(err) != saperi.ECONFLICT {
		t.Fatalf("confirmed twice: %v", err)
	}
	if _, err := db.SignupByEmail(ctx, "lucia@example.org"); saperi.ErrorCode(err) != saperi.ENOTFOUND {
		t.Fatalf("the confirmed record stays: %v", err)
	}
	// The address has an account now: no pending sign-up for it.
	p := &saperi.PendingSignup{Email: "lucia@example.org", Nonce: "x", PasswordHash: "h", Created: t0, Expires: t0.Add(time.Hour)}
	if err := db.CreateSignup(ctx, p, saperi.Event{At: t0, Actor: "anonymous"}); saperi.ErrorCode(err) != saperi.ECONFLICT {
		t.Fatalf("a pending sign-up for an account's address: %v", err)
	}

	t.Run("expired ones are swept", func(t *testing.T) {
		old := mustSignup(t, db, h.ID, "vecchia@example.org", "Vecchia Iscrizione")
		later := &saperi.PendingSignup{Email: "dopo@example.org", Nonce: "y", Profile: old.Profile, Role: saperi.RoleResident,
			PasswordHash: "h", Created: old.Expires, Expires: old.Expires.Add(saperi.SignupTTL)}
		if err := db.CreateSignup(ctx, later, saperi.Event{At: later.Created, Actor: "anonymous"}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Signup(ctx, old.ID); saperi.ErrorCode(err) != saperi.ENOTFOUND {
			t.Fatalf("an expired sign-up was kept: %v", err)
		}
		if _, err := db.SignupByEmail(ctx, "dopo@example.org"); err != nil {
			t.Fatal(err)
		}
		if n, err := db.SweepSignups(ctx, later.Expires.Add(-time.Second)); err != nil || n != 0 {
			t.Fatalf("sweep before the expiry: %d, %v", n, err)
		}
		if n, err := db.SweepSignups(ctx, later.Expires); err != nil || n != 1 {
			t.Fatalf("sweep at the expiry: %d, %v", n, err)
		}
		if _, err := db.SignupByEmail(ctx, "dopo@example.org"); saperi.ErrorCode(err) != saperi.ENOTFOUND {
			t.Fatalf("swept, yet: %v", err)
		}
	})
}
