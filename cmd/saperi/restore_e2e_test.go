package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestRestoreDrill is the restore drill: a server with the demo data and
// matches in every state; a hot backup through the running server
// (saperi backup --addr); saperi restore into an empty folder; a server
// started on it answers the same for every posting, every match and the
// candidates of the needs.
func TestRestoreDrill(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the real binary")
	}
	data := t.TempDir()
	// No weekly run on either side: it proposes matches at start when the
	// week's run is missing, which would change the answers compared.
	p := start(t, data, "--demo", "--digests=false")
	var needs, offers struct {
		Items []struct{ ID uint64 }
	}
	p.getJSON(t, p.base+"/api/v1/postings?kind=need&limit=500", &needs)
	p.getJSON(t, p.base+"/api/v1/postings?kind=offer&limit=500", &offers)
	if len(needs.Items) < 10 || len(offers.Items) < 10 {
		t.Fatalf("demo: %d needs, %d offers", len(needs.Items), len(offers.Items))
	}
	// Matches: proposed, accepted by one side, connected, declined.
	for i, action := range []string{"", "accept-need", "connect", "decline"} {
		var m struct{ ID uint64 }
		proposed := false
		for _, o := range offers.Items[4*i:] { // not every pair may be proposed (same person, no reach)
			st, err := p.postJSON(p.base+"/api/v1/matches", map[string]any{"need_id": needs.Items[i].ID, "offer_id": o.ID}, &m)
			if err != nil {
				t.Fatal(err)
			}
			if proposed = st == 201; proposed {
				break
			}
		}
		if !proposed {
			t.Fatalf("no offer could be proposed for need %d", needs.Items[i].ID)
		}
		base := fmt.Sprintf("%s/api/v1/matches/%d/", p.base, m.ID)
		switch action {
		case "accept-need":
			p.must(t, base[len(p.base):]+"accept", map[string]string{"side": "need"}, nil)
		case "connect":
			p.must(t, base[len(p.base):]+"accept", map[string]string{"side": "need"}, nil)
			p.must(t, base[len(p.base):]+"accept", map[string]string{"side": "offer"}, nil)
		case "decline":
			p.must(t, base[len(p.base):]+"decline", map[string]string{"side": "offer"}, nil)
		}
	}
	answers := func(p *proc) map[string]any {
		t.Helper()
		out := map[string]any{}
		for _, ps := range [][]struct{ ID uint64 }{needs.Items, offers.Items} {
			for _, x := range ps {
				var post, ms any
				for path, v := range map[string]*any{fmt.Sprintf("/api/v1/postings/%d", x.ID): &post,
					fmt.Sprintf("/api/v1/postings/%d/matches", x.ID): &ms} {
					if st := p.getJSON(t, p.base+path, v); st != 200 {
						t.Fatalf("GET %s: %d", path, st)
					}
					out[path] = *v
				}
			}
		}
		for id := uint64(1); id <= 4; id++ {
			var m any
			path := fmt.Sprintf("/api/v1/matches/%d", id)
			if st := p.getJSON(t, p.base+path, &m); st != 200 {
				t.Fatalf("GET %s: %d", path, st)
			}
			out[path] = m
		}
		for _, n := range needs.Items[4:14] {
			var c struct {
				Items []struct {
					Posting struct{ ID uint64 }
				}
			}
			path := fmt.Sprintf("/api/v1/postings/%d/candidates?limit=5", n.ID)
			if st := p.getJSON(t, p.base+path, &c); st != 200 {
				t.Fatalf("GET %s: %d", path, st)
			}
			out[path] = c
		}
		return out
	}
	before := answers(p)

	backup := filepath.Join(t.TempDir(), "saperi-backup.db")
	addr := strings.TrimPrefix(p.base, "http://")
	if out, err := exec.Command(binary, "backup", "--data", data, "--addr", addr, "--token", p.token, backup).CombinedOutput(); err != nil {
		t.Fatalf("saperi backup: %v\n%s", err, out)
	}
	restored := filepath.Join(t.TempDir(), "restored")
	out, err := exec.Command(binary, "restore", "--data", restored, backup).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Restored") {
		t.Fatalf("saperi restore: %v\n%s", err, out)
	}
	if out, err := exec.Command(binary, "restore", "--data", restored, backup).CombinedOutput(); err == nil {
		t.Fatalf("restore over an existing store succeeded:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(restored, "index.bleve")); !os.IsNotExist(err) {
		t.Fatalf("restore left an index: %v", err)
	}
	q := start(t, restored, "--digests=false")
	after := answers(q)
	if len(after) != len(before) {
		t.Fatalf("%d answers after, %d before", len(after), len(before))
	}
	for k, v := range before {
		if !reflect.DeepEqual(v, after[k]) {
			t.Errorf("%s differs after the restore:\nbefore %v\nafter  %v", k, v, after[k])
		}
	}
}
