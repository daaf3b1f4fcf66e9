package gitrepo

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/owner"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/smallfile"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/lockfile"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/refs"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/tree"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/worktree"
)

// A change (a commit, an integration) runs in git's lock order: index.lock is taken before HEAD
// is read and held until the new index is renamed into place, then HEAD.lock and <branch>.lock;
// the objects, the working-tree files and the new index (complete, in index.lock) are written
// before anything is published; then the index is published and the branch moved by
// compare-and-swap under its lock, held all along. (git commit publishes the branch first; but
// git commit also reads HEAD and then the index without a lock, and in that order a git commit
// in the moment between could pair the new HEAD with the old index and revert the change. In
// this order it can only pair the old HEAD with the new index, and its compare-and-swap fails.) Before anything visible changes, a journal of the change is written
// (<git dir>/incidentctl/journal): if the process is killed at any point after that, the next
// incidentctl finds the journal, sees that its writer is gone, and completes the change
// (recover.go), so that HEAD, the index and the working tree agree again and nothing written
// is lost.

// tx is a change holding index.lock and HEAD.lock.
type tx struct {
	r     *Repo
	index *lockfile.Lock
	head  *lockfile.Lock
}

// indexPath is the index git uses here: $GIT_INDEX_FILE or <git dir>/index.
func (r *Repo) indexPath() string { return r.indexFile }

// begin takes index.lock, then HEAD.lock (git's order). A lock somebody else holds past the
// short wait gives an error naming every lock that is in the way, the branch's included.
func (r *Repo) begin() (*tx, error) {
	il, err := r.locks.Take(r.indexPath())
	if err != nil {
		return nil, r.heldError(err)
	}
	// HEAD.lock keeps `git switch` (which rewrites HEAD) from changing the branch under us;
	// HEAD itself is never modified.
	hl, err := r.locks.Take(filepath.Join(r.gitDir, "HEAD"))
	if err != nil {
		il.Release()
		return nil, r.heldError(err)
	}
	t := &tx{r: r, index: il, head: hl}
	// An interrupted change Open could not complete is completed before this one starts, so
	// that its journal is never overwritten.
	if j, err := r.readJournal(); err == nil {
		if id, err := owner.Parse(j.Owner); err != nil || owner.Check(id) == owner.Dead {
			if err := r.complete(t, j); err != nil {
				t.release()
				return nil, err
			}
			// complete may have published the index through the lock: take it again.
			if t.index.Done() {
				if t.index, err = r.locks.Take(r.indexPath()); err != nil {
					hl.Release()
					return nil, r.heldError(err)
				}
			}
		}
	}
	return t, nil
}

func (t *tx) release() {
	t.head.Release()
	t.index.Release()
}

// heldError turns the lock that stopped a change into the list of every lock a change here
// needs that is held right now, so that the user learns of all of them at once.
func (r *Repo) heldError(err error) error {
	var first *lockfile.LockedError
	if !errors.As(err, &first) {
		return err
	}
	paths := []string{r.indexPath() + ".lock", filepath.Join(r.gitDir, "HEAD.lock")}
	if b, err := os.ReadFile(filepath.Join(r.gitDir, "HEAD")); err == nil {
		if ref, ok := strings.CutPrefix(strings.TrimSpace(string(b)), "ref: "); ok {
			paths = append(paths, r.refs.Path(plumbing.ReferenceName(ref))+".lock")
		}
	}
	held := &lockfile.HeldError{}
	seen := false
	for _, p := range paths {
		h := r.locks.Inspect(p)
		if h == nil || h.Stale {
			continue
		}
		if p == first.Path {
			h, seen = first, true
		}
		held.Locks = append(held.Locks, h)
	}
	if !seen {
		held.Locks = append([]*lockfile.LockedError{first}, held.Locks...)
	}
	if len(held.Locks) == 1 {
		return held.Locks[0]
	}
	return held
}

// journal is what a change is about to do, written before the first visible step.
type journal struct {
	Owner  string         `json:"owner"`
	Step   string         `json:"step"` // "commit" or "integrate"
	Ref    string         `json:"ref"`
	From   string         `json:"from,omitempty"` // the branch before; "" when unborn
	To     string         `json:"to,omitempty"`   // the commit it moves to; "" while hooks run
	Reflog string         `json:"reflog"`
	Who    refs.Who       `json:"who"`
	Edits  []journalEntry `json:"edits"`
}

// journalEntry is one path of the change: its entry before and after (Hash "" is absent).
type journalEntry struct {
	Path    string `json:"path"`
	OldHash string `json:"old,omitempty"`
	OldMode uint32 `json:"old_mode,omitempty"`
	NewHash string `json:"new,omitempty"`
	NewMode uint32 `json:"new_mode,omitempty"`
}

func (e journalEntry) change() tree.Change {
	c := tree.Change{Path: e.Path}
	if e.OldHash != "" {
		c.Old = &tree.File{Hash: plumbing.NewHash(e.OldHash), Mode: filemode.FileMode(e.OldMode)}
	}
	if e.NewHash != "" {
		c.New = &tree.File{Hash: plumbing.NewHash(e.NewHash), Mode: filemode.FileMode(e.NewMode)}
	}
	return c
}

func journalEntries(edits []tree.Change) []journalEntry {
	out := make([]journalEntry, len(edits))
	for i, e := range edits {
		out[i] = journalEntry{Path: e.Path}
		if e.Old != nil {
			out[i].OldHash, out[i].OldMode = e.Old.Hash.String(), uint32(e.Old.Mode)
		}
		if e.New != nil {
			out[i].NewHash, out[i].NewMode = e.New.Hash.String(), uint32(e.New.Mode)
		}
	}
	return out
}

func hashOrEmpty(h plumbing.Hash) string {
	if h.IsZero() {
		return ""
	}
	return h.String()
}

func (r *Repo) journalPath() string { return filepath.Join(r.gitDir, "incidentctl", "journal") }

// writeJournal records j (a temporary file renamed into place: it is whole or absent).
func (r *Repo) writeJournal(j *journal) error {
	j.Owner = owner.Self().Token()
	b, err := json.MarshalIndent(j, "", "  ")
	if err != nil {
		return err
	}
	path := r.journalPath()
	if err := os.MkdirAll(filepath.Dir(path), 0o777); err != nil {
		return newUserError(nil, err, "cannot create %s: %v", filepath.Dir(path), err)
	}
	tmp := path + ".tmp-" + owner.Self().Token()
	if err := os.WriteFile(tmp, append(b, '\n'), 0o666); err != nil {
		os.Remove(tmp)
		return newUserError(nil, err, "cannot write %s: %v", tmp, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return newUserError(nil, err, "cannot write %s: %v", path, err)
	}
	return nil
}

func (r *Repo) readJournal() (*journal, error) {
	b, err := smallfile.ReadFile(r.journalPath())
	if err != nil {
		return nil, err
	}
	j := &journal{}
	if err := json.Unmarshal(b, j); err != nil {
		return nil, fmt.Errorf("damaged journal %s: %v", r.journalPath(), err)
	}
	return j, nil
}

func (r *Repo) removeJournal() { os.Remove(r.journalPath()) }

// rollBackWorktree puts the working-tree files of edits back to their old content where they
// hold the new one: a change that failed before the branch moved leaves the files as it found
// them.
func (r *Repo) rollBackWorktree(edits []tree.Change) {
	for _, e := range edits {
		newHash := plumbing.ZeroHash
		if e.New != nil {
			newHash = e.New.Hash
		}
		if same, err := worktree.Same(r.root, e.Path, newHash); err != nil || !same {
			continue
		}
		if e.Old == nil {
			worktree.Remove(r.root, e.Path)
			continue
		}
		r.writeWorktreeEntry(e.Path, e.Old)
	}
}
