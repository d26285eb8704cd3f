package matcher_test

import (
	"testing"
	"time"

	"github.com/saperi/saperi/matcher"
)

func TestCan(t *testing.T) {
	resident := matcher.Principal{UserID: 1, Role: matcher.RoleResident, ProfileID: 10}
	op1 := matcher.Principal{UserID: 2, Role: matcher.RoleOperator, HubID: 1}
	op2 := matcher.Principal{UserID: 3, Role: matcher.RoleOperator, HubID: 2}
	admin := matcher.Principal{UserID: 4, Role: matcher.RoleAdmin}
	match := matcher.Resource{Kind: matcher.ResMatch, NeedProfileID: 10, OfferProfileID: 20, NeedHubID: 1, OfferHubID: 2}
	withSide := func(r matcher.Resource, s matcher.Side, connected bool) matcher.Resource {
		r.Side, r.Connected = s, connected
		return r
	}
	for _, tc := range []struct {
		name string
		p    matcher.Principal
		v    matcher.Verb
		r    matcher.Resource
		want bool
	}{
		{"anonymous sees no hub", matcher.Principal{}, matcher.View, matcher.Resource{Kind: matcher.ResHub}, false},
		{"resident sees hubs", resident, matcher.View, matcher.Resource{Kind: matcher.ResHub}, true},
		{"resident edits own profile", resident, matcher.Edit, matcher.Resource{Kind: matcher.ResProfile, HubID: 1, ProfileID: 10}, true},
		{"resident cannot edit another", resident, matcher.Edit, matcher.Resource{Kind: matcher.ResProfile, HubID: 1, ProfileID: 11}, false},
		{"operator edits own hub's person", op1, matcher.Edit, matcher.Resource{Kind: matcher.ResProfile, HubID: 1, ProfileID: 11}, true},
		{"operator cannot edit other hub's person", op2, matcher.Edit, matcher.Resource{Kind: matcher.ResProfile, HubID: 1, ProfileID: 11}, false},
		{"shared posting visible to neighbour", op2, matcher.View, matcher.Resource{Kind: matcher.ResPosting, HubID: 1, SharedWith: []uint64{2}}, true},
		{"shared posting not editable by neighbour", op2, matcher.Edit, matcher.Resource{Kind: matcher.ResPosting, HubID: 1, SharedWith: []uint64{2}}, false},
		{"unshared posting hidden", op2, matcher.View, matcher.Resource{Kind: matcher.ResPosting, HubID: 1}, false},
		{"need side answers for itself", resident, matcher.Answer, withSide(match, matcher.NeedSide, false), true},
		{"need side cannot answer for offer", resident, matcher.Answer, withSide(match, matcher.OfferSide, false), false},
		{"offer desk answers for offer", op2, matcher.Answer, withSide(match, matcher.OfferSide, false), true},
		{"counterpart contacts hidden before connected", resident, matcher.SeeContacts, withSide(match, matcher.OfferSide, false), false},
		{"counterpart contacts shown once connected", resident, matcher.SeeContacts, withSide(match, matcher.OfferSide, true), true},
		{"other desk's person hidden before connected", op1, matcher.SeeContacts, withSide(match, matcher.OfferSide, false), false},
		{"propose across hubs needs sharing", op1, matcher.ProposeMatch, match, false},
		{"propose across sharing hubs", op1, matcher.ProposeMatch, func() matcher.Resource { r := match; r.OfferShared = []uint64{1}; return r }(), true},
		{"resident cannot manage", resident, matcher.Manage, matcher.Resource{Kind: matcher.ResAdmin}, false},
		{"admin manages", admin, matcher.Manage, matcher.Resource{Kind: matcher.ResAdmin}, true},
		{"operator without hub sees nothing", matcher.Principal{UserID: 9, Role: matcher.RoleOperator}, matcher.View, matcher.Resource{Kind: matcher.ResProfile}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := matcher.Can(tc.p, tc.v, tc.r); got != tc.want {
				t.Fatalf("Can = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestUserValidate(t *testing.T) {
	ok := matcher.User{Email: "anna@example.org", Name: "Anna", Role: matcher.RoleOperator, HubID: 1, PasswordHash: "x"}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, field string
		mut         func(*matcher.User)
	}{
		{"bad email", "email", func(u *matcher.User) { u.Email = "anna" }},
		{"upper-case email", "email", func(u *matcher.User) { u.Email = "Anna@example.org" }},
		{"unknown role", "role", func(u *matcher.User) { u.Role = "boss" }},
		{"operator without hub", "hub_id", func(u *matcher.User) { u.HubID = 0 }},
		{"resident without profile", "profile_id", func(u *matcher.User) { u.Role = matcher.RoleResident }},
		{"no password", "password", func(u *matcher.User) { u.PasswordHash = "" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := ok
			tc.mut(&u)
			if e := matcher.AsError(u.Validate()); e == nil || e.Field != tc.field {
				t.Fatalf("Validate = %v, want an error on %s", e, tc.field)
			}
		})
	}
	if matcher.CheckPassword("corta") == nil || matcher.CheckPassword("abbastanza lunga") != nil {
		t.Fatal("CheckPassword")
	}
}

func TestAttempts(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	var a matcher.Attempts
	for i := 0; i < matcher.MaxFailuresPerEmail; i++ {
		a = a.Add(t0.Add(time.Duration(i) * time.Minute))
	}
	if blocked, _ := a.Blocked(matcher.MaxFailuresPerEmail, t0.Add(5*time.Minute)); !blocked {
		t.Fatal("five failures in five minutes should block")
	}
	if blocked, _ := a.Blocked(matcher.MaxFailuresPerEmail, t0.Add(matcher.LoginWindow)); blocked {
		t.Fatal("the block ends with the window")
	}
	if a = a.Add(t0.Add(matcher.LoginWindow)); a.Count != 1 {
		t.Fatalf("a failure after the window starts a new one: %+v", a)
	}
}
