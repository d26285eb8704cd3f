package service

import (
	"context"
	"io"
	"log/slog"
	"time"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/matcher"
)

// PostingStore keeps postings (store.DB).
type PostingStore interface {
	Categories(ctx context.Context) ([]saperi.Category, error)
	CreatePosting(ctx context.Context, p *saperi.Posting, ev saperi.Event) error
	UpdatePosting(ctx context.Context, id uint64, fn func(*saperi.Posting) error, ev saperi.Event) (*saperi.Posting, error)
	Posting(ctx context.Context, id uint64) (*saperi.Posting, error)
	Postings(ctx context.Context, ids []uint64) ([]*saperi.Posting, error)
	ListPostings(ctx context.Context, f saperi.PostingFilter) ([]*saperi.Posting, error)
}

// ProfileStore keeps profiles and hubs (store.DB).
type ProfileStore interface {
	Hub(ctx context.Context, id uint64) (*saperi.Hub, error)
	Hubs(ctx context.Context) ([]*saperi.Hub, error)
	CreateProfile(ctx context.Context, p *saperi.Profile, ev saperi.Event) error
	UpdateProfile(ctx context.Context, id uint64, fn func(*saperi.Profile) error, ev saperi.Event) (*saperi.Profile, error)
	Profile(ctx context.Context, id uint64) (*saperi.Profile, error)
	Profiles(ctx context.Context, hubID, after uint64, limit int) ([]*saperi.Profile, error)
}

// MatchStore keeps matches (store.DB).
type MatchStore interface {
	CreateMatch(ctx context.Context, m *saperi.Match, ev saperi.Event) error
	UpdateMatch(ctx context.Context, id uint64, fn func(*saperi.Match) error, ev saperi.Event) (*saperi.Match, error)
	Match(ctx context.Context, id uint64) (*saperi.Match, error)
	MatchesOf(ctx context.Context, postingID uint64) ([]*saperi.Match, error)
	ActiveMatches(ctx context.Context, ids []uint64) (map[uint64]int, error)
}

// AccountStore keeps accounts, tokens, the audit trail and erasures
// (store.DB).
type AccountStore interface {
	CreateUser(ctx context.Context, u *saperi.User, ev saperi.Event) error
	User(ctx context.Context, id uint64) (*saperi.User, error)
	UpdateUser(ctx context.Context, id uint64, fn func(*saperi.User) error) (*saperi.User, error)
	UserByEmail(ctx context.Context, email string) (*saperi.User, error)
	Users(ctx context.Context, role saperi.Role) ([]*saperi.User, error)
	ProfileUsers(ctx context.Context, profileID uint64) ([]*saperi.User, error)
	CreateToken(ctx context.Context, t *saperi.APIToken, hash []byte, ev saperi.Event) error
	Tokens(ctx context.Context) ([]*saperi.APIToken, error)
	RevokeToken(ctx context.Context, id uint64, now time.Time, ev saperi.Event) (*saperi.APIToken, error)
	Events(ctx context.Context, profileID, after uint64, limit int) ([]saperi.Event, error)
	EraseProfile(ctx context.Context, id uint64, ev saperi.Event) (saperi.Erasure, error)
	AddEvent(ctx context.Context, ev saperi.Event) error
	CreateSignup(ctx context.Context, p *saperi.PendingSignup, ev saperi.Event) error
	Signup(ctx context.Context, id uint64) (*saperi.PendingSignup, error)
	ConfirmSignup(ctx context.Context, id uint64, check func(*saperi.PendingSignup) error, created, confirmed saperi.Event) (*saperi.User, error)
}

// AdminStore is what coordinators change: hubs and categories (store.DB).
type AdminStore interface {
	CreateHub(ctx context.Context, h *saperi.Hub) error
	UpdateHub(ctx context.Context, id uint64, fn func(*saperi.Hub) error) (*saperi.Hub, error)
	CreateCategory(ctx context.Context, c saperi.Category) error
	RenameCategory(ctx context.Context, id, name, en string) (saperi.Category, error)
}

// Store is everything the use cases read and write; store.DB satisfies it.
type Store interface {
	PostingStore
	ProfileStore
	MatchStore
	AccountStore
	AdminStore
}

// Index is the search side the use cases need (index.Index): plain-word
// search, and Notify, which wakes the indexer after a committed change to
// a posting or a profile (the outbox entry was written with the change).
type Index interface {
	Search(ctx context.Context, text string, f saperi.SearchFilter) ([]matcher.Hit, uint64, error)
	Notify()
}

// Deps are what a Service is built from; cmd wires the concrete types.
type Deps struct {
	Store  Store
	Index  Index
	Engine *matcher.Engine
	Now    func() time.Time
	Log    *slog.Logger
	// Connected, when set, is told of each match that just became
	// connected, after the change is committed (the "you are in touch"
	// mail). A failure is logged: the answer was recorded.
	Connected func(ctx context.Context, m *saperi.Match) error
	// Erased, when set, is told of each erasure after it is committed,
	// with what must be scrubbed outside the store (the outbox mails:
	// saperi.Erasure.MailKeys and Traces).
	Erased func(ctx context.Context, e saperi.Erasure)
	// SignupConfirm and SignupTaken, when both set, record a mail and
	// wake the sender (digest.Notifier): to the address of a pending
	// sign-up, with the link that confirms it; to an account whose
	// address somebody tried to sign up with. Without them people cannot
	// sign up by themselves (SignupOpen). A failure is logged: the form's
	// answer must not depend on the address.
	SignupConfirm func(ctx context.Context, p *saperi.PendingSignup) error
	SignupTaken   func(ctx context.Context, u *saperi.User) error
}

// Service is Saperi's use cases over a store, an index and the engine.
type Service struct {
	store     Store
	index     Index
	engine    *matcher.Engine
	now       func() time.Time
	log       *slog.Logger
	connected func(ctx context.Context, m *saperi.Match) error
	erased    func(ctx context.Context, e saperi.Erasure)

	signupConfirm func(ctx context.Context, p *saperi.PendingSignup) error
	signupTaken   func(ctx context.Context, u *saperi.User) error
}

// New returns the use cases over d.
func New(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Service{store: d.Store, index: d.Index, engine: d.Engine, now: d.Now, log: d.Log, connected: d.Connected, erased: d.Erased,
		signupConfirm: d.SignupConfirm, signupTaken: d.SignupTaken}
}

// Now is the service's clock, in UTC.
func (s *Service) Now() time.Time { return s.now().UTC() }

// event starts an audit entry for the caller in ctx; onBehalfOf names the
// person concerned when the caller acts for somebody (an operator at the
// desk), so that the person sees it in their own trail.
func (s *Service) event(ctx context.Context, action string, onBehalfOf uint64) saperi.Event {
	return saperi.Event{At: s.Now(), Actor: saperi.PrincipalFrom(ctx).Actor(), Action: action, OnBehalfOf: onBehalfOf}
}

// changed wakes the indexer after a committed change.
func (s *Service) changed() {
	if s.index != nil {
		s.index.Notify()
	}
}
