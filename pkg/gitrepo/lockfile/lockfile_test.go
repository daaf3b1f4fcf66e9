package lockfile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/usererr"
)

// The protocol: one holder at a time, content published by rename, and a release that never
// removes a lock somebody else took after ours was deleted.
func TestLock(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "index")
	if err := os.WriteFile(target, []byte("old"), 0o666); err != nil {
		t.Fatal(err)
	}
	l, err := Take(target)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Take(target); !errors.Is(err, usererr.ErrLocked) {
		t.Fatalf("a second Take: %v, want ErrLocked", err)
	}
	if err := l.Write([]byte("new")); err != nil {
		t.Fatal(err)
	}
	if err := l.CommitUnsynced(); err != nil {
		t.Fatal(err)
	}
	l.Release() // a no-op after commit
	if b, _ := os.ReadFile(target); string(b) != "new" {
		t.Errorf("target = %q after commit", b)
	}
	if _, err := os.Stat(target + ".lock"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the lock file is left after commit: %v", err)
	}

	l, err = Take(target)
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(l.Path())                                        // deleted behind our back ...
	if err := os.WriteFile(l.Path(), nil, 0o666); err != nil { // ... and taken by somebody else
		t.Fatal(err)
	}
	l.Release()
	if _, err := os.Stat(target + ".lock"); err != nil {
		t.Errorf("Release removed somebody else's lock: %v", err)
	}
	if b, _ := os.ReadFile(target); string(b) != "new" {
		t.Errorf("target = %q after release", b)
	}
}
