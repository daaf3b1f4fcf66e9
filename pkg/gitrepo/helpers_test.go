package gitrepo

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
)

// The git CLI is the reference in these tests. TestMain isolates every git
// (and Identity) from the developer's own configuration.
var testHome string

func TestMain(m *testing.M) {
	var err error
	testHome, err = os.MkdirTemp("", "gitrepo-home-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for _, k := range []string{
		"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR", "GIT_OBJECT_DIRECTORY",
		"GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_AUTHOR_DATE",
		"GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "GIT_COMMITTER_DATE",
		"EMAIL", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM", "GIT_CONFIG_COUNT", "GIT_CONFIG_PARAMETERS",
		"XDG_CONFIG_HOME", "GIT_CEILING_DIRECTORIES",
	} {
		os.Unsetenv(k)
	}
	os.Setenv("HOME", testHome)
	os.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	os.Setenv("LC_ALL", "C")
	code := m.Run()
	removeBenchFixtures()
	os.RemoveAll(testHome)
	os.Exit(code)
}

// gitEnv is the environment of git commands run by tests: an identity for
// the commits the "user" makes, nothing from the real user.
func gitEnv() []string {
	return append(os.Environ(),
		"GIT_AUTHOR_NAME=Test User", "GIT_AUTHOR_EMAIL=user@example.com",
		"GIT_COMMITTER_NAME=Test User", "GIT_COMMITTER_EMAIL=user@example.com",
	)
}

// gitOut runs git in dir and returns stdout; it fails the test on error.
func gitOut(t testing.TB, dir string, args ...string) string {
	t.Helper()
	out, errOut, err := gitRun(dir, nil, args...)
	if err != nil {
		t.Fatalf("git %s (in %s): %v\n%s%s", strings.Join(args, " "), dir, err, out, errOut)
	}
	return out
}

func gitRun(dir string, stdin []byte, args ...string) (stdout, stderr string, err error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = gitEnv()
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	return o.String(), e.String(), err
}

// gitOK reports whether a git command exits 0 (e.g. `diff --quiet`).
func gitOK(dir string, args ...string) bool {
	_, _, err := gitRun(dir, nil, args...)
	return err == nil
}

func writeFile(t testing.TB, root, path, content string) {
	t.Helper()
	full := filepath.Join(root, filepath.FromSlash(path))
	if err := os.MkdirAll(filepath.Dir(full), 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t testing.TB, root, path string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(path)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// newRepo creates a repository on branch main; with files, it commits them.
func newRepo(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	gitOut(t, dir, "init", "-q", "-b", "main")
	if len(files) > 0 {
		for p, c := range files {
			writeFile(t, dir, p, c)
		}
		gitOut(t, dir, "add", "-A")
		gitOut(t, dir, "commit", "-q", "-m", "initial")
	}
	return dir
}

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

func fsck(t testing.TB, dir string) {
	t.Helper()
	out, errOut, err := gitRun(dir, nil, "fsck", "--strict", "--no-progress")
	if err != nil {
		t.Fatalf("git fsck --strict failed: %v\n%s%s", err, out, errOut)
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

func gitOutStdin(t testing.TB, dir string, stdin []byte, args ...string) string {
	t.Helper()
	out, errOut, err := gitRun(dir, stdin, args...)
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, errOut)
	}
	return out
}
