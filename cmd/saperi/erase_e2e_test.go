package main

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// marker is a word only the erased person ever wrote, and what Saperi
// derives from it (the index keeps the stem).
var markers = [][]byte{[]byte("quokkaviol"), []byte("765 4321"), []byte("765-4321")}

// TestErasureLeavesNothingOnDisk erases a person whose name, address,
// phone and posting carry a unique marker, after she has been through
// everything that writes about her: a match connected (mails to both
// sides), a failed login, a password-reset request, an unsubscription and
// a weekly digest run. Then it reads the raw bytes of every file of the
// data folder, and of a backup taken right after the erasure, and finds
// the marker nowhere (findings 2, 3, 12 and 14 of the attack run).
func TestErasureLeavesNothingOnDisk(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the real binary")
	}
	data := t.TempDir()
	p := start(t, data, "--demo=false", "--purge-every", "1s", "--log-level", "info")
	var hub, her, him, need, offer, match struct{ ID uint64 }
	p.must(t, "/api/v1/hubs", map[string]any{"name": "Portineria Aurora", "area": "Aurora", "emails": []string{"portineria@example.org"},
		"point": map[string]float64{"lat": 45.08, "lon": 7.68}}, &hub)
	person := func(name, email, phone string, out any) {
		p.must(t, "/api/v1/profiles", map[string]any{"kind": "resident", "name": name, "hub_id": hub.ID, "area": "Aurora",
			"point": map[string]float64{"lat": 45.081, "lon": 7.681}, "languages": []string{"it"},
			"contacts": map[string]string{"email": email, "phone": phone},
			"consent":  map[string]string{"text": "Acconsento", "version": "1", "by": "self"}}, out)
	}
	person("Quokkaviola Rossi", "quokkaviola@example.org", "+39 011 765 4321", &her)
	person("Ahmed Benali", "ahmed@example.org", "+39 011 000 0002", &him)
	p.must(t, "/api/v1/users", map[string]any{"email": "quokkaviola@example.org", "name": "Quokkaviola Rossi", "role": "resident",
		"profile_id": her.ID, "password": "una password lunga"}, nil)
	p.must(t, "/api/v1/users", map[string]any{"email": "portineria@example.org", "name": "Operatrice Aurora", "role": "operator",
		"hub_id": hub.ID, "password": "una password lunga"}, nil)
	p.must(t, "/api/v1/postings", map[string]any{"kind": "need", "profile_id": her.ID, "title": "Cerco lezioni di quokkaviola",
		"description": "Vorrei imparare a suonare la quokkaviola, con pazienza.", "category": "cultura",
		"slots": []map[string]string{{"day": "tue", "from": "09:00", "to": "12:00"}}}, &need)
	p.must(t, "/api/v1/postings", map[string]any{"kind": "offer", "profile_id": him.ID, "title": "Lezioni di musica e strumenti",
		"description": "Insegno a suonare strumenti a corda.", "category": "cultura", "mode": "either",
		"slots": []map[string]string{{"day": "tue", "from": "10:00", "to": "13:00"}}}, &offer)
	p.must(t, "/api/v1/matches", map[string]any{"need_id": need.ID, "offer_id": offer.ID}, &match)
	p.must(t, fmt.Sprintf("/api/v1/matches/%d/accept", match.ID), map[string]any{"side": "need"}, nil)
	p.must(t, fmt.Sprintf("/api/v1/matches/%d/accept", match.ID), map[string]any{"side": "offer"}, nil)
	if resp, err := http.Post(p.base+"/api/v1/auth/login", "application/json",
		strings.NewReader(`{"email":"quokkaviola@example.org","password":"sbagliata!!"}`)); err == nil {
		resp.Body.Close()
	}
	if resp, err := http.PostForm(p.base+"/password/forgot", url.Values{"email": {"quokkaviola@example.org"}}); err == nil {
		resp.Body.Close()
	}
	outbox := filepath.Join(data, "outbox")
	herMail := waitFile(t, filepath.Join(outbox, "mail_connected_*_need.eml"))
	waitFile(t, filepath.Join(outbox, "mail_connected_*_offer.eml"))
	waitFile(t, filepath.Join(outbox, "mail_reset_*.eml"))
	unsub := regexp.MustCompile(`List-Unsubscribe: <([^>]+)>`).FindSubmatch(readFile(t, herMail))
	if unsub == nil {
		t.Fatalf("no List-Unsubscribe in %s", herMail)
	}
	// The link names the configured base URL; this server is on another port.
	_, linkPath, _ := strings.Cut(string(unsub[1]), "/l/")
	resp, err := http.Post(p.base+"/l/"+linkPath, "application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click"))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("one-click unsubscribe: %v %v", resp, err)
	}
	resp.Body.Close()

	// The weekly digests, with the server stopped as saperi digest wants.
	p.stop(t)
	if out, err := exec.Command(binary, "digest", "--data", data).CombinedOutput(); err != nil {
		t.Fatalf("saperi digest: %v\n%s", err, out)
	}
	hits := grepTree(t, data)
	t.Logf("before the erasure: %v", hits)
	if len(hits) < 3 {
		t.Fatalf("before the erasure the marker is in only %v: the test would prove nothing", hits)
	}

	p = start(t, data, "--demo=false", "--purge-every", "1s", "--log-level", "info")
	req, _ := http.NewRequest(http.MethodDelete, fmt.Sprintf("%s/api/v1/profiles/%d", p.base, her.ID), nil)
	req.Header.Set("Authorization", "Bearer "+p.token)
	resp, err = http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("erase: %v %v", resp, err)
	}
	resp.Body.Close()
	backup := filepath.Join(t.TempDir(), "backup.db")
	req, _ = http.NewRequest(http.MethodGet, p.base+"/api/v1/admin/backup", nil)
	req.Header.Set("Authorization", "Bearer "+p.token)
	resp, err = http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("backup: %v %v", resp, err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err := os.WriteFile(backup, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	if hits := grepTree(t, filepath.Dir(backup)); len(hits) > 0 {
		t.Errorf("a backup taken right after the erasure holds the marker: %v", hits)
	}
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(p.errs.String(), "erasures purged from disk"); {
		if time.Now().After(deadline) {
			t.Fatalf("no purge within 30 s:\n%s", p.errs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	p.stop(t)
	if hits := grepTree(t, data); len(hits) > 0 {
		t.Errorf("after the erasure and the purge, the data folder holds the marker: %v", hits)
	}
}

// must posts body as the proc's admin token and fails unless it answers
// 2xx; out receives the JSON answer.
func (p *proc) must(tb testing.TB, path string, body, out any) {
	tb.Helper()
	st, err := p.postJSON(p.base+path, body, out)
	if err != nil || st >= 300 {
		tb.Fatalf("POST %s: %d %v", path, st, err)
	}
}

// stop ends the server with SIGTERM and waits for it.
func (p *proc) stop(tb testing.TB) {
	tb.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		tb.Fatal(err)
	}
	if err := p.cmd.Wait(); err != nil {
		tb.Fatalf("exit: %v\n%s", err, p.errs.String())
	}
}

func waitFile(tb testing.TB, pattern string) string {
	tb.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if m, _ := filepath.Glob(pattern); len(m) > 0 {
			return m[0]
		}
	}
	tb.Fatalf("no file %s within 30 s", pattern)
	return ""
}

func readFile(tb testing.TB, path string) []byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// grepTree lists the files under dir whose raw bytes hold a marker (any
// case), with the marker found.
func grepTree(tb testing.TB, dir string) []string {
	tb.Helper()
	var hits []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw := bytes.ToLower(readFile(tb, path))
		for _, m := range markers {
			if bytes.Contains(raw, m) {
				rel, _ := filepath.Rel(dir, path)
				hits = append(hits, rel+": "+string(m))
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return hits
}
