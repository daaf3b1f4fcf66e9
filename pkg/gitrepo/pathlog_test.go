package gitrepo

import (
	"errors"
	"os/exec"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// commitAt commits with git at a fixed date, so the walk order is known.
func commitAt(t *testing.T, dir, date, msg string, files map[string]string) string {
	t.Helper()
	for p, c := range files {
		writeFile(t, dir, p, c)
	}
	gitOut(t, dir, "add", "-A")
	_, errOut, err := gitRunEnv(dir, []string{"GIT_AUTHOR_DATE=" + date, "GIT_COMMITTER_DATE=" + date}, "commit", "-q", "--allow-empty", "-m", msg)
	if err != nil {
		t.Fatalf("git commit: %v\n%s", err, errOut)
	}
	return strings.TrimSpace(gitOut(t, dir, "rev-parse", "HEAD"))
}

func gitRunEnv(dir string, env []string, args ...string) (string, string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(gitEnv(), env...)
	var o, e strings.Builder
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	return o.String(), e.String(), err
}

func subjects(cs []LogCommit) string {
	var s []string
	for _, c := range cs {
		s = append(s, c.Subject())
	}
	return strings.Join(s, ", ")
}

// TestPathLogMatchesGit compares PathLog with `git log --no-merges <range> -- <path>` on a
// history with a side branch merged back.
func TestPathLogMatchesGit(t *testing.T) {
	dir := newRepo(t, nil)
	commitAt(t, dir, "2026-01-01T10:00:00Z", "root", map[string]string{"templates/a.md": "1", "other.txt": "x"})
	commitAt(t, dir, "2026-01-02T10:00:00Z", "unrelated", map[string]string{"other.txt": "y"})
	base := commitAt(t, dir, "2026-01-03T10:00:00Z", "flow one", map[string]string{"templates/a.md": "2"})
	gitOut(t, dir, "switch", "-q", "-c", "side")
	commitAt(t, dir, "2026-01-04T10:00:00Z", "side flow", map[string]string{"templates/b.md": "b"})
	commitAt(t, dir, "2026-01-05T10:00:00Z", "side other", map[string]string{"other.txt": "z"})
	gitOut(t, dir, "switch", "-q", "main")
	commitAt(t, dir, "2026-01-06T10:00:00Z", "main flow", map[string]string{"templates/a.md": "3"})
	_, errOut, err := gitRunEnv(dir, []string{"GIT_AUTHOR_DATE=2026-01-07T10:00:00Z", "GIT_COMMITTER_DATE=2026-01-07T10:00:00Z"}, "merge", "-q", "--no-edit", "side")
	if err != nil {
		t.Fatalf("merge: %v\n%s", err, errOut)
	}
	r := openRepo(t, dir)
	h, _ := r.Head()
	for _, tc := range []struct {
		stop []string
		rng  string
	}{{nil, "HEAD"}, {[]string{base}, base + "..HEAD"}} {
		var stop []plumbing.Hash
		for _, s := range tc.stop {
			stop = append(stop, plumbing.NewHash(s))
		}
		got, err := r.PathLog(h.Commit, stop, []string{"templates"})
		if err != nil {
			t.Fatal(err)
		}
		want := strings.ReplaceAll(strings.TrimSpace(gitOut(t, dir, "log", "--no-merges", "--format=%s", tc.rng, "--", "templates")), "\n", ", ")
		if subjects(got) != want {
			t.Errorf("PathLog(%s) = %s; git log says %s", tc.rng, subjects(got), want)
		}
	}
	all, err := r.PathLog(h.Commit, []plumbing.Hash{plumbing.NewHash(base)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.ReplaceAll(strings.TrimSpace(gitOut(t, dir, "log", "--format=%s", base+"..HEAD")), "\n", ", ")
	if subjects(all) != want {
		t.Errorf("PathLog without prefixes = %s; git log says %s", subjects(all), want)
	}
	got, err := r.PathLog(h.Commit, nil, []string{"templates"})
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Author.Name != "Test User" || got[0].Author.When.IsZero() || got[0].Message != "main flow\n" {
		t.Errorf("first commit: %+v", got[0])
	}
}

func TestPathLogMergeResolution(t *testing.T) {
	// A merge that changes the flow itself (a conflict resolved by hand) is listed.
	dir := newRepo(t, nil)
	commitAt(t, dir, "2026-01-01T10:00:00Z", "root", map[string]string{"templates/a.md": "1\n"})
	gitOut(t, dir, "switch", "-q", "-c", "side")
	commitAt(t, dir, "2026-01-02T10:00:00Z", "side", map[string]string{"templates/a.md": "side\n"})
	gitOut(t, dir, "switch", "-q", "main")
	commitAt(t, dir, "2026-01-03T10:00:00Z", "main", map[string]string{"templates/a.md": "main\n"})
	gitRunEnv(dir, nil, "merge", "-q", "side") // conflicts
	writeFile(t, dir, "templates/a.md", "both\n")
	commitAt(t, dir, "2026-01-04T10:00:00Z", "merge both", nil)
	r := openRepo(t, dir)
	h, _ := r.Head()
	got, err := r.PathLog(h.Commit, nil, []string{"templates/a.md"})
	if err != nil {
		t.Fatal(err)
	}
	if s := subjects(got); s != "merge both, main, side, root" {
		t.Errorf("PathLog = %s", s)
	}
}

func TestPathLogBadPrefix(t *testing.T) {
	dir := newRepo(t, map[string]string{"a": "1"})
	r := openRepo(t, dir)
	h, _ := r.Head()
	if _, err := r.PathLog(h.Commit, nil, []string{"../x"}); err == nil {
		t.Error("PathLog accepted ../x")
	}
}

func TestReadBlobAndBlobAt(t *testing.T) {
	dir := newRepo(t, map[string]string{"templates/a.md": "one\n"})
	r := openRepo(t, dir)
	h, _ := r.Head()
	blob, found, err := r.BlobAt(h.Commit, "templates/a.md")
	if err != nil || !found || blob != BlobHash([]byte("one\n")) {
		t.Fatalf("BlobAt = %s %v %v", blob, found, err)
	}
	if _, found, _ := r.BlobAt(h.Commit, "templates"); found {
		t.Error("BlobAt found a folder")
	}
	b, err := r.ReadBlob(blob)
	if err != nil || string(b) != "one\n" {
		t.Fatalf("ReadBlob = %q %v", b, err)
	}
	if _, err := r.ReadBlob(BlobHash([]byte("never written"))); err == nil {
		t.Error("ReadBlob of a missing blob did not fail")
	}
}

func TestCommitOnNewBranchLeavesEverythingElse(t *testing.T) {
	dir := newRepo(t, map[string]string{"templates/a.md": "1\n", "templates/gone.md": "x\n", "notes.txt": "n\n"})
	// The user's state: a change under templates/ (what is proposed), another change staged,
	// an untracked file.
	writeFile(t, dir, "templates/a.md", "2\n")
	writeFile(t, dir, "notes.txt", "edited\n")
	gitOut(t, dir, "add", "notes.txt")
	writeFile(t, dir, "scratch.txt", "s\n")
	before := takeSnapshot(t, dir, "templates/a.md", "notes.txt", "scratch.txt")
	r := openRepo(t, dir)
	h, _ := r.Head()
	commit, err := r.CommitOnNewBranch(BranchCommitRequest{
		Branch: "flow/261123-k7xqm-checkout", Base: h.Commit,
		Files: []BranchFile{
			{Path: "templates/a.md", Content: []byte("2\n")},
			{Path: "templates/new.sh", Content: []byte("#!/bin/sh\n"), Executable: true},
			{Path: "templates/gone.md", Delete: true},
		},
		Message: "flow: change\n\nIncident: 261123-k7xqm\n", Author: testSig(), Committer: testSig(),
	})
	if err != nil {
		t.Fatal(err)
	}
	before.assertSame(t, takeSnapshot(t, dir, "templates/a.md", "notes.txt", "scratch.txt"))
	if got := strings.TrimSpace(gitOut(t, dir, "rev-parse", "flow/261123-k7xqm-checkout")); got != commit.String() {
		t.Errorf("branch at %s, want %s", got, commit)
	}
	if got := gitOut(t, dir, "ls-tree", "-r", "--format=%(objectmode) %(path)", "flow/261123-k7xqm-checkout"); got != "100644 notes.txt\n100644 templates/a.md\n100755 templates/new.sh\n" {
		t.Errorf("tree:\n%s", got)
	}
	if got := gitOut(t, dir, "show", "flow/261123-k7xqm-checkout:templates/a.md"); got != "2\n" {
		t.Errorf("a.md = %q", got)
	}
	if got := gitOut(t, dir, "log", "-1", "--format=%(trailers:key=Incident,valueonly)", "flow/261123-k7xqm-checkout"); strings.TrimSpace(got) != "261123-k7xqm" {
		t.Errorf("trailer = %q", got)
	}
	if got := gitOut(t, dir, "rev-parse", "flow/261123-k7xqm-checkout~1"); strings.TrimSpace(got) != h.Commit.String() {
		t.Errorf("parent = %s", got)
	}
	if !strings.Contains(gitOut(t, dir, "reflog", "show", "flow/261123-k7xqm-checkout"), "commit: flow: change") {
		t.Error("no reflog entry for the new branch")
	}
	if strings.Contains(gitOut(t, dir, "reflog", "show", "HEAD"), "flow: change") {
		t.Error("HEAD's reflog records a commit HEAD never had")
	}
	fsck(t, dir)

	// A second time: the branch exists, nothing is written.
	_, err = r.CommitOnNewBranch(BranchCommitRequest{
		Branch: "flow/261123-k7xqm-checkout", Base: h.Commit,
		Files: []BranchFile{{Path: "templates/a.md", Content: []byte("3\n")}}, Message: "again",
		Author: testSig(), Committer: testSig(),
	})
	if !errors.Is(err, ErrBranchExists) {
		t.Errorf("second commit: %v, want ErrBranchExists", err)
	}
	if got := strings.TrimSpace(gitOut(t, dir, "rev-parse", "flow/261123-k7xqm-checkout")); got != commit.String() {
		t.Errorf("branch moved to %s", got)
	}
	if ok, err := r.BranchExists("flow/261123-k7xqm-checkout"); !ok || err != nil {
		t.Errorf("BranchExists = %v %v", ok, err)
	}
}

func TestCheckBranchNameAgreesWithGit(t *testing.T) {
	dir := newRepo(t, nil)
	for _, name := range []string{
		"flow/261123-k7xqm-checkout", "main", "a.b", "x/y/z",
		"", "-x", "a..b", "a b", "a~b", "a^b", "a:b", "a?b", "a*b", "a[b", `a\b`, "a/", "a.", "a//b",
		".a", "a/.b", "a.lock", "a/b.lock", "a@{b",
	} {
		_, _, err := gitRun(dir, nil, "check-ref-format", "--branch", name)
		ours := CheckBranchName(name)
		if (err == nil) != (ours == nil) {
			t.Errorf("%q: git says ok=%v, CheckBranchName says %v", name, err == nil, ours)
		}
	}
}

func TestCommitOnNewBranchRefusesBadInput(t *testing.T) {
	dir := newRepo(t, map[string]string{"a": "1"})
	r := openRepo(t, dir)
	h, _ := r.Head()
	for i, req := range []BranchCommitRequest{
		{Branch: "bad name", Files: []BranchFile{{Path: "a", Content: []byte("x")}}, Message: "m"},
		{Branch: "ok", Message: "m"},
		{Branch: "ok", Files: []BranchFile{{Path: "../a"}}, Message: "m"},
		{Branch: "ok", Files: []BranchFile{{Path: "a"}, {Path: "a"}}, Message: "m"},
		{Branch: "ok", Files: []BranchFile{{Path: "a"}}, Message: " "},
	} {
		req.Base, req.Author, req.Committer = h.Commit, testSig(), testSig()
		if _, err := r.CommitOnNewBranch(req); err == nil {
			t.Errorf("request %d accepted", i)
		}
		if ok, _ := r.BranchExists("ok"); ok {
			t.Fatalf("request %d created the branch", i)
		}
	}
}

func TestIgnoredAgreesWithGit(t *testing.T) {
	dir := newRepo(t, map[string]string{
		".gitignore":           "*.swp\nbuild/\n!keep.swp\n",
		"templates/.gitignore": "*~\n/local.md\n",
		"templates/a.md":       "a",
	})
	writeFile(t, dir, ".git/info/exclude", "scratch*\n")
	r := openRepo(t, dir)
	for _, p := range []string{
		"templates/a.md", "templates/a.md~", "templates/.a.md.swp", "templates/keep.swp", "templates/local.md",
		"templates/sub/local.md", "templates/build/x.md", "scratch.txt", "templates/scratch-notes.md", "other.md",
	} {
		got, err := r.Ignored(p)
		if err != nil {
			t.Fatal(err)
		}
		want := gitOK(dir, "check-ignore", "-q", "--no-index", p)
		if got != want {
			t.Errorf("Ignored(%s) = %v; git check-ignore says %v", p, got, want)
		}
	}
}
