package gitrepo

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// twoClones makes a bare remote with one commit of files and two clones of it (git CLI).
func twoClones(t *testing.T, files map[string]string) (remote, a, b string) {
	t.Helper()
	seed := newRepo(t, files)
	remote = filepath.Join(t.TempDir(), "remote.git")
	gitOut(t, seed, "clone", "-q", "--bare", seed, remote)
	a, b = filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	gitOut(t, seed, "clone", "-q", remote, a)
	gitOut(t, seed, "clone", "-q", remote, b)
	return remote, a, b
}

// gitCommitAll commits everything in dir with the git CLI and pushes it.
func gitCommitPush(t *testing.T, dir, msg string) string {
	t.Helper()
	gitOut(t, dir, "add", "-A")
	gitOut(t, dir, "commit", "-q", "-m", msg)
	gitOut(t, dir, "push", "-q", "origin", "main")
	return strings.TrimSpace(gitOut(t, dir, "rev-parse", "HEAD"))
}

func fetchMain(t *testing.T, r *Repo) plumbing.Hash {
	t.Helper()
	tip, found, err := r.Fetch(context.Background(), FetchRequest{Remote: "origin", Branch: "main"})
	if err != nil || !found {
		t.Fatalf("Fetch: found=%v err=%v", found, err)
	}
	return tip
}

func headOf(t *testing.T, r *Repo) plumbing.Hash {
	t.Helper()
	h, err := r.Head()
	if err != nil {
		t.Fatal(err)
	}
	return h.Commit
}

func integrate(t *testing.T, r *Repo, theirs plumbing.Hash, resolve Resolver) (*IntegrateResult, error) {
	t.Helper()
	return r.Integrate(IntegrateRequest{
		Local: headOf(t, r), Theirs: theirs, Resolve: resolve,
		Message: func(merged []string) string { return "Merge origin/main\n\n" + strings.Join(merged, "\n") },
		Author:  testSig(), Committer: testSig(), Reflog: "sync: origin/main",
	})
}

// assertUntouchedClean: git agrees that index and working tree match HEAD for these paths,
// using stat data only (diff-files does not refresh the index).
func assertInLine(t *testing.T, dir string, paths ...string) {
	t.Helper()
	args := append([]string{"diff-files", "--"}, paths...)
	if out := gitOut(t, dir, args...); out != "" {
		t.Errorf("git diff-files reports changes (stat data or content wrong):\n%s", out)
	}
	args = append([]string{"diff-index", "--cached", "HEAD", "--"}, paths...)
	if out := gitOut(t, dir, args...); out != "" {
		t.Errorf("git diff-index --cached reports staged changes:\n%s", out)
	}
}

func TestIntegrateFastForwardTouchesOnlyChangedPaths(t *testing.T) {
	t.Parallel()
	_, a, b := twoClones(t, map[string]string{
		"keep.txt": "keep\n", "gone.txt": "gone\n", "dir/changed.txt": "v1\n", "staged.txt": "s1\n",
		"file-to-dir": "f\n", "dir-to-file/x": "x\n",
	})
	// The other responder: modify, add, delete, an executable, a symlink, both D/F flips.
	writeFile(t, b, "dir/changed.txt", "v2\n")
	writeFile(t, b, "new/deep/added.txt", "added\n")
	os.Remove(filepath.Join(b, "gone.txt"))
	writeFile(t, b, "run.sh", "#!/bin/sh\n")
	os.Chmod(filepath.Join(b, "run.sh"), 0o755)
	os.Symlink("keep.txt", filepath.Join(b, "link"))
	os.Remove(filepath.Join(b, "file-to-dir"))
	writeFile(t, b, "file-to-dir/inside", "in\n")
	os.RemoveAll(filepath.Join(b, "dir-to-file"))
	writeFile(t, b, "dir-to-file", "now a file\n")
	tip := gitCommitPush(t, b, "other responder")

	// This responder's unrelated work in progress.
	writeFile(t, a, "keep.txt", "my edit\n")
	writeFile(t, a, "staged.txt", "s2\n")
	gitOut(t, a, "add", "staged.txt")
	writeFile(t, a, "untracked.txt", "mine\n")
	statusBefore := gitOut(t, a, "status", "--porcelain")

	r := openRepo(t, a)
	if got := fetchMain(t, r); got.String() != tip {
		t.Fatalf("fetched %s, want %s", got, tip)
	}
	res, err := integrate(t, r, plumbing.NewHash(tip), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Kind != FastForward || res.Commit.String() != tip {
		t.Fatalf("result %+v", res)
	}
	want := []string{"dir-to-file", "dir-to-file/x", "dir/changed.txt", "file-to-dir", "file-to-dir/inside", "gone.txt", "link", "new/deep/added.txt", "run.sh"}
	if strings.Join(res.Updated, " ") != strings.Join(want, " ") {
		t.Errorf("updated %v, want %v", res.Updated, want)
	}
	if got := strings.TrimSpace(gitOut(t, a, "rev-parse", "HEAD")); got != tip {
		t.Errorf("HEAD = %s, want %s", got, tip)
	}
	if got := gitOut(t, a, "status", "--porcelain"); got != statusBefore {
		t.Errorf("status changed:\n%s\nwant (the user's own changes only):\n%s", got, statusBefore)
	}
	assertInLine(t, a, want...)
	if got := gitOut(t, a, "ls-files", "-s", "run.sh", "link"); !strings.Contains(got, "100755 ") || !strings.Contains(got, "120000 ") {
		t.Errorf("modes: %s", got)
	}
	if target, err := os.Readlink(filepath.Join(a, "link")); err != nil || target != "keep.txt" {
		t.Errorf("link = %q, %v", target, err)
	}
	if _, err := os.Stat(filepath.Join(a, "new/deep/added.txt")); err != nil {
		t.Error(err)
	}
	if readFile(t, a, "keep.txt") != "my edit\n" {
		t.Error("the user's edit was lost")
	}
	fsck(t, a)
	reflog := gitOut(t, a, "reflog", "-1", "--format=%gs")
	if !strings.HasPrefix(reflog, "sync: origin/main") {
		t.Errorf("reflog = %q", reflog)
	}
}

func TestIntegrateMerge(t *testing.T) {
	t.Parallel()
	_, a, b := twoClones(t, map[string]string{"doc.md": "base\n", "mine.txt": "1\n", "theirs.txt": "1\n"})
	writeFile(t, b, "doc.md", "base\ntheirs\n")
	writeFile(t, b, "theirs.txt", "2\n")
	writeFile(t, b, "only-theirs/new.txt", "new\n")
	tip := gitCommitPush(t, b, "theirs")

	r := openRepo(t, a)
	local := mustCommitFiles(t, r, "ours", map[string]string{"doc.md": "ours\nbase\n", "mine.txt": "2\n"})
	writeFile(t, a, "wip.txt", "untracked\n")

	var calls []string
	resolve := func(path string, base, ours, theirs []byte) ([]byte, error) {
		calls = append(calls, path+":"+string(base)+"|"+string(ours)+"|"+string(theirs))
		return []byte("ours\nbase\ntheirs\n"), nil
	}
	res, err := integrate(t, r, fetchMain(t, r), resolve)
	if err != nil {
		t.Fatal(err)
	}
	if res.Kind != Merged || strings.Join(res.Merged, ",") != "doc.md" {
		t.Fatalf("result %+v", res)
	}
	if len(calls) != 1 || calls[0] != "doc.md:base\n|ours\nbase\n|base\ntheirs\n" {
		t.Errorf("resolver calls %q", calls)
	}
	parents := strings.Fields(gitOut(t, a, "log", "-1", "--format=%P"))
	if len(parents) != 2 || parents[0] != local.String() || parents[1] != tip {
		t.Errorf("parents %v, want [%s %s]", parents, local, tip)
	}
	if got := gitOut(t, a, "log", "-1", "--format=%s%n%an"); got != "Merge origin/main\nAlice Example\n" {
		t.Errorf("message/author %q", got)
	}
	for p, want := range map[string]string{"doc.md": "ours\nbase\ntheirs\n", "mine.txt": "2\n", "theirs.txt": "2\n", "only-theirs/new.txt": "new\n"} {
		if got := gitOut(t, a, "show", "HEAD:"+p); got != want {
			t.Errorf("HEAD:%s = %q, want %q", p, got, want)
		}
		if got := readFile(t, a, p); got != want {
			t.Errorf("working tree %s = %q, want %q", p, got, want)
		}
	}
	if got := strings.Join(res.Updated, " "); got != "doc.md only-theirs/new.txt theirs.txt" {
		t.Errorf("updated %s", got)
	}
	if got := gitOut(t, a, "status", "--porcelain"); got != "?? wip.txt\n" {
		t.Errorf("status %q", got)
	}
	assertInLine(t, a)
	fsck(t, a)

	// The same again: up to date, nothing moves.
	before := headOf(t, r)
	res, err = integrate(t, r, plumbing.NewHash(tip), resolve)
	if err != nil || res.Kind != UpToDate || headOf(t, r) != before {
		t.Errorf("second integrate: %+v %v", res, err)
	}
}

func TestIntegrateConflictsChangeNothing(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name        string
		ours, their func(t *testing.T, dir string)
		want        string
	}{
		{"both edited", func(t *testing.T, d string) { writeFile(t, d, "f.txt", "ours\n") }, func(t *testing.T, d string) { writeFile(t, d, "f.txt", "theirs\n") }, "f.txt: no resolver here"},
		{"deleted here", func(t *testing.T, d string) { os.Remove(filepath.Join(d, "f.txt")) }, func(t *testing.T, d string) { writeFile(t, d, "f.txt", "theirs\n") }, "f.txt: deleted here but changed on the other side"},
		{"deleted there", func(t *testing.T, d string) { writeFile(t, d, "f.txt", "ours\n") }, func(t *testing.T, d string) { os.Remove(filepath.Join(d, "f.txt")) }, "f.txt: changed here but deleted on the other side"},
		{"added both", func(t *testing.T, d string) { writeFile(t, d, "n.txt", "a\n") }, func(t *testing.T, d string) { writeFile(t, d, "n.txt", "b\n") }, "n.txt: no resolver here"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, a, b := twoClones(t, map[string]string{"f.txt": "base\n", "other.txt": "x\n"})
			c.their(t, b)
			gitCommitPush(t, b, "theirs")
			c.ours(t, a)
			gitOut(t, a, "add", "-A")
			gitOut(t, a, "commit", "-q", "-m", "ours")
			r := openRepo(t, a)
			tip := fetchMain(t, r)
			before := takeSnapshot(t, a, "f.txt", "n.txt")
			_, err := integrate(t, r, tip, func(string, []byte, []byte, []byte) ([]byte, error) {
				return nil, errors.New("no resolver here")
			})
			var ce *ConflictError
			if !errors.As(err, &ce) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want a conflict %q", err, c.want)
			}
			before.assertSame(t, takeSnapshot(t, a, "f.txt", "n.txt"))
		})
	}
}

func TestIntegrateRefusesToOverwriteUncommittedWork(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name  string
		local func(t *testing.T, dir string)
	}{
		{"modified", func(t *testing.T, d string) { writeFile(t, d, "f.txt", "my work\n") }},
		{"staged", func(t *testing.T, d string) { writeFile(t, d, "f.txt", "my work\n"); gitOut(t, d, "add", "f.txt") }},
		{"deleted", func(t *testing.T, d string) { os.Remove(filepath.Join(d, "f.txt")) }},
		{"untracked in the way", func(t *testing.T, d string) { writeFile(t, d, "new.txt", "mine\n") }},
		{"staged removal", func(t *testing.T, d string) { gitOut(t, d, "rm", "-q", "--cached", "f.txt") }},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, a, b := twoClones(t, map[string]string{"f.txt": "base\n"})
			writeFile(t, b, "f.txt", "theirs\n")
			writeFile(t, b, "new.txt", "theirs\n")
			gitCommitPush(t, b, "theirs")
			c.local(t, a)
			r := openRepo(t, a)
			tip := fetchMain(t, r)
			before := takeSnapshot(t, a, "f.txt", "new.txt")
			_, err := integrate(t, r, tip, nil)
			var lc *LocalChangesError
			if !errors.As(err, &lc) {
				t.Fatalf("err = %v, want LocalChangesError", err)
			}
			before.assertSame(t, takeSnapshot(t, a, "f.txt", "new.txt"))
		})
	}
	// Already holding exactly the incoming content is fine.
	_, a, b := twoClones(t, map[string]string{"f.txt": "base\n"})
	writeFile(t, b, "f.txt", "theirs\n")
	gitCommitPush(t, b, "theirs")
	writeFile(t, a, "f.txt", "theirs\n")
	r := openRepo(t, a)
	if _, err := integrate(t, r, fetchMain(t, r), nil); err != nil {
		t.Fatal(err)
	}
	assertInLine(t, a)
}

func TestIntegrateBranchMoved(t *testing.T) {
	t.Parallel()
	_, a, b := twoClones(t, map[string]string{"f.txt": "base\n"})
	writeFile(t, b, "g.txt", "g\n")
	gitCommitPush(t, b, "theirs")
	r := openRepo(t, a)
	tip := fetchMain(t, r)
	stale := headOf(t, r)
	mustCommitFiles(t, r, "meanwhile", map[string]string{"h.txt": "h\n"})
	before := takeSnapshot(t, a)
	_, err := r.Integrate(IntegrateRequest{Local: stale, Theirs: tip, Author: testSig(), Committer: testSig()})
	if !errors.Is(err, ErrBranchMoved) {
		t.Fatalf("err = %v, want ErrBranchMoved", err)
	}
	before.assertSame(t, takeSnapshot(t, a))
}

func TestIntegrateIndexVersion4(t *testing.T) {
	t.Parallel()
	_, a, b := twoClones(t, map[string]string{"a/one.txt": "1\n", "a/two.txt": "2\n", "z.txt": "z\n"})
	writeFile(t, b, "a/two.txt", "22\n")
	os.Remove(filepath.Join(b, "z.txt"))
	tip := gitCommitPush(t, b, "theirs")
	gitOut(t, a, "update-index", "--index-version", "4")
	r := openRepo(t, a)
	res, err := integrate(t, r, fetchMain(t, r), nil)
	if err != nil || res.Commit.String() != tip {
		t.Fatalf("%+v %v", res, err)
	}
	if got := gitOut(t, a, "status", "--porcelain"); got != "" {
		t.Errorf("status %q", got)
	}
	assertInLine(t, a)
}

func TestFetchAndPush(t *testing.T) {
	t.Parallel()
	// An empty remote: nothing to fetch, and the first push creates the branch.
	remote := filepath.Join(t.TempDir(), "remote.git")
	gitOut(t, t.TempDir(), "init", "-q", "--bare", "-b", "main", remote)
	a := newRepo(t, map[string]string{"f.txt": "1\n"})
	gitOut(t, a, "remote", "add", "origin", remote)
	r := openRepo(t, a)
	ctx := context.Background()
	if _, found, err := r.Fetch(ctx, FetchRequest{Remote: "origin", Branch: "main"}); err != nil || found {
		t.Fatalf("fetch from an empty remote: found=%v err=%v", found, err)
	}
	local := headOf(t, r)
	if err := r.Push(ctx, PushRequest{Remote: "origin", Branch: "main", Commit: local}); err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(gitOut(t, remote, "rev-parse", "main")); got != local.String() {
		t.Errorf("remote main = %s, want %s", got, local)
	}
	if got := strings.TrimSpace(gitOut(t, a, "rev-parse", "origin/main")); got != local.String() {
		t.Errorf("origin/main = %s, want %s", got, local)
	}

	// Somebody else pushes first: ours is rejected, never forced.
	b := filepath.Join(t.TempDir(), "b")
	gitOut(t, a, "clone", "-q", remote, b)
	writeFile(t, b, "g.txt", "theirs\n")
	theirs := gitCommitPush(t, b, "theirs")
	ours := mustCommitFiles(t, r, "ours", map[string]string{"f.txt": "2\n"})
	err := r.Push(ctx, PushRequest{Remote: "origin", Branch: "main", Commit: ours})
	if !errors.Is(err, ErrPushRejected) {
		t.Fatalf("push over somebody else's commit: %v, want ErrPushRejected", err)
	}
	if got := strings.TrimSpace(gitOut(t, remote, "rev-parse", "main")); got != theirs {
		t.Errorf("remote main = %s, want theirs %s", got, theirs)
	}

	// Unreachable and unknown remotes.
	gitOut(t, a, "remote", "add", "gone", filepath.Join(t.TempDir(), "nowhere.git"))
	_, _, err = r.Fetch(ctx, FetchRequest{Remote: "gone", Branch: "main"})
	var re *RemoteError
	if !errors.As(err, &re) || re.Auth() || !strings.Contains(err.Error(), "cannot fetch from gone") {
		t.Errorf("fetch from a missing path: %v", err)
	}
	if _, _, err := r.Fetch(ctx, FetchRequest{Remote: "nope", Branch: "main"}); !errors.Is(err, ErrNoRemote) || !strings.Contains(err.Error(), "git remote add nope") {
		t.Errorf("unknown remote: %v", err)
	}
}

func TestEnsureConfig(t *testing.T) {
	t.Parallel()
	dir := newRepo(t, map[string]string{"f": "x\n"})
	r := openRepo(t, dir)
	settings := []ConfigSetting{
		{Section: "merge", Subsection: "incidentctl", Key: "name", Value: "a name; with # signs"},
		{Section: "merge", Subsection: "incidentctl", Key: "driver", Value: "incidentctl merge-driver %O %A %B %P"},
	}
	added, differing, err := r.EnsureConfig(settings)
	if err != nil || len(added) != 2 || len(differing) != 0 {
		t.Fatalf("first: %v %v %v", added, differing, err)
	}
	for _, s := range settings {
		if got := strings.TrimSpace(gitOut(t, dir, "config", s.Name())); got != s.Value {
			t.Errorf("git config %s = %q, want %q", s.Name(), got, s.Value)
		}
	}
	before, _ := os.ReadFile(filepath.Join(dir, ".git", "config"))
	added, differing, err = r.EnsureConfig(settings)
	after, _ := os.ReadFile(filepath.Join(dir, ".git", "config"))
	if err != nil || len(added) != 0 || len(differing) != 0 || !bytes.Equal(before, after) {
		t.Errorf("second run changed something: %v %v %v", added, differing, err)
	}
	gitOut(t, dir, "config", "merge.incidentctl.driver", "my own driver")
	added, differing, err = r.EnsureConfig(settings)
	if err != nil || len(added) != 0 || len(differing) != 1 || differing[0].Name() != "merge.incidentctl.driver" {
		t.Errorf("user's value: %v %v %v", added, differing, err)
	}
	if got := strings.TrimSpace(gitOut(t, dir, "config", "merge.incidentctl.driver")); got != "my own driver" {
		t.Errorf("the user's value was overwritten: %q", got)
	}
}
