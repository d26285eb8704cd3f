package service

import (
	"context"
	"fmt"
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

// SignupOpen reports whether people can sign up by themselves: only when
// mail can be sent (the SignupMail hooks), since an address is confirmed
// by mail before it gets an account.
func (s *Service) SignupOpen() bool { return s.signupConfirm != nil && s.signupTaken != nil }

// SignUp takes a sign-up form. Its answer does not depend on whether the
// address has an account, so that the form cannot tell anybody who has
// one: the errors it returns are about the other fields (password,
// name, hub, phone, a malformed address), checked first, and store
// failures before the address is looked up; anything after that is
// logged, and the answer is nil either way.
//
// For an address with no account it stores a pending sign-up (the
// profile with the consent the person ticked, recorded with its version
// and time; the password hash; the role: a resident's, or a staff account
// for an organisation), audited as "signup.request", and asks the
// SignupConfirm hook to mail the address a link that creates the account
// (ConfirmSignup). For an address that has an account it creates nothing,
// audits "user.signup_attempt" on the account's profile and asks the
// SignupTaken hook to mail the account "somebody tried to sign up with
// this address". Both paths hash the password and write twice, so that
// they also take about as long.
func (s *Service) SignUp(ctx context.Context, in Signup) error {
	if !s.SignupOpen() {
		return saperi.Errorf(saperi.EFORBIDDEN, "error.signup.unavailable", "this server sends no mail: sign up at a hub's desk")
	}
	if err := saperi.CheckPassword(in.Password); err != nil {
		return err
	}
	now := s.Now()
	p := in.Profile
	p.ID = 0
	p.Contacts.Email = saperi.NormalizeEmail(p.Contacts.Email)
	p.Consent = saperi.Consent{Text: in.ConsentText, Version: in.ConsentVersion, At: now, By: saperi.ConsentSelf}
	p.Created, p.Updated = now, now
	if p.Contacts.Email == "" {
		return saperi.Invalid("email", "error.required", "email is required")
	}
	if err := s.placeIn(ctx, &p, true); err != nil {
		return err
	}
	p.Normalize()
	if err := p.Validate(); err != nil {
		return err
	}
	hash, err := auth.HashPassword(in.Password)
	if err != nil {
		return err
	}
	u, err := s.store.UserByEmail(ctx, p.Contacts.Email)
	if err != nil && saperi.ErrorCode(err) != saperi.ENOTFOUND {
		return err
	}
	if u != nil {
		err = s.store.AddEvent(ctx, saperi.Event{At: now, Actor: saperi.PrincipalFrom(ctx).Actor(),
			Action: "user.signup_attempt", Subject: fmt.Sprintf("user/%d", u.ID), OnBehalfOf: u.ProfileID})
		if err == nil {
			err = s.signupTaken(ctx, u)
		}
	} else {
		role := saperi.RoleResident
		if p.Kind == saperi.Organisation {
			role = saperi.RoleStaff
		}
		pending := &saperi.PendingSignup{Email: p.Contacts.Email, Nonce: auth.NewSecret(""), Profile: p, Role: role,
			PasswordHash: hash, Created: now, Expires: now.Add(saperi.SignupTTL)}
		err = s.store.CreateSignup(ctx, pending, saperi.Event{At: now, Actor: saperi.PrincipalFrom(ctx).Actor(),
			Action: "signup.request"})
		if err == nil {
			err = s.signupConfirm(ctx, pending)
		}
	}
	if err != nil {
		s.log.ErrorContext(ctx, "sign-up mail", "err", err)
	}
	return nil
}

// PendingSignup returns the pending sign-up that subject, from a verified
// confirmation link, names, while it can still be confirmed. One that
// was confirmed, replaced or erased is ECONFLICT ("error.signup.used"),
// one past its time ECONFLICT ("error.signup.expired").
func (s *Service) PendingSignup(ctx context.Context, subject string) (*saperi.PendingSignup, error) {
	id, nonce, err := saperi.SignupID(subject)
	if err != nil {
		return nil, err
	}
	p, err := s.store.Signup(ctx, id)
	if saperi.ErrorCode(err) == saperi.ENOTFOUND {
		return nil, saperi.SignupUsed()
	}
	if err != nil {
		return nil, err
	}
	if err := s.checkSignup(p, nonce); err != nil {
		return nil, err
	}
	return p, nil
}

func (s *Service) checkSignup(p *saperi.PendingSignup, nonce string) error {
	if err := saperi.CheckSignup(p, nonce); err != nil {
		return err
	}
	if p.Expired(s.Now()) {
		return saperi.SignupExpired()
	}
	return nil
}

// ConfirmSignup creates the profile and the account of the pending
// sign-up that subject (from a verified confirmation link) names, in one
// store transaction that deletes the pending record: a link works once.
// The audit trail gets "profile.create" and "user.create" by "signup"
// (the person, signing up) and "user.signup_confirm" by "link" (the
// person, from the link in the mail). The caller logs the person in.
func (s *Service) ConfirmSignup(ctx context.Context, subject string) (*saperi.User, error) {
	id, nonce, err := saperi.SignupID(subject)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	u, err := s.store.ConfirmSignup(ctx, id, func(p *saperi.PendingSignup) error { return s.checkSignup(p, nonce) },
		saperi.Event{At: now, Actor: "signup"}, saperi.Event{At: now, Actor: "link", Action: "user.signup_confirm"})
	if err != nil {
		return nil, err
	}
	s.changed()
	return u, nil
}
