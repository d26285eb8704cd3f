package web

import (
	"context"

	"github.com/gin-gonic/gin"
	"github.com/saperi/saperi/matcher"
)

// shares maps each hub to the hubs allowed to see its postings
// (matcher.SharedWith), for building posting and match resources.
type shares map[uint64][]uint64

func (s *Server) shares(ctx context.Context) (shares, error) {
	hubs, err := s.Store.Hubs(ctx)
	if err != nil {
		return nil, err
	}
	out := make(shares, len(hubs))
	for _, h := range hubs {
		out[h.ID] = matcher.SharedWith(h)
	}
	return out, nil
}

func (sh shares) posting(p *matcher.Posting) matcher.Resource {
	return matcher.PostingResource(p, sh[p.HubID])
}

// matchResource describes m with the hubs of its two postings. A posting
// that no longer exists (an erased account) leaves its hub unknown (0).
func (s *Server) matchResource(ctx context.Context, m *matcher.Match, sh shares) (matcher.Resource, error) {
	r := matcher.Resource{Kind: matcher.ResMatch, NeedProfileID: m.NeedProfileID, OfferProfileID: m.OfferProfileID,
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
func sideOf(p matcher.Principal, m *matcher.Match) matcher.Side {
	switch {
	case p.ProfileID == 0:
		return ""
	case p.ProfileID == m.NeedProfileID:
		return matcher.NeedSide
	case p.ProfileID == m.OfferProfileID:
		return matcher.OfferSide
	}
	return ""
}

// can is matcher.Can for the caller, without writing an answer.
func can(c *gin.Context, v matcher.Verb, r matcher.Resource) bool {
	return matcher.Can(principal(c), v, r)
}
