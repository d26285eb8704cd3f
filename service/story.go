package service

import (
	"context"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/matcher"
)

// From a story to offers (the Portale dei Saperi's racconti): a person,
// or the operator with them, writes a few lines of their life; Saperi
// suggests offers from the concepts it finds there, each to confirm or
// drop. Confirmed suggestions are posted through the posting path
// (validated, stored with an audit event on the person's behalf,
// indexed).

// SuggestOffers reads the concepts of a story and suggests offers; none
// when the engine knows no concepts. Nothing is written.
func (s *Service) SuggestOffers(text string) []matcher.StorySuggestion {
	if s.engine == nil || s.engine.Lexicon == nil {
		return []matcher.StorySuggestion{}
	}
	found := s.engine.Lexicon.Concepts(&saperi.Posting{Kind: saperi.Offer, Description: text})
	out := matcher.SuggestOffers(text, found, 0)
	if out == nil {
		out = []matcher.StorySuggestion{}
	}
	return out
}

// StoryOffer is a confirmed suggestion: the offer to post (title,
// description, category) and the concept it was suggested from.
type StoryOffer struct {
	Posting *saperi.Posting
	Concept string
}

// StoryOfferError says which of the confirmed offers is invalid (Index
// into the offers given to PostStory); nothing was posted.
type StoryOfferError struct {
	Index int
	Err   error
}

func (e *StoryOfferError) Error() string { return e.Err.Error() }
func (e *StoryOfferError) Unwrap() error { return e.Err }

// PostStory posts offers as offers of profile ownerID, each audited (on
// the person's behalf when an operator confirms, the detail naming the
// concept), once all are valid; and keeps story in the profile when it
// is not empty and differs from the one kept.
func (s *Service) PostStory(ctx context.Context, ownerID uint64, offers []StoryOffer, story string) error {
	owner, err := s.postingOwner(ctx, ownerID)
	if err != nil {
		return err
	}
	cats, err := s.store.Categories(ctx)
	if err != nil {
		return err
	}
	now := s.Now()
	for i, o := range offers {
		p := o.Posting
		p.Kind, p.ProfileID = saperi.Offer, owner.ID
		p.Created, p.Updated = now, now
		p.Inherit(owner)
		p.Normalize(now)
		if err := p.Validate(cats, now); err != nil {
			return &StoryOfferError{Index: i, Err: err}
		}
	}
	for _, o := range offers {
		ev := s.event(ctx, "posting.create", owner.ID)
		ev.Detail = "story"
		if o.Concept != "" {
			ev.Detail = "story: " + o.Concept
		}
		if err := s.store.CreatePosting(ctx, o.Posting, ev); err != nil {
			return err
		}
	}
	if len(offers) > 0 {
		s.changed()
	}
	if story != "" && story != owner.Story {
		if _, err := s.store.UpdateProfile(ctx, owner.ID, func(p *saperi.Profile) error {
			p.Story = story
			p.Updated = now
			return nil
		}, s.event(ctx, "profile.story", owner.ID)); err != nil {
			return err
		}
	}
	return nil
}
