package store

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/saperi/saperi"
)

func TestProfileCreate(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	h := mustHub(t, db, "Portineria Aurora")

	p := newProfile(h.ID, "Maria Rossi")
	if err := db.CreateProfile(ctx, p, saperi.Event{At: t0, Actor: "op1"}); err != nil {
		t.Fatal(err)
	}
	if p.ID == 0 {
		t.Fatal("no id assigned")
	}
	got, err := db.Profile(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, p) {
		t.Errorf("Profile = %+v\nwant %+v", got, p)
	}
	evs, err := db.Events(ctx, p.ID, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := saperi.Event{ID: evs[0].ID, At: t0, Actor: "op1", OnBehalfOf: p.ID, Action: "profile.create", Subject: "profile/1"}
	if len(evs) != 1 || evs[0] != want {
		t.Errorf("events = %+v, want [%+v]", evs, want)
	}

	_, err = db.Profile(ctx, 99)
	wantCode(t, err, saperi.ENOTFOUND)
}

func TestProfileCreateInvalid(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	h := mustHub(t, db, "Portineria Aurora")
	tests := []struct {
		name  string
		edit  func(*saperi.Profile)
		field string
	}{
		{"unknown hub", func(p *saperi.Profile) { p.HubID = 42 }, "hub_id"},
		{"no hub", func(p *saperi.Profile) { p.HubID = 0 }, "hub_id"},
		{"short name", func(p *saperi.Profile) { p.Name = "M" }, "name"},
		{"no consent", func(p *saperi.Profile) { p.Consent.Text = "" }, "consent.text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := countAll(t, db)
			p := newProfile(h.ID, "Maria Rossi")
			tt.edit(p)
			err := db.CreateProfile(ctx, p, saperi.Event{At: t0})
			wantCode(t, err, saperi.EINVALID)
			if e := saperi.AsError(err); e.Field != tt.field {
				t.Errorf("field = %q, want %q", e.Field, tt.field)
			}
			if p.ID != 0 {
				t.Errorf("rejected profile kept id %d", p.ID)
			}
			if ps, _ := db.Profiles(ctx, 0, 0, 0); len(ps) != 0 {
				t.Errorf("rejected profile stored: %v", ps)
			}
			if after := countAll(t, db); after != before {
				t.Errorf("counts %+v after a rejected profile, want %+v", after, before)
			}
		})
	}
}

func TestProfileUpdate(t *testing.T) {
	ctx := context.Background()
	errStop := errors.New("stop")
	tests := []struct {
		name    string
		fn      func(*saperi.Profile) error
		code    string // "" when the update succeeds
		enqueue bool   // whether the profile's postings go to the outbox
	}{
		{"story", func(p *saperi.Profile) error { p.Story = "Ho insegnato per trent'anni."; return nil }, "", false},
		{"area", func(p *saperi.Profile) error { p.Area = "Vanchiglia"; return nil }, "", true},
		{"point", func(p *saperi.Profile) error { p.Point.Lat = 45.07; return nil }, "", true},
		{"drop point", func(p *saperi.Profile) error { p.Point = nil; return nil }, "", true},
		{"language in place", func(p *saperi.Profile) error { p.Languages[0] = "fr"; return nil }, "", true},
		{"fn error", func(p *saperi.Profile) error { p.Area = "Vanchiglia"; return errStop }, "internal", false},
		{"invalid", func(p *saperi.Profile) error { p.Name = ""; return nil }, saperi.EINVALID, false},
		{"id", func(p *saperi.Profile) error { p.ID++; return nil }, saperi.EINVALID, false},
		{"unknown hub", func(p *saperi.Profile) error { p.HubID = 42; return nil }, saperi.EINVALID, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := open(t)
			h := mustHub(t, db, "Portineria Aurora")
			p := mustProfile(t, db, h.ID, "Maria Rossi")
			mustPosting(t, db, p, saperi.Offer, "Ripetizioni di matematica")
			mustPosting(t, db, p, saperi.Need, "Aiuto con lo SPID")
			other := mustProfile(t, db, h.ID, "Giorgio Bianchi")
			mustPosting(t, db, other, saperi.Offer, "Giardinaggio")
			before := countAll(t, db)

			got, err := db.UpdateProfile(ctx, p.ID, tt.fn, saperi.Event{At: t0, Actor: "op1"})
			after := countAll(t, db)
			stored, _ := db.Profile(ctx, p.ID)
			if tt.code != "" {
				wantCode(t, err, tt.code)
				if (err == errStop) != (tt.name == "fn error") {
					t.Errorf("error %v: want fn's own error back, unwrapped, exactly when fn failed", err)
				}
				if got != nil {
					t.Errorf("failed update returned %+v", got)
				}
				if !reflect.DeepEqual(stored, p) {
					t.Errorf("failed update changed the record to %+v", stored)
				}
				if after != before {
					t.Errorf("counts %+v after a failed update, want %+v", after, before)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(stored, got) {
				t.Errorf("stored %+v, returned %+v", stored, got)
			}
			want := before
			want.events++
			if tt.enqueue {
				want.pending += 2
			}
			if after != want {
				t.Errorf("counts %+v, want %+v", after, want)
			}
			evs, _ := db.Events(ctx, p.ID, 0, 0)
			if last := evs[len(evs)-1]; last.Action != "profile.update" || last.OnBehalfOf != p.ID {
				t.Errorf("last event %+v, want a profile.update on behalf of %d", last, p.ID)
			}
		})
	}

	t.Run("not found", func(t *testing.T) {
		db := open(t)
		_, err := db.UpdateProfile(ctx, 7, func(*saperi.Profile) error { return nil }, saperi.Event{})
		wantCode(t, err, saperi.ENOTFOUND)
	})
}

func TestProfileChangeHubEnqueuesPostings(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	a := mustHub(t, db, "Portineria Aurora")
	b := mustHub(t, db, "Portineria Barriera")
	p := mustProfile(t, db, a.ID, "Maria Rossi")
	post := mustPosting(t, db, p, saperi.Offer, "Ripetizioni di matematica")
	old, _ := db.Changes(ctx, 0)
	if err := db.DoneChanges(ctx, old); err != nil {
		t.Fatal(err)
	}

	if _, err := db.UpdateProfile(ctx, p.ID, func(p *saperi.Profile) error { p.HubID = b.ID; return nil }, saperi.Event{}); err != nil {
		t.Fatal(err)
	}
	cs, _ := db.Changes(ctx, 0)
	if len(cs) != 1 || cs[0].PostingID != post.ID {
		t.Errorf("changes = %+v, want one for posting %d", cs, post.ID)
	}
	inA, _ := db.Profiles(ctx, a.ID, 0, 0)
	inB, _ := db.Profiles(ctx, b.ID, 0, 0)
	if len(inA) != 0 || len(inB) != 1 || inB[0].ID != p.ID {
		t.Errorf("hub %d lists %d profiles, hub %d lists %v; want the profile moved", a.ID, len(inA), b.ID, inB)
	}
}

func TestProfiles(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	a := mustHub(t, db, "Portineria Aurora")
	b := mustHub(t, db, "Portineria Barriera")
	var inA, all []uint64
	for i, name := range []string{"Anna", "Bruno", "Carla", "Dario", "Elena"} {
		hub := a.ID
		if i%2 == 1 {
			hub = b.ID
		}
		p := mustProfile(t, db, hub, name)
		all = append(all, p.ID)
		if hub == a.ID {
			inA = append(inA, p.ID)
		}
	}
	ids := func(ps []*saperi.Profile) []uint64 {
		out := []uint64{}
		for _, p := range ps {
			out = append(out, p.ID)
		}
		return out
	}
	tests := []struct {
		name       string
		hub, after uint64
		limit      int
		want       []uint64
	}{
		{"all", 0, 0, 0, all},
		{"first page", 0, 0, 2, all[:2]},
		{"second page", 0, all[1], 2, all[2:4]},
		{"last page", 0, all[3], 2, all[4:]},
		{"hub", a.ID, 0, 0, inA},
		{"hub after", a.ID, inA[0], 1, inA[1:2]},
		{"unknown hub", 99, 0, 0, []uint64{}},
		{"past the end", 0, all[4], 0, []uint64{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps, err := db.Profiles(ctx, tt.hub, tt.after, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(ps); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ids = %v, want %v", got, tt.want)
			}
		})
	}
}
