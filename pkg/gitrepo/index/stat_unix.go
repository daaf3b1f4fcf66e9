//go:build linux || darwin

package index

import (
	"os"
	"syscall"
)

// StatOf converts a file's stat data into git's index representation (all
// fields truncated to 32 bits, as git does).
func StatOf(fi os.FileInfo) Stat {
	st := Stat{
		MtimeSec:  uint32(fi.ModTime().Unix()),
		MtimeNsec: uint32(fi.ModTime().Nanosecond()),
		Mode:      modeRegular,
		Size:      uint32(fi.Size()),
	}
	if s, ok := fi.Sys().(*syscall.Stat_t); ok {
		ctim, mtim := sysTimes(s)
		st.CtimeSec, st.CtimeNsec = uint32(ctim.Sec), uint32(ctim.Nsec)
		st.MtimeSec, st.MtimeNsec = uint32(mtim.Sec), uint32(mtim.Nsec)
		st.Dev, st.Ino = uint32(s.Dev), uint32(s.Ino)
		st.UID, st.GID = s.Uid, s.Gid
	}
	return st
}
