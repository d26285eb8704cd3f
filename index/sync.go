package index

// Keeping the index in step with the store: the indexer drains the
// store's outbox (ids of written postings), re-reads each record and
// indexes or deletes it, then clears the entries. Run does it in the
// background, woken by Notify; a failed batch (a full disk) heals by
// rebuilding.

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/saperi/saperi"
)

// Sync applies the outbox to the index until it is empty and returns how
// many outbox entries it applied. Entries are deleted only after bleve has
// persisted the batch that applies them (scorch's Batch returns after the
// segment is durable), so a crash at any point leaves them to redo.
func (ix *Index) Sync(ctx context.Context) (int, error) {
	ix.syncMu.Lock()
	defer ix.syncMu.Unlock()
	return ix.syncLocked(ctx)
}

func (ix *Index) syncLocked(ctx context.Context) (int, error) {
	total := 0
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		cs, err := ix.st.Changes(ctx, ix.opts.BatchSize)
		if err != nil {
			return total, fmt.Errorf("index: sync: %w", err)
		}
		if len(cs) == 0 {
			return total, nil
		}
		if err := ix.apply(ctx, cs); err != nil {
			if errors.Is(err, errBatch) {
				ix.heal(ctx)
			}
			return total, err
		}
		if err := ix.st.DoneChanges(ctx, cs); err != nil {
			return total, fmt.Errorf("index: sync: %w", err)
		}
		total += len(cs)
		if len(cs) < ix.opts.BatchSize {
			return total, nil
		}
	}
}

// apply re-reads the postings named by cs and indexes them in one batch,
// deleting those that no longer exist.
func (ix *Index) apply(ctx context.Context, cs []saperi.Change) error {
	ids := make([]uint64, 0, len(cs))
	seen := make(map[uint64]bool, len(cs))
	for _, c := range cs {
		if !seen[c.PostingID] {
			seen[c.PostingID] = true
			ids = append(ids, c.PostingID)
		}
	}
	ps, err := ix.st.Postings(ctx, ids)
	if err != nil {
		return fmt.Errorf("index: sync: %w", err)
	}
	found := make(map[uint64]*saperi.Posting, len(ps))
	for _, p := range ps {
		if p != nil {
			found[p.ID] = p
		}
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.idx == nil {
		return ErrClosed
	}
	docs := make([]doc, len(ids))
	for i, id := range ids {
		docs[i] = doc{id: id, p: found[id]}
		if p := found[id]; p != nil {
			docs[i].concepts = ix.conceptIDs(p)
		}
	}
	if err := applyDocs(ix.idx, docs); err != nil {
		return fmt.Errorf("index: sync: %w", err)
	}
	return nil
}

// doc is a posting to index with its concepts, or to delete when p is nil.
type doc struct {
	id       uint64
	p        *saperi.Posting
	concepts []string
}

// parallelFrom is the batch size from which applyDocs splits a batch, one
// part per core: scorch builds a batch's segment in the calling goroutine,
// so one batch at a time leaves the other cores idle during a bulk import
// or a rebuild. Smaller batches (single writes) stay whole, so as not to
// make many tiny segments.
const parallelFrom = 2000

// applyDocs indexes docs in idx, split by id into parts applied
// concurrently when there are many; each part is durable when it
// returns. A posting is in exactly one part, so parts never race on it.
// Errors are marked errBatch.
func applyDocs(idx bleve.Index, docs []doc) error {
	parts := 1
	if len(docs) >= parallelFrom {
		parts = min(runtime.GOMAXPROCS(0), 4)
	}
	errs := make([]error, parts)
	var wg sync.WaitGroup
	for part := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := idx.NewBatch()
			for _, d := range docs {
				if int(d.id%uint64(parts)) != part {
					continue
				}
				if d.p == nil {
					b.Delete(docID(d.id))
				} else if err := b.Index(docID(d.id), docFor(d.p, d.concepts)); err != nil {
					errs[part] = fmt.Errorf("posting %d: %w", d.id, err)
					return
				}
			}
			if b.Size() == 0 {
				return
			}
			if err := idx.Batch(b); err != nil {
				errs[part] = fmt.Errorf("%w: %w", errBatch, err)
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// errBatch marks a batch bleve failed to apply.
var errBatch = errors.New("batch")

// heal reopens the index after a failed batch. Scorch may keep the batch's
// half-persisted segment in memory, where searches touching it fail; the
// copy on disk holds only what was persisted, and the batch's outbox
// entries are still in the store, so the next Sync applies them again. An
// index that does not reopen is rebuilt from the store. Called with syncMu
// held.
func (ix *Index) heal(ctx context.Context) {
	ix.mu.Lock()
	if ix.idx != nil {
		if err := ix.idx.Close(); err != nil {
			ix.log.Warn("index: close after a failed batch", "dir", ix.dir, "err", err)
		}
		ix.idx = nil
	}
	idx, reason := ix.openExisting()
	ix.idx = idx
	ix.mu.Unlock()
	if idx != nil {
		ix.log.Info("index: reopened after a failed batch", "dir", ix.dir)
		return
	}
	ix.log.Warn("index: rebuilding after a failed batch", "dir", ix.dir, "reason", reason)
	if err := ix.rebuildLocked(ctx); err != nil {
		ix.log.Error("index: rebuild after a failed batch", "dir", ix.dir, "err", err)
	}
}

// Notify wakes Run to sync soon; it never blocks. Call it after each write
// to the store.
func (ix *Index) Notify() {
	select {
	case ix.wake <- struct{}{}:
	default:
	}
}

// syncEvery is the shortest time between two syncs of Run.
const syncEvery = 100 * time.Millisecond

// Run keeps the index in step with the store until ctx is done: it syncs
// when notified and at least every second, backing off after errors.
func (ix *Index) Run(ctx context.Context) {
	const (
		tick       = time.Second
		maxBackoff = time.Minute
	)
	t := time.NewTicker(tick)
	defer t.Stop()
	backoff := time.Duration(0)
	var last time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-ix.wake:
		case <-t.C:
		}
		// A write right after a quiet spell is indexed at once; a burst
		// of writes is indexed in groups, at most one per syncEvery, so
		// that each group becomes one segment rather than one each.
		if wait := syncEvery - time.Since(last); wait > 0 {
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
		}
		last = time.Now()
		_, err := ix.Sync(ctx)
		if err == nil {
			backoff = 0
			continue
		}
		if ctx.Err() != nil {
			return
		}
		backoff = min(max(2*backoff, tick), maxBackoff)
		ix.log.Error("index: sync failed", "err", err, "retry_in", backoff)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
	}
}
