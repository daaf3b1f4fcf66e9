//go:build linux || darwin

package worktree

import (
	"os"

	"golang.org/x/sys/unix"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/index"
)

// LstatAt reads the stat data of name in the open folder d: one system call that does not
// walk the path from the root again (dirFull is for the fallback only).
func LstatAt(d *os.File, dirFull, name string) (index.Stat, Kind, error) {
	var s unix.Stat_t
	if err := unix.Fstatat(int(d.Fd()), name, &s, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return index.Stat{}, KindOther, &os.PathError{Op: "lstat", Path: dirFull + "/" + name, Err: err}
	}
	st := index.Stat{
		CtimeSec: uint32(s.Ctim.Sec), CtimeNsec: uint32(s.Ctim.Nsec),
		MtimeSec: uint32(s.Mtim.Sec), MtimeNsec: uint32(s.Mtim.Nsec),
		Dev: uint32(s.Dev), Ino: uint32(s.Ino), UID: s.Uid, GID: s.Gid, Size: uint32(s.Size),
	}
	kind := KindOther
	switch s.Mode & unix.S_IFMT {
	case unix.S_IFREG:
		kind = KindRegular
	case unix.S_IFLNK:
		kind = KindSymlink
	case unix.S_IFDIR:
		kind = KindDir
	}
	return st, kind, nil
}
