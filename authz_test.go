package saperi_test

import (
	"slices"
	"testing"
	"time"

	"github.com/saperi/saperi"
)

func TestCan(t *testing.T) {
	resident := saperi.Principal{UserID: 1, Role: saperi.RoleResident, ProfileID: 10}
	op1 := saperi.Principal{UserID: 2, Role: saperi.RoleOperator, HubID: 1}
	op2 := saperi.Principal{UserID: 3, Role: saperi.RoleOperator, HubID: 2}
	admin := saperi.Principal{UserID: 4, Role: saperi.RoleAdmin}
	match := saperi.Resource{Kind: saperi.ResMatch, NeedProfileID: 10, OfferProfileID: 20, NeedHubID: 1, OfferHubID: 2}
	withSide := func(r saperi.Resource, s saperi.Side, connected bool) saperi.Resource {
		r.Side, r.Connected = s, connected
		return r
	}
	for _, tc := range []struct {
		name string
		p    saperi.Principal
		v    saperi.Verb
		r    saperi.Resource
		want bool
	}{
		{"anonymous sees no hub", saperi.Principal{}, saperi.View, saperi.Resource{Kind: saperi.ResHub}, false},
		{"resident sees hubs", resident, saperi.View, saperi.Resource{Kind: saperi.ResHub}, true},
		{"resident edits own profile", resident, saperi.Edit, saperi.Resource{Kind: saperi.ResProfile, HubID: 1, ProfileID: 10}, true},
		{"resident cannot edit another", resident, saperi.Edit, saperi.Resource{Kind: saperi.ResProfile, HubID: 1, ProfileID: 11}, false},
		{"operator edits own hub's person", op1, saperi.Edit, saperi.Resource{Kind: saperi.ResProfile, HubID: 1, ProfileID: 11}, true},
		{"operator cannot edit other hub's person", op2, saperi.Edit, saperi.Resource{Kind: saperi.ResProfile, HubID: 1, ProfileID: 11}, false},
		{"shared posting visible to neighbour", op2, saperi.View, saperi.Resource{Kind: saperi.ResPosting, HubID: 1, SharedWith: []uint64{2}}, true},
		{"shared posting not editable by neighbour", op2, saperi.Edit, saperi.Resource{Kind: saperi.ResPosting, HubID: 1, SharedWith: []uint64{2}}, false},
		{"unshared posting hidden", op2, saperi.View, saperi.Resource{Kind: saperi.ResPosting, HubID: 1}, false},
		{"need side answers for itself", resident, saperi.Answer, withSide(match, saperi.NeedSide, false), true},
		{"need side cannot answer for offer", resident, saperi.Answer, withSide(match, saperi.OfferSide, false), false},
		{"offer desk answers for offer", op2, saperi.Answer, withSide(match, saperi.OfferSide, false), true},
		{"counterpart contacts hidden before connected", resident, saperi.SeeContacts, withSide(match, saperi.OfferSide, false), false},
		{"counterpart contacts shown once connected", resident, saperi.SeeContacts, withSide(match, saperi.OfferSide, true), true},
		{"other desk's person hidden before connected", op1, saperi.SeeContacts, withSide(match, saperi.OfferSide, false), false},
		{"propose across hubs needs sharing", op1, saperi.ProposeMatch, match, false},
		{"propose across sharing hubs", op1, saperi.ProposeMatch, func() saperi.Resource { r := match; r.OfferShared = []uint64{1}; return r }(), true},
		{"resident cannot manage", resident, saperi.Manage, saperi.Resource{Kind: saperi.ResAdmin}, false},
		{"admin manages", admin, saperi.Manage, saperi.Resource{Kind: saperi.ResAdmin}, true},
		{"operator without hub sees nothing", saperi.Principal{UserID: 9, Role: saperi.RoleOperator}, saperi.View, saperi.Resource{Kind: saperi.ResProfile}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := saperi.Can(tc.p, tc.v, tc.r); got != tc.want {
				t.Fatalf("Can = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestUserValidate(t *testing.T) {
	ok := saperi.User{Email: "anna@example.org", Name: "Anna", Role: saperi.RoleOperator, HubID: 1, PasswordHash: "x"}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, field string
		mut         func(*saperi.User)
	}{
		{"bad email", "email", func(u *saperi.User) { u.Email = "anna" }},
		{"upper-case email", "email", func(u *saperi.User) { u.Email = "Anna@example.org" }},
		{"unknown role", "role", func(u *saperi.User) { u.Role = "boss" }},
		{"operator without hub", "hub_id", func(u *saperi.User) { u.HubID = 0 }},
		{"resident without profile", "profile_id", func(u *saperi.User) { u.Role = saperi.RoleResident }},
		{"no password", "password", func(u *saperi.User) { u.PasswordHash = "" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := ok
			tc.mut(&u)
			if e := saperi.AsError(u.Validate()); e == nil || e.Field != tc.field {
				t.Fatalf("Validate = %v, want an error on %s", e, tc.field)
			}
		})
	}
	if saperi.CheckPassword("corta") == nil || saperi.CheckPassword("abbastanza lunga") != nil {
		t.Fatal("CheckPassword")
	}
}

func TestAttempts(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	var a saperi.Attempts
	for i := 0; i < saperi.MaxFailuresPerEmail; i++ {
		a = a.Add(t0.Add(time.Duration(i) * time.Minute))
	}
	if blocked, _ := a.Blocked(saperi.MaxFailuresPerEmail, t0.Add(5*time.Minute)); !blocked {
		t.Fatal("five failures in five minutes should block")
	}
	if blocked, _ := a.Blocked(saperi.MaxFailuresPerEmail, t0.Add(saperi.LoginWindow)); blocked {
		t.Fatal("the block ends with the window")
	}
	if a = a.Add(t0.Add(saperi.LoginWindow)); a.Count != 1 {
		t.Fatalf("a failure after the window starts a new one: %+v", a)
	}
}

func TestVisibleHubs(t *testing.T) {
	hubs := []*saperi.Hub{
		{ID: 1, Neighbors: []uint64{3}, ShareWithNeighbors: true},
		{ID: 2},
		{ID: 3, Neighbors: []uint64{1}, ShareWithNeighbors: true},
		{ID: 4, Neighbors: []uint64{1}}, // a neighbour that does not share
	}
	for _, tc := range []struct {
		name string
		p    saperi.Principal
		want []uint64
	}{
		{"admin: every hub", saperi.Principal{Role: saperi.RoleAdmin}, nil},
		{"operator of 1: its own and 3, which shares with it", saperi.Principal{Role: saperi.RoleOperator, HubID: 1}, []uint64{1, 3}},
		{"operator of 2: its own", saperi.Principal{Role: saperi.RoleOperator, HubID: 2}, []uint64{2}},
		{"operator of 4: 1 does not list it", saperi.Principal{Role: saperi.RoleOperator, HubID: 4}, []uint64{4}},
		{"resident: none", saperi.Principal{Role: saperi.RoleResident, ProfileID: 5}, []uint64{}},
		{"anonymous: none", saperi.Principal{}, []uint64{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := saperi.VisibleHubs(tc.p, hubs)
			if (got == nil) != (tc.want == nil) || !slices.Equal(got, tc.want) {
				t.Fatalf("VisibleHubs = %v, want %v", got, tc.want)
			}
			// The same answer as Can, posting by posting.
			for _, h := range hubs {
				r := saperi.PostingResource(&saperi.Posting{HubID: h.ID, ProfileID: 99}, saperi.SharedWith(h))
				if can, in := saperi.Can(tc.p, saperi.View, r), got == nil || slices.Contains(got, h.ID); can != in && !tc.p.Anonymous() {
					t.Errorf("hub %d: Can says %v, VisibleHubs says %v", h.ID, can, in)
				}
			}
		})
	}
}
