package service

import (
	"context"
	"strconv"
	"strings"

	"github.com/saperi/saperi"
)

// Actor kinds: who an audit entry or a match history names, as a person
// reads it.
const (
	ActorEngine = "engine" // the weekly assignment
	ActorLink   = "link"   // the person, through a signed link in a mail
	ActorSignup = "signup" // the person, signing up online
	ActorUser   = "user"   // an account: Name and Role
	ActorToken  = "token"  // an integration's API token: Name
	ActorSystem = "system" // Saperi itself (demo data, maintenance)
)

// Actor is the reader's view of an actor string such as "operator/5".
type Actor struct {
	Kind string
	Name string
	Role saperi.Role
	// HubID is an operator's hub.
	HubID uint64
}

// Actors returns a function naming the actors of audit entries and match
// histories, reading each account or token at most once. Names are
// given only of accounts the caller may know: staff of Saperi (operators,
// admins, tokens) and the caller themselves; residents of other desks
// stay "a person".
func (s *Service) Actors(ctx context.Context) func(actor string) Actor {
	cache := map[string]Actor{}
	var tokens map[uint64]string
	pr := saperi.PrincipalFrom(ctx)
	return func(actor string) Actor {
		if a, ok := cache[actor]; ok {
			return a
		}
		a := Actor{Kind: ActorSystem}
		kind, num, _ := strings.Cut(actor, "/")
		id, _ := strconv.ParseUint(num, 10, 64)
		switch {
		case actor == saperi.ByEngine:
			a.Kind = ActorEngine
		case actor == "link":
			a.Kind = ActorLink
		case actor == "signup":
			a.Kind = ActorSignup
		case kind == "token" && id != 0:
			if tokens == nil {
				tokens = map[uint64]string{}
				if list, err := s.store.Tokens(ctx); err == nil {
					for _, t := range list {
						tokens[t.ID] = t.Name
					}
				}
			}
			a = Actor{Kind: ActorToken, Name: tokens[id]}
		case saperi.Role(kind).Valid() && id != 0:
			a = Actor{Kind: ActorUser, Role: saperi.Role(kind)}
			if u, err := s.store.User(ctx, id); err == nil {
				a.HubID = u.HubID
				if u.Role == saperi.RoleOperator || u.Role == saperi.RoleAdmin || u.ID == pr.UserID ||
					s.canSeeProfile(ctx, u.ProfileID) {
					a.Name = u.Name
				}
			}
		}
		cache[actor] = a
		return a
	}
}

// canSeeProfile reports whether the caller may see profile id.
func (s *Service) canSeeProfile(ctx context.Context, id uint64) bool {
	if id == 0 {
		return false
	}
	p, err := s.store.Profile(ctx, id)
	return err == nil && Can(ctx, saperi.View, saperi.ProfileResource(p))
}

// HubNames maps every hub's id to its name, for pages that name a hub.
func (s *Service) HubNames(ctx context.Context) (map[uint64]string, error) {
	hubs, err := s.store.Hubs(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[uint64]string, len(hubs))
	for _, h := range hubs {
		out[h.ID] = h.Name
	}
	return out, nil
}

// PersonName returns the name of profile id when the caller may see it,
// "" otherwise (a person of another desk stays anonymous).
func (s *Service) PersonName(ctx context.Context, id uint64) string {
	if id == 0 {
		return ""
	}
	p, err := s.store.Profile(ctx, id)
	if err != nil || !Can(ctx, saperi.View, saperi.ProfileResource(p)) {
		return ""
	}
	return p.Name
}
