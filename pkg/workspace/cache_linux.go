//go:build linux

package workspace

import (
	"os"
	"path/filepath"
	"slices"
	"unsafe"

	"golang.org/x/sys/unix"
)

// statFolder sets the key of each document in the folder dir that is (or links to) a regular
// file and that the meta cache has a record of (the others are read, which gives their key).
// It stats names relative to the open folder: on a large repository a path lookup from the
// root for each of 100,000 files costs more than the stat itself.
func statFolder(dir string, hs []header) {
	if !slices.ContainsFunc(hs, func(h header) bool { return h.cand.name != "" }) {
		return // nothing cached here (a fresh clone)
	}
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		statFolderByPath(dir, hs)
		return
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	for i := range hs {
		if hs[i].cand.name == "" {
			continue
		}
		if err := unix.Fstatat(fd, hs[i].name, &st, 0); err != nil || st.Mode&unix.S_IFMT != unix.S_IFREG {
			continue
		}
		hs[i].key = statKey{size: st.Size, mtime: st.Mtim.Sec*1e9 + st.Mtim.Nsec, ctime: st.Ctim.Sec*1e9 + st.Ctim.Nsec, ino: uint64(st.Ino)}
	}
}

func statFolderByPath(dir string, hs []header) {
	for i := range hs {
		if hs[i].cand.name == "" {
			continue
		}
		if fi, err := statFile(filepath.Join(dir, hs[i].name)); err == nil && fi.Mode().IsRegular() {
			hs[i].key = keyOf(fi)
		}
	}
}

// statNames stats the files names in the folder dir (following links, as reading them does):
// their keys, and whether each is a regular file that could be stat'ed.
func statNames(dir string, names []string) ([]statKey, []bool) {
	keys, oks := make([]statKey, len(names)), make([]bool, len(names))
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		for i, n := range names {
			if fi, err := statFile(filepath.Join(dir, n)); err == nil && fi.Mode().IsRegular() {
				keys[i], oks[i] = keyOf(fi), true
			}
		}
		return keys, oks
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	for i, n := range names {
		if err := unix.Fstatat(fd, n, &st, 0); err != nil || st.Mode&unix.S_IFMT != unix.S_IFREG {
			continue
		}
		keys[i] = statKey{size: st.Size, mtime: st.Mtim.Sec*1e9 + st.Mtim.Nsec, ctime: st.Ctim.Sec*1e9 + st.Ctim.Nsec, ino: uint64(st.Ino)}
		oks[i] = true
	}
	return keys, oks
}

// lockExclusive takes the advisory lock on f without waiting (released when f is closed).
func lockExclusive(f *os.File) bool {
	return unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB) == nil
}

// readStart reads the start of a regular file into buf (one open, one read, no symbolic link
// followed) and returns what it read.
func readStart(abs string, buf []byte) ([]byte, error) {
	fd, err := unix.Open(abs, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	defer unix.Close(fd)
	n, err := unix.Pread(fd, buf, 0)
	if err != nil {
		return nil, err
	}
	return buf[:n], nil
}

// offHeap returns room for n records outside the collected heap, and a function that frees
// it. T must hold no pointers (the collector does not look there). A listing's records are a
// few megabytes at 100,000 documents: on the heap they would raise the collector's goal by as
// much again, and the heap would grow with the repository.
func offHeap[T any](n int) ([]T, func()) {
	var zero T
	size := n * int(unsafe.Sizeof(zero))
	if size < 1<<20 {
		return make([]T, 0, n), func() {}
	}
	b, err := unix.Mmap(-1, 0, size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_ANON|unix.MAP_PRIVATE)
	if err != nil {
		return make([]T, 0, n), func() {}
	}
	return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(b))), n)[:0], func() { unix.Munmap(b) }
}
