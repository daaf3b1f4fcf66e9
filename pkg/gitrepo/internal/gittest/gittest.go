// Package gittest is what the tests of pkg/gitrepo and its rooms share: an environment isolated
// from the developer's own git configuration, and the git CLI as the reference (running it,
// making repositories with it, checking them with git fsck).
package gittest

import (
	"bytes"
	"crypto/sha1"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Main isolates every git the tests run (and gitrepo's own config reading) from the
// developer's configuration, runs the tests, calls cleanup (which may be nil) and exits.
func Main(m *testing.M, cleanup func()) {
	home, err := os.MkdirTemp("", "gitrepo-home-")
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
	os.Setenv("HOME", home)
	os.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	os.Setenv("LC_ALL", "C")
	// Every git that writes an index first checks its cache tree against the entries (as in
	// git's own test suite): a wrong tree name or entry count left by incidentctl stops it.
	os.Setenv("GIT_TEST_CHECK_CACHE_TREE", "1")
	code := m.Run()
	if cleanup != nil {
		cleanup()
	}
	os.RemoveAll(home)
	os.Exit(code)
}

// Home is the isolated home directory Main set up.
func Home() string { return os.Getenv("HOME") }

// Env is the environment of git commands run by tests: an identity for
// the commits the "user" makes, nothing from the real user.
func Env() []string {
	return append(os.Environ(),
		"GIT_AUTHOR_NAME=Test User", "GIT_AUTHOR_EMAIL=user@example.com",
		"GIT_COMMITTER_NAME=Test User", "GIT_COMMITTER_EMAIL=user@example.com",
	)
}

// Out runs git in dir and returns stdout; it fails the test on error.
func Out(t testing.TB, dir string, args ...string) string {
	t.Helper()
	out, errOut, err := Run(dir, nil, args...)
	if err != nil {
		t.Fatalf("git %s (in %s): %v\n%s%s", strings.Join(args, " "), dir, err, out, errOut)
	}
	return out
}

// OutStdin is Out with stdin.
func OutStdin(t testing.TB, dir string, stdin []byte, args ...string) string {
	t.Helper()
	out, errOut, err := Run(dir, stdin, args...)
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, errOut)
	}
	return out
}

// Run runs git in dir with stdin (nil: none).
func Run(dir string, stdin []byte, args ...string) (stdout, stderr string, err error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = Env()
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	return o.String(), e.String(), err
}

// OK reports whether a git command exits 0 (e.g. `diff --quiet`).
func OK(dir string, args ...string) bool {
	_, _, err := Run(dir, nil, args...)
	return err == nil
}

// WriteFile writes a file below root, creating its folders.
func WriteFile(t testing.TB, root, path, content string) {
	t.Helper()
	full := filepath.Join(root, filepath.FromSlash(path))
	if err := os.MkdirAll(filepath.Dir(full), 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// ReadFile reads a file below root.
func ReadFile(t testing.TB, root, path string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(path)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// NewRepo creates a repository on branch main; with files, it commits them.
func NewRepo(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	Out(t, dir, "init", "-q", "-b", "main")
	if len(files) > 0 {
		for p, c := range files {
			WriteFile(t, dir, p, c)
		}
		Out(t, dir, "add", "-A")
		Out(t, dir, "commit", "-q", "-m", "initial")
	}
	return dir
}

// Fsck fails the test unless `git fsck --strict` passes.
func Fsck(t testing.TB, dir string) {
	t.Helper()
	out, errOut, err := Run(dir, nil, "fsck", "--strict", "--no-progress")
	if err != nil {
		t.Fatalf("git fsck --strict failed: %v\n%s%s", err, out, errOut)
	}
}

// RandomHistory builds n commits with random parents (one or two of the earlier ones) and
// returns their hashes in order; timestamps grow, with an occasional step back (clock skew).
func RandomHistory(t *testing.T, dir string, n int, rng *rand.Rand) []string {
	t.Helper()
	var b strings.Builder
	when := 1700000000
	for i := 1; i <= n; i++ {
		when += 60
		if rng.IntN(10) == 0 {
			when -= 300 // a laptop whose clock is behind
		}
		fmt.Fprintf(&b, "commit refs/heads/c%d\nmark :%d\ncommitter X <x@x> %d +0000\ndata %d\nc%d\n", i, i, when, len(fmt.Sprint(i))+1, i)
		if i > 1 {
			fmt.Fprintf(&b, "from :%d\n", 1+rng.IntN(i-1))
			if i > 2 && rng.IntN(3) == 0 {
				fmt.Fprintf(&b, "merge :%d\n", 1+rng.IntN(i-1))
			}
		}
		fmt.Fprintf(&b, "M 100644 inline f%d\ndata 2\n%d\n\n", i%7, i%10)
	}
	OutStdin(t, dir, []byte(b.String()), "fast-import", "--quiet")
	out := make([]string, n)
	for i := range out {
		out[i] = strings.TrimSpace(Out(t, dir, "rev-parse", fmt.Sprintf("c%d", i+1)))
	}
	return out
}

// IndexRepo makes a repository whose index spans several hash checkpoints.
func IndexRepo(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	Out(t, dir, "init", "-q", "-b", "main")
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
	if out, errOut, err := Run(dir, s.Bytes(), "fast-import", "--quiet"); err != nil {
		t.Fatalf("fast-import: %v\n%s%s", err, out, errOut)
	}
	Out(t, dir, "reset", "-q", "--hard")
	return dir
}

// IndexChecksumOK fails the test unless the index of the repository at dir ends with the SHA-1
// of its content.
func IndexChecksumOK(t *testing.T, dir string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, ".git", "index"))
	if err != nil {
		t.Fatal(err)
	}
	if sum := sha1.Sum(b[:len(b)-20]); !bytes.Equal(sum[:], b[len(b)-20:]) {
		t.Fatalf("the index checksum is wrong")
	}
}
