package digest

import (
	"context"
	"time"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/matcher"
)

// Store is what digests read and record (store.DB implements it).
type Store interface {
	matcher.Source
	Hubs(ctx context.Context) ([]*saperi.Hub, error)
	Profile(ctx context.Context, id uint64) (*saperi.Profile, error)
	Profiles(ctx context.Context, hubID, after uint64, limit int) ([]*saperi.Profile, error)
	User(ctx context.Context, id uint64) (*saperi.User, error)
	ScanPostings(ctx context.Context, batch int, fn func([]*saperi.Posting) error) error
	ScanMatches(ctx context.Context, batch int, fn func([]*saperi.Match) error) error
	Match(ctx context.Context, id uint64) (*saperi.Match, error)
	MatchesOf(ctx context.Context, postingID uint64) ([]*saperi.Match, error)
	CreateMatch(ctx context.Context, m *saperi.Match, ev saperi.Event) error
	// CreateMatches creates many, skipping (with their error) those
	// CreateMatch would refuse as conflicting, invalid or gone.
	CreateMatches(ctx context.Context, ms []*saperi.Match, evs []saperi.Event) ([]error, error)
	Unsubscribed(ctx context.Context) (map[string]bool, error)
	IsUnsubscribed(ctx context.Context, email string) (bool, error)
	PlanSends(ctx context.Context, recs []saperi.Send) (int, error)
	UpdateSend(ctx context.Context, key string, fn func(*saperi.Send) error) (*saperi.Send, error)
	Send(ctx context.Context, key string) (*saperi.Send, error)
	Sends(ctx context.Context, prefix string) ([]saperi.Send, error)
	LinkSecret(ctx context.Context) ([]byte, error)
	Signup(ctx context.Context, id uint64) (*saperi.PendingSignup, error)
}

// Translator gives the texts of the mails in a language; locale.Catalog
// implements it, so mails and pages share one set of catalogs.
type Translator interface {
	// Translate returns key's text in lang with args filled in.
	Translate(lang, key string, args map[string]any) string
	// Languages lists the languages the catalogs have, the default first.
	Languages() []string
}

// Clock is the time source; tests fix it.
type Clock func() time.Time

// choice lists a person's languages for langFor: the one they chose to be
// written in (at sign-up, on /me, or by an operator), then those they speak.
func choice(p *saperi.Profile) []string {
	return append([]string{p.Lang}, p.Languages...)
}

// langFor is a person's language: the first of theirs the catalogs have,
// else the default.
func langFor(t Translator, spoken []string) string {
	have := t.Languages()
	for _, l := range spoken {
		for _, h := range have {
			if l == h {
				return l
			}
		}
	}
	return have[0]
}
