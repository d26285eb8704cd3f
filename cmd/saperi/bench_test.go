package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestBenchSmall runs every bench phase on a few hundred postings: the JSON
// report must have its figures and the export must hold exactly the
// generated postings and the timed queries.
func TestBenchSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("generates data and serves HTTP")
	}
	exp := t.TempDir()
	var out, errOut bytes.Buffer
	code := Main(context.Background(), []string{"bench", "--postings", "400", "--queries", "25", "--writes", "60",
		"--writers", "4", "--chunk", "150", "--json", "--export", exp, "--log-level", "warn",
		"--phases", "ingest,query,write,coldstart,rebuild,digest", "--people", "300",
		"--geodata", "../../../shared/data/comuni-centroids-openpolis-2023.csv"}, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var rep BenchReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	if rep.Postings != 400 || rep.IngestPerS <= 0 || rep.WritePerS <= 0 || rep.CandidatesMS.P50 <= 0 ||
		rep.CandidatesMS.P99 < rep.CandidatesMS.P50 || rep.RSSMB <= 0 || rep.RSSAnonMB <= 0 || rep.RSSAnonMB > rep.RSSMB || rep.IndexMB <= 0 || rep.StoreMB <= 0 ||
		rep.RebuildS <= 0 || len(rep.Phases) != 6 {
		t.Fatalf("report: %+v", rep)
	}
	// The weekly run over 300 people: some proposals, some digests, and
	// the assignment never below the greedy baseline it is compared with.
	if d := rep.Digest; d == nil || d.People != 300 || d.Needs == 0 || d.Proposals == 0 || d.Mails == 0 ||
		rep.Digest100kS != d.TotalS || d.TotalS < d.GatherS || d.Score < d.GreedyScore {
		t.Fatalf("digest report: %+v", rep.Digest)
	}
	f, err := os.Open(filepath.Join(exp, "postings.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// 400 generated plus the 60 written through the API, and a header.
	if len(rows) != 1+400+60 || rows[0][0] != "id" || rows[0][8] != "status" {
		t.Fatalf("postings.csv: %d rows, header %v", len(rows), rows[0])
	}
	q, err := os.Open(filepath.Join(exp, "queries.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	n := 0
	for sc := bufio.NewScanner(q); sc.Scan(); n++ {
		var line struct {
			PostingID uint64         `json:"posting_id"`
			Text      string         `json:"text"`
			Filters   map[string]any `json:"filters"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil || line.PostingID == 0 || line.Text == "" || line.Filters["kind"] == nil {
			t.Fatalf("queries.jsonl line %d: %v %+v", n+1, err, line)
		}
	}
	if n != 25 {
		t.Fatalf("queries.jsonl has %d lines, want 25", n)
	}
}
