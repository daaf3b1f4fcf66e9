//go:build darwin

package gitrepo

import (
	"os"
	"syscall"
)

// statOf converts a file's stat data into git's index representation (all
// fields truncated to 32 bits, as git does).
func statOf(fi os.FileInfo) statData {
	st := statData{
		MtimeSec:  uint32(fi.ModTime().Unix()),
		MtimeNsec: uint32(fi.ModTime().Nanosecond()),
		Mode:      modeRegular,
		Size:      uint32(fi.Size()),
	}
	if s, ok := fi.Sys().(*syscall.Stat_t); ok {
		st.CtimeSec, st.CtimeNsec = uint32(s.Ctimespec.Sec), uint32(s.Ctimespec.Nsec)
		st.MtimeSec, st.MtimeNsec = uint32(s.Mtimespec.Sec), uint32(s.Mtimespec.Nsec)
		st.Dev, st.Ino = uint32(s.Dev), uint32(s.Ino)
		st.UID, st.GID = s.Uid, s.Gid
	}
	return st
}
