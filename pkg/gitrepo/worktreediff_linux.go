//go:build linux

package gitrepo

import (
	"os"

	"golang.org/x/sys/unix"
)

// lstatAt reads the stat data of name in the open folder d: one system call that does not
// walk the path from the root again (dirFull is for the fallback only).
func lstatAt(d *os.File, dirFull, name string) (statData, fileKind, error) {
	var s unix.Stat_t
	if err := unix.Fstatat(int(d.Fd()), name, &s, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return statData{}, kindOther, &os.PathError{Op: "lstat", Path: dirFull + "/" + name, Err: err}
	}
	st := statData{
		CtimeSec: uint32(s.Ctim.Sec), CtimeNsec: uint32(s.Ctim.Nsec),
		MtimeSec: uint32(s.Mtim.Sec), MtimeNsec: uint32(s.Mtim.Nsec),
		Dev: uint32(s.Dev), Ino: uint32(s.Ino), UID: s.Uid, GID: s.Gid, Size: uint32(s.Size),
	}
	kind := kindOther
	switch s.Mode & unix.S_IFMT {
	case unix.S_IFREG:
		kind = kindRegular
	case unix.S_IFLNK:
		kind = kindSymlink
	case unix.S_IFDIR:
		kind = kindDir
	}
	return st, kind, nil
}
