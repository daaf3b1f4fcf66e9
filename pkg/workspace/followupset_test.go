package workspace

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/synth"
)

// synthPostmortemRepo generates a repository of n incidents over one year, with postmortems
// (those of the last weeks have follow-ups not done), and opens it.
func synthPostmortemRepo(t *testing.T, n int) *Workspace {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "repo")
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	if _, err := synth.Generate(dir, synth.Options{Incidents: n, Seed: 5, Years: 1, Postmortems: true}); err != nil {
		t.Fatal(err)
	}
	git(t, dir, "config", "user.name", "Alice")
	git(t, dir, "config", "user.email", "alice@example.com")
	git(t, dir, "update-index", "-q", "--refresh") // as any git command leaves it
	w, err := Open(dir, clock)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// exactOpenFollowups is the board's follow-ups the slow, sure way: every postmortem parsed
// (parseEveryPostmortem), its follow-ups not done (overdue ones only if overdue), by path.
func exactOpenFollowups(t *testing.T, w *Workspace, overdue bool) (items, errs []string) {
	t.Helper()
	fus, errs := parseEveryPostmortem(t, w)
	for _, f := range fus {
		if !f.Done && (!overdue || f.Overdue) {
			items = append(items, showFollowup(f))
		}
	}
	return items, errs
}

// checkBoardFollowups requires the board's follow-ups (open ones, and overdue ones, as the
// board asks for them) to be exactly what parsing every postmortem gives, and reports how many
// postmortems the first of the two parsed and how many times it walked every postmortem.
func checkBoardFollowups(t *testing.T, w *Workspace, stage string) (reads, walks int64) {
	t.Helper()
	for i, f := range []FollowupFilter{{Open: true, Board: true}, {Overdue: true, Board: true}} {
		want, wantErrs := exactOpenFollowups(t, w, f.Overdue)
		r, wk := postmortemReads.Load(), postmortemWalks.Load()
		items, errs, err := w.Followups(f)
		if i == 0 {
			reads, walks = postmortemReads.Load()-r, postmortemWalks.Load()-wk
		}
		if err != nil {
			t.Fatalf("%s: %v", stage, err)
		}
		var got, gotErrs []string
		for _, it := range items {
			got = append(got, showFollowup(it))
		}
		for _, e := range errs {
			gotErrs = append(gotErrs, e.Error())
		}
		if !slices.Equal(got, want) || !slices.Equal(gotErrs, wantErrs) {
			t.Fatalf("%s (%+v): follow-ups\n%s\nerrors %q\nwant\n%s\nerrors %q", stage, f, strings.Join(got, "\n"), gotErrs, strings.Join(want, "\n"), wantErrs)
		}
	}
	return reads, walks
}

// postmortemsBy returns the repository paths of the postmortems with a follow-up not done
// (open) and of those with none.
func postmortemsBy(t *testing.T, w *Workspace) (open, closed []string) {
	t.Helper()
	files, errs, err := w.Postmortems()
	if err != nil || len(errs) > 0 {
		t.Fatal(err, errs)
	}
	for _, f := range files {
		if followupsClass(f.Doc.Meta.Followups) == classOpen {
			open = append(open, f.Path)
		} else if len(f.Doc.Meta.Followups) > 0 {
			closed = append(closed, f.Path)
		}
	}
	return open, closed
}

// The open follow-ups set stays right through everything that changes postmortems: incidentctl's
// follow-up commands, hand edits of watched postmortems (a follow-up marked done, one added,
// one broken), postmortems created and removed by hand, git commit, pull, checkout, reset and
// stash, and sync. A hand edit that reopens a follow-up in a postmortem with none open is seen
// once git sees it (git add). Each check compares with parsing every postmortem; once nothing
// changes, a run walks no folder and parses nothing.
func TestOpenFollowupsStayRight(t *testing.T) {
	w := synthPostmortemRepo(t, 400)
	dir := w.Root()
	open, closed := postmortemsBy(t, w)
	if len(open) < 6 || len(closed) < 12 {
		t.Fatalf("the test repository has %d postmortems with open follow-ups and %d without", len(open), len(closed))
	}
	edit := func(rel, from, to string) {
		t.Helper()
		p := filepath.Join(dir, rel)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), from) {
			t.Fatalf("%s has no %q", rel, from)
		}
		if err := os.WriteFile(p, []byte(strings.Replace(string(b), from, to, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	idOf := func(rel string) string { return incident.IDFromFileName(filepath.Base(rel)) }
	byHand := func(id, due string) string {
		return "followups:\n  - id: " + id + "-F9\n    text: Added by hand\n    owner: bob\n    due: " + due + "\n    kind: detect\n    done: false\n"
	}
	quiet := func(stage string) {
		t.Helper()
		checkBoardFollowups(t, w, stage)
		if reads, walks := checkBoardFollowups(t, w, stage+", unchanged"); reads != 0 || walks != 0 {
			t.Fatalf("%s: nothing changed, yet %d postmortems parsed and %d walks", stage, reads, walks)
		}
	}

	if _, walks := checkBoardFollowups(t, w, "first run"); walks != 1 {
		t.Fatalf("first run: %d walks, want 1", walks)
	}
	if _, err := os.Stat(filepath.Join(w.cacheDir(), openFollowupsFile)); err != nil {
		t.Fatalf("no open follow-ups cache: %v", err)
	}
	quiet("first run")

	// incidentctl's own writes.
	if _, err := w.DoneFollowup(idOf(open[0])+"-F1", "https://example.com/pr/1", false); err != nil {
		t.Fatal(err)
	}
	checkBoardFollowups(t, w, "followup done")
	if _, err := w.AddFollowup(idOf(closed[0]), FollowupInput{Text: "Page the owner", Owner: "carol", Due: "2026-11-02", Kind: "detect"}); err != nil {
		t.Fatal(err)
	}
	quiet("followup add to a postmortem with none open")

	// Hand edits of watched postmortems: seen at once, without a walk.
	edit(open[1], "done: false", "done: true")
	if reads, walks := checkBoardFollowups(t, w, "follow-up marked done by hand"); reads != 1 || walks != 0 {
		t.Fatalf("marked done by hand: %d parsed, %d walks; want 1 and 0", reads, walks)
	}
	edit(open[2], "followups:\n", byHand(idOf(open[2]), "2026-11-20"))
	if reads, walks := checkBoardFollowups(t, w, "follow-up added by hand"); reads != 1 || walks != 0 {
		t.Fatalf("added by hand: %d parsed, %d walks; want 1 and 0", reads, walks)
	}
	edit(open[3], "followups:\n", "followups: [\n")
	checkBoardFollowups(t, w, "broken by hand")
	edit(open[3], "followups: [\n", "followups:\n")
	quiet("and mended")
	edit(closed[0], "done: false", "done: true") // the one followup add gave an open follow-up
	quiet("a postmortem watched since followup add, done by hand")

	// Postmortems created and removed by hand, committed or not.
	src, _ := os.ReadFile(filepath.Join(dir, open[4]))
	newRel := filepath.ToSlash(filepath.Join(filepath.Dir(open[4]), "261101-zzzz9-by-hand.md"))
	os.WriteFile(filepath.Join(dir, newRel), bytes.ReplaceAll(src, []byte(idOf(open[4])), []byte("261101-zzzz9")), 0o644)
	quiet("created by hand")
	os.Remove(filepath.Join(dir, open[5]))
	quiet("removed by hand")
	os.MkdirAll(filepath.Join(dir, "postmortems/2027/01"), 0o777)
	os.WriteFile(filepath.Join(dir, "postmortems/2027/01/270101-zzzz8-new-month.md"), bytes.ReplaceAll(src, []byte(idOf(open[4])), []byte("270101-zzzz8")), 0o644)
	quiet("created in a new folder")
	git(t, dir, "add", "-A", "postmortems")
	git(t, dir, "commit", "-q", "-m", "hand edits")
	quiet("hand edits committed")

	// What the set does not see at once: a postmortem with none open, reopened by hand in place
	// and not staged. Seen once git sees it.
	edit(closed[1], "done: true", "done: false")
	if _, err := w.loadPostmortem(closed[1]); err != nil {
		t.Fatal(err)
	}
	items, _, err := w.Followups(FollowupFilter{Open: true, Board: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.Path == closed[1] {
			t.Fatalf("the board saw an unstaged hand edit of a postmortem with no open follow-up: the set is not what the test thinks")
		}
	}
	git(t, dir, "add", closed[1])
	quiet("and once staged")
	git(t, dir, "commit", "-q", "-m", "reopened")

	// A postmortem with none open that differs from the index when read is watched: reopened
	// by hand then, it is seen at once.
	edit(closed[7], "text: ", "text: Edited, ")
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("notes\n"), 0o644)
	git(t, dir, "add", "notes.txt") // the index rewritten, the edit not staged
	quiet("a postmortem with none open edited by hand")
	edit(closed[7], "done: true", "done: false")
	if reads, walks := checkBoardFollowups(t, w, "and reopened by hand"); reads != 1 || walks != 0 {
		t.Fatalf("a dirty postmortem reopened by hand: %d parsed, %d walks; want 1 and 0", reads, walks)
	}
	git(t, dir, "checkout", "-q", "--", closed[7])
	quiet("and checked out again")

	// Branches: checkout, reset, stash.
	base := strings.TrimSpace(git(t, dir, "rev-parse", "HEAD"))
	git(t, dir, "checkout", "-q", "-b", "other")
	edit(closed[2], "done: true", "done: false")
	edit(open[6], "done: false", "done: true")
	git(t, dir, "commit", "-qam", "other branch")
	quiet("commit on another branch")
	git(t, dir, "checkout", "-q", "main")
	quiet("checkout main")
	git(t, dir, "checkout", "-q", "other")
	quiet("checkout other")
	git(t, dir, "reset", "-q", "--hard", "HEAD~3")
	quiet("reset --hard HEAD~3")
	git(t, dir, "reset", "-q", "other@{1}") // mixed: the index moves, the files stay
	quiet("reset --mixed")
	git(t, dir, "reset", "-q", "--hard", base)
	quiet("reset --hard back")
	edit(closed[3], "done: true", "done: false")
	git(t, dir, "stash", "-q")
	quiet("stash")
	git(t, dir, "stash", "pop", "-q")
	quiet("stash pop")
	git(t, dir, "reset", "-q", "--hard")
	quiet("reset --hard")

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
	theirs := func(rel, from, to string) {
		t.Helper()
		p := filepath.Join(other, rel)
		b, _ := os.ReadFile(p)
		if !bytes.Contains(b, []byte(from)) {
			t.Fatalf("%s has no %q", rel, from)
		}
		os.WriteFile(p, bytes.Replace(b, []byte(from), []byte(to), 1), 0o644)
		git(t, other, "commit", "-qam", "theirs")
		git(t, other, "push", "-q", "origin", "HEAD:main")
	}
	theirs(closed[4], "done: true", "done: false")
	git(t, dir, "pull", "-q", "--ff-only")
	quiet("git pull")
	theirs(closed[5], "followups:\n", byHand(idOf(closed[5]), "2026-11-03"))
	if _, err := w.AddFollowup(idOf(closed[6]), FollowupInput{Text: "Ours", Owner: "alice", Due: "2026-11-04"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Sync(SyncOptions{}); err != nil {
		t.Fatal(err)
	}
	quiet("sync")
}

// A damaged open follow-ups cache (cut anywhere, a byte changed, garbage after it) is never
// believed: the board's follow-ups stay those parsing every postmortem gives, and the cache is
// written again. A cache that cannot be written (a folder in its place) costs a walk on every
// run and nothing else; a split index, or none, turns the set off.
func TestOpenFollowupsDamaged(t *testing.T) {
	w := synthPostmortemRepo(t, 200)
	checkBoardFollowups(t, w, "first run")
	checkBoardFollowups(t, w, "second run")
	p := filepath.Join(w.cacheDir(), openFollowupsFile)
	good, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	header := len(w.openFollowupsHeader())
	for _, n := range []int{0, 1, header - 1, header, header + 19, header + 20, header + 25, len(good) / 3, len(good) / 2, len(good) - 5, len(good) - 1} {
		flipped := slices.Clone(good)
		flipped[n] ^= 0x5a
		for _, damaged := range [][]byte{good[:n], flipped, append(slices.Clone(good), "garbage"...)} {
			if err := os.WriteFile(p, damaged, 0o600); err != nil {
				t.Fatal(err)
			}
			if _, walks := checkBoardFollowups(t, w, fmt.Sprintf("cut or changed at %d of %d bytes", n, len(good))); walks != 1 {
				t.Fatalf("damaged at %d: %d walks, want 1", n, walks)
			}
			if reads, walks := checkBoardFollowups(t, w, "and again"); reads != 0 || walks != 0 {
				t.Fatalf("damaged at %d: the cache was not written again (%d parsed, %d walks)", n, reads, walks)
			}
		}
	}

	// A cache that cannot be written.
	os.Remove(p)
	if err := os.Mkdir(p, 0o777); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if _, walks := checkBoardFollowups(t, w, fmt.Sprintf("cache not writable, run %d", i)); walks != 1 {
			t.Fatalf("cache not writable: %d walks, want 1", walks)
		}
	}
	os.Remove(p)
	checkBoardFollowups(t, w, "writable again")
	if _, walks := checkBoardFollowups(t, w, "writable again, unchanged"); walks != 0 {
		t.Fatalf("writable again: %d walks", walks)
	}

	// A split index: every run walks.
	git(t, w.Root(), "update-index", "--split-index")
	for i := range 2 {
		if _, walks := checkBoardFollowups(t, w, fmt.Sprintf("split index, run %d", i)); walks != 1 {
			t.Fatalf("split index: %d walks, want 1", walks)
		}
	}
	if _, err := os.Stat(p); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("split index: the cache is still there (%v)", err)
	}

	// No index at all: every run walks too.
	git(t, w.Root(), "update-index", "--no-split-index")
	checkBoardFollowups(t, w, "plain index again")
	if _, walks := checkBoardFollowups(t, w, "plain index again, unchanged"); walks != 0 {
		t.Fatalf("plain index again: %d walks", walks)
	}
	if err := os.Remove(filepath.Join(w.Repo.GitDir(), "index")); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if _, walks := checkBoardFollowups(t, w, fmt.Sprintf("no index, run %d", i)); walks != 1 {
			t.Fatalf("no index: %d walks, want 1", walks)
		}
	}
}

// The decoder of the open follow-ups cache never panics, and what it accepts decodes the same
// once encoded again.
func FuzzOpenFollowupsDecode(f *testing.F) {
	const header = openFollowupsMagic + "build\npostmortems\n"
	s := watchStamp{folders: []openFolder{{rel: "postmortems", key: statKey{mtime: 5, ino: 7}}, {rel: "postmortems/2026/11", key: statKey{ctime: 3}}}}
	s.index.Sum[3], s.index.Size = 9, 1234
	rec := appendFollowupRecord(nil, &followupsFile{incident: "261101-abcde"})
	watched := []watchedDoc{
		{rel: "postmortems/2026/11", openDoc: openDoc{name: "261101-abcde-x.md", key: statKey{size: 10, mtime: 1}, class: classOpen, watched: true, data: string(rec)}},
		{rel: "postmortems/2026/11", openDoc: openDoc{name: "261102-abcde-y.md", class: classBad, watched: true}},
	}
	good := encodeOpenFollowups(header, &s, watched)
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add(encodeOpenFollowups(header, &watchStamp{}, nil))
	f.Add([]byte(header))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, watched, ok := decodeOpenFollowups(b, header)
		if !ok {
			return
		}
		s2, watched2, ok := decodeOpenFollowups(encodeOpenFollowups(header, &s, watched), header)
		if !ok || !reflect.DeepEqual(s2, s) || !reflect.DeepEqual(watched2, watched) {
			t.Fatalf("decoded %+v %+v; encoded again and decoded: %v %+v %+v", s, watched, ok, s2, watched2)
		}
	})
}

// The head both watch caches start with (decodeWatchHead, under the open follow-ups cache's
// checksum and the open cache's documents) never panics on what a damaged file holds, and what
// it accepts decodes the same once encoded again.
func FuzzWatchHead(f *testing.F) {
	const header = "head\n"
	s := watchStamp{folders: []openFolder{{rel: "incidents", key: statKey{mtime: 5, ino: 7}}, {rel: "incidents/2026/11"}}}
	s.index.Sum[0], s.index.Size, s.index.Mtime = 1, -1, 99
	watched := []watchedDoc{{rel: "incidents/2026/11", openDoc: openDoc{name: "261101-abcde-x.md", key: statKey{size: 10}, class: classOpen, watched: true, data: "rec"}}}
	var e recordWriter
	e.watchHead(header, &s, watched)
	good := e.b.Bytes()
	f.Add(good)
	f.Add(good[:len(good)-2])
	f.Add([]byte(header))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, watched, used := decodeWatchHead(b, header)
		if used < -1 || used > len(b) {
			t.Fatalf("used %d of %d bytes", used, len(b))
		}
		if used <= 0 {
			return
		}
		var e recordWriter
		e.watchHead(header, &s, watched)
		s2, watched2, used2 := decodeWatchHead(e.b.Bytes(), header)
		if used2 != e.b.Len() || !reflect.DeepEqual(s2, s) || !reflect.DeepEqual(watched2, watched) {
			t.Fatalf("decoded %+v %+v; encoded again and decoded (%d of %d bytes): %+v %+v", s, watched, used2, e.b.Len(), s2, watched2)
		}
	})
}
