package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// screenshotDir is where the browser test leaves its screenshots; it is
// ignored by git (one is copied by hand to docs/ for the README).
const screenshotDir = "../../web/e2e/screenshots"

// axePath is axe-core as `make deps` installs it (npm ci in web/e2e).
const axePath = "../../web/e2e/node_modules/axe-core/axe.min.js"

// browserOrSkip finds Debian's chromium (or another Chrome). Without it
// the test is skipped on a developer's machine but fails in CI, where
// `make deps` must have installed it.
func browserOrSkip(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no chromium in PATH: `make deps` installs it (apt-get install chromium, as root)")
	}
	t.Skip("no chromium in PATH: run `make deps` (as root) or apt-get install chromium")
	return ""
}

// browser is a headless Chromium for one test: ctx drives it, and run and
// text fail the test on an error (run with the page's main element, to
// show where the journey stood).
type browser struct {
	t   *testing.T
	ctx context.Context
}

// newBrowser starts chrome (from browserOrSkip) at 1280×900 with a
// profile of its own; it stops when the test ends or after timeout.
func newBrowser(t *testing.T, chrome string, timeout time.Duration) *browser {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chrome), chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", true), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.WindowSize(1280, 900),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	ctx, cancelT := context.WithTimeout(ctx, timeout)
	t.Cleanup(func() { cancelT(); cancel(); cancelAlloc() })
	return &browser{t: t, ctx: ctx}
}

func (b *browser) run(step string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		html, _ := chromedp.Run(b.ctx, chromedp.OuterHTML(chromedp.CSS("main")))
		b.t.Fatalf("%s: %v\n%s", step, err, html)
	}
}

func (b *browser) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("read %s: %v", sel, err)
	}
	return s
}

// axeCheck injects axe-core into the page, runs the WCAG 2.x A/AA rules
// and fails on serious or critical violations. It returns a one-line
// summary for the closing note.
func axeCheck(t *testing.T, ctx context.Context, axe, page string) string {
	t.Helper()
	var res struct {
		Violations []struct {
			ID     string `json:"id"`
			Impact string `json:"impact"`
			Help   string `json:"help"`
			Nodes  []struct {
				Target []any `json:"target"`
			} `json:"nodes"`
		} `json:"violations"`
		Passes []struct{ ID string } `json:"passes"`
	}
	run := `axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})
		.then(r => JSON.stringify({violations: r.violations, passes: r.passes.map(p => ({ID: p.id}))}))`
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](axe)); err != nil {
		t.Fatalf("axe into %s: %v", page, err)
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](run, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("axe on %s: %v", page, err)
	}
	if err := json.Unmarshal([]byte(raw), &res); err != nil {
		t.Fatalf("axe result on %s: %v", page, err)
	}
	var minor []string
	for _, v := range res.Violations {
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Errorf("axe on %s: %s violation %s (%s) at %v", page, v.Impact, v.ID, v.Help, v.Nodes)
		} else {
			minor = append(minor, v.ID+"("+v.Impact+")")
		}
	}
	return fmt.Sprintf("%s: %d rules passed, %d violations (serious/critical must be 0)%s", page, len(res.Passes),
		len(res.Violations), map[bool]string{true: "; minor: " + strings.Join(minor, ", "), false: ""}[len(minor) > 0])
}

// waitFor waits until the page shows text (after a form's redirect).
func waitFor(t *testing.T, ctx context.Context, text string) {
	t.Helper()
	q, _ := json.Marshal(text)
	deadline := time.Now().Add(20 * time.Second)
	for {
		// A navigation in progress makes the evaluation fail: try again.
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("document.readyState === 'complete' && document.body.innerText.includes("+string(q)+")"))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %q: %v", text, err)
		}
		time.Sleep(150 * time.Millisecond)
	}
}

func shoot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	for _, w := range []struct {
		label string
		width int64
	}{{"desktop", 1280}, {"phone", 375}} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(w.width, 900)); err != nil {
			t.Fatalf("viewport %s: %v", name, err)
		}
		buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
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

// TestBrowserJourney is the journey in a real headless Chromium
// against the real binary: a resident signs up and offers help; an
// operator registers a walk-in without email, posts a need on her behalf,
// sees the offer among the candidates with its reasons and proposes it;
// both sides accept; only then do the contacts appear, on both sides;
// the resident then forgets her password and sets a new one through the
// link in the mail. axe-core checks the landing, post form, my matches,
// desk, forgot-password and new-password pages.
func TestBrowserJourney(t *testing.T) {
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
	if st, err := p.postJSON(p.base+"/api/v1/users", map[string]any{"email": "giulia@portineria.example", "name": "Giulia Operatrice",
		"role": "operator", "hub_id": hub.ID, "password": "password dello sportello"}, nil); err != nil || st != 201 {
		t.Fatalf("operator: %d %v", st, err)
	}
	// A few open needs for the desk's queue (and the noticeboard).
	var franco struct{ ID uint64 }
	if st, err := p.postJSON(p.base+"/api/v1/profiles", map[string]any{"kind": "resident", "name": "Franco Gallo", "hub_id": hub.ID,
		"area": "Aurora", "languages": []string{"it"},
		"consent": map[string]string{"text": "Letto a voce", "version": "1", "by": "operator"}}, &franco); err != nil || st != 201 {
		t.Fatalf("profile: %d %v", st, err)
	}
	for _, n := range []map[string]any{
		{"title": "Cerco qualcuno che mi accompagni a fare la spesa il sabato", "category": "cucina", "urgent": true,
			"description": "Da quando sono uscito dall'ospedale non porto pesi."},
		{"title": "Cerco chi mi aiuti a compilare la domanda per la casa popolare", "category": "burocrazia"},
		{"title": "Cerco ripetizioni di matematica per mio figlio (terza media)", "category": "scuola"},
	} {
		n["kind"], n["profile_id"] = "need", franco.ID
		if st, err := p.postJSON(p.base+"/api/v1/postings", n, nil); err != nil || st != 201 {
			t.Fatalf("need: %d %v", st, err)
		}
	}

	b := newBrowser(t, chrome, 3*time.Minute)
	ctx, run, text := b.ctx, b.run, b.text
	var axeNotes []string
	u := p.base

	// 1. Lucia signs up and offers help with computers.
	// Italian first: the switch is remembered in a cookie for the session.
	run("landing", chromedp.Navigate(u+"/?lang=it"), chromedp.WaitVisible(chromedp.CSS("h1")))
	if s := text("main"); !strings.Contains(s, "Offro") || !strings.Contains(s, "Cerco") {
		t.Fatalf("landing: %s", s)
	}
	axeNotes = append(axeNotes, axeCheck(t, ctx, string(axe), "landing"))
	shoot(t, ctx, "landing")
	run("sign up",
		chromedp.Click(chromedp.CSS(`a[href="/signup"].button`)),
		chromedp.WaitVisible(chromedp.CSS("#name")),
		chromedp.SendKeys(chromedp.CSS("#name"), "Lucia Bianchi"),
		chromedp.SendKeys(chromedp.CSS("#email"), "lucia@example.org"),
		chromedp.SendKeys(chromedp.CSS("#phone"), "+39 011 555 0101"),
		chromedp.SendKeys(chromedp.CSS("#password"), "una password lunga"),
		chromedp.SetValue(chromedp.CSS("#hub_id"), fmt.Sprint(hub.ID)),
		chromedp.SendKeys(chromedp.CSS("#area"), "Aurora"),
		chromedp.Click(chromedp.CSS("#consent")),
		chromedp.Click(chromedp.CSS(`form.form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`p.flash[role=status]`)),
	)
	// Nobody is logged in until the address is confirmed: the page says
	// where the link went (the same page whether or not the address has
	// an account), and the mail's link completes the sign-up.
	if s := text("main"); !strings.Contains(s, "Ti abbiamo scritto a lucia@example.org: apri il link nella mail per completare l'iscrizione") {
		t.Fatalf("after signing up: %s", s)
	}
	run("open the link in the mail",
		chromedp.Navigate(u+outboxSignupPath(t, data, "lucia@example.org", "Completa l'iscrizione")),
		chromedp.WaitVisible(chromedp.CSS(`form.form button[type=submit]`)))
	if s := text("main"); !strings.Contains(s, "lucia@example.org") {
		t.Fatalf("the confirmation page: %s", s)
	}
	axeNotes = append(axeNotes, axeCheck(t, ctx, string(axe), "sign-up confirmation"))
	run("confirm", chromedp.Click(chromedp.CSS(`form.form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/postings/new?kind=offer"]`)))
	run("post an offer",
		chromedp.Click(chromedp.CSS(`a[href="/postings/new?kind=offer"]`)),
		chromedp.WaitVisible(chromedp.CSS("#title")),
	)
	axeNotes = append(axeNotes, axeCheck(t, ctx, string(axe), "post form"))
	shoot(t, ctx, "post-form")
	run("fill the offer",
		chromedp.SendKeys(chromedp.CSS("#title"), "Aiuto con computer e posta elettronica"),
		chromedp.SendKeys(chromedp.CSS("#description"), "Insegno a usare il computer, la posta elettronica e lo SPID."),
		chromedp.SetValue(chromedp.CSS("#category"), "digitale"),
		chromedp.Click(chromedp.CSS("#day-2")),
		chromedp.Click(chromedp.CSS("#mode-either")),
		chromedp.Click(chromedp.CSS(`form.form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	if s := text("main"); !strings.Contains(s, "Aiuto con computer e posta elettronica") {
		t.Fatalf("my page after posting: %s", s)
	}
	run("resident logs out", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)), chromedp.WaitVisible(chromedp.CSS(`p.actions a[href="/signup"]`)))

	// 2. Giulia, at the desk, registers Rosa (no email) and posts a need for her.
	login := func(email, pw string) {
		t.Helper()
		run("login "+email, chromedp.Navigate(u+"/login"), chromedp.WaitVisible(chromedp.CSS("#email")),
			chromedp.SendKeys(chromedp.CSS("#email"), email), chromedp.SendKeys(chromedp.CSS("#password"), pw),
			chromedp.Click(chromedp.CSS(`form.form button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`form[action="/logout"] button`))) // only there once logged in
	}
	login("giulia@portineria.example", "password dello sportello")
	run("desk", chromedp.WaitVisible(chromedp.CSS(`a[href="/desk/people/new"]`)))
	axeNotes = append(axeNotes, axeCheck(t, ctx, string(axe), "desk"))
	run("register a walk-in",
		chromedp.Click(chromedp.CSS(`a[href="/desk/people/new"]`)),
		chromedp.WaitVisible(chromedp.CSS("#name")),
		chromedp.SendKeys(chromedp.CSS("#name"), "Rosa Esposito"),
		chromedp.SendKeys(chromedp.CSS("#phone"), "+39 011 555 0202"),
		chromedp.Click(chromedp.CSS("#consent")),
		chromedp.Click(chromedp.CSS(`form.form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href^="/postings/new?kind=need"]`)),
	)
	if s := text("main"); !strings.Contains(s, "dato a voce, registrato da Giulia Operatrice (sportello di Portineria di Porta Palazzo)") ||
		strings.Contains(s, "operator/") {
		t.Fatalf("walk-in consent: %s", s)
	}
	run("need on her behalf",
		chromedp.Click(chromedp.CSS(`a[href^="/postings/new?kind=need"]`)),
		chromedp.WaitVisible(chromedp.CSS("#title")),
		chromedp.SendKeys(chromedp.CSS("#title"), "Cerco aiuto con il computer e la posta elettronica"),
		chromedp.SendKeys(chromedp.CSS("#description"), "Devo imparare a usare la posta elettronica per le ricette del medico."),
		chromedp.SetValue(chromedp.CSS("#category"), "digitale"),
		chromedp.Click(chromedp.CSS("#day-2")),
		chromedp.Click(chromedp.CSS(`form.form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href^="/desk/postings/"]`)),
		chromedp.Click(chromedp.CSS(`a[href^="/desk/postings/"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#cands`)),
	)
	cands := text("main")
	if !strings.Contains(cands, "Aiuto con computer e posta elettronica") || !strings.Contains(cands, "Lucia Bianchi") ||
		!strings.Contains(cands, "stesso bisogno") {
		t.Fatalf("candidates with reasons: %s", cands)
	}
	axeNotes = append(axeNotes, axeCheck(t, ctx, string(axe), "desk candidates"))
	run("propose, accept for Rosa",
		chromedp.Click(chromedp.CSS(`form[action="/desk/propose"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`article.card`)),
		chromedp.Click(chromedp.CSS(`article.card input[name=side][value=need] ~ button`)),
	)
	waitFor(t, ctx, "accettata da chi cerca")
	if s := text(`section[aria-labelledby=hist]`); strings.Contains(s, "lucia@example.org") || !strings.Contains(s, "accettata da chi cerca") {
		t.Fatalf("before Lucia accepts, the desk must not see her contacts: %s", s)
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	needURL := strings.SplitN(loc, "?", 2)[0]
	run("operator logs out", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)), chromedp.WaitVisible(chromedp.CSS(`p.actions a[href="/signup"]`)))

	// 3. Lucia sees the proposal with its reasons, no contacts yet; accepts.
	login("lucia@example.org", "una password lunga")
	run("my matches", chromedp.Navigate(u+"/matches"), chromedp.WaitVisible(chromedp.CSS(".card")))
	mine := text("main")
	if !strings.Contains(mine, "Perché te lo proponiamo") || !strings.Contains(mine, "stesso bisogno") || strings.Contains(mine, "555 0202") {
		t.Fatalf("my matches before accepting: %s", mine)
	}
	axeNotes = append(axeNotes, axeCheck(t, ctx, string(axe), "my matches"))
	run("accept", chromedp.Click(chromedp.CSS(`form[action$="/answer"] button`)), chromedp.WaitVisible(chromedp.CSS(".contacts")))
	if s := text(".contacts"); !strings.Contains(s, "Rosa Esposito") || !strings.Contains(s, "+39 011 555 0202") {
		t.Fatalf("Lucia's view of the contacts: %s", s)
	}
	shoot(t, ctx, "my-matches")
	run("resident logs out again", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)), chromedp.WaitVisible(chromedp.CSS(`p.actions a[href="/signup"]`)))

	// 4. The desk now sees both contacts.
	login("giulia@portineria.example", "password dello sportello")
	run("back to the need", chromedp.Navigate(needURL), chromedp.WaitVisible(chromedp.CSS(`section[aria-labelledby=hist]`)))
	if s := text(`section[aria-labelledby=hist]`); !strings.Contains(s, "lucia@example.org") || !strings.Contains(s, "in contatto") {
		t.Fatalf("desk view after both accepted: %s", s)
	}
	shoot(t, ctx, "desk-match")

	// 4b. The desk's other screens: the queue, a walk-in who is already
	// registered, and the noticeboard (titles and categories only).
	run("the queue", chromedp.Navigate(u+"/desk"), chromedp.WaitVisible(chromedp.CSS("#queue")))
	if s := text("main"); !strings.Contains(s, "Cerco chi mi aiuti a compilare la domanda per la casa popolare") {
		t.Fatalf("queue: %s", s)
	}
	shoot(t, ctx, "desk-queue")
	run("register Rosa again",
		chromedp.Navigate(u+"/desk/people/new"),
		chromedp.WaitVisible(chromedp.CSS("#name")),
		chromedp.SendKeys(chromedp.CSS("#name"), "rosa esposito"),
		chromedp.Click(chromedp.CSS("#consent")),
		chromedp.Click(chromedp.CSS(`form.form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS("#duplicates")),
	)
	if s := text("#duplicates"); !strings.Contains(s, "Rosa Esposito") || !strings.Contains(s, "+39 011 555 0202") {
		t.Fatalf("duplicate warning: %s", s)
	}
	axeNotes = append(axeNotes, axeCheck(t, ctx, string(axe), "walk-in duplicate"))
	shoot(t, ctx, "walkin-duplicate")
	run("noticeboard", chromedp.Navigate(fmt.Sprintf("%s/hubs/%d/noticeboard", u, hub.ID)), chromedp.WaitVisible(chromedp.CSS("h1")))
	if s := text("body"); !strings.Contains(s, "Cerco ripetizioni di matematica") || strings.Contains(s, "ospedale") ||
		strings.Contains(s, "Franco") {
		t.Fatalf("noticeboard: %s", s)
	}
	shoot(t, ctx, "noticeboard")
	run("back to the desk", chromedp.Navigate(u+"/desk"), chromedp.WaitVisible(chromedp.CSS("#queue")))
	run("operator logs out again", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)), chromedp.WaitVisible(chromedp.CSS(`p.actions a[href="/signup"]`)))

	// 5. Lucia forgot her password. With no SMTP server set up the mail
	// lands in DATA/outbox/; its link lets her choose a new one.
	run("forgot password",
		chromedp.Navigate(u+"/login"),
		chromedp.Click(chromedp.CSS(`a[href="/password/forgot"]`)),
		chromedp.WaitVisible(chromedp.CSS("#email")),
	)
	axeNotes = append(axeNotes, axeCheck(t, ctx, string(axe), "forgot password"))
	run("ask for the link",
		chromedp.SendKeys(chromedp.CSS("#email"), "lucia@example.org"),
		chromedp.Click(chromedp.CSS(`form.form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	if s := text(".flash"); !strings.Contains(s, "Se esiste un account per lucia@example.org") {
		t.Fatalf("after asking: %s", s)
	}
	run("open the link", chromedp.Navigate(u+outboxResetPath(t, data, "Scegli una nuova password")),
		chromedp.WaitVisible(chromedp.CSS("#password2")))
	axeNotes = append(axeNotes, axeCheck(t, ctx, string(axe), "new password"))
	shoot(t, ctx, "new-password")
	run("set a new password",
		chromedp.SendKeys(chromedp.CSS("#password"), "una password nuova"),
		chromedp.SendKeys(chromedp.CSS("#password2"), "una password nuova"),
		chromedp.Click(chromedp.CSS(`form.form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	if s := text(".flash"); !strings.Contains(s, "Password cambiata") {
		t.Fatalf("after the new password: %s", s)
	}
	login("lucia@example.org", "una password nuova")
	for _, n := range axeNotes {
		t.Log("axe: " + n)
	}
}
