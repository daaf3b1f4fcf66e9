// Package settle holds the rules every cache of file readings shares (the folder and
// front-matter caches of pkg/workspace, lint's result cache), after git's "racy git" rule
// (Documentation/technical/racy-git.txt): a reading of a file is only kept if the file last
// changed before the run started looking, and a cache written by another build of incidentctl
// is never used.
package settle

import (
	"io/fs"
	"os"
	"strconv"
	"strings"
	"time"
)

// Window is how far before now the limit lies when Stamp cannot take the file system's own
// clock: as wide as the coarsest timestamps (FAT's two seconds). A variable for the tests.
var Window = 2 * time.Second

// Stamp is the settle limit of a run about to look at the documents under docs (Unix
// nanoseconds, in the file system's clock): the modification time of a file created now in
// dir (the cache folder), which is what stamps the documents too, whatever its granularity,
// even on a network file system whose clock is not this machine's. Anything modified at or
// after it must be read again next time. Where the stamp cannot be taken (a read-only or
// separate git folder, the documents on another file system), it is Window before now.
func Stamp(dir, docs string) int64 {
	fallback := time.Now().Add(-Window).UnixNano()
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return fallback
	}
	f, err := os.CreateTemp(dir, "stamp-*")
	if err != nil {
		return fallback
	}
	fi, err := f.Stat()
	f.Close()
	os.Remove(f.Name())
	if err != nil {
		return fallback
	}
	// The documents must be on the same file system, or their clock may be another one.
	di, err := os.Stat(docs)
	if err != nil || !sameDevice(fi, di) {
		return fallback
	}
	return fi.ModTime().UnixNano()
}

// BuildKey names this build of incidentctl (its executable's path, size and modification
// time): a cache written by another build is not used.
func BuildKey() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	fi, err := os.Stat(exe)
	if err != nil {
		return ""
	}
	return strings.NewReplacer("\n", " ", "\x00", " ").Replace(exe) + " " + strconv.FormatInt(fi.Size(), 10) + " " + strconv.FormatInt(fi.ModTime().UnixNano(), 10)
}

// InodeAndCtime returns what the caches compare besides size and modification time (zero
// where the system does not say).
func InodeAndCtime(fi fs.FileInfo) (uint64, int64) { return inodeAndCtime(fi) }
