package gitrepo

import (
	"fmt"
	"os"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/work"
)

// The commit path must cost O(depth of the path), never O(repository): Commit reads only the
// trees along the changed path and never looks at the rest of the working tree. Guarded without
// timing: a folder nobody may read elsewhere in the working tree (a scan would fail on it), and
// the number of objects read, which must not grow with the number of files.
func TestCommitReadsOnlyThePath(t *testing.T) {
	reads := map[int]int{}
	for _, n := range []int{24, 600} {
		files := map[string]string{}
		for i := range n {
			files[fmt.Sprintf("src/d%02d/f%05d.txt", i%40, i)] = fmt.Sprintf("file %d\n", i)
			files[fmt.Sprintf("incidents/2026/%02d/261101-i%04d.md", 1+i%12, i)] = fmt.Sprintf("incident %d\n", i)
		}
		dir := newRepo(t, files)
		// A folder that cannot be listed or read: anything walking the working tree fails
		// (as root, which may read anything, the object count below still guards the path).
		writeFile(t, dir, "locked/secret.txt", "x\n")
		lockDir(t, dir+"/locked")

		r := openRepo(t, dir)
		var count int
		work.ReadHook = func(plumbing.Hash) { count++ }
		h, err := r.Head()
		if err != nil {
			t.Fatal(err)
		}
		_, err = r.Commit(CommitRequest{
			Changes: []Change{{Path: "incidents/2026/11/261101-i0010.md", Content: []byte("changed\n")}},
			Message: "change", Parent: h.Commit, Author: testSig(), Committer: testSig(),
		})
		work.ReadHook = nil
		if err != nil {
			t.Fatalf("%d files: %v", n, err)
		}
		r.Close()
		unlockDir(t, dir+"/locked")
		assertCommitted(t, dir, map[string]string{"incidents/2026/11/261101-i0010.md": "changed\n"})
		reads[n] = count
	}
	// The commit and the root, incidents, 2026 and 11 trees: five objects, whatever the size.
	if reads[24] != reads[600] || reads[600] > 5 {
		t.Errorf("objects read by one commit: %d with 48 files, %d with 1200", reads[24], reads[600])
	}
}

func lockDir(t *testing.T, dir string) {
	t.Helper()
	if err := os.Chmod(dir, 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o755) })
}

func unlockDir(t *testing.T, dir string) {
	t.Helper()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
}
