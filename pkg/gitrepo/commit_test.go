package gitrepo

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
)

func TestCommitLeavesUserChangesAlone(t *testing.T) {
	t.Parallel()
	dir := newRepo(t, map[string]string{
		"README.md":                  "readme\n",
		"src/main.go":                "package main\n",
		"src/util/util.go":           "package util\n",
		"incidents/2026/11/a-one.md": "one\n",
		"notes.txt":                  "notes\n",
	})
	// The user's work in progress: a staged edit, a staged new file, an
	// unstaged edit, an untracked file, and a staged-then-edited file.
	writeFile(t, dir, "README.md", "readme, staged edit\n")
	gitOut(t, dir, "add", "README.md")
	writeFile(t, dir, "staged-new.txt", "new and staged\n")
	gitOut(t, dir, "add", "staged-new.txt")
	writeFile(t, dir, "src/main.go", "package main // unstaged\n")
	writeFile(t, dir, "untracked.txt", "untracked\n")
	writeFile(t, dir, "notes.txt", "notes staged\n")
	gitOut(t, dir, "add", "notes.txt")
	writeFile(t, dir, "notes.txt", "notes staged, then edited\n")

	userFiles := []string{"README.md", "staged-new.txt", "src/main.go", "untracked.txt", "notes.txt"}
	before := takeSnapshot(t, dir, userFiles...)
	cachedBefore := gitOut(t, dir, "diff", "--cached", "--name-status")
	filesBefore := gitOut(t, dir, "diff", "--name-status")

	r := openRepo(t, filepath.Join(dir, "src", "util")) // from a subfolder
	if r.Root() != dir {
		t.Fatalf("Root = %s, want %s", r.Root(), dir)
	}
	files := map[string]string{
		"incidents/2026/11/a-one.md":   "one, updated\n",  // replace
		"incidents/2026/11/b-two.md":   "two\n",           // new file in an existing dir
		"incidents/2026/12/c-three.md": "three\n",         // new directory
		"templates/deep/x/y/z.md":      "deeply nested\n", // several new directories
	}
	commit := mustCommitFiles(t, r, "Declare SEV2: checkout\n\nbody line\n", files)

	if got := strings.TrimSpace(gitOut(t, dir, "rev-parse", "HEAD")); got != commit.String() {
		t.Fatalf("HEAD = %s, want %s", got, commit)
	}
	fsck(t, dir)
	assertCommitted(t, dir, files)

	after := takeSnapshot(t, dir, userFiles...)
	if after.status != before.status {
		t.Errorf("status changed:\n%s->\n%s", before.status, after.status)
	}
	for f, c := range before.files {
		if after.files[f] != c {
			t.Errorf("%s changed: %q -> %q", f, c, after.files[f])
		}
	}
	if got := gitOut(t, dir, "diff", "--cached", "--name-status"); got != cachedBefore {
		t.Errorf("staged changes differ:\n%s->\n%s", cachedBefore, got)
	}
	if got := gitOut(t, dir, "diff", "--name-status"); got != filesBefore {
		t.Errorf("unstaged changes differ:\n%s->\n%s", filesBefore, got)
	}
	if got := gitOut(t, dir, "log", "-1", "--format=%an%n%ae%n%cn%n%ce%n%s%n%b"); got != "Alice Example\nalice@example.com\nAlice Example\nalice@example.com\nDeclare SEV2: checkout\nbody line\n\n" {
		t.Errorf("log = %q", got)
	}
	if got := gitOut(t, dir, "log", "-1", "--format=%ad", "--date=iso-strict"); got != "2026-11-23T10:02:00+09:00\n" {
		t.Errorf("author date = %q", got)
	}
	if got := gitOut(t, dir, "reflog", "-1", "--format=%gs"); got != "commit: Declare SEV2: checkout\n" {
		t.Errorf("HEAD reflog = %q", got)
	}
	if got := gitOut(t, dir, "reflog", "show", "-1", "--format=%gs", "main"); got != "commit: Declare SEV2: checkout\n" {
		t.Errorf("branch reflog = %q", got)
	}
	// The parent is the previous commit and only our paths changed.
	if got := gitOut(t, dir, "diff-tree", "--no-commit-id", "--name-only", "-r", "HEAD"); got !=
		"incidents/2026/11/a-one.md\nincidents/2026/11/b-two.md\nincidents/2026/12/c-three.md\ntemplates/deep/x/y/z.md\n" {
		t.Errorf("changed paths = %q", got)
	}
	// The user can commit their staged work as usual, and the result has
	// both their change and ours.
	gitOut(t, dir, "commit", "-q", "-m", "user commit")
	fsck(t, dir)
	if got := gitOut(t, dir, "show", "HEAD:README.md"); got != "readme, staged edit\n" {
		t.Errorf("user's commit README = %q", got)
	}
	if got := gitOut(t, dir, "show", "HEAD:incidents/2026/11/a-one.md"); got != "one, updated\n" {
		t.Errorf("user's commit lost our change: %q", got)
	}
}

func TestCommitRootOnUnbornBranch(t *testing.T) {
	t.Parallel()
	dir := newRepo(t, nil)
	writeFile(t, dir, "untracked.txt", "x\n")
	r := openRepo(t, dir)
	h, err := r.Head()
	if err != nil || !h.Unborn || h.Branch != "main" || h.Detached {
		t.Fatalf("Head = %+v, %v", h, err)
	}
	if _, _, found, err := r.ReadAtHead("a.md"); found || err != nil {
		t.Fatalf("ReadAtHead on unborn = %v, %v", found, err)
	}
	files := map[string]string{
		".incidentctl.yaml":             "version: 1\n",
		"templates/action-list.md":      "- [ ] page\n",
		"templates/severities.yaml":     "SEV1: {}\n",
		"incidents/.gitkeep":            "",
		"incidents/2026/11/x.md":        "x\n",
		"docs/runbooks/deep/nested.txt": "n\n",
	}
	commit := mustCommitFiles(t, r, "Set up incidentctl", files)
	fsck(t, dir)
	assertCommitted(t, dir, files)
	if got := gitOut(t, dir, "rev-list", "--count", "HEAD"); got != "1\n" {
		t.Errorf("rev-list --count = %q", got)
	}
	if got := gitOut(t, dir, "reflog", "-1", "--format=%gs"); got != "commit (initial): Set up incidentctl\n" {
		t.Errorf("reflog = %q", got)
	}
	if got := gitOut(t, dir, "status", "--porcelain"); got != "?? untracked.txt\n" {
		t.Errorf("status = %q", got)
	}
	h, _ = r.Head()
	if h.Unborn || h.Commit != commit || h.Ref != "refs/heads/main" {
		t.Errorf("Head after = %+v", h)
	}
	content, blob, found, err := r.ReadAtHead("incidents/2026/11/x.md")
	if err != nil || !found || string(content) != "x\n" || blob != BlobHash([]byte("x\n")) {
		t.Errorf("ReadAtHead = %q %s %v %v", content, blob, found, err)
	}
	if _, _, found, err := r.ReadAtHead("incidents/2026/11/missing.md"); found || err != nil {
		t.Errorf("missing file: found=%v err=%v", found, err)
	}
	if _, _, _, err := r.ReadAtHead("incidents/2026"); err == nil {
		t.Errorf("ReadAtHead of a directory: no error")
	}
	// A second commit on top.
	mustCommitFiles(t, r, "second", map[string]string{"incidents/2026/11/x.md": "x2\n"})
	fsck(t, dir)
	assertCommitted(t, dir, map[string]string{"incidents/2026/11/x.md": "x2\n"})
	if got := gitOut(t, dir, "status", "--porcelain"); got != "?? untracked.txt\n" {
		t.Errorf("status = %q", got)
	}
}

func indexVersion(t *testing.T, dir string) uint32 {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, ".git", "index"))
	if err != nil {
		t.Fatal(err)
	}
	return binary.BigEndian.Uint32(b[4:8])
}

func TestCommitIndexFormats(t *testing.T) {
	t.Parallel()
	base := map[string]string{
		"a.txt":                  "a\n",
		"dir/b.txt":              "b\n",
		"dir/sub/c.txt":          "c\n",
		"incidents/2026/11/i.md": "i\n",
		"z/zz.txt":               "z\n",
	}
	for _, tc := range []struct {
		name    string
		setup   func(t *testing.T, dir string)
		version uint32
	}{
		{"v2 with cache tree", func(t *testing.T, dir string) {}, 2},
		{"v3 with intent-to-add", func(t *testing.T, dir string) {
			gitOut(t, dir, "update-index", "--index-version", "3")
			writeFile(t, dir, "dir/ita.txt", "intent\n")
			gitOut(t, dir, "add", "-N", "dir/ita.txt")
			writeFile(t, dir, "incidents/2026/11/ita.md", "intent\n")
			gitOut(t, dir, "add", "-N", "incidents/2026/11/ita.md")
		}, 3},
		{"v4 fallback", func(t *testing.T, dir string) {
			gitOut(t, dir, "update-index", "--index-version", "4")
		}, 4},
		{"v2 with untracked cache", func(t *testing.T, dir string) {
			gitOut(t, dir, "config", "core.untrackedCache", "true")
			gitOut(t, dir, "update-index", "--untracked-cache")
			writeFile(t, dir, "dir/untracked.txt", "u\n")
			gitOut(t, dir, "status", "--porcelain")
		}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := newRepo(t, base)
			tc.setup(t, dir)
			if v := indexVersion(t, dir); v != tc.version {
				t.Fatalf("setup: index version %d, want %d", v, tc.version)
			}
			before := gitOut(t, dir, "status", "--porcelain=v1", "--untracked-files=all")
			r := openRepo(t, dir)
			files := map[string]string{
				"incidents/2026/11/i.md":   "i updated\n",
				"incidents/2026/11/new.md": "new\n",
				"dir/sub/c.txt":            "c updated\n",
				"0first.txt":               "sorts first\n",
				"zzz/last.txt":             "sorts last\n",
			}
			mustCommitFiles(t, r, "update", files)
			fsck(t, dir)
			assertCommitted(t, dir, files)
			if v := indexVersion(t, dir); v != tc.version {
				t.Errorf("index version %d after commit, want %d", v, tc.version)
			}
			if got := gitOut(t, dir, "status", "--porcelain=v1", "--untracked-files=all"); got != before {
				t.Errorf("status changed:\n%s->\n%s", before, got)
			}
			if !strings.Contains(tc.name, "intent") {
				// Nothing else staged: git's tree from the index (which
				// trusts the cache tree) must be exactly our commit's tree.
				if wt, head := gitOut(t, dir, "write-tree"), gitOut(t, dir, "rev-parse", "HEAD^{tree}"); wt != head {
					t.Errorf("git write-tree = %s, HEAD^{tree} = %s: stale cache tree", wt, head)
				}
			}
			// The user's next commit is correct.
			writeFile(t, dir, "dir/user.txt", "user\n")
			gitOut(t, dir, "add", "dir/user.txt")
			gitOut(t, dir, "commit", "-q", "-m", "user")
			fsck(t, dir)
			if got := gitOut(t, dir, "show", "HEAD:incidents/2026/11/i.md"); got != "i updated\n" {
				t.Errorf("after user commit: %q", got)
			}
			if got := gitOut(t, dir, "diff", "--stat", "HEAD~1", "HEAD"); !strings.Contains(got, "dir/user.txt") || strings.Count(got, "|") != 1 {
				t.Errorf("user commit changed more than their file:\n%s", got)
			}
		})
	}
}

func TestCommitCacheTreeStaysUsable(t *testing.T) {
	t.Parallel()
	dir := newRepo(t, map[string]string{"a/1.txt": "1\n", "b/2.txt": "2\n", "c/d/3.txt": "3\n"})
	r := openRepo(t, dir)
	mustCommitFiles(t, r, "ours", map[string]string{"a/1.txt": "one\n"})
	// Stage something elsewhere: git commit must combine it with ours.
	writeFile(t, dir, "c/d/3.txt", "three\n")
	gitOut(t, dir, "add", "c/d/3.txt")
	gitOut(t, dir, "commit", "-q", "-m", "user")
	fsck(t, dir)
	if got := gitOut(t, dir, "ls-tree", "-r", "--name-only", "HEAD"); got != "a/1.txt\nb/2.txt\nc/d/3.txt\n" {
		t.Errorf("tree = %q", got)
	}
	if got := gitOut(t, dir, "show", "HEAD:a/1.txt"); got != "one\n" {
		t.Errorf("a/1.txt = %q", got)
	}
	if got := gitOut(t, dir, "status", "--porcelain"); got != "" {
		t.Errorf("status = %q", got)
	}
}

func TestCommitRefusesWhenIndexLocked(t *testing.T) {
	t.Parallel()
	dir := newRepo(t, map[string]string{"f.md": "f\n"})
	lock := filepath.Join(dir, ".git", "index.lock")
	if err := os.WriteFile(lock, []byte("someone else's"), 0o644); err != nil {
		t.Fatal(err)
	}
	// An hour old, so that the age in the message does not depend on how long the test takes
	// to get there (a loaded machine can take over half a second).
	hourAgo := time.Now().Add(-time.Hour)
	if err := os.Chtimes(lock, hourAgo, hourAgo); err != nil {
		t.Fatal(err)
	}
	before := takeSnapshot(t, dir, "f.md")
	r := openRepo(t, dir)
	_, err := commitFiles(t, r, "x", map[string]string{"f.md": "changed\n"})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("err = %v, want ErrLocked", err)
	}
	want := regexp.MustCompile("^" + regexp.QuoteMeta("the repository is locked: "+lock+" exists (held by another git command, made ") +
		`1h0m\d+s` + regexp.QuoteMeta(" ago); "+
		"wait for it to finish and run the command again; if no git command is running, a crashed one left it: "+
		"remove it (rm "+lock+")") + "$")
	if !want.MatchString(err.Error()) {
		t.Errorf("err = %q\nwant  %s", err, want)
	}
	if b, err := os.ReadFile(lock); err != nil || string(b) != "someone else's" {
		t.Errorf("the foreign lock was touched: %q %v", b, err)
	}
	before.assertSame(t, takeSnapshot(t, dir, "f.md"))
	os.Remove(lock)
	fsck(t, dir)
}

func TestCommitRefusesWhenRefLocked(t *testing.T) {
	t.Parallel()
	dir := newRepo(t, map[string]string{"f.md": "f\n"})
	lock := filepath.Join(dir, ".git", "refs", "heads", "main.lock")
	if err := os.WriteFile(lock, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	before := takeSnapshot(t, dir, "f.md")
	r := openRepo(t, dir)
	_, err := commitFiles(t, r, "x", map[string]string{"f.md": "changed\n"})
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), lock) {
		t.Fatalf("err = %v, want ErrLocked naming %s", err, lock)
	}
	if _, err := os.Stat(lock); err != nil {
		t.Errorf("the foreign ref lock was removed")
	}
	for _, own := range []string{"index.lock", "HEAD.lock"} {
		if _, err := os.Stat(filepath.Join(dir, ".git", own)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("our %s was left behind", own)
		}
	}
	before.assertSame(t, takeSnapshot(t, dir, "f.md"))
}

func TestCommitRefusesWhenBranchMoved(t *testing.T) {
	t.Parallel()
	dir := newRepo(t, map[string]string{"f.md": "f\n"})
	r := openRepo(t, dir)
	stale, _ := r.Head()
	writeFile(t, dir, "f.md", "theirs\n")
	gitOut(t, dir, "add", "f.md")
	gitOut(t, dir, "commit", "-q", "-m", "somebody else, changing the same file")
	before := takeSnapshot(t, dir, "f.md")
	_, err := r.Commit(CommitRequest{
		Changes: []Change{{Path: "f.md", Content: []byte("mine\n")}},
		Message: "x", Parent: stale.Commit, Author: testSig(), Committer: testSig(),
	})
	if !errors.Is(err, ErrBranchMoved) {
		t.Fatalf("err = %v, want ErrBranchMoved", err)
	}
	short := strings.TrimSpace(gitOut(t, dir, "rev-parse", "--short=7", "HEAD"))
	if want := "the branch main moved while this change was being made (now at " + short + "); run the command again"; err.Error() != want {
		t.Errorf("err = %q\nwant  %q", err, want)
	}
	before.assertSame(t, takeSnapshot(t, dir, "f.md"))
	assertNoLocks(t, filepath.Join(dir, ".git"))

	// A commit meanwhile that leaves our file alone: the change goes on top of it.
	moved, _ := r.Head()
	writeFile(t, dir, "g.md", "g\n")
	gitOut(t, dir, "add", "g.md")
	gitOut(t, dir, "commit", "-q", "-m", "somebody else, another file")
	c, err := r.Commit(CommitRequest{
		Changes: []Change{{Path: "f.md", Content: []byte("mine\n")}},
		Message: "x", Parent: moved.Commit, Author: testSig(), Committer: testSig(),
	})
	if err != nil {
		t.Fatalf("a commit that touched another file stopped ours: %v", err)
	}
	if p := strings.TrimSpace(gitOut(t, dir, "rev-parse", c.String()+"^")); p == moved.Commit.String() {
		t.Errorf("the commit was not put on top of the one made meanwhile")
	}
	assertCommitted(t, dir, map[string]string{"f.md": "mine\n", "g.md": "g\n"})

	// Unborn expected, but the branch exists.
	_, err = r.Commit(CommitRequest{
		Changes: []Change{{Path: "f.md", Content: []byte("mine\n")}},
		Message: "x", Author: testSig(), Committer: testSig(),
	})
	if !errors.Is(err, ErrBranchMoved) {
		t.Fatalf("err = %v, want ErrBranchMoved", err)
	}
}

// The compare-and-swap under <ref>.lock, for a branch that moves after the
// first check.
func TestUpdateBranchCompareAndSwap(t *testing.T) {
	t.Parallel()
	dir := newRepo(t, map[string]string{"f.md": "f\n"})
	r := openRepo(t, dir)
	head, _ := r.Head()
	other := plumbing.NewHash(strings.Repeat("1", 40))
	err := r.updateBranch(head.Ref, other, other, testSig(), "x")
	if !errors.Is(err, ErrBranchMoved) {
		t.Fatalf("err = %v", err)
	}
	err = r.updateBranch("refs/heads/new", other, other, testSig(), "x")
	if !errors.Is(err, ErrBranchMoved) || !strings.Contains(err.Error(), "no longer exists") {
		t.Fatalf("err = %v", err)
	}
	assertNoLocks(t, filepath.Join(dir, ".git"))
	if got := strings.TrimSpace(gitOut(t, dir, "rev-parse", "HEAD")); got != head.Commit.String() {
		t.Errorf("HEAD moved")
	}
	// A packed ref is found and then overridden by the loose one.
	gitOut(t, dir, "pack-refs", "--all", "--prune")
	if _, err := os.Stat(filepath.Join(dir, ".git", "refs", "heads", "main")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("pack-refs left the loose ref")
	}
	h2, _ := r.Head()
	if h2.Commit != head.Commit {
		t.Fatalf("Head from packed-refs = %s", h2.Commit)
	}
	mustCommitFiles(t, r, "on packed", map[string]string{"f.md": "g\n"})
	fsck(t, dir)
	assertCommitted(t, dir, map[string]string{"f.md": "g\n"})
}

func assertNoLocks(t *testing.T, gitDir string) {
	t.Helper()
	filepath.Walk(gitDir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && strings.HasSuffix(p, ".lock") {
			t.Errorf("lock file left behind: %s", p)
		}
		return nil
	})
}

func TestCommitRefusesDetachedHead(t *testing.T) {
	t.Parallel()
	dir := newRepo(t, map[string]string{"f.md": "f\n"})
	gitOut(t, dir, "checkout", "-q", "--detach")
	r := openRepo(t, dir)
	h, err := r.Head()
	if err != nil || !h.Detached || h.Branch != "" || h.Commit.IsZero() {
		t.Fatalf("Head = %+v %v", h, err)
	}
	before := takeSnapshot(t, dir, "f.md")
	_, err = commitFiles(t, r, "x", map[string]string{"f.md": "changed\n"})
	if !errors.Is(err, ErrDetachedHead) || err.Error() != "HEAD is detached; switch to a branch (git switch <branch>) before recording changes" {
		t.Fatalf("err = %v", err)
	}
	before.assertSame(t, takeSnapshot(t, dir, "f.md"))
	assertNoLocks(t, filepath.Join(dir, ".git"))
}

func TestCommitLinkedWorktree(t *testing.T) {
	t.Parallel()
	dir := newRepo(t, map[string]string{"f.md": "f\n", "sub/g.md": "g\n"})
	wt := filepath.Join(t.TempDir(), "wt")
	gitOut(t, dir, "worktree", "add", "-q", "-b", "feature", wt)
	mainHead := gitOut(t, dir, "rev-parse", "main")

	r := openRepo(t, filepath.Join(wt, "sub"))
	if r.Root() != wt {
		t.Errorf("Root = %s, want %s", r.Root(), wt)
	}
	if want := filepath.Join(dir, ".git", "worktrees", "wt"); r.GitDir() != want {
		t.Errorf("GitDir = %s, want %s", r.GitDir(), want)
	}
	if want := filepath.Join(dir, ".git"); r.CommonDir() != want {
		t.Errorf("CommonDir = %s, want %s", r.CommonDir(), want)
	}
	h, _ := r.Head()
	if h.Branch != "feature" {
		t.Fatalf("Head = %+v", h)
	}
	files := map[string]string{"f.md": "feature f\n", "incidents/new.md": "n\n"}
	c := mustCommitFiles(t, r, "on feature", files)
	if got := strings.TrimSpace(gitOut(t, wt, "rev-parse", "feature")); got != c.String() {
		t.Errorf("feature = %s, want %s", got, c)
	}
	if got := gitOut(t, dir, "rev-parse", "main"); got != mainHead {
		t.Errorf("main moved")
	}
	if got := gitOut(t, wt, "status", "--porcelain"); got != "" {
		t.Errorf("worktree status = %q", got)
	}
	if got := gitOut(t, dir, "status", "--porcelain"); got != "" {
		t.Errorf("main status = %q", got)
	}
	if got := readFile(t, dir, "f.md"); got != "f\n" {
		t.Errorf("main working tree touched: %q", got)
	}
	assertCommitted(t, wt, files)
	if got := gitOut(t, wt, "reflog", "-1", "--format=%gs"); got != "commit: on feature\n" {
		t.Errorf("worktree HEAD reflog = %q", got)
	}
	fsck(t, dir)
}

func TestCommitConflictsChangeNothing(t *testing.T) {
	t.Parallel()
	dir := newRepo(t, map[string]string{"file": "f\n", "dir/x.md": "x\n"})
	writeFile(t, dir, "wtdir/inside.txt", "untracked dir\n")
	writeFile(t, dir, "wtfile", "untracked file\n")
	r := openRepo(t, dir)
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"file in commit where a directory is needed", map[string]string{"file/sub.md": "x"}, "file"},
		{"directory in commit where a file goes", map[string]string{"dir": "x"}, "directory"},
		{"directory in working tree where a file goes", map[string]string{"wtdir": "x"}, "directory in the working tree"},
		{"file in working tree where a directory is needed", map[string]string{"wtfile/a.md": "x"}, "is a file in the working tree"},
		{"both a file and a directory", map[string]string{"n/a": "1", "n/a/b": "2"}, "file and a directory"},
		{"inside .git", map[string]string{".git/config": "x"}, "inside .git"},
		{"dot-dot", map[string]string{"a/../b": "x"}, `".."`},
		{"absolute", map[string]string{"/etc/x": "x"}, "relative"},
	} {
		before := takeSnapshot(t, dir, "file", "dir/x.md", "wtfile")
		_, err := commitFiles(t, r, "x", tc.files)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want mention of %q", tc.name, err, tc.want)
		}
		before.assertSame(t, takeSnapshot(t, dir, "file", "dir/x.md", "wtfile"))
		assertNoLocks(t, filepath.Join(dir, ".git"))
	}
	fsck(t, dir)
	if _, err := commitFiles(t, r, "  \n", map[string]string{"a": "x"}); err == nil || !strings.Contains(err.Error(), "message is empty") {
		t.Errorf("empty message: %v", err)
	}
	if _, err := r.Commit(CommitRequest{Changes: []Change{{Path: "a", Content: nil}}, Message: "m"}); !errors.Is(err, ErrNoIdentity) {
		t.Errorf("no identity: %v", err)
	}
}

func TestCommitUnmergedPathIsResolved(t *testing.T) {
	t.Parallel()
	dir := newRepo(t, map[string]string{"c.md": "base\n", "other.md": "o\n"})
	gitOut(t, dir, "checkout", "-q", "-b", "side")
	writeFile(t, dir, "c.md", "side\n")
	gitOut(t, dir, "commit", "-q", "-am", "side")
	gitOut(t, dir, "checkout", "-q", "main")
	writeFile(t, dir, "c.md", "main\n")
	gitOut(t, dir, "commit", "-q", "-am", "main")
	if _, _, err := gitRun(dir, nil, "merge", "-q", "side"); err == nil {
		t.Fatal("expected a conflict")
	}
	if got := gitOut(t, dir, "ls-files", "--stage", "c.md"); strings.Count(got, "\n") != 3 {
		t.Fatalf("setup: %q", got)
	}
	r := openRepo(t, dir)
	st, err := r.FileState("c.md")
	if err != nil || !st.InIndex || !st.IndexDiffers || !st.WorktreeDiffers {
		t.Errorf("FileState of conflict = %+v %v", st, err)
	}
	// Recording a file resolves its conflict, like git add; the merge
	// itself is the user's business (we make a normal commit).
	mustCommitFiles(t, r, "resolve", map[string]string{"c.md": "resolved\n"})
	assertCommitted(t, dir, map[string]string{"c.md": "resolved\n"})
	fsck(t, dir)
}

func TestFileState(t *testing.T) {
	t.Parallel()
	dir := newRepo(t, map[string]string{"clean.md": "c\n", "edited.md": "e\n", "staged.md": "s\n", "deleted.md": "d\n", "rm.md": "r\n"})
	writeFile(t, dir, "edited.md", "e2\n")
	writeFile(t, dir, "staged.md", "s2\n")
	gitOut(t, dir, "add", "staged.md")
	os.Remove(filepath.Join(dir, "deleted.md"))
	gitOut(t, dir, "rm", "-q", "--cached", "rm.md")
	writeFile(t, dir, "new.md", "n\n")
	writeFile(t, dir, "added.md", "a\n")
	gitOut(t, dir, "add", "added.md")
	r := openRepo(t, dir)
	for path, want := range map[string]FileState{
		"clean.md":   {AtHead: true, InIndex: true, InWorktree: true},
		"edited.md":  {AtHead: true, InIndex: true, InWorktree: true, WorktreeDiffers: true},
		"staged.md":  {AtHead: true, InIndex: true, InWorktree: true, IndexDiffers: true, WorktreeDiffers: true},
		"deleted.md": {AtHead: true, InIndex: true, WorktreeDiffers: true},
		"rm.md":      {AtHead: true, InWorktree: true, IndexDiffers: true},
		"new.md":     {InWorktree: true, WorktreeDiffers: true},
		"added.md":   {InIndex: true, InWorktree: true, IndexDiffers: true, WorktreeDiffers: true},
		"nothing.md": {},
		"clean.md/x": {},
	} {
		got, err := r.FileState(path)
		if err != nil || got != want {
			t.Errorf("FileState(%s) = %+v, %v; want %+v", path, got, err, want)
		}
	}
	// Version 4 index: same answers through go-git's decoder.
	gitOut(t, dir, "update-index", "--index-version", "4")
	if got, err := r.FileState("staged.md"); err != nil || got != (FileState{AtHead: true, InIndex: true, InWorktree: true, IndexDiffers: true, WorktreeDiffers: true}) {
		t.Errorf("v4 FileState = %+v %v", got, err)
	}
}

func TestBlobHash(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []string{"", "hello\n", strings.Repeat("x", 10000)} {
		want := strings.TrimSpace(gitOutStdin(t, dir, []byte(c), "hash-object", "--stdin"))
		if got := BlobHash([]byte(c)).String(); got != want {
			t.Errorf("BlobHash(%d bytes) = %s, want %s", len(c), got, want)
		}
	}
}
