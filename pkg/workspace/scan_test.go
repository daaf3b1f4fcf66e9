package workspace

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/synth"
)

// synthRepo generates a repository of n incidents (every file just written, as after a clone)
// and opens it.
func synthRepo(t *testing.T, n int, open float64) *Workspace {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "repo")
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	if _, err := synth.Generate(dir, synth.Options{Incidents: n, Seed: 3, OpenFraction: open}); err != nil {
		t.Fatal(err)
	}
	w, err := Open(dir, clock)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// Files written just before a listing (a fresh clone) are kept in the caches at once: the
// racy rule compares their times with the file system's clock at the start of the listing, not
// with a window of seconds, so the second listing reads nothing.
func TestFreshFilesAreCachedAtOnce(t *testing.T) {
	w := synthRepo(t, 200, 0.1)
	before := docReads.Load()
	first, _ := listAll(t, w, Filter{Status: "all", MetaOnly: true})
	if got := docReads.Load() - before; got != int64(len(first)) || len(first) < 200 {
		t.Fatalf("first listing read %d documents, listed %d", got, len(first))
	}
	before = docReads.Load()
	second, _ := listAll(t, w, Filter{Status: "all", MetaOnly: true})
	if got := docReads.Load() - before; got != 0 || len(second) != len(first) {
		t.Fatalf("second listing read %d documents (want 0), listed %d of %d", got, len(second), len(first))
	}
}

// exactOpen is the board's listing the slow, sure way: every document parsed.
func exactOpen(t *testing.T, w *Workspace, drills DrillFilter) (paths, errs []string) {
	t.Helper()
	type doc struct {
		path string
		at   time.Time
		id   string
	}
	var docs []doc
	for _, e := range walkEntries(t, w) {
		d, err := w.loadEntry(e)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		if d.Meta.Status != incident.StatusResolved && drills.keeps(d.Meta.Kind) {
			docs = append(docs, doc{d.Path, d.Meta.DeclaredAt, d.Meta.ID})
		}
	}
	slices.SortStableFunc(docs, func(a, b doc) int {
		if c := b.at.Compare(a.at); c != 0 {
			return c
		}
		return strings.Compare(b.id, a.id)
	})
	for _, d := range docs {
		paths = append(paths, d.path)
	}
	return paths, errs
}

// checkBoard requires List with Board to give exactly what parsing every document gives, and
// reports how many documents it read for the front matter (MetaOnly): none when the open
// cache could answer without looking again.
func checkBoard(t *testing.T, w *Workspace, stage string) int64 {
	t.Helper()
	wantPaths, wantErrs := exactOpen(t, w, NoDrills)
	before := docReads.Load()
	got, gotErrs := listAll(t, w, Filter{Status: "open", Board: true, MetaOnly: true})
	reads := docReads.Load() - before
	var gotPaths []string
	for _, d := range got {
		gotPaths = append(gotPaths, d.Path)
	}
	if !slices.Equal(gotPaths, wantPaths) || !slices.Equal(gotErrs, wantErrs) {
		t.Fatalf("%s: board lists\n%v\nerrors %v\nwant\n%v\nerrors %v", stage, gotPaths, gotErrs, wantPaths, wantErrs)
	}
	// In full, as status reads them.
	full, _ := listAll(t, w, Filter{Status: "open", Board: true})
	for i, d := range full {
		if d.Path != wantPaths[i] || d.Src == nil {
			t.Fatalf("%s: document %d in full is %s (src %v)", stage, i, d.Path, d.Src != nil)
		}
	}
	return reads
}

// The open cache stays right through everything that changes documents: incidentctl's own
// commits, git pull, checkout, reset (hard and mixed), stash, hand edits of open documents,
// documents created, removed and renamed by hand, broken documents, and sync. A hand edit that
// reopens a resolved document is seen once git sees it (git add). Each check compares with
// parsing every document; once nothing changes, a run reads only the open documents.
func TestOpenCacheStaysRight(t *testing.T) { openCacheStaysRight(t) }

// The same with the open cache read a few bytes at a time: the fast path reads the start of the
// file only (the sections before the documents), and reads more when they do not fit.
func TestOpenCacheStaysRightReadInPieces(t *testing.T) {
	defer func(n int) { openHeadChunk = n }(openHeadChunk)
	openHeadChunk = 7
	openCacheStaysRight(t)
}

// A damaged open cache (cut anywhere, a byte changed) is never believed: the board stays the one
// parsing every document gives, and the cache is written again.
func TestOpenCacheDamaged(t *testing.T) {
	w := synthRepo(t, 60, 0.2)
	checkBoard(t, w, "first run")
	p := filepath.Join(w.cacheDir(), "open")
	good, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	header := len(w.openHeader())
	for _, n := range []int{0, 1, header - 1, header, header + 19, header + 20, header + 25, len(good) / 3, len(good) / 2, len(good) - 1} {
		for _, damaged := range [][]byte{good[:n], append(append(append([]byte{}, good[:n]...), good[n]^0x5a), good[n+1:]...)} {
			if err := os.WriteFile(p, damaged, 0o600); err != nil {
				t.Fatal(err)
			}
			checkBoard(t, w, fmt.Sprintf("cut or changed at %d of %d bytes", n, len(good)))
			if reads := checkBoard(t, w, "and again"); reads != 0 {
				t.Fatalf("at %d: the cache was not written again (%d documents read)", n, reads)
			}
		}
	}
}

func openCacheStaysRight(t *testing.T) {
	w := synthRepo(t, 120, 0.1)
	dir := w.Root()
	git(t, dir, "config", "user.name", "Alice")
	git(t, dir, "config", "user.email", "alice@example.com")
	checkBoard(t, w, "first run")
	if _, err := os.Stat(filepath.Join(w.cacheDir(), "open")); err != nil {
		t.Fatalf("no open cache: %v", err)
	}
	if reads := checkBoard(t, w, "nothing changed"); reads != 0 {
		t.Fatalf("nothing changed, yet %d documents were read", reads)
	}
	entries := walkEntries(t, w)
	var open, resolved []Entry
	for _, e := range entries {
		d, err := w.loadEntry(e)
		if err != nil {
			t.Fatal(err)
		}
		if d.Meta.Status == incident.StatusResolved {
			resolved = append(resolved, e)
		} else {
			open = append(open, e)
		}
	}
	edit := func(e Entry, from, to string) {
		t.Helper()
		p := filepath.Join(dir, e.Path)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), from) {
			t.Fatalf("%s has no %q", e.Path, from)
		}
		if err := os.WriteFile(p, []byte(strings.Replace(string(b), from, to, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	commit := func(msg string) { git(t, dir, "add", "-A", "incidents"); git(t, dir, "commit", "-q", "-m", msg) }

	// incidentctl's own write.
	if _, err := w.Log(open[0].ID, "a note", Options{}); err != nil {
		t.Fatal(err)
	}
	checkBoard(t, w, "incidentctl log")
	if _, err := w.Close(open[1].ID, "fixed", true, Options{}); err != nil {
		t.Fatal(err)
	}
	checkBoard(t, w, "incidentctl close")
	if reads := checkBoard(t, w, "after close, unchanged"); reads != 0 {
		t.Fatalf("nothing changed: %d documents read", reads)
	}

	// Hand edits of open documents: seen at once, committed or not.
	edit(open[2], "status: ", "status: resolved\nx_was: ")
	checkBoard(t, w, "open document resolved by hand")
	edit(open[3], "## Log", "## Journal")
	checkBoard(t, w, "open document broken by hand")
	edit(open[3], "## Journal", "## Log")
	checkBoard(t, w, "and mended")

	// Documents created, removed, renamed by hand.
	src, _ := os.ReadFile(filepath.Join(dir, open[4].Path))
	newPath := filepath.Join(filepath.Dir(filepath.Join(dir, open[4].Path)), "261101-zzzz9-by-hand.md")
	os.WriteFile(newPath, []byte(strings.Replace(string(src), open[4].ID, "261101-zzzz9", 1)), 0o644)
	checkBoard(t, w, "created by hand")
	os.Remove(filepath.Join(dir, open[5].Path))
	checkBoard(t, w, "removed by hand")
	os.Rename(filepath.Join(dir, open[6].Path), filepath.Join(dir, strings.Replace(open[6].Path, ".md", "-renamed.md", 1)))
	checkBoard(t, w, "renamed by hand")
	commit("hand edits")
	checkBoard(t, w, "hand edits committed")

	// A resolved document reopened by hand: seen once git sees it.
	edit(resolved[0], "status: resolved", "status: mitigated")
	git(t, dir, "add", resolved[0].Path)
	checkBoard(t, w, "resolved document reopened and staged")
	git(t, dir, "reset", "-q", "--hard")
	checkBoard(t, w, "reset --hard")

	// Branches: checkout, reset, stash.
	base := strings.TrimSpace(git(t, dir, "rev-parse", "HEAD"))
	git(t, dir, "checkout", "-q", "-b", "other")
	edit(resolved[1], "status: resolved", "status: investigating")
	edit(open[7], "status: ", "status: resolved\nx_was: ")
	commit("other branch")
	checkBoard(t, w, "commit on another branch")
	git(t, dir, "checkout", "-q", "main")
	checkBoard(t, w, "checkout main")
	git(t, dir, "checkout", "-q", "other")
	checkBoard(t, w, "checkout other")
	git(t, dir, "reset", "-q", "--hard", "HEAD~3")
	checkBoard(t, w, "reset --hard HEAD~3")
	git(t, dir, "reset", "-q", "other@{1}") // mixed: the index moves, the files stay
	checkBoard(t, w, "reset --mixed")
	git(t, dir, "reset", "-q", "--hard", base)
	checkBoard(t, w, "reset --hard back")
	edit(resolved[2], "status: resolved", "status: identified")
	git(t, dir, "add", resolved[2].Path)
	git(t, dir, "stash", "-q")
	checkBoard(t, w, "stash")
	git(t, dir, "stash", "pop", "-q")
	checkBoard(t, w, "stash pop")
	git(t, dir, "reset", "-q", "--hard")

	// Pull and sync from a remote others push to.
	remote := filepath.Join(t.TempDir(), "remote.git")
	git(t, dir, "checkout", "-q", "main")
	git(t, filepath.Dir(remote), "clone", "-q", "--bare", dir, remote)
	git(t, dir, "remote", "add", "origin", remote)
	git(t, dir, "fetch", "-q", "origin")
	git(t, dir, "branch", "-q", "-u", "origin/main")
	other := filepath.Join(t.TempDir(), "other")
	git(t, filepath.Dir(other), "clone", "-q", remote, other)
	git(t, other, "config", "user.name", "Bob")
	git(t, other, "config", "user.email", "bob@example.com")
	theirs := func(e Entry, from, to string) {
		p := filepath.Join(other, e.Path)
		b, _ := os.ReadFile(p)
		os.WriteFile(p, []byte(strings.Replace(string(b), from, to, 1)), 0o644)
		git(t, other, "commit", "-qam", "theirs")
		git(t, other, "push", "-q", "origin", "HEAD:main")
	}
	theirs(resolved[3], "status: resolved", "status: investigating")
	git(t, dir, "pull", "-q", "--ff-only")
	checkBoard(t, w, "git pull")
	theirs(resolved[4], "status: resolved", "status: mitigated")
	if _, err := w.Log(open[8].ID, "local note", Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Sync(SyncOptions{}); err != nil {
		t.Fatal(err)
	}
	checkBoard(t, w, "sync")
	if reads := checkBoard(t, w, "after sync, unchanged"); reads != 0 {
		t.Fatalf("nothing changed: %d documents read", reads)
	}

	// What the open cache does not see: a resolved document reopened by hand and not staged.
	edit(resolved[5], "status: resolved", "status: mitigated")
	got, _ := listAll(t, w, Filter{Status: "open", Board: true, MetaOnly: true})
	for _, d := range got {
		if d.Path == resolved[5].Path {
			t.Fatalf("the board saw an unstaged hand edit of a resolved document: the open cache is not what the test thinks")
		}
	}
	git(t, dir, "add", resolved[5].Path)
	checkBoard(t, w, "and once staged")
}

// Each hands on exactly what List returns, in the same order, document by document, with the
// same errors; and stops at emit's first error.
func TestEachIsList(t *testing.T) {
	w := synthRepo(t, 300, 0.05)
	entries := walkEntries(t, w)
	p := filepath.Join(w.Root(), entries[4].Path)
	b, _ := os.ReadFile(p)
	os.WriteFile(p, []byte(strings.Replace(string(b), "## Log", "## Journal", 1)), 0o644) // unreadable
	for _, f := range []Filter{{Status: "all"}, {}, {Status: "resolved", Severities: []string{"SEV1,SEV2"}}, {Status: "all", Drills: WithDrills}, {Status: "open", Board: true}} {
		for run := range 2 { // without, then with the caches
			want, err := w.List(f)
			if err != nil {
				t.Fatal(err)
			}
			var got []*incident.Document
			errs, err := Each(w, f, func(d *incident.Document) *incident.Document { return d }, func(d *incident.Document) error {
				got = append(got, d)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want.Incidents) || len(errs) != len(want.Errors) {
				t.Fatalf("%+v run %d: %d documents, %d errors; List: %d, %d", f, run, len(got), len(errs), len(want.Incidents), len(want.Errors))
			}
			for i := range got {
				if !reflect.DeepEqual(got[i], want.Incidents[i]) {
					t.Fatalf("%+v run %d: document %d is %s, List has %s", f, run, i, got[i].Path, want.Incidents[i].Path)
				}
			}
			for i := range errs {
				if errs[i].Error() != want.Errors[i].Error() {
					t.Fatalf("%+v: error %d: %v; List: %v", f, i, errs[i], want.Errors[i])
				}
			}
		}
	}
	n := 0
	stop := errors.New("stop")
	_, err := Each(w, Filter{Status: "all"}, func(d *incident.Document) string { return d.Path }, func(string) error {
		n++
		if n == 3 {
			return stop
		}
		return nil
	})
	if err != stop || n != 3 {
		t.Fatalf("emit's error: %v after %d", err, n)
	}
}

// After a clone the board classes resolved documents by their front matter alone
// (sniffResolved) and parses the rest: the board is the one parsing every document gives, but
// for a committed resolved document whose body is broken, which only list (and lint) report.
// Hand edits before the first run (a resolved document reopened, an open one broken), then
// checkout, reset, pull and sync keep it right.
func TestOpenCacheAfterClone(t *testing.T) {
	shortRacyWindow(t)
	origin := synthRepo(t, 150, 0.1)
	var open, resolved []Entry
	for _, e := range walkEntries(t, origin) {
		d, err := origin.loadEntry(e)
		if err != nil {
			t.Fatal(err)
		}
		if d.Meta.Status == incident.StatusResolved {
			resolved = append(resolved, e)
		} else {
			open = append(open, e)
		}
	}
	edit := func(dir string, e Entry, from, to string) {
		t.Helper()
		p := filepath.Join(dir, e.Path)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), from) {
			t.Fatalf("%s has no %q", e.Path, from)
		}
		if err := os.WriteFile(p, []byte(strings.Replace(string(b), from, to, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	od := origin.Root()
	for _, dir := range []string{od} {
		git(t, dir, "config", "user.name", "Alice")
		git(t, dir, "config", "user.email", "alice@example.com")
	}
	// A resolved document whose body is broken, committed.
	broken := resolved[0]
	edit(od, broken, "## Log", "## Journal")
	git(t, od, "commit", "-qam", "a broken resolved document")

	tmp := t.TempDir()
	remote := filepath.Join(tmp, "remote.git")
	git(t, tmp, "clone", "-q", "--bare", od, remote)
	dir := filepath.Join(tmp, "work")
	git(t, tmp, "clone", "-q", remote, dir)
	other := filepath.Join(tmp, "other")
	git(t, tmp, "clone", "-q", remote, other)
	for _, d := range []string{dir, other} {
		git(t, d, "config", "user.name", "Bob")
		git(t, d, "config", "user.email", "bob@example.com")
	}
	waitSettled()
	w, err := Open(dir, clock)
	if err != nil {
		t.Fatal(err)
	}
	// Hand edits before the first run: a resolved document reopened, an open one broken.
	edit(dir, resolved[1], "status: resolved", "status: mitigated")
	edit(dir, open[0], "## Log", "## Journal")

	wantPaths, wantErrs := exactOpen(t, w, NoDrills)
	sniffs := docSniffs.Load()
	got, gotErrs := listAll(t, w, Filter{Status: "open", Board: true, MetaOnly: true})
	if n := docSniffs.Load() - sniffs; n < int64(len(resolved))/2 {
		t.Fatalf("the first board after a clone sniffed %d of %d resolved documents", n, len(resolved))
	}
	var gotPaths []string
	for _, d := range got {
		gotPaths = append(gotPaths, d.Path)
	}
	// Parsing every document reports the broken resolved one; the board does not.
	var want2 []string
	sawBroken := false
	for _, e := range wantErrs {
		if strings.Contains(e, broken.Path) {
			sawBroken = true
			continue
		}
		want2 = append(want2, e)
	}
	if !sawBroken {
		t.Fatalf("the test's documents are not what it thinks: errors %v", wantErrs)
	}
	if !slices.Equal(gotPaths, wantPaths) || !slices.Equal(gotErrs, want2) {
		t.Fatalf("first board: lists\n%v\nerrors %v\nwant\n%v\nerrors %v", gotPaths, gotErrs, wantPaths, want2)
	}
	if !slices.Contains(gotPaths, resolved[1].Path) || len(gotErrs) != 1 || !strings.Contains(gotErrs[0], open[0].Path) {
		t.Fatalf("first board: the hand edits are not seen: %v %v", gotPaths, gotErrs)
	}
	// list parses the sniffed documents (no meta cache record was written for them) and
	// reports the broken one.
	_, listErrs := listAll(t, w, Filter{Status: "all", MetaOnly: true})
	if !slices.ContainsFunc(listErrs, func(e string) bool { return strings.Contains(e, broken.Path) }) {
		t.Fatalf("list after the board does not report %s: %v", broken.Path, listErrs)
	}
	_, listErrs = listAll(t, w, Filter{Status: "all", MetaOnly: true})
	if !slices.ContainsFunc(listErrs, func(e string) bool { return strings.Contains(e, broken.Path) }) {
		t.Fatalf("the second list does not report %s: %v", broken.Path, listErrs)
	}

	// Mend both broken documents and commit everything: from here the board is exact.
	edit(dir, broken, "## Journal", "## Log")
	edit(dir, open[0], "## Journal", "## Log")
	git(t, dir, "commit", "-qam", "mended")
	checkBoard(t, w, "mended and committed")
	if reads := checkBoard(t, w, "unchanged"); reads != 0 {
		t.Fatalf("nothing changed: %d documents read", reads)
	}
	base := strings.TrimSpace(git(t, dir, "rev-parse", "HEAD"))
	git(t, dir, "checkout", "-q", "-b", "side")
	edit(dir, resolved[2], "status: resolved", "status: investigating")
	edit(dir, open[1], "status: ", "status: resolved\nx_was: ")
	git(t, dir, "commit", "-qam", "side")
	checkBoard(t, w, "commit on a branch")
	git(t, dir, "checkout", "-q", "main")
	checkBoard(t, w, "checkout main")
	git(t, dir, "reset", "-q", "--hard", "side")
	checkBoard(t, w, "reset --hard side")
	git(t, dir, "reset", "-q", base) // mixed: the index moves, the files stay
	checkBoard(t, w, "reset --mixed")
	git(t, dir, "reset", "-q", "--hard", base)
	checkBoard(t, w, "reset --hard back")
	git(t, dir, "push", "-q", "origin", "HEAD:main")

	theirs := func(e Entry, from, to string) {
		t.Helper()
		git(t, other, "pull", "-q", "--ff-only")
		edit(other, e, from, to)
		git(t, other, "commit", "-qam", "theirs")
		git(t, other, "push", "-q", "origin", "HEAD:main")
	}
	theirs(resolved[3], "status: resolved", "status: identified")
	git(t, dir, "pull", "-q", "--ff-only")
	checkBoard(t, w, "git pull")
	theirs(resolved[4], "status: resolved", "status: mitigated")
	if _, err := w.Log(open[2].ID, "local note", Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Sync(SyncOptions{}); err != nil {
		t.Fatal(err)
	}
	checkBoard(t, w, "sync")
	// A resolved document reopened by hand and staged.
	edit(dir, resolved[5], "status: resolved", "status: mitigated")
	git(t, dir, "add", resolved[5].Path)
	checkBoard(t, w, "reopened and staged")
}
