package gitrepo

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/index"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/gittest"
)

// Commits resumed from saved hash states write exactly the index a full hash writes, also
// when git rewrote the index in between (the saved states then describe another file). The
// plan itself is checked against a full hash in pkg/gitrepo/index (TestResumedPlan).
func TestIndexHashCheckpoints(t *testing.T) {
	dir := gittest.IndexRepo(t, 8000)
	if fi, _ := os.Stat(filepath.Join(dir, ".git", "index")); fi.Size() < 3*index.HashCheckpoint() {
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
			if index.ReadHashes(r.hashPath(), data) != nil {
				resumed++
			}
			mustCommitFiles(t, r, "change", map[string]string{p: fmt.Sprintf("changed at step %d\n", step)})
		}
		gittest.IndexChecksumOK(t, dir)
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
	b[len("incidentctl index-sha1 1\n")+40] ^= 1 // in the checksum of the index it describes
	if err := os.WriteFile(r.hashPath(), b, 0o666); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(dir, ".git", "index"))
	if index.ReadHashes(r.hashPath(), data) != nil {
		t.Errorf("a damaged checkpoint file was accepted")
	}
	mustCommitFiles(t, r, "after damage", map[string]string{"incidents/2026/11/261124-z0001.md": "z\n"})
	gittest.IndexChecksumOK(t, dir)
}
