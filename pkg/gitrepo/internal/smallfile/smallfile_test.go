package smallfile

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestReadFileMatchesOS(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []int{0, 1, 41, 511, 512, 513, 4096, 70000} {
		path := filepath.Join(dir, "f")
		want := bytes.Repeat([]byte{'x', 0, '\n'}, n)[:n]
		if err := os.WriteFile(path, want, 0o666); err != nil {
			t.Fatal(err)
		}
		got, err := ReadFile(path)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("size %d: got %d bytes, %v", n, len(got), err)
		}
	}
}

func TestReadFileErrors(t *testing.T) {
	dir := t.TempDir()
	_, err := ReadFile(filepath.Join(dir, "missing"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing file: %v, want fs.ErrNotExist", err)
	}
	_, osErr := os.ReadFile(filepath.Join(dir, "missing"))
	if err.Error() != osErr.Error() {
		t.Errorf("missing file: %q, os.ReadFile says %q", err, osErr)
	}
	if _, err := ReadFile(dir); err == nil {
		t.Errorf("a directory read without an error")
	}
}
