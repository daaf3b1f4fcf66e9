//go:build !linux

package lint

import "io/fs"

// inodeAndCtime: elsewhere, size and modification time alone identify a version.
func inodeAndCtime(fi fs.FileInfo) (uint64, int64) { return 0, 0 }

// sameDevice cannot tell: the stamp is not trusted, racyWindow applies.
func sameDevice(a, b fs.FileInfo) bool { return false }
