package service

import (
	"context"
	"strings"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/auth"
)

// CreateUser creates an account with password (admins).
func (s *Service) CreateUser(ctx context.Context, u *saperi.User, password string) error {
	if err := Admin(ctx); err != nil {
		return err
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	u.Email, u.Name = saperi.NormalizeEmail(u.Email), strings.TrimSpace(u.Name)
	u.PasswordHash, u.Created = hash, s.Now()
	return s.store.CreateUser(ctx, u, s.event(ctx, "user.create", u.ProfileID))
}

// Users lists the accounts with role, every account when role is ""
// (admins).
func (s *Service) Users(ctx context.Context, role saperi.Role) ([]*saperi.User, error) {
	if err := Admin(ctx); err != nil {
		return nil, err
	}
	return s.store.Users(ctx, role)
}

// CreateToken issues an API token for an integration (admins) and
// returns its secret, shown once.
func (s *Service) CreateToken(ctx context.Context, t *saperi.APIToken) (string, error) {
	if err := Admin(ctx); err != nil {
		return "", err
	}
	t.Name = strings.TrimSpace(t.Name)
	t.CreatedBy, t.Created = saperi.PrincipalFrom(ctx).Actor(), s.Now()
	return auth.IssueToken(ctx, s.store, t, s.event(ctx, "token.create", 0))
}

// Tokens lists the API tokens (admins).
func (s *Service) Tokens(ctx context.Context) ([]*saperi.APIToken, error) {
	if err := Admin(ctx); err != nil {
		return nil, err
	}
	return s.store.Tokens(ctx)
}

// RevokeToken revokes API token id (admins).
func (s *Service) RevokeToken(ctx context.Context, id uint64) (*saperi.APIToken, error) {
	if err := Admin(ctx); err != nil {
		return nil, err
	}
	return s.store.RevokeToken(ctx, id, s.Now(), s.event(ctx, "token.revoke", 0))
}

// Signup is a person signing up by themselves.
type Signup struct {
	Profile  saperi.Profile // kind, name, hub, area, languages, language, contacts
	Password string
	// ConsentText and ConsentVersion are what the person ticked.
	ConsentText, ConsentVersion string
}

// SignUp creates a profile (with the consent the person ticked, recorded
// with its version and time) and its account: a resident's, or a staff
// account for an organisation. The caller logs the person in.
func (s *Service) SignUp(ctx context.Context, in Signup) (*saperi.User, error) {
	if err := saperi.CheckPassword(in.Password); err != nil {
		return nil, err
	}
	now := s.Now()
	p := in.Profile
	p.Contacts.Email = saperi.NormalizeEmail(p.Contacts.Email)
	p.Consent = saperi.Consent{Text: in.ConsentText, Version: in.ConsentVersion, At: now, By: saperi.ConsentSelf}
	p.Created, p.Updated = now, now
	if p.Contacts.Email == "" {
		return nil, saperi.Invalid("email", "error.required", "email is required")
	}
	if err := s.placeIn(ctx, &p, true); err != nil {
		return nil, err
	}
	p.Normalize()
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if _, err := s.store.UserByEmail(ctx, p.Contacts.Email); err == nil {
		return nil, saperi.Invalid("email", "error.user.email_taken", "an account with this email exists")
	}
	hash, err := auth.HashPassword(in.Password)
	if err != nil {
		return nil, err
	}
	if err := s.store.CreateProfile(ctx, &p, saperi.Event{At: now, Actor: "signup", Action: "profile.create"}); err != nil {
		return nil, err
	}
	s.changed()
	role := saperi.RoleResident
	if p.Kind == saperi.Organisation {
		role = saperi.RoleStaff
	}
	u := &saperi.User{Email: p.Contacts.Email, Name: p.Name, Role: role, ProfileID: p.ID, Lang: p.Lang,
		PasswordHash: hash, Created: now}
	if err := s.store.CreateUser(ctx, u, saperi.Event{At: now, Actor: "signup", OnBehalfOf: p.ID}); err != nil {
		return nil, err
	}
	return u, nil
}
