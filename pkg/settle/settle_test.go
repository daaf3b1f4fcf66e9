package settle

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestStamp(t *testing.T) {
	dir, docs := t.TempDir(), t.TempDir()
	before := time.Now().Add(-time.Minute).UnixNano()
	s := Stamp(filepath.Join(dir, "cache"), docs)
	if s < before || s > time.Now().Add(time.Minute).UnixNano() {
		t.Fatalf("stamp %d is not about now", s)
	}
	// A file written after the stamp is not settled.
	f := filepath.Join(docs, "a.md")
	if err := os.WriteFile(f, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(f)
	if fi.ModTime().UnixNano() < s {
		t.Errorf("a file written after the stamp (%d) has an earlier time (%d)", s, fi.ModTime().UnixNano())
	}
	// No documents folder: the fallback, Window before now.
	s2 := Stamp(filepath.Join(dir, "cache"), filepath.Join(docs, "missing"))
	if d := time.Now().UnixNano() - s2; d < int64(Window) || d > int64(Window+time.Minute) {
		t.Errorf("fallback stamp is %v before now, want about %v", time.Duration(d), Window)
	}
	if entries, _ := os.ReadDir(filepath.Join(dir, "cache")); len(entries) != 0 {
		t.Errorf("the stamp file was left behind: %v", entries)
	}
}

func TestBuildKey(t *testing.T) {
	if k := BuildKey(); k == "" || k != BuildKey() {
		t.Errorf("BuildKey() = %q, not stable", k)
	}
}
