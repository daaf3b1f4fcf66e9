//go:build !linux

package workspace

import (
	"io/fs"
	"os"
	"path/filepath"
)

// inodeAndCtime: elsewhere, size and modification time alone identify a version.
func inodeAndCtime(fi fs.FileInfo) (uint64, int64) { return 0, 0 }

// statFolder sets the key of each document in the folder dir that is (or links to) a regular
// file.
func statFolder(dir string, hs []header) {
	for i := range hs {
		if fi, err := statFile(filepath.Join(dir, hs[i].name)); err == nil && fi.Mode().IsRegular() {
			hs[i].key = keyOf(fi)
		}
	}
}

// sameDevice cannot tell: the stamp is not trusted, racyWindow applies.
func sameDevice(a, b fs.FileInfo) bool { return false }

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
