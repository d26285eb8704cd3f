package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the server's Prometheus instruments.
type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics(reg *prometheus.Registry, s *Server) (*metrics, error) {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "saperi_http_requests_total", Help: "HTTP requests by route, method and status.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "saperi_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route"}),
	}
	ready := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "saperi_index_ready", Help: "1 when the search index has caught up with the store.",
	}, func() float64 {
		if s.Index == nil {
			return 0
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if ok, err := s.Index.Ready(ctx); err == nil && ok {
			return 1
		}
		return 0
	})
	for _, c := range []prometheus.Collector{m.requests, m.duration, ready} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// observe logs each request and records it in the metrics.
func (s *Server) observe(c *gin.Context) {
	start := time.Now()
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	d := time.Since(start)
	st := c.Writer.Status()
	s.metrics.requests.WithLabelValues(route, methodLabel(c.Request.Method), strconv.Itoa(st)).Inc()
	s.metrics.duration.WithLabelValues(route).Observe(d.Seconds())
	if route == "/healthz" || route == "/metrics" {
		return
	}
	s.log.InfoContext(c.Request.Context(), "request", "method", c.Request.Method, "route", route,
		"path", logPath(c), "status", st, "ms", float64(d.Microseconds())/1000,
		"bytes", c.Writer.Size(), "request_id", c.GetString(requestIDKey))
}

// logPath is the request's path as logs may keep it: a path that carries
// a secret (the signed token of a mail link, a password-reset token) is
// logged as its route, "/l/:token", never with the token.
func logPath(c *gin.Context) string {
	if c.Param("token") != "" {
		return c.FullPath()
	}
	return c.Request.URL.Path
}

// metricsHandler serves the metrics on the main address, to admins only
// (an admin API token, as a Prometheus scrape job sends it): per-route
// counts of failed logins and reset requests tell an attacker how their
// attempts fare. A scraper without a token uses MetricsHandler on a
// separate, loopback address instead.
func (s *Server) metricsHandler() gin.HandlerFunc {
	h := s.MetricsHandler()
	return func(c *gin.Context) {
		if !s.admin(c) {
			return
		}
		h.ServeHTTP(c.Writer, c.Request)
	}
}

// MetricsHandler serves the Prometheus metrics with no login: mount it
// only on an address that the scraper alone reaches (serve's
// --metrics-addr, loopback by default).
func (s *Server) MetricsHandler() http.Handler {
	return promhttp.HandlerFor(s.Registry, promhttp.HandlerOpts{})
}

func (s *Server) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// readyz answers 200 once the index has applied every change in the store.
func (s *Server) readyz(c *gin.Context) {
	ok, err := s.Index.Ready(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	if !ok {
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "catching up"})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready"})
}

// methodLabel keeps the method label's values few: any method outside
// the standard ones is "other".
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions:
		return m
	}
	return "other"
}
