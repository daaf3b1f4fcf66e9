package gitrepo

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// readObjectFast must return exactly what git stores, for loose objects and for packed ones
// with offset and reference deltas, and must never claim an object it cannot read.
func TestReadObjectFastMatchesGit(t *testing.T) {
	dir := newRepo(t, map[string]string{"a.md": "first\n"})
	var body strings.Builder
	for i := range 30 {
		fmt.Fprintf(&body, "line %d of a growing log, long enough to make deltas worth it\n", i)
		writeFile(t, dir, "incidents/2026/11/doc.md", body.String())
		writeFile(t, dir, fmt.Sprintf("other/f%02d.txt", i%7), body.String()[:len(body.String())/2])
		gitOut(t, dir, "add", "-A")
		gitOut(t, dir, "commit", "-q", "-m", fmt.Sprintf("change %d", i))
	}
	allObjects := func() []plumbing.Hash {
		var out []plumbing.Hash
		for _, l := range strings.Split(strings.TrimSpace(gitOut(t, dir, "rev-list", "--objects", "--all")), "\n") {
			out = append(out, plumbing.NewHash(strings.Fields(l)[0]))
		}
		return out
	}
	check := func(stage string, wantFast bool) {
		objects.reset() // read every object from the files, not from the cache
		r := openRepo(t, dir)
		defer r.Close()
		objs := allObjects()
		var in strings.Builder
		for _, h := range objs {
			in.WriteString(h.String() + "\n")
		}
		// <hash> <type> <size>\n<content>\n per object.
		batch := []byte(gitOutStdin(t, dir, []byte(in.String()), "cat-file", "--batch"))
		for _, h := range objs {
			line, rest, _ := bytes.Cut(batch, []byte("\n"))
			f := strings.Fields(string(line))
			size, _ := strconv.Atoi(f[2])
			kind, want := f[1], rest[:size]
			batch = rest[size+1:]
			objects.reset()
			typ, data, err := r.readObjectFast(h)
			if err != nil {
				if wantFast {
					t.Fatalf("%s: %s %s: %v", stage, kind, h, err)
				}
				continue
			}
			if typ.String() != kind || !bytes.Equal(data, want) {
				t.Fatalf("%s: %s %s read as a %s that differs", stage, kind, h, typ)
			}
			typ2, data2, err := r.readObject(h)
			if err != nil || typ2 != typ || !bytes.Equal(data2, data) {
				t.Fatalf("%s: readObject(%s) differs from the fast path: %v", stage, h, err)
			}
		}
		if _, _, err := r.readObjectFast(plumbing.NewHash(strings.Repeat("ab", 20))); err == nil {
			t.Errorf("%s: a missing object was found", stage)
		}
	}
	check("loose", true)
	gitOut(t, dir, "gc", "-q", "--aggressive", "--prune=now")
	check("packed with offset deltas", true)
	gitOut(t, dir, "-c", "repack.useDeltaBaseOffset=false", "repack", "-q", "-a", "-d", "-f", "--depth=50", "--window=50")
	check("packed with reference deltas", true)
	// Half in a pack, half loose: new commits on top of the pack.
	writeFile(t, dir, "incidents/2026/11/doc.md", body.String()+"one more\n")
	gitOut(t, dir, "commit", "-q", "-am", "loose on top")
	check("mixed", true)
}

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
		readHook = func(plumbing.Hash) { count++ }
		h, err := r.Head()
		if err != nil {
			t.Fatal(err)
		}
		_, err = r.Commit(CommitRequest{
			Changes: []Change{{Path: "incidents/2026/11/261101-i0010.md", Content: []byte("changed\n")}},
			Message: "change", Parent: h.Commit, Author: testSig(), Committer: testSig(),
		})
		readHook = nil
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
