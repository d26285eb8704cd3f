package digest

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestScrubOutbox is finding 2: after an erasure, the outbox keeps no
// mail to the person nor any mail that holds what identifies them (the
// other side's "connected" mail with her name and phone, encoded as the
// mailer writes it), and keeps everybody else's.
func TestScrubOutbox(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "outbox")
	d := &DirMailer{Dir: dir, Now: func() time.Time { return time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC) }}
	send := func(key, to, text string) {
		t.Helper()
		m := &Message{Key: key, MessageID: "<" + strings.ReplaceAll(key, "/", ".") + "@saperi>", From: "saperi@example.org", To: to,
			Subject: "Saperi", Text: text, HTML: "<p>" + text + "</p>"}
		if err := d.Send(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	send("mail/reset/7/1", "quokkaviola@example.org", "Ciao, ecco il link.")
	send("mail/connected/3/offer", "ahmed@example.org", "Anche Quokkaviola Rossi ha detto sì per «Cerco lezioni». "+
		"Telefono: +39 011 123456 "+strings.Repeat("testo lungo da spezzare ", 10))
	send("digest/2026-W48/personal/9", "lucia@example.org", "* «Cerco lezioni di quokkaviola per mia figlia — è urgente»")
	send("digest/2026-W48/personal/10", "john@example.org", "* «Aiuto con il computer»")
	if err := os.WriteFile(filepath.Join(dir, "x.eml.tmp"), []byte("quokkaviola"), 0o600); err != nil {
		t.Fatal(err)
	}
	n, err := ScrubOutbox(dir, []string{"mail/reset/7/1"}, []string{"+39 011 123456", "cerco lezioni di quokkaviola per mia figlia — è urgente"})
	if err != nil {
		t.Fatal(err)
	}
	left, _ := filepath.Glob(filepath.Join(dir, "*"))
	for i := range left {
		left[i] = filepath.Base(left[i])
	}
	if want := []string{FileName("digest/2026-W48/personal/10")}; n != 4 || !slices.Equal(left, want) {
		t.Fatalf("removed %d, left %v; want 4 removed, %v left", n, left, want)
	}
	if n, err := ScrubOutbox(filepath.Join(t.TempDir(), "none"), nil, []string{"x"}); n != 0 || err != nil {
		t.Fatalf("missing folder: %d %v", n, err)
	}
}
