package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/saperi/saperi/store"
)

func runRestore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c common
	f := newFlags("restore", "FILE", "Put the backup FILE (from saperi backup or /api/v1/admin/backup) in place as the\n"+
		"store of --data, which must hold no store yet (move an old saperi.db away first). The copy is\n"+
		"checked to open as a Saperi store; any index in the folder is removed, so the next start\n"+
		"rebuilds it from the restored store. Then start the server on that folder.", stdout)
	f.common(&c)
	if err := f.parse(args); err != nil {
		return err
	}
	if f.fs.NArg() != 1 {
		return usageError{fmt.Errorf("name the backup file: saperi restore --data DIR FILE")}
	}
	src := f.fs.Arg(0)
	n, err := restore(ctx, src, c.Data)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Restored %s into %s: %d postings. Start the server on it (saperi serve --data %s);\n"+
		"the search index is rebuilt from the store at start.\n", src, storePath(c.Data), n, c.Data)
	return nil
}

// restore copies the backup at src to data's store path, through a
// temporary file that is synced and checked to open as a store before it
// is renamed into place, and removes data's index. It refuses a folder
// that already has a store.
func restore(ctx context.Context, src, data string) (int, error) {
	dst := storePath(data)
	if _, err := os.Stat(dst); err == nil {
		return 0, fmt.Errorf("%s already exists: restore only into a folder without a store (move it away first)", dst)
	} else if !errors.Is(err, os.ErrNotExist) {
		return 0, err
	}
	if err := os.MkdirAll(data, 0o700); err != nil {
		return 0, err
	}
	in, err := os.Open(src)
	if err != nil {
		return 0, err
	}
	defer in.Close()
	tmp := dst + ".restore"
	out, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(out, in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(tmp)
		return 0, fmt.Errorf("copy %s: %w", src, err)
	}
	db, err := store.Open(tmp)
	if err != nil {
		_ = os.Remove(tmp)
		return 0, fmt.Errorf("%s is not a usable Saperi backup: %w", src, err)
	}
	n, err := db.CountPostings(ctx)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(tmp)
		return 0, err
	}
	if err := os.RemoveAll(indexPath(data)); err != nil {
		_ = os.Remove(tmp)
		return 0, err
	}
	if err := os.Rename(tmp, dst); err != nil {
		_ = os.Remove(tmp)
		return 0, err
	}
	if d, err := os.Open(filepath.Dir(dst)); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return int(n), nil
}
