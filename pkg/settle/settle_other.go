//go:build !linux

package settle

import "io/fs"

// inodeAndCtime: elsewhere, size and modification time alone identify a version.
func inodeAndCtime(fi fs.FileInfo) (uint64, int64) { return 0, 0 }

// sameDevice cannot tell: the stamp is not trusted, Window applies.
func sameDevice(a, b fs.FileInfo) bool { return false }
