package site

import (
	"io/fs"
	"syscall"
)

// statOf reads the stat data that identifies a version of a file.
func statOf(fi fs.FileInfo) (size, mtime, ctime int64, ino uint64) {
	size, mtime = fi.Size(), fi.ModTime().UnixNano()
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		ino, ctime = st.Ino, st.Ctim.Sec*1e9+st.Ctim.Nsec
	}
	return
}
