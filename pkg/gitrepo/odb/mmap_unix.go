//go:build unix

package odb

import (
	"os"
	"syscall"
)

// mapFile maps a whole file read-only. Packs and their indexes are never changed in place
// (git writes new ones and renames them into place), so the mapping stays valid, even after
// the file is deleted by a repack.
func mapFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := fi.Size()
	if size <= 0 || size != int64(int(size)) {
		return nil, errSlowPath
	}
	return syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
}

// unmapFile releases a mapping made by mapFile (a cleanup once its pack is unreachable).
func unmapFile(b []byte) {
	if b != nil {
		syscall.Munmap(b)
	}
}
