package workspace

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// heldNames counts the folders of a listing whose document names are held in memory (not
// left in the entries cache).
func heldNames(t *testing.T, w *Workspace) (held, inFile int) {
	t.Helper()
	folders, err := w.folders()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range folders {
		switch {
		case f.src != nil && f.docs == "":
			inFile++
		case f.docs != "":
			held++
		}
	}
	return held, inFile
}

// A listing leaves the document names of the folders it takes from the entries cache in the
// file (so its memory does not grow with the repository), reading them again for each pass,
// and what it lists stays exactly what a walk of the folders finds, and what reading every
// document gives, after git checkout, reset, pull, hand edits and incidentctl's own writes;
// with the names held in memory as on Windows too.
func TestEntriesLeftInTheCacheStayRight(t *testing.T) {
	for _, hold := range []bool{false, true} {
		t.Run(map[bool]string{false: "in the file", true: "held"}[hold], func(t *testing.T) {
			saved := holdNames
			holdNames = hold
			t.Cleanup(func() { holdNames = saved })
			entriesStayRight(t, hold)
		})
	}
}

func entriesStayRight(t *testing.T, hold bool) {
	shortRacyWindow(t)
	w := synthRepo(t, 150, 0.2)
	dir := w.Root()
	git(t, dir, "config", "user.name", "Alice")
	git(t, dir, "config", "user.email", "alice@example.com")
	filters := []Filter{{Status: "all"}, {}, {Status: "all", Drills: WithDrills}}
	check := func(stage string) {
		t.Helper()
		for run := range 2 {
			want := walkEntries(t, w)
			got, err := w.Entries()
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s run %d: entries differ from a walk:\n%v\nwalk:\n%v", stage, run, got, want)
			}
			for _, f := range filters {
				g, wb, gotErrs, wantErrs := eachBytes(t, w, f, "a")
				if !bytes.Equal(g, wb) || gotErrs != wantErrs {
					t.Fatalf("%s %+v run %d: the streamed listing differs (%d bytes, want %d; errors %s, want %s)", stage, f, run, len(g), len(wb), gotErrs, wantErrs)
				}
			}
			// Every listed document is one the walk finds, and every one the walk finds that
			// parses is listed.
			all, _ := listAll(t, w, Filter{Status: "all", Drills: WithDrills, MetaOnly: true})
			var paths []string
			for _, d := range all {
				paths = append(paths, d.Path)
			}
			for _, p := range paths {
				if !slicesContainsPath(want, p) {
					t.Fatalf("%s: %s is listed but not on disk", stage, p)
				}
			}
		}
		waitSettled()
	}
	check("first run")
	check("warm")
	held, inFile := heldNames(t, w)
	if !hold && (held != 0 || inFile < 3) {
		t.Fatalf("a warm listing holds the names of %d folders and leaves %d in the cache", held, inFile)
	}
	if hold && inFile != 0 {
		t.Fatalf("names held in memory, yet %d folders left in the file", inFile)
	}

	entries := walkEntries(t, w)
	edit := func(e Entry, from, to string) {
		t.Helper()
		replaceInEntry(t, dir, e, from, to)
	}
	commit := func(msg string) { git(t, dir, "add", "-A", "incidents"); git(t, dir, "commit", "-q", "-m", msg) }

	// Hand edits: created, removed, renamed, moved to a new folder.
	src, _ := os.ReadFile(filepath.Join(dir, entries[0].Path))
	os.WriteFile(filepath.Join(filepath.Dir(filepath.Join(dir, entries[0].Path)), "261101-zzzz9-by-hand.md"),
		[]byte(strings.Replace(string(src), entries[0].ID, "261101-zzzz9", 1)), 0o644)
	os.Remove(filepath.Join(dir, entries[1].Path))
	os.Rename(filepath.Join(dir, entries[2].Path), filepath.Join(dir, strings.Replace(entries[2].Path, ".md", "-renamed.md", 1)))
	os.MkdirAll(filepath.Join(dir, "incidents", "2031", "07"), 0o777)
	os.Rename(filepath.Join(dir, entries[3].Path), filepath.Join(dir, "incidents", "2031", "07", filepath.Base(entries[3].Path)))
	edit(entries[4], "title: ", "title: Renamed ")
	check("hand edits")
	commit("hand edits")
	check("hand edits committed")

	// incidentctl's own write.
	if _, err := w.Log(entries[5].ID, "a note", Options{}); err != nil {
		t.Fatal(err)
	}
	check("incidentctl log")

	// Branches: checkout, reset.
	base := strings.TrimSpace(git(t, dir, "rev-parse", "HEAD"))
	git(t, dir, "checkout", "-q", "-b", "other")
	os.Remove(filepath.Join(dir, entries[6].Path))
	os.RemoveAll(filepath.Join(dir, "incidents", "2031"))
	src, _ = os.ReadFile(filepath.Join(dir, entries[7].Path))
	os.MkdirAll(filepath.Join(dir, "incidents", "2032", "01"), 0o777)
	os.WriteFile(filepath.Join(dir, "incidents", "2032", "01", "320101-yyyy8-other.md"),
		[]byte(strings.Replace(string(src), entries[7].ID, "320101-yyyy8", 1)), 0o644)
	commit("other branch")
	check("commit on another branch")
	git(t, dir, "checkout", "-q", "main")
	check("checkout main")
	git(t, dir, "checkout", "-q", "other")
	check("checkout other")
	git(t, dir, "reset", "-q", "--hard", "HEAD~2")
	check("reset --hard HEAD~2")
	git(t, dir, "reset", "-q", "--hard", base)
	check("reset --hard back")
	git(t, dir, "checkout", "-q", "main")

	// Pull from a remote another clone pushes to.
	tmp := t.TempDir()
	remote := filepath.Join(tmp, "remote.git")
	git(t, tmp, "clone", "-q", "--bare", dir, remote)
	git(t, dir, "remote", "add", "origin", remote)
	git(t, dir, "fetch", "-q", "origin")
	git(t, dir, "branch", "-q", "-u", "origin/main")
	other := filepath.Join(tmp, "other")
	git(t, tmp, "clone", "-q", remote, other)
	git(t, other, "config", "user.name", "Bob")
	git(t, other, "config", "user.email", "bob@example.com")
	os.Remove(filepath.Join(other, entries[8].Path))
	src, _ = os.ReadFile(filepath.Join(other, entries[9].Path))
	os.MkdirAll(filepath.Join(other, "incidents", "2033", "02"), 0o777)
	os.WriteFile(filepath.Join(other, "incidents", "2033", "02", "330201-xxxx7-theirs.md"),
		[]byte(strings.Replace(string(src), entries[9].ID, "330201-xxxx7", 1)), 0o644)
	git(t, other, "add", "-A")
	git(t, other, "commit", "-qm", "theirs")
	git(t, other, "push", "-q", "origin", "HEAD:main")
	git(t, dir, "pull", "-q", "--ff-only")
	check("git pull")

	// The cache deleted, and damaged in ways its reading must notice.
	file := filepath.Join(w.cacheDir(), "entries")
	os.Remove(file)
	check("cache deleted")
	for _, damage := range []func(b []byte) []byte{
		func(b []byte) []byte { return b[:len(b)-3] },           // the last name cut
		func(b []byte) []byte { return append(b, "D\x00x"...) }, // a record cut
		func(b []byte) []byte { // a name too short to be a document's
			i := bytes.LastIndex(b, []byte(".md\x00"))
			j := bytes.LastIndexByte(b[:i], 0)
			return append(b[:j+1], b[i:]...)
		},
	} {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(file, damage(b), 0o600)
		check("damaged cache")
	}
}

func slicesContainsPath(es []Entry, p string) bool {
	for _, e := range es {
		if e.Path == p {
			return true
		}
	}
	return false
}

// The names a listing left in the entries cache are those it read first, even when another
// run replaces the file meanwhile (as incidentctl always does, by renaming a new one over it);
// when something rewrites the file in place instead, the listing fails rather than list other
// names, and the next one reads the folders afresh.
func TestEntriesCacheReplacedOrRewrittenWhileRead(t *testing.T) {
	saved := holdNames
	holdNames = false // as on every system but Windows
	t.Cleanup(func() { holdNames = saved })
	shortRacyWindow(t)
	w := synthRepo(t, 80, 0.2)
	waitSettled()
	if _, err := w.Entries(); err != nil { // writes the cache
		t.Fatal(err)
	}
	want, err := w.Entries()
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(w.cacheDir(), "entries")
	names := func(folders []*folder) (out []string) {
		for _, f := range folders {
			f.eachDoc(func(name, _ string) { out = append(out, f.docPath(name)) })
		}
		return out
	}

	// Replaced: a listing of another working tree's folders renamed over it.
	folders, err := w.folders()
	if err != nil {
		t.Fatal(err)
	}
	first := names(folders)
	if len(first) != len(want) {
		t.Fatalf("%d names, want %d", len(first), len(want))
	}
	b, _ := os.ReadFile(file)
	// Other names, in a file that is no entries cache (so that the next listing does not
	// take it for one).
	other := bytes.ReplaceAll(bytes.Replace(b, []byte(entriesMagic), []byte("not the entries cache\n"), 1), []byte("-"), []byte("_"))
	tmp := file + ".new"
	os.WriteFile(tmp, other, 0o600)
	if err := os.Rename(tmp, file); err != nil {
		t.Fatal(err)
	}
	if again := names(folders); !reflect.DeepEqual(again, first) || entriesErr(folders) != nil {
		t.Fatalf("after the file was replaced, the listing's names changed (%v)", entriesErr(folders))
	}

	// Rewritten in place: the same file, other bytes.
	os.WriteFile(file, b, 0o600) // the file as it was, in place
	folders, err = w.folders()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(file, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt(other, 0); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if again := names(folders); len(again) >= len(first) || entriesErr(folders) == nil {
		t.Fatalf("after the file was rewritten in place: %d of %d names, error %v", len(again), len(first), entriesErr(folders))
	}
	// The next listing does not take the rewritten file for the folders.
	got, err := w.Entries()
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("the listing after: %v (%d entries, want %d)", err, len(got), len(want))
	}
}
