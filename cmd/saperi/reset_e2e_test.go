package main

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/http"
	"net/mail"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestResetMailToOutbox runs the real binary with no SMTP server: a
// request on the "forgot password" form lands as an .eml file in
// DATA/outbox/, and the link in it sets a new password.
func TestResetMailToOutbox(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the real binary")
	}
	data := t.TempDir()
	const oldPW, newPW = "la vecchia password", "la nuova password"
	add := exec.Command(binary, "user", "add", "--data", data, "--role", "admin", "--email", "coord@example.org",
		"--name", "Anna Coordinatrice", "--lang", "en", "--password-file", "-")
	add.Stdin = strings.NewReader(oldPW + "\n")
	if out, err := add.CombinedOutput(); err != nil {
		t.Fatalf("saperi user add: %v\n%s", err, out)
	}
	p := start(t, data)
	defer p.kill(t)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(path, ctype, body string) *http.Response {
		t.Helper()
		resp, err := client.Post(p.base+path, ctype, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	login := func(pw string) int {
		body, _ := json.Marshal(map[string]string{"email": "coord@example.org", "password": pw})
		return post("/api/v1/auth/login", "application/json", string(body)).StatusCode
	}

	if resp := post("/password/forgot", "application/x-www-form-urlencoded", "email=coord%40example.org"); resp.StatusCode != 200 {
		t.Fatalf("forgot: %d", resp.StatusCode)
	}
	path := outboxResetPath(t, data, "Choose a new password")
	resp, err := http.Get(p.base + path)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET link: %v %v", resp, err)
	}
	resp.Body.Close()
	resp = post(path, "application/x-www-form-urlencoded", url.Values{"password": {newPW}, "password2": {newPW}}.Encode())
	if resp.StatusCode != 303 {
		t.Fatalf("POST link: %d", resp.StatusCode)
	}
	if got := login(oldPW); got != 401 {
		t.Fatalf("old password: %d", got)
	}
	if got := login(newPW); got != 200 {
		t.Fatalf("new password: %d", got)
	}
}

// outboxResetPath waits for a password-reset mail in DATA/outbox/ and
// returns the path of its link; the mail's text must contain want.
func outboxResetPath(t *testing.T, data, want string) string {
	t.Helper()
	return outboxLinkPath(t, data, "mail_reset_*.eml", "", "/password/reset/", want)
}

// outboxSignupPath waits for the mail that confirms a sign-up for to in
// DATA/outbox/ and returns the path of its link; the mail's text must
// contain want.
func outboxSignupPath(t *testing.T, data, to, want string) string {
	t.Helper()
	return outboxLinkPath(t, data, "mail_signup_*.eml", to, "/signup/confirm/", want)
}

// outboxLinkPath waits for a mail in DATA/outbox/ whose file name matches
// glob (and whose recipient is to, unless empty) and returns the path of
// its link that starts with prefix; the mail's text must contain want.
func outboxLinkPath(t *testing.T, data, glob, to, prefix, want string) string {
	t.Helper()
	var raw []byte
	for deadline := time.Now().Add(30 * time.Second); raw == nil; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no mail %s to %q in the outbox", glob, to)
		}
		files, _ := filepath.Glob(filepath.Join(data, "outbox", glob))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			msg, err := mail.ReadMessage(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			if a, err := mail.ParseAddress(msg.Header.Get("To")); to == "" || (err == nil && a.Address == to) {
				raw = b
				break
			}
		}
	}
	text := textPart(t, raw)
	if !strings.Contains(text, want) {
		t.Fatalf("the mail lacks %q:\n%s", want, text)
	}
	m := regexp.MustCompile(`https?://[^\s/]+(` + regexp.QuoteMeta(prefix) + `[A-Za-z0-9_\-.]+)`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no link in:\n%s", text)
	}
	return m[1]
}

// textPart returns the decoded text/plain part of a MIME message.
func textPart(t *testing.T, raw []byte) string {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var walk func(ctype, enc string, body io.Reader) string
	walk = func(ctype, enc string, body io.Reader) string {
		mt, params, err := mime.ParseMediaType(ctype)
		if err != nil {
			t.Fatalf("content type %q: %v", ctype, err)
		}
		if strings.HasPrefix(mt, "multipart/") {
			mr := multipart.NewReader(body, params["boundary"])
			for {
				part, err := mr.NextPart()
				if err != nil {
					return ""
				}
				if s := walk(part.Header.Get("Content-Type"), part.Header.Get("Content-Transfer-Encoding"), part); s != "" {
					return s
				}
			}
		}
		if mt != "text/plain" {
			return ""
		}
		if strings.EqualFold(enc, "quoted-printable") {
			body = quotedprintable.NewReader(body)
		}
		b, err := io.ReadAll(body)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	return walk(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
}
