package store

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/saperi/saperi"
)

func TestBackup(t *testing.T) {
	db, _, owner := fixture(t)
	ctx := context.Background()
	p := mustPosting(t, db, owner, saperi.Offer, "Ripetizioni di matematica")

	check := func(t *testing.T, path string) {
		t.Helper()
		copyDB, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer copyDB.Close()
		got, err := copyDB.Posting(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, p) {
			t.Errorf("posting in the backup = %+v, want %+v", got, p)
		}
		if prof, err := copyDB.Profile(ctx, owner.ID); err != nil || prof.Name != owner.Name {
			t.Errorf("profile in the backup = %+v, %v", prof, err)
		}
		if a, b := countAll(t, copyDB), countAll(t, db); a != b {
			t.Errorf("backup counts %+v, store %+v", a, b)
		}
	}

	t.Run("writer", func(t *testing.T) {
		var buf bytes.Buffer
		n, err := db.Backup(ctx, &buf)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 || n != int64(buf.Len()) {
			t.Fatalf("Backup wrote %d bytes, reported %d", buf.Len(), n)
		}
		path := filepath.Join(t.TempDir(), "copy.db")
		if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		check(t, path)
	})

	t.Run("file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "backups", "saperi.db")
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte("an older backup"), 0o600); err != nil {
			t.Fatal(err)
		}
		n, err := db.BackupFile(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Size() != n {
			t.Errorf("file has %d bytes, BackupFile reported %d", st.Size(), n)
		}
		if _, err := os.Stat(path + ".tmp"); !os.IsNotExist(err) {
			t.Errorf("temporary file left behind: %v", err)
		}
		check(t, path)
	})

	t.Run("refuses the store file", func(t *testing.T) {
		before, err := os.ReadFile(db.Path())
		if err != nil {
			t.Fatal(err)
		}
		rel, err := filepath.Rel(".", db.Path())
		if err != nil {
			rel = db.Path()
		}
		for _, path := range []string{db.Path(), filepath.Join(filepath.Dir(db.Path()), ".", filepath.Base(db.Path())), rel} {
			if _, err := db.BackupFile(ctx, path); err == nil {
				t.Errorf("BackupFile(%s) succeeded, want a refusal", path)
			}
		}
		link := filepath.Join(t.TempDir(), "link.db")
		if err := os.Symlink(db.Path(), link); err == nil {
			if _, err := db.BackupFile(ctx, link); err == nil {
				t.Errorf("BackupFile through a symlink succeeded, want a refusal")
			}
		}
		after, _ := os.ReadFile(db.Path())
		if !bytes.Equal(before, after) {
			t.Error("the store file changed")
		}
		if _, err := db.Posting(ctx, p.ID); err != nil {
			t.Errorf("store unusable after a refused backup: %v", err)
		}
	})
}
