package digest

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/digest/digesttest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./digest -update)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file (run go test ./digest -update and review the diff)\n--- got\n%s", path, got)
	}
}

func TestGolden(t *testing.T) {
	f := newFixture(t)
	r := f.runner(t, nil)
	snap, err := Load(context.Background(), f.db)
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := r.Compose(context.Background(), snap, testWeek)
	if err != nil {
		t.Fatal(err)
	}
	byTo := map[string]*Message{}
	for _, m := range msgs {
		byTo[m.To] = m
	}
	for _, tc := range []struct{ to, name string }{
		{"maria@example.org", "personal.it"},
		{"john@example.org", "personal.en"},
		{"lucia@example.org", "expiring.it"},
		{"portineria@example.org", "hub.it"},
	} {
		m := byTo[tc.to]
		if m == nil {
			t.Fatalf("no mail for %s among %d", tc.to, len(msgs))
		}
		golden(t, tc.name+".html", m.HTML)
		golden(t, tc.name+".txt", "Subject: "+m.Subject+"\n\n"+m.Text)
	}
	if len(msgs) != 4 {
		t.Errorf("composed %d mails, want 4 (Ahmed has no email)", len(msgs))
	}
	hub := byTo["portineria@example.org"]
	if !strings.Contains(hub.Text, "Ahmed Benali (+39 011 000 0002)") {
		t.Errorf("hub digest does not list Ahmed to call:\n%s", hub.Text)
	}
}

func TestNothingToSayNoMail(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	// Maria answers; Lucia renews: neither has anything left to hear.
	if _, err := f.db.UpdateMatch(ctx, f.matchMaria.ID, func(m *saperi.Match) error {
		return m.Apply(saperi.Decline, saperi.NeedSide, "test", "", testNow)
	}, saperi.Event{At: testNow, Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.UpdatePosting(ctx, f.offerLucia.ID, func(p *saperi.Posting) error {
		return p.Apply(saperi.Renew, testNow)
	}, saperi.Event{At: testNow, Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	r := f.runner(t, nil)
	snap, _ := Load(ctx, f.db)
	msgs, err := r.Compose(ctx, snap, testWeek)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if m.To == "maria@example.org" || m.To == "lucia@example.org" {
			t.Errorf("mail to %s with nothing to say:\n%s", m.To, m.Text)
		}
	}
}

// memMailer keeps what it was given.
type memMailer struct{ got []*Message }

func (m *memMailer) Send(_ context.Context, msg *Message) error {
	m.got = append(m.got, msg)
	return nil
}

// TestCrashResumes injects a crash at each step of sending the second
// mail, runs again, and checks that everybody got the mail, and got it
// once; only a crash between delivery and the "sent" mark resends, with
// the same Message-ID (the at-least-once window, see Runner).
func TestCrashResumes(t *testing.T) {
	for _, step := range []string{stepBeforeSend, stepAfterSend, stepAfterMark} {
		t.Run(step, func(t *testing.T) {
			f := newFixture(t)
			ctx := context.Background()
			mm := &memMailer{}
			r := f.runner(t, mm)
			crash := errors.New("crash")
			n := 0
			r.failAt = func(s, key string) error {
				if s == step {
					if n++; n == 2 {
						return crash
					}
				}
				return nil
			}
			if _, err := r.Run(ctx, Options{Week: testWeek}); !errors.Is(err, crash) {
				t.Fatalf("first run: %v, want the crash", err)
			}
			r.failAt = nil
			rep, err := r.Run(ctx, Options{Week: testWeek})
			if err != nil {
				t.Fatal(err)
			}
			count := map[string]int{}
			ids := map[string]map[string]bool{}
			for _, m := range mm.got {
				count[m.To]++
				if ids[m.To] == nil {
					ids[m.To] = map[string]bool{}
				}
				ids[m.To][m.MessageID] = true
			}
			if len(count) != 4 {
				t.Fatalf("%d recipients got mail, want 4: %v", len(count), count)
			}
			for to, c := range count {
				want := 1
				if step == stepAfterSend && c == 2 {
					want = 2 // the one resent mail
				}
				if c != want || len(ids[to]) != 1 {
					t.Errorf("%s got %d mails with %d Message-IDs", to, c, len(ids[to]))
				}
			}
			if total := len(mm.got); (step == stepAfterSend) != (total == 5) {
				t.Errorf("step %s: %d deliveries in all", step, total)
			}
			// A third run sends nothing.
			before := len(mm.got)
			rep, err = r.Run(ctx, Options{Week: testWeek})
			if err != nil || len(mm.got) != before || rep.Sent != 0 || rep.Done != 4 {
				t.Fatalf("third run sent again: %+v %v", rep, err)
			}
		})
	}
}

// TestSMTP sends the week's digests to a real SMTP server on loopback,
// the first delivery refused with a temporary error and retried.
func TestSMTP(t *testing.T) {
	f := newFixture(t)
	srv := digesttest.Start(t)
	srv.SetTempFail(1)
	m, err := NewSMTPMailer(SMTPConfig{Host: srv.Host, Port: srv.Port, TLS: "none"}, func() time.Time { return testNow })
	if err != nil {
		t.Fatal(err)
	}
	r := f.runner(t, m)
	rep, err := r.Run(context.Background(), Options{Week: testWeek})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Sent != 4 || rep.Failed != 0 {
		t.Fatalf("report %+v", rep)
	}
	got := srv.PerRecipient()
	for _, to := range []string{"maria@example.org", "john@example.org", "lucia@example.org", "portineria@example.org"} {
		if got[to] != 1 {
			t.Errorf("%s received %d mails", to, got[to])
		}
	}
	for _, ml := range srv.Mails() {
		h := ml.Header()
		if !strings.HasPrefix(h.Get("List-Unsubscribe"), "<https://saperi.example.org/l/") || h.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
			t.Errorf("unsubscribe headers: %q %q", h.Get("List-Unsubscribe"), h.Get("List-Unsubscribe-Post"))
		}
		if !strings.HasPrefix(h.Get("Message-Id"), "<digest."+testWeek) {
			t.Errorf("Message-ID %q", h.Get("Message-Id"))
		}
		text, html := parts(t, ml.Raw)
		if !strings.Contains(text, "/l/") || !strings.Contains(html, "/l/") {
			t.Errorf("to %v: parts without links:\ntext %q\nhtml %q", ml.To, text, html)
		}
		if ml.To[0] == "portineria@example.org" && !bytes.Contains(ml.Raw, []byte("Content-Id: <week-chart@saperi>")) &&
			!bytes.Contains(ml.Raw, []byte("Content-ID: <week-chart@saperi>")) {
			t.Errorf("hub digest without the inline chart:\n%s", ml.Raw)
		}
	}
}

// parts returns the text/plain and text/html parts of a raw mail, at any
// depth of multipart nesting.
func parts(t *testing.T, raw []byte) (text, html string) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var walk func(ctype string, body io.Reader, enc string)
	walk = func(ctype string, body io.Reader, enc string) {
		mt, params, err := mime.ParseMediaType(ctype)
		if err != nil {
			t.Fatalf("content type %q: %v", ctype, err)
		}
		if strings.HasPrefix(mt, "multipart/") {
			mr := multipart.NewReader(body, params["boundary"])
			for {
				p, err := mr.NextPart()
				if err == io.EOF {
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				walk(p.Header.Get("Content-Type"), p, p.Header.Get("Content-Transfer-Encoding"))
			}
		}
		b := decodeBody(t, body, enc)
		switch mt {
		case "text/plain":
			text = b
		case "text/html":
			html = b
		}
	}
	walk(msg.Header.Get("Content-Type"), msg.Body, msg.Header.Get("Content-Transfer-Encoding"))
	return text, html
}

func decodeBody(t *testing.T, r io.Reader, enc string) string {
	t.Helper()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	switch strings.ToLower(enc) {
	case "quoted-printable":
		out, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(b)))
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	case "base64":
		out, err := io.ReadAll(base64.NewDecoder(base64.StdEncoding, bytes.NewReader(bytes.ReplaceAll(b, []byte("\r\n"), nil))))
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	return string(b)
}

// TestUnsubscribeMidRun: John unsubscribes after the run planned his mail
// but before it was sent; the resumed run skips him.
func TestUnsubscribeMidRun(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	mm := &memMailer{}
	r := f.runner(t, mm)
	crash := errors.New("crash")
	r.failAt = func(step, key string) error {
		if step == stepBeforeSend && strings.HasSuffix(key, fmt.Sprintf("/personal/%d", f.john.ID)) {
			return crash
		}
		return nil
	}
	if _, err := r.Run(ctx, Options{Week: testWeek}); !errors.Is(err, crash) {
		t.Fatalf("first run: %v", err)
	}
	if err := f.db.Unsubscribe(ctx, "John@Example.org", saperi.Event{At: testNow, Actor: "link"}); err != nil {
		t.Fatal(err)
	}
	r.failAt = nil
	rep, err := r.Run(ctx, Options{Week: testWeek})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range mm.got {
		if m.To == "john@example.org" {
			t.Fatal("John got a digest after unsubscribing")
		}
	}
	if rep.Skipped != 1 || len(mm.got) != 3 {
		t.Fatalf("report %+v, %d mails", rep, len(mm.got))
	}
}
