package store

import (
	"bytes"
	"context"
	"os"
	"slices"
	"testing"

	"github.com/saperi/saperi"
)

// erasable builds a person, Quokkaviola, with a unique marker in her
// name, address and posting, who has an account, a connected match with
// the breakdown's matched words, mails sent to her and to the other side,
// failed logins and reset requests, and an unsubscription: everything
// the attack run found left behind by an erasure (findings 3 and 12).
func erasable(t *testing.T, db *DB) (her, other *saperi.Profile, m *saperi.Match) {
	t.Helper()
	ctx := context.Background()
	h := mustHub(t, db, "Portineria Aurora")
	her = newProfile(h.ID, "Quokkaviola Rossi")
	her.Contacts.Email = "quokkaviola@example.org"
	if err := db.CreateProfile(ctx, her, saperi.Event{At: t0, Actor: "op1"}); err != nil {
		t.Fatal(err)
	}
	other = mustProfile(t, db, h.ID, "Ahmed Benali")
	need := mustPosting(t, db, her, saperi.Need, "Cerco lezioni di quokkaviola")
	offer := mustPosting(t, db, other, saperi.Offer, "Offro lezioni di musica")
	sc := saperi.Scored{Score: 0.8, Breakdown: saperi.Breakdown{saperi.FText: {Value: 0.9, Key: "reason.text",
		Args: map[string]any{"Words": "quokkaviola, lezioni", "Share": 0.5}}}}
	m, err := saperi.NewMatch(need, offer, sc, saperi.ByOperator, "operator/1", t0)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CreateMatch(ctx, m, saperi.Event{At: t0, Actor: "operator/1"}); err != nil {
		t.Fatal(err)
	}
	u := &saperi.User{Email: "quokkaviola.login@example.org", Name: "Quokkaviola", Role: saperi.RoleResident, ProfileID: her.ID, PasswordHash: "h"}
	if err := db.CreateUser(ctx, u, saperi.Event{At: t0, Actor: "cli"}); err != nil {
		t.Fatal(err)
	}
	sends := []saperi.Send{
		{Key: "mail/reset/1/1", Kind: saperi.SendReset, To: u.Email, State: saperi.SendSent},
		{Key: "digest/2026-W48/personal/1", Kind: saperi.SendPersonal, To: her.Contacts.Email, State: saperi.SendSent},
		{Key: "mail/connected/1/need", Kind: saperi.SendConnected, To: her.Contacts.Email, State: saperi.SendSent},
		{Key: "mail/connected/1/offer", Kind: saperi.SendConnected, To: "ahmed@example.org", State: saperi.SendSent},
		{Key: "digest/2026-W48/personal/2", Kind: saperi.SendPersonal, To: "ahmed@example.org", State: saperi.SendSent},
	}
	if _, err := db.PlanSends(ctx, sends); err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{u.Email, her.Contacts.Email} {
		if err := db.FailLogin(ctx, t0, "email:"+a, "reset:email:"+a, "signup:email:"+a, "ip:192.0.2.1"); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Unsubscribe(ctx, her.Contacts.Email, saperi.Event{At: t0, Actor: "link"}); err != nil {
		t.Fatal(err)
	}
	// A sign-up with her address, not yet confirmed (her profile was made
	// at the desk), and one of somebody else's.
	mustSignup(t, db, h.ID, her.Contacts.Email, "Quokkaviola Online")
	mustSignup(t, db, h.ID, "nuova@example.org", "Nuova Persona")
	return her, other, m
}

// mustSignup stores a pending sign-up for email at hub, made at t0.
func mustSignup(t *testing.T, db *DB, hub uint64, email, name string) *saperi.PendingSignup {
	t.Helper()
	prof := *newProfile(hub, name)
	prof.Contacts.Email = saperi.NormalizeEmail(email)
	p := &saperi.PendingSignup{Email: email, Nonce: "n-" + email, Profile: prof, Role: saperi.RoleResident,
		PasswordHash: "h", Created: t0, Expires: t0.Add(saperi.SignupTTL)}
	if err := db.CreateSignup(context.Background(), p, saperi.Event{At: t0, Actor: "anonymous", Action: "signup.request"}); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestEraseLeavesNoRecords(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	her, _, m := erasable(t, db)
	n, err := db.EraseProfile(ctx, her.ID, saperi.Event{At: t0, Actor: "resident/1"})
	if err != nil {
		t.Fatal(err)
	}
	wantKeys := []string{"digest/2026-W48/personal/1", "mail/connected/1/need", "mail/connected/1/offer", "mail/reset/1/1"}
	slices.Sort(n.MailKeys)
	if !slices.Equal(n.MailKeys, wantKeys) || n.Mails != 4 {
		t.Errorf("MailKeys %v, want %v", n.MailKeys, wantKeys)
	}
	for _, want := range []string{"quokkaviola@example.org", "quokkaviola.login@example.org", "+39 011 123456", "Quokkaviola Rossi", "Cerco lezioni di quokkaviola"} {
		if !slices.Contains(n.Traces, want) {
			t.Errorf("Traces %q lack %q", n.Traces, want)
		}
	}
	t.Run("sends", func(t *testing.T) {
		all, err := db.Sends(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 1 || all[0].Key != "digest/2026-W48/personal/2" {
			t.Fatalf("sends left: %+v", all)
		}
	})
	t.Run("login and reset throttles", func(t *testing.T) {
		keys := []string{"email:quokkaviola@example.org", "reset:email:quokkaviola@example.org", "signup:email:quokkaviola@example.org",
			"email:quokkaviola.login@example.org", "reset:email:quokkaviola.login@example.org", "signup:email:quokkaviola.login@example.org"}
		got, err := db.LoginAttempts(ctx, append(keys, "ip:192.0.2.1")...)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range keys {
			if got[k].Count != 0 {
				t.Errorf("%s survived: %+v", k, got[k])
			}
		}
		if got["ip:192.0.2.1"].Count == 0 {
			t.Error("the address throttle went too: it is not hers")
		}
	})
	t.Run("pending sign-ups", func(t *testing.T) {
		if _, err := db.SignupByEmail(ctx, "quokkaviola@example.org"); saperi.ErrorCode(err) != saperi.ENOTFOUND {
			t.Errorf("her pending sign-up survived: %v", err)
		}
		if _, err := db.Signup(ctx, 1); saperi.ErrorCode(err) != saperi.ENOTFOUND {
			t.Errorf("her pending sign-up survived by id: %v", err)
		}
		if _, err := db.SignupByEmail(ctx, "nuova@example.org"); err != nil {
			t.Errorf("somebody else's pending sign-up went too: %v", err)
		}
	})
	t.Run("unsubscribed", func(t *testing.T) {
		if u, _ := db.IsUnsubscribed(ctx, "quokkaviola@example.org"); u {
			t.Error("the unsubscription survived")
		}
	})
	t.Run("match words", func(t *testing.T) {
		got, err := db.Match(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		args := got.Breakdown[saperi.FText].Args
		if _, ok := args["Words"]; ok || args["Share"] != 0.5 {
			t.Errorf("text args after erasure: %v (words dropped, numbers kept)", args)
		}
	})
}

// TestPurgeRewritesFreedPages is finding 14 for the store: after an
// erasure the file still holds the erased bytes in freed pages (and so
// would every copy of it); Purge rewrites it without them, and a backup
// purges first.
func TestPurgeRewritesFreedPages(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	her, _, _ := erasable(t, db)
	marker := []byte("quokkaviola")
	if !fileHas(t, db.Path(), marker) {
		t.Fatal("the marker is not in the file before the erasure: the test proves nothing")
	}
	if _, err := db.EraseProfile(ctx, her.ID, saperi.Event{At: t0, Actor: "resident/1"}); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := db.PurgePending(ctx); !ok {
		t.Fatal("no purge pending after an erasure")
	}
	if !fileHas(t, db.Path(), marker) {
		t.Log("note: bbolt reused every freed page already")
	}
	var buf bytes.Buffer
	if _, err := db.Backup(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(bytes.ToLower(buf.Bytes()), marker) {
		t.Error("a backup taken after the erasure holds the marker")
	}
	if fileHas(t, db.Path(), marker) {
		t.Error("the store file holds the marker after the backup's purge")
	}
	if _, ok, _ := db.PurgePending(ctx); !ok {
		t.Error("a backup's rewrite cleared the pending purge: the index would never merge")
	}
	if did, err := db.Purge(ctx); err != nil || !did {
		t.Errorf("purge: %v %v", did, err)
	}
	if _, ok, _ := db.PurgePending(ctx); ok {
		t.Error("purge still pending after a purge")
	}
	if did, err := db.Purge(ctx); err != nil || did {
		t.Errorf("second purge: %v %v, want nothing to do", did, err)
	}
	// The store works on after the rewrite, with its sequences.
	p := mustProfile(t, db, 1, "Dopo la purga")
	if p.ID <= her.ID {
		t.Errorf("new profile id %d reuses an old one", p.ID)
	}
	if _, err := os.Stat(db.Path() + ".purge"); !os.IsNotExist(err) {
		t.Errorf("temporary file left: %v", err)
	}
}

func fileHas(t *testing.T, path string, marker []byte) bool {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Contains(bytes.ToLower(raw), marker)
}

// TestEraseImportedPerson: a person imported from a hub's register has
// import keys made of their name and phone; erasing them deletes the keys
// too, and after a purge no byte of the file holds them.
func TestEraseImportedPerson(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	h := mustHub(t, db, "Portineria Aurora")
	p := newProfile(h.ID, "Quokkaviola Bianchi")
	p.Contacts.Phone = "+39 333 765 4321"
	key := saperi.ImportKey(p.Name, p.Contacts.Phone, "")
	post := newPosting(p, saperi.Offer, "Lezioni di quokkaviola")
	if _, err := db.Import(ctx, h.ID, []saperi.ImportPerson{{Key: key, Profile: p,
		Postings: []saperi.ImportPosting{{Key: key + "|lezioni", Posting: post}}}}, saperi.Event{At: t0, Actor: "op1"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.ImportedPeople(ctx, h.ID, []string{key}); got[key] != p.ID {
		t.Fatalf("import key not stored: %v", got)
	}
	if _, err := db.EraseProfile(ctx, p.ID, saperi.Event{At: t0, Actor: "op1"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.ImportedPeople(ctx, h.ID, []string{key}); len(got) != 0 {
		t.Errorf("the person's import key survived: %v", got)
	}
	if got, _ := db.ImportedPostings(ctx, h.ID, []string{key + "|lezioni"}); len(got) != 0 {
		t.Errorf("the posting's import key survived: %v", got)
	}
	if _, err := db.Purge(ctx); err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"quokkaviol", "393337654321"} {
		if fileHas(t, db.Path(), []byte(m)) {
			t.Errorf("%s is still in the file after the purge", m)
		}
	}
}
