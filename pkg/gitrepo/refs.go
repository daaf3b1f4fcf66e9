package gitrepo

import (
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/refs"
)

// Head describes what HEAD points at in this working tree.
type Head = refs.Head

// Head reads HEAD of this working tree. It reads the files directly (HEAD in
// GitDir, the branch in CommonDir or packed-refs), as git does.
func (r *Repo) Head() (Head, error) { return r.refs.Head() }

// readRef resolves a ref to a commit; found=false means the ref does not exist.
func (r *Repo) readRef(ref plumbing.ReferenceName) (plumbing.Hash, bool, error) {
	return r.refs.Read(ref)
}

// updateBranch moves ref from old to new under <ref>.lock with compare-and-swap and reflogs.
func (r *Repo) updateBranch(ref plumbing.ReferenceName, old, new plumbing.Hash, who Signature, reflogMsg string) error {
	return r.refs.UpdateBranch(ref, old, new, refs.Who(who), reflogMsg, "commit")
}
