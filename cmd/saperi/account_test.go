package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAccountCommands(t *testing.T) {
	data := t.TempDir()
	run := func(args ...string) (int, string) {
		var out, errOut bytes.Buffer
		code := Main(context.Background(), args, &out, &errOut)
		return code, out.String() + errOut.String()
	}
	pw := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pw, []byte("una password lunga\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out := run("user", "add", "--data", data, "--role", "admin", "--email", "Anna@Example.org", "--password-file", pw); code != 0 ||
		!strings.Contains(out, "anna@example.org (admin)") {
		t.Fatalf("user add: %d %s", code, out)
	}
	if code, out := run("user", "add", "--data", data, "--role", "admin", "--email", "anna@example.org", "--password-file", pw); code != 2 ||
		!strings.Contains(out, "already exists") {
		t.Fatalf("duplicate user add: %d %s", code, out)
	}
	short := filepath.Join(t.TempDir(), "short")
	_ = os.WriteFile(short, []byte("corta"), 0o600)
	if code, out := run("user", "add", "--data", data, "--email", "b@example.org", "--role", "admin", "--password-file", short); code != 2 ||
		!strings.Contains(out, "at least 10") {
		t.Fatalf("short password: %d %s", code, out)
	}
	if code, out := run("user", "add", "--data", data, "--email", "c@example.org", "--role", "admin", "--lang", "de", "--password-file", pw); code != 2 ||
		!strings.Contains(out, "it, en, fr, ar, ro, uk, es") {
		t.Fatalf("a language Saperi is not written in: %d %s", code, out)
	}
	if code, out := run("user", "add", "--data", data, "--email", "d@example.org", "--name", "Olena", "--role", "admin", "--lang", "uk", "--password-file", pw); code != 0 {
		t.Fatalf("user add --lang uk: %d %s", code, out)
	}
	if code, out := run("user", "list", "--data", data); code != 0 || !strings.Contains(out, "admin\tanna@example.org") {
		t.Fatalf("user list: %d %s", code, out)
	}
	code, out := run("token", "create", "--data", data, "--name", "ci")
	if code != 0 || !strings.HasPrefix(out, "spt_") {
		t.Fatalf("token create: %d %s", code, out)
	}
	if code, out := run("token", "revoke", "--data", data, "1"); code != 0 {
		t.Fatalf("token revoke: %d %s", code, out)
	}
	if code, out := run("token", "list", "--data", data); code != 0 || !strings.Contains(out, "revoked") || strings.Contains(out, "spt_") {
		t.Fatalf("token list: %d %s", code, out)
	}
	if code, _ := run("token", "--data", data); code != 2 {
		t.Fatal("token without an action should be a usage error")
	}
}
