package index

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	zapv17 "github.com/blevesearch/zapx/v17"
)

// TestRebuildForgetsErasedTerms is finding 14 for the index: deleting an
// erased person's posting only marks it deleted in its segment, whose
// term dictionary keeps her words (and a merge of a single segment does
// not rewrite it); Rebuild (run by the purge after erasures) writes a new
// index from the store, and no segment file keeps them.
func TestRebuildForgetsErasedTerms(t *testing.T) {
	ctx := context.Background()
	st := newFakeStore()
	ix := openTest(t, st)
	st.put(posting(1, "Cerco lezioni di quokkaviola"), posting(2, "Offro lezioni di musica"))
	if _, err := ix.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	// A second segment, so that the erased one is not the only one.
	st.put(posting(3, "Aiuto con il computer"))
	if _, err := ix.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	term := []byte(ix.an.terms("quokkaviola")[0])
	// has lists the segment files on disk whose title dictionary holds
	// the term, whatever the index's deletion bitmaps say.
	has := func() []string {
		t.Helper()
		files, err := filepath.Glob(filepath.Join(ix.dir, "store", "*.zap"))
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, f := range files {
			seg, err := (&zapv17.ZapPlugin{}).Open(f)
			if err != nil {
				continue // removed meanwhile
			}
			d, err := seg.Dictionary(fTitle)
			if err != nil {
				t.Fatal(err)
			}
			if ok, err := d.Contains(term); err != nil {
				t.Fatal(err)
			} else if ok {
				out = append(out, filepath.Base(f))
			}
			_ = seg.Close()
		}
		return out
	}
	waitFor := func(want bool) []string {
		t.Helper()
		var got []string
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if got = has(); (len(got) > 0) == want {
				break
			}
		}
		return got
	}
	if len(waitFor(true)) == 0 {
		t.Fatal("the marker is in no segment file before the erasure: the test proves nothing")
	}
	st.erase(1)
	if _, err := ix.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if len(has()) == 0 {
		t.Fatal("the deletion alone dropped the term from disk: the test proves nothing about Rebuild")
	}
	if err := ix.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	if files := waitFor(false); len(files) > 0 {
		t.Fatalf("10 s after Rebuild, segment files %v still hold the erased posting's word", files)
	}
	if n := docCount(t, ix); n != 2 {
		t.Fatalf("%d documents after compaction, want 2", n)
	}
}
