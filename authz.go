package saperi

import (
	"fmt"
	"slices"
)

// Principal is who makes a request: a logged-in user or an API token.
// The zero Principal is anonymous.
type Principal struct {
	UserID    uint64
	TokenID   uint64
	Name      string
	Role      Role
	ProfileID uint64 // residents and staff: the profile they act for
	HubID     uint64 // operators: their hub
	Lang      string
}

// Anonymous reports whether nobody is logged in.
func (p Principal) Anonymous() bool { return p.Role == "" }

// Actor names the principal in the audit trail and in match histories:
// "operator/5" for user 5, "token/2" for API token 2.
func (p Principal) Actor() string {
	switch {
	case p.TokenID != 0:
		return fmt.Sprintf("token/%d", p.TokenID)
	case p.UserID != 0:
		return fmt.Sprintf("%s/%d", p.Role, p.UserID)
	}
	return "anonymous"
}

// Verb is what a principal wants to do to a resource.
type Verb string

// Verbs.
const (
	View   Verb = "view"   // read the object (without private contacts)
	List   Verb = "list"   // list the objects of a hub or a profile
	Create Verb = "create" // create the object (a profile in a hub, a posting for a profile)
	Edit   Verb = "edit"   // change it, pause/resume/close/renew, erase
	// SeeContacts reads private contacts: of a profile, or of one side of a
	// match (Resource.Side).
	SeeContacts Verb = "contacts"
	// ProposeMatch asks for candidates of a posting or proposes a match.
	ProposeMatch Verb = "propose"
	// Answer accepts or declines a match for one side (Resource.Side).
	Answer Verb = "answer"
	// Follow records notes, contact attempts and outcomes on a match,
	// withdraws or completes it: the desk's work.
	Follow Verb = "follow"
	// Manage is administration: hubs, categories, accounts, tokens,
	// backups, everybody's audit trail.
	Manage Verb = "manage"
)

// Resource kinds.
const (
	ResHub     = "hub"
	ResProfile = "profile"
	ResPosting = "posting"
	ResMatch   = "match"
	ResEvents  = "events" // the audit trail of one profile (ProfileID)
	ResAdmin   = "admin"
)

// Resource describes the object of a request with the facts Can needs.
// For a profile, a posting or events: HubID and ProfileID of the person
// concerned; SharedWith lists the hubs whose operators may also view a
// posting (the neighbours of a hub that shares). For a match: both sides'
// profiles and hubs, whether it is connected, and for Answer and Contacts
// the Side concerned.
type Resource struct {
	Kind       string
	HubID      uint64
	ProfileID  uint64
	SharedWith []uint64

	NeedProfileID, OfferProfileID uint64
	NeedHubID, OfferHubID         uint64
	// OfferShared and NeedShared: the hubs that may see each side's
	// posting besides its own (for proposals across hubs).
	NeedShared, OfferShared []uint64
	Connected               bool
	Side                    Side
}

// PostingResource describes posting p, shared with the given hubs.
func PostingResource(p *Posting, sharedWith []uint64) Resource {
	return Resource{Kind: ResPosting, HubID: p.HubID, ProfileID: p.ProfileID, SharedWith: sharedWith}
}

// ProfileResource describes profile p.
func ProfileResource(p *Profile) Resource {
	return Resource{Kind: ResProfile, HubID: p.HubID, ProfileID: p.ID}
}

// SharedWith returns the hubs whose operators may see h's postings: its
// neighbours when h shares with them, none otherwise.
func SharedWith(h *Hub) []uint64 {
	if h == nil || !h.ShareWithNeighbors {
		return nil
	}
	return slices.Clone(h.Neighbors)
}

// Can reports whether p may do v to r. It is the one place the
// authorization rules live; the web layer asks it before every action:
//
//   - admins (and admin tokens) may do everything;
//   - residents and staff act for their own profile: view and edit it and
//     its postings, see the matches it is a side of, answer for its side,
//     and see the other side's contacts only once the match is connected;
//   - operators act for the people of their hub: profiles, postings,
//     matches with a side in their hub, answering for that side; they see
//     other hubs' postings only where that hub shares with its neighbours
//     and theirs is one; the contacts of a person of another hub only once
//     the match is connected;
//   - anonymous callers may do nothing here (public routes do not ask).
func Can(p Principal, v Verb, r Resource) bool {
	if p.Anonymous() {
		return false
	}
	if p.Role == RoleAdmin {
		return true
	}
	self := p.Role == RoleResident || p.Role == RoleStaff
	op := p.Role == RoleOperator && p.HubID != 0
	mine := self && p.ProfileID != 0 && r.ProfileID == p.ProfileID
	ours := op && r.HubID == p.HubID
	switch r.Kind {
	case ResHub:
		return v == View
	case ResProfile:
		switch v {
		case View, Edit, SeeContacts:
			return mine || ours
		case Create, List:
			return ours
		}
	case ResPosting:
		switch v {
		case View:
			return mine || ours || (op && slices.Contains(r.SharedWith, p.HubID))
		case Create, Edit, List:
			return mine || ours
		case ProposeMatch:
			return ours
		}
	case ResMatch:
		return canMatch(p, v, r, self, op)
	case ResEvents:
		return v == View && (mine || ours)
	}
	return false
}

// VisibleHubs returns the hubs whose postings p may view (Can View of
// ResPosting, read from the hub side): nil for an admin (every hub); for
// an operator their own hub and every hub that shares its postings with
// it (a neighbour with ShareWithNeighbors); an empty list for anybody
// else, who sees postings only through their own profile and matches.
func VisibleHubs(p Principal, hubs []*Hub) []uint64 {
	switch {
	case p.Role == RoleAdmin:
		return nil
	case p.Role != RoleOperator || p.HubID == 0:
		return []uint64{}
	}
	out := []uint64{p.HubID}
	for _, h := range hubs {
		if h.ID != p.HubID && slices.Contains(SharedWith(h), p.HubID) {
			out = append(out, h.ID)
		}
	}
	return out
}

func canMatch(p Principal, v Verb, r Resource, self, op bool) bool {
	isNeed := self && p.ProfileID != 0 && r.NeedProfileID == p.ProfileID
	isOffer := self && p.ProfileID != 0 && r.OfferProfileID == p.ProfileID
	opNeed := op && r.NeedHubID == p.HubID
	opOffer := op && r.OfferHubID == p.HubID
	switch v {
	case View:
		return isNeed || isOffer || opNeed || opOffer
	case ProposeMatch:
		// The desk of one side proposes, when it may see the other side.
		return (opNeed && (opOffer || slices.Contains(r.OfferShared, p.HubID))) ||
			(opOffer && slices.Contains(r.NeedShared, p.HubID))
	case Follow:
		return opNeed || opOffer
	case Answer:
		switch r.Side {
		case NeedSide:
			return isNeed || opNeed
		case OfferSide:
			return isOffer || opOffer
		}
	case SeeContacts:
		// A side's own contacts: that side and its desk; the other side
		// and the other desk only once both accepted.
		switch r.Side {
		case NeedSide:
			return isNeed || opNeed || (r.Connected && (isOffer || opOffer))
		case OfferSide:
			return isOffer || opOffer || (r.Connected && (isNeed || opNeed))
		}
	}
	return false
}
