package main

import (
	"bytes"
	"context"
	"math"
	"strings"
	"testing"
)

func TestHelp(t *testing.T) {
	for _, c := range commands() {
		t.Run(c.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if code := Main(context.Background(), []string{c.name, "--help"}, &out, &errOut); code != 0 {
				t.Fatalf("exit %d: %s", code, errOut.String())
			}
			if !strings.Contains(out.String(), "Usage: saperi "+c.name) {
				t.Fatalf("help:\n%s", out.String())
			}
			// Each command lists its own flags: those that work on the
			// data folder take --data, the others do not show it.
			wantData := c.name != "version" && c.name != "health"
			if got := strings.Contains(out.String(), "env SAPERI_DATA, default ./data"); got != wantData {
				t.Fatalf("--data listed: %v, want %v:\n%s", got, wantData, out.String())
			}
		})
	}
	// saperi --help lists the commands, not serve's flags; saperi help
	// <command> is that command's help.
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}} {
		var out, errOut bytes.Buffer
		if code := Main(context.Background(), args, &out, &errOut); code != 0 ||
			!strings.Contains(out.String(), "Commands:") || !strings.Contains(out.String(), "reindex") ||
			strings.Contains(out.String(), "--addr") {
			t.Fatalf("saperi %v: exit %d:\n%s", args, code, out.String())
		}
	}
	var help bytes.Buffer
	if code := Main(context.Background(), []string{"help", "backup"}, &help, &help); code != 0 ||
		!strings.Contains(help.String(), "Usage: saperi backup") {
		t.Fatalf("saperi help backup: exit %d:\n%s", code, help.String())
	}
	var out, errOut bytes.Buffer
	if code := Main(context.Background(), []string{"frobnicate"}, &out, &errOut); code != 2 ||
		!strings.Contains(errOut.String(), `unknown command "frobnicate"`) {
		t.Fatalf("unknown command: %d %s", code, errOut.String())
	}
	if code := Main(context.Background(), []string{"serve", "--port", "1"}, &out, &errOut); code != 2 {
		t.Fatalf("bad flag exit %d", code)
	}
}

func TestEnvDefaults(t *testing.T) {
	t.Setenv("SAPERI_ADDR", "127.0.0.1:9999")
	var out bytes.Buffer
	Main(context.Background(), []string{"serve", "--help"}, &out, &out)
	if !strings.Contains(out.String(), "env SAPERI_ADDR, default 127.0.0.1:9999") {
		t.Fatalf("help does not show the env default:\n%s", out.String())
	}
	t.Setenv("SAPERI_POOL", "many")
	var errOut bytes.Buffer
	if code := Main(context.Background(), []string{"serve"}, &out, &errOut); code != 2 ||
		!strings.Contains(errOut.String(), `SAPERI_POOL="many"`) {
		t.Fatalf("bad env: %d %s", code, errOut.String())
	}
}

func TestParseWeights(t *testing.T) {
	w, err := parseWeights("text=0.9, load=0")
	if err != nil || w.Text != 0.9 || w.Load != 0 || w.Category == 0 {
		t.Fatalf("weights = %+v, %v", w, err)
	}
	for _, bad := range []string{"txt=1", "text=abc", "text", "text=-1"} {
		if _, err := parseWeights(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestScore(t *testing.T) {
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
	cases := []struct {
		name           string
		ranked, rel    []string
		ndcg, rec, mrr float64
	}{
		{"first", []string{"a", "b"}, []string{"a"}, 1, 1, 1},
		{"second", []string{"x", "a"}, []string{"a"}, 1 / math.Log2(3), 1, 0.5},
		{"missing", []string{"x", "y"}, []string{"a"}, 0, 0, 0},
		{"two of two", []string{"a", "x", "b"}, []string{"a", "b"}, (1 + 1/math.Log2(4)) / (1 + 1/math.Log2(3)), 1, 1},
		{"beyond ten counts for mrr only", append(make([]string, 11), "a"), []string{"a"}, 0, 0, 1.0 / 12},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := score(c.ranked, c.rel)
			if !near(r.ndcg10, c.ndcg) || !near(r.recall10, c.rec) || !near(r.rr, c.mrr) {
				t.Fatalf("score = %+v, want %v %v %v", r, c.ndcg, c.rec, c.mrr)
			}
		})
	}
}
