package refs

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/gittest"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/usererr"
)

func TestMain(m *testing.M) { gittest.Main(m, nil) }

var who = Who{Name: "Alice Example", Email: "alice@example.com", When: time.Unix(1700000000, 0).UTC()}

// A branch moves only from the value the change was computed from, under <ref>.lock, with a
// reflog line in the branch's log and in HEAD's; git reads the result.
func TestUpdateBranch(t *testing.T) {
	t.Parallel()
	dir := gittest.NewRepo(t, map[string]string{"f.md": "f\n"})
	gitDir := filepath.Join(dir, ".git")
	r := New(gitDir, gitDir, nil, 0)
	head, err := r.Head()
	if err != nil || head.Branch != "main" || head.Unborn || head.Detached {
		t.Fatalf("Head = %+v, %v", head, err)
	}
	other := plumbing.NewHash(strings.Repeat("1", 40))
	if err := r.UpdateBranch(head.Ref, other, other, who, "x", "test"); !errors.Is(err, usererr.ErrBranchMoved) {
		t.Fatalf("from a stale value: %v", err)
	}
	if err := r.UpdateBranch("refs/heads/new", other, other, who, "x", "test"); !errors.Is(err, usererr.ErrBranchMoved) {
		t.Fatalf("a branch that does not exist: %v", err)
	}

	gittest.Out(t, dir, "commit", "-q", "--allow-empty", "-m", "second")
	second := plumbing.NewHash(strings.TrimSpace(gittest.Out(t, dir, "rev-parse", "HEAD")))
	gittest.Out(t, dir, "pack-refs", "--all", "--prune") // the branch is read from packed-refs
	if h, _ := r.Head(); h.Commit != second {
		t.Fatalf("Head from packed-refs = %s, want %s", h.Commit, second)
	}
	if err := r.UpdateBranch(head.Ref, second, head.Commit, who, "back: to the first", "test"); err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(gittest.Out(t, dir, "rev-parse", "main")); got != head.Commit.String() {
		t.Errorf("main = %s, want %s", got, head.Commit)
	}
	if got := gittest.Out(t, dir, "reflog", "-1", "--format=%gs", "main"); got != "back: to the first\n" {
		t.Errorf("reflog of main: %q", got)
	}
	if got := gittest.Out(t, dir, "reflog", "-1", "--format=%gs", "HEAD"); got != "back: to the first\n" {
		t.Errorf("reflog of HEAD: %q", got)
	}
	gittest.Fsck(t, dir)

	// Somebody else's lock is left alone and reported.
	lock := r.Path(head.Ref) + ".lock"
	if err := os.WriteFile(lock, nil, 0o666); err != nil {
		t.Fatal(err)
	}
	if err := r.UpdateBranch(head.Ref, head.Commit, second, who, "x", "test"); !errors.Is(err, usererr.ErrLocked) {
		t.Fatalf("with %s held: %v", lock, err)
	}
	if _, err := os.Stat(lock); err != nil {
		t.Errorf("the other process's lock was removed: %v", err)
	}
}

// Per-worktree refs live in the working tree's own git dir, the rest in the shared one.
func TestPath(t *testing.T) {
	r := New("/wt/.git/worktrees/x", "/wt/.git", nil, 0)
	for ref, want := range map[plumbing.ReferenceName]string{
		"refs/heads/main":      "/wt/.git/refs/heads/main",
		"refs/bisect/bad":      "/wt/.git/worktrees/x/refs/bisect/bad",
		"refs/remotes/o/main":  "/wt/.git/refs/remotes/o/main",
		"refs/worktree/marker": "/wt/.git/worktrees/x/refs/worktree/marker",
	} {
		if got := filepath.ToSlash(r.Path(ref)); got != want {
			t.Errorf("Path(%s) = %s, want %s", ref, got, want)
		}
	}
}
