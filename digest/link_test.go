package digest

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/digest/digesttest"
	"github.com/saperi/saperi/matcher"
	"github.com/saperi/saperi/service"
	"github.com/saperi/saperi/web"
)

// noIndex is the web server's index for tests that do not search.
type noIndex struct{}

func (noIndex) Search(context.Context, string, saperi.SearchFilter) ([]matcher.Hit, uint64, error) {
	return nil, 0, nil
}
func (noIndex) Ready(context.Context) (bool, error) { return true, nil }
func (noIndex) Notify()                             {}

func (noIndex) SetSynonyms([][]string) {}
func (noIndex) Similar(context.Context, string, int) ([]matcher.Hit, error) {
	return nil, nil
}
func (noIndex) SuggestCategory(string) (string, float64) { return "", 0 }

var linkRE = regexp.MustCompile(`https?://[^\s"<>]+/l/[A-Za-z0-9_\-.]+`)

// TestFollowLinks: the digests go through a real SMTP server; Maria and
// John follow the accept links in them over real HTTP; the match becomes
// connected, both get the "connected" mail with the other's contacts,
// and Lucia unsubscribes with one click (RFC 8058 POST) and gets no
// digest the next week.
func TestFollowLinks(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	smtpSrv := digesttest.Start(t)
	mailer, err := NewSMTPMailer(SMTPConfig{Host: smtpSrv.Host, Port: smtpSrv.Port, TLS: "none"}, func() time.Time { return testNow })
	if err != nil {
		t.Fatal(err)
	}
	r := f.runner(t, mailer)
	n := NewNotifier(r)
	svc := service.New(service.Deps{Store: f.db, Index: noIndex{}, Now: func() time.Time { return testNow },
		Connected: n.MatchConnected})
	srv, err := web.New(web.Deps{Service: svc, Store: f.db, Index: noIndex{}, Now: func() time.Time { return testNow },
		LinkSecret: r.secret})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	r.Config.BaseURL = hs.URL

	if _, err := r.Run(ctx, Options{Week: testWeek}); err != nil {
		t.Fatal(err)
	}
	mailTo := func(to string) (text, html string) {
		t.Helper()
		for _, m := range smtpSrv.Mails() {
			if m.To[0] == to {
				text, html = parts(t, m.Raw)
			}
		}
		if text == "" {
			t.Fatalf("no mail to %s", to)
		}
		return text, html
	}
	// The first link of a mail is its first proposal's accept link.
	accept := func(to string) {
		t.Helper()
		text, html := mailTo(to)
		link := linkRE.FindString(text)
		if link == "" || !strings.Contains(html, link) {
			t.Fatalf("mail to %s: accept link %q not in both parts", to, link)
		}
		resp, err := http.Get(link)
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(page), `method="post"`) {
			t.Fatalf("GET %s: %d\n%s", link, resp.StatusCode, page)
		}
		resp, err = http.PostForm(link, url.Values{})
		if err != nil {
			t.Fatal(err)
		}
		page, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("POST %s: %d\n%s", link, resp.StatusCode, page)
		}
	}
	accept("maria@example.org")
	m, err := f.db.Match(ctx, f.matchMaria.ID)
	if err != nil || m.State != saperi.AcceptedNeed {
		t.Fatalf("after Maria's click: %v %v", m.State, err)
	}
	// GET alone changes nothing.
	text, _ := mailTo("john@example.org")
	if resp, err := http.Get(linkRE.FindString(text)); err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET john's link: %v", err)
	}
	if m, _ := f.db.Match(ctx, f.matchMaria.ID); m.State != saperi.AcceptedNeed {
		t.Fatalf("a GET changed the match: %s", m.State)
	}
	accept("john@example.org")
	if m, _ = f.db.Match(ctx, f.matchMaria.ID); m.State != saperi.Connected {
		t.Fatalf("after John's click: %s", m.State)
	}
	evs, err := f.db.Events(ctx, f.maria.ID, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	if last := evs[len(evs)-1]; last.Actor != "link" || last.Action != "link.accept" {
		t.Errorf("audit trail: last event for Maria %+v", last)
	}

	// The "connected" mails, one to each side, with the other's contacts.
	if err := n.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	got := smtpSrv.PerRecipient()
	if got["maria@example.org"] != 2 || got["john@example.org"] != 2 {
		t.Fatalf("mails per recipient after connecting: %v", got)
	}
	for _, ml := range smtpSrv.Mails() {
		text, _ := parts(t, ml.Raw)
		if ml.To[0] == "maria@example.org" && strings.Contains(text, "John Smith") && !strings.Contains(text, "john@example.org") {
			t.Errorf("Maria's connected mail lacks John's email:\n%s", text)
		}
	}
	if err := n.Flush(ctx); err != nil || len(smtpSrv.Mails()) != 6 {
		t.Fatalf("second flush sent again: %d mails, %v", len(smtpSrv.Mails()), err)
	}

	// One-click unsubscribe, as a mail client does it.
	var unsub string
	for _, ml := range smtpSrv.Mails() {
		if ml.To[0] == "lucia@example.org" {
			unsub = strings.Trim(ml.Header().Get("List-Unsubscribe"), "<>")
		}
	}
	resp, err := http.Post(unsub, "application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click"))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("one-click unsubscribe: %v %v", resp, err)
	}
	resp.Body.Close()
	if _, err := r.Run(ctx, Options{Week: "2026-W49"}); err != nil {
		t.Fatal(err)
	}
	if got := smtpSrv.PerRecipient()["lucia@example.org"]; got != 1 {
		t.Errorf("Lucia got %d mails after unsubscribing, want only the first", got)
	}
}
