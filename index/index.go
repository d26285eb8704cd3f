package index

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/saperi/saperi"
)

// Store is what the index reads from the system of record (store.DB
// implements it).
type Store interface {
	// Changes returns up to limit outbox entries, oldest first.
	Changes(ctx context.Context, limit int) ([]saperi.Change, error)
	// DoneChanges deletes those outbox entries.
	DoneChanges(ctx context.Context, cs []saperi.Change) error
	// PendingChanges counts the outbox entries.
	PendingChanges(ctx context.Context) (int, error)
	// Postings returns the postings with the given ids that exist, in the
	// order given; a missing id was erased.
	Postings(ctx context.Context, ids []uint64) ([]*saperi.Posting, error)
	// ScanPostings calls fn with every posting, in chunks of batch, outside
	// any transaction.
	ScanPostings(ctx context.Context, batch int, fn func([]*saperi.Posting) error) error
}

// Options tune the index. The zero value is usable.
type Options struct {
	// BatchSize is how many outbox entries one Sync step applies in one
	// bleve batch; default 500.
	BatchSize int
	// RebuildBatch is how many postings a rebuild indexes per batch;
	// default 10000.
	RebuildBatch int
	// Now is the clock Search uses to hide expired postings; default
	// time.Now.
	Now func() time.Time

	// Relevance tuning (see retrieve.go). Zero means the default below; a
	// negative weight turns that part off.
	//
	// BoostTitle, BoostDescription and BoostTags weigh a word found in
	// each field.
	BoostTitle, BoostDescription, BoostTags float64
	// SynonymWeight weighs a term reached through the curated thesaurus or
	// the hub's synonyms, relative to a word written in the need.
	SynonymWeight float64
	// GeneralWeight weighs a term reached through the general thesaurus
	// (mythes-it), used only for words the curated layers do not know.
	GeneralWeight float64
	// FuzzyWeight weighs a spelling neighbour (edit distance 1, or 2 for
	// long words) of a query word the index does not know.
	FuzzyWeight float64
	// CommonShare and CommonMin make a query word "common" when more than
	// that share of the postings, and at least CommonMin of them, contain
	// it: common words only add to the score of postings found through
	// the target's other words (see commonTerms). A negative share turns
	// this off.
	CommonShare float64
	CommonMin   int
	// ConceptWeight weighs a concept the target shares with a posting,
	// times how surely the target is about it (the concept's strength:
	// less from its description or from a label other concepts may also
	// mean), the broader or narrower concepts at half.
	ConceptWeight float64
	// ExtraConcepts are concepts in the format of the concept files
	// (index/concepts/README.md) added to those that ship with Saperi:
	// a hub's own. A change rebuilds the index at Open.
	ExtraConcepts []byte
	// onlyExtraConcepts leaves the embedded concept files out: tests
	// of the mechanism use concepts of their own.
	onlyExtraConcepts bool
	// GeneralThesaurus is the path of a MyThes .dat file to load as the
	// general thesaurus; empty means none.
	GeneralThesaurus string
}

// DefaultOptions are the tuned relevance defaults, found by coordinate
// ascent on the tuning half of the evaluation queries (see README,
// "Match quality").
var DefaultOptions = Options{
	BoostTitle:       2.0,
	BoostDescription: 0.5,
	BoostTags:        1.5,
	SynonymWeight:    0.5,
	GeneralWeight:    0.1,
	FuzzyWeight:      0.3,
	CommonShare:      0.02,
	CommonMin:        1000,
	ConceptWeight:    1.5,
}

// withDefaults fills in the zero fields of o.
func (o Options) withDefaults() Options {
	d := DefaultOptions
	for _, f := range []struct {
		p   *float64
		def float64
	}{
		{&o.BoostTitle, d.BoostTitle}, {&o.BoostDescription, d.BoostDescription}, {&o.BoostTags, d.BoostTags},
		{&o.SynonymWeight, d.SynonymWeight}, {&o.GeneralWeight, d.GeneralWeight}, {&o.FuzzyWeight, d.FuzzyWeight},
		{&o.CommonShare, d.CommonShare}, {&o.ConceptWeight, d.ConceptWeight},
	} {
		if *f.p == 0 {
			*f.p = f.def
		}
		*f.p = max(*f.p, 0)
	}
	if o.CommonMin == 0 {
		o.CommonMin = d.CommonMin
	}
	return o
}

// ErrClosed is returned by an Index used after Close.
var ErrClosed = errors.New("index: closed")

// Index is the bleve index of postings, kept in step with a Store.
type Index struct {
	dir  string
	st   Store
	opts Options
	log  *slog.Logger
	im   *mapping.IndexMappingImpl
	an   *analyzer
	wake chan struct{}

	// curated and general are the thesaurus layers loaded at Open; hub is
	// the admins' synonyms, replaced by SetSynonyms.
	curated, general *thesaurus
	hubMu            sync.RWMutex
	hub              *thesaurus
	relCache         map[string][]string // Related's answers; guarded by hubMu
	salCache         map[string]float64  // Salience's answers; guarded by hubMu

	// lexp holds the concept files (and the hubs' concepts) and the
	// other languages' analysers; SetConcepts replaces it. base is it
	// without the hubs' concepts.
	lexp atomic.Pointer[lexicon]
	base *lexicon
	// shut is set by Close: a rebuild under way must not reopen the index.
	shut bool

	// syncMu serialises Sync and Rebuild: while a rebuild scans the store
	// the outbox must not be drained into the old index, or the new one
	// could miss a change.
	syncMu sync.Mutex

	// mu guards idx. Searches hold it for reading, so a rebuild's swap
	// waits for them and they never see a closed index.
	mu  sync.RWMutex
	idx bleve.Index // nil once closed
}

// Open opens the index in dir (e.g. "data/index.bleve"), rebuilding it
// from st when it is missing, unreadable or of another MappingVersion, and
// then applies the changes pending in the outbox.
func Open(ctx context.Context, dir string, st Store, opts Options, log *slog.Logger) (*Index, error) {
	if opts.BatchSize <= 0 {
		opts.BatchSize = 500
	}
	if opts.RebuildBatch <= 0 {
		opts.RebuildBatch = 10000
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	opts = opts.withDefaults()
	im, err := buildMapping()
	if err != nil {
		return nil, err
	}
	a := im.AnalyzerNamed(analyzerName)
	if a == nil {
		return nil, fmt.Errorf("index: analyzer %s missing", analyzerName)
	}
	ix := &Index{dir: dir, st: st, opts: opts, log: log, im: im, an: newAnalyzer(a), wake: make(chan struct{}, 1),
		relCache: map[string][]string{}, salCache: map[string]float64{}}
	if ix.base, err = loadLexicon(a); err != nil {
		return nil, err
	}
	lex, err := ix.base.with(opts.ExtraConcepts, opts.onlyExtraConcepts)
	if err != nil {
		return nil, err
	}
	ix.lexp.Store(lex)
	if ix.curated, err = parseThesaurus(ix.an, strings.NewReader(curatedText)); err != nil {
		return nil, fmt.Errorf("index: curated thesaurus: %w", err)
	}
	if p := opts.GeneralThesaurus; p != "" {
		start := time.Now()
		if ix.general, err = loadMythes(ix.an, p); err != nil {
			log.Warn("index: general thesaurus not loaded; matching goes on without it", "path", p, "err", err)
		} else {
			log.Info("index: general thesaurus loaded", "path", p, "groups", len(ix.general.groups), "took", time.Since(start).Round(time.Millisecond))
		}
	}

	// Leftovers of a rebuild that crashed: the live index is dir (or
	// nothing), never these.
	for _, p := range []string{dir + ".new", dir + ".old"} {
		if err := os.RemoveAll(p); err != nil {
			return nil, fmt.Errorf("index: remove %s: %w", p, err)
		}
	}

	idx, why := ix.openExisting()
	if idx != nil {
		ix.idx = idx
	} else {
		log.Info("index: rebuilding", "dir", dir, "reason", why)
		ix.syncMu.Lock()
		err := ix.rebuildLocked(ctx)
		ix.syncMu.Unlock()
		if err != nil {
			return nil, err
		}
	}
	if _, err := ix.Sync(ctx); err != nil {
		ix.Close()
		return nil, err
	}
	return ix, nil
}

// version is what the index records of how it was built: the mapping
// version and the concept files' version ("4.1a2b3c4d5e6f"). Another
// value at Open means a rebuild, so a change of the concept files
// re-tags every posting.
func (ix *Index) version() string {
	return strconv.Itoa(MappingVersion) + "." + ix.lex().concepts.version
}

// openExisting opens dir when it holds an index of MappingVersion; else it
// returns nil and why not.
func (ix *Index) openExisting() (bleve.Index, string) {
	idx, err := bleve.Open(ix.dir)
	if errors.Is(err, bleve.ErrorIndexPathDoesNotExist) {
		return nil, "missing"
	}
	if err != nil {
		ix.log.Warn("index: unreadable, will rebuild", "dir", ix.dir, "err", err)
		return nil, "unreadable"
	}
	raw, err := idx.GetInternal(versionKey)
	num, concepts, _ := strings.Cut(string(raw), ".")
	v, perr := strconv.Atoi(num)
	switch {
	case err != nil:
		ix.log.Warn("index: cannot read mapping version, will rebuild", "dir", ix.dir, "err", err)
	case perr != nil:
		ix.log.Warn("index: no mapping version, will rebuild", "dir", ix.dir)
	case v > MappingVersion:
		// A newer binary built it; this one cannot read its fields
		// reliably, and the store is the truth either way.
		ix.log.Warn("index: built by a newer version, will rebuild", "dir", ix.dir, "version", v, "want", MappingVersion)
	case v < MappingVersion:
		ix.log.Info("index: mapping changed, will rebuild", "dir", ix.dir, "version", v, "want", MappingVersion)
	case concepts != ix.lex().concepts.version:
		ix.log.Info("index: concept files changed, will rebuild", "dir", ix.dir, "concepts", concepts, "want", ix.lex().concepts.version)
	default:
		return idx, ""
	}
	if cerr := idx.Close(); cerr != nil {
		ix.log.Warn("index: close before rebuild", "dir", ix.dir, "err", cerr)
	}
	return nil, "version"
}

// Close closes the index. Stop Run first.
func (ix *Index) Close() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.shut = true
	if ix.idx == nil {
		return nil
	}
	err := ix.idx.Close()
	ix.idx = nil
	if err != nil {
		return fmt.Errorf("index: close: %w", err)
	}
	return nil
}

// Rebuild builds a new index from every posting in the store and swaps it
// in for the current one, then applies the outbox. Searches keep using the
// old index until the swap; changes written meanwhile stay in the outbox
// and reach the new index right after it.
func (ix *Index) Rebuild(ctx context.Context) error {
	ix.syncMu.Lock()
	defer ix.syncMu.Unlock()
	if ix.closed() {
		return ErrClosed
	}
	if err := ix.rebuildLocked(ctx); err != nil {
		return err
	}
	_, err := ix.syncLocked(ctx)
	return err
}

func (ix *Index) closed() bool {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.idx == nil
}

// rebuildLocked builds dir+".new" and swaps it in; syncMu is held.
func (ix *Index) rebuildLocked(ctx context.Context) error {
	start := time.Now()
	tmp := ix.dir + ".new"
	if err := os.RemoveAll(tmp); err != nil {
		return fmt.Errorf("index: rebuild: %w", err)
	}
	n, err := ix.build(ctx, tmp)
	if err != nil {
		_ = os.RemoveAll(tmp)
		return fmt.Errorf("index: rebuild: %w", err)
	}
	if err := ix.swap(tmp); err != nil {
		return fmt.Errorf("index: rebuild: %w", err)
	}
	ix.log.Info("index: rebuilt", "dir", ix.dir, "total", n, "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// scorchConfig is the index's storage configuration, kept in the index
// and used at every open. Every query looks each of its terms up in every
// segment, so the merge policy keeps segments few: at most two per size
// tier instead of scorch's ten. At 100k postings that took candidates
// from about 18 to 8 ms at the median (twelve segments against two), for
// more merging while writing, which a hub's write rate affords.
func scorchConfig() map[string]any {
	return map[string]any{
		"scorchMergePlanOptions": map[string]any{
			"maxSegmentsPerTier":   4,
			"segmentsPerMergeTask": 10,
			"tierGrowth":           10.0,
		},
	}
}

// Compact merges the index into one segment, so that a query looks each
// of its terms up once. Call it after a bulk import (the merge policy
// leaves the segments of many batches); at 100k postings it takes about
// two seconds. Searches go on meanwhile.
func (ix *Index) Compact(ctx context.Context) error {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.idx == nil {
		return ErrClosed
	}
	if err := compact(ctx, ix.idx); err != nil {
		return fmt.Errorf("index: compact: %w", err)
	}
	return nil
}

// compact merges idx into one segment: a rebuilt index starts with the
// fewest term lookups per query.
func compact(ctx context.Context, idx bleve.Index) error {
	adv, err := idx.Advanced()
	if err != nil {
		return err
	}
	sc, ok := adv.(*scorch.Scorch)
	if !ok {
		return nil
	}
	// ForceMerge merges only the segments already persisted to files: a
	// segment still in memory is written as a file of its own later, with
	// the terms of any document deleted meanwhile (an erased person's
	// words stay in it until some later merge). So wait until every
	// segment is a file, merge, and again while a merge leaves more than
	// one.
	for round := 0; round < 5; round++ {
		if err := waitPersisted(ctx, sc); err != nil {
			return err
		}
		if err := sc.ForceMerge(ctx, nil); err != nil {
			return err
		}
		if err := waitPersisted(ctx, sc); err != nil {
			return err
		}
		if rootStat(sc, "num_root_filesegments") <= 1 {
			return nil
		}
	}
	return nil
}

// waitPersisted waits until sc's root holds no in-memory segment.
func waitPersisted(ctx context.Context, sc *scorch.Scorch) error {
	for rootStat(sc, "num_root_memorysegments") > 0 {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
	return nil
}

// rootStat reads a counter of scorch's stats map.
func rootStat(sc *scorch.Scorch, name string) uint64 {
	switch v := sc.StatsMap()[name].(type) {
	case uint64:
		return v
	case int:
		return uint64(v)
	}
	return 0
}

// build writes a complete index of the store's postings at path and
// closes it. The version is written last, so a crash part way leaves an
// index that the next Open rejects.
func (ix *Index) build(ctx context.Context, path string) (int, error) {
	idx, err := bleve.NewUsing(path, ix.im, scorch.Name, scorch.Name, scorchConfig())
	if err != nil {
		return 0, err
	}
	n, lastLog := 0, 0
	err = ix.st.ScanPostings(ctx, ix.opts.RebuildBatch, func(ps []*saperi.Posting) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		docs := make([]doc, len(ps))
		for i, p := range ps {
			docs[i] = doc{id: p.ID, p: p, concepts: ix.conceptIDs(p)}
		}
		if err := applyDocs(idx, docs); err != nil {
			return err
		}
		n += len(ps)
		if n-lastLog >= 5000 {
			lastLog = n
			ix.log.Info("index: rebuilding", "dir", ix.dir, "done", n)
		}
		return nil
	})
	if err == nil {
		err = compact(ctx, idx)
	}
	if err == nil {
		err = idx.SetInternal(versionKey, []byte(ix.version()))
	}
	if cerr := idx.Close(); err == nil && cerr != nil {
		err = cerr
	}
	return n, err
}

// swap replaces dir with the index built at tmp and opens it. Between the
// two renames dir does not exist; a crash there makes the next Open
// rebuild, which is slow but correct.
func (ix *Index) swap(tmp string) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.shut {
		_ = os.RemoveAll(tmp)
		return ErrClosed
	}
	if ix.idx != nil {
		if err := ix.idx.Close(); err != nil {
			ix.log.Warn("index: close old index", "dir", ix.dir, "err", err)
		}
		ix.idx = nil
	}
	old := ix.dir + ".old"
	if err := os.RemoveAll(old); err != nil {
		return err
	}
	if err := os.Rename(ix.dir, old); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.Rename(tmp, ix.dir); err != nil {
		return err
	}
	if err := os.RemoveAll(old); err != nil {
		ix.log.Warn("index: remove old index", "dir", old, "err", err)
	}
	idx, err := bleve.Open(ix.dir)
	if err != nil {
		return err
	}
	ix.idx = idx
	return nil
}

// Ready reports whether the index is open and has applied every change
// in the outbox.
func (ix *Index) Ready(ctx context.Context) (bool, error) {
	if ix.closed() {
		return false, nil
	}
	n, err := ix.st.PendingChanges(ctx)
	if err != nil {
		return false, fmt.Errorf("index: ready: %w", err)
	}
	return n == 0, nil
}

// DocCount returns how many postings the index holds.
func (ix *Index) DocCount() (uint64, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.idx == nil {
		return 0, ErrClosed
	}
	n, err := ix.idx.DocCount()
	if err != nil {
		return 0, fmt.Errorf("index: doc count: %w", err)
	}
	return n, nil
}

// lex is the lexicon in use.
func (ix *Index) lex() *lexicon { return ix.lexp.Load() }

// CheckConcepts reports whether extra, the hubs' concepts in the concept
// file format, load together with the shipped ones (ids unique, parents
// known, a category, labels), without changing anything.
func (ix *Index) CheckConcepts(extra []byte) error {
	_, err := ix.base.with(extra, false)
	return err
}

// SetConcepts makes extra the hubs' concepts, added to the shipped ones,
// and re-tags every posting: the index is rebuilt with them and swapped
// in, searches going on meanwhile on the old one (with the new concepts
// for the text they are given). Concepts that do not load change nothing.
func (ix *Index) SetConcepts(ctx context.Context, extra []byte) error {
	lex, err := ix.base.with(extra, false)
	if err != nil {
		return err
	}
	ix.syncMu.Lock()
	defer ix.syncMu.Unlock()
	if ix.closed() {
		return ErrClosed
	}
	prev := ix.lex()
	if prev.concepts.version == lex.concepts.version {
		return nil
	}
	ix.lexp.Store(lex)
	if err := ix.rebuildLocked(ctx); err != nil {
		ix.lexp.Store(prev)
		return err
	}
	_, err = ix.syncLocked(ctx)
	return err
}
