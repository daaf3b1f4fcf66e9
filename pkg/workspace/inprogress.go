package workspace

import (
	"os"
	"path/filepath"

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
// progress: the conflicted files are in the index, and a commit made now would be mixed into
// what the user is resolving. The message says what is going on and how to finish or abort it,
// rather than "the file has uncommitted changes".
func (w *Workspace) checkNoOperation() error {
	for _, op := range inProgress {
		if _, err := os.Stat(filepath.Join(w.Repo.GitDir(), op.file)); err == nil {
			return i18n.Errorf(op.id)
		}
	}
	return nil
}
