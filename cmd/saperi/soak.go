package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/auth"
)

// soakConfig is what a soak run does.
type soakConfig struct {
	Binary   string        // the saperi binary to serve with
	Data     string        // data folder whose store is copied (the demo data when empty)
	Duration time.Duration // how long the load lasts
	Rate     int           // requests per second
	Workers  int           // concurrent clients
	Every    time.Duration // how often a line is reported
}

// soakMinute is one line of the report: the requests of one interval and
// the server's state at its end.
type soakMinute struct {
	At         time.Duration  `json:"at"`
	Requests   int            `json:"requests"`
	Errors     int            `json:"errors"`
	ErrorKinds map[string]int `json:"error_kinds,omitempty"`
	P50, P99   time.Duration  `json:"-"`
	P50ms      float64        `json:"p50_ms"`
	P99ms      float64        `json:"p99_ms"`
	HeapMB     float64        `json:"heap_mb"`
	RSSMB      float64        `json:"rss_mb"`
	FDs        int            `json:"fds"`
	Goroutines int            `json:"goroutines"`
	// Load is the machine's one-minute load average: the soak shares
	// the machine with its server and whatever else runs there.
	Load string `json:"load"`
}

// soakReport is the whole run.
type soakReport struct {
	Rate     int                 `json:"rate"`
	Duration string              `json:"duration"`
	Requests int                 `json:"requests"`
	Errors   int                 `json:"errors"`
	P99ms    float64             `json:"p99_ms"`
	Kinds    map[string]soakKind `json:"kinds"`
	Minutes  []soakMinute        `json:"minutes"`
}

// soakKind sums up one kind of request over the run.
type soakKind struct {
	Requests int     `json:"requests"`
	P50ms    float64 `json:"p50_ms"`
	P99ms    float64 `json:"p99_ms"`
}

// loadAverage is the one-minute load average ("" where there is no /proc).
func loadAverage() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(raw))
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

func runSoak(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := soakConfig{}
	var (
		asJSON bool
		c      common
	)
	f := newFlags("soak", "", "Endurance test: start `saperi serve` on loopback over a copy of the store of --data (never\n"+
		"the store itself: the load writes), or the demo data when there is none there,\n"+
		"and send it --rate mixed requests per second for --duration (reads, lists, searches,\n"+
		"candidates, new and changed postings, proposals, logins, pages). Every --every it prints\n"+
		"the requests, errors (any 5xx, refused connection, time-out or unexpected answer), p50 and\n"+
		"p99 latency, and the server's heap, RSS, open files and goroutines. Exit status 1 when\n"+
		"any request failed.", stdout)
	f.common(&c)
	f.duration(&cfg.Duration, "duration", "", 30*time.Minute, "how long to send requests")
	f.int(&cfg.Rate, "rate", "", 200, "requests per second")
	f.int(&cfg.Workers, "workers", "", 64, "concurrent clients")
	f.duration(&cfg.Every, "every", "", time.Minute, "how often to report")
	f.bool(&asJSON, "json", "", false, "print the report as JSON at the end")
	if err := f.parse(args); err != nil {
		return err
	}
	if cfg.Rate < 1 || cfg.Workers < 1 || cfg.Duration <= 0 || cfg.Every <= 0 {
		return usageError{errors.New("--rate, --workers, --duration and --every must be positive")}
	}
	bin, err := os.Executable()
	if err != nil {
		return err
	}
	cfg.Binary = bin
	if _, err := os.Stat(storePath(c.Data)); err == nil {
		cfg.Data = c.Data
	}
	rep, err := soak(ctx, cfg, stdout)
	if err != nil {
		return err
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	}
	if rep.Errors > 0 {
		return fmt.Errorf("%d of %d requests failed", rep.Errors, rep.Requests)
	}
	return nil
}

// soakPassword is the password of the soak's resident accounts.
const soakPassword = "password del soak"

// soakFixture is what the load needs from the store.
type soakFixture struct {
	token    string   // admin API token
	emails   []string // resident accounts that log in
	profiles []uint64
	needs    []uint64
	offers   []uint64
	words    []string // search words, from the postings' titles
}

// prepareSoak fills data with the demo data (when empty), an admin token
// and resident accounts, and reads the ids the load picks from.
func prepareSoak(ctx context.Context, data string) (*soakFixture, error) {
	a, err := openApp(ctx, data, engineConfig{Pool: 100}, nil)
	if err != nil {
		return nil, err
	}
	defer a.Close()
	if err := seedIfEmpty(ctx, a, io.Discard); err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	fx := &soakFixture{}
	fx.token, err = auth.IssueToken(ctx, a.db, &saperi.APIToken{Name: "soak", Role: saperi.RoleAdmin, CreatedBy: cliActor, Created: now},
		saperi.Event{At: now, Actor: cliActor})
	if err != nil {
		return nil, err
	}
	ps, err := a.db.Profiles(ctx, 0, 0, 500)
	if err != nil {
		return nil, err
	}
	hash, err := auth.HashPassword(soakPassword)
	if err != nil {
		return nil, err
	}
	for i, p := range ps {
		fx.profiles = append(fx.profiles, p.ID)
		if i >= 20 {
			continue
		}
		email := fmt.Sprintf("soak%d.%d@example.org", now.Unix(), i)
		u := &saperi.User{Email: email, Name: "Soak " + strconv.Itoa(i), Role: saperi.RoleResident, ProfileID: p.ID,
			PasswordHash: hash, Created: now}
		if err := a.db.CreateUser(ctx, u, saperi.Event{At: now, Actor: cliActor}); err != nil {
			return nil, err
		}
		fx.emails = append(fx.emails, email)
	}
	err = a.db.ScanPostings(ctx, 1000, func(ps []*saperi.Posting) error {
		for _, p := range ps {
			if p.Kind == saperi.Need {
				fx.needs = append(fx.needs, p.ID)
			} else {
				fx.offers = append(fx.offers, p.ID)
			}
			for _, w := range strings.Fields(strings.ToLower(p.Title)) {
				if len(w) > 4 {
					fx.words = append(fx.words, strings.Trim(w, ".,;:!?«»\"'()"))
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(fx.needs) == 0 || len(fx.offers) == 0 || len(fx.profiles) == 0 || len(fx.emails) == 0 {
		return nil, errors.New("soak: the store has no postings or profiles to work with")
	}
	slices.Sort(fx.words)
	fx.words = slices.Compact(fx.words)
	return fx, nil
}

// soakServer is the served binary.
type soakServer struct {
	cmd  *exec.Cmd
	base string
	errs bytes.Buffer
	mu   sync.Mutex
}

func startSoakServer(binary, data string) (*soakServer, error) {
	s := &soakServer{}
	s.cmd = exec.Command(binary, "serve", "--addr", "127.0.0.1:0", "--data", data, "--log-level", "warn",
		"--digests=false", "--demo=false")
	out, err := s.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	s.cmd.Stderr = writerFunc(func(p []byte) (int, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.errs.Len() < 1<<20 {
			s.errs.Write(p)
		}
		return len(p), nil
	})
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if _, url, ok := strings.Cut(sc.Text(), "listening on "); ok {
				found <- url
			}
		}
	}()
	select {
	case s.base = <-found:
	case <-time.After(2 * time.Minute):
		s.stop()
		return nil, fmt.Errorf("soak: the server did not start: %s", s.stderr())
	}
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(100 * time.Millisecond) {
		resp, err := http.Get(s.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return s, nil
			}
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("soak: the server never became ready: %s", s.stderr())
		}
	}
}

func (s *soakServer) stderr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.errs.String()
}

func (s *soakServer) stop() {
	_ = s.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// soak runs the load and reports every cfg.Every to out.
func soak(ctx context.Context, cfg soakConfig, out io.Writer) (*soakReport, error) {
	dir, err := os.MkdirTemp("", "saperi-soak-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	data := filepath.Join(dir, "data")
	if cfg.Data != "" {
		if _, err := restore(ctx, storePath(cfg.Data), data); err != nil {
			return nil, err
		}
	}
	cfg.Data = data
	fx, err := prepareSoak(ctx, cfg.Data)
	if err != nil {
		return nil, err
	}
	srv, err := startSoakServer(cfg.Binary, cfg.Data)
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: cfg.Workers,
		MaxConnsPerHost: cfg.Workers, IdleConnTimeout: time.Minute}}
	l := &soakLoad{fx: fx, base: srv.base, client: client}

	type result struct {
		kind string
		d    time.Duration
		err  string
	}
	var (
		mu      sync.Mutex
		cur     []result
		dropped atomic.Int64
	)
	jobs := make(chan struct{}, cfg.Workers)
	var wg sync.WaitGroup
	for i := 0; i < cfg.Workers; i++ {
		wg.Add(1)
		go func(seed uint64) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, seed*7+1))
			for range jobs {
				start := time.Now()
				kind, errKind := l.one(ctx, rng)
				mu.Lock()
				cur = append(cur, result{kind: kind, d: time.Since(start), err: errKind})
				mu.Unlock()
			}
		}(uint64(i + 1))
	}

	rep := &soakReport{Rate: cfg.Rate, Duration: cfg.Duration.String()}
	fmt.Fprintf(out, "soak: %d requests/s for %s against %s (pid %d)\n", cfg.Rate, cfg.Duration, srv.base, srv.cmd.Process.Pid)
	fmt.Fprintf(out, "%8s %8s %6s %8s %8s %8s %8s %5s %6s %5s\n", "at", "requests", "errors", "p50 ms", "p99 ms", "heap MB", "RSS MB", "fds", "gorout", "load")
	var all []time.Duration
	byKind := map[string][]time.Duration{}
	report := func(at time.Duration) {
		mu.Lock()
		rs := cur
		cur = nil
		mu.Unlock()
		m := soakMinute{At: at.Round(time.Second), Requests: len(rs), ErrorKinds: map[string]int{}}
		ds := make([]time.Duration, 0, len(rs))
		for _, r := range rs {
			ds = append(ds, r.d)
			byKind[r.kind] = append(byKind[r.kind], r.d)
			if r.err != "" {
				m.Errors++
				m.ErrorKinds[r.err]++
			}
		}
		if n := dropped.Swap(0); n > 0 {
			m.Errors += int(n)
			m.ErrorKinds["client could not keep the rate"] += int(n)
		}
		slices.Sort(ds)
		all = append(all, ds...)
		m.P50, m.P99 = durationQuantile(ds, 0.50), durationQuantile(ds, 0.99)
		m.P50ms, m.P99ms = ms(m.P50), ms(m.P99)
		m.HeapMB, m.Goroutines = l.runtime(ctx)
		m.RSSMB = procStatusMB(srv.cmd.Process.Pid, "VmRSS:")
		m.Load = loadAverage()
		m.FDs = procFDs(srv.cmd.Process.Pid)
		rep.Minutes = append(rep.Minutes, m)
		rep.Requests += m.Requests
		rep.Errors += m.Errors
		kinds := ""
		if len(m.ErrorKinds) > 0 {
			kinds = fmt.Sprint(" ", m.ErrorKinds)
		}
		fmt.Fprintf(out, "%8s %8d %6d %8.1f %8.1f %8.1f %8.1f %5d %6d %5s%s\n", m.At, m.Requests, m.Errors, m.P50ms, m.P99ms,
			m.HeapMB, m.RSSMB, m.FDs, m.Goroutines, m.Load, kinds)
	}

	start := time.Now()
	tick := time.NewTicker(time.Second / time.Duration(cfg.Rate))
	every := time.NewTicker(cfg.Every)
	end := time.After(cfg.Duration)
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case <-end:
			break loop
		case <-every.C:
			report(time.Since(start))
		case <-tick.C:
			select {
			case jobs <- struct{}{}:
			default:
				dropped.Add(1) // every client is busy: the server is not keeping up
			}
		}
	}
	tick.Stop()
	every.Stop()
	close(jobs)
	wg.Wait()
	if len(cur) > 0 {
		report(time.Since(start))
	}
	slices.Sort(all)
	rep.P99ms = ms(durationQuantile(all, 0.99))
	rep.Kinds = map[string]soakKind{}
	for k, ds := range byKind {
		slices.Sort(ds)
		rep.Kinds[k] = soakKind{Requests: len(ds), P50ms: ms(durationQuantile(ds, 0.5)), P99ms: ms(durationQuantile(ds, 0.99))}
	}
	fmt.Fprintf(out, "soak: %d requests, %d errors, p99 %.1f ms\n", rep.Requests, rep.Errors, rep.P99ms)
	kinds := make([]string, 0, len(rep.Kinds))
	for k := range rep.Kinds {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	for _, k := range kinds {
		fmt.Fprintf(out, "  %-10s %8d requests  p50 %8.1f ms  p99 %8.1f ms\n", k, rep.Kinds[k].Requests, rep.Kinds[k].P50ms, rep.Kinds[k].P99ms)
	}
	if err := ctx.Err(); err != nil {
		return rep, err
	}
	if _, err := http.Get(srv.base + "/healthz"); err != nil {
		return rep, fmt.Errorf("soak: the server died: %v\n%s", err, srv.stderr())
	}
	return rep, nil
}

func durationQuantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(q*float64(len(sorted))))]
}

func ms(d time.Duration) float64 { return round1(float64(d.Microseconds()) / 1000) }

// procStatusMB reads a "kB" field of /proc/PID/status in MB (0 where
// there is no /proc).
func procStatusMB(pid int, field string) float64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, field); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return round1(kb / 1024)
		}
	}
	return 0
}

// procFDs counts the open files of process pid (-1 where there is no
// /proc).
func procFDs(pid int) int {
	es, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return -1
	}
	return len(es)
}

// soakLoad sends the mixed requests.
type soakLoad struct {
	fx     *soakFixture
	base   string
	client *http.Client
}

// one sends one request picked at random from the mix and returns "" or
// what went wrong.
func (l *soakLoad) one(ctx context.Context, rng *rand.Rand) (kind, err string) {
	pick := func(ids []uint64) uint64 { return ids[rng.IntN(len(ids))] }
	switch n := rng.IntN(100); {
	case n < 30: // read a posting (some may have been closed: 200 either way)
		return "read", l.do(ctx, "GET", fmt.Sprintf("/api/v1/postings/%d", pick(append(l.fx.needs[:len(l.fx.needs):len(l.fx.needs)], l.fx.offers...))), nil, 200)
	case n < 38:
		return "list", l.do(ctx, "GET", "/api/v1/postings?kind=need&limit=20", nil, 200)
	case n < 56:
		return "search", l.do(ctx, "GET", "/api/v1/search?q="+l.fx.words[rng.IntN(len(l.fx.words))], nil, 200)
	case n < 68:
		return "candidates", l.do(ctx, "GET", fmt.Sprintf("/api/v1/postings/%d/candidates?limit=5", pick(l.fx.needs)), nil, 200)
	case n < 78: // a new posting
		kind := []string{"need", "offer"}[rng.IntN(2)]
		body := map[string]any{"kind": kind, "profile_id": pick(l.fx.profiles), "title": "Soak " + l.fx.words[rng.IntN(len(l.fx.words))] + " " + l.fx.words[rng.IntN(len(l.fx.words))],
			"description": "Scritto dal soak test.", "slots": []map[string]string{{"day": "wed", "from": "10:00", "to": "12:00"}}}
		return "create", l.do(ctx, "POST", "/api/v1/postings", body, 201)
	case n < 86: // a changed posting
		return "update", l.do(ctx, "PATCH", fmt.Sprintf("/api/v1/postings/%d", pick(l.fx.offers)),
			map[string]any{"description": fmt.Sprintf("Aggiornato dal soak test, %d.", rng.IntN(1000))}, 200)
	case n < 94: // a proposal: new (201) or already proposed or declined (409), never a 5xx
		return "propose", l.do(ctx, "POST", "/api/v1/matches", map[string]any{"need_id": pick(l.fx.needs), "offer_id": pick(l.fx.offers)}, 201, 409, 400)
	case n < 95: // a login (bcrypt at cost 12, about 0.25 s of a core: the costliest request there is)
		return "login", l.do(ctx, "POST", "/api/v1/auth/login", map[string]string{"email": l.fx.emails[rng.IntN(len(l.fx.emails))], "password": soakPassword}, 200)
	default: // pages
		return "page", l.do(ctx, "GET", []string{"/", "/login", "/signup", "/api/openapi.json"}[rng.IntN(4)], nil, 200)
	}
}

// do sends a request as the admin token (except logins and pages) and
// reports "" when the answer has one of the statuses ok.
func (l *soakLoad) do(ctx context.Context, method, path string, body any, ok ...int) string {
	var r io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, l.base+path, r)
	if err != nil {
		return "request"
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if strings.HasPrefix(path, "/api/v1/") && path != "/api/v1/auth/login" {
		req.Header.Set("Authorization", "Bearer "+l.fx.token)
	}
	resp, err := l.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return ""
		}
		var ne interface{ Timeout() bool }
		if errors.As(err, &ne) && ne.Timeout() {
			return "time-out"
		}
		return "transport"
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if slices.Contains(ok, resp.StatusCode) {
		return ""
	}
	route := path
	if i := strings.IndexAny(route, "?0123456789"); i > 0 {
		route = route[:i]
	}
	return fmt.Sprintf("%s %s %d", method, route, resp.StatusCode)
}

// runtime reads the server's heap in use (MB) and goroutines from its
// metrics.
func (l *soakLoad) runtime(ctx context.Context) (heapMB float64, goroutines int) {
	req, err := http.NewRequestWithContext(ctx, "GET", l.base+"/metrics", nil)
	if err != nil {
		return 0, 0
	}
	req.Header.Set("Authorization", "Bearer "+l.fx.token)
	resp, err := l.client.Do(req)
	if err != nil {
		return 0, 0
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if v, ok := strings.CutPrefix(line, "go_memstats_heap_inuse_bytes "); ok {
			f, _ := strconv.ParseFloat(v, 64)
			heapMB = round1(f / (1 << 20))
		}
		if v, ok := strings.CutPrefix(line, "go_goroutines "); ok {
			goroutines, _ = strconv.Atoi(v)
		}
	}
	return heapMB, goroutines
}
