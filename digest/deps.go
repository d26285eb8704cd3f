package digest

import (
	"context"
	"time"

	"github.com/saperi/saperi/matcher"
)

// Store is what digests read and record (store.DB implements it).
type Store interface {
	matcher.Source
	Hubs(ctx context.Context) ([]*matcher.Hub, error)
	Profile(ctx context.Context, id uint64) (*matcher.Profile, error)
	Profiles(ctx context.Context, hubID, after uint64, limit int) ([]*matcher.Profile, error)
	User(ctx context.Context, id uint64) (*matcher.User, error)
	ScanPostings(ctx context.Context, batch int, fn func([]*matcher.Posting) error) error
	ScanMatches(ctx context.Context, batch int, fn func([]*matcher.Match) error) error
	Match(ctx context.Context, id uint64) (*matcher.Match, error)
	MatchesOf(ctx context.Context, postingID uint64) ([]*matcher.Match, error)
	CreateMatch(ctx context.Context, m *matcher.Match, ev matcher.Event) error
	// CreateMatches creates many, skipping (with their error) those
	// CreateMatch would refuse as conflicting, invalid or gone.
	CreateMatches(ctx context.Context, ms []*matcher.Match, evs []matcher.Event) ([]error, error)
	Unsubscribed(ctx context.Context) (map[string]bool, error)
	IsUnsubscribed(ctx context.Context, email string) (bool, error)
	PlanSends(ctx context.Context, recs []matcher.Send) (int, error)
	UpdateSend(ctx context.Context, key string, fn func(*matcher.Send) error) (*matcher.Send, error)
	Send(ctx context.Context, key string) (*matcher.Send, error)
	Sends(ctx context.Context, prefix string) ([]matcher.Send, error)
	LinkSecret(ctx context.Context) ([]byte, error)
}

// Translator gives the texts of the mails in a language; web.Catalog
// implements it, so mails and pages share one set of catalogs.
type Translator interface {
	// Translate returns key's text in lang with args filled in.
	Translate(lang, key string, args map[string]any) string
	// Languages lists the languages the catalogs have, the default first.
	Languages() []string
}

// Clock is the time source; tests fix it.
type Clock func() time.Time

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
