// Package lockfile is git's lock protocol for a file it rewrites (the index, a ref, the
// config): create "<file>.lock" with O_EXCL, so two processes can never both hold it, write
// the new content into the lock file, then rename it over <file>, which publishes the content
// and releases the lock in one atomic step. git, and any tool that follows the protocol,
// excludes us and we exclude it. git documents the protocol in lockfile.h ("File write-locks")
// and, for refs, in Documentation/git-update-ref.txt.
//
// Two things git leaves to the user are done here. A lock somebody else holds is waited for a
// short, bounded time before giving up with a sentence that says who holds it. And a lock
// incidentctl took is recognisable after a kill -9: beside it, in the mark folder, a hard link
// to the same file is named after the process that took it (pid, host, start time; see
// internal/owner), so that a later incidentctl can tell a lock its dead predecessor left from
// one a running git holds, and clear only the first. A lock that carries no mark, or whose
// process still runs, is never removed.
package lockfile

import (
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/owner"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/perm"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/usererr"
)

// DefaultWait is how long Take waits for a lock somebody else holds: git's own commands hold
// the index and ref locks for milliseconds (a big `git add` or `git status` refresh for a
// second or so), a human never.
const DefaultWait = 2 * time.Second

// Locker takes locks for one repository.
type Locker struct {
	// MarkDir is where marks are kept (<common dir>/incidentctl/locks); "" takes locks without
	// marks.
	MarkDir string
	// Wait bounds how long Take waits for a held lock; 0 means DefaultWait, a negative value
	// not at all.
	Wait time.Duration
	// Shared is core.sharedRepository, applied to the lock file (and so to what it becomes).
	Shared perm.Shared
}

// plain is the Locker of Take: no marks, the default wait.
var plain = &Locker{}

// Take takes a lock with no mark and the default wait.
func Take(target string) (*Lock, error) { return plain.Take(target) }

// Lock is a held lock on one file.
type Lock struct {
	target string // the file being protected
	path   string // target + ".lock"
	mark   string // the hard link in the mark folder; "" without one
	f      *os.File
	fi     os.FileInfo // identity of the lock file we created
	done   bool        // committed or released
}

var errHeld = errors.New("held")

// Take creates target+".lock", waiting up to the Locker's Wait while somebody else holds it.
// A lock a dead incidentctl left is cleared on the way. When the wait runs out the error is a
// *LockedError that says who holds the lock, and the lock is left alone.
func (lk *Locker) Take(target string) (*Lock, error) {
	wait := lk.Wait
	if wait == 0 {
		wait = DefaultWait
	}
	deadline := time.Now().Add(wait)
	pause := time.Millisecond
	path := target + ".lock"
	for {
		l, err := lk.try(target)
		if err == nil {
			return l, nil
		}
		if !errors.Is(err, errHeld) {
			return nil, err
		}
		h := lk.Inspect(path)
		if h != nil && h.Stale {
			if lk.clear(h) {
				continue
			}
		}
		if h == nil {
			continue // released between our attempt and the look
		}
		if wait < 0 || !time.Now().Before(deadline) {
			return nil, h
		}
		time.Sleep(min(pause, time.Until(deadline)))
		pause = min(pause*2, 50*time.Millisecond)
	}
}

var markSeq atomic.Int64

// Tag is how the marks of one lock path start (exported for tests that make a dead process's
// lock).
func Tag(lockPath string) string { return tag(lockPath) }

// tag names the marks of one lock path.
func tag(lockPath string) string {
	abs, err := filepath.Abs(lockPath)
	if err != nil {
		abs = lockPath
	}
	sum := sha1.Sum([]byte(abs))
	return hex.EncodeToString(sum[:6])
}

// try makes one attempt.
func (lk *Locker) try(target string) (*Lock, error) {
	path := target + ".lock"
	if lk.MarkDir != "" {
		l, err := lk.tryMarked(target, path)
		if !errors.Is(err, errNoLinks) {
			return l, err
		}
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
	if errors.Is(err, os.ErrExist) {
		return nil, errHeld
	}
	if err != nil {
		return nil, usererr.New(nil, err, "cannot create the lock file %s: %v", path, err)
	}
	return lk.opened(target, path, "", f)
}

var errNoLinks = errors.New("no hard links here")

// tryMarked creates the mark first and links the lock to it, so that the lock never exists
// without its mark: link(2) fails when the lock exists, like O_EXCL.
func (lk *Locker) tryMarked(target, path string) (*Lock, error) {
	if err := lk.Shared.MkdirAll(lk.MarkDir); err != nil {
		return nil, errNoLinks
	}
	mark := filepath.Join(lk.MarkDir, fmt.Sprintf("%s.%s.%d", tag(path), owner.Self().Token(), markSeq.Add(1)))
	f, err := os.OpenFile(mark, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
	if err != nil {
		return nil, errNoLinks
	}
	err = os.Link(mark, path)
	switch {
	case err == nil:
		return lk.opened(target, path, mark, f)
	case errors.Is(err, os.ErrExist):
		f.Close()
		os.Remove(mark)
		return nil, errHeld
	case errors.Is(err, os.ErrNotExist):
		f.Close()
		os.Remove(mark)
		return nil, usererr.New(nil, err, "cannot create the lock file %s: its folder does not exist", path)
	}
	// A file system without hard links (or the mark folder on another one): plain O_EXCL.
	f.Close()
	os.Remove(mark)
	return nil, errNoLinks
}

func (lk *Locker) opened(target, path, mark string, f *os.File) (*Lock, error) {
	fi, err := f.Stat()
	if err == nil {
		err = lk.Shared.Adjust(path)
	}
	if err != nil {
		f.Close()
		os.Remove(path)
		if mark != "" {
			os.Remove(mark)
		}
		return nil, usererr.New(nil, err, "cannot create the lock file %s: %v", path, err)
	}
	return &Lock{target: target, path: path, mark: mark, f: f, fi: fi}, nil
}

// Done reports whether the lock was committed or released.
func (l *Lock) Done() bool { return l.done }

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

// Close finishes writing without publishing: the content is complete in the lock file, which
// stays held until Commit or Release. It may be called before Commit, which then only renames.
func (l *Lock) Close() error {
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	if err != nil {
		return usererr.New(nil, err, "cannot write %s: %v", l.path, err)
	}
	return nil
}

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
	if sync && l.f != nil {
		if err := l.f.Sync(); err != nil {
			return usererr.New(nil, err, "cannot write %s: %v", l.path, err)
		}
	}
	if err := l.Close(); err != nil {
		return err
	}
	if err := os.Rename(l.path, l.target); err != nil {
		l.removeIfOurs()
		l.done = true
		return usererr.New(nil, err, "cannot replace %s with %s: %v", l.target, filepath.Base(l.path), err)
	}
	l.done = true
	if l.mark != "" {
		os.Remove(l.mark) // a link to the published file now: removing it leaves the file alone
	}
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
	if l.f != nil {
		l.f.Close()
	}
}

// removeIfOurs deletes the lock file only if it is still the very file we
// created (same inode): never remove a lock somebody else took, even if ours
// was deleted behind our back and they created a new one.
func (l *Lock) removeIfOurs() {
	now, err := os.Lstat(l.path)
	if err == nil && os.SameFile(l.fi, now) {
		os.Remove(l.path)
	}
	if l.mark != "" {
		os.Remove(l.mark)
	}
}

// LockedError reports a lock file held by somebody else and what is known of its holder.
// Path is the lock file's absolute path.
type LockedError struct {
	Path string
	// Ours: an incidentctl took it (its mark is there); PID and Host name that process.
	Ours      bool
	PID       int
	Host      string
	Stale     bool // Ours, and that process is gone: the lock may be cleared
	Age       time.Duration
	mark      string
	lockStamp os.FileInfo
}

func (e *LockedError) Error() string {
	return fmt.Sprintf("the repository is locked: %s exists (%s); %s", e.Path, e.Holder(), e.Advice())
}

// Holder says who holds the lock, as far as can be known.
func (e *LockedError) Holder() string {
	age := ""
	if e.Age > 0 {
		age = fmt.Sprintf(", made %s ago", e.Age.Round(time.Second))
	}
	switch {
	case e.Ours && e.Host != "" && e.Host != owner.Self().Host:
		return fmt.Sprintf("held by incidentctl, pid %d on host %s%s", e.PID, e.Host, age)
	case e.Ours:
		return fmt.Sprintf("held by incidentctl, pid %d, still running%s", e.PID, age)
	}
	return "held by another git command" + age
}

// Advice says what to do.
func (e *LockedError) Advice() string {
	if e.Ours {
		return "wait for it to finish and run the command again"
	}
	return fmt.Sprintf("wait for it to finish and run the command again; if no git command is running, "+
		"a crashed one left it: remove it (rm %s)", e.Path)
}

// Is makes errors.Is(err, ErrLocked) true.
func (e *LockedError) Is(target error) bool { return target == usererr.ErrLocked }

// Inspect looks at a lock file: nil when it does not exist, otherwise who holds it. Marks of
// dead processes that no longer belong to any lock are removed on the way.
func (lk *Locker) Inspect(path string) *LockedError {
	fi, err := os.Lstat(path)
	if err != nil {
		return nil
	}
	h := &LockedError{Path: path, Age: time.Since(fi.ModTime()), lockStamp: fi}
	if h.Age < 0 {
		h.Age = 0
	}
	if lk.MarkDir == "" {
		return h
	}
	des, err := os.ReadDir(lk.MarkDir)
	if err != nil {
		return h
	}
	prefix := tag(path) + "."
	for _, de := range des {
		name := de.Name()
		if !strings.HasPrefix(name, prefix) {
			continue
		}
		rest := strings.TrimPrefix(name, prefix)
		i := strings.LastIndexByte(rest, '.')
		if i < 0 {
			continue
		}
		id, err := owner.Parse(rest[:i])
		if err != nil {
			continue
		}
		mark := filepath.Join(lk.MarkDir, name)
		mfi, err := os.Lstat(mark)
		if err != nil {
			continue
		}
		dead := owner.Check(id) == owner.Dead
		if !os.SameFile(mfi, fi) {
			if dead {
				os.Remove(mark) // left after a publish, or by an attempt that never linked
			}
			continue
		}
		h.Ours, h.PID, h.Host, h.Stale, h.mark = true, id.PID, id.Host, dead, mark
	}
	return h
}

// clear removes a lock its dead holder left, making sure it is still that very file: it is
// moved into the mark folder first and checked there, so that a lock somebody took in the
// meantime is never removed.
func (lk *Locker) clear(h *LockedError) bool {
	trash := filepath.Join(lk.MarkDir, fmt.Sprintf("cleared.%s.%d", owner.Self().Token(), markSeq.Add(1)))
	if err := os.Rename(h.Path, trash); err != nil {
		return false
	}
	fi, err := os.Lstat(trash)
	if err != nil || !os.SameFile(fi, h.lockStamp) {
		// Not the one we judged: put it back where it was.
		if os.Link(trash, h.Path) == nil {
			os.Remove(trash)
		}
		return false
	}
	os.Remove(trash)
	os.Remove(h.mark)
	return true
}

// HeldError names every lock that kept a change from starting, all at once.
type HeldError struct {
	Locks []*LockedError
}

func (e *HeldError) Error() string {
	if len(e.Locks) == 1 {
		return e.Locks[0].Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "the repository is locked: %d lock files exist:", len(e.Locks))
	var foreign []string
	for _, l := range e.Locks {
		fmt.Fprintf(&b, "\n  %s (%s)", l.Path, l.Holder())
		if !l.Ours {
			foreign = append(foreign, l.Path)
		}
	}
	b.WriteString("\nwait for them to finish and run the command again")
	if len(foreign) > 0 {
		fmt.Fprintf(&b, "; if no git command is running, a crashed one left them: remove them (rm %s)", strings.Join(foreign, " "))
	}
	return b.String()
}

// Is makes errors.Is(err, ErrLocked) true.
func (e *HeldError) Is(target error) bool { return target == usererr.ErrLocked }

// Unwrap gives each lock's error.
func (e *HeldError) Unwrap() []error {
	out := make([]error, len(e.Locks))
	for i, l := range e.Locks {
		out[i] = l
	}
	return out
}
