package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/saperi/saperi/index"
)

// evalDir is the shared evaluation data, next to the repository (it is
// not part of it; see README, "Match quality").
const evalDir = "../../../shared/eval"

// evalTolerance is how far nDCG@10 may fall below the recorded figure
// before the test fails; proposalTolerance how far the desk set's
// proposal precision and abstention may (one need of twenty nothing
// answers is 0.05 of abstention).
const (
	evalTolerance     = 0.02
	proposalTolerance = 0.05
)

// recordedEval are the figures in testdata/eval_recorded.json: what the
// dev queries scored when matching was last improved. Update them (and the
// README) when a change improves them.
type recordedEval struct {
	AllNDCG10    float64 `json:"all_ndcg10"`
	AllRecall10  float64 `json:"all_recall10"`
	HardNDCG10   float64 `json:"hard_ndcg10"`
	HardRecall10 float64 `json:"hard_recall10"`
	// Desk are the desk development set's figures.
	Desk struct {
		AllNDCG10  float64 `json:"all_ndcg10"`
		HardNDCG10 float64 `json:"hard_ndcg10"`
		Precision  float64 `json:"precision"`
		Abstain    float64 `json:"abstain"`
	} `json:"desk"`
}

// readRecorded reads testdata/eval_recorded.json.
func readRecorded(t *testing.T) recordedEval {
	t.Helper()
	raw, err := os.ReadFile("testdata/eval_recorded.json")
	if err != nil {
		t.Fatal(err)
	}
	var rec recordedEval
	if err := json.Unmarshal(raw, &rec); err != nil {
		t.Fatalf("testdata/eval_recorded.json: %v", err)
	}
	if rec.AllNDCG10 <= 0 || rec.HardNDCG10 <= 0 || rec.Desk.AllNDCG10 <= 0 || rec.Desk.HardNDCG10 <= 0 ||
		rec.Desk.Precision <= 0 || rec.Desk.Abstain <= 0 {
		t.Fatalf("recorded figures missing: %+v", rec)
	}
	return rec
}

// runEvalSet runs `saperi eval --json` on corpus and queries with the
// product's defaults, or skips when the evaluation data or the general
// thesaurus is not here.
func runEvalSet(t *testing.T, corpus, queries string) EvalReport {
	t.Helper()
	for _, p := range []string{corpus, queries} {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("evaluation data not found (%v): the regression check needs ../shared/eval next to the repository", err)
		}
	}
	if _, err := os.Stat(index.DefaultGeneralThesaurus); err != nil {
		t.Skipf("general thesaurus %s not installed (run make deps as root): the recorded figures assume it", index.DefaultGeneralThesaurus)
	}
	var out, errb bytes.Buffer
	cmd := exec.Command(binary, "eval", "--json", "--log-level", "warn", "--corpus", corpus, "--queries", queries)
	cmd.Env = append(os.Environ(), "SAPERI_WEIGHTS=", "SAPERI_RELEVANCE=", "SAPERI_THESAURUS="+index.DefaultGeneralThesaurus,
		"SAPERI_POOL=", "SAPERI_THRESHOLD=")
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("saperi eval: %v\n%s", err, errb.String())
	}
	var rep EvalReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("saperi eval --json: %v: %s", err, out.String())
	}
	return rep
}

// TestEvalRegression runs `saperi eval` on the ESCO dev queries with the
// product's defaults and fails when nDCG@10, over all queries or the hard
// ones, falls more than evalTolerance below the recorded figure.
func TestEvalRegression(t *testing.T) {
	rec := readRecorded(t)
	rep := runEvalSet(t, filepath.Join(evalDir, "esco-occupations-it.corpus.json"), filepath.Join(evalDir, "esco-occupations-it.dev.queries.jsonl"))
	t.Logf("all nDCG@10 %.4f recall@10 %.4f; hard nDCG@10 %.4f recall@10 %.4f; p50 %.1f ms p99 %.1f ms",
		rep.All.NDCG10, rep.All.Recall10, rep.Hard.NDCG10, rep.Hard.Recall10, rep.Latency.P50, rep.Latency.P99)
	if rep.All.NDCG10 < rec.AllNDCG10-evalTolerance {
		t.Errorf("all queries: nDCG@10 %.4f, recorded %.4f: more than %.2f lower", rep.All.NDCG10, rec.AllNDCG10, evalTolerance)
	}
	if rep.Hard.NDCG10 < rec.HardNDCG10-evalTolerance {
		t.Errorf("hard queries: nDCG@10 %.4f, recorded %.4f: more than %.2f lower", rep.Hard.NDCG10, rec.HardNDCG10, evalTolerance)
	}
}

// TestDeskEvalRegression runs `saperi eval` on the desk development set
// and fails when the ranking (nDCG@10 of all needs with answers and of the
// paraphrase and foreign ones) or the proposals (precision, abstention on
// the needs nothing answers) fall below the recorded figures.
func TestDeskEvalRegression(t *testing.T) {
	rec := readRecorded(t).Desk
	dir := filepath.Join(evalDir, "desk-dev")
	rep := runEvalSet(t, filepath.Join(dir, "offers.json"), filepath.Join(dir, "needs.jsonl"))
	if rep.Proposals == nil {
		t.Fatal("no proposal figures: the desk set was not recognised")
	}
	t.Logf("nDCG@10 all %.4f, paraphrase+foreign %.4f; proposals precision %.4f recall %.4f abstain %.2f; p99 %.1f ms",
		rep.All.NDCG10, rep.Hard.NDCG10, rep.Proposals.Precision, rep.Proposals.Recall, rep.Proposals.Abstain, rep.Latency.P99)
	for _, c := range []struct {
		name           string
		got, rec, tole float64
	}{
		{"nDCG@10 of all needs with answers", rep.All.NDCG10, rec.AllNDCG10, evalTolerance},
		{"nDCG@10 of paraphrase and foreign needs", rep.Hard.NDCG10, rec.HardNDCG10, evalTolerance},
		{"proposal precision", rep.Proposals.Precision, rec.Precision, proposalTolerance},
		{"abstention on needs nothing answers", rep.Proposals.Abstain, rec.Abstain, proposalTolerance},
	} {
		if c.got < c.rec-c.tole-1e-9 {
			t.Errorf("%s %.4f, recorded %.4f: more than %.2f lower", c.name, c.got, c.rec, c.tole)
		}
	}
}
