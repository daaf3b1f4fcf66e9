package workspace

import (
	"os"
	"path/filepath"

	"github.com/incidentctl/incidentctl/pkg/gitrepo"
	"github.com/incidentctl/incidentctl/pkg/i18n"
)

// inProgress is a git operation that stopped half-way and waits for the user: its state files
// in the git directory (as git status reads them).
var inProgress = []struct {
	file string // relative to the (worktree's) git directory
	id   string // the message saying what to do
}{
	{"rebase-merge", "git.rebase_in_progress"},
	{"rebase-apply", "git.rebase_in_progress"},
	{"MERGE_HEAD", "git.merge_in_progress"},
	{"CHERRY_PICK_HEAD", "git.cherry_pick_in_progress"},
	{"REVERT_HEAD", "git.revert_in_progress"},
}

// checkNoOperation refuses a change while a merge, rebase, cherry-pick or revert is in
// progress, saying what is going on and how to finish or abort it (rather than "the file has
// uncommitted changes"). undo uses it: a revert in the middle of the user's own is refused.
func (w *Workspace) checkNoOperation() error {
	for _, op := range inProgress {
		if _, err := os.Stat(filepath.Join(w.Repo.GitDir(), op.file)); err == nil {
			return i18n.Errorf(op.id)
		}
	}
	return nil
}

// checkNoRebase refuses a change while a rebase is in progress: HEAD is detached at a commit
// the rebase is replaying, and a commit made there would be mixed into the rebased history.
// A merge, cherry-pick or revert in progress keeps HEAD on the branch: a change of a document
// the operation left alone is committed on top as usual (git commit concludes the operation
// later, and the index incidentctl updates carries the change into it), and one the operation
// touched is refused by checkNoOperationOn.
func (w *Workspace) checkNoRebase() error {
	for _, op := range inProgress {
		if op.id != "git.rebase_in_progress" {
			continue
		}
		if _, err := os.Stat(filepath.Join(w.Repo.GitDir(), op.file)); err == nil {
			return i18n.Errorf(op.id)
		}
	}
	return nil
}

// checkNoOperationOn is for a document whose index or working-tree copy differs from HEAD:
// while an operation is in progress that is most likely the operation's doing (a conflict, a
// merged version not committed yet), so say so instead of "uncommitted changes", and refuse
// even with --include-edits (it would commit the operation's half-done state).
func (w *Workspace) checkNoOperationOn(st gitrepo.FileState) error {
	if !st.WorktreeDiffers && !st.IndexDiffers {
		return nil
	}
	return w.checkNoOperation()
}
