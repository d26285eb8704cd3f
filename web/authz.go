package web

import (
	"context"

	"github.com/gin-gonic/gin"
	"github.com/saperi/saperi"
)

// shares maps each hub to the hubs allowed to see its postings
// (saperi.SharedWith), for building posting and match resources.
type shares map[uint64][]uint64

func (s *Server) shares(ctx context.Context) (shares, error) {
	hubs, err := s.Store.Hubs(ctx)
	if err != nil {
		return nil, err
	}
	out := make(shares, len(hubs))
	for _, h := range hubs {
		out[h.ID] = saperi.SharedWith(h)
	}
	return out, nil
}

func (sh shares) posting(p *saperi.Posting) saperi.Resource {
	return saperi.PostingResource(p, sh[p.HubID])
}

// matchResource describes m with the hubs of its two postings. A posting
// that no longer exists (an erased account) leaves its hub unknown (0).
func (s *Server) matchResource(ctx context.Context, m *saperi.Match, sh shares) (saperi.Resource, error) {
	r := saperi.Resource{Kind: saperi.ResMatch, NeedProfileID: m.NeedProfileID, OfferProfileID: m.OfferProfileID,
		Connected: m.Disclosed()}
	ps, err := s.Store.Postings(ctx, []uint64{m.NeedID, m.OfferID})
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

// sideOf returns the side of m the caller's own profile is on, "" when
// none (operators and admins name the side they answer for).
func sideOf(p saperi.Principal, m *saperi.Match) saperi.Side {
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

// can is saperi.Can for the caller, without writing an answer.
func can(c *gin.Context, v saperi.Verb, r saperi.Resource) bool {
	return saperi.Can(principal(c), v, r)
}
