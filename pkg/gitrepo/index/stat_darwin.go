package index

import "syscall"

// sysTimes is the one difference between Linux and macOS here: the names of the fields.
func sysTimes(s *syscall.Stat_t) (ctime, mtime syscall.Timespec) { return s.Ctimespec, s.Mtimespec }
