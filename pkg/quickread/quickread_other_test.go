//go:build !linux

package quickread

import (
	"os"
	"path/filepath"
	"testing"
)

// TestReadElsewhere: elsewhere than Linux the quick read takes nothing, and the callers read
// every file the ordinary way.
func TestReadElsewhere(t *testing.T) {
	p := filepath.Join(t.TempDir(), "a.md")
	if err := os.WriteFile(p, []byte("a"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := New(1 << 20)
	defer r.Close()
	if _, _, ok := r.Read(p); ok {
		t.Error("Read took a file")
	}
	if _, _, ok := r.ReadOwn(p); ok {
		t.Error("ReadOwn took a file")
	}
	var buf []byte
	if _, _, ok := ReadFileInto(p, 1<<20, &buf); ok {
		t.Error("ReadFileInto took a file")
	}
}
