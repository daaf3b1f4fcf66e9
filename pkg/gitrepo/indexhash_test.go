package gitrepo

import (
	"bytes"
	"crypto/sha1"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// bigIndexRepo makes a repository whose index spans several hash checkpoints.
func bigIndexRepo(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	gitOut(t, dir, "init", "-q", "-b", "main")
	var s bytes.Buffer
	path := func(i int) string {
		return fmt.Sprintf("incidents/20%02d/%02d/2611%02d-f%05d-some-long-slug.md", 16+i%11, 1+i%12, i%28, i)
	}
	for i := range n {
		c := fmt.Sprintf("doc %d\n", i)
		fmt.Fprintf(&s, "blob\nmark :%d\ndata %d\n%s\n", i+1, len(c), c)
	}
	fmt.Fprintf(&s, "commit refs/heads/main\ncommitter T <t@example.com> 1700000000 +0000\ndata 2\nx\n")
	for i := range n {
		fmt.Fprintf(&s, "M 100644 :%d %s\n", i+1, path(i))
	}
	if out, errOut, err := gitRun(dir, s.Bytes(), "fast-import", "--quiet"); err != nil {
		t.Fatalf("fast-import: %v\n%s%s", err, out, errOut)
	}
	gitOut(t, dir, "reset", "-q", "--hard")
	return dir
}

func indexChecksumOK(t *testing.T, dir string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, ".git", "index"))
	if err != nil {
		t.Fatal(err)
	}
	if sum := sha1.Sum(b[:len(b)-20]); !bytes.Equal(sum[:], b[len(b)-20:]) {
		t.Fatalf("the index checksum is wrong")
	}
}

// Commits resumed from saved hash states write exactly the index a full hash writes, also
// when git rewrote the index in between (the saved states then describe another file).
func TestIndexHashCheckpoints(t *testing.T) {
	dir := bigIndexRepo(t, 8000)
	testResumedPlan(t, dir)
	if fi, _ := os.Stat(filepath.Join(dir, ".git", "index")); fi.Size() < 3*hashCheckpoint {
		t.Fatalf("index of %d bytes is too small for the test", fi.Size())
	}
	r := openRepo(t, dir)
	rng := rand.New(rand.NewPCG(1, 2))
	resumed := 0
	for step := range 24 {
		switch rng.IntN(6) {
		case 0: // git rewrites the index
			writeFile(t, dir, fmt.Sprintf("other/g%02d.txt", step), "x\n")
			gitOut(t, dir, "add", "other")
			gitOut(t, dir, "commit", "-q", "-m", "git")
		case 1: // a new file: the entry count changes
			mustCommitFiles(t, r, "new", map[string]string{fmt.Sprintf("incidents/2026/11/261124-n%04d.md", step): "new\n"})
		default: // an existing file, anywhere in the index
			i := rng.IntN(8000)
			p := fmt.Sprintf("incidents/20%02d/%02d/2611%02d-f%05d-some-long-slug.md", 16+i%11, 1+i%12, i%28, i)
			data, err := os.ReadFile(filepath.Join(dir, ".git", "index"))
			if err != nil {
				t.Fatal(err)
			}
			if r.readIndexHashes(data) != nil {
				resumed++
			}
			mustCommitFiles(t, r, "change", map[string]string{p: fmt.Sprintf("changed at step %d\n", step)})
		}
		indexChecksumOK(t, dir)
		if step%8 == 7 { // git status reads the index (and may rewrite it)
			if out := gitOut(t, dir, "status", "--porcelain"); out != "" {
				t.Fatalf("step %d: git status: %s", step, out)
			}
		}
	}
	if resumed < 6 {
		t.Errorf("only %d commits could resume from saved states", resumed)
	}
	fsck(t, dir)

	// A damaged checkpoint file is ignored.
	b, err := os.ReadFile(r.hashPath())
	if err != nil {
		t.Fatal(err)
	}
	b[len(indexHashMagic)+40] ^= 1
	if err := os.WriteFile(r.hashPath(), b, 0o666); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(dir, ".git", "index"))
	if r.readIndexHashes(data) != nil {
		t.Errorf("a damaged checkpoint file was accepted")
	}
	mustCommitFiles(t, r, "after damage", map[string]string{"incidents/2026/11/261124-z0001.md": "z\n"})
	indexChecksumOK(t, dir)
}

// A plan resumed from checkpoints writes the same bytes as one hashed in full.
func testResumedPlan(t *testing.T, dir string) {
	data, err := os.ReadFile(filepath.Join(dir, ".git", "index"))
	if err != nil {
		t.Fatal(err)
	}
	full := newCkHasher()
	full.Write(data[:len(data)-20])
	if !bytes.Equal(full.h.Sum(nil), data[len(data)-20:]) {
		t.Fatal("checkpoint hasher disagrees with the index checksum")
	}
	for _, p := range []string{"incidents/2026/11/261111-f07999-some-long-slug.md", "incidents/2016/01/261100-f00000-some-long-slug.md", "zzz/last.md"} {
		u := []indexUpdate{{Path: p, Hash: BlobHash([]byte("x"))}}
		a, err := prepareIndex("index", data, u)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := prepareIndex("index", data, u)
		b.resumeHash(data, full.cps)
		var wa, wb bytes.Buffer
		b.begin(&wb)
		if err := a.writeTo(&wa); err != nil {
			t.Fatal(err)
		}
		if err := b.writeTo(&wb); err != nil {
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
