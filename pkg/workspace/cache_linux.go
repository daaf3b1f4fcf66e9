//go:build linux

package workspace

import (
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"golang.org/x/sys/unix"
)

// inodeAndCtime returns what the caches compare besides size and modification time.
func inodeAndCtime(fi fs.FileInfo) (uint64, int64) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Ino), st.Ctim.Sec*1e9 + st.Ctim.Nsec
	}
	return 0, 0
}

// statFolder sets the key of each document in the folder dir that is (or links to) a regular
// file. It stats names relative to the open folder: on a large repository a path lookup from
// the root for each of 100,000 files costs more than the stat itself.
func statFolder(dir string, hs []header) {
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		statFolderByPath(dir, hs)
		return
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	for i := range hs {
		if err := unix.Fstatat(fd, hs[i].name, &st, 0); err != nil || st.Mode&unix.S_IFMT != unix.S_IFREG {
			continue
		}
		hs[i].key = statKey{size: st.Size, mtime: st.Mtim.Sec*1e9 + st.Mtim.Nsec, ctime: st.Ctim.Sec*1e9 + st.Ctim.Nsec, ino: uint64(st.Ino)}
	}
}

func statFolderByPath(dir string, hs []header) {
	for i := range hs {
		if fi, err := statFile(filepath.Join(dir, hs[i].name)); err == nil && fi.Mode().IsRegular() {
			hs[i].key = keyOf(fi)
		}
	}
}

func sameDevice(a, b fs.FileInfo) bool {
	sa, ok1 := a.Sys().(*syscall.Stat_t)
	sb, ok2 := b.Sys().(*syscall.Stat_t)
	return ok1 && ok2 && sa.Dev == sb.Dev
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
