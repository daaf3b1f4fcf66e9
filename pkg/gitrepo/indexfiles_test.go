package gitrepo

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// IndexFiles gives the blobs git ls-files gives, and Holds says a file is unchanged exactly
// while its stat data are the ones git recorded after it last changed.
func TestIndexFilesAndHolds(t *testing.T) {
	dir := newRepo(t, map[string]string{"incidents/a.md": "a\n", "incidents/b.md": "b\n", "other.md": "o\n"})
	// Files older than the index: git's entries for them are not racy.
	old := time.Now().Add(-time.Hour)
	for _, p := range []string{"incidents/a.md", "incidents/b.md", "other.md"} {
		if err := os.Chtimes(filepath.Join(dir, p), old, old); err != nil {
			t.Fatal(err)
		}
	}
	gitOut(t, dir, "update-index", "--refresh")
	r := openRepo(t, dir)
	id, files, err := r.IndexFiles("incidents/")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(gitOut(t, dir, "ls-files", "--stage", "incidents/")), "\n") {
		f := strings.Fields(l)
		want[f[3]] = f[1]
	}
	if len(files) != len(want) {
		t.Fatalf("%d files, want %d", len(files), len(want))
	}
	for _, f := range files {
		if want[f.Path] != f.Blob.String() || !f.Clean {
			t.Fatalf("%s: %s clean=%v, want %s", f.Path, f.Blob, f.Clean, want[f.Path])
		}
		fi, err := os.Stat(filepath.Join(dir, f.Path))
		if err != nil {
			t.Fatal(err)
		}
		if !f.Holds(fi) {
			t.Fatalf("%s: Holds is false for the file git just refreshed", f.Path)
		}
	}
	again, err := r.IndexID()
	if err != nil || again != id || !id.HasSum() {
		t.Fatalf("IndexID %+v (%v), IndexFiles said %+v", again, err, id)
	}
	// A hand edit of the same size: the stat data differ, so Holds is false.
	if err := os.WriteFile(filepath.Join(dir, "incidents/a.md"), []byte("A\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(filepath.Join(dir, "incidents/a.md"))
	if files[0].Holds(fi) {
		t.Fatal("Holds after a hand edit")
	}
	// git add changes the index: another ID, another blob.
	gitOut(t, dir, "add", "incidents/a.md")
	id2, files2, err := r.IndexFiles("incidents/")
	if err != nil || id2 == id || files2[0].Blob == files[0].Blob {
		t.Fatalf("after git add: %+v %v", id2, err)
	}
	// A conflict is one entry, not clean; a split index is not walked.
	gitOut(t, dir, "update-index", "--split-index")
	if _, _, err := r.IndexFiles("incidents/"); !errors.Is(err, ErrIndexNotWalkable) {
		t.Fatalf("split index: %v", err)
	}
	// No index at all: the zero ID.
	os.Remove(filepath.Join(dir, ".git", "index"))
	if id, err := r.IndexID(); err != nil || !id.Missing() {
		t.Fatalf("no index: %+v %v", id, err)
	}
}

// A file that changed in the same instant the index was written is racy: never Holds.
func TestIndexFilesRacy(t *testing.T) {
	dir := newRepo(t, map[string]string{"incidents/a.md": "a\n"})
	now := time.Now().Add(time.Hour) // later than the index
	if err := os.Chtimes(filepath.Join(dir, "incidents/a.md"), now, now); err != nil {
		t.Fatal(err)
	}
	gitOut(t, dir, "update-index", "--refresh")
	r := openRepo(t, dir)
	_, files, err := r.IndexFiles("incidents/")
	if err != nil || len(files) != 1 {
		t.Fatal(files, err)
	}
	fi, _ := os.Stat(filepath.Join(dir, "incidents/a.md"))
	if files[0].Holds(fi) {
		t.Fatal("a file newer than the index Holds")
	}
}
