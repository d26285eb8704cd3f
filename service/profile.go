package service

import (
	"context"
	"strings"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/locale"
)

// CreateProfile registers p in its hub (the desk or a coordinator). When
// consent was read out at the desk, who recorded it is the caller, not
// whatever the request said.
func (s *Service) CreateProfile(ctx context.Context, p *saperi.Profile) error {
	if err := allow(ctx, saperi.Create, saperi.Resource{Kind: saperi.ResProfile, HubID: p.HubID}); err != nil {
		return err
	}
	now := s.Now()
	if p.Consent.By == saperi.ConsentOperator {
		p.Consent.RecordedBy = saperi.PrincipalFrom(ctx).Actor()
	}
	p.Consent.At, p.Created, p.Updated = now, now, now
	if err := s.placeIn(ctx, p, false); err != nil {
		return err
	}
	p.Normalize()
	if err := p.Validate(); err != nil {
		return err
	}
	if err := s.store.CreateProfile(ctx, p, s.event(ctx, "profile.create", 0)); err != nil {
		return err
	}
	s.changed()
	return nil
}

// placeIn checks p's area against its hub's list of areas, when the hub
// has one, and gives p the area's point when p has none (or, with
// hubPoint, the hub's when the area has none): an approximate point,
// never an address.
func (s *Service) placeIn(ctx context.Context, p *saperi.Profile, hubPoint bool) error {
	if p.HubID == 0 {
		return nil // Validate says what is missing
	}
	h, err := s.store.Hub(ctx, p.HubID)
	if saperi.ErrorCode(err) == saperi.ENOTFOUND {
		return nil // the store refuses an unknown hub with its own message
	}
	if err != nil {
		return err
	}
	area, point := PlaceIn(h, p.Area)
	if !hubPoint && point == h.Point {
		point = nil
	}
	if area == "" && strings.TrimSpace(p.Area) != "" {
		return &saperi.Error{Code: saperi.EINVALID, Field: "area", Key: "error.profile.area_unknown",
			Message: "choose the neighbourhood from the hub's list", Args: map[string]any{"Area": strings.TrimSpace(p.Area)}}
	}
	p.Area = area
	if p.Point == nil && point != nil {
		pt := *point
		p.Point = &pt
	}
	return nil
}

// PlaceIn resolves a typed neighbourhood against hub h: the hub's own
// spelling and point for a known area; "" when h lists areas and this is
// not one of them; the typed name and the hub's point when h lists none.
func PlaceIn(h *saperi.Hub, typed string) (area string, point *saperi.Point) {
	typed = strings.TrimSpace(typed)
	if len(h.Areas) == 0 {
		return typed, h.Point
	}
	if typed == "" {
		return "", h.Point
	}
	a, ok := h.FindArea(typed)
	if !ok {
		return "", nil
	}
	if a.Point == nil {
		return a.Name, h.Point
	}
	return a.Name, a.Point
}

// Profile returns profile id if the caller may see it, and whether they
// may also see its private contacts.
func (s *Service) Profile(ctx context.Context, id uint64) (*saperi.Profile, bool, error) {
	p, err := s.store.Profile(ctx, id)
	if err != nil {
		return nil, false, err
	}
	r := saperi.ProfileResource(p)
	if err := allow(ctx, saperi.View, r); err != nil {
		return nil, false, err
	}
	return p, Can(ctx, saperi.SeeContacts, r), nil
}

// Person returns profile id for the desk's work on it (its page, posting
// on its behalf, export, erasure): whoever may edit it.
func (s *Service) Person(ctx context.Context, id uint64) (*saperi.Profile, error) {
	p, err := s.store.Profile(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := allow(ctx, saperi.Edit, saperi.ProfileResource(p)); err != nil {
		return nil, err
	}
	return p, nil
}

// Profiles lists a hub's profiles: an operator's own hub when hub is 0,
// every hub for admins.
func (s *Service) Profiles(ctx context.Context, hub, after uint64, limit int) ([]*saperi.Profile, error) {
	if pr := saperi.PrincipalFrom(ctx); hub == 0 && pr.Role == saperi.RoleOperator {
		hub = pr.HubID
	}
	if hub == 0 {
		if err := Admin(ctx); err != nil {
			return nil, err
		}
	}
	if err := allow(ctx, saperi.List, saperi.Resource{Kind: saperi.ResProfile, HubID: hub}); err != nil {
		return nil, err
	}
	return s.store.Profiles(ctx, hub, after, limit)
}

// UpdateProfile changes profile id with change and validates the result.
// Moving a person to another hub is the coordinator's call.
func (s *Service) UpdateProfile(ctx context.Context, id uint64, change func(*saperi.Profile) error) (*saperi.Profile, error) {
	cur, err := s.Person(ctx, id)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	p, err := s.store.UpdateProfile(ctx, id, func(p *saperi.Profile) error {
		if err := change(p); err != nil {
			return err
		}
		if p.HubID != cur.HubID {
			if err := Admin(ctx); err != nil {
				return err
			}
		}
		p.Updated = now
		p.Normalize()
		return p.Validate()
	}, s.event(ctx, "profile.update", id))
	if err != nil {
		return nil, err
	}
	s.changed()
	return p, nil
}

// FindPeople finds the people of hub whose name or phone contains q (the
// desk's "find a person").
func (s *Service) FindPeople(ctx context.Context, hub uint64, q string) ([]*saperi.Profile, error) {
	q = strings.TrimSpace(q)
	fq, dq := saperi.FoldName(q), saperi.PhoneDigits(q)
	var out []*saperi.Profile
	err := s.eachProfile(ctx, hub, func(p *saperi.Profile) {
		if (fq != "" && strings.Contains(saperi.FoldName(p.Name), fq)) ||
			(len(dq) >= 3 && strings.Contains(saperi.PhoneDigits(p.Contacts.Phone), dq)) {
			out = append(out, p)
		}
	})
	return out, err
}

func (s *Service) eachProfile(ctx context.Context, hub uint64, fn func(*saperi.Profile)) error {
	for after := uint64(0); ; {
		page, err := s.Profiles(ctx, hub, after, 500)
		if err != nil {
			return err
		}
		for _, p := range page {
			fn(p)
		}
		if len(page) < 500 {
			return nil
		}
		after = page[len(page)-1].ID
	}
}

// WalkIn is a person registered at the desk: no email or phone needed;
// the consent read out is recorded with who recorded it and when.
type WalkIn struct {
	Name      string
	HubID     uint64
	Area      string
	Languages []string
	// Lang is the language Saperi writes to the person in.
	Lang        string
	Contacts    saperi.Contacts
	ConsentText string
	// ConsentVersion is the version of the text read out.
	ConsentVersion string
	// Confirmed registers the person even though likely duplicates were
	// shown: the operator checked that they are somebody else.
	Confirmed bool
}

// RegisterWalkIn registers w at the desk. Unless w.Confirmed, it first
// looks for the same person already registered (Duplicates); when it
// finds any it registers nobody and returns them, for the operator to
// open the existing profile or confirm.
func (s *Service) RegisterWalkIn(ctx context.Context, w WalkIn) (*saperi.Profile, []*saperi.Profile, error) {
	if err := allow(ctx, saperi.Create, saperi.Resource{Kind: saperi.ResProfile, HubID: w.HubID}); err != nil {
		return nil, nil, err
	}
	now := s.Now()
	p := &saperi.Profile{Kind: saperi.Resident, Name: strings.TrimSpace(w.Name), HubID: w.HubID, Area: w.Area,
		Languages: w.Languages, Lang: w.Lang, Contacts: w.Contacts,
		Consent: saperi.Consent{Text: strings.TrimSpace(w.ConsentText), Version: w.ConsentVersion, At: now,
			By: saperi.ConsentOperator, RecordedBy: saperi.PrincipalFrom(ctx).Actor()},
		Created: now, Updated: now}
	p.Contacts.Email = saperi.NormalizeEmail(p.Contacts.Email)
	if err := s.placeIn(ctx, p, true); err != nil {
		return nil, nil, err
	}
	p.Normalize()
	if err := p.Validate(); err != nil {
		return nil, nil, err
	}
	if !w.Confirmed {
		dups, err := s.Duplicates(ctx, p)
		if err != nil || len(dups) > 0 {
			return nil, dups, err
		}
	}
	if err := s.store.CreateProfile(ctx, p, s.event(ctx, "profile.create", 0)); err != nil {
		return nil, nil, err
	}
	s.changed()
	return p, nil, nil
}

// Duplicates returns the people of p's hub who are probably p registered
// before: the same phone number, or a similar name (SimilarNames).
func (s *Service) Duplicates(ctx context.Context, p *saperi.Profile) ([]*saperi.Profile, error) {
	phone := saperi.PhoneDigits(p.Contacts.Phone)
	var out []*saperi.Profile
	err := s.eachProfile(ctx, p.HubID, func(o *saperi.Profile) {
		if o.ID == p.ID {
			return
		}
		if (len(phone) >= 6 && saperi.PhoneDigits(o.Contacts.Phone) == phone) || saperi.SimilarNames(o.Name, p.Name) {
			out = append(out, o)
		}
	})
	return out, err
}

// SetLanguage sets the language Saperi writes to profile id in (pages,
// digests, mails), on the profile and on its accounts: by the person, or
// by their desk as the person asks.
func (s *Service) SetLanguage(ctx context.Context, id uint64, lang string) error {
	if !locale.Supported(lang) {
		return saperi.Invalid("lang", "error.languages", "choose one of the languages Saperi is written in")
	}
	if _, err := s.Person(ctx, id); err != nil {
		return err
	}
	onBehalf := id
	if saperi.PrincipalFrom(ctx).ProfileID == id {
		onBehalf = 0
	}
	if _, err := s.store.UpdateProfile(ctx, id, func(p *saperi.Profile) error {
		p.Lang = lang
		return nil
	}, s.event(ctx, "profile.lang", onBehalf)); err != nil {
		return err
	}
	s.changed()
	users, err := s.store.ProfileUsers(ctx, id)
	if err != nil {
		return err
	}
	for _, u := range users {
		if _, err := s.store.UpdateUser(ctx, u.ID, func(u *saperi.User) error {
			u.Lang = lang
			return nil
		}); err != nil {
			return err
		}
	}
	return nil
}
