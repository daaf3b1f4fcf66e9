//go:build !linux

package workspace

import (
	"io"
	"os"
	"path/filepath"
)

// statFolder sets the key of each document in the folder dir that is (or links to) a regular
// file and that the meta cache has a record of (the others are read, which gives their key).
func statFolder(dir string, hs []header) {
	for i := range hs {
		if hs[i].cand.name == "" {
			continue
		}
		if fi, err := statFile(filepath.Join(dir, hs[i].name)); err == nil && fi.Mode().IsRegular() {
			hs[i].key = keyOf(fi)
		}
	}
}

// statNames stats the files names in the folder dir: their keys, and whether each is a
// regular file that could be stat'ed.
func statNames(dir string, names []string) ([]statKey, []bool) {
	keys, oks := make([]statKey, len(names)), make([]bool, len(names))
	for i, n := range names {
		if fi, err := statFile(filepath.Join(dir, n)); err == nil && fi.Mode().IsRegular() {
			keys[i], oks[i] = keyOf(fi), true
		}
	}
	return keys, oks
}

// lockExclusive: elsewhere the element cache is not appended to, only written afresh.
func lockExclusive(f *os.File) bool { return false }

// readStart reads the start of a file into buf and returns what it read.
func readStart(abs string, buf []byte) ([]byte, error) {
	f, err := os.Open(abs)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	n, err := io.ReadFull(f, buf)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return nil, err
	}
	return buf[:n], nil
}

// offHeap returns room for n records (on the heap: elsewhere than Linux, no mapping).
func offHeap[T any](n int) ([]T, func()) { return make([]T, 0, n), func() {} }
