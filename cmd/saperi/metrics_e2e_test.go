package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestMetricsAddr is finding 7 end to end: /metrics on the service's
// address refuses anonymous callers, and --metrics-addr serves it with no
// login on its own (loopback) address.
func TestMetricsAddr(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the real binary")
	}
	p := start(t, t.TempDir(), "--metrics-addr", "127.0.0.1:0", "--demo=false")
	var murl string
	for deadline := time.Now().Add(10 * time.Second); murl == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if _, rest, ok := strings.Cut(p.output(), "metrics:  "); ok {
			murl, _, _ = strings.Cut(rest, " ")
		}
	}
	if !strings.HasPrefix(murl, "http://127.0.0.1:") {
		t.Fatalf("no metrics address in the start-up output:\n%s", p.output())
	}
	resp, err := http.Get(p.base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("anonymous %s/metrics: %d, want 401", p.base, resp.StatusCode)
	}
	if st := p.getJSONRaw(t, p.base+"/metrics"); !strings.Contains(st, "go_goroutines") {
		t.Errorf("admin token /metrics: %.200s", st)
	}
	resp, err = http.Get(murl)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "saperi_http_requests_total") {
		t.Errorf("%s: %d %.200s", murl, resp.StatusCode, body)
	}
}

// getJSONRaw gets url as the proc's admin API token and returns the body.
func (p *proc) getJSONRaw(tb testing.TB, url string) string {
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
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}
