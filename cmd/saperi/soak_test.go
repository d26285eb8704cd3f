package main

import (
	"context"
	"os"
	"testing"
	"time"
)

// TestSoak runs the endurance test (saperi soak) for the duration in
// SAPERI_SOAK (e.g. SAPERI_SOAK=2m, as make soak does); without it the
// test is skipped, so that the default test run stays fast. It fails on
// any failed request, and when open files or goroutines grow from the
// first report to the last (a leak).
func TestSoak(t *testing.T) {
	v := os.Getenv("SAPERI_SOAK")
	if v == "" {
		t.Skip("set SAPERI_SOAK=2m (make soak) to run the endurance test")
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		t.Fatalf("SAPERI_SOAK=%q: %v", v, err)
	}
	every := time.Minute
	if d < 3*time.Minute {
		every = d / 4
	}
	rep, err := soak(context.Background(), soakConfig{Binary: binary, Duration: d, Rate: 200, Workers: 64, Every: every}, testWriter{t})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Errors > 0 {
		t.Errorf("%d of %d requests failed", rep.Errors, rep.Requests)
	}
	if rep.Requests < int(0.9*200*d.Seconds()) {
		t.Errorf("%d requests in %s: the rate was not kept", rep.Requests, d)
	}
	if len(rep.Minutes) < 3 {
		t.Fatalf("%d reports", len(rep.Minutes))
	}
	// After the first report (warm-up), files and goroutines stay flat.
	first, last := rep.Minutes[1], rep.Minutes[len(rep.Minutes)-1]
	if last.FDs > first.FDs+16 {
		t.Errorf("open files grew from %d to %d", first.FDs, last.FDs)
	}
	if last.Goroutines > first.Goroutines+32 {
		t.Errorf("goroutines grew from %d to %d", first.Goroutines, last.Goroutines)
	}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(p))
	return len(p), nil
}
