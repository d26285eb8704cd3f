package store

import (
	"context"
	"testing"
	"time"

	"github.com/saperi/saperi"
)

func TestWithdrawnConnectionReopensNeed(t *testing.T) {
	p := newPair(t)
	ctx := context.Background()
	m, err := p.propose(t, p.need, p.offer)
	if err != nil {
		t.Fatal(err)
	}
	p.apply(t, m.ID, saperi.Accept, saperi.NeedSide)
	p.apply(t, m.ID, saperi.Accept, saperi.OfferSide)
	if got, _ := p.db.Posting(ctx, p.need.ID); got.Status != saperi.Matched {
		t.Fatalf("need after connection = %s", got.Status)
	}
	p.apply(t, m.ID, saperi.Withdraw, "")
	got, err := p.db.Posting(ctx, p.need.ID)
	if err != nil || got.Status != saperi.Open {
		t.Fatalf("need after withdrawal = %v (%v), want open", got.Status, err)
	}
}

func TestWithdrawKeepsNeedMatchedByAnotherConnection(t *testing.T) {
	p := newPair(t)
	ctx := context.Background()
	m1, err := p.propose(t, p.need, p.offer)
	if err != nil {
		t.Fatal(err)
	}
	m2, err := p.propose(t, p.need, p.offer2)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []uint64{m1.ID, m2.ID} {
		p.apply(t, id, saperi.Accept, saperi.NeedSide)
		p.apply(t, id, saperi.Accept, saperi.OfferSide)
	}
	p.apply(t, m1.ID, saperi.Withdraw, "")
	if got, _ := p.db.Posting(ctx, p.need.ID); got.Status != saperi.Matched {
		t.Fatalf("need = %s, want still matched through match %d", got.Status, m2.ID)
	}
}

func TestCreateMatchRechecksStatus(t *testing.T) {
	p := newPair(t)
	ctx := context.Background()
	m, err := saperi.NewMatch(p.need, p.offer, saperi.Scored{Score: 0.5}, saperi.ByOperator, "op1", t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	// The offer closes between the caller's check and the write.
	if _, err := p.db.UpdatePosting(ctx, p.offer.ID, func(o *saperi.Posting) error {
		return o.Apply(saperi.Close, t0.Add(time.Hour))
	}, saperi.Event{At: t0, Actor: "op1"}); err != nil {
		t.Fatal(err)
	}
	err = p.db.CreateMatch(ctx, m, saperi.Event{At: t0, Actor: "op1"})
	wantCode(t, err, saperi.ECONFLICT)
	if n, _ := p.db.MatchesOf(ctx, p.need.ID); len(n) != 0 {
		t.Fatalf("refused match was stored: %v", n)
	}
}

func TestProfileMoveReachesInheritedFields(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	h1, h2 := mustHub(t, db, "Portineria Aurora"), mustHub(t, db, "Portineria San Salvario")
	prof := mustProfile(t, db, h1.ID, "Maria Rossi")
	inherited := mustPosting(t, db, prof, saperi.Need, "Cerco aiuto con i compiti")
	own := newPosting(prof, saperi.Offer, "Lezioni di cucito")
	own.Area = "Crocetta"
	if err := db.CreatePosting(ctx, own, saperi.Event{At: t0, Actor: "op1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdateProfile(ctx, prof.ID, func(p *saperi.Profile) error {
		p.HubID, p.Area = h2.ID, "San Salvario"
		p.Updated = t0.Add(time.Hour)
		return nil
	}, saperi.Event{At: t0, Actor: "op1"}); err != nil {
		t.Fatal(err)
	}
	a, _ := db.Posting(ctx, inherited.ID)
	b, _ := db.Posting(ctx, own.ID)
	if a.HubID != h2.ID || a.Area != "San Salvario" {
		t.Fatalf("inherited posting = hub %d area %q", a.HubID, a.Area)
	}
	if b.HubID != h2.ID || b.Area != "Crocetta" {
		t.Fatalf("posting with its own area = hub %d area %q, want hub %d and its own area", b.HubID, b.Area, h2.ID)
	}
	list, err := db.ListPostings(ctx, saperi.PostingFilter{HubID: h2.ID})
	if err != nil || len(list) != 2 {
		t.Fatalf("hub listing after the move = %d (%v)", len(list), err)
	}
}

func TestHubNeighborsMustExist(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	h := &saperi.Hub{Name: "Portineria Barriera", Neighbors: []uint64{42}}
	wantCode(t, db.CreateHub(ctx, h), saperi.EINVALID)
	if hubs, _ := db.Hubs(ctx); len(hubs) != 0 {
		t.Fatalf("refused hub stored: %v", hubs)
	}
	first := mustHub(t, db, "Portineria Aurora")
	ok := &saperi.Hub{Name: "Portineria Barriera", Neighbors: []uint64{first.ID}}
	if err := db.CreateHub(ctx, ok); err != nil {
		t.Fatal(err)
	}
}

func TestListByStatusAsOfNow(t *testing.T) {
	p := newPair(t)
	ctx := context.Background()
	later := p.need.Expires.Add(time.Hour)
	open, err := p.db.ListPostings(ctx, saperi.PostingFilter{Status: saperi.Open, Now: later})
	if err != nil || len(open) != 0 {
		t.Fatalf("open after expiry = %d (%v)", len(open), err)
	}
	exp, err := p.db.ListPostings(ctx, saperi.PostingFilter{Status: saperi.Expired, Now: later})
	if err != nil || len(exp) != 3 {
		t.Fatalf("expired after expiry = %d (%v), want 3", len(exp), err)
	}
}

func TestImportProfilesAllOrNothing(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	h := mustHub(t, db, "Portineria Aurora")
	good := []*saperi.Profile{newProfile(h.ID, "Maria Rossi"), newProfile(h.ID, "Ahmed Benali")}
	if err := db.ImportProfiles(ctx, good, saperi.Event{At: t0, Actor: "import"}); err != nil {
		t.Fatal(err)
	}
	if good[0].ID == 0 || good[1].ID == good[0].ID {
		t.Fatalf("ids = %d, %d", good[0].ID, good[1].ID)
	}
	bad := []*saperi.Profile{newProfile(h.ID, "Giulia Verdi"), newProfile(999, "Nessuna Portineria")}
	wantCode(t, db.ImportProfiles(ctx, bad, saperi.Event{At: t0, Actor: "import"}), saperi.EINVALID)
	if bad[0].ID != 0 {
		t.Fatal("ids kept after a failed import")
	}
	list, err := db.Profiles(ctx, 0, 0, 100)
	if err != nil || len(list) != 2 {
		t.Fatalf("profiles after the failed import = %d (%v), want 2", len(list), err)
	}
	evs, _ := db.Events(ctx, good[1].ID, 0, 10)
	if len(evs) != 1 || evs[0].Action != "profile.import" {
		t.Fatalf("audit of an imported profile = %+v", evs)
	}
}
