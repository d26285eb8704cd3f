package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/auth"
	"github.com/saperi/saperi/demo"
	"github.com/saperi/saperi/service"
	"github.com/saperi/saperi/web"
)

// BenchReport is what `saperi bench --json` prints. Figures of phases that
// did not run are zero.
type BenchReport struct {
	Postings     int     `json:"postings"`
	IngestPerS   float64 `json:"ingest_per_s"`
	WritePerS    float64 `json:"write_per_s"`
	CandidatesMS struct {
		P50 float64 `json:"p50"`
		P90 float64 `json:"p90"`
		P99 float64 `json:"p99"`
	} `json:"candidates_ms"`
	RSSMB float64 `json:"rss_mb"`
	// RSSAnonMB is the part of RSSMB that is not mapped files (store,
	// index): the Go heap and caches.
	RSSAnonMB   float64  `json:"rss_anon_mb"`
	IndexMB     float64  `json:"index_mb"`
	StoreMB     float64  `json:"store_mb"`
	ColdStartS  float64  `json:"cold_start_s"`
	RebuildS    float64  `json:"rebuild_s"`
	Digest100kS float64  `json:"digest_100k_s"`
	Phases      []string `json:"phases"`
	// Digest details the digest phase; Digest100kS is its total time
	// (for Digest.People people, 100k unless --people says otherwise).
	Digest *DigestBench `json:"digest,omitempty"`
}

type benchConfig struct {
	postings, queries, writers, writes, chunk int
	people                                    int
	seed                                      uint64
	phases                                    map[string]bool
	geodata, export                           string
	cpuProfile, memProfile                    string
	reuse                                     bool // measure the postings already in the folder
}

const (
	benchPhases = "ingest,query,write,coldstart,rebuild,digest"
	// defaultPhases leave out digest, which generates its own people.
	defaultPhases = "ingest,query,write,coldstart,rebuild"
)

func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var (
		c      common
		ec     engineConfig
		bc     benchConfig
		phases string
		asJSON bool
		keep   bool
		seed   int
	)
	f := newFlags("bench", "", "Measure Saperi at scale on generated data: realistic Italian offers and needs over\n"+
		"Torino's neighbourhoods and the towns around it (seeded, so runs are comparable).\n"+
		"Phases: ingest (bulk import into store and index, durable at the end), query (ranked,\n"+
		"explained candidates of sample postings), write (single API writes over HTTP from\n"+
		"concurrent clients), coldstart (reopen store and index), rebuild (index from the store),\n"+
		"digest (a weekly run — assignment, proposals, digests — for --people generated people\n"+
		"with one posting each, in a folder of its own; not run unless asked for).\n"+
		"Progress goes to stderr. Town centroids: openpolis (CC BY 4.0), su dati ISTAT.", stdout)
	f.common(&c)
	f.engine(&ec)
	f.int(&bc.postings, "postings", "", 10000, "how many postings to generate")
	f.str(&phases, "phases", "", defaultPhases, "comma-separated phases to run, from "+benchPhases)
	f.int(&bc.people, "people", "", 100000, "people generated for the digest phase")
	f.int(&seed, "seed", "", 1, "generator seed")
	f.int(&bc.queries, "queries", "", 1000, "sample postings whose candidates are timed")
	f.int(&bc.writers, "writers", "", 16, "concurrent clients in the write phase")
	f.int(&bc.writes, "writes", "", 4000, "API writes in the write phase")
	f.int(&bc.chunk, "chunk", "", 10000, "postings per import transaction")
	f.str(&bc.geodata, "geodata", "", "../shared/data/comuni-centroids-openpolis-2023.csv", "municipality centroids CSV (istat,name,prov_acr,…,lat,lon); towns of the TO province within 20 km are used")
	f.str(&bc.export, "export", "", "", "write the generated postings (postings.csv) and the query list (queries.jsonl) to this folder")
	f.str(&bc.cpuProfile, "cpuprofile", "", "", "write a CPU profile of the whole run to this file (go tool pprof)")
	f.str(&bc.memProfile, "memprofile", "", "", "write a heap profile after the query phase to this file")
	f.bool(&asJSON, "json", "", false, "print one JSON object on stdout")
	f.bool(&keep, "keep", "", false, "build in --data and keep it, instead of a temporary folder; when --data already\n"+
		"holds a bench store and the phases leave out ingest, its postings are measured again")
	if err := f.parse(args); err != nil {
		return err
	}
	if bc.postings < 1 || bc.queries < 0 || bc.writers < 1 || bc.writes < 0 || bc.chunk < 1 || bc.people < 1 {
		return usageError{errors.New("--postings, --people, --writers and --chunk must be positive; --queries and --writes not negative")}
	}
	bc.seed = uint64(seed)
	bc.phases = map[string]bool{}
	for _, p := range strings.Split(phases, ",") {
		p = strings.TrimSpace(p)
		if !strings.Contains(","+benchPhases+",", ","+p+",") {
			return usageError{fmt.Errorf("--phases: unknown phase %q (use %s)", p, benchPhases)}
		}
		bc.phases[p] = true
	}
	if ec.IndexBatch == 0 {
		ec.IndexBatch = max(5000, bc.chunk)
	}
	log, err := c.logger(stderr)
	if err != nil {
		return err
	}
	dir := c.Data
	if !keep {
		if dir, err = os.MkdirTemp("", "saperi-bench-*"); err != nil {
			return err
		}
		defer os.RemoveAll(dir)
	} else if _, err := os.Stat(storePath(dir)); err == nil && bc.phases["ingest"] {
		return usageError{fmt.Errorf("--keep: %s already has a store; choose an empty --data folder, or leave ingest out of --phases to measure it again", dir)}
	} else if err == nil {
		bc.reuse = true
	}
	if bc.cpuProfile != "" {
		pf, err := os.Create(bc.cpuProfile)
		if err != nil {
			return err
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	rep, err := bench(ctx, dir, ec, bc, log, stderr)
	if err != nil {
		return err
	}
	if asJSON {
		return json.NewEncoder(stdout).Encode(rep)
	}
	fmt.Fprintf(stdout, "postings          %d\n", rep.Postings)
	fmt.Fprintf(stdout, "ingest            %.0f postings/s\n", rep.IngestPerS)
	fmt.Fprintf(stdout, "candidates        p50 %.2f ms, p90 %.2f ms, p99 %.2f ms\n", rep.CandidatesMS.P50, rep.CandidatesMS.P90, rep.CandidatesMS.P99)
	fmt.Fprintf(stdout, "API writes        %.0f/s (%d clients)\n", rep.WritePerS, bc.writers)
	fmt.Fprintf(stdout, "RSS               %.0f MB (of which %.0f MB not mapped files)\n", rep.RSSMB, rep.RSSAnonMB)
	fmt.Fprintf(stdout, "on disk           index %.0f MB, store %.0f MB\n", rep.IndexMB, rep.StoreMB)
	fmt.Fprintf(stdout, "cold start        %.2f s\n", rep.ColdStartS)
	fmt.Fprintf(stdout, "rebuild           %.1f s\n", rep.RebuildS)
	if d := rep.Digest; d != nil {
		fmt.Fprintf(stdout, "weekly run        %.1f s for %d people: gather + assign %.1f s, store %d proposals %.1f s, %d digests %.1f s\n",
			d.TotalS, d.People, d.GatherS, d.Proposals, d.StoreS, d.Mails, d.MailS)
		fmt.Fprintf(stdout, "assignment        total %.1f against greedy top-1 %.1f\n", d.Score, d.GreedyScore)
	}
	return nil
}

func bench(ctx context.Context, dir string, ec engineConfig, bc benchConfig, log *slog.Logger, progress io.Writer) (*BenchReport, error) {
	rep := &BenchReport{Postings: bc.postings, Phases: []string{}}
	now := time.Now().UTC()
	places, err := loadPlaces(bc.geodata)
	if err != nil {
		return nil, err
	}
	gen, err := demo.NewGen(bc.seed, now, places)
	if err != nil {
		return nil, err
	}
	if len(bc.phases) == 1 && bc.phases["digest"] {
		// Only the weekly run: no need for the postings of the others.
		d, err := benchDigest(ctx, filepath.Join(dir, "digest"), ec, bc, gen, now, progress)
		if err != nil {
			return nil, err
		}
		rep.Postings = 0
		rep.Digest, rep.Digest100kS, rep.Phases = d, d.TotalS, []string{"digest"}
		return rep, nil
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := openApp(ctx, dir, ec, quiet)
	if err != nil {
		return nil, err
	}
	defer func() { a.Close() }()

	if bc.reuse {
		n, err := a.db.CountPostings(ctx)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, fmt.Errorf("bench: %s has no postings to measure", dir)
		}
		bc.postings, rep.Postings = n, n
		fmt.Fprintf(progress, "bench: measuring the %d postings already in %s\n", n, dir)
	} else if err := benchIngest(ctx, a, gen, bc, rep, now, progress); err != nil {
		return nil, err
	}

	if bc.phases["query"] && bc.queries > 0 {
		rng := rand.New(rand.NewPCG(bc.seed, 7))
		lat := make([]float64, 0, bc.queries)
		for i := 0; i < bc.queries; i++ {
			id := uint64(1 + rng.IntN(bc.postings))
			start := time.Now()
			if _, err := a.engine.Candidates(ctx, id, 10, now); err != nil {
				return nil, fmt.Errorf("candidates of %d: %w", id, err)
			}
			lat = append(lat, float64(time.Since(start).Microseconds())/1000)
			if (i+1)%max(1, bc.queries/4) == 0 {
				fmt.Fprintf(progress, "bench: query %d/%d\n", i+1, bc.queries)
			}
		}
		rep.CandidatesMS.P50, rep.CandidatesMS.P90, rep.CandidatesMS.P99 = percentile(lat, 50), percentile(lat, 90), percentile(lat, 99)
		rep.Phases = append(rep.Phases, "query")
	}
	debug.FreeOSMemory()
	rep.RSSMB = rssMB()
	rep.RSSAnonMB = statusMB("RssAnon:")
	if bc.memProfile != "" {
		if err := writeHeapProfile(bc.memProfile); err != nil {
			return nil, err
		}
	}

	if bc.phases["write"] && bc.writes > 0 {
		perS, err := benchWrites(ctx, a, bc, now)
		if err != nil {
			return nil, err
		}
		rep.WritePerS = round1(perS)
		rep.Phases = append(rep.Phases, "write")
		fmt.Fprintf(progress, "bench: %d API writes at %.0f/s\n", bc.writes, perS)
	}
	if bc.export != "" {
		if err := exportBench(ctx, a, bc, now); err != nil {
			return nil, err
		}
		fmt.Fprintf(progress, "bench: exported postings.csv and queries.jsonl to %s\n", bc.export)
	}

	if bc.phases["coldstart"] {
		if err := a.Close(); err != nil {
			return nil, err
		}
		start := time.Now()
		if a, err = openApp(ctx, dir, ec, quiet); err != nil {
			return nil, err
		}
		rep.ColdStartS = round3(time.Since(start).Seconds())
		rep.Phases = append(rep.Phases, "coldstart")
		fmt.Fprintf(progress, "bench: cold start %.2f s\n", rep.ColdStartS)
	}
	if bc.phases["rebuild"] {
		start := time.Now()
		if err := a.ix.Rebuild(ctx); err != nil {
			return nil, err
		}
		rep.RebuildS = round3(time.Since(start).Seconds())
		rep.Phases = append(rep.Phases, "rebuild")
		fmt.Fprintf(progress, "bench: rebuild %.1f s\n", rep.RebuildS)
	}
	if bc.phases["digest"] {
		d, err := benchDigest(ctx, filepath.Join(dir, "digest"), ec, bc, gen, now, progress)
		if err != nil {
			return nil, err
		}
		rep.Digest, rep.Digest100kS = d, d.TotalS
		rep.Phases = append(rep.Phases, "digest")
	}
	rep.IndexMB = round1(dirMB(indexPath(dir)))
	rep.StoreMB = round1(dirMB(storePath(dir)))
	return rep, nil
}

// benchIngest generates bc.postings postings in chunks and imports them
// into store and index, timing the import. Profiles are written first in
// each chunk and not timed.
func benchIngest(ctx context.Context, a *app, gen *demo.Gen, bc benchConfig, rep *BenchReport, now time.Time, progress io.Writer) error {
	var ingest time.Duration
	hubs := make([]*saperi.Hub, 0, 10)
	for i := 0; i < 10; i++ {
		h := gen.Hub(i)
		if err := a.db.CreateHub(ctx, h); err != nil {
			return err
		}
		hubs = append(hubs, h)
	}
	ev := saperi.Event{At: now, Actor: "bench"}
	for done := 0; done < bc.postings; {
		n := min(bc.chunk, bc.postings-done)
		profiles := make([]*saperi.Profile, max(1, n/4))
		for i := range profiles {
			profiles[i] = gen.Profile(hubs[i%len(hubs)].ID)
		}
		if err := a.db.ImportProfiles(ctx, profiles, ev); err != nil {
			return err
		}
		posts := make([]*saperi.Posting, n)
		for i := range posts {
			posts[i] = gen.Posting(profiles[i%len(profiles)])
		}
		start := time.Now()
		if err := a.db.ImportPostings(ctx, posts, ev); err != nil {
			return err
		}
		if _, err := a.ix.Sync(ctx); err != nil {
			return err
		}
		ingest += time.Since(start)
		done += n
		fmt.Fprintf(progress, "bench: ingest %d/%d (%.0f/s)\n", done, bc.postings, float64(done)/ingest.Seconds())
	}
	// A bulk import ends with the index merged to one segment, as a
	// rebuild does; counted in the ingest time.
	start := time.Now()
	if err := a.ix.Compact(ctx); err != nil {
		return err
	}
	ingest += time.Since(start)
	fmt.Fprintf(progress, "bench: ingest: index compacted in %.1f s\n", time.Since(start).Seconds())
	if bc.phases["ingest"] {
		rep.IngestPerS = round1(float64(bc.postings) / ingest.Seconds())
		rep.Phases = append(rep.Phases, "ingest")
	}

	return nil
}

// benchWrites posts bc.writes new postings through the real HTTP API from
// bc.writers concurrent clients, each acknowledged only once durable.
func benchWrites(ctx context.Context, a *app, bc benchConfig, now time.Time) (float64, error) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := service.New(service.Deps{Store: a.db, Index: a.ix, Engine: a.engine, Now: time.Now, Log: log})
	srv, err := web.New(web.Deps{Service: svc, Store: a.db, Index: a.ix, Now: time.Now, Log: log})
	if err != nil {
		return 0, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	defer hs.Close()
	bg, stop := context.WithCancel(ctx)
	defer stop()
	go a.ix.Run(bg)

	profiles, err := a.db.Profiles(ctx, 0, 0, 500)
	if err != nil || len(profiles) == 0 {
		return 0, fmt.Errorf("write phase: no profiles: %w", err)
	}
	tok := &saperi.APIToken{Name: "bench", Role: saperi.RoleAdmin, CreatedBy: "bench", Created: now}
	secret, err := auth.IssueToken(ctx, a.db, tok, saperi.Event{At: now, Actor: "bench"})
	if err != nil {
		return 0, err
	}
	url := "http://" + ln.Addr().String() + "/api/v1/postings"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: bc.writers}}
	var next, failed atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < bc.writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(bc.writes) {
					return
				}
				owner := profiles[int(i)%len(profiles)]
				body := fmt.Sprintf(`{"kind":"offer","profile_id":%d,"title":"Ripetizioni di matematica %d","description":"Disponibile il martedì pomeriggio.","category":"scuola"}`, owner.ID, i)
				req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
				if err != nil {
					failed.Add(1)
					continue
				}
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+secret)
				resp, err := client.Do(req)
				if err != nil {
					failed.Add(1)
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if n := failed.Load(); n > 0 {
		return 0, fmt.Errorf("write phase: %d of %d writes failed", n, bc.writes)
	}
	return float64(bc.writes) / elapsed.Seconds(), nil
}

// exportBench writes the postings and the query list, so that another
// engine can be measured on exactly the same work.
func exportBench(ctx context.Context, a *app, bc benchConfig, now time.Time) error {
	if err := os.MkdirAll(bc.export, 0o755); err != nil {
		return err
	}
	pf, err := os.Create(filepath.Join(bc.export, "postings.csv"))
	if err != nil {
		return err
	}
	defer pf.Close()
	w := csv.NewWriter(pf)
	_ = w.Write([]string{"id", "kind", "title", "description", "category", "area", "lat", "lon", "status"})
	err = a.db.ScanPostings(ctx, 5000, func(ps []*saperi.Posting) error {
		for _, p := range ps {
			lat, lon := "", ""
			if p.Point != nil {
				lat, lon = strconv.FormatFloat(p.Point.Lat, 'f', 3, 64), strconv.FormatFloat(p.Point.Lon, 'f', 3, 64)
			}
			if err := w.Write([]string{strconv.FormatUint(p.ID, 10), string(p.Kind), p.Title, p.Description, p.Category,
				p.Area, lat, lon, string(p.StatusAt(now))}); err != nil {
				return err
			}
		}
		return nil
	})
	w.Flush()
	if err == nil {
		err = w.Error()
	}
	if err != nil {
		return err
	}
	qf, err := os.Create(filepath.Join(bc.export, "queries.jsonl"))
	if err != nil {
		return err
	}
	defer qf.Close()
	rng := rand.New(rand.NewPCG(bc.seed, 7)) // the same sample as the query phase
	ids := make([]uint64, bc.queries)
	for i := range ids {
		ids[i] = uint64(1 + rng.IntN(bc.postings))
	}
	posts, err := a.db.Postings(ctx, ids)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(qf)
	for _, p := range posts {
		q := map[string]any{"posting_id": p.ID, "kind": p.Kind, "text": strings.TrimSpace(p.Title + " " + p.Description + " " + strings.Join(p.Tags, " ")),
			"filters": map[string]any{"kind": p.Kind.Opposite(), "status": "open", "area": p.Area, "point": p.Point,
				"max_distance_km": p.MaxDistanceKm, "mode": p.Mode, "exclude_profile_id": p.ProfileID}}
		if err := enc.Encode(q); err != nil {
			return err
		}
	}
	return qf.Sync()
}

// loadPlaces reads the towns of the Torino province within 20 km of the
// city from a municipality centroid file; a missing file means the city's
// neighbourhoods only.
func loadPlaces(path string) ([]demo.Place, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	rows, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("geodata %s: %w", path, err)
	}
	torino := saperi.Point{Lat: 45.0703, Lon: 7.6869}
	var out []demo.Place
	for i, r := range rows {
		if i == 0 || len(r) < 7 || r[2] != "TO" || r[1] == "Torino" {
			continue
		}
		lat, err1 := strconv.ParseFloat(r[5], 64)
		lon, err2 := strconv.ParseFloat(r[6], 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("geodata %s line %d: bad coordinates", path, i+1)
		}
		if saperi.DistanceKm(torino, saperi.Point{Lat: lat, Lon: lon}) <= 20 {
			out = append(out, demo.Place{Name: r[1], Lat: lat, Lon: lon})
		}
	}
	return out, nil
}

func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return pprof.WriteHeapProfile(f)
}

// rssMB is the process's resident memory now, from /proc (0 elsewhere).
func rssMB() float64 { return statusMB("VmRSS:") }

// statusMB reads a memory figure of this process from /proc (0 elsewhere).
// VmRSS counts the pages of the store and index files mapped in memory,
// which the kernel can drop under pressure; RssAnon is the process's own
// memory (Go heap, caches).
func statusMB(field string) float64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, field) {
			f := strings.Fields(line)
			if len(f) >= 2 {
				kb, _ := strconv.ParseFloat(f[1], 64)
				return round1(kb / 1024)
			}
		}
	}
	return 0
}

// dirMB is the size of a file or of everything under a folder.
func dirMB(path string) float64 {
	var total int64
	_ = filepath.WalkDir(path, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				total += info.Size()
			}
		}
		return nil
	})
	return float64(total) / (1 << 20)
}

func round1(v float64) float64 { return float64(int64(v*10+0.5)) / 10 }
func round3(v float64) float64 { return float64(int64(v*1000+0.5)) / 1000 }
