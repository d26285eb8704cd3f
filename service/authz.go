package service

import (
	"context"

	"github.com/saperi/saperi"
)

// Denied is the error for a refused action: EUNAUTHORIZED when nobody is
// logged in, EFORBIDDEN otherwise.
func Denied(p saperi.Principal) error {
	if p.Anonymous() {
		return saperi.Errorf(saperi.EUNAUTHORIZED, "error.auth.required", "log in first, or send an API token")
	}
	return saperi.Errorf(saperi.EFORBIDDEN, "error.forbidden", "your account may not do this")
}

// Can reports whether the caller in ctx may do v to r.
func Can(ctx context.Context, v saperi.Verb, r saperi.Resource) bool {
	return saperi.Can(saperi.PrincipalFrom(ctx), v, r)
}

// allow is Can as an error: nil when the caller may, Denied otherwise.
func allow(ctx context.Context, v saperi.Verb, r saperi.Resource) error {
	p := saperi.PrincipalFrom(ctx)
	if saperi.Can(p, v, r) {
		return nil
	}
	return Denied(p)
}

// Admin returns nil when the caller is an administrator.
func Admin(ctx context.Context) error {
	return allow(ctx, saperi.Manage, saperi.Resource{Kind: saperi.ResAdmin})
}

// Shares maps each hub to the hubs allowed to see its postings
// (saperi.SharedWith), for building posting and match resources.
type Shares map[uint64][]uint64

// Shares reads which hubs share their postings with which.
func (s *Service) Shares(ctx context.Context) (Shares, error) {
	hubs, err := s.store.Hubs(ctx)
	if err != nil {
		return nil, err
	}
	out := make(Shares, len(hubs))
	for _, h := range hubs {
		out[h.ID] = saperi.SharedWith(h)
	}
	return out, nil
}

// Posting describes p for saperi.Can.
func (sh Shares) Posting(p *saperi.Posting) saperi.Resource {
	return saperi.PostingResource(p, sh[p.HubID])
}

// matchResource describes m with the hubs of its two postings. A posting
// that no longer exists (an erased account) leaves its hub unknown (0).
func (s *Service) matchResource(ctx context.Context, m *saperi.Match, sh Shares) (saperi.Resource, error) {
	r := saperi.Resource{Kind: saperi.ResMatch, NeedProfileID: m.NeedProfileID, OfferProfileID: m.OfferProfileID,
		Connected: m.Disclosed()}
	ps, err := s.store.Postings(ctx, []uint64{m.NeedID, m.OfferID})
	if err != nil {
		return r, err
	}
	for _, p := range ps {
		switch p.ID {
		case m.NeedID:
			r.NeedHubID, r.NeedShared = p.HubID, sh[p.HubID]
		case m.OfferID:
			r.OfferHubID, r.OfferShared = p.HubID, sh[p.HubID]
		}
	}
	return r, nil
}

// pairResource describes a match not yet made between need and offer.
func pairResource(need, offer *saperi.Posting, sh Shares) saperi.Resource {
	return saperi.Resource{Kind: saperi.ResMatch, NeedProfileID: need.ProfileID, OfferProfileID: offer.ProfileID,
		NeedHubID: need.HubID, OfferHubID: offer.HubID, NeedShared: sh[need.HubID], OfferShared: sh[offer.HubID]}
}

// SideOf returns the side of m the caller's own profile is on, "" when
// none (operators and admins name the side they answer for).
func SideOf(p saperi.Principal, m *saperi.Match) saperi.Side {
	switch {
	case p.ProfileID == 0:
		return ""
	case p.ProfileID == m.NeedProfileID:
		return saperi.NeedSide
	case p.ProfileID == m.OfferProfileID:
		return saperi.OfferSide
	}
	return ""
}
