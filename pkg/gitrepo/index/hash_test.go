package index

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/gittest"
)

func TestMain(m *testing.M) { gittest.Main(m, nil) }

// indexOf is the index file of the repository at dir.
func indexOf(t *testing.T, dir string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, ".git", "index"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// A plan resumed from checkpoints writes the same bytes as one hashed in full.
func TestResumedPlan(t *testing.T) {
	data := indexOf(t, gittest.IndexRepo(t, 8000))
	full := newCkHasher()
	full.Write(data[:len(data)-20])
	if !bytes.Equal(full.h.Sum(nil), data[len(data)-20:]) {
		t.Fatal("checkpoint hasher disagrees with the index checksum")
	}
	for _, p := range []string{"incidents/2026/11/261111-f07999-some-long-slug.md", "incidents/2016/01/261100-f00000-some-long-slug.md", "zzz/last.md"} {
		u := []Update{{Path: p, Hash: plumbing.ComputeHash(plumbing.BlobObject, []byte("x"))}}
		a, err := Prepare("index", data, u)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := Prepare("index", data, u)
		b.ResumeHash(data, full.cps)
		var wa, wb bytes.Buffer
		b.Begin(&wb)
		if err := a.WriteIndex(&wa); err != nil {
			t.Fatal(err)
		}
		if err := b.WriteIndex(&wb); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(wa.Bytes(), wb.Bytes()) {
			t.Errorf("%s: the resumed plan wrote a different index", p)
		}
		if p == "zzz/last.md" && (b.hasher.cps == nil || b.hasher.cps[0].off != hashCheckpoint) {
			t.Errorf("%s: checkpoints not carried over", p)
		}
	}
}

// The position a commit saves beside its checkpoints is where the skip to its path stops in
// the index it wrote; for another path, or another index, there is none.
func TestRecallPosition(t *testing.T) {
	data := indexOf(t, gittest.IndexRepo(t, 8000))
	hashes := filepath.Join(t.TempDir(), "index-sha1")
	for _, p := range []string{"incidents/2026/11/261111-f07999-some-long-slug.md", "incidents/2016/01/261100-f00000-new-slug.md", "zzz/last.md", "aaa.md"} {
		u := []Update{{Path: p, Hash: plumbing.ComputeHash(plumbing.BlobObject, []byte("x"))}}
		plan, err := Prepare("index", data, u)
		if err != nil {
			t.Fatal(err)
		}
		var w bytes.Buffer
		if err := plan.WriteIndex(&w); err != nil {
			t.Fatal(err)
		}
		plan.SaveHashes(hashes)
		written := w.Bytes()
		version, count, err := indexHeader(written)
		if err != nil {
			t.Fatal(err)
		}
		wantOff, wantAt, err := skipBelow(written, indexHeaderLen, len(written)-indexTrailerLen, 0, count, version, []byte(p), ancestorDirs(u))
		if err != nil {
			t.Fatal(err)
		}
		scanMemo.remember(data, "", 0, 0) // forget
		RecallPosition(hashes, written, p)
		if off, at := scanMemo.recall(written, p, -1, -1); off != wantOff || at != wantAt {
			t.Errorf("%s: recalled (%d, %d), the skip stops at (%d, %d)", p, off, at, wantOff, wantAt)
		}
		got, err := Find("index", written, p)
		if err != nil || len(got) != 1 || got[0].Hash != u[0].Hash {
			t.Errorf("%s: Find from the hint = %v, %v", p, got, err)
		}
		scanMemo.remember(data, "", 0, 0)
		RecallPosition(hashes, written, p+"x")
		if off, _ := scanMemo.recall(written, p+"x", -1, -1); off != -1 {
			t.Errorf("%s: a hint recalled for another path", p)
		}
		RecallPosition(hashes, data, p)
		if off, _ := scanMemo.recall(data, p, -1, -1); off != -1 {
			t.Errorf("%s: a hint recalled for another index", p)
		}
	}
}
