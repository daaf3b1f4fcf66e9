package gitrepo

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"testing"
)

// Fixture repositories are expensive (100k files), so each size is built once
// per test binary run and removed by TestMain.
var (
	fixtureMu   sync.Mutex
	fixtures    = map[int]string{}
	benchCommit int // makes every benchmark commit's content unique
)

func removeBenchFixtures() {
	fixtureMu.Lock()
	defer fixtureMu.Unlock()
	for _, dir := range fixtures {
		os.RemoveAll(dir)
	}
}

// benchFixture returns a repository with n committed files, a full index
// (with a cache tree) and a checked-out working tree, built with
// `git fast-import` and `git reset --hard`.
func benchFixture(b testing.TB, n int) string {
	b.Helper()
	fixtureMu.Lock()
	defer fixtureMu.Unlock()
	if dir, ok := fixtures[n]; ok {
		return dir
	}
	dir, err := os.MkdirTemp("", fmt.Sprintf("gitrepo-bench-%d-", n))
	if err != nil {
		b.Fatal(err)
	}
	fixtures[n] = dir
	gitOut(b, dir, "init", "-q", "-b", "main")

	var s bytes.Buffer
	path := func(i int) string {
		if i < 50 {
			return fmt.Sprintf("incidents/2026/11/261101-inc%02d.md", i)
		}
		return fmt.Sprintf("src/t%02d/d%02d/f%06d.txt", i/10000, (i/100)%100, i)
	}
	for i := 0; i < n; i++ {
		content := fmt.Sprintf("file %d\n%s\n", i, path(i))
		fmt.Fprintf(&s, "blob\nmark :%d\ndata %d\n%s\n", i+1, len(content), content)
	}
	fmt.Fprintf(&s, "commit refs/heads/main\nmark :%d\ncommitter Bench <bench@example.com> 1700000000 +0000\ndata 8\nfixture\n", n+1)
	for i := 0; i < n; i++ {
		fmt.Fprintf(&s, "M 100644 :%d %s\n", i+1, path(i))
	}
	s.WriteString("\n")
	if out, errOut, err := gitRun(dir, s.Bytes(), "fast-import", "--quiet"); err != nil {
		b.Fatalf("fast-import: %v\n%s%s", err, out, errOut)
	}
	gitOut(b, dir, "reset", "-q", "--hard")
	// Flush the fixture's 100k new files to disk now, or their writeback
	// lands on the fsyncs of the first commits being measured.
	exec.Command("sync").Run()
	return dir
}

var benchSizes = []struct {
	name string
	n    int
}{{"1k", 1000}, {"10k", 10000}, {"100k", 100000}}

// BenchmarkCommitOneFile: Head + Commit of one file with an open Repo.
func BenchmarkCommitOneFile(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(size.name, func(b *testing.B) {
			if size.n >= 100000 && testing.Short() {
				b.Skip("the 100k-file fixture is skipped with -short")
			}
			dir := benchFixture(b, size.n)
			r, err := Open(dir)
			if err != nil {
				b.Fatal(err)
			}
			defer r.Close()
			for b.Loop() {
				benchCommitOnce(b, r)
			}
		})
	}
}

// BenchmarkOpenAndCommitOneFile: what one CLI invocation does, from a cold
// Repo: Open + Head + Commit.
func BenchmarkOpenAndCommitOneFile(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(size.name, func(b *testing.B) {
			if size.n >= 100000 && testing.Short() {
				b.Skip("the 100k-file fixture is skipped with -short")
			}
			dir := benchFixture(b, size.n)
			for b.Loop() {
				r, err := Open(dir)
				if err != nil {
					b.Fatal(err)
				}
				benchCommitOnce(b, r)
				r.Close()
			}
		})
	}
}

func benchCommitOnce(b testing.TB, r *Repo) {
	h, err := r.Head()
	if err != nil {
		b.Fatal(err)
	}
	benchCommit++
	_, err = r.Commit(CommitRequest{
		Changes: []Change{{Path: "incidents/2026/11/261101-inc07.md", Content: fmt.Appendf(nil, "bench %d\n", benchCommit)}},
		Message: "Log entry", Parent: h.Commit, Author: testSig(), Committer: testSig(),
	})
	if err != nil {
		b.Fatal(err)
	}
}

// The fixture is sane and commits like the benchmark's keep it clean.
func TestBenchFixtureStaysClean(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a fixture repository")
	}
	dir := benchFixture(t, 1000)
	r := openRepo(t, dir)
	for i := 0; i < 3; i++ {
		benchCommitOnce(t, r)
	}
	if out := gitOut(t, dir, "status", "--porcelain"); out != "" {
		t.Errorf("status after benchmark commits: %q", out)
	}
	if out := gitOut(t, dir, "diff-files"); out != "" {
		t.Errorf("diff-files: %q", out)
	}
	fsck(t, dir)
}
