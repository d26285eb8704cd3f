package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
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
	"github.com/saperi/saperi/web"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var (
		c        common
		ec       engineConfig
		mc       mailConfig
		digests  bool
		addr     string
		seed     bool
		secure   bool
		shutdown time.Duration
		hosts    string
		metrics  string
		purgeEv  time.Duration
	)
	f := newFlags("serve", "", "Run the Saperi service: the JSON API under /api/v1, its OpenAPI document at\n"+
		"/api/openapi.json, /healthz, /readyz and /metrics. The store and the search index live in\n"+
		"the data folder; on first start with an empty store the demo data is loaded.", stdout)
	f.common(&c)
	f.engine(&ec)
	f.mail(&mc)
	f.bool(&digests, "digests", "SAPERI_DIGESTS", true, "run the weekly assignment and digests on schedule, and send transactional mails")
	f.str(&addr, "addr", "SAPERI_ADDR", "127.0.0.1:8080", "address to listen on (host:port; port 0 picks a free one; :8080 for every interface)")
	f.bool(&seed, "demo", "SAPERI_DEMO", true, "load the demo data when the store is empty")
	f.str(&hosts, "allowed-hosts", "SAPERI_ALLOWED_HOSTS", "", "comma-separated host names the server answers to, besides localhost and\n"+
		"the --addr host (protects a server on loopback from DNS rebinding); * answers any")
	f.str(&metrics, "metrics-addr", "SAPERI_METRICS_ADDR", "", "also serve /metrics with no login on this address, for a Prometheus scraper\n"+
		"(host:port; a bare :port listens on loopback only). On --addr, /metrics answers an admin API token only")
	f.bool(&secure, "secure-cookies", "SAPERI_SECURE_COOKIES", false, "mark login cookies Secure even on plain HTTP: set it behind a reverse proxy that terminates HTTPS")
	f.duration(&purgeEv, "purge-every", "SAPERI_PURGE_EVERY", defaultPurgeEvery, "how often erasures are completed on disk (store file rewritten without the\n"+
		"freed pages, index segments merged); an erasure leaves nothing on disk within this time")
	f.duration(&shutdown, "shutdown-timeout", "SAPERI_SHUTDOWN_TIMEOUT", 15*time.Second, "how long in-flight requests may take to finish on shutdown")
	if err := f.parse(args); err != nil {
		return err
	}
	if err := mc.check(); err != nil {
		return err
	}
	if purgeEv <= 0 {
		return usageError{fmt.Errorf("--purge-every %s: use a positive duration such as 10m", purgeEv)}
	}
	a, log, err := c.open(ctx, ec, stderr)
	if err != nil {
		return err
	}
	defer a.Close()

	if seed {
		if err := seedIfEmpty(ctx, a, stdout); err != nil {
			return err
		}
	}

	// First run: no admin yet. A one-time code opens /setup (for
	// installations without a shell); it dies with the process.
	var setupCode string
	if admins, err := a.db.Users(ctx, saperi.RoleAdmin); err != nil {
		return err
	} else if len(admins) == 0 {
		var b [6]byte
		_, _ = rand.Read(b[:])
		setupCode = hex.EncodeToString(b[:])
	}

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	secret, err := a.db.LinkSecret(ctx)
	if err != nil {
		return err
	}
	bg, stopBG := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer func() { stopBG(); wg.Wait() }() // before the store closes
	goBG := func(fn func()) {
		wg.Add(1)
		go func() { defer wg.Done(); fn() }()
	}
	var (
		connected func(context.Context, *saperi.Match) error
		reset     func(context.Context, *saperi.User) error
	)
	if digests {
		n, err := startMail(bg, a, c.Data, mc, log, goBG)
		if err != nil {
			stopBG()
			wg.Wait()
			return err
		}
		connected, reset = n.MatchConnected, n.PasswordReset
	}
	srv, err := web.New(web.Deps{Store: a.db, Index: a.ix, Engine: a.engine, Now: time.Now, Log: log,
		Registry: reg, Version: Version, AllowedHosts: allowedHosts(addr, hosts), SetupCode: setupCode, SecureCookies: secure,
		LinkSecret: secret, Connected: connected, Reset: reset, Erased: erased(c.Data, log)})
	if err != nil {
		stopBG()
		wg.Wait()
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (is another saperi running? choose another --addr)", addr, err)
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second}
	metricsURL := ""
	if metrics != "" {
		mln, err := net.Listen("tcp", metricsAddr(metrics))
		if err != nil {
			_ = ln.Close()
			return fmt.Errorf("listen for metrics on %s: %w", metrics, err)
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", srv.MetricsHandler())
		ms := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second}
		go func() { _ = ms.Serve(mln) }()
		defer ms.Close()
		metricsURL = "http://" + mln.Addr().String() + "/metrics"
	}

	goBG(func() { a.ix.Run(bg) })
	goBG(func() { a.warm(bg, log) })
	goBG(func() { purgeLoop(bg, a, purgeEv, log) })

	url := "http://" + ln.Addr().String()
	fmt.Fprintf(stdout, "Saperi %s listening on %s\n", Version, url)
	fmt.Fprintf(stdout, "  data:     %s (store saperi.db, index index.bleve)\n", c.Data)
	fmt.Fprintf(stdout, "  API docs: %s/api/openapi.json\n", url)
	fmt.Fprintf(stdout, "  log in:   %s/login (every API route needs a login or an API token)\n", url)
	if metricsURL != "" {
		fmt.Fprintf(stdout, "  metrics:  %s (no login: keep this address private)\n", metricsURL)
	}
	if digests {
		where := "written as .eml files to " + filepath.Join(c.Data, "outbox") + " (no SMTP configured)"
		if mc.SMTPHost != "" {
			where = "sent through " + mc.SMTPHost
		}
		fmt.Fprintf(stdout, "  digests:  weekly, %s %s %s (a missed run this week runs now); %s\n", mc.Day, mc.At, mc.Zone, where)
	}
	if setupCode != "" {
		fmt.Fprintf(stdout, "  No admin account yet: open %s/setup and enter the code %s,\n"+
			"    or stop the server and run: saperi user add --data %s --role admin --email you@example.org\n", url, setupCode, c.Data)
	}
	if host, _, _ := net.SplitHostPort(ln.Addr().String()); !isLoopback(host) {
		fmt.Fprintf(stdout, "  Reachable from other machines on %s: put it behind HTTPS (a reverse proxy, then --secure-cookies) so that passwords and cookies travel encrypted.\n", host)
	}
	log.Info("serving", "addr", ln.Addr().String(), "data", c.Data)

	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err = <-errc:
	case <-ctx.Done():
		log.Info("shutting down", "timeout", shutdown)
		sctx, cancel := context.WithTimeout(context.Background(), shutdown)
		err = hs.Shutdown(sctx)
		cancel()
	}
	stopBG()
	wg.Wait()
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
