package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestDiskFullLosesNothing puts the data folder on a small RAM disk, writes
// until the disk is full, and checks that every refusal is a clear 507 and
// every acknowledged write survives: after the disk grows and the server is
// killed and restarted, all of them are stored and findable.
//
// It needs root to mount a tmpfs (CI runs as root); elsewhere it skips.
func TestDiskFullLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the real binary")
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount a small tmpfs")
	}
	mnt := filepath.Join(t.TempDir(), "disk")
	if err := os.MkdirAll(mnt, 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", mnt).CombinedOutput(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("mount tmpfs: %v %s", err, out)
		}
		t.Skipf("cannot mount a tmpfs here: %v %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("umount", "-l", mnt).Run() })
	data := filepath.Join(mnt, "data")

	p := start(t, data, "--demo=false")
	var hub, prof struct{ ID uint64 }
	if st, err := p.postJSON(p.base+"/api/v1/hubs", map[string]any{"name": "Portineria di prova"}, &hub); err != nil || st != 201 {
		t.Fatalf("hub: %d %v", st, err)
	}
	if st, err := p.postJSON(p.base+"/api/v1/profiles", map[string]any{"kind": "resident", "name": "Persona di prova",
		"hub_id": hub.ID, "consent": map[string]string{"text": "ok", "by": "self"}}, &prof); err != nil || st != 201 {
		t.Fatalf("profile: %d %v", st, err)
	}
	type ack struct {
		id    uint64
		token string
	}
	var acked []ack
	full := 0
	filler := strings.Repeat("Una descrizione lunga per riempire il disco in fretta. ", 60)
	for i := 0; i < 4000 && full < 5; i++ {
		token := fmt.Sprintf("d%dq", i)
		body := map[string]any{"kind": "offer", "profile_id": prof.ID, "title": "Offro aiuto " + token,
			"description": filler, "mode": "remote"}
		raw, _ := json.Marshal(body)
		req, _ := http.NewRequest(http.MethodPost, p.base+"/api/v1/postings", strings.NewReader(string(raw)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+p.token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
		var out struct {
			ID     uint64
			Code   string
			Detail string
		}
		_ = json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		switch resp.StatusCode {
		case 201:
			acked = append(acked, ack{out.ID, token})
		case http.StatusInsufficientStorage:
			full++
			if resp.Header.Get("Content-Type") != "application/problem+json" || out.Code != "unavailable" ||
				!strings.Contains(out.Detail, "disco") {
				t.Fatalf("disk-full answer: %s %+v", resp.Header.Get("Content-Type"), out)
			}
		default:
			t.Fatalf("write %d: status %d %+v, want 201 or 507", i, resp.StatusCode, out)
		}
	}
	if full == 0 {
		t.Fatalf("the disk never filled after %d writes", len(acked))
	}
	if len(acked) < 10 {
		t.Fatalf("only %d writes before the disk filled: nothing was exercised", len(acked))
	}
	// Reads still work on a full disk.
	var body map[string]any
	if st := p.getJSON(t, fmt.Sprintf("%s/api/v1/postings/%d", p.base, acked[0].id), &body); st != 200 {
		t.Logf("answer: %v", body)
		t.Fatalf("read on a full disk: %d\n%s", st, p.errs.String())
	}

	// The operator makes room; the server dies hard and comes back.
	if out, err := exec.Command("mount", "-o", "remount,size=64m", mnt).CombinedOutput(); err != nil {
		t.Fatalf("grow tmpfs: %v %s", err, out)
	}
	p.kill(t)
	p = start(t, data, "--demo=false")
	for _, a := range acked {
		var got struct{ Title string }
		if st := p.getJSON(t, fmt.Sprintf("%s/api/v1/postings/%d", p.base, a.id), &got); st != 200 || !strings.Contains(got.Title, a.token) {
			t.Fatalf("acknowledged posting %d lost after the disk filled: %d %q", a.id, st, got.Title)
		}
		var res struct{ Total int }
		p.getJSON(t, p.base+"/api/v1/search?q="+a.token, &res)
		if res.Total != 1 {
			t.Fatalf("acknowledged posting %d (%s) not findable once: %d hits", a.id, a.token, res.Total)
		}
	}
	t.Logf("%d writes acknowledged before the disk filled; %d refused with 507; all found after restart", len(acked), full)
}
