package service

import (
	"context"
	"strings"

	"github.com/saperi/saperi"
)

// CreateHub creates a hub (admins). Its point is made approximate.
func (s *Service) CreateHub(ctx context.Context, h *saperi.Hub) error {
	if err := Admin(ctx); err != nil {
		return err
	}
	h.Name, h.Area, h.Created = strings.TrimSpace(h.Name), strings.TrimSpace(h.Area), s.Now()
	if h.Neighbors == nil {
		h.Neighbors = []uint64{}
	}
	if h.Point != nil {
		pt := h.Point.Approx()
		h.Point = &pt
	}
	return s.store.CreateHub(ctx, h)
}

// UpdateHub changes hub id with change (admins).
func (s *Service) UpdateHub(ctx context.Context, id uint64, change func(*saperi.Hub) error) (*saperi.Hub, error) {
	if err := Admin(ctx); err != nil {
		return nil, err
	}
	return s.store.UpdateHub(ctx, id, change)
}

// CreateCategory adds a category to the taxonomy (admins).
func (s *Service) CreateCategory(ctx context.Context, c saperi.Category) error {
	if err := Admin(ctx); err != nil {
		return err
	}
	return s.store.CreateCategory(ctx, c)
}

// RenameCategory renames category id in both languages (admins).
func (s *Service) RenameCategory(ctx context.Context, id, name, en string) (saperi.Category, error) {
	if err := Admin(ctx); err != nil {
		return saperi.Category{}, err
	}
	return s.store.RenameCategory(ctx, id, name, en)
}

// Desk returns hub id for the caller who works its desk: its operators
// and admins.
func (s *Service) Desk(ctx context.Context, id uint64) (*saperi.Hub, error) {
	pr := saperi.PrincipalFrom(ctx)
	if id == 0 || !saperi.Can(pr, saperi.List, saperi.Resource{Kind: saperi.ResProfile, HubID: id}) {
		return nil, Denied(pr)
	}
	return s.store.Hub(ctx, id)
}

// Queue lists hub's open needs for its desk: nobody working on them
// first, then the oldest; f narrows by category, area and urgency.
func (s *Service) Queue(ctx context.Context, hub uint64, f saperi.QueueFilter) ([]saperi.QueueItem, error) {
	if _, err := s.store.Hub(ctx, hub); err != nil {
		return nil, err
	}
	if err := allow(ctx, saperi.List, saperi.Resource{Kind: saperi.ResPosting, HubID: hub}); err != nil {
		return nil, err
	}
	needs, err := s.AllPostings(ctx, saperi.PostingFilter{HubID: hub, Kind: saperi.Need, Status: saperi.Open,
		Category: f.Category, Area: f.Area})
	if err != nil {
		return nil, err
	}
	ids := make([]uint64, len(needs))
	for i, p := range needs {
		ids[i] = p.ID
	}
	active, err := s.store.ActiveMatches(ctx, ids)
	if err != nil {
		return nil, err
	}
	return saperi.Queue(needs, active, f, s.Now()), nil
}

// Board is what a hub's printable noticeboard shows.
type Board struct {
	Hub           *saperi.Hub
	Offers, Needs []*saperi.Posting
}

// BoardSize is how many offers and needs a noticeboard prints: what fits
// on a page or two.
const BoardSize = 12

// Noticeboard gathers hub's newest open offers and needs for its
// operators to print and pin up. Only titles, categories and areas are
// meant for the board: a description (which may tell of someone's health
// or family) is kept only where an operator marked the posting for
// display (Posting.Display); the copies returned have it cleared
// otherwise.
func (s *Service) Noticeboard(ctx context.Context, hub uint64) (*Board, error) {
	h, err := s.store.Hub(ctx, hub)
	if err != nil {
		return nil, err
	}
	if err := allow(ctx, saperi.List, saperi.Resource{Kind: saperi.ResPosting, HubID: hub}); err != nil {
		return nil, err
	}
	now := s.Now()
	all, err := s.AllPostings(ctx, saperi.PostingFilter{HubID: hub, Status: saperi.Open, Now: now})
	if err != nil {
		return nil, err
	}
	b := &Board{Hub: h}
	for i := len(all) - 1; i >= 0; i-- { // newest first
		p := *all[i]
		if p.StatusAt(now) != saperi.Open {
			continue
		}
		if !p.Display {
			p.Description = ""
		}
		if p.Kind == saperi.Offer && len(b.Offers) < BoardSize {
			b.Offers = append(b.Offers, &p)
		} else if p.Kind == saperi.Need && len(b.Needs) < BoardSize {
			b.Needs = append(b.Needs, &p)
		}
	}
	return b, nil
}

// SetDisplay marks posting id for the noticeboard with its description
// (on) or back to its title and category only, by the desk of its hub.
func (s *Service) SetDisplay(ctx context.Context, id uint64, on bool) (*saperi.Posting, error) {
	if _, err := s.postingFor(ctx, id, saperi.ProposeMatch); err != nil {
		return nil, err
	}
	action := "posting.display"
	if !on {
		action = "posting.hide"
	}
	p, err := s.store.UpdatePosting(ctx, id, func(p *saperi.Posting) error {
		p.Display = on
		return nil
	}, s.event(ctx, action, 0))
	if err != nil {
		return nil, err
	}
	s.changed()
	return p, nil
}
