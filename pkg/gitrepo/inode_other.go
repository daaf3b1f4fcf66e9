//go:build !unix

package gitrepo

import "io/fs"

// inodeOf: no inode numbers here; the index's identity is its size, times and checksum.
func inodeOf(fs.FileInfo) (uint64, bool) { return 0, false }
