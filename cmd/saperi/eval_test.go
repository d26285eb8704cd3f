package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEvalJSON runs `saperi eval --json` end to end on a tiny corpus made
// here, and checks the shape of the output and that its figures respond to
// what is retrievable.
func TestEvalJSON(t *testing.T) {
	dir := t.TempDir()
	corpus := `[
 {"id":"a","title":"insegnante di matematica","text":"Insegna matematica ai ragazzi delle scuole medie."},
 {"id":"b","title":"idraulico","text":"Ripara tubi, rubinetti e scarichi nelle case."},
 {"id":"c","title":"cuoco","text":"Prepara i pasti in una cucina."}
]`
	queries := strings.Join([]string{
		`{"qid":"q1","query":"insegnante matematica","relevant":["a"],"hard":false}`,
		`{"qid":"q2","query":"riparazione rubinetti","relevant":["b"],"hard":false}`,
		`{"qid":"q3","query":"astronauta","relevant":["c"],"hard":true}`,
	}, "\n")
	cp, qp := filepath.Join(dir, "c.json"), filepath.Join(dir, "q.jsonl")
	if err := os.WriteFile(cp, []byte(corpus), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(qp, []byte(queries), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	code := Main(context.Background(), []string{"eval", "--corpus", cp, "--queries", qp, "--json", "--log-level", "warn"}, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var rep map[string]any
	dec := json.NewDecoder(&out)
	if err := dec.Decode(&rep); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, out.String())
	}
	if dec.More() {
		t.Fatal("more than one JSON value on stdout")
	}
	for _, k := range []string{"queries", "all", "hard", "latency_ms"} {
		if _, ok := rep[k]; !ok {
			t.Fatalf("report lacks %q: %v", k, rep)
		}
	}
	all := rep["all"].(map[string]any)
	hard := rep["hard"].(map[string]any)
	if rep["queries"].(float64) != 3 || all["n"].(float64) != 3 || hard["n"].(float64) != 1 {
		t.Fatalf("counts: %v", rep)
	}
	// q1 and q2 share stems with their offer; q3 has nothing to do with its
	// (deliberately wrong) relevant offer, so no synonym can rescue it.
	if all["recall10"].(float64) < 0.66 || all["mrr"].(float64) < 0.66 || hard["recall10"].(float64) != 0 {
		t.Fatalf("figures: %v", rep)
	}
	lat := rep["latency_ms"].(map[string]any)
	if lat["p50"].(float64) <= 0 || lat["p99"].(float64) < lat["p50"].(float64) {
		t.Fatalf("latency: %v", lat)
	}
}
