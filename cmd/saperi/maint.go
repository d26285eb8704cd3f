package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/saperi/saperi/store"
)

func runSeed(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c common
	f := newFlags("seed", "", "Load the demo data (hubs, people, organisations, offers and needs in Torino)\n"+
		"into an empty store. A store that already has postings is left as it is.", stdout)
	f.common(&c)
	if err := f.parse(args); err != nil {
		return err
	}
	a, _, err := c.open(ctx, engineConfig{Pool: 100}, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	n, err := a.db.CountPostings(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		fmt.Fprintf(stdout, "The store in %s already has %d postings: demo data not loaded.\n", c.Data, n)
		return nil
	}
	return seedIfEmpty(ctx, a, stdout)
}

func runReindex(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c common
	f := newFlags("reindex", "", "Rebuild the search index from the store (the store is the truth; the index\n"+
		"is derived). Stop the server first: the store file is locked while it runs.", stdout)
	f.common(&c)
	if err := f.parse(args); err != nil {
		return err
	}
	start := time.Now()
	a, _, err := c.open(ctx, engineConfig{Pool: 100}, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.ix.Rebuild(ctx); err != nil {
		return err
	}
	n, err := a.ix.DocCount()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Index rebuilt: %d postings in %s.\n", n, time.Since(start).Round(time.Millisecond))
	return nil
}

func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var (
		c     common
		addr  string
		token string
	)
	f := newFlags("backup", "FILE", "Write a consistent copy of the store to FILE while it is in use. When a server\n"+
		"holds the store, the copy is taken through its /api/v1/admin/backup endpoint at --addr.\n"+
		"That needs an admin API token (--token or SAPERI_TOKEN; see saperi token create).\n"+
		"To restore, stop the server and copy FILE to DATA/saperi.db; the index rebuilds itself.", stdout)
	f.common(&c)
	f.str(&addr, "addr", "SAPERI_ADDR", "127.0.0.1:8080", "address of a running server, used when the store is locked")
	f.str(&token, "token", "SAPERI_TOKEN", "", "admin API token for the running server")
	if err := f.parse(args); err != nil {
		return err
	}
	if f.fs.NArg() != 1 {
		return usageError{errors.New("give exactly one FILE to write")}
	}
	dst := f.fs.Arg(0)
	// Open would create an empty store where none is: check first, so a
	// mistyped --data is an error, not an empty "backup".
	if _, err := os.Stat(storePath(c.Data)); err != nil {
		return fmt.Errorf("no store at %s (check --data): %w", storePath(c.Data), err)
	}
	db, err := store.Open(storePath(c.Data))
	if err == nil {
		defer db.Close()
		n, err := db.BackupFile(ctx, dst)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Backup written to %s (%d bytes).\n", dst, n)
		return nil
	}
	// The store is locked: ask the server that holds it.
	n, herr := backupOverHTTP(ctx, "http://"+addr+"/api/v1/admin/backup", token, dst)
	if herr != nil {
		return fmt.Errorf("the store is in use (%v) and the server at %s could not send a copy: %w", err, addr, herr)
	}
	fmt.Fprintf(stdout, "Backup written to %s (%d bytes, from the server at %s).\n", dst, n, addr)
	return nil
}

func backupOverHTTP(ctx context.Context, url, token, dst string) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("server answered %s", resp.Status)
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".saperi-backup-*")
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp.Name())
	n, err := io.Copy(tmp, resp.Body)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return n, err
	}
	return n, os.Rename(tmp.Name(), dst)
}
