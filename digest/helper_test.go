package digest

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/locale"
	"github.com/saperi/saperi/store"
)

// testNow is the fixed clock: Monday 23 November 2026, 08:00 in Torino.
var testNow = time.Date(2026, 11, 23, 7, 0, 0, 0, time.UTC)

const testWeek = "2026-W48"

// fixture is a small territory: one hub with an operators' address;
// Maria (Italian, email) needs help with the computer; John (English,
// email) offers it; Ahmed (no email) needs it too; Lucia's offer expires
// soon.
type fixture struct {
	db                        *store.DB
	hub                       *saperi.Hub
	maria, john, ahmed, lucia *saperi.Profile
	needMaria, needAhmed      *saperi.Posting
	offerJohn, offerLucia     *saperi.Posting
	matchMaria, matchAhmed    *saperi.Match
	catalog                   *locale.Catalog
}

func newFixture(tb testing.TB) *fixture {
	tb.Helper()
	ctx := context.Background()
	db, err := store.Open(filepath.Join(tb.TempDir(), "saperi.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	cat, err := locale.New()
	if err != nil {
		tb.Fatal(err)
	}
	f := &fixture{db: db, catalog: cat}
	long := testNow.Add(-30 * 24 * time.Hour)
	f.hub = &saperi.Hub{Name: "Portineria di comunità Porta Palazzo", Area: "Aurora", Neighbors: []uint64{},
		Emails: []string{"portineria@example.org"}, Created: long}
	if err := db.CreateHub(ctx, f.hub); err != nil {
		tb.Fatal(err)
	}
	person := func(name string, langs []string, email, phone string) *saperi.Profile {
		p := &saperi.Profile{Kind: saperi.Resident, Name: name, HubID: f.hub.ID, Area: "Aurora", Languages: langs,
			Contacts: saperi.Contacts{Email: email, Phone: phone},
			Consent:  saperi.Consent{Text: "ok", Version: "1", By: saperi.ConsentSelf, At: long}, Created: long, Updated: long}
		if err := db.CreateProfile(ctx, p, saperi.Event{At: long, Actor: "test"}); err != nil {
			tb.Fatal(err)
		}
		return p
	}
	f.maria = person("Maria Rossi", []string{"it"}, "maria@example.org", "")
	f.john = person("John Smith", []string{"en", "it"}, "john@example.org", "")
	f.ahmed = person("Ahmed Benali", []string{"ar", "fr"}, "", "+39 011 000 0002")
	f.lucia = person("Lucia Bianchi", []string{"it"}, "lucia@example.org", "")
	post := func(owner *saperi.Profile, kind saperi.Kind, title string, created, expires time.Time) *saperi.Posting {
		p := &saperi.Posting{Kind: kind, Title: title, Category: "digitale", Created: created, Updated: created, Expires: expires}
		p.Inherit(owner)
		p.Normalize(created)
		if err := db.CreatePosting(ctx, p, saperi.Event{At: created, Actor: "test"}); err != nil {
			tb.Fatal(err)
		}
		return p
	}
	f.needMaria = post(f.maria, saperi.Need, "Cerco aiuto con il computer", testNow.Add(-3*24*time.Hour), testNow.Add(60*24*time.Hour))
	f.needAhmed = post(f.ahmed, saperi.Need, "Imparare a usare lo smartphone", long, testNow.Add(60*24*time.Hour))
	f.offerJohn = post(f.john, saperi.Offer, "Aiuto con computer e smartphone", long, testNow.Add(60*24*time.Hour))
	f.offerLucia = post(f.lucia, saperi.Offer, "Lezioni di uncinetto", long, testNow.Add(5*24*time.Hour+time.Hour))
	bd := saperi.Breakdown{
		saperi.FText:      {Value: 0.9, Weight: 0.5, Contribution: 0.45, Key: "reason.text", Args: map[string]any{"Words": "computer", "Count": 1}},
		saperi.FProximity: {Value: 0.8, Weight: 0.12, Contribution: 0.096, Key: "reason.proximity.near", Args: map[string]any{"Km": 1.2}},
	}
	match := func(need, offer *saperi.Posting, at time.Time) *saperi.Match {
		m, err := saperi.NewMatch(need, offer, saperi.Scored{Score: 0.8, Breakdown: bd}, saperi.ByEngine, "engine", at)
		if err != nil {
			tb.Fatal(err)
		}
		if err := db.CreateMatch(ctx, m, saperi.Event{At: at, Actor: "engine"}); err != nil {
			tb.Fatal(err)
		}
		return m
	}
	f.matchMaria = match(f.needMaria, f.offerJohn, testNow.Add(-time.Hour))
	f.matchAhmed = match(f.needAhmed, f.offerJohn, testNow.Add(-10*24*time.Hour))
	return f
}

// runner returns a runner over the fixture with a fixed link secret and
// instant sleeps.
func (f *fixture) runner(tb testing.TB, m Mailer) *Runner {
	tb.Helper()
	r := &Runner{Store: f.db, Mailer: m, T: f.catalog, Now: func() time.Time { return testNow },
		Log:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		Config: Config{BaseURL: "https://saperi.example.org", From: "Saperi <saperi@example.org>", Backoff: time.Millisecond},
		Sleep:  func(context.Context, time.Duration) error { return nil }}
	if err := r.Init(context.Background()); err != nil {
		tb.Fatal(err)
	}
	r.secret = []byte("fixed secret for golden files!!!")
	return r
}
