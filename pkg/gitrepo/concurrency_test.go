package gitrepo

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Our Commit and the git CLI updating the index at the same time: each side
// either succeeds or is refused because the other holds index.lock, and no
// successful update is lost.
func TestCommitConcurrentWithGit(t *testing.T) {
	t.Parallel()
	dir := newRepo(t, map[string]string{"seed.txt": "seed\n"})
	r := openRepo(t, dir)
	const n = 50
	if err := os.MkdirAll(filepath.Join(dir, "theirs"), 0o777); err != nil {
		t.Fatal(err)
	}

	var wg sync.WaitGroup
	var ours, theirs []int
	var oursLocked, theirsLocked int
	var failures []string
	var mu sync.Mutex
	fail := func(format string, args ...any) {
		mu.Lock()
		failures = append(failures, fmt.Sprintf(format, args...))
		mu.Unlock()
	}

	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := 0; i < n; i++ {
			// A breather, as between two CLI invocations: a tight loop
			// would hold index.lock nearly all the time.
			time.Sleep(time.Duration(i%4) * 2 * time.Millisecond)
			h, err := r.Head()
			if err != nil {
				fail("Head: %v", err)
				return
			}
			_, err = r.Commit(CommitRequest{
				Changes: []Change{{Path: fmt.Sprintf("ours/f%02d.md", i), Content: []byte(fmt.Sprintf("ours %d\n", i))}},
				Message: fmt.Sprintf("ours %d", i), Parent: h.Commit, Author: testSig(), Committer: testSig(),
			})
			switch {
			case err == nil:
				ours = append(ours, i)
			case errors.Is(err, ErrLocked):
				oursLocked++
			default:
				fail("Commit %d: %v", i, err)
			}
		}
	}()
	go func() {
		defer wg.Done()
		for i := 0; i < n; i++ {
			path := fmt.Sprintf("theirs/g%02d.txt", i)
			// Not writeFile: t.Fatal may not be called from this goroutine.
			if err := os.WriteFile(filepath.Join(dir, path), []byte(fmt.Sprintf("theirs %d\n", i)), 0o644); err != nil {
				fail("write %s: %v", path, err)
				return
			}
			args := []string{"add", path}
			if i%2 == 1 {
				args = []string{"update-index", "--add", path}
			}
			_, stderr, err := gitRun(dir, nil, args...)
			switch {
			case err == nil:
				theirs = append(theirs, i)
			case strings.Contains(stderr, "index.lock"):
				if theirsLocked == 0 {
					t.Logf("git %v: %s", args, stderr)
				}
				theirsLocked++
			default:
				fail("git %v: %v %s", args, err, stderr)
			}
		}
	}()
	wg.Wait()
	for _, f := range failures {
		t.Error(f)
	}
	t.Logf("ours: %d ok, %d locked out; git: %d ok, %d locked out", len(ours), oursLocked, len(theirs), theirsLocked)
	if len(ours) == 0 || len(theirs) == 0 {
		t.Fatalf("one side never succeeded")
	}

	fsck(t, dir)
	gitOut(t, dir, "status", "--porcelain")
	stage := gitOut(t, dir, "ls-files", "--stage")
	for _, i := range ours {
		p := fmt.Sprintf("ours/f%02d.md", i)
		assertCommitted(t, dir, map[string]string{p: fmt.Sprintf("ours %d\n", i)})
	}
	for _, i := range theirs {
		p := fmt.Sprintf("theirs/g%02d.txt", i)
		want := fmt.Sprintf("100644 %s 0\t%s\n", BlobHash([]byte(fmt.Sprintf("theirs %d\n", i))), p)
		if !strings.Contains(stage, want) {
			t.Errorf("git's update of %s was lost", p)
		}
	}
	if got := strings.TrimSpace(gitOut(t, dir, "rev-list", "--count", "HEAD")); got != fmt.Sprint(len(ours)+1) {
		t.Errorf("%s commits, want %d", got, len(ours)+1)
	}
	assertNoLocks(t, r.GitDir())
}
