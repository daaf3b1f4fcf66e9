//go:build unix

package odb

import (
	"os"
	"syscall"
)

// mapFile maps a whole file read-only. Packs and their indexes are never changed in place
// (git writes new ones and renames them into place), so the mapping stays valid, even after
// the file is deleted by a repack.
func mapFile(path string) ([]byte, error) { return mapFileEnds(path, nil, nil) }

// mapFileEnds is mapFile that also reads the file's first len(head) and last len(tail) bytes
// into head and tail with plain reads: touching them through the mapping would map the
// 64 KB around each into the process (the kernel's fault-around).
func mapFileEnds(path string, head, tail []byte) ([]byte, error) {
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
	if size <= 0 || size != int64(int(size)) || size < int64(len(head)+len(tail)) {
		return nil, errSlowPath
	}
	if _, err := f.ReadAt(head, 0); err != nil {
		return nil, err
	}
	if _, err := f.ReadAt(tail, size-int64(len(tail))); err != nil {
		return nil, err
	}
	return syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
}

// unmapFile releases a mapping made by mapFile (a cleanup once its pack is unreachable).
func unmapFile(b []byte) {
	if b != nil {
		syscall.Munmap(b)
	}
}
