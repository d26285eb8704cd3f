package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// docsDir is where the statistics' screenshots go, for the README.
const docsDir = "../../docs"

// TestBrowserStats opens the statistics page, the map and the printable
// report of the demo data in a real headless Chromium at 1280 px, after
// the desk has proposed, accepted, completed and declined some matches
// through the API, checks them with axe when it is installed, and takes
// their screenshots; with SAPERI_DOCS=1 it writes them to docs/stats.png,
// docs/stats-map.png and docs/report.png.
func TestBrowserStats(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the real binary and a browser")
	}
	chrome := browserOrSkip(t)
	data := t.TempDir()
	// Without the weekly assignment, which would propose for every need
	// at start: the desk's own proposals below make a varied picture.
	p := start(t, data, "--demo", "--digests=false")
	if st, err := p.postJSON(p.base+"/api/v1/users", map[string]any{"email": "coordinamento@example.org", "name": "Coordinamento",
		"role": "admin", "password": "password del coordinamento"}, nil); err != nil || st != 201 {
		t.Fatalf("admin: %d %v", st, err)
	}
	// The desk proposes the best candidate of the first needs of each
	// hub; some are accepted by both sides, some completed, some declined.
	var needs struct {
		Items []struct {
			ID uint64 `json:"id"`
		} `json:"items"`
	}
	proposed := 0
	for hub := 1; hub <= 5; hub++ {
		p.getJSON(t, fmt.Sprintf("%s/api/v1/postings?hub_id=%d&kind=need&status=open&limit=12", p.base, hub), &needs)
		for i, n := range needs.Items {
			var cands struct {
				Items []struct {
					Posting struct {
						ID uint64 `json:"id"`
					} `json:"posting"`
				} `json:"items"`
			}
			p.getJSON(t, fmt.Sprintf("%s/api/v1/postings/%d/candidates", p.base, n.ID), &cands)
			if len(cands.Items) == 0 || i%3 == 2 {
				continue
			}
			var m struct {
				ID uint64 `json:"id"`
			}
			if st, _ := p.postJSON(p.base+"/api/v1/matches", map[string]any{"need_id": n.ID, "offer_id": cands.Items[0].Posting.ID}, &m); st != 201 {
				continue
			}
			proposed++
			mp := fmt.Sprintf("%s/api/v1/matches/%d", p.base, m.ID)
			switch i % 4 {
			case 0:
				p.postJSON(mp+"/accept", map[string]string{"side": "need"}, nil)
				p.postJSON(mp+"/accept", map[string]string{"side": "offer"}, nil)
				if n.ID%2 == 0 {
					p.postJSON(mp+"/complete", nil, nil)
				}
			case 1:
				p.postJSON(mp+"/decline", map[string]string{"side": "offer"}, nil)
			}
		}
	}
	if proposed == 0 {
		t.Fatal("no match proposed: the statistics would be empty")
	}
	axe, _ := os.ReadFile(axePath)

	b := newBrowser(t, chrome, 2*time.Minute)
	ctx, run := b.ctx, b.run
	save := func(name string, shot chromedp.Action[[]byte]) {
		t.Helper()
		buf, err := chromedp.Run(ctx, shot)
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if len(buf) == 0 {
			t.Fatalf("screenshot %s is empty", name)
		}
		if os.Getenv("SAPERI_DOCS") == "" {
			return // the pages rendered; docs/ is rewritten only on purpose
		}
		if err := os.WriteFile(filepath.Join(docsDir, name), buf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	u := p.base
	run("login", chromedp.Navigate(u+"/login?lang=it"), chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), "coordinamento@example.org"),
		chromedp.SendKeys(chromedp.CSS("#password"), "password del coordinamento"),
		chromedp.Click(chromedp.CSS(`form.form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/logout"] button`)))
	run("stats", chromedp.Navigate(u+"/stats"), chromedp.WaitVisible(chromedp.CSS("svg.map")))
	waitFor(t, ctx, "Senza risposta")
	if len(axe) > 0 {
		t.Log(axeCheck(t, ctx, string(axe), "stats"))
	}
	run("viewport", chromedp.EmulateViewport(1280, 900))
	save("stats.png", chromedp.FullScreenshot(100))
	save("stats-map.png", chromedp.Screenshot(chromedp.CSS("#h-map + .pair")))
	run("report", chromedp.Navigate(u+"/report?period=quarter&at="+time.Now().Format("2006-01")), chromedp.WaitVisible(chromedp.CSS("svg.map")))
	if len(axe) > 0 {
		t.Log(axeCheck(t, ctx, string(axe), "report"))
	}
	save("report.png", chromedp.FullScreenshot(100))
}
