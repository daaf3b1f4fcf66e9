// Package lockfile is git's lock protocol for a file it rewrites (the index, a ref, the
// config): create "<file>.lock" with O_EXCL, so two processes can never both hold it, write
// the new content into the lock file, then rename it over <file>, which publishes the content
// and releases the lock in one atomic step. git, and any tool that follows the protocol,
// excludes us and we exclude it. git documents the protocol in lockfile.h ("File write-locks")
// and, for refs, in Documentation/technical/api-ref-transactions and git-update-ref(1).
package lockfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/usererr"
)

// LockedError reports a lock file held by somebody else. Path is the lock
// file's absolute path.
type LockedError struct {
	Path string
}

func (e *LockedError) Error() string {
	return fmt.Sprintf("another git process seems to be running in this repository (%s exists); "+
		"wait for it to finish, or remove the file if it crashed", e.Path)
}

// Is makes errors.Is(err, ErrLocked) true.
func (e *LockedError) Is(target error) bool { return target == usererr.ErrLocked }

// Lock is a held lock on one file.
type Lock struct {
	target string // the file being protected
	path   string // target + ".lock"
	f      *os.File
	fi     os.FileInfo // identity of the lock file we created
	done   bool        // committed or released
}

// Take creates target+".lock". When it already exists somebody else holds
// it: the error is a *LockedError and the existing file is left alone.
func Take(target string) (*Lock, error) {
	path := target + ".lock"
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
	if errors.Is(err, os.ErrExist) {
		return nil, &LockedError{Path: path}
	}
	if err != nil {
		return nil, usererr.New(nil, err, "cannot create the lock file %s: %v", path, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		os.Remove(path)
		return nil, usererr.New(nil, err, "cannot create the lock file %s: %v", path, err)
	}
	return &Lock{target: target, path: path, f: f, fi: fi}, nil
}

// Path is the lock file's path (for messages).
func (l *Lock) Path() string { return l.path }

// Write appends b to the lock file's content.
func (l *Lock) Write(b []byte) error {
	if _, err := l.f.Write(b); err != nil {
		return usererr.New(nil, err, "cannot write %s: %v", l.path, err)
	}
	return nil
}

// Writer gives direct access to the lock file, for streaming content.
func (l *Lock) Writer() io.Writer { return l.f }

// Commit makes the written content durable and renames it over the target.
func (l *Lock) Commit() error { return l.publish(true) }

// CommitUnsynced renames the written content over the target without waiting for it to reach
// the disk, which is what git does by default for the index and for refs (neither "index" nor
// "reference" is in core.fsync's default). Syncing a 10 MB index costs more than the rest of
// a commit, and `git reset` rebuilds it.
func (l *Lock) CommitUnsynced() error { return l.publish(false) }

func (l *Lock) publish(sync bool) error {
	if l.done {
		return fmt.Errorf("internal error: lock %s used after release", l.path)
	}
	if sync {
		if err := l.f.Sync(); err != nil {
			return usererr.New(nil, err, "cannot write %s: %v", l.path, err)
		}
	}
	if err := l.f.Close(); err != nil {
		return usererr.New(nil, err, "cannot write %s: %v", l.path, err)
	}
	if err := os.Rename(l.path, l.target); err != nil {
		l.removeIfOurs()
		l.done = true
		return usererr.New(nil, err, "cannot replace %s with %s: %v", l.target, filepath.Base(l.path), err)
	}
	l.done = true
	return nil
}

// Release gives the lock up without touching the target. It is a no-op after
// commit, so callers can always defer it.
func (l *Lock) Release() {
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
func (l *Lock) removeIfOurs() {
	now, err := os.Lstat(l.path)
	if err == nil && os.SameFile(l.fi, now) {
		os.Remove(l.path)
	}
}
