package store

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"go.etcd.io/bbolt"
)

// Backup writes a consistent copy of the whole file to w from a read
// transaction, while writes go on, and returns the bytes written. The copy
// is a store file: restoring is putting it in place of the old one. When
// a profile was erased since the last Purge, Backup purges first: a copy
// of the file would otherwise carry the erased records in its free pages.
func (db *DB) Backup(ctx context.Context, w io.Writer) (int64, error) {
	if _, err := db.rewrite(ctx, false); err != nil {
		return 0, fmt.Errorf("store: backup: %w", err)
	}
	var n int64
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	if err != nil {
		return n, fmt.Errorf("store: backup: %w", err)
	}
	return n, nil
}

// BackupFile writes a backup to path: first to path+".tmp", synced, then
// renamed over path, so path is either the old file or a whole new copy.
// It refuses to write over the store's own file, and purges first as
// Backup does.
func (db *DB) BackupFile(ctx context.Context, path string) (int64, error) {
	if same, err := sameFile(path, db.path); err != nil {
		return 0, fmt.Errorf("store: backup to %s: %w", path, err)
	} else if same {
		return 0, fmt.Errorf("store: backup to %s: that is the store file itself", path)
	}
	if _, err := db.rewrite(ctx, false); err != nil {
		return 0, fmt.Errorf("store: backup to %s: %w", path, err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return 0, fmt.Errorf("store: backup to %s: %w", path, err)
	}
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return 0, fmt.Errorf("store: backup to %s: %w", path, err)
	}
	var n int64
	err = db.view(ctx, func(tx *bbolt.Tx) error {
		var err error
		n, err = tx.WriteTo(f)
		return err
	})
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return 0, fmt.Errorf("store: backup to %s: %w", path, err)
	}
	// Make the rename itself durable; not every platform can sync a
	// directory, and the copy is whole either way.
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return n, nil
}

// sameFile reports whether a and b name the same file: the same cleaned
// absolute path, or, when both exist, the same file on disk (links).
func sameFile(a, b string) (bool, error) {
	absA, err := filepath.Abs(a)
	if err != nil {
		return false, err
	}
	absB, err := filepath.Abs(b)
	if err != nil {
		return false, err
	}
	if absA == absB {
		return true, nil
	}
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	if errA != nil || errB != nil {
		return false, nil
	}
	return os.SameFile(sa, sb), nil
}
