package service

import (
	"context"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/matcher"
)

// CreatePosting records p, an offer or a need, for its owner: the
// caller's own profile when p.ProfileID is 0, or (the desk) the person
// named. The posting inherits hub, area, point and languages from its
// owner, gets its defaults, and is validated against the categories.
func (s *Service) CreatePosting(ctx context.Context, p *saperi.Posting) error {
	if p.ProfileID == 0 {
		p.ProfileID = saperi.PrincipalFrom(ctx).ProfileID // residents and staff post for themselves
	}
	owner, err := s.postingOwner(ctx, p.ProfileID)
	if err != nil {
		return err
	}
	now := s.Now()
	p.Created, p.Updated = now, now
	p.Inherit(owner)
	p.Normalize(now)
	cats, err := s.store.Categories(ctx)
	if err != nil {
		return err
	}
	if err := p.Validate(cats, now); err != nil {
		return err
	}
	if err := s.store.CreatePosting(ctx, p, s.event(ctx, "posting.create", owner.ID)); err != nil {
		return err
	}
	s.changed()
	return nil
}

// PostingOwner returns the profile a new posting would belong to, when
// the caller may post for it: the form for a new posting asks first.
func (s *Service) PostingOwner(ctx context.Context, profileID uint64) (*saperi.Profile, error) {
	if profileID == 0 {
		profileID = saperi.PrincipalFrom(ctx).ProfileID
	}
	return s.postingOwner(ctx, profileID)
}

func (s *Service) postingOwner(ctx context.Context, id uint64) (*saperi.Profile, error) {
	if id == 0 {
		return nil, saperi.Invalid("profile_id", "error.posting.profile", "profile_id is required")
	}
	owner, err := s.store.Profile(ctx, id)
	if saperi.ErrorCode(err) == saperi.ENOTFOUND {
		return nil, &saperi.Error{Code: saperi.EINVALID, Field: "profile_id", Key: "error.unknown_profile",
			Message: "unknown profile", Args: map[string]any{"ID": id}}
	}
	if err != nil {
		return nil, err
	}
	if err := allow(ctx, saperi.Create, saperi.Resource{Kind: saperi.ResPosting, HubID: owner.HubID, ProfileID: owner.ID}); err != nil {
		return nil, err
	}
	return owner, nil
}

// Posting returns posting id if the caller may see it.
func (s *Service) Posting(ctx context.Context, id uint64) (*saperi.Posting, error) {
	return s.postingFor(ctx, id, saperi.View)
}

// EditablePosting returns posting id if the caller may change it.
func (s *Service) EditablePosting(ctx context.Context, id uint64) (*saperi.Posting, error) {
	return s.postingFor(ctx, id, saperi.Edit)
}

// postingFor loads posting id and checks that the caller may do v to it.
func (s *Service) postingFor(ctx context.Context, id uint64, v saperi.Verb) (*saperi.Posting, error) {
	p, err := s.store.Posting(ctx, id)
	if err != nil {
		return nil, err
	}
	sh, err := s.Shares(ctx)
	if err != nil {
		return nil, err
	}
	if err := allow(ctx, v, sh.Posting(p)); err != nil {
		return nil, err
	}
	return p, nil
}

// UpdatePosting changes posting id with change, in one transaction, and
// validates the result. Free text is tidied but no default is filled in:
// a change that empties a field fails rather than quietly gets a default.
func (s *Service) UpdatePosting(ctx context.Context, id uint64, change func(*saperi.Posting) error) (*saperi.Posting, error) {
	if _, err := s.EditablePosting(ctx, id); err != nil {
		return nil, err
	}
	cats, err := s.store.Categories(ctx)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	p, err := s.store.UpdatePosting(ctx, id, func(p *saperi.Posting) error {
		if err := change(p); err != nil {
			return err
		}
		p.Tidy()
		p.Updated = now
		return p.Validate(cats, now)
	}, s.event(ctx, "posting.update", 0))
	if err != nil {
		return nil, err
	}
	s.changed()
	return p, nil
}

// ChangeStatus pauses, resumes, closes or renews posting id.
func (s *Service) ChangeStatus(ctx context.Context, id uint64, t saperi.Transition) (*saperi.Posting, error) {
	switch t {
	case saperi.Pause, saperi.Resume, saperi.Close, saperi.Renew:
	default:
		return nil, saperi.Invalid("action", "ui.error.action", "unknown action")
	}
	if _, err := s.EditablePosting(ctx, id); err != nil {
		return nil, err
	}
	return s.transition(ctx, id, t, s.event(ctx, "posting."+string(t), 0))
}

// RenewByLink renews posting id for the person who followed the signed
// link in their mail: the link's signature is the authority, and the
// audit trail names "link" as the actor.
func (s *Service) RenewByLink(ctx context.Context, id uint64) (*saperi.Posting, error) {
	return s.transition(ctx, id, saperi.Renew, saperi.Event{At: s.Now(), Actor: "link", Action: "link." + saperi.LinkRenew})
}

func (s *Service) transition(ctx context.Context, id uint64, t saperi.Transition, ev saperi.Event) (*saperi.Posting, error) {
	now := s.Now()
	p, err := s.store.UpdatePosting(ctx, id, func(p *saperi.Posting) error {
		return p.Apply(t, now)
	}, ev)
	if err != nil {
		return nil, err
	}
	s.changed()
	return p, nil
}

// Postings lists postings by f, narrowed to what the caller may list: an
// operator's own hub, a resident's own postings, anything for admins.
func (s *Service) Postings(ctx context.Context, f saperi.PostingFilter) ([]*saperi.Posting, error) {
	pr := saperi.PrincipalFrom(ctx)
	if f.HubID == 0 && f.ProfileID == 0 {
		switch pr.Role {
		case saperi.RoleOperator:
			f.HubID = pr.HubID
		case saperi.RoleResident, saperi.RoleStaff:
			f.ProfileID = pr.ProfileID
		}
	}
	if f.HubID == 0 && f.ProfileID == 0 {
		if err := Admin(ctx); err != nil {
			return nil, err
		}
	}
	if f.HubID != 0 {
		if err := allow(ctx, saperi.List, saperi.Resource{Kind: saperi.ResPosting, HubID: f.HubID}); err != nil {
			return nil, err
		}
	}
	if f.ProfileID != 0 {
		owner, err := s.store.Profile(ctx, f.ProfileID)
		if err != nil {
			return nil, err
		}
		if err := allow(ctx, saperi.List, saperi.Resource{Kind: saperi.ResPosting, HubID: owner.HubID, ProfileID: owner.ID}); err != nil {
			return nil, err
		}
	}
	return s.store.ListPostings(ctx, f)
}

// AllPostings is Postings over every page of the listing.
func (s *Service) AllPostings(ctx context.Context, f saperi.PostingFilter) ([]*saperi.Posting, error) {
	var out []*saperi.Posting
	f.Limit = 500
	for {
		page, err := s.Postings(ctx, f)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if len(page) < f.Limit {
			return out, nil
		}
		f.After = page[len(page)-1].ID
	}
}

// CandidateQuery asks for the candidates of one posting.
type CandidateQuery struct {
	Limit int
	// SkipActive leaves out counterparts already in an active match with
	// the posting (the desk proposes each pair once).
	SkipActive bool
}

// Candidates ranks the postings that could answer posting id, for the
// desk that may propose for it; candidates the caller may not see
// (another hub that does not share) are left out.
func (s *Service) Candidates(ctx context.Context, id uint64, q CandidateQuery) ([]matcher.Ranked, error) {
	if _, err := s.postingFor(ctx, id, saperi.ProposeMatch); err != nil {
		return nil, err
	}
	// Ask for more than the limit: some are dropped below.
	ranked, err := s.engine.Candidates(ctx, id, min(3*q.Limit, 150), s.Now())
	if err != nil {
		return nil, err
	}
	sh, err := s.Shares(ctx)
	if err != nil {
		return nil, err
	}
	skip := map[uint64]bool{}
	if q.SkipActive {
		ms, err := s.store.MatchesOf(ctx, id)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			if m.State.Active() {
				skip[m.NeedID], skip[m.OfferID] = true, true
			}
		}
	}
	out := make([]matcher.Ranked, 0, q.Limit)
	for _, r := range ranked {
		if len(out) < q.Limit && !skip[r.Posting.ID] && Can(ctx, saperi.View, sh.Posting(r.Posting)) {
			out = append(out, r)
		}
	}
	return out, nil
}

// Search is the search box, for desks and coordinators (residents see
// proposals, not everybody's postings): plain words, best first, only
// what the caller may see. total counts every hit before that filter.
func (s *Service) Search(ctx context.Context, q string, f saperi.SearchFilter) (ps []*saperi.Posting, total uint64, err error) {
	if pr := saperi.PrincipalFrom(ctx); pr.Role != saperi.RoleOperator && pr.Role != saperi.RoleAdmin {
		return nil, 0, Denied(pr)
	}
	// Only the hubs the caller may see are searched, so that the total
	// counts nothing hidden from them; the check below stays for each item.
	hubs, err := s.store.Hubs(ctx)
	if err != nil {
		return nil, 0, err
	}
	f.HubIDs = saperi.VisibleHubs(saperi.PrincipalFrom(ctx), hubs)
	hits, total, err := s.index.Search(ctx, q, f)
	if err != nil {
		return nil, 0, err
	}
	ids := make([]uint64, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	posts, err := s.store.Postings(ctx, ids)
	if err != nil {
		return nil, 0, err
	}
	sh, err := s.Shares(ctx)
	if err != nil {
		return nil, 0, err
	}
	ps = make([]*saperi.Posting, 0, len(posts))
	for _, p := range posts {
		if Can(ctx, saperi.View, sh.Posting(p)) {
			ps = append(ps, p)
		}
	}
	return ps, total, nil
}

// ProposalCount is how many of ranked (best first, already limited to
// what the caller may see, as Candidates returns them) the engine
// proposes: the leading ones at or above its threshold, at most
// matcher.MaxProposals. The desk lists those under "Proponi" and folds
// the rest away as less suitable.
func (s *Service) ProposalCount(ranked []matcher.Ranked) int {
	if s.engine == nil {
		return len(matcher.Proposals(ranked, 0, matcher.MaxProposals))
	}
	return len(s.engine.Proposals(ranked))
}

// Threshold is the score from which the engine proposes.
func (s *Service) Threshold() float64 {
	if s.engine == nil || !(s.engine.Threshold > 0) {
		return matcher.DefaultThreshold
	}
	return s.engine.Threshold
}
