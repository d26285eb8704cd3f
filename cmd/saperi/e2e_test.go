package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/saperi/saperi"
)

// binary is the saperi binary built once for the end-to-end tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "saperi-bin-*")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "saperi")
	out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "build saperi: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// proc is a running saperi serve.
type proc struct {
	cmd   *exec.Cmd
	base  string
	token string        // an admin API token, created before serve started
	out   lockedBuffer  // what it printed on stdout
	errs  *lockedBuffer // what it logged on stderr
}

func (p *proc) output() string { return p.out.String() }

// lockedBuffer is a bytes.Buffer safe for a writer and a reader goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// start creates an admin API token in data (`saperi token create`, as an
// integrator would), runs `saperi serve` on a free loopback port and
// waits until it answers /readyz.
func start(tb testing.TB, data string, extra ...string) *proc {
	tb.Helper()
	tok, err := exec.Command(binary, "token", "create", "--data", data, "--name", "e2e").Output()
	if err != nil {
		tb.Fatalf("saperi token create: %v", err)
	}
	args := append([]string{"serve", "--addr", "127.0.0.1:0", "--data", data, "--log-level", "warn"}, extra...)
	cmd := exec.Command(binary, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	var errBuf lockedBuffer
	cmd.Stderr = &errBuf
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	p := &proc{cmd: cmd, token: strings.TrimSpace(string(tok)), errs: &errBuf}
	tb.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			_, _ = p.out.Write([]byte(line + "\n"))
			if _, url, ok := strings.Cut(line, "listening on "); ok {
				found <- url
			}
		}
	}()
	select {
	case p.base = <-found:
	case <-time.After(60 * time.Second):
		tb.Fatalf("saperi did not start: %s", errBuf.String())
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(p.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return p
			}
		}
		if time.Now().After(deadline) {
			tb.Fatalf("saperi never became ready: %v %s", err, errBuf.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (p *proc) kill(tb testing.TB) {
	tb.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		tb.Fatal(err)
	}
	_ = p.cmd.Wait()
}

// postJSON posts body as the proc's admin API token.
func (p *proc) postJSON(url string, body any, out any) (int, error) {
	raw, _ := json.Marshal(body)
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(raw))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+p.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, err
	}
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(b, out); err != nil {
			return resp.StatusCode, err
		}
	}
	return resp.StatusCode, nil
}

// getJSON gets url as the proc's admin API token.
func (p *proc) getJSON(tb testing.TB, url string, out any) int {
	tb.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+p.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			tb.Fatalf("GET %s: %v", url, err)
		}
	}
	return resp.StatusCode
}

// TestKillNineLosesNothing writes from many goroutines, kills the server
// with SIGKILL mid-stream, restarts it and checks that every write that
// was acknowledged is in the store and findable through search, once.
func TestKillNineLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the real binary")
	}
	data := t.TempDir()
	p := start(t, data, "--demo=false")
	var hub, prof struct{ ID uint64 }
	if st, err := p.postJSON(p.base+"/api/v1/hubs", map[string]any{"name": "Portineria di prova"}, &hub); err != nil || st != 201 {
		t.Fatalf("hub: %d %v", st, err)
	}
	if st, err := p.postJSON(p.base+"/api/v1/profiles", map[string]any{"kind": "resident", "name": "Persona di prova", "hub_id": hub.ID,
		"consent": map[string]string{"text": "ok", "by": "self"}}, &prof); err != nil || st != 201 {
		t.Fatalf("profile: %d %v", st, err)
	}

	type ack struct {
		id    uint64
		token string
	}
	var acked []ack
	const rounds, writers = 3, 8
	for round := 0; round < rounds; round++ {
		var (
			mu   sync.Mutex
			wg   sync.WaitGroup
			stop = make(chan struct{})
		)
		for g := 0; g < writers; g++ {
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					token := fmt.Sprintf("r%dw%dn%dq", round, g, i)
					var out struct{ ID uint64 }
					st, err := p.postJSON(p.base+"/api/v1/postings", map[string]any{"kind": "offer", "profile_id": prof.ID,
						"title": "Offro aiuto numero " + token, "mode": "remote"}, &out)
					if err != nil {
						return // the server is gone
					}
					if st == 201 {
						mu.Lock()
						acked = append(acked, ack{out.ID, token})
						mu.Unlock()
					}
				}
			}(g)
		}
		time.Sleep(time.Duration(300+200*round) * time.Millisecond)
		p.kill(t)
		close(stop)
		wg.Wait()
		p = start(t, data, "--demo=false")
	}
	if len(acked) < 20 {
		t.Fatalf("only %d writes were acknowledged: the test did not exercise anything", len(acked))
	}
	seen := map[uint64]bool{}
	for _, a := range acked {
		if seen[a.id] {
			t.Fatalf("id %d acknowledged twice", a.id)
		}
		seen[a.id] = true
		var got struct{ Title string }
		if st := p.getJSON(t, fmt.Sprintf("%s/api/v1/postings/%d", p.base, a.id), &got); st != 200 || !strings.Contains(got.Title, a.token) {
			t.Fatalf("acknowledged posting %d (%s) lost: %d %q", a.id, a.token, st, got.Title)
		}
		var res struct {
			Items []struct{ ID uint64 }
			Total int
		}
		p.getJSON(t, p.base+"/api/v1/search?q="+a.token, &res)
		if res.Total != 1 || len(res.Items) != 1 || res.Items[0].ID != a.id {
			t.Fatalf("acknowledged posting %d (%s) not findable once by search: %+v", a.id, a.token, res)
		}
	}
	// No duplicates in the store: every title appears once.
	titles := map[string]int{}
	after := uint64(0)
	for {
		var page struct {
			Items []struct {
				ID    uint64
				Title string
			}
			NextAfter *uint64 `json:"next_after"`
		}
		p.getJSON(t, fmt.Sprintf("%s/api/v1/postings?limit=500&after=%d", p.base, after), &page)
		for _, it := range page.Items {
			titles[it.Title]++
			if titles[it.Title] > 1 {
				t.Fatalf("duplicate posting %q", it.Title)
			}
		}
		if page.NextAfter == nil {
			break
		}
		after = *page.NextAfter
	}
	t.Logf("%d acknowledged writes over %d kills, %d postings stored", len(acked), rounds, len(titles))
}

// TestServeStartsEmpty: saperi serve without --demo (the Docker image, a
// production start) loads no demo data.
func TestServeStartsEmpty(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the real binary")
	}
	p := start(t, t.TempDir())
	defer p.kill(t)
	var list struct{ Items []any }
	p.getJSON(t, p.base+"/api/v1/postings?limit=10", &list)
	if len(list.Items) != 0 || strings.Contains(p.output(), "Loaded demo data") {
		t.Fatalf("a production start has %d postings:\n%s", len(list.Items), p.output())
	}
}

// TestServeDemoAndShutdown starts with the demo data, asks for candidates
// as the README does, and stops gracefully on SIGTERM.
func TestServeDemoAndShutdown(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the real binary")
	}
	data := t.TempDir()
	p := start(t, data, "--demo")
	// The lines after "listening on" may still be on their way through
	// the pipe when start returns.
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(p.output(), "/setup and enter the code") &&
		time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	if out := p.output(); !strings.Contains(out, "Loaded demo data") || !strings.Contains(out, "/api/openapi.json") ||
		!strings.Contains(out, "digests:  weekly") ||
		!strings.Contains(out, "/setup and enter the code") {
		t.Fatalf("start-up output:\n%s", out)
	}
	var needs struct {
		Items []struct{ ID uint64 }
	}
	p.getJSON(t, p.base+"/api/v1/postings?kind=need&limit=50", &needs)
	if len(needs.Items) < 30 {
		t.Fatalf("demo has %d needs", len(needs.Items))
	}
	withCandidates := 0
	for _, n := range needs.Items {
		var c struct {
			Items []struct {
				Score     float64
				Breakdown map[string]any
			}
		}
		if st := p.getJSON(t, fmt.Sprintf("%s/api/v1/postings/%d/candidates?limit=3", p.base, n.ID), &c); st != 200 {
			t.Fatalf("candidates status %d", st)
		}
		if len(c.Items) > 0 {
			withCandidates++
			if len(c.Items[0].Breakdown) != len(saperi.Factors) {
				t.Fatalf("breakdown %v", c.Items[0].Breakdown)
			}
		}
	}
	if withCandidates < len(needs.Items)/2 {
		t.Fatalf("only %d of %d demo needs have candidates", withCandidates, len(needs.Items))
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no graceful shutdown within 30s")
	}
}

// TestBackupWhileServing takes a hot backup through the running server
// and opens it as a store.
func TestBackupWhileServing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the real binary")
	}
	data := t.TempDir()
	p := start(t, data, "--demo")
	dst := filepath.Join(t.TempDir(), "copy.db")
	addr := strings.TrimPrefix(p.base, "http://")
	var out, errOut bytes.Buffer
	if code := Main(context.Background(), []string{"backup", "--data", data, "--addr", addr, dst}, &out, &errOut); code == 0 {
		t.Fatalf("backup through the server without a token should fail: %s", out.String())
	}
	out.Reset()
	errOut.Reset()
	if code := Main(context.Background(), []string{"backup", "--data", data, "--addr", addr, "--token", p.token, dst}, &out, &errOut); code != 0 {
		t.Fatalf("backup exit %d: %s %s", code, out.String(), errOut.String())
	}
	p.kill(t)
	restored := t.TempDir()
	raw, err := os.ReadFile(dst)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(storePath(restored), raw, 0o600); err != nil {
		t.Fatal(err)
	}
	q := start(t, restored, "--demo=false")
	var list struct{ Items []any }
	q.getJSON(t, q.base+"/api/v1/postings?limit=500", &list)
	if len(list.Items) < 100 {
		t.Fatalf("restored store has %d postings", len(list.Items))
	}
	var res struct{ Total int }
	q.getJSON(t, q.base+"/api/v1/search?q=computer", &res)
	if res.Total == 0 {
		t.Fatal("restored store: the index was not rebuilt")
	}
}
