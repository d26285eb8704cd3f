package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/saperi/saperi/digest"
	"github.com/saperi/saperi/matcher"
	"github.com/saperi/saperi/web"
)

// scaleTopics are the generated postings' subjects: a need and an offer
// phrasing that share some words, and a category.
var scaleTopics = []struct{ need, offer, cat string }{
	{"Cerco aiuto con il computer e la posta elettronica", "Insegno a usare il computer e la posta elettronica", "digitale"},
	{"Mi serve qualcuno per lo SPID e i siti del comune", "Aiuto con SPID, app e pratiche online", "digitale"},
	{"Ripetizioni di matematica per mio figlio", "Do ripetizioni di matematica e fisica", "scuola"},
	{"Cerco aiuto con i compiti di italiano", "Aiuto compiti per bambini delle elementari", "scuola"},
	{"Qualcuno che faccia la spesa per me", "Faccio la spesa per chi non può uscire", "compagnia"},
	{"Compagnia per mia madre anziana il pomeriggio", "Faccio compagnia alle persone sole", "compagnia"},
	{"Devo riparare una presa elettrica", "Piccoli lavori elettrici in casa", "casa"},
	{"Mi serve aiuto per montare un mobile", "Monto mobili e faccio piccole riparazioni", "casa"},
	{"Vorrei imparare l'italiano", "Insegno italiano a stranieri", "lingue"},
	{"Cerco qualcuno per fare conversazione in inglese", "Conversazione in inglese per principianti", "lingue"},
	{"Accompagnamento a una visita medica", "Accompagno in auto alle visite mediche", "salute"},
	{"Cerco un orto da curare insieme", "Insegno a coltivare l'orto sul balcone", "verde"},
}

// TestScale measures a weekly run on generated data: SAPERI_SCALE=100000
// go test ./cmd/saperi -run TestScale -v -timeout 2h. It is skipped
// otherwise. Every person has one posting (needs and offers alternate),
// seven in ten have an email; everything is deterministic.
func TestScale(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("SAPERI_SCALE"))
	if n <= 0 {
		t.Skip("set SAPERI_SCALE=100000 to run")
	}
	ctx := context.Background()
	data := t.TempDir()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := openApp(ctx, data, engineConfig{Pool: 100}, log)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	now := time.Date(2026, 11, 23, 7, 0, 0, 0, time.UTC)
	r := rand.New(rand.NewPCG(1, 2))
	lap := time.Now()
	step := func(what string) {
		t.Logf("%-34s %s", what, time.Since(lap).Round(time.Millisecond))
		lap = time.Now()
	}
	const hubs = 20
	for i := 0; i < hubs; i++ {
		h := &matcher.Hub{Name: fmt.Sprintf("Portineria %d", i+1), Area: fmt.Sprintf("quartiere-%d", i+1), Neighbors: []uint64{},
			Emails: []string{fmt.Sprintf("hub%d@example.org", i+1)}, Created: now.AddDate(0, -3, 0)}
		if err := a.db.CreateHub(ctx, h); err != nil {
			t.Fatal(err)
		}
	}
	const chunk = 5000
	for start := 0; start < n; start += chunk {
		var ps []*matcher.Profile
		for i := start; i < min(start+chunk, n); i++ {
			hub := uint64(i%hubs + 1)
			p := &matcher.Profile{Kind: matcher.Resident, Name: fmt.Sprintf("Persona %d", i), HubID: hub,
				Area:      fmt.Sprintf("quartiere-%d", hub),
				Point:     &matcher.Point{Lat: 45.02 + 0.003*float64(hub) + r.Float64()*0.01, Lon: 7.62 + 0.004*float64(hub) + r.Float64()*0.01},
				Languages: []string{"it"}, Consent: matcher.Consent{Text: "ok", Version: "1", By: matcher.ConsentSelf, At: now},
				Created: now.AddDate(0, -1, 0), Updated: now.AddDate(0, -1, 0)}
			if r.IntN(10) < 7 {
				p.Contacts.Email = fmt.Sprintf("p%d@example.org", i)
			}
			ps = append(ps, p)
		}
		if err := a.db.ImportProfiles(ctx, ps, matcher.Event{At: now, Actor: "scale"}); err != nil {
			t.Fatal(err)
		}
		var posts []*matcher.Posting
		for i, p := range ps {
			topic := scaleTopics[r.IntN(len(scaleTopics))]
			kind, title := matcher.Need, topic.need
			if (start+i)%2 == 1 {
				kind, title = matcher.Offer, topic.offer
			}
			created := now.Add(-time.Duration(r.IntN(60*24)) * time.Hour)
			post := &matcher.Posting{Kind: kind, Title: title, Category: topic.cat, Mode: matcher.InPerson,
				Created: created, Updated: created, Expires: now.Add(time.Duration(1+r.IntN(80)) * 24 * time.Hour)}
			post.Inherit(p)
			post.Normalize(created)
			posts = append(posts, post)
		}
		if err := a.db.ImportPostings(ctx, posts, matcher.Event{At: now, Actor: "scale"}); err != nil {
			t.Fatal(err)
		}
	}
	step(fmt.Sprintf("generate %d people", n))
	if err := a.ix.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	step("index")

	plan, err := digest.Plan(ctx, a.db, a.engine, now, digest.AssignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	step("gather candidates + assign")
	start := time.Now()
	matcher.Assign(plan.Problem)
	t.Logf("  (of which the min-cost flow alone: %s; %d arcs, %d needs)", time.Since(start).Round(time.Millisecond),
		len(plan.Problem.Arcs), len(plan.Problem.NeedCap))
	lap = time.Now()
	t.Logf("  assignment %d proposals, total %.1f; greedy top-1 %d, total %.1f; one per need %d, total %.1f",
		len(plan.Proposed), matcher.Total(plan.Proposed), len(plan.Greedy), matcher.Total(plan.Greedy),
		len(plan.OnePerNeed), matcher.Total(plan.OnePerNeed))
	stored, err := plan.Store(ctx, a.db, now)
	if err != nil {
		t.Fatal(err)
	}
	step(fmt.Sprintf("store %d proposals", stored))

	cat, err := web.NewCatalog()
	if err != nil {
		t.Fatal(err)
	}
	count := &countMailer{}
	run := &digest.Runner{Store: a.db, Mailer: count, T: cat, Now: func() time.Time { return now }, Log: log}
	if err := run.Init(ctx); err != nil {
		t.Fatal(err)
	}
	rep, err := run.Run(ctx, digest.Options{Week: matcher.ISOWeek(now)})
	if err != nil {
		t.Fatal(err)
	}
	step(fmt.Sprintf("digest run: %d mails", rep.Sent))
	if rep.Sent != count.n || rep.Sent == 0 {
		t.Fatalf("report %+v, mailer saw %d", rep, count.n)
	}
}

type countMailer struct{ n int }

func (c *countMailer) Send(context.Context, *digest.Message) error { c.n++; return nil }
