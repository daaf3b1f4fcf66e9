package gitrepo

import (
	"errors"
	"fmt"
	"os"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/index"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/owner"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/tree"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/worktree"
)

// Recovery: a journal whose writer is gone means a change was interrupted (kill -9, a crash,
// a power cut after the journal reached the disk). It is completed, never undone once its
// commit exists: the working-tree files are brought to the commit's content where they still
// hold the old one, the branch moves to the commit if it has not yet (compare-and-swap from
// the commit's parent), and the index entries of the changed paths become the commit's. If the
// branch is now somewhere else (somebody moved it by hand meanwhile), the change is left as
// it is and said so. A change stopped while its hooks ran has no commit yet: its files are put
// back. Locks the dead process held are recognised by their marks and cleared (lockfile).

// Notes returns what Open found and repaired (an interrupted change completed), as sentences
// for the user.
func (r *Repo) Notes() []string { return r.notes }

func (r *Repo) note(format string, args ...any) {
	r.notes = append(r.notes, fmt.Sprintf(format, args...))
	tracef("recovery: "+format, args...)
}

// recoverInterrupted completes a change whose process died, if there is one.
func (r *Repo) recoverInterrupted() error {
	j, err := r.readJournal()
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		r.removeJournal()
		r.note("removed a damaged journal of an interrupted change (%v)", err)
		return nil
	}
	if id, err := owner.Parse(j.Owner); err == nil && owner.Check(id) == owner.Running {
		return nil // a running incidentctl is in the middle of it; it holds the locks
	}
	// begin completes it (before any change, and under the locks).
	t, err := r.begin()
	if err != nil {
		return err
	}
	t.release()
	return nil
}

func (r *Repo) complete(t *tx, j *journal) error {
	edits := make([]tree.Change, len(j.Edits))
	paths := make([]string, len(j.Edits))
	for i, e := range j.Edits {
		edits[i] = e.change()
		paths[i] = e.Path
		worktree.Clean(r.root, e.Path)
	}
	head, err := r.Head()
	if err != nil {
		return err
	}
	ref := plumbing.ReferenceName(j.Ref)
	if head.Ref != ref {
		r.removeJournal()
		r.note("an interrupted change on %s (%s) was left as it is: HEAD is on %s now", ref.Short(), listPaths(paths), head.Ref.Short())
		return nil
	}
	from, to := plumbing.NewHash(j.From), plumbing.NewHash(j.To)
	if j.From == "" {
		from = plumbing.ZeroHash
	}
	if j.To == "" {
		// Stopped while its hooks ran: no commit was made.
		r.rollBackWorktree(edits)
		r.removeJournal()
		r.note("an interrupted %s of %s had not been made yet (it stopped while its hooks ran): the files are as they were", j.Step, listPaths(paths))
		return nil
	}
	switch head.Commit {
	case to:
	case from:
		if err := r.ensureWorktree(edits); err != nil {
			return err
		}
		if err := r.refs.UpdateBranch(ref, from, to, j.Who, j.Reflog, "recover"); err != nil {
			return err
		}
	default:
		r.removeJournal()
		r.note("an interrupted change (commit %s: %s) was left as it is: %s has moved to %s since", short(to), listPaths(paths), ref.Short(), short(head.Commit))
		return nil
	}
	if err := r.ensureWorktree(edits); err != nil {
		return err
	}
	if err := r.writeIndexEdits(t, edits); err != nil {
		return err
	}
	r.removeJournal()
	r.note("completed an interrupted %s: commit %s (%s) is on %s, with the index and the working tree in line", j.Step, short(to), listPaths(paths), ref.Short())
	return nil
}

// ensureWorktree writes the new content of each edit whose file still holds the old content
// (or is missing); a file holding anything else is somebody's edit and stays.
func (r *Repo) ensureWorktree(edits []tree.Change) error {
	for _, e := range edits {
		newHash, oldHash := plumbing.ZeroHash, plumbing.ZeroHash
		if e.New != nil {
			newHash = e.New.Hash
		}
		if e.Old != nil {
			oldHash = e.Old.Hash
		}
		if same, _ := worktree.Same(r.root, e.Path, newHash); same {
			continue
		}
		old, err := worktree.Same(r.root, e.Path, oldHash)
		if err != nil {
			return err
		}
		if !old {
			continue
		}
		if e.New == nil {
			if err := worktree.Remove(r.root, e.Path); err != nil {
				return err
			}
			continue
		}
		if _, err := r.writeWorktreeEntry(e.Path, e.New); err != nil {
			return err
		}
	}
	return nil
}

// writeIndexEdits sets the index entries of edits to their new values (removing those with
// none), with the stat data of the working-tree files that hold exactly that content, and
// publishes the index. The caller holds index.lock (t).
func (r *Repo) writeIndexEdits(t *tx, edits []tree.Change) error {
	path := r.indexPath()
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return newUserError(nil, err, "cannot read the git index %s: %v", path, err)
	}
	if why := r.specialEditsIndex(data); why != "" && r.gitAvailable() {
		if err := r.gitIndexEdits(t, edits, data, why); err != nil {
			return err
		}
		return t.index.Commit()
	}
	data, _ = smudged(data, r.racilyChanged(path, data, false)) // as git does (racy.go)
	plan, _, err := index.PlanEdits(path, data, indexEdits(edits))
	if err != nil {
		return err
	}
	for i, e := range edits {
		if e.New == nil {
			continue
		}
		if same, _ := worktree.Same(r.root, e.Path, e.New.Hash); same {
			if fi, err := os.Lstat(r.root + "/" + e.Path); err == nil {
				st := index.StatOf(fi)
				st.Mode = uint32(e.New.Mode)
				plan.SetStat(i, st)
			}
		}
	}
	if err := plan.WriteIndex(t.index.Writer()); err != nil {
		return newUserError(nil, err, "cannot write %s: %v", t.index.Path(), err)
	}
	return t.index.Commit()
}

func listPaths(paths []string) string {
	if len(paths) <= 3 {
		return fmt.Sprint(joinComma(paths))
	}
	return fmt.Sprintf("%s and %d more", joinComma(paths[:3]), len(paths)-3)
}

func joinComma(s []string) string {
	out := ""
	for i, p := range s {
		if i > 0 {
			out += ", "
		}
		out += p
	}
	return out
}
