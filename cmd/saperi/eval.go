package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"os"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/matcher"
)

// evalDoc is one offer of an evaluation corpus. Two formats are read: the
// ESCO occupations ({id, title, text}) and the desk sets, whose offers
// also carry a category and the language they are written in.
type evalDoc struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Text     string `json:"text"`
	Category string `json:"category"`
	Lang     string `json:"lang"`
}

// evalQuery is one need of an evaluation set, with the ids of the offers
// that answer it. ESCO queries are a title ({qid, query, relevant, hard,
// isco}); desk needs have a description, the category the person picked,
// their language and a kind (direct, paraphrase, trap, foreign, none), and
// an empty relevant list for "none": nothing should be proposed.
type evalQuery struct {
	QID      string   `json:"qid"`
	Query    string   `json:"query"`
	Text     string   `json:"text"`
	Category string   `json:"category"`
	Lang     string   `json:"lang"`
	Kind     string   `json:"kind"`
	Relevant []string `json:"relevant"`
	Hard     bool     `json:"hard"`
	ISCO     string   `json:"isco"`
}

// Desk need kinds whose relevant offers share no word with the need: they
// make up the "hard" set of a desk evaluation.
var deskHardKinds = map[string]bool{"paraphrase": true, "foreign": true}

// deskKinds are the kinds of a desk set, in report order.
var deskKinds = []string{"direct", "paraphrase", "trap", "foreign", "none"}

// half names the half of the query set a query falls in, by a hash of its
// ISCO code (or, without one, its id), so that every query about one
// occupation group lands in the same half: "tune" for the half weights are
// tuned on, "check" for the half that confirms the gain holds on words the
// tuning never saw.
func (q evalQuery) half() string {
	key := q.ISCO
	if key == "" {
		key = q.QID
	}
	h := fnv.New32a()
	h.Write([]byte(key))
	if h.Sum32()%2 == 0 {
		return "tune"
	}
	return "check"
}

// Scores are the mean retrieval metrics over a set of queries.
type Scores struct {
	N        int     `json:"n"`
	NDCG10   float64 `json:"ndcg10"`
	Recall10 float64 `json:"recall10"`
	MRR      float64 `json:"mrr"`
}

// ProposalScores measure the proposals themselves: for each need, the
// offers the engine would propose (at most matcher.MaxProposals, at its
// threshold). Precision is the share of all proposals that are relevant;
// recall the share of the relevant offers that were proposed, each need
// counting at most MaxProposals of them (it cannot be proposed more);
// Abstain the share of needs without any relevant offer that got no
// proposal at all.
type ProposalScores struct {
	Needs     int     `json:"needs"`
	Proposed  int     `json:"proposed"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	Abstain   float64 `json:"abstain"`
}

// KindScores are the retrieval and proposal metrics of one kind of need
// of a desk set.
type KindScores struct {
	Scores
	Proposals ProposalScores `json:"proposals"`
}

// EvalReport is what `saperi eval --json` prints. For a desk set, All
// and Hard count only the needs that have relevant offers, Hard being the
// paraphrase and foreign needs; Proposals and Kinds are added.
type EvalReport struct {
	Queries   int                   `json:"queries"`
	Threshold float64               `json:"threshold"`
	All       Scores                `json:"all"`
	Hard      Scores                `json:"hard"`
	Proposals *ProposalScores       `json:"proposals,omitempty"`
	Kinds     map[string]KindScores `json:"kinds,omitempty"`
	// Tune and Check are the two halves of the queries by ISCO code
	// (evalQuery.half), all and hard.
	Tune      Scores `json:"tune"`
	TuneHard  Scores `json:"tune_hard"`
	Check     Scores `json:"check"`
	CheckHard Scores `json:"check_hard"`
	Latency   struct {
		P50 float64 `json:"p50"`
		P99 float64 `json:"p99"`
	} `json:"latency_ms"`
}

func runEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var (
		c         common
		ec        engineConfig
		corpus    string
		queries   string
		asJSON    bool
		keep      bool
		cold      bool
		failures  int
		tracePath string
	)
	f := newFlags("eval", "", "Measure need → offer match quality. The corpus is loaded as offers and each query\n"+
		"runs as a need through the same store, index and matcher the server uses, in a temporary\n"+
		"data folder (--data is ignored unless --keep). Prints nDCG@10, recall@10 and MRR (over the\n"+
		"top 100) for all queries and for those marked hard, and the per-query latency. A desk set\n"+
		"(needs with a kind; ../shared/eval/desk-dev) also gets the proposals' precision, recall and\n"+
		"F1 at the engine's threshold, the abstention on needs nothing answers, and every figure per\n"+
		"kind of need.", stdout)
	f.common(&c)
	f.engine(&ec)
	f.str(&corpus, "corpus", "", "../shared/eval/esco-occupations-it.corpus.json", "corpus file: a JSON array of {id, title, text}")
	f.str(&queries, "queries", "", "../shared/eval/esco-occupations-it.dev.queries.jsonl", "queries file: JSON lines of {qid, query, relevant, hard}, "+
		"or of a desk set {qid, query, text, category, lang, kind, relevant}")
	f.bool(&asJSON, "json", "", false, "print one JSON object on stdout")
	f.bool(&keep, "keep", "", false, "build the evaluation store in --data instead of a temporary folder, and keep it")
	f.bool(&cold, "cold", "", false, "measure latency with a cold token cache (no warm-up after loading, unlike a running server)")
	f.int(&failures, "show-misses", "", 0, "print this many queries whose relevant offer was not in the top 10")
	f.str(&tracePath, "trace", "", "", "write one JSON line per query to this file: the need's concepts, the top ten and every relevant offer with its score, relevance, fit and shared concepts")
	if err := f.parse(args); err != nil {
		return err
	}
	log, err := c.logger(stderr)
	if err != nil {
		return err
	}
	docs, err := readCorpus(corpus)
	if err != nil {
		return err
	}
	qs, err := readQueries(queries)
	if err != nil {
		return err
	}
	dir := c.Data
	if !keep {
		if dir, err = os.MkdirTemp("", "saperi-eval-*"); err != nil {
			return err
		}
		defer os.RemoveAll(dir)
	} else if _, err := os.Stat(storePath(dir)); err == nil {
		return usageError{fmt.Errorf("--keep: %s already has a store; choose an empty --data folder", dir)}
	}
	a, err := openApp(ctx, dir, ec, log)
	if err != nil {
		return err
	}
	defer a.Close()

	now := time.Now().UTC()
	fmt.Fprintf(stderr, "eval: loading %d offers…\n", len(docs))
	offerOf, needer, err := loadEvalCorpus(ctx, a, docs, now)
	if err != nil {
		return err
	}
	if _, err := a.ix.Sync(ctx); err != nil {
		return err
	}
	if !cold {
		// As a server does in the background after it starts.
		if err := a.db.ScanPostings(ctx, 1000, func(ps []*saperi.Posting) error {
			a.engine.Warm(ctx, ps, now)
			return nil
		}); err != nil {
			return err
		}
	}
	fmt.Fprintf(stderr, "eval: running %d queries…\n", len(qs))

	var trace io.Writer
	var byID map[string]*saperi.Posting
	if tracePath != "" {
		tf, err := os.Create(tracePath)
		if err != nil {
			return err
		}
		defer tf.Close()
		trace = tf
		if byID, err = postingsByCorpusID(ctx, a, offerOf); err != nil {
			return err
		}
		if err := writeTraceHead(tf, a, byID); err != nil {
			return err
		}
	}
	desk := isDesk(qs)
	var all, hard []queryResult
	halves := map[string][]queryResult{}
	kinds := map[string][]queryResult{}
	lat := make([]float64, 0, len(qs))
	var misses []string
	for i, q := range qs {
		if err := ctx.Err(); err != nil {
			return err
		}
		need := evalNeed(q, needer, now)
		if err := a.db.CreatePosting(ctx, need, saperi.Event{At: now, Actor: "eval"}); err != nil {
			return fmt.Errorf("query %s: %w", q.QID, err)
		}
		start := time.Now()
		ranked, err := a.engine.Candidates(ctx, need.ID, 100, now)
		lat = append(lat, float64(time.Since(start).Microseconds())/1000)
		if err != nil {
			return fmt.Errorf("query %s: %w", q.QID, err)
		}
		ids := make([]string, len(ranked))
		for j, r := range ranked {
			ids[j] = offerOf[r.Posting.ID]
		}
		res := score(ids, q.Relevant)
		res.relevant = len(q.Relevant)
		for _, r := range a.engine.Proposals(ranked) {
			res.proposed++
			if slices.Contains(q.Relevant, offerOf[r.Posting.ID]) {
				res.right++
			}
		}
		if trace != nil {
			if err := writeTrace(trace, a, q, need, ranked, res.proposed, offerOf, byID); err != nil {
				return err
			}
		}
		if desk {
			kinds[q.Kind] = append(kinds[q.Kind], res)
			if len(q.Relevant) == 0 {
				continue // no ranking to measure: only the abstention counts
			}
		}
		all = append(all, res)
		if q.Hard || (desk && deskHardKinds[q.Kind]) {
			hard = append(hard, res)
			halves[q.half()+"_hard"] = append(halves[q.half()+"_hard"], res)
		}
		halves[q.half()] = append(halves[q.half()], res)
		if res.recall10 == 0 && len(misses) < failures {
			misses = append(misses, fmt.Sprintf("  %s %q → %s", q.QID, q.Query, strings.Join(topTitles(ranked, 3), " | ")))
		}
		if (i+1)%250 == 0 {
			fmt.Fprintf(stderr, "eval: %d/%d queries\n", i+1, len(qs))
		}
	}
	var rep EvalReport
	rep.Queries = len(qs)
	rep.Threshold = a.engine.Threshold
	rep.All, rep.Hard = mean(all), mean(hard)
	if desk {
		var every []queryResult
		rep.Kinds = map[string]KindScores{}
		for k, rs := range kinds {
			every = append(every, rs...)
			rep.Kinds[k] = KindScores{Scores: mean(rs), Proposals: proposalScores(rs)}
		}
		ps := proposalScores(every)
		rep.Proposals = &ps
	}
	rep.Tune, rep.TuneHard = mean(halves["tune"]), mean(halves["tune_hard"])
	rep.Check, rep.CheckHard = mean(halves["check"]), mean(halves["check_hard"])
	rep.Latency.P50, rep.Latency.P99 = percentile(lat, 50), percentile(lat, 99)
	if asJSON {
		enc := json.NewEncoder(stdout)
		return enc.Encode(rep)
	}
	fmt.Fprintf(stdout, "queries %d (offers %d)\n", rep.Queries, len(docs))
	fmt.Fprintf(stdout, "%-10s %5s  %-8s %-9s %-6s\n", "set", "n", "nDCG@10", "recall@10", "MRR")
	for _, r := range []struct {
		name string
		s    Scores
	}{{"all", rep.All}, {"hard", rep.Hard}, {"tune", rep.Tune}, {"tune hard", rep.TuneHard},
		{"check", rep.Check}, {"check hard", rep.CheckHard}} {
		fmt.Fprintf(stdout, "%-10s %5d  %.4f   %.4f    %.4f\n", r.name, r.s.N, r.s.NDCG10, r.s.Recall10, r.s.MRR)
	}
	if rep.Proposals != nil {
		fmt.Fprintf(stdout, "\nproposals at threshold %.2f (at most %d per need)\n", rep.Threshold, matcher.MaxProposals)
		fmt.Fprintf(stdout, "%-10s %5s  %-8s %-9s %-6s  %-9s %-6s %-6s %-7s\n", "kind", "n", "nDCG@10", "recall@10", "MRR", "proposed", "prec", "recall", "abstain")
		row := func(name string, s Scores, p ProposalScores) {
			fmt.Fprintf(stdout, "%-10s %5d  %.4f   %.4f    %.4f  %8d  %.4f %.4f %.4f\n", name, p.Needs, s.NDCG10, s.Recall10, s.MRR,
				p.Proposed, p.Precision, p.Recall, p.Abstain)
		}
		for _, k := range deskKinds {
			if ks, ok := rep.Kinds[k]; ok {
				row(k, ks.Scores, ks.Proposals)
			}
		}
		row("all", rep.All, *rep.Proposals)
	}
	fmt.Fprintf(stdout, "latency per query: p50 %.2f ms, p99 %.2f ms\n", rep.Latency.P50, rep.Latency.P99)
	if len(misses) > 0 {
		fmt.Fprintln(stdout, "misses:")
		fmt.Fprintln(stdout, strings.Join(misses, "\n"))
	}
	return nil
}

func topTitles(r []matcher.Ranked, n int) []string {
	var out []string
	for i := 0; i < len(r) && i < n; i++ {
		out = append(out, r[i].Posting.Title)
	}
	return out
}

// isDesk reports whether qs are the needs of a desk set (they have kinds).
func isDesk(qs []evalQuery) bool {
	for _, q := range qs {
		if q.Kind != "" {
			return true
		}
	}
	return false
}

// loadEvalCorpus stores every document as a remote offer of one
// organisation (place and time are not judged) and creates the profile the
// needs belong to. It returns the corpus id of each offer's posting id.
func loadEvalCorpus(ctx context.Context, a *app, docs []evalDoc, now time.Time) (map[uint64]string, uint64, error) {
	hub := &saperi.Hub{Name: "Valutazione", Neighbors: []uint64{}, Created: now}
	if err := a.db.CreateHub(ctx, hub); err != nil {
		return nil, 0, err
	}
	ev := saperi.Event{At: now, Actor: "eval"}
	mk := func(name string, kind saperi.ProfileKind) (*saperi.Profile, error) {
		p := &saperi.Profile{Kind: kind, Name: name, HubID: hub.ID, Languages: []string{"it"}, Created: now, Updated: now,
			Consent: saperi.Consent{Text: "evaluation data", Version: "eval", At: now, By: saperi.ConsentSelf}}
		return p, a.db.CreateProfile(ctx, p, ev)
	}
	offerer, err := mk("Offerte di valutazione", saperi.Organisation)
	if err != nil {
		return nil, 0, err
	}
	needer, err := mk("Richieste di valutazione", saperi.Resident)
	if err != nil {
		return nil, 0, err
	}
	posts := make([]*saperi.Posting, len(docs))
	for i, d := range docs {
		title, rest := splitTitle(d.Title, 120)
		p := &saperi.Posting{Kind: saperi.Offer, Title: title, Description: strings.TrimSpace(rest + " " + d.Text),
			Category: d.Category, Mode: saperi.Remote, Created: now, Updated: now}
		if d.Lang != "" {
			p.Languages = []string{d.Lang}
		}
		p.Inherit(offerer)
		p.Normalize(now)
		if utf8.RuneCountInString(p.Description) > 4000 {
			p.Description = string([]rune(p.Description)[:4000])
		}
		posts[i] = p
	}
	if err := a.db.ImportPostings(ctx, posts, ev); err != nil {
		return nil, 0, err
	}
	offerOf := make(map[uint64]string, len(docs))
	for i, p := range posts {
		offerOf[p.ID] = docs[i].ID
	}
	return offerOf, needer.ID, nil
}

// splitTitle keeps a title within max runes, cutting at a "/" or a space;
// the rest goes to the description.
func splitTitle(t string, max int) (string, string) {
	r := []rune(strings.TrimSpace(t))
	if len(r) <= max {
		return string(r), ""
	}
	cut := max
	for i := max; i > max/2; i-- {
		if r[i] == '/' || r[i] == ' ' {
			cut = i
			break
		}
	}
	return strings.TrimSpace(string(r[:cut])), strings.TrimSpace(strings.TrimLeft(string(r[cut:]), "/"))
}

// evalNeed is the need a query stands for: its title (and description),
// the category the person picked and the language they wrote in.
func evalNeed(q evalQuery, owner uint64, now time.Time) *saperi.Posting {
	title, rest := splitTitle(q.Query, 120)
	lang := q.Lang
	if lang == "" {
		lang = "it"
	}
	p := &saperi.Posting{Kind: saperi.Need, ProfileID: owner, Title: title, Description: strings.TrimSpace(rest + " " + q.Text),
		Category: q.Category, Mode: saperi.Remote, Languages: []string{lang}, Created: now, Updated: now}
	p.Normalize(now)
	return p
}

// queryResult is how one query fared: its retrieval metrics, and how many
// offers were proposed, how many of them were relevant, and how many
// relevant offers it has.
type queryResult struct {
	ndcg10, recall10, rr      float64
	proposed, right, relevant int
}

// proposalScores sums the proposals of rs (see ProposalScores).
func proposalScores(rs []queryResult) ProposalScores {
	var p ProposalScores
	right, reachable, none, abstained := 0, 0, 0, 0
	for _, r := range rs {
		p.Needs++
		p.Proposed += r.proposed
		right += r.right
		reachable += min(r.relevant, matcher.MaxProposals)
		if r.relevant == 0 {
			none++
			if r.proposed == 0 {
				abstained++
			}
		}
	}
	if p.Proposed > 0 {
		p.Precision = round4(float64(right) / float64(p.Proposed))
	}
	if reachable > 0 {
		p.Recall = round4(float64(right) / float64(reachable))
	}
	if p.Precision+p.Recall > 0 {
		p.F1 = round4(2 * p.Precision * p.Recall / (p.Precision + p.Recall))
	}
	if none > 0 {
		p.Abstain = round4(float64(abstained) / float64(none))
	}
	return p
}

// score computes nDCG@10 (binary gain), recall@10 and the reciprocal rank
// of the first relevant id in ranked.
func score(ranked, relevant []string) queryResult {
	rel := make(map[string]bool, len(relevant))
	for _, r := range relevant {
		rel[r] = true
	}
	var res queryResult
	dcg, found := 0.0, 0
	for i, id := range ranked {
		if !rel[id] {
			continue
		}
		if res.rr == 0 {
			res.rr = 1 / float64(i+1)
		}
		if i < 10 {
			dcg += 1 / math.Log2(float64(i+2))
			found++
		}
	}
	idcg := 0.0
	for i := 0; i < len(rel) && i < 10; i++ {
		idcg += 1 / math.Log2(float64(i+2))
	}
	if idcg > 0 {
		res.ndcg10 = dcg / idcg
	}
	if len(rel) > 0 {
		res.recall10 = float64(found) / float64(len(rel))
	}
	return res
}

func mean(rs []queryResult) Scores {
	s := Scores{N: len(rs)}
	if len(rs) == 0 {
		return s
	}
	for _, r := range rs {
		s.NDCG10 += r.ndcg10
		s.Recall10 += r.recall10
		s.MRR += r.rr
	}
	n := float64(len(rs))
	s.NDCG10, s.Recall10, s.MRR = round4(s.NDCG10/n), round4(s.Recall10/n), round4(s.MRR/n)
	return s
}

func round4(v float64) float64 { return math.Round(v*1e4) / 1e4 }

func percentile(v []float64, p float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return math.Round(s[max(0, min(i, len(s)-1))]*100) / 100
}

func readCorpus(path string) ([]evalDoc, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	var docs []evalDoc
	if err := json.Unmarshal(raw, &docs); err != nil {
		return nil, fmt.Errorf("corpus %s: not a JSON array of {id, title, text}: %w", path, err)
	}
	if len(docs) == 0 {
		return nil, fmt.Errorf("corpus %s is empty", path)
	}
	return docs, nil
}

func readQueries(path string) ([]evalQuery, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("queries: %w", err)
	}
	defer fh.Close()
	var qs []evalQuery
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for line := 1; sc.Scan(); line++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var q evalQuery
		if err := json.Unmarshal(sc.Bytes(), &q); err != nil {
			return nil, fmt.Errorf("queries %s line %d: %w", path, line, err)
		}
		qs = append(qs, q)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(qs) == 0 {
		return nil, errors.New("queries: no queries in " + path)
	}
	return qs, nil
}
