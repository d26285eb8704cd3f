package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/digest"
)

// defaultPurgeEvery is how often a running server checks for erasures
// whose bytes are still on disk: the bound the README states for an
// erasure to be complete on disk.
const defaultPurgeEvery = 10 * time.Minute

// outboxDir is the folder of the mails written without SMTP.
func outboxDir(data string) string { return filepath.Join(data, "outbox") }

// erased scrubs the outbox of an erasure's mails at once (service.Deps.Erased);
// the store and the index are purged by purge, on the next round.
func erased(data string, log *slog.Logger) func(context.Context, saperi.Erasure) {
	return func(ctx context.Context, e saperi.Erasure) {
		n, err := digest.ScrubOutbox(outboxDir(data), e.MailKeys, e.Traces)
		if err != nil {
			log.ErrorContext(ctx, "erasure: scrub outbox", "err", err, "removed", n)
			return
		}
		log.InfoContext(ctx, "erasure: outbox scrubbed", "removed", n)
	}
}

// purge completes the erasures since the last purge on disk: the index is
// rebuilt from the store (a deleted document's words stay in its segment's
// term dictionary until a merge rewrites that segment, and a merge of a
// single segment rewrites nothing: only a rebuild is sure; searches go on
// over the old index meanwhile); then the store file is rewritten without
// its freed pages (store.DB.Purge). It does nothing when no erasure is
// pending.
func purge(ctx context.Context, a *app, log *slog.Logger) (bool, error) {
	since, pending, err := a.db.PurgePending(ctx)
	if err != nil || !pending {
		return false, err
	}
	start := time.Now()
	if err := a.ix.Rebuild(ctx); err != nil {
		return false, fmt.Errorf("purge: %w", err)
	}
	if _, err := a.db.Purge(ctx); err != nil {
		return false, fmt.Errorf("purge: %w", err)
	}
	log.Info("erasures purged from disk", "since", since, "took", time.Since(start).Round(time.Millisecond))
	return true, nil
}

// purgeLoop runs purge at start and every `every` until ctx ends; each
// round first deletes the pending sign-ups nobody confirmed in time.
func purgeLoop(ctx context.Context, a *app, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if n, err := a.db.SweepSignups(ctx, time.Now()); err != nil && ctx.Err() == nil {
			log.Error("sweep expired sign-ups", "err", err)
		} else if n > 0 {
			log.Info("expired sign-ups deleted", "count", n)
		}
		if _, err := purge(ctx, a, log); err != nil && ctx.Err() == nil {
			log.Error("purge", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func runPurge(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c common
	f := newFlags("purge", "", "Complete on disk the erasures made since the last purge: rewrite the store file\n"+
		"without the pages that held erased records, and rebuild the index from it. A running server\n"+
		"does this itself every --purge-every (and backups do it first); this command is for a\n"+
		"stopped one.", stdout)
	f.common(&c)
	if err := f.parse(args); err != nil {
		return err
	}
	a, log, err := c.open(ctx, engineConfig{Pool: 100}, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	done, err := purge(ctx, a, log)
	if err != nil {
		return err
	}
	if !done {
		fmt.Fprintln(stdout, "No erasure to purge.")
		return nil
	}
	fmt.Fprintln(stdout, "Erasures purged: store rewritten, index merged.")
	return nil
}
