package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/index"
	"github.com/saperi/saperi/store"
)

// openIndex opens the index with the hubs' own concepts (stored by the
// concepts API) added to the shipped concept files; a change of them
// re-tags every posting (the concept version is part of the index's).
// Concepts that cannot be loaded never keep the server from starting: the
// index opens without them and the log says why.
func openIndex(ctx context.Context, data string, db *store.DB, opts index.Options, log *slog.Logger) (*index.Index, error) {
	cs, err := db.Concepts(ctx)
	if err != nil {
		return nil, fmt.Errorf("read hub concepts: %w", err)
	}
	if len(cs) > 0 {
		opts.ExtraConcepts = saperi.ConceptFile(cs)
		ix, err := index.Open(ctx, indexPath(data), db, opts, log)
		if err == nil {
			log.Info("index: hub concepts loaded", "concepts", len(cs))
			return ix, nil
		}
		log.Error("index: hub concepts not loaded; opening without them", "concepts", len(cs), "err", err)
		opts.ExtraConcepts = nil
	}
	return index.Open(ctx, indexPath(data), db, opts, log)
}
