package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/auth"
	"github.com/saperi/saperi/digest"
	"github.com/saperi/saperi/locale"
	"github.com/saperi/saperi/service"
	"github.com/saperi/saperi/web"
)

// TestDocScreenshots rewrites the screenshots of docs/ on the demo data,
// in headless Chromium at 1280 px: the plafoniera need's desk page (its
// candidates before the weekly run) and Anna's personal digest after it.
// Run it on purpose: SAPERI_DOCS=1 go test ./cmd/saperi -run TestDocScreenshots
func TestDocScreenshots(t *testing.T) {
	if os.Getenv("SAPERI_DOCS") == "" {
		t.Skip("set SAPERI_DOCS=1 to rewrite the screenshots in docs/")
	}
	chrome := browserOrSkip(t)
	ctx := context.Background()
	a := demoApp(t)
	now := demoNow.Add(time.Hour)
	svc := service.New(service.Deps{Store: a.db, Index: a.ix, Engine: a.engine, Now: func() time.Time { return now }})
	srv, err := web.New(web.Deps{Service: svc, Store: a.db, Index: a.ix, Now: func() time.Time { return now },
		ConceptNames: a.ix.ConceptName})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	tok, err := auth.IssueToken(ctx, a.db, &saperi.APIToken{Name: "docs", Role: saperi.RoleAdmin, CreatedBy: "docs", Created: now},
		saperi.Event{At: now, Actor: "docs"})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]any{"email": "giulia@portineria.example", "name": "Giulia Operatrice", "role": "admin",
		"password": "password dello sportello"})
	req, _ := http.NewRequest("POST", ts.URL+"/api/v1/users", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+tok)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 201 {
		t.Fatalf("admin user: %v %v", resp, err)
	}
	need := demoPosting(t, a, "Mi si è rotta la plafoniera in cucina")

	b := newBrowser(t, chrome, 2*time.Minute)
	bctx, run := b.ctx, b.run
	shot := func(name string) {
		t.Helper()
		run("viewport", chromedp.EmulateViewport(1280, 900))
		buf, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join("../../docs", name), buf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run("login", chromedp.Navigate(ts.URL+"/login?lang=it"), chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), "giulia@portineria.example"),
		chromedp.SendKeys(chromedp.CSS("#password"), "password dello sportello"),
		chromedp.Click(chromedp.CSS(`form.form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/logout"] button`)))
	run("desk page", chromedp.Navigate(fmt.Sprintf("%s/desk/postings/%d", ts.URL, need.ID)), chromedp.WaitVisible(chromedp.CSS("#cands")))
	text, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("main")))
	if err != nil || !strings.Contains(text, "Piccoli lavori elettrici") {
		t.Fatalf("desk page: %v %s", err, text)
	}
	shot("desk-plafoniera.png")

	plan, err := digest.Plan(ctx, a.db, a.engine, now, digest.AssignOptions{MinScore: a.engine.Threshold})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := plan.Store(ctx, a.db, now); err != nil {
		t.Fatal(err)
	}
	cat, err := locale.New()
	if err != nil {
		t.Fatal(err)
	}
	cat.SetConceptNames(a.ix.ConceptName)
	r := &digest.Runner{Store: a.db, T: cat, Now: func() time.Time { return now }, Config: digest.Config{BaseURL: ts.URL, From: "Saperi <saperi@example.org>"}}
	if err := r.Init(ctx); err != nil {
		t.Fatal(err)
	}
	snap, err := digest.Load(ctx, a.db)
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := r.Compose(ctx, snap, "2026-W48")
	if err != nil {
		t.Fatal(err)
	}
	var anna *digest.Message
	for _, m := range msgs {
		if m.To == "anna.gribaudo@example.org" {
			anna = m
		}
	}
	if anna == nil || !strings.Contains(anna.Text, "Piccoli lavori elettrici") {
		t.Fatalf("Anna's digest: %+v", anna)
	}
	page := filepath.Join(t.TempDir(), "digest.html")
	if err := os.WriteFile(page, []byte(anna.HTML), 0o644); err != nil {
		t.Fatal(err)
	}
	run("digest", chromedp.Navigate("file://"+page), chromedp.WaitVisible(chromedp.CSS("body")))
	shot("digest-personal.png")
	t.Logf("Anna's digest:\n%s", anna.Text)
}
