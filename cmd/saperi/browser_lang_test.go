package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserArabic runs the pages a newcomer meets in Arabic, in a real
// headless Chromium against the real binary: the landing page, the sign-up
// (the language being read is preselected), the form to post an offer and
// "my matches" with a proposal the desk made. On each, the document runs
// right to left and axe-core finds no serious or critical violation; at
// 375 px the layout is mirrored (the brand at the right edge, text
// starting from the right). Screenshots: web/e2e/screenshots/*-ar-*.png.
func TestBrowserArabic(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the real binary and a browser")
	}
	chrome := browserOrSkip(t)
	axe, err := os.ReadFile(axePath)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("axe-core missing (`make deps` runs npm ci in web/e2e): %v", err)
		}
		t.Skipf("axe-core missing: run `make deps` (npm ci in web/e2e): %v", err)
	}
	if err := os.MkdirAll(screenshotDir, 0o755); err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	p := start(t, data, "--demo=false")
	var hub struct{ ID uint64 }
	if st, err := p.postJSON(p.base+"/api/v1/hubs", map[string]any{"name": "Portineria di Porta Palazzo", "area": "Aurora",
		"point": map[string]float64{"lat": 45.083, "lon": 7.686}}, &hub); err != nil || st != 201 {
		t.Fatalf("hub: %d %v", st, err)
	}
	// Rosa, registered at the desk, needs help with the computer.
	var rosa, need struct{ ID uint64 }
	if st, err := p.postJSON(p.base+"/api/v1/profiles", map[string]any{"kind": "resident", "name": "Rosa Esposito",
		"hub_id": hub.ID, "area": "Aurora", "languages": []string{"it"}, "contacts": map[string]string{"phone": "+39 011 555 0202"},
		"consent": map[string]string{"text": "Letto a voce", "version": "1", "by": "operator"}}, &rosa); err != nil || st != 201 {
		t.Fatalf("profile: %d %v", st, err)
	}
	if st, err := p.postJSON(p.base+"/api/v1/postings", map[string]any{"kind": "need", "profile_id": rosa.ID,
		"title": "Cerco aiuto con il computer e la posta elettronica", "description": "Devo imparare a usare la posta elettronica.",
		"category": "digitale", "slots": []map[string]string{{"day": "tue", "from": "09:00", "to": "12:00"}}}, &need); err != nil || st != 201 {
		t.Fatalf("need: %d %v", st, err)
	}

	b := newBrowser(t, chrome, 2*time.Minute)
	ctx, run, text := b.ctx, b.run, b.text
	// rtl checks, at 375 px, that the page is Arabic and mirrored: the
	// document's direction, the brand at the right edge of the top bar and
	// the first heading's text ending at the right of the main column.
	rtl := func(page string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(375, 900)); err != nil {
			t.Fatal(err)
		}
		defer func() { _ = chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)) }()
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
			const html = document.documentElement, w = window.innerWidth;
			const brand = document.querySelector('.brand').getBoundingClientRect();
			const main = document.querySelector('main').getBoundingClientRect();
			const range = document.createRange();
			range.selectNodeContents(document.querySelector('main h1'));
			const h1 = range.getBoundingClientRect();
			return [html.lang, html.dir, getComputedStyle(document.body).direction,
				brand.right > w * 0.6 ? 'brand-right' : 'brand-left',
				Math.abs(main.right - h1.right) < 24 ? 'h1-right' : 'h1-left',
				document.documentElement.scrollWidth <= w ? 'fits' : 'overflows'].join(' ');
		})()`))
		if err != nil {
			t.Fatalf("%s: %v", page, err)
		}
		if want := "ar rtl rtl brand-right h1-right fits"; got != want {
			t.Errorf("%s at 375 px: %q, want %q", page, got, want)
		}
	}
	var axeNotes []string
	u := p.base

	// 1. The landing page in Arabic: the switcher names it العربية.
	run("landing", chromedp.Navigate(u+"/?lang=it"), chromedp.WaitVisible(chromedp.CSS("h1")),
		chromedp.Click(chromedp.CSS(`.langs a[lang=ar]`)), chromedp.WaitVisible(chromedp.CSS(`html[dir=rtl] h1`)))
	if s := text("main"); !strings.Contains(s, "أعرض") || !strings.Contains(s, "أبحث عن") {
		t.Fatalf("landing in Arabic: %s", s)
	}
	shootRTL(t, ctx, "landing-ar")
	rtl("landing")
	axeNotes = append(axeNotes, axeCheck(t, ctx, string(axe), "landing (ar)"))

	// 2. Amal signs up, in Arabic: the language of her mails is the one
	// she is reading, and she speaks Arabic and French.
	run("sign up",
		chromedp.Click(chromedp.CSS(`a[href="/signup"].button`)),
		chromedp.WaitVisible(chromedp.CSS("#name")),
		chromedp.SendKeys(chromedp.CSS("#name"), "Amal Haddad"),
		chromedp.SendKeys(chromedp.CSS("#email"), "amal@example.org"),
		chromedp.SendKeys(chromedp.CSS("#password"), "كلمة مرور طويلة"),
		chromedp.SetValue(chromedp.CSS("#hub_id"), fmt.Sprint(hub.ID)),
		chromedp.SendKeys(chromedp.CSS("#area"), "Aurora"),
		chromedp.Click(chromedp.CSS("#lang-fr")),
	)
	if v, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#lang"))); err != nil || v != "ar" {
		t.Fatalf("the language of her mails = %q (%v), want ar", v, err)
	}
	run("consent and submit",
		chromedp.Click(chromedp.CSS("#consent")),
		chromedp.Click(chromedp.CSS(`form.form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`p.flash[role=status]`)),
	)
	if s := text("main"); !strings.Contains(s, "كتبنا إليك على amal@example.org") {
		t.Fatalf("after signing up: %s", s)
	}
	// The mail is in Arabic too; its link completes the sign-up.
	run("open the link in the mail",
		chromedp.Navigate(u+outboxSignupPath(t, data, "amal@example.org", "أكمل التسجيل")),
		chromedp.WaitVisible(chromedp.CSS(`html[dir=rtl] form.form button[type=submit]`)))
	rtl("sign-up confirmation")
	axeNotes = append(axeNotes, axeCheck(t, ctx, string(axe), "sign-up confirmation (ar)"))
	run("confirm", chromedp.Click(chromedp.CSS(`form.form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/postings/new?kind=offer"]`)))

	// 3. The form to post an offer.
	run("post form", chromedp.Click(chromedp.CSS(`a[href="/postings/new?kind=offer"]`)), chromedp.WaitVisible(chromedp.CSS("#title")))
	shootRTL(t, ctx, "post-form-ar")
	rtl("post form")
	axeNotes = append(axeNotes, axeCheck(t, ctx, string(axe), "post form (ar)"))
	run("fill the offer",
		chromedp.SendKeys(chromedp.CSS("#title"), "أساعد في استعمال الحاسوب والبريد الإلكتروني"),
		chromedp.SendKeys(chromedp.CSS("#description"), "أعلّم استعمال الحاسوب والبريد الإلكتروني وSPID، بالعربية أو الفرنسية أو الإيطالية."),
		chromedp.SetValue(chromedp.CSS("#category"), "digitale"),
		chromedp.Click(chromedp.CSS("#day-2")),
		chromedp.Click(chromedp.CSS("#mode-either")),
		chromedp.Click(chromedp.CSS(`form.form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	if s := text(".flash"); !strings.Contains(s, "تم النشر") {
		t.Fatalf("after posting: %s", s)
	}
	href, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(`a[href$="/edit"]`), "href"))
	if err != nil {
		t.Fatal(err)
	}
	var offerID uint64
	if _, err := fmt.Sscanf(href.Value, "/postings/%d/edit", &offerID); err != nil {
		t.Fatalf("offer link %q: %v", href.Value, err)
	}

	// 4. The desk proposes her offer for Rosa's need; Amal sees it, with
	// its reasons, in Arabic.
	if st, err := p.postJSON(u+"/api/v1/matches", map[string]any{"need_id": need.ID, "offer_id": offerID}, nil); err != nil || st != 201 {
		t.Fatalf("propose: %d %v", st, err)
	}
	run("my matches", chromedp.Navigate(u+"/matches"), chromedp.WaitVisible(chromedp.CSS(".card")))
	if s := text("main"); !strings.Contains(s, "لماذا نقترحه عليك") || !strings.Contains(s, "Cerco aiuto con il computer") {
		t.Fatalf("my matches in Arabic: %s", s)
	}
	shootRTL(t, ctx, "my-matches-ar")
	rtl("my matches")
	axeNotes = append(axeNotes, axeCheck(t, ctx, string(axe), "my matches (ar)"))
	for _, n := range axeNotes {
		t.Log("axe: " + n)
	}
}

// shootRTL is shoot for right-to-left pages: Chromium's full-page capture
// (FullScreenshot) of an RTL page shorter than the window starts off its
// left edge, so the window is sized to the page and captured as it is.
func shootRTL(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	for _, w := range []struct {
		label string
		width int64
	}{{"desktop", 1280}, {"phone", 375}} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(w.width, 900)); err != nil {
			t.Fatalf("viewport %s: %v", name, err)
		}
		h, err := chromedp.Run(ctx, chromedp.Evaluate[int64]("Math.max(900, document.documentElement.scrollHeight)"))
		if err != nil {
			t.Fatalf("height of %s: %v", name, err)
		}
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(w.width, h)); err != nil {
			t.Fatalf("viewport %s: %v", name, err)
		}
		buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(screenshotDir, name+"-"+w.label+".png"), buf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}
}
