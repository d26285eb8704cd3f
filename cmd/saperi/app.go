package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/index"
	"github.com/saperi/saperi/matcher"
	"github.com/saperi/saperi/store"
)

// app is the wired core every command works with: the store, the index
// derived from it, and the matcher engine over both.
type app struct {
	db     *store.DB
	ix     *index.Index
	engine *matcher.Engine
	log    *slog.Logger
}

// engineConfig tunes ranking and indexing.
type engineConfig struct {
	Weights   string
	Relevance string
	Thesaurus string
	Pool      int
	Threshold float64
	// IndexBatch is how many changes the indexer applies per batch (0:
	// the index's default).
	IndexBatch int
}

func (f *flags) engine(c *engineConfig) {
	f.str(&c.Weights, "weights", "SAPERI_WEIGHTS", "", "ranking weights over the defaults, e.g. text=0.5,proximity=0.2 (features: "+
		strings.Join(saperi.Features, ", ")+")")
	f.str(&c.Relevance, "relevance", "SAPERI_RELEVANCE", "", "retrieval weights over the defaults, e.g. title=2,synonym=0.5 (names: "+
		relevanceNames+"; 0 turns a retrieval weight off)")
	f.str(&c.Thesaurus, "thesaurus", "SAPERI_THESAURUS", index.DefaultGeneralThesaurus,
		"general Italian thesaurus (MyThes .dat, e.g. from Debian's mythes-it); empty for none")
	f.int(&c.Pool, "pool", "SAPERI_POOL", 100, "how many retrieved candidates are ranked per request")
	f.float(&c.Threshold, "threshold", "SAPERI_THRESHOLD", matcher.DefaultThreshold,
		"the score from which a candidate is proposed (weekly run, digests, the desk's proposals); below it nothing is proposed")
}

// tokenCacheSize is how many postings' analysed text the engine keeps
// (some tens of megabytes at most).
const tokenCacheSize = 20000

// storePath and indexPath are where the data folder keeps things.
func storePath(data string) string { return filepath.Join(data, "saperi.db") }
func indexPath(data string) string { return filepath.Join(data, "index.bleve") }

// open makes the logger of the common flags and opens the store and the
// index of --data: the start of every command that works on the data.
func (c common) open(ctx context.Context, ec engineConfig, stderr io.Writer) (*app, *slog.Logger, error) {
	log, err := c.logger(stderr)
	if err != nil {
		return nil, nil, err
	}
	a, err := openApp(ctx, c.Data, ec, log)
	if err != nil {
		return nil, nil, err
	}
	return a, log, nil
}

// openApp opens the store and the index (rebuilding the index when it is
// missing, corrupt or of an older mapping) and builds the engine.
func openApp(ctx context.Context, data string, ec engineConfig, log *slog.Logger) (*app, error) {
	w, err := parseWeights(ec.Weights)
	if err != nil {
		return nil, err
	}
	if ec.Threshold == 0 {
		ec.Threshold = matcher.DefaultThreshold
	}
	if !(ec.Threshold > 0 && ec.Threshold < 1) {
		return nil, usageError{fmt.Errorf("--threshold %v: use a number between 0 and 1", ec.Threshold)}
	}
	if ec.Pool < 1 || ec.Pool > 1000 {
		return nil, usageError{fmt.Errorf("--pool %d: use a number from 1 to 1000", ec.Pool)}
	}
	rel, err := parseRelevance(ec.Relevance)
	if err != nil {
		return nil, err
	}
	opts := rel.index
	opts.GeneralThesaurus = ec.Thesaurus
	db, err := store.Open(storePath(data))
	if err != nil {
		return nil, fmt.Errorf("open store in %s: %w", data, err)
	}
	if ec.IndexBatch > 0 {
		opts.BatchSize = ec.IndexBatch
	}
	ix, err := openIndex(ctx, data, db, opts, log)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("open index in %s: %w", data, err), db.Close())
	}
	syns, err := db.Synonyms(ctx)
	if err != nil {
		return nil, errors.Join(err, ix.Close(), db.Close())
	}
	ix.SetSynonyms(saperi.SynonymGroups(syns))
	sc := matcher.NewScorer(w)
	sc.SynonymCredit = rel.synonymCredit
	eng := &matcher.Engine{Retriever: ix, Source: db, Analyzer: ix, Lexicon: ix, Scorer: sc, Pool: ec.Pool, Threshold: ec.Threshold,
		Tokens: matcher.NewTokenCache(tokenCacheSize)}
	return &app{db: db, ix: ix, engine: eng, log: log}, nil
}

func (a *app) Close() error {
	return errors.Join(a.ix.Close(), a.db.Close())
}

// warm fills the engine's token cache with the store's open postings, in
// the background after a start (see matcher.Engine.Warm).
func (a *app) warm(ctx context.Context, log *slog.Logger) {
	start, n := time.Now(), 0
	err := a.db.ScanPostings(ctx, 1000, func(ps []*saperi.Posting) error {
		if n >= tokenCacheSize {
			return errStopScan
		}
		a.engine.Warm(ctx, ps, time.Now())
		n += len(ps)
		return ctx.Err()
	})
	if err != nil && !errors.Is(err, errStopScan) && ctx.Err() == nil {
		log.Warn("engine: warming the token cache", "err", err)
		return
	}
	log.Debug("engine: token cache warmed", "postings", min(n, tokenCacheSize), "took", time.Since(start).Round(time.Millisecond))
}

var errStopScan = errors.New("stop scan")
