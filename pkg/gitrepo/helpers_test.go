package gitrepo

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/gittest"
)

// The git CLI is the reference in these tests (internal/gittest). TestMain isolates every git
// (and Identity) from the developer's own configuration.

func TestMain(m *testing.M) {
	LockWait = 300 * time.Millisecond // a lock that stays makes a test wait this long
	gittest.Main(m, removeBenchFixtures)
}

var (
	gitEnv      = gittest.Env
	gitOut      = gittest.Out
	gitOutStdin = gittest.OutStdin
	gitRun      = gittest.Run
	gitOK       = gittest.OK
	writeFile   = gittest.WriteFile
	readFile    = gittest.ReadFile
	newRepo     = gittest.NewRepo
	fsck        = gittest.Fsck
)

func openRepo(t testing.TB, dir string) *Repo {
	t.Helper()
	r, err := Open(dir)
	if err != nil {
		t.Fatalf("Open(%s): %v", dir, err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

var testTime = time.Date(2026, 11, 23, 10, 2, 0, 0, time.FixedZone("", 9*3600))

func testSig() Signature {
	return Signature{Name: "Alice Example", Email: "alice@example.com", When: testTime}
}

// commitFiles commits the files at the current HEAD with a test identity.
func commitFiles(t testing.TB, r *Repo, msg string, files map[string]string) (plumbing.Hash, error) {
	t.Helper()
	h, err := r.Head()
	if err != nil {
		t.Fatal(err)
	}
	var changes []Change
	for p, c := range files {
		changes = append(changes, Change{Path: p, Content: []byte(c)})
	}
	return r.Commit(CommitRequest{Changes: changes, Message: msg, Parent: h.Commit, Author: testSig(), Committer: testSig()})
}

func mustCommitFiles(t testing.TB, r *Repo, msg string, files map[string]string) plumbing.Hash {
	t.Helper()
	h, err := commitFiles(t, r, msg, files)
	if err != nil {
		t.Fatalf("Commit: %v", err)
	}
	return h
}

// snapshot is what must not change when an operation fails.
type snapshot struct {
	head, index, status string
	files               map[string]string
}

func takeSnapshot(t testing.TB, dir string, files ...string) snapshot {
	t.Helper()
	s := snapshot{
		head:   strings.TrimSpace(gitOut(t, dir, "rev-parse", "--verify", "-q", "HEAD^{commit}")),
		status: gitOut(t, dir, "status", "--porcelain=v1", "--untracked-files=all"),
		files:  map[string]string{},
	}
	gitDir := strings.TrimSpace(gitOut(t, dir, "rev-parse", "--absolute-git-dir"))
	if b, err := os.ReadFile(filepath.Join(gitDir, "index")); err == nil {
		s.index = string(b)
	}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err == nil {
			s.files[f] = string(b)
		} else {
			s.files[f] = "<missing>"
		}
	}
	return s
}

func (s snapshot) assertSame(t testing.TB, other snapshot) {
	t.Helper()
	if s.head != other.head {
		t.Errorf("HEAD changed: %s -> %s", s.head, other.head)
	}
	if s.index != other.index {
		t.Errorf("index bytes changed")
	}
	if s.status != other.status {
		t.Errorf("status changed:\n%s\n->\n%s", s.status, other.status)
	}
	for f, c := range s.files {
		if other.files[f] != c {
			t.Errorf("%s changed: %q -> %q", f, c, other.files[f])
		}
	}
}

// assertClean checks that the committed paths are exactly HEAD's content in
// index and working tree, using git's stat-based plumbing (diff-files does
// not refresh the index: wrong stat data would show the file as modified).
func assertCommitted(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for p, c := range files {
		want := strings.TrimSpace(gitOutStdin(t, dir, []byte(c), "hash-object", "--stdin"))
		if got := strings.TrimSpace(gitOut(t, dir, "rev-parse", "HEAD:"+p)); got != want {
			t.Errorf("HEAD:%s = %s, want %s", p, got, want)
		}
		stage := gitOut(t, dir, "ls-files", "--stage", "--", p)
		if wantStage := "100644 " + want + " 0\t" + p + "\n"; stage != wantStage {
			t.Errorf("ls-files --stage %s = %q, want %q", p, stage, wantStage)
		}
		if got := readFile(t, dir, p); got != c {
			t.Errorf("working tree %s = %q, want %q", p, got, c)
		}
		if out := gitOut(t, dir, "diff-files", "--", p); out != "" {
			t.Errorf("git diff-files reports %s as changed (stat data wrong?): %s", p, out)
		}
		if !gitOK(dir, "diff", "--cached", "--quiet", "HEAD", "--", p) {
			t.Errorf("git diff --cached reports %s as staged", p)
		}
	}
}
