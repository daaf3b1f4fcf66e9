//go:build unix

package gitrepo

import (
	"io/fs"
	"syscall"
)

// inodeOf is the file's inode number, where the system has one.
func inodeOf(fi fs.FileInfo) (uint64, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return uint64(st.Ino), true
}
