package refs

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

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
// lock, append the reflogs, and rename the lock over the ref.
func (r *Store) UpdateBranch(ref plumbing.ReferenceName, old, new plumbing.Hash, who Who, reflogMsg string) error {
	target := r.Path(ref)
	if err := os.MkdirAll(filepath.Dir(target), 0o777); err != nil {
		return usererr.New(nil, err, "cannot create the directory for the ref %s: %v", ref, err)
	}
	lock, err := lockfile.Take(target)
	if err != nil {
		return err
	}
	defer lock.Release()

	if b, err := os.ReadFile(target); err == nil && strings.HasPrefix(string(b), "ref:") {
		return usererr.New(nil, nil,
			"the branch %s is a symbolic ref (%s); switch to a regular branch before recording changes",
			ref.Short(), strings.TrimSpace(string(b)))
	}
	cur, found, err := r.Read(ref)
	if err != nil {
		return err
	}
	if found != !old.IsZero() || cur != old {
		now := "it no longer exists"
		if found {
			now = "now at " + cur.String()[:7]
		}
		return usererr.New(usererr.ErrBranchMoved, nil,
			"the branch %s moved while this change was being made (%s); run the command again", ref.Short(), now)
	}

	if err := lock.Write([]byte(new.String() + "\n")); err != nil {
		return err
	}
	line := reflogLine(old, new, who, reflogMsg)
	if err := appendReflog(filepath.Join(r.commonDir, "logs", filepath.FromSlash(string(ref))), line); err != nil {
		return err
	}
	// HEAD's own reflog, in this working tree's git dir: the ref moved
	// through HEAD.
	if err := appendReflog(filepath.Join(r.gitDir, "logs", "HEAD"), line); err != nil {
		return err
	}
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

func appendReflog(path string, line []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o777); err != nil {
		return usererr.New(nil, err, "cannot create the reflog directory %s: %v", filepath.Dir(path), err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o666)
	if err != nil {
		return usererr.New(nil, err, "cannot open the reflog %s: %v", path, err)
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
// right now), it is left to them.
func (r *Store) SetTracking(remote, branch string, commit plumbing.Hash) {
	target := r.Path(TrackingRef(remote, branch))
	if err := os.MkdirAll(filepath.Dir(target), 0o777); err != nil {
		return
	}
	lock, err := lockfile.Take(target)
	if err != nil {
		return
	}
	defer lock.Release()
	if lock.Write([]byte(commit.String()+"\n")) == nil {
		lock.Commit()
	}
}

// TrackingRef is where a remote's branch is recorded locally: refs/remotes/<remote>/<branch>.
func TrackingRef(remote, branch string) plumbing.ReferenceName {
	return plumbing.NewRemoteReferenceName(remote, branch)
}
