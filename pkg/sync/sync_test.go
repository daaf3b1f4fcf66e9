package sync

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/incidentctl/incidentctl/pkg/gitrepo"
	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/merge"
	"github.com/incidentctl/incidentctl/pkg/scaffold"
)

// The tests build real repositories with the git CLI: a bare remote and clones of it.

func TestMain(m *testing.M) {
	home, err := os.MkdirTemp("", "sync-home-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for _, k := range []string{"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL",
		"GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM", "XDG_CONFIG_HOME", "EMAIL"} {
		os.Unsetenv(k)
	}
	os.Setenv("HOME", home)
	os.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	os.WriteFile(filepath.Join(home, ".gitconfig"), []byte("[user]\n\tname = Alice Example\n\temail = alice@example.com\n[init]\n\tdefaultBranch = main\n"), 0o644)
	code := m.Run()
	os.RemoveAll(home)
	os.Exit(code)
}

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("git %s (in %s): %v\n%s%s", strings.Join(args, " "), dir, err, out.String(), errOut.String())
	}
	return out.String()
}

func write(t *testing.T, dir, path, content string) {
	t.Helper()
	full := filepath.Join(dir, filepath.FromSlash(path))
	if err := os.MkdirAll(filepath.Dir(full), 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, dir, path string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(path)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var jst = time.FixedZone("", 9*3600)

const docPath = "incidents/2026/11/261123-k7xqm-checkout.md"

func baseDoc(t *testing.T) *incident.Document {
	t.Helper()
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, jst)
	m := incident.Meta{ID: "261123-k7xqm", Title: "Checkout fails", Severity: "SEV2", Status: "investigating",
		Commander: "alice", DeclaredAt: at, Template: "x"}
	d, err := incident.New(docPath, m, "- [ ] one\n- [ ] two\n", incident.LogEntry{At: at, Author: "alice", Text: "Declared SEV2: Checkout fails"})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func logged(t *testing.T, src string, hhmm, text string) string {
	t.Helper()
	d, err := incident.Parse(docPath, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	at, _ := time.ParseInLocation("2006-01-02 15:04", "2026-11-23 "+hhmm, jst)
	if d, err = d.AppendLog(incident.LogEntry{At: at, Author: "bob", Text: text}); err != nil {
		t.Fatal(err)
	}
	if d, err = d.RefreshStatus(); err != nil {
		t.Fatal(err)
	}
	return string(d.Src)
}

// setup: a bare remote holding the base document and two clones.
func setup(t *testing.T) (remote, a, b string) {
	t.Helper()
	root := t.TempDir()
	remote = filepath.Join(root, "remote.git")
	git(t, root, "init", "-q", "--bare", remote)
	seed := filepath.Join(root, "seed")
	git(t, root, "clone", "-q", remote, seed)
	write(t, seed, docPath, string(baseDoc(t).Src))
	write(t, seed, "notes.txt", "notes\n")
	git(t, seed, "add", "-A")
	git(t, seed, "commit", "-q", "-m", "base")
	git(t, seed, "push", "-q", "origin", "main")
	a, b = filepath.Join(root, "a"), filepath.Join(root, "b")
	git(t, root, "clone", "-q", remote, a)
	git(t, root, "clone", "-q", remote, b)
	return remote, a, b
}

func commitAll(t *testing.T, dir, msg string) {
	t.Helper()
	git(t, dir, "add", "-A")
	git(t, dir, "commit", "-q", "-m", msg)
}

func open(t *testing.T, dir string) *gitrepo.Repo {
	t.Helper()
	r, err := gitrepo.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func run(t *testing.T, dir string, opts Options) (*Result, error) {
	t.Helper()
	opts.IncidentsDir = "incidents"
	if opts.sleep == nil {
		opts.sleep = func(time.Duration) {}
	}
	return Run(open(t, dir), opts)
}

func head(t *testing.T, dir string) string {
	return strings.TrimSpace(git(t, dir, "rev-parse", "HEAD"))
}

func TestSyncMergesAndPushesAfterALostRace(t *testing.T) {
	t.Parallel()
	remote, a, b := setup(t)
	write(t, a, docPath, logged(t, read(t, a, docPath), "10:05", "from a"))
	commitAll(t, a, "a logs")
	mine := head(t, a)

	// b wins the race between a's fetch and a's push, twice.
	races := 0
	var slept []time.Duration
	res, err := run(t, a, Options{
		beforePush: func() {
			if races == 2 {
				return
			}
			races++
			write(t, b, docPath, logged(t, read(t, b, docPath), fmt.Sprintf("10:1%d", races), fmt.Sprintf("from b %d", races)))
			commitAll(t, b, "b logs")
			git(t, b, "push", "-q", "origin", "main")
		},
		sleep: func(d time.Duration) { slept = append(slept, d) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Attempts != 3 || len(slept) != 2 || !res.Pushed || res.Merges != 2 {
		t.Errorf("result %+v, slept %v", res, slept)
	}
	for _, d := range slept {
		if d <= 0 || d > time.Second {
			t.Errorf("backoff %s out of range", d)
		}
	}
	if got := strings.TrimSpace(git(t, remote, "rev-parse", "main")); got != head(t, a) {
		t.Errorf("remote main = %s, local %s", got, head(t, a))
	}
	git(t, a, "merge-base", "--is-ancestor", mine, "HEAD") // the local commit is in
	doc := git(t, remote, "show", "main:"+docPath)
	for _, e := range []string{"] from a\n", "] from b 1\n", "] from b 2\n", "] Declared SEV2"} {
		if strings.Count(doc, e) != 1 {
			t.Errorf("%q appears %d times in\n%s", e, strings.Count(doc, e), doc)
		}
	}
	if read(t, a, docPath) != doc {
		t.Error("the working tree does not hold the merged document")
	}
	if got := git(t, a, "status", "--porcelain"); got != "" {
		t.Errorf("status %q", got)
	}
	if got := git(t, a, "log", "-1", "--format=%s"); got != "Merge origin/main: 1 incident merged\n" {
		t.Errorf("merge subject %q", got)
	}
	git(t, a, "fsck", "--strict", "--no-progress")

	// b syncs: a fast-forward, then nothing to do.
	res, err = run(t, b, Options{})
	if err != nil || res.FastForwards != 1 || res.Pushed || head(t, b) != head(t, a) {
		t.Fatalf("b: %+v %v", res, err)
	}
	res, err = run(t, b, Options{})
	if err != nil || !res.InSync() {
		t.Fatalf("b again: %+v %v", res, err)
	}
}

func TestSyncGivesUpWhenTheRemoteKeepsMoving(t *testing.T) {
	t.Parallel()
	_, a, b := setup(t)
	write(t, a, "notes.txt", "mine\n")
	commitAll(t, a, "a")
	mine := head(t, a)
	n := 0
	_, err := run(t, a, Options{Attempts: 3, beforePush: func() {
		n++
		write(t, b, fmt.Sprintf("other-%d.txt", n), "x\n")
		commitAll(t, b, "b")
		git(t, b, "push", "-q", "origin", "main")
	}})
	if err == nil || !strings.Contains(err.Error(), "origin/main kept moving: the push was rejected 3 times") {
		t.Fatalf("err = %v", err)
	}
	git(t, a, "merge-base", "--is-ancestor", mine, "HEAD")
}

func TestSyncConflicts(t *testing.T) {
	t.Parallel()
	t.Run("prose", func(t *testing.T) {
		t.Parallel()
		_, a, b := setup(t)
		edit := func(dir, text string) {
			src := strings.Replace(read(t, dir, docPath), "- [ ] two", "- [ ] two "+text, 1)
			write(t, dir, docPath, src)
			commitAll(t, dir, text)
		}
		edit(b, "(theirs)")
		git(t, b, "push", "-q", "origin", "main")
		edit(a, "(ours)")
		mine := head(t, a)
		before := read(t, a, docPath)
		_, err := run(t, a, Options{})
		var ce *ConflictError
		var mc *merge.Conflict
		if !errors.As(err, &ce) || !errors.As(err, &mc) {
			t.Fatalf("err = %v", err)
		}
		msg := err.Error()
		for _, want := range []string{docPath + `: both sides changed the same text in section "Action list"`,
			"your commits stay on main (git log origin/main..main lists them)", "git show origin/main:<file>"} {
			if !strings.Contains(msg, want) {
				t.Errorf("message lacks %q:\n%s", want, msg)
			}
		}
		if head(t, a) != mine || read(t, a, docPath) != before || git(t, a, "status", "--porcelain") != "" {
			t.Error("a conflict changed the clone")
		}
		// The advice works: take their text, sync, and nothing is lost.
		write(t, a, docPath, strings.Replace(read(t, a, docPath), "(ours)", "(theirs)", 1))
		commitAll(t, a, "take theirs")
		if _, err := run(t, a, Options{}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("other file", func(t *testing.T) {
		t.Parallel()
		_, a, b := setup(t)
		write(t, b, "notes.txt", "theirs\n")
		commitAll(t, b, "b")
		git(t, b, "push", "-q", "origin", "main")
		write(t, a, "notes.txt", "ours\n")
		commitAll(t, a, "a")
		_, err := run(t, a, Options{})
		if err == nil || !strings.Contains(err.Error(), "notes.txt: changed on both sides; only incident documents (incidents/**/*.md) are merged automatically") ||
			!strings.Contains(err.Error(), "git merge origin/main, fix the file, git commit, then incidentctl sync") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("uncommitted work in the way", func(t *testing.T) {
		t.Parallel()
		_, a, b := setup(t)
		write(t, b, "notes.txt", "theirs\n")
		commitAll(t, b, "b")
		git(t, b, "push", "-q", "origin", "main")
		write(t, a, "notes.txt", "my work in progress\n")
		_, err := run(t, a, Options{})
		if err == nil || !strings.Contains(err.Error(), "the incoming changes touch notes.txt, which has uncommitted changes here") {
			t.Fatalf("err = %v", err)
		}
		if read(t, a, "notes.txt") != "my work in progress\n" {
			t.Error("work in progress overwritten")
		}
	})
}

func TestSyncUnreachable(t *testing.T) {
	t.Parallel()
	remote, a, _ := setup(t)
	write(t, a, "notes.txt", "offline work\n")
	commitAll(t, a, "offline")
	mine := head(t, a)
	moved := remote + ".away"
	if err := os.Rename(remote, moved); err != nil {
		t.Fatal(err)
	}
	_, err := run(t, a, Options{})
	var u *UnreachableError
	if !errors.As(err, &u) || !strings.Contains(err.Error(), "cannot reach origin") {
		t.Fatalf("err = %v", err)
	}
	if head(t, a) != mine {
		t.Error("the local commit moved")
	}
	os.Rename(moved, remote)
	res, err := run(t, a, Options{})
	if err != nil || !res.Pushed {
		t.Fatalf("after reconnecting: %+v %v", res, err)
	}
	if got := git(t, remote, "show", "main:notes.txt"); got != "offline work\n" {
		t.Errorf("remote notes.txt = %q", got)
	}

	// No such remote at all.
	_, err = run(t, a, Options{Remote: "upstream"})
	if !errors.As(err, &u) || !strings.Contains(err.Error(), `no remote named "upstream"`) {
		t.Errorf("err = %v", err)
	}
}

func TestMergeFilesMatchesSync(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	base := string(baseDoc(t).Src)
	ours := logged(t, base, "10:05", "ours")
	theirs := logged(t, base, "10:04", "theirs")
	for name, c := range map[string]string{"O": base, "A": ours, "B": theirs} {
		write(t, dir, name, c)
	}
	if err := MergeFiles(filepath.Join(dir, "O"), filepath.Join(dir, "A"), filepath.Join(dir, "B"), docPath); err != nil {
		t.Fatal(err)
	}
	want, err := merge.Documents(docPath, []byte(base), []byte(ours), []byte(theirs))
	if err != nil {
		t.Fatal(err)
	}
	if got := read(t, dir, "A"); got != string(want) {
		t.Errorf("driver result differs from merge.Documents:\n%s\n---\n%s", got, want)
	}
	// A conflict leaves ours alone.
	write(t, dir, "A", strings.Replace(base, "- [ ] two", "- [ ] two (a)", 1))
	write(t, dir, "B", strings.Replace(base, "- [ ] two", "- [ ] two (b)", 1))
	before := read(t, dir, "A")
	err = MergeFiles(filepath.Join(dir, "O"), filepath.Join(dir, "A"), filepath.Join(dir, "B"), docPath)
	if err == nil || !strings.Contains(err.Error(), "git merge --abort") || read(t, dir, "A") != before {
		t.Errorf("conflict: %v", err)
	}
}

func TestSyncWaitsForALockHeldByAnotherCommand(t *testing.T) {
	t.Parallel()
	_, a, b := setup(t)
	write(t, b, "notes.txt", "theirs\n")
	commitAll(t, b, "b")
	git(t, b, "push", "-q", "origin", "main")
	lock := filepath.Join(a, ".git", "index.lock")
	write(t, a, ".git/index.lock", "")
	waits := 0
	res, err := run(t, a, Options{sleep: func(time.Duration) {
		if waits++; waits == 2 {
			os.Remove(lock) // the other command finishes
		}
	}})
	if err != nil || res.FastForwards != 1 || waits != 2 {
		t.Fatalf("%+v %v (waited %d times)", res, err, waits)
	}
	// A lock that stays: a clear error in the end.
	write(t, b, "notes.txt", "theirs again\n")
	commitAll(t, b, "b2")
	git(t, b, "push", "-q", "origin", "main")
	write(t, a, ".git/index.lock", "")
	_, err = run(t, a, Options{Attempts: 3})
	if !errors.Is(err, gitrepo.ErrLocked) || !strings.Contains(err.Error(), "index.lock exists") {
		t.Fatalf("err = %v", err)
	}
}

func TestDriverNameMatchesTheScaffold(t *testing.T) {
	if scaffold.MergeDriver != DriverName {
		t.Errorf(".gitattributes names the driver %q, the config registers %q", scaffold.MergeDriver, DriverName)
	}
}

func TestSyncOverFileURL(t *testing.T) {
	t.Parallel()
	remote, a, b := setup(t)
	for _, dir := range []string{a, b} {
		git(t, dir, "remote", "set-url", "origin", "file://"+filepath.ToSlash(remote))
	}
	write(t, b, docPath, logged(t, read(t, b, docPath), "10:03", "from b"))
	commitAll(t, b, "b")
	if _, err := run(t, b, Options{}); err != nil {
		t.Fatal(err)
	}
	write(t, a, docPath, logged(t, read(t, a, docPath), "10:04", "from a"))
	commitAll(t, a, "a")
	res, err := run(t, a, Options{})
	if err != nil || res.Merges != 1 || !res.Pushed {
		t.Fatalf("%+v %v", res, err)
	}
	doc := git(t, remote, "show", "main:"+docPath)
	if strings.Count(doc, "] from a\n") != 1 || strings.Count(doc, "] from b\n") != 1 {
		t.Errorf("remote document:\n%s", doc)
	}
	git(t, remote, "fsck", "--strict", "--no-progress")
}

func TestSyncRelativeRemoteFromASubfolder(t *testing.T) {
	t.Parallel()
	remote, a, _ := setup(t)
	rel, err := filepath.Rel(a, remote)
	if err != nil {
		t.Fatal(err)
	}
	git(t, a, "remote", "set-url", "origin", rel)
	write(t, a, "notes.txt", "from a subfolder\n")
	commitAll(t, a, "a")
	// Opened from a subfolder, and the test runs in yet another directory: the relative URL is
	// resolved from the top of the working tree, as git does.
	r, err := gitrepo.Open(filepath.Join(a, "incidents", "2026"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	res, err := Run(r, Options{IncidentsDir: "incidents", sleep: func(time.Duration) {}})
	if err != nil || !res.Pushed {
		t.Fatalf("%+v %v", res, err)
	}
}
