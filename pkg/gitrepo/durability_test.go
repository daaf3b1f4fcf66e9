package gitrepo

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/owner"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/lockfile"
)

// A lock file a dead incidentctl left (its mark names a process that is gone) is cleared by
// the next change; a lock git holds is waited for, then named with every other held lock.
func TestStaleLocksOfADeadIncidentctlAreCleared(t *testing.T) {
	t.Parallel()
	dir := newRepo(t, map[string]string{"f.md": "f\n"})
	gitDir := filepath.Join(dir, ".git")
	// A process that has exited: its pid names nobody (or somebody else, started later).
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	dead := owner.Self()
	dead.PID, dead.Start = cmd.Process.Pid, dead.Start+1
	marks := filepath.Join(gitDir, "incidentctl", "locks")
	if err := os.MkdirAll(marks, 0o777); err != nil {
		t.Fatal(err)
	}
	for _, lock := range []string{"index.lock", "HEAD.lock", "refs/heads/main.lock"} {
		path := filepath.Join(gitDir, lock)
		mark := filepath.Join(marks, fmt.Sprintf("%s.%s.1", lockTag(t, path), dead.Token()))
		if err := os.WriteFile(mark, []byte("half-written"), 0o666); err != nil {
			t.Fatal(err)
		}
		if err := os.Link(mark, path); err != nil {
			t.Fatal(err)
		}
	}
	r := openRepo(t, dir)
	mustCommitFiles(t, r, "after a crash", map[string]string{"f.md": "g\n"})
	assertCommitted(t, dir, map[string]string{"f.md": "g\n"})
	assertNoLocks(t, gitDir)
	if des, _ := os.ReadDir(marks); len(des) != 0 {
		t.Errorf("marks left: %v", des)
	}
}

// lockTag is the mark prefix lockfile uses for a lock path.
func lockTag(t *testing.T, lockPath string) string { return lockfile.Tag(lockPath) }

func TestHeldLocksAreNamedAtOnce(t *testing.T) {
	t.Parallel()
	dir := newRepo(t, map[string]string{"f.md": "f\n"})
	for _, lock := range []string{"index.lock", "refs/heads/main.lock"} {
		if err := os.WriteFile(filepath.Join(dir, ".git", lock), nil, 0o666); err != nil {
			t.Fatal(err)
		}
	}
	before := takeSnapshot(t, dir, "f.md")
	r := openRepo(t, dir)
	_, err := commitFiles(t, r, "x", map[string]string{"f.md": "changed\n"})
	var held *lockfile.HeldError
	if !errors.As(err, &held) || !errors.Is(err, ErrLocked) || len(held.Locks) != 2 {
		t.Fatalf("err = %v, want both locks named", err)
	}
	for _, want := range []string{"index.lock", "main.lock", "rm "} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the message does not name %q: %v", want, err)
		}
	}
	before.assertSame(t, takeSnapshot(t, dir, "f.md"))
}

// A change killed after the branch moved and before the index was published leaves HEAD
// ahead of the index; the journal it wrote lets Open complete it: the index entry is brought
// to HEAD, nothing shows as staged or modified, and the entry is kept.
func TestOpenCompletesAnInterruptedCommit(t *testing.T) {
	t.Parallel()
	dir := newRepo(t, map[string]string{"incidents/a.md": "one\n"})
	r := openRepo(t, dir)
	parent := headOf(t, r)
	// What the killed process did: objects, journal, working tree, branch; not the index.
	c, err := commitFiles(t, r, "log: two", map[string]string{"incidents/a.md": "one\ntwo\n"})
	if err != nil {
		t.Fatal(err)
	}
	gitOut(t, dir, "update-ref", "refs/heads/main", parent.String()) // as before the change
	gitOut(t, dir, "read-tree", parent.String())                     // the old index
	j := &journal{Step: "commit", Ref: "refs/heads/main", From: parent.String(), To: c.String(), Reflog: "commit: log: two",
		Edits: []journalEntry{{Path: "incidents/a.md", OldHash: BlobHash([]byte("one\n")).String(), OldMode: 0o100644,
			NewHash: BlobHash([]byte("one\ntwo\n")).String(), NewMode: 0o100644}}}
	r.writeJournal(j)
	b, _ := os.ReadFile(r.journalPath())
	dead := exec.Command("true")
	dead.Run()
	id := owner.Self()
	id.PID = dead.Process.Pid
	os.WriteFile(r.journalPath(), []byte(strings.Replace(string(b), owner.Self().Token(), id.Token(), 1)), 0o666)
	if st := gitOut(t, dir, "status", "--porcelain"); st == "" {
		t.Fatal("the fixture is not an interrupted change")
	}

	r2 := openRepo(t, dir)
	if notes := r2.Notes(); len(notes) != 1 || !strings.Contains(notes[0], "completed an interrupted commit") {
		t.Errorf("notes = %q", notes)
	}
	if got := headOf(t, r2); got != c {
		t.Errorf("HEAD = %s, want the interrupted commit %s", got, c)
	}
	assertCommitted(t, dir, map[string]string{"incidents/a.md": "one\ntwo\n"})
	if st := gitOut(t, dir, "status", "--porcelain"); st != "" {
		t.Errorf("status after recovery: %q", st)
	}
	fsck(t, dir)
}

// A remote-tracking ref left empty (go-git, or another tool, truncates refs in place) is
// repaired by the next fetch; a lock file of a git command under refs/ does not stop it.
func TestFetchRepairsAnEmptyTrackingRef(t *testing.T) {
	t.Parallel()
	_, a, b := twoClones(t, map[string]string{"f.md": "f\n"})
	writeFile(t, b, "g.md", "g\n")
	want := gitCommitPush(t, b, "theirs")
	tracking := filepath.Join(a, ".git", "refs", "remotes", "origin", "main")
	if err := os.WriteFile(tracking, nil, 0o666); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(a, ".git", "refs", "heads", "other.lock"), nil, 0o666); err != nil {
		t.Fatal(err)
	}
	r := openRepo(t, a)
	if tip := fetchMain(t, r); tip.String() != want {
		t.Errorf("fetched %s, want %s", tip, want)
	}
	if got := strings.TrimSpace(gitOut(t, a, "rev-parse", "origin/main")); got != want {
		t.Errorf("origin/main = %s, want %s", got, want)
	}
	os.Remove(filepath.Join(a, ".git", "refs", "heads", "other.lock"))
	fsck(t, a)
}

// core.sharedRepository=group: new objects, their folders, refs and the index get the modes git
// would give them.
func TestSharedRepositoryModes(t *testing.T) {
	t.Parallel()
	dir := newRepo(t, map[string]string{"f.md": "f\n"})
	gitOut(t, dir, "config", "core.sharedRepository", "group")
	r := openRepo(t, dir)
	c := mustCommitFiles(t, r, "shared", map[string]string{"new/dir/x.md": "x\n"})
	obj := filepath.Join(dir, ".git", "objects", c.String()[:2])
	fi, err := os.Stat(obj)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode()&os.ModeSetgid == 0 || fi.Mode().Perm()&0o070 != 0o070 {
		t.Errorf("object folder %s has mode %v, want group rwx and setgid as git gives it", obj, fi.Mode())
	}
	ofi, err := os.Stat(filepath.Join(obj, c.String()[2:]))
	if err != nil || ofi.Mode().Perm()&0o040 == 0 {
		t.Errorf("object mode %v, want group-readable", ofi.Mode())
	}
	for _, p := range []string{"index", "refs/heads/main"} {
		fi, err := os.Stat(filepath.Join(dir, ".git", p))
		if err != nil || fi.Mode().Perm()&0o060 != 0o060 {
			t.Errorf("%s has mode %v, want group read-write", p, fi.Mode())
		}
	}
}

// GIT_DIR and GIT_WORK_TREE point incidentctl at the repository git would use; GIT_INDEX_FILE
// at the index git would update.
func TestGitDirWorkTreeAndIndexFile(t *testing.T) {
	dir := newRepo(t, map[string]string{"f.md": "f\n"})
	elsewhere := t.TempDir() // the current folder, which is no repository at all
	t.Setenv("GIT_DIR", filepath.Join(dir, ".git"))
	t.Setenv("GIT_WORK_TREE", dir)
	r := openRepo(t, elsewhere)
	if r.Root() != dir {
		t.Fatalf("Root = %s, want %s", r.Root(), dir)
	}
	mustCommitFiles(t, r, "via GIT_DIR", map[string]string{"g.md": "g\n"})
	os.Unsetenv("GIT_DIR")
	os.Unsetenv("GIT_WORK_TREE")
	assertCommitted(t, dir, map[string]string{"g.md": "g\n"})

	alt := filepath.Join(t.TempDir(), "alt-index")
	gitOut(t, dir, "read-tree", "--index-output="+alt, "HEAD")
	t.Setenv("GIT_INDEX_FILE", alt)
	r2 := openRepo(t, dir)
	mustCommitFiles(t, r2, "via GIT_INDEX_FILE", map[string]string{"h.md": "h\n"})
	cmd := exec.Command("git", "ls-files", "--stage", "h.md")
	cmd.Dir, cmd.Env = dir, append(gitEnv(), "GIT_INDEX_FILE="+alt)
	out, err := cmd.Output()
	if err != nil || !strings.Contains(string(out), BlobHash([]byte("h\n")).String()) {
		t.Errorf("the alternate index lacks h.md: %q %v", out, err)
	}
	os.Unsetenv("GIT_INDEX_FILE")
	if strings.Contains(gitOut(t, dir, "ls-files", "h.md"), "h.md") {
		t.Errorf("the default index was changed although GIT_INDEX_FILE named another")
	}
}

// A git command that wrote back an index it had read before our commit leaves HEAD ahead of
// the index for our file (the staged revert of an entry): FileState says BehindHead, and
// CatchUp brings the index to HEAD without touching anything else.
func TestCatchUpWithHead(t *testing.T) {
	t.Parallel()
	dir := newRepo(t, map[string]string{"incidents/a.md": "one\n", "other.txt": "o\n"})
	r := openRepo(t, dir)
	mustCommitFiles(t, r, "log: two", map[string]string{"incidents/a.md": "one\ntwo\n"})
	gitOut(t, dir, "update-index", "--cacheinfo", "100644,"+BlobHash([]byte("one\n")).String()+",incidents/a.md")
	writeFile(t, dir, "other.txt", "the user's edit\n")
	st, err := r.FileState("incidents/a.md")
	if err != nil || !st.BehindHead {
		t.Fatalf("FileState = %+v, %v; want BehindHead", st, err)
	}
	note, err := r.CatchUp("incidents/a.md")
	if err != nil || !strings.Contains(note, "brought the index and the file to HEAD") {
		t.Fatalf("CatchUp: %q %v", note, err)
	}
	assertCommitted(t, dir, map[string]string{"incidents/a.md": "one\ntwo\n"})
	if st := gitOut(t, dir, "status", "--porcelain"); st != " M other.txt\n" {
		t.Errorf("status = %q, want only the user's edit", st)
	}
	// A file the user changed is not BehindHead: that is their work.
	writeFile(t, dir, "incidents/a.md", "mine\n")
	gitOut(t, dir, "update-index", "--cacheinfo", "100644,"+BlobHash([]byte("one\n")).String()+",incidents/a.md")
	if st, _ := r.FileState("incidents/a.md"); st.BehindHead {
		t.Errorf("a hand edit counts as BehindHead")
	}
}
