package gitrepo

import (
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/index"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/worktree"
)

// worktreeOracle computes by brute force what WorktreeChanges must return: every file on disk
// or in HEAD under the prefixes whose content differs (git ls-tree for HEAD, hashes for disk).
func worktreeOracle(t *testing.T, dir string, prefixes []string) []string {
	t.Helper()
	head := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(gitOut(t, dir, "ls-tree", "-r", "HEAD")), "\n") {
		meta, path, ok := strings.Cut(line, "\t")
		if f := strings.Fields(meta); ok && len(f) == 3 && f[1] == "blob" {
			head[path] = f[2]
		}
	}
	disk := map[string]string{}
	filepath.WalkDir(dir, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if de.IsDir() {
			if de.Name() == ".git" {
				return filepath.SkipDir
			}
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		var content []byte
		if de.Type()&fs.ModeSymlink != 0 {
			target, _ := os.Readlink(p)
			content = []byte(target)
		} else {
			content, _ = os.ReadFile(p)
		}
		disk[filepath.ToSlash(rel)] = BlobHash(content).String()
		return nil
	})
	var out []string
	for _, m := range []map[string]string{head, disk} {
		for p := range m {
			if underAny(p, prefixes) && head[p] != disk[p] && !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	slices.Sort(out)
	return out
}

// statusPaths lists the paths `git status --porcelain` shows under the prefixes.
func statusPaths(t *testing.T, dir string, prefixes []string) []string {
	var out []string
	for _, line := range strings.Split(gitOut(t, dir, "status", "--porcelain", "-uall", "--no-renames"), "\n") {
		if len(line) > 3 && underAny(line[3:], prefixes) {
			out = append(out, line[3:])
		}
	}
	slices.Sort(out)
	return out
}

func checkWorktreeChanges(t *testing.T, dir string, prefixes []string, what string) []string {
	t.Helper()
	r := openRepo(t, dir)
	head := plumbing.NewHash(strings.TrimSpace(gitOut(t, dir, "rev-parse", "HEAD")))
	got, err := r.WorktreeChanges(head, prefixes)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if want := worktreeOracle(t, dir, prefixes); !slices.Equal(got, want) {
		t.Errorf("%s: WorktreeChanges(%q) = %v, want %v", what, prefixes, got, want)
	}
	// Whatever differs from HEAD, git status shows.
	status := statusPaths(t, dir, prefixes)
	for _, p := range got {
		if !slices.Contains(status, p) {
			t.Errorf("%s: %s is reported, git status does not list it (%v)", what, p, status)
		}
	}
	return got
}

func TestWorktreeChangesCases(t *testing.T) {
	t.Parallel()
	files := map[string]string{
		"incidents/2026/10/261001-aaaaa-a.md": "a\n",
		"incidents/2026/10/261002-bbbbb-b.md": "b\n",
		"incidents/2026/11/261101-ccccc-c.md": "c\n",
		"incidents/README.md":                 "readme\n",
		"docs/x.md":                           "x\n",
	}
	all := []string{"incidents"}
	type step struct {
		name   string
		do     func(t *testing.T, dir string)
		status bool // git status lists exactly the result (nothing staged against it)
		want   []string
	}
	steps := []step{
		{"clean", func(*testing.T, string) {}, true, nil},
		{"edited, not committed", func(t *testing.T, dir string) {
			writeFile(t, dir, "incidents/2026/10/261001-aaaaa-a.md", "a edited\n")
		}, true, []string{"incidents/2026/10/261001-aaaaa-a.md"}},
		{"added, untracked", func(t *testing.T, dir string) {
			writeFile(t, dir, "incidents/2026/12/261201-ddddd-d.md", "d\n")
		}, true, []string{"incidents/2026/12/261201-ddddd-d.md"}},
		{"deleted", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, "incidents/2026/10/261002-bbbbb-b.md"))
		}, true, []string{"incidents/2026/10/261002-bbbbb-b.md"}},
		{"renamed", func(t *testing.T, dir string) {
			gitOut(t, dir, "mv", "incidents/2026/11/261101-ccccc-c.md", "incidents/2026/11/261101-ccccc-renamed.md")
		}, false, []string{"incidents/2026/11/261101-ccccc-c.md", "incidents/2026/11/261101-ccccc-renamed.md"}},
		{"touched, same content", func(t *testing.T, dir string) {
			later := time.Now().Add(time.Hour)
			os.Chtimes(filepath.Join(dir, "incidents/README.md"), later, later)
		}, true, nil},
		{"staged, then the worktree set back to HEAD", func(t *testing.T, dir string) {
			writeFile(t, dir, "incidents/README.md", "staged\n")
			gitOut(t, dir, "add", "incidents/README.md")
			writeFile(t, dir, "incidents/README.md", "readme\n")
		}, false, nil},
		{"staged and left so", func(t *testing.T, dir string) {
			writeFile(t, dir, "incidents/README.md", "staged\n")
			gitOut(t, dir, "add", "incidents/README.md")
		}, false, []string{"incidents/README.md"}},
		{"removed from the index only", func(t *testing.T, dir string) {
			gitOut(t, dir, "rm", "-q", "--cached", "incidents/2026/10/261002-bbbbb-b.md")
		}, false, nil},
		{"a file becomes a folder", func(t *testing.T, dir string) {
			p := filepath.Join(dir, "incidents/2026/10/261001-aaaaa-a.md")
			os.Remove(p)
			writeFile(t, dir, "incidents/2026/10/261001-aaaaa-a.md/inner.md", "inner\n")
		}, true, []string{"incidents/2026/10/261001-aaaaa-a.md", "incidents/2026/10/261001-aaaaa-a.md/inner.md"}},
		{"a symbolic link", func(t *testing.T, dir string) {
			os.Symlink("../README.md", filepath.Join(dir, "incidents/2026/link.md"))
		}, true, []string{"incidents/2026/link.md"}},
		{"outside the prefixes", func(t *testing.T, dir string) {
			writeFile(t, dir, "docs/x.md", "x edited\n")
			writeFile(t, dir, "incidents-old/y.md", "y\n")
		}, true, nil},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			dir := newRepo(t, files)
			s.do(t, dir)
			got := checkWorktreeChanges(t, dir, all, s.name)
			if !slices.Equal(got, s.want) {
				t.Errorf("got %v, want %v", got, s.want)
			}
			if s.status {
				if st := statusPaths(t, dir, all); !slices.Equal(got, st) {
					t.Errorf("got %v, git status lists %v", got, st)
				}
			}
			// Once git has refreshed the index (and written its cache tree on a commit), the
			// shortcuts are taken: the answer must not change.
			gitOut(t, dir, "status", "--porcelain")
			checkWorktreeChanges(t, dir, all, s.name+", after git status")
			checkWorktreeChanges(t, dir, []string{"incidents/2026/10", "incidents/README.md"}, s.name+", two prefixes")
			checkWorktreeChanges(t, dir, []string{""}, s.name+", everything")
		})
	}
}

// TestWorktreeChangesRandom changes random files, commits some of it, stages some, and
// compares with the brute-force answer each time.
func TestWorktreeChangesRandom(t *testing.T) {
	t.Parallel()
	dir := newRepo(t, map[string]string{"seed": "x\n"})
	rng := rand.New(rand.NewPCG(11, 3))
	for i := range 30 {
		randomTreeChange(t, dir, rng)
		switch rng.IntN(4) {
		case 0:
			gitOut(t, dir, "add", "-A")
			gitOut(t, dir, "commit", "-q", "--allow-empty", "-m", fmt.Sprint("c", i))
		case 1:
			gitOut(t, dir, "add", "-A") // staged, then changed again
			writeFile(t, dir, fmt.Sprintf("incidents/2026/10/staged-%d.md", i), "staged\n")
			gitOut(t, dir, "add", "incidents")
			writeFile(t, dir, fmt.Sprintf("incidents/2026/10/staged-%d.md", i), "changed after staging\n")
		case 2:
			gitOut(t, dir, "status", "--porcelain")
		}
		for _, prefixes := range [][]string{{""}, {"incidents"}, {"x", "a.md"}, {"incidents/2026/10"}} {
			checkWorktreeChanges(t, dir, prefixes, fmt.Sprint("round ", i))
		}
	}
}

// TestRacyEntryIsHashed: stat data that match an entry written in the same second as the
// index prove nothing, so the content is compared; from an older index they are trusted.
func TestRacyEntryIsHashed(t *testing.T) {
	dir := t.TempDir()
	full := filepath.Join(dir, "f.md")
	if err := os.WriteFile(full, []byte("new content\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(full)
	if err != nil {
		t.Fatal(err)
	}
	// An entry whose stat data are the file's but whose blob is the old content.
	x := index.Entry{Name: []byte("f.md"), Mode: 0o100644, Hash: BlobHash([]byte("old content\n")), Stat: index.StatOf(fi)}
	for _, c := range []struct {
		indexWritten time.Time
		want         bool
	}{{fi.ModTime(), true}, {fi.ModTime().Add(2 * time.Second), false}} {
		if !statMatches(x, index.StatOf(fi), worktree.KindRegular) {
			t.Fatal("the stat data should match")
		}
		w := &wtWalk{ix: &index.Raw{Mtime: c.indexWritten}, cands: map[string]bool{}}
		if err := w.compareEntry(x, "f.md", full, index.StatOf(fi), worktree.KindRegular); err != nil {
			t.Fatal(err)
		}
		if w.cands["f.md"] != c.want {
			t.Errorf("index written at %v, file modified at %v: reported %v, want %v", c.indexWritten, fi.ModTime(), w.cands["f.md"], c.want)
		}
	}
}

// TestWorktreeChangesIndexV4: a version 4 index (prefix-compressed names) goes through go-git's
// decoder; the answer is the same.
func TestWorktreeChangesIndexV4(t *testing.T) {
	t.Parallel()
	dir := newRepo(t, map[string]string{"incidents/2026/10/a.md": "a\n", "incidents/2026/10/b.md": "b\n", "incidents/c.md": "c\n"})
	gitOut(t, dir, "update-index", "--index-version", "4")
	writeFile(t, dir, "incidents/2026/10/a.md", "edited\n")
	writeFile(t, dir, "incidents/2026/11/new.md", "new\n")
	os.Remove(filepath.Join(dir, "incidents/c.md"))
	got := checkWorktreeChanges(t, dir, []string{"incidents"}, "index v4")
	if want := []string{"incidents/2026/10/a.md", "incidents/2026/11/new.md", "incidents/c.md"}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
