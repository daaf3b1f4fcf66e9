package refs

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/fault"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/usererr"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/lockfile"
)

// Who is the identity written into reflog lines.
type Who struct {
	Name, Email string
	When        time.Time
}

// UpdateBranch moves ref from old (zero: the branch must not exist yet) to
// new under git's lock protocol: take <ref>.lock, check the ref still has the
// value the caller computed its change from, write the new value into the
// lock, append the reflogs, and rename the lock over the ref. step names the change for fault
// injection ("commit", "integrate": pkg/gitrepo/fault).
func (r *Store) UpdateBranch(ref plumbing.ReferenceName, old, new plumbing.Hash, who Who, reflogMsg, step string) error {
	u, err := r.LockBranch(ref, old, step)
	if err != nil {
		return err
	}
	defer u.Release()
	return u.Commit(new, who, reflogMsg)
}

// BranchUpdate is a branch held under its lock, checked to be at the value a change was
// computed from: nobody who follows git's protocol can move it until Commit or Release.
type BranchUpdate struct {
	r    *Store
	ref  plumbing.ReferenceName
	old  plumbing.Hash
	lock *lockfile.Lock
	step string
}

// LockBranch takes <ref>.lock and checks that ref is at old (zero: that it does not exist).
func (r *Store) LockBranch(ref plumbing.ReferenceName, old plumbing.Hash, step string) (*BranchUpdate, error) {
	target := r.Path(ref)
	if err := r.shared.MkdirAll(filepath.Dir(target)); err != nil {
		return nil, usererr.New(nil, err, "cannot create the directory for the ref %s: %v", ref, err)
	}
	lock, err := r.locks.Take(target)
	if err != nil {
		return nil, err
	}
	fault.Point(step + ":ref-locked")
	u := &BranchUpdate{r: r, ref: ref, old: old, lock: lock, step: step}
	if err := u.check(); err != nil {
		lock.Release()
		return nil, err
	}
	return u, nil
}

func (u *BranchUpdate) check() error {
	target := u.r.Path(u.ref)
	if b, err := os.ReadFile(target); err == nil && strings.HasPrefix(string(b), "ref:") {
		return usererr.New(nil, nil,
			"the branch %s is a symbolic ref (%s); switch to a regular branch before recording changes",
			u.ref.Short(), strings.TrimSpace(string(b)))
	}
	cur, found, err := u.r.Read(u.ref)
	if err != nil {
		return err
	}
	if found != !u.old.IsZero() || cur != u.old {
		now := "it no longer exists"
		if found {
			now = "now at " + cur.String()[:7]
		}
		return usererr.New(usererr.ErrBranchMoved, nil,
			"the branch %s moved while this change was being made (%s); run the command again", u.ref.Short(), now)
	}
	return nil
}

// Path is the lock file's path.
func (u *BranchUpdate) Path() string { return u.lock.Path() }

// Release gives the lock up without moving the branch (a no-op after Commit).
func (u *BranchUpdate) Release() { u.lock.Release() }

// Commit moves the branch to new: the value into the lock, the reflog lines appended (the
// branch's and HEAD's), the lock renamed over the ref.
func (u *BranchUpdate) Commit(new plumbing.Hash, who Who, reflogMsg string) error {
	r, ref, old := u.r, u.ref, u.old
	if err := u.check(); err != nil { // a tool that ignores lock files may have moved it
		return err
	}
	lock := u.lock
	if err := lock.Write([]byte(new.String() + "\n")); err != nil {
		return err
	}
	line := reflogLine(old, new, who, reflogMsg)
	if err := r.appendReflog(filepath.Join(r.commonDir, "logs", filepath.FromSlash(string(ref))), line); err != nil {
		return err
	}
	// HEAD's own reflog, in this working tree's git dir: the ref moved
	// through HEAD.
	if err := r.appendReflog(filepath.Join(r.gitDir, "logs", "HEAD"), line); err != nil {
		return err
	}
	fault.Point(u.step + ":reflog")
	// Not fsynced, as git does not by default (core.fsync leaves "reference" out), and the
	// objects the ref points to are not synced either. Syncing here made the commit wait for
	// the journal to flush whatever else was being written back, such as the new index: 10 ms
	// and more for a repository of 100,000 files.
	return lock.CommitUnsynced()
}

// reflogLine formats one reflog record:
// "<old> <new> Name <email> <unix time> <+hhmm>\t<message>\n".
func reflogLine(old, new plumbing.Hash, who Who, msg string) []byte {
	msg = strings.ReplaceAll(msg, "\n", " ")
	return fmt.Appendf(nil, "%s %s %s <%s> %d %s\t%s\n",
		old, new, who.Name, who.Email, who.When.Unix(), who.When.Format("-0700"), msg)
}

func (r *Store) appendReflog(path string, line []byte) error {
	if err := r.shared.MkdirAll(filepath.Dir(path)); err != nil {
		return usererr.New(nil, err, "cannot create the reflog directory %s: %v", filepath.Dir(path), err)
	}
	_, statErr := os.Lstat(path)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o666)
	if err != nil {
		return usererr.New(nil, err, "cannot open the reflog %s: %v", path, err)
	}
	if statErr != nil {
		r.shared.Adjust(path) // new: the mode git would give it
	}
	if _, err := f.Write(line); err != nil {
		f.Close()
		return usererr.New(nil, err, "cannot write the reflog %s: %v", path, err)
	}
	if err := f.Close(); err != nil {
		return usererr.New(nil, err, "cannot write the reflog %s: %v", path, err)
	}
	return nil
}

// SetTracking records a pushed commit as refs/remotes/<remote>/<branch>, under git's lock
// protocol. It is a cache of the remote's state: when somebody else holds the lock (a git fetch
// right now) past the short wait, it is left to them.
func (r *Store) SetTracking(remote, branch string, commit plumbing.Hash) {
	fault.Point("push:sent")
	lock, err := r.lockRef(TrackingRef(remote, branch))
	if err != nil {
		return
	}
	defer lock.Release()
	fault.Point("push:tracking-locked")
	if lock.Write([]byte(commit.String()+"\n")) == nil {
		lock.CommitUnsynced()
	}
}

func (r *Store) lockRef(ref plumbing.ReferenceName) (*lockfile.Lock, error) {
	target := r.Path(ref)
	if err := r.shared.MkdirAll(filepath.Dir(target)); err != nil {
		return nil, usererr.New(nil, err, "cannot create the directory for the ref %s: %v", ref, err)
	}
	return r.locks.Take(target)
}

// Set writes ref (forced: whatever it held before) under its lock, as git fetch updates a
// remote-tracking ref: the new value is written into <ref>.lock and renamed over the ref, so a
// kill at any moment leaves either the old value or the new one, never an empty file.
func (r *Store) Set(ref plumbing.ReferenceName, h plumbing.Hash, step string) error {
	lock, err := r.lockRef(ref)
	if err != nil {
		return err
	}
	defer lock.Release()
	fault.Point(step + ":ref-locked")
	if err := lock.Write([]byte(h.String() + "\n")); err != nil {
		return err
	}
	fault.Point(step + ":ref-written")
	return lock.CommitUnsynced()
}

// Delete removes the loose ref file of ref under its lock (a packed value, if any, stays).
func (r *Store) Delete(ref plumbing.ReferenceName) error {
	lock, err := r.lockRef(ref)
	if err != nil {
		return err
	}
	defer lock.Release()
	if err := os.Remove(r.Path(ref)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return usererr.New(nil, err, "cannot remove the ref file %s: %v", r.Path(ref), err)
	}
	return nil
}

// TrackingRef is where a remote's branch is recorded locally: refs/remotes/<remote>/<branch>.
func TrackingRef(remote, branch string) plumbing.ReferenceName {
	return plumbing.NewRemoteReferenceName(remote, branch)
}
