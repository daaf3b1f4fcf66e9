//go:build !linux && !darwin

package index

import "os"

// StatOf fills what the portable os.FileInfo offers. git will re-hash the
// file once on its next status (and refresh the entry); the result is still
// correct, only slower.
func StatOf(fi os.FileInfo) Stat {
	return Stat{
		CtimeSec:  uint32(fi.ModTime().Unix()),
		CtimeNsec: uint32(fi.ModTime().Nanosecond()),
		MtimeSec:  uint32(fi.ModTime().Unix()),
		MtimeNsec: uint32(fi.ModTime().Nanosecond()),
		Mode:      modeRegular,
		Size:      uint32(fi.Size()),
	}
}
