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

// TestEvalDeskJSON runs `saperi eval --json` on a tiny desk set made here:
// the format is recognised from the needs' kinds, and the report has the
// proposal metrics overall and per kind.
func TestEvalDeskJSON(t *testing.T) {
	dir := t.TempDir()
	corpus := `[
 {"id":"a","title":"Ripetizioni di matematica","text":"Matematica per le medie.","category":"scuola","lang":"it","by":"resident"},
 {"id":"b","title":"Riparo biciclette","text":"Camere d'aria, freni e catene.","category":"sport","lang":"it","by":"resident"},
 {"id":"c","title":"Corso di chitarra","text":"Chitarra classica per principianti.","category":"cultura","lang":"it","by":"organisation"}
]`
	queries := strings.Join([]string{
		`{"qid":"n1","query":"Ripetizioni di matematica","text":"Mio figlio fa la seconda media.","category":"scuola","lang":"it","kind":"direct","relevant":["a"]}`,
		`{"qid":"n2","query":"Bicicletta con i freni rotti","text":"Chi mi ripara i freni della bicicletta?","category":"sport","lang":"it","kind":"direct","relevant":["b"]}`,
		`{"qid":"n3","query":"Cerco un astronauta","text":"Per un viaggio sulla luna.","category":"altro","lang":"it","kind":"none","relevant":[]}`,
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
	var rep EvalReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("stdout: %v\n%s", err, out.String())
	}
	if rep.Proposals == nil || rep.Kinds == nil {
		t.Fatalf("no proposal metrics for a desk set: %s", out.String())
	}
	if rep.All.N != 2 || rep.Kinds["direct"].Proposals.Needs != 2 || rep.Kinds["none"].Proposals.Needs != 1 {
		t.Fatalf("counts: %s", out.String())
	}
	if rep.All.Recall10 != 1 || rep.Kinds["direct"].Proposals.Recall != 1 || rep.Proposals.Precision != 1 {
		t.Fatalf("the two direct needs should be answered and proposed exactly: %s", out.String())
	}
	if rep.Kinds["none"].Proposals.Abstain != 1 {
		t.Fatalf("the need nothing answers got a proposal: %s", out.String())
	}

	// --trace: a line of every offer's concepts, then one per need with
	// the relevant offer ranked, and its shared concepts.
	tp := filepath.Join(dir, "trace.jsonl")
	out.Reset()
	if code := Main(context.Background(), []string{"eval", "--corpus", cp, "--queries", qp, "--trace", tp, "--log-level", "warn"}, &out, &errOut); code != 0 {
		t.Fatalf("--trace: exit %d: %s", code, errOut.String())
	}
	raw, err := os.ReadFile(tp)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	if len(lines) != 4 {
		t.Fatalf("trace has %d lines, want 4:\n%s", len(lines), raw)
	}
	var n1 traceLine
	if err := json.Unmarshal([]byte(lines[1]), &n1); err != nil {
		t.Fatal(err)
	}
	if n1.QID != "n1" || len(n1.Offers) == 0 || n1.Offers[0].ID != "a" || !n1.Offers[0].Relevant || n1.Offers[0].Rank != 1 {
		t.Fatalf("trace of n1: %+v", n1)
	}
}

// TestProposalScores checks the proposal metrics on hand-counted results.
func TestProposalScores(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []queryResult
		want ProposalScores
	}{
		{"nothing proposed", []queryResult{{relevant: 2}, {relevant: 0}},
			ProposalScores{Needs: 2, Abstain: 1}},
		{"half right, none abstains", []queryResult{{proposed: 2, right: 1, relevant: 1}, {proposed: 2, relevant: 0}},
			ProposalScores{Needs: 2, Proposed: 4, Precision: 0.25, Recall: 1, F1: 0.4, Abstain: 0}},
		{"recall counts at most three per need", []queryResult{{proposed: 3, right: 3, relevant: 6}},
			ProposalScores{Needs: 1, Proposed: 3, Precision: 1, Recall: 1, F1: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := proposalScores(tc.in); got != tc.want {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}
