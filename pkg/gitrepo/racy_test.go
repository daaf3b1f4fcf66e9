package gitrepo

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// makeRacy leaves dir with two racily clean entries, as a `git add` followed within the same
// second by an edit leaves them: changed.txt staged as "bbbb" while the file now holds "cccc"
// (same size, same second), and same.txt staged as what the file holds. The index file and
// both files carry the same second, some time ago.
func makeRacy(t *testing.T, dir string) {
	t.Helper()
	at := time.Now().Add(-30 * time.Second).Truncate(time.Second)
	touch := func(p string, d time.Duration) {
		if err := os.Chtimes(filepath.Join(dir, p), at.Add(d), at.Add(d)); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, dir, "changed.txt", "bbbb\n")
	writeFile(t, dir, "same.txt", "same\n")
	touch("changed.txt", 100*time.Millisecond)
	touch("same.txt", 100*time.Millisecond)
	gitOut(t, dir, "add", "changed.txt", "same.txt")
	writeFile(t, dir, "changed.txt", "cccc\n")
	touch("changed.txt", 200*time.Millisecond)
	touch(".git/index", 300*time.Millisecond)
}

// assertSeesEdit: git still sees the edit made after staging, and nothing else.
func assertSeesEdit(t *testing.T, dir string) {
	t.Helper()
	if out := gitOut(t, dir, "status", "--porcelain", "--", "changed.txt", "same.txt"); out != "MM changed.txt\nA  same.txt\n" && out != "MM changed.txt\nM  same.txt\n" {
		t.Errorf("git status after the write:\n%s\nwant changed.txt staged and modified again (MM), same.txt staged only", out)
	}
	if out := gitOut(t, dir, "diff", "--name-only"); strings.TrimSpace(out) != "changed.txt" {
		t.Errorf("git diff --name-only = %q, want changed.txt: the edit after staging is hidden", out)
	}
	fsck(t, dir)
}

// indexSize is the size git's index records for path (git ls-files --debug).
func indexSize(t *testing.T, dir, path string) string {
	t.Helper()
	m := regexp.MustCompile(`size: (\d+)`).FindStringSubmatch(gitOut(t, dir, "ls-files", "--debug", "--", path))
	if m == nil {
		t.Fatalf("no index entry for %s", path)
	}
	return m[1]
}

// TestRacilyCleanEntriesSmudged: a commit rewrites the index a second or more after a file
// was staged and edited again within the same second; git itself smudges such an entry
// before writing the index (racy-git.txt), so every writer here must too, or the edit becomes
// invisible to git status, git diff and git commit -a.
func TestRacilyCleanEntriesSmudged(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name  string
		setup []string
	}{
		{"version 2", nil},
		{"version 3", []string{"update-index", "--index-version", "3"}},
		{"version 4", []string{"update-index", "--index-version", "4"}},
		{"split index", []string{"update-index", "--split-index"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := newRepo(t, map[string]string{"changed.txt": "aaaa\n", "incidents/a.md": "one\n", "z.txt": "z\n"})
			if c.setup != nil {
				gitOut(t, dir, c.setup...)
			}
			makeRacy(t, dir)
			r := openRepo(t, dir)
			mustCommitFiles(t, r, "log", map[string]string{"incidents/a.md": "one\ntwo\n"})
			assertSeesEdit(t, dir)
			if got := indexSize(t, dir, "same.txt"); got == "0" && c.name != "split index" {
				t.Errorf("same.txt, racy but unchanged, was smudged too (size 0)")
			}
			// The next write (no racy entry left to smudge) keeps it so.
			mustCommitFiles(t, r, "log", map[string]string{"incidents/a.md": "one\ntwo\nthree\n"})
			assertSeesEdit(t, dir)
		})
	}
}

// TestRacilyCleanEntriesSmudgedBySync: the same for the index Integrate writes (sync), spliced
// natively for versions 2 and 3 and written by git for version 4.
func TestRacilyCleanEntriesSmudgedBySync(t *testing.T) {
	t.Parallel()
	for _, version := range []string{"2", "4"} {
		t.Run("version "+version, func(t *testing.T) {
			t.Parallel()
			_, a, b := twoClones(t, map[string]string{"changed.txt": "aaaa\n", "incidents/a.md": "one\n"})
			writeFile(t, b, "incidents/b.md", "theirs\n")
			gitCommitPush(t, b, "theirs")
			gitOut(t, a, "update-index", "--index-version", version)
			makeRacy(t, a)
			r := openRepo(t, a)
			if _, err := integrate(t, r, fetchMain(t, r), nil); err != nil {
				t.Fatalf("Integrate: %v", err)
			}
			if got := readFile(t, a, "incidents/b.md"); got != "theirs\n" {
				t.Fatalf("incidents/b.md = %q after the fast-forward", got)
			}
			assertSeesEdit(t, a)
		})
	}
}
