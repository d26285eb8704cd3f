package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/saperi/saperi"
	"github.com/saperi/saperi/demo"
	"github.com/saperi/saperi/service"
	"github.com/saperi/saperi/web"
)

// serveConfig is the configuration of saperi serve.
type serveConfig struct {
	common
	engine   engineConfig
	mail     mailConfig
	digests  bool
	addr     string
	demo     bool
	secure   bool
	shutdown time.Duration
	hosts    string
	metrics  string
	purgeEv  time.Duration
}

func parseServe(args []string, stdout io.Writer) (serveConfig, error) {
	var c serveConfig
	f := newFlags("serve", "", "Run the Saperi service: the pages, the JSON API under /api/v1, its OpenAPI document at\n"+
		"/api/openapi.json, /healthz, /readyz and /metrics. The store and the search index live in\n"+
		"the data folder. A new store starts empty (no demo data unless --demo).", stdout)
	f.common(&c.common)
	f.engine(&c.engine)
	f.mail(&c.mail)
	f.bool(&c.digests, "digests", "SAPERI_DIGESTS", true, "run the weekly assignment and digests on schedule, and send transactional mails")
	f.str(&c.addr, "addr", "SAPERI_ADDR", "127.0.0.1:8080", "address to listen on (host:port; port 0 picks a free one; :8080 for every interface)")
	f.bool(&c.demo, "demo", "SAPERI_DEMO", false, "load the demo data when the store is empty (make run sets it; never in production)")
	f.str(&c.hosts, "allowed-hosts", "SAPERI_ALLOWED_HOSTS", "", "comma-separated host names the server answers to, besides localhost and\n"+
		"the --addr host (protects a server on loopback from DNS rebinding); * answers any")
	f.str(&c.metrics, "metrics-addr", "SAPERI_METRICS_ADDR", "", "also serve /metrics with no login on this address, for a Prometheus scraper\n"+
		"(host:port; a bare :port listens on loopback only). On --addr, /metrics answers an admin API token only")
	f.bool(&c.secure, "secure-cookies", "SAPERI_SECURE_COOKIES", false, "mark login cookies Secure even on plain HTTP: set it behind a reverse proxy that terminates HTTPS")
	f.duration(&c.purgeEv, "purge-every", "SAPERI_PURGE_EVERY", defaultPurgeEvery, "how often erasures are completed on disk (store file rewritten without the\n"+
		"freed pages, index rebuilt); an erasure leaves nothing on disk within this time")
	f.duration(&c.shutdown, "shutdown-timeout", "SAPERI_SHUTDOWN_TIMEOUT", 15*time.Second, "how long in-flight requests may take to finish on shutdown")
	if err := f.parse(args); err != nil {
		return c, err
	}
	if c.purgeEv <= 0 {
		return c, usageError{fmt.Errorf("--purge-every %s: use a positive duration such as 10m", c.purgeEv)}
	}
	return c, c.mail.check()
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseServe(args, stdout)
	if err != nil {
		return err
	}
	a, log, err := c.open(ctx, c.engine, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	if c.demo {
		if err := seedIfEmpty(ctx, a, stdout); err != nil {
			return err
		}
	}
	setupCode, err := setupCode(ctx, a)
	if err != nil {
		return err
	}
	bg := newBackground()
	defer bg.stop() // before the store closes
	srv, err := c.server(ctx, a, log, bg, setupCode)
	if err != nil {
		return err
	}
	defer srv.Wait() // a re-tagging with new hub concepts ends before the index closes
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (is another saperi running? choose another --addr)", c.addr, err)
	}
	metricsURL := ""
	if c.metrics != "" {
		mln, err := net.Listen("tcp", metricsAddr(c.metrics))
		if err != nil {
			_ = ln.Close()
			return fmt.Errorf("listen for metrics on %s: %w", c.metrics, err)
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", srv.MetricsHandler())
		ms := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second}
		go func() { _ = ms.Serve(mln) }()
		defer ms.Close()
		metricsURL = "http://" + mln.Addr().String() + "/metrics"
	}
	bg.run(func(ctx context.Context) { a.ix.Run(ctx) })
	bg.run(func(ctx context.Context) { a.warm(ctx, log) })
	bg.run(func(ctx context.Context) { purgeLoop(ctx, a, c.purgeEv, log) })
	c.banner(stdout, ln.Addr().String(), metricsURL, setupCode)
	log.Info("serving", "addr", ln.Addr().String(), "data", c.Data)
	return serve(ctx, log, srv.Handler(), ln, c.shutdown)
}

// setupCode is a one-time code that opens /setup while no admin exists
// (for installations without a shell); it dies with the process. "" once
// there is an admin.
func setupCode(ctx context.Context, a *app) (string, error) {
	admins, err := a.db.Users(ctx, saperi.RoleAdmin)
	if err != nil || len(admins) > 0 {
		return "", err
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:]), nil
}

// background runs the server's goroutines (indexer, mail, scheduler,
// purges) until stop, which waits for them.
type background struct {
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func newBackground() *background {
	ctx, cancel := context.WithCancel(context.Background())
	return &background{ctx: ctx, cancel: cancel}
}

func (b *background) run(fn func(ctx context.Context)) {
	b.wg.Add(1)
	go func() { defer b.wg.Done(); fn(b.ctx) }()
}

func (b *background) stop() { b.cancel(); b.wg.Wait() }

// server wires the use cases, the mail hooks and the web server.
func (c serveConfig) server(ctx context.Context, a *app, log *slog.Logger, bg *background, setupCode string) (*web.Server, error) {
	secret, err := a.db.LinkSecret(ctx)
	if err != nil {
		return nil, err
	}
	var (
		connected     func(context.Context, *saperi.Match) error
		reset         func(context.Context, *saperi.User) error
		signupConfirm func(context.Context, *saperi.PendingSignup) error
		signupTaken   func(context.Context, *saperi.User) error
	)
	if c.digests {
		n, err := startMail(bg.ctx, a, c.Data, c.mail, log, func(fn func()) { bg.run(func(context.Context) { fn() }) })
		if err != nil {
			return nil, err
		}
		connected, reset = n.MatchConnected, n.PasswordReset
		signupConfirm, signupTaken = n.SignupConfirm, n.SignupTaken
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	svc := service.New(service.Deps{Store: a.db, Index: a.ix, Engine: a.engine, Now: time.Now, Log: log,
		Connected: connected, Erased: erased(c.Data, log), SignupConfirm: signupConfirm, SignupTaken: signupTaken})
	return web.New(web.Deps{Service: svc, Store: a.db, Index: a.ix, Now: time.Now, Log: log,
		Registry: reg, Version: Version, AllowedHosts: allowedHosts(c.addr, c.hosts), SetupCode: setupCode,
		SecureCookies: c.secure, LinkSecret: secret, Reset: reset, ConceptNames: a.ix.ConceptName})
}

// banner tells whoever started the server where it is and what to do
// next.
func (c serveConfig) banner(w io.Writer, addr, metricsURL, setupCode string) {
	url := "http://" + addr
	fmt.Fprintf(w, "Saperi %s listening on %s\n", Version, url)
	fmt.Fprintf(w, "  data:     %s (store saperi.db, index index.bleve)\n", c.Data)
	fmt.Fprintf(w, "  API docs: %s/api/openapi.json\n", url)
	fmt.Fprintf(w, "  log in:   %s/login (every API route needs a login or an API token)\n", url)
	if metricsURL != "" {
		fmt.Fprintf(w, "  metrics:  %s (no login: keep this address private)\n", metricsURL)
	}
	if c.digests {
		where := "written as .eml files to " + filepath.Join(c.Data, "outbox") + " (no SMTP configured)"
		if c.mail.SMTPHost != "" {
			where = "sent through " + c.mail.SMTPHost
		}
		fmt.Fprintf(w, "  digests:  weekly, %s %s %s (a run missed while the server was down runs at start); %s\n",
			c.mail.Day, c.mail.At, c.mail.Zone, where)
	}
	if setupCode != "" {
		fmt.Fprintf(w, "  No admin account yet: open %s/setup and enter the code %s,\n"+
			"    or stop the server and run: saperi user add --data %s --role admin --email you@example.org\n", url, setupCode, c.Data)
	}
	if host, _, _ := net.SplitHostPort(addr); !isLoopback(host) {
		fmt.Fprintf(w, "  Reachable from other machines on %s: put it behind HTTPS (a reverse proxy, then --secure-cookies) so that passwords and cookies travel encrypted.\n", host)
	}
}

// serve answers on ln until ctx ends, then shuts down gracefully within
// timeout.
func serve(ctx context.Context, log *slog.Logger, h http.Handler, ln net.Listener, timeout time.Duration) error {
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	var err error
	select {
	case err = <-errc:
	case <-ctx.Done():
		log.Info("shutting down", "timeout", timeout)
		sctx, cancel := context.WithTimeout(context.Background(), timeout)
		err = hs.Shutdown(sctx)
		cancel()
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// metricsAddr is the listen address of --metrics-addr: a bare ":port"
// listens on loopback only, not on every interface as it would for net.
func metricsAddr(a string) string {
	if strings.HasPrefix(a, ":") {
		return "127.0.0.1" + a
	}
	return a
}

// allowedHosts lists the Host names to answer: localhost, the loopback
// addresses, the listen host and any given; nil (any) for "*".
//
// A server listening beyond loopback answers any name unless names are
// given: it is meant to be reached by names this process cannot know.
func allowedHosts(addr, extra string) []string {
	extra = strings.TrimSpace(extra)
	if extra == "*" {
		return nil
	}
	if h, _, err := net.SplitHostPort(addr); err == nil && !isLoopback(h) && extra == "" {
		return nil
	}
	hosts := []string{"localhost", "127.0.0.1", "::1"}
	if h, _, err := net.SplitHostPort(addr); err == nil && h != "" && h != "0.0.0.0" && h != "::" {
		hosts = append(hosts, strings.ToLower(h))
	}
	for _, h := range strings.Split(extra, ",") {
		if h = strings.ToLower(strings.TrimSpace(h)); h != "" {
			hosts = append(hosts, h)
		}
	}
	return hosts
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// seedIfEmpty loads the demo data into a store with no postings.
func seedIfEmpty(ctx context.Context, a *app, out io.Writer) error {
	n, err := a.db.CountPostings(ctx)
	if err != nil || n > 0 {
		return err
	}
	counts, err := demo.Seed(ctx, a.db, time.Now())
	if err != nil {
		return fmt.Errorf("load demo data: %w", err)
	}
	if _, err := a.ix.Sync(ctx); err != nil {
		return fmt.Errorf("index demo data: %w", err)
	}
	fmt.Fprintf(out, "Loaded demo data: %d hubs, %d profiles, %d offers, %d needs.\n",
		counts.Hubs, counts.Profiles, counts.Offers, counts.Needs)
	return nil
}
