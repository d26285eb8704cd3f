package service

import (
	"context"
	"time"

	"github.com/saperi/saperi"
)

// PersonData is everything Saperi holds about one profile.
type PersonData struct {
	Exported time.Time
	Profile  *saperi.Profile
	Accounts []*saperi.User
	Postings []*saperi.Posting
	Matches  []*saperi.Match
	Events   []saperi.Event
}

// ExportPerson gathers profile id's data, for the person or their desk
// ("export all my data").
func (s *Service) ExportPerson(ctx context.Context, id uint64) (*PersonData, error) {
	p, err := s.Person(ctx, id)
	if err != nil {
		return nil, err
	}
	out := &PersonData{Exported: s.Now(), Profile: p}
	if out.Accounts, err = s.store.ProfileUsers(ctx, p.ID); err != nil {
		return nil, err
	}
	if out.Postings, err = s.AllPostings(ctx, saperi.PostingFilter{ProfileID: p.ID}); err != nil {
		return nil, err
	}
	if out.Matches, err = s.MatchesOfProfile(ctx, p.ID); err != nil {
		return nil, err
	}
	out.Events, err = s.allEvents(ctx, p.ID)
	return out, err
}

// Erase erases profile id on the person's request ("erase my account"):
// gone from the store and the index, matches anonymised, the audit trail
// kept without personal details.
func (s *Service) Erase(ctx context.Context, id uint64) (saperi.Erasure, error) {
	if _, err := s.Person(ctx, id); err != nil {
		return saperi.Erasure{}, err
	}
	n, err := s.store.EraseProfile(ctx, id, s.event(ctx, "profile.erase", 0))
	if err != nil {
		return n, err
	}
	s.changed()
	if s.erased != nil {
		s.erased(ctx, n)
	}
	return n, nil
}

// Events lists the audit trail: of profile id (the caller's own when 0
// and they have one), or everybody's for admins.
func (s *Service) Events(ctx context.Context, profileID, after uint64, limit int) ([]saperi.Event, error) {
	if pr := saperi.PrincipalFrom(ctx); profileID == 0 && pr.ProfileID != 0 {
		profileID = pr.ProfileID
	}
	if profileID == 0 {
		if err := Admin(ctx); err != nil {
			return nil, err
		}
	} else {
		p, err := s.store.Profile(ctx, profileID)
		if err != nil {
			return nil, err
		}
		if err := allow(ctx, saperi.View, saperi.Resource{Kind: saperi.ResEvents, HubID: p.HubID, ProfileID: p.ID}); err != nil {
			return nil, err
		}
	}
	return s.store.Events(ctx, profileID, after, limit)
}

// Trail is the whole audit trail of profile id, oldest first.
func (s *Service) Trail(ctx context.Context, id uint64) ([]saperi.Event, error) {
	if id == 0 {
		return nil, saperi.NotFound("profile", 0)
	}
	if _, err := s.Events(ctx, id, 0, 1); err != nil {
		return nil, err
	}
	return s.allEvents(ctx, id)
}

func (s *Service) allEvents(ctx context.Context, profileID uint64) ([]saperi.Event, error) {
	out := []saperi.Event{}
	for after := uint64(0); ; {
		page, err := s.store.Events(ctx, profileID, after, 500)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if len(page) < 500 {
			return out, nil
		}
		after = page[len(page)-1].ID
	}
}
