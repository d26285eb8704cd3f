package main

import (
	"context"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/digest/digesttest"
	"github.com/saperi/saperi/store"
)

// TestDigestKillNine runs `saperi digest` against a slow SMTP server on
// loopback, kills it with SIGKILL mid-run, runs it again, and checks that
// every planned recipient got exactly one mail.
//
// The kill lands while the binary waits in the middle of a message (the
// server delays its answer to RCPT), after ten mails were delivered and
// marked. It cannot land in the one window Runner documents (the server
// accepted a mail, the store has not marked it sent yet: that mail is
// sent again, with the same Message-ID); digest.TestCrashResumes covers
// that window by injection.
func TestDigestKillNine(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real binary")
	}
	data := t.TempDir()
	for _, args := range [][]string{{"seed"}, {"assign"}} {
		out, err := exec.Command(binary, append(args, "--data", data, "--log-level", "warn")...).CombinedOutput()
		if err != nil {
			t.Fatalf("saperi %s: %v\n%s", args[0], err, out)
		}
	}
	smtp := digesttest.Start(t)
	smtp.SetDelay(60 * time.Millisecond)
	args := []string{"digest", "--data", data, "--log-level", "warn", "--smtp-host", smtp.Host,
		"--smtp-port", strconv.Itoa(smtp.Port), "--smtp-tls", "none", "--mail-rate", "0"}

	run := exec.Command(binary, args...)
	var out lockedBuffer
	run.Stdout, run.Stderr = &out, &out
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for smtp.Rcpts() < 11 {
		if time.Now().After(deadline) {
			t.Fatalf("only %d mails arrived: %s", len(smtp.Mails()), out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := run.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = run.Wait()
	first := len(smtp.Mails())

	again, err := exec.Command(binary, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("second run: %v\n%s", err, again)
	}
	if !strings.Contains(string(again), "already sent before") {
		t.Fatalf("second run said: %s", again)
	}

	db, err := store.Open(filepath.Join(data, "saperi.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	recs, err := db.Sends(context.Background(), "digest/")
	if err != nil {
		t.Fatal(err)
	}
	got := smtp.PerRecipient()
	if len(recs) < 20 || len(recs) <= first {
		t.Fatalf("%d records, %d mails before the kill: the kill was not mid-run", len(recs), first)
	}
	for _, r := range recs {
		if r.State != saperi.SendSent {
			t.Errorf("%s is %s", r.Key, r.State)
		}
		if got[strings.ToLower(r.To)] != 1 {
			t.Errorf("%s received %d mails", r.To, got[strings.ToLower(r.To)])
		}
	}
	if len(got) != len(recs) {
		t.Errorf("%d recipients for %d records", len(got), len(recs))
	}
	t.Logf("%d mails before the kill, %d in all", first, len(smtp.Mails()))
}
