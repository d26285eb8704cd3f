package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"go.etcd.io/bbolt"
)

// compactTxSize is how many bytes Purge copies per transaction of the new
// file.
const compactTxSize = 64 << 20

// PurgePending returns the time of the first erasure since the last
// Purge, and false when there was none.
func (db *DB) PurgePending(ctx context.Context) (time.Time, bool, error) {
	var at time.Time
	var ok bool
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		v := tx.Bucket(metaBucket).Get(purgeKey)
		if v == nil {
			return nil
		}
		ok = true
		t, err := time.Parse(time.RFC3339Nano, string(v))
		if err == nil {
			at = t
		}
		return nil
	})
	return at, ok, err
}

// Purge rewrites the store file when a profile was erased since the last
// Purge: bbolt writes copy-on-write and keeps freed pages, with the bytes
// they held, until it reuses them, so an erased person's records would
// stay readable in the file (and in every copy and backup of it). The
// live records are copied into a new file (bbolt.Compact), which is
// synced and renamed over the old one; freed pages are not copied. Every
// transaction waits meanwhile (about a second per 100 MB). It reports
// whether it rewrote the file.
//
// A crash before the rename leaves the old file and a stray
// saperi.db.purge, removed by the next Purge; after it, the new file.
func (db *DB) Purge(ctx context.Context) (bool, error) {
	return db.rewrite(ctx, true)
}

// rewrite is Purge; done says whether the erasures are then complete on
// disk, which clears the pending mark. Backup rewrites the file without
// clearing it: the index still has to merge its segments (cmd's purge).
func (db *DB) rewrite(ctx context.Context, done bool) (bool, error) {
	if _, ok, err := db.PurgePending(ctx); err != nil || !ok {
		return false, err
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return false, err
	}
	tmp := db.path + ".purge"
	if err := os.Remove(tmp); err != nil && !errors.Is(err, os.ErrNotExist) {
		return false, fmt.Errorf("store: purge: %w", err)
	}
	dst, err := bbolt.Open(tmp, 0o600, &bbolt.Options{Timeout: time.Second})
	if err != nil {
		return false, fmt.Errorf("store: purge: %w", err)
	}
	err = bbolt.Compact(dst, db.bolt, compactTxSize)
	if err == nil && done {
		err = dst.Update(func(tx *bbolt.Tx) error { return tx.Bucket(metaBucket).Delete(purgeKey) })
	}
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(tmp)
		return false, fmt.Errorf("store: purge: %w", err)
	}
	// From here the old handle is closed: the store is usable again only
	// once the file at path is open.
	if err := db.bolt.Close(); err != nil {
		_ = os.Remove(tmp)
		return false, fmt.Errorf("store: purge: close: %w", err)
	}
	renameErr := os.Rename(tmp, db.path)
	if renameErr == nil {
		if d, err := os.Open(filepath.Dir(db.path)); err == nil {
			_ = d.Sync()
			_ = d.Close()
		}
	} else {
		_ = os.Remove(tmp)
	}
	b, err := openBolt(db.path)
	if err != nil {
		return false, fmt.Errorf("store: purge: reopen %s: %w", db.path, errors.Join(err, renameErr))
	}
	db.bolt = b
	if renameErr != nil {
		return false, fmt.Errorf("store: purge: %w", renameErr)
	}
	return true, nil
}
