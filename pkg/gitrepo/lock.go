package gitrepo

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// lockFile is git's lock protocol: create "<file>.lock" with O_EXCL (so two
// processes can never both hold it), write the new content into the lock
// file, then rename it over <file>, which publishes the content and releases
// the lock in one atomic step. git, and any tool that follows the protocol,
// excludes us and we exclude it.
type lockFile struct {
	target string // the file being protected
	path   string // target + ".lock"
	f      *os.File
	fi     os.FileInfo // identity of the lock file we created
	done   bool        // committed or released
}

// takeLock creates target+".lock". When it already exists somebody else holds
// it: the error is a *LockedError and the existing file is left alone.
func takeLock(target string) (*lockFile, error) {
	path := target + ".lock"
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
	if errors.Is(err, os.ErrExist) {
		return nil, &LockedError{Path: path}
	}
	if err != nil {
		return nil, newUserError(nil, err, "cannot create the lock file %s: %v", path, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		os.Remove(path)
		return nil, newUserError(nil, err, "cannot create the lock file %s: %v", path, err)
	}
	return &lockFile{target: target, path: path, f: f, fi: fi}, nil
}

func (l *lockFile) write(b []byte) error {
	if _, err := l.f.Write(b); err != nil {
		return newUserError(nil, err, "cannot write %s: %v", l.path, err)
	}
	return nil
}

// writer gives direct access to the lock file, for streaming content.
func (l *lockFile) writer() io.Writer { return l.f }

// commit makes the written content durable and renames it over the target.
func (l *lockFile) commit() error { return l.publish(true) }

// commitUnsynced renames the written content over the target without waiting for it to reach
// the disk, which is what git does by default for the index and for refs (neither "index" nor
// "reference" is in core.fsync's default). Syncing a 10 MB index costs more than the rest of
// a commit, and `git reset` rebuilds it.
func (l *lockFile) commitUnsynced() error { return l.publish(false) }

func (l *lockFile) publish(sync bool) error {
	if l.done {
		return fmt.Errorf("internal error: lock %s used after release", l.path)
	}
	if sync {
		if err := l.f.Sync(); err != nil {
			return newUserError(nil, err, "cannot write %s: %v", l.path, err)
		}
	}
	if err := l.f.Close(); err != nil {
		return newUserError(nil, err, "cannot write %s: %v", l.path, err)
	}
	if err := os.Rename(l.path, l.target); err != nil {
		l.removeIfOurs()
		l.done = true
		return newUserError(nil, err, "cannot replace %s with %s: %v", l.target, filepath.Base(l.path), err)
	}
	l.done = true
	return nil
}

// release gives the lock up without touching the target. It is a no-op after
// commit, so callers can always defer it.
func (l *lockFile) release() {
	if l == nil || l.done {
		return
	}
	l.done = true
	l.removeIfOurs()
	l.f.Close()
}

// removeIfOurs deletes the lock file only if it is still the very file we
// created (same inode): never remove a lock somebody else took, even if ours
// was deleted behind our back and they created a new one.
func (l *lockFile) removeIfOurs() {
	now, err := os.Lstat(l.path)
	if err == nil && os.SameFile(l.fi, now) {
		os.Remove(l.path)
	}
}
