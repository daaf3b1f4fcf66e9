package gitrepo

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/fault"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/index"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/refs"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/revwalk"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/tree"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/worktree"
)

// Integrate brings commits fetched from elsewhere into the current branch without go-git's
// merge (which can only fast-forward): it fast-forwards when it can, and otherwise writes a
// merge commit whose tree it builds itself. Files changed on one side only are taken from that
// side; files changed on both sides are handed to the caller's Resolver, which knows what they
// mean (this package knows nothing about incidents).
//
// Like Commit, it never scans the working tree: the working tree and the index are updated
// only for the paths whose content differs between the old and the new tip, and it refuses to
// start when one of those paths has uncommitted changes, so the user's work is never
// overwritten. The branch moves by compare-and-swap under git's lock files, only ever to a
// commit that contains the old tip, so local commits can never become unreachable.

// IntegrateKind says what Integrate did.
type IntegrateKind int

const (
	// UpToDate: the local branch already contains the other commit; nothing changed.
	UpToDate IntegrateKind = iota
	// FastForward: the branch moved forward to the other commit.
	FastForward
	// Merged: the branch moved to a new merge commit of both.
	Merged
)

func (k IntegrateKind) String() string {
	switch k {
	case FastForward:
		return "fast-forward"
	case Merged:
		return "merged"
	}
	return "up to date"
}

// Resolver joins a file both sides changed since their common ancestor. base is nil when both
// sides added the file. An error means the file cannot be joined automatically; it should say
// why, in words for the user.
type Resolver func(path string, base, ours, theirs []byte) ([]byte, error)

// IntegrateRequest describes one integration.
type IntegrateRequest struct {
	// Local is the branch's commit the caller read (zero for an unborn branch). If the branch
	// has moved since, Integrate fails with ErrBranchMoved and changes nothing.
	Local plumbing.Hash
	// Theirs is the commit to bring in (a fetched remote-tracking branch, say).
	Theirs plumbing.Hash
	// Resolve joins files changed on both sides. Nil: every such file is a conflict.
	Resolve Resolver
	// Message builds the merge commit's message from the paths the resolver joined (unused for
	// a fast-forward). Nil: "Merge <commit>".
	Message           func(merged []string) string
	Author, Committer Signature
	// Reflog is the reflog message, e.g. "sync: origin/main".
	Reflog string
}

// IntegrateResult is what Integrate did.
type IntegrateResult struct {
	Kind   IntegrateKind
	Commit plumbing.Hash // the branch's tip afterwards
	Base   plumbing.Hash // the common ancestor (Merged only)
	// Updated lists the paths written to or removed from the working tree and the index.
	Updated []string
	// Merged lists the paths both sides changed, joined by the Resolver.
	Merged []string
}

// ConflictError lists the files changed on both sides that could not be joined. Nothing was
// changed: the branch, the working tree and the index are as they were.
type ConflictError struct {
	Files []FileConflict
}

// FileConflict is one file that could not be joined, and why.
type FileConflict struct {
	Path string
	Err  error
}

func (e *ConflictError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s changed on both sides cannot be merged automatically:", len(e.Files), plural(len(e.Files), "file", "files"))
	for _, f := range e.Files {
		fmt.Fprintf(&b, "\n  %s: %v", f.Path, f.Err)
	}
	return b.String()
}

// Unwrap gives access to each file's error (errors.As finds a resolver's own error type).
func (e *ConflictError) Unwrap() []error {
	out := make([]error, len(e.Files))
	for i, f := range e.Files {
		out[i] = f.Err
	}
	return out
}

// LocalChangesError lists paths that must be updated but hold uncommitted changes (in the
// working tree or the index). Nothing was changed.
type LocalChangesError struct {
	Paths []string
}

func (e *LocalChangesError) Error() string {
	return fmt.Sprintf("your uncommitted changes to %s would be overwritten by the incoming changes; "+
		"commit them (or move them aside with `git stash`), then run the command again",
		strings.Join(e.Paths, ", "))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Integrate brings req.Theirs into the current branch; see the package comment above.
func (r *Repo) Integrate(req IntegrateRequest) (*IntegrateResult, error) {
	res := &IntegrateResult{Kind: UpToDate, Commit: req.Local}
	if req.Theirs.IsZero() || req.Theirs == req.Local {
		return res, nil
	}
	// Only the commits' trees are needed: read with the repository's own reader (odb), which
	// unlike go-git's storage does not decode every pack index to find one commit.
	theirsTree, err := r.commitTree(req.Theirs)
	if err != nil {
		return nil, err
	}

	var edits []tree.Change
	target := req.Theirs
	oursTree := plumbing.ZeroHash
	if req.Local.IsZero() {
		// An unborn branch: everything is new.
		res.Kind = FastForward
	} else {
		if oursTree, err = r.commitTree(req.Local); err != nil {
			return nil, err
		}
		bases, err := revwalk.MergeBases(r.objects, req.Local, req.Theirs)
		if err != nil {
			return nil, err
		}
		switch {
		case slices.Contains(bases, req.Theirs):
			return res, nil // we already have everything
		case slices.Contains(bases, req.Local):
			res.Kind = FastForward
		case len(bases) == 0:
			return nil, newUserError(nil, nil,
				"%s and %s have no common history, so they cannot be merged; if this is a shallow clone, fetch the whole history (`git fetch --unshallow`)",
				short(req.Local), short(req.Theirs))
		default:
			res.Kind, res.Base = Merged, bases[0]
		}
	}

	if res.Kind == FastForward {
		if edits, err = tree.Diff(r.objects, oursTree, theirsTree); err != nil {
			return nil, err
		}
	} else {
		baseTree, err := r.commitTree(res.Base)
		if err != nil {
			return nil, err
		}
		var mergedTree plumbing.Hash
		edits, mergedTree, res.Merged, err = r.mergeTrees(baseTree, oursTree, theirsTree, req.Resolve)
		if err != nil {
			return nil, err
		}
		if target, err = r.mergeCommit(req, mergedTree, res.Merged); err != nil {
			return nil, err
		}
	}
	if err := r.moveAndUpdate(req, target, edits); err != nil {
		return nil, err
	}
	res.Commit = target
	for _, e := range edits {
		res.Updated = append(res.Updated, e.Path)
	}
	return res, nil
}

func short(h plumbing.Hash) string { return h.String()[:7] }

// mergeTrees computes the merged tree of ours and theirs from their common base. It returns
// the paths whose entry differs from ours (what the working tree needs), the merged tree, and
// the paths the resolver joined.
func (r *Repo) mergeTrees(base, ours, theirs plumbing.Hash, resolve Resolver) ([]tree.Change, plumbing.Hash, []string, error) {
	oursChanged, err := tree.Diff(r.objects, base, ours)
	if err != nil {
		return nil, plumbing.ZeroHash, nil, err
	}
	theirsChanged, err := tree.Diff(r.objects, base, theirs)
	if err != nil {
		return nil, plumbing.ZeroHash, nil, err
	}
	mine := make(map[string]tree.Change, len(oursChanged))
	for _, e := range oursChanged {
		mine[e.Path] = e
	}

	var edits []tree.Change
	var merged []string
	conflicts := &ConflictError{}
	for _, t := range theirsChanged {
		o, changedHere := mine[t.Path]
		switch {
		case !changedHere:
			// Changed on their side only: take it. Ours equals the base here.
			edits = append(edits, tree.Change{Path: t.Path, Old: t.Old, New: t.New})
			continue
		case tree.SameEntry(o.New, t.New):
			continue // the same change on both sides
		}
		// Changed on both sides, differently.
		fail := func(format string, args ...any) {
			conflicts.Files = append(conflicts.Files, FileConflict{Path: t.Path, Err: fmt.Errorf(format, args...)})
		}
		switch {
		case o.New == nil:
			fail("deleted here but changed on the other side")
			continue
		case t.New == nil:
			fail("changed here but deleted on the other side")
			continue
		case o.New.Mode != t.New.Mode:
			fail("its file mode changed differently on the two sides (%s here, %s there)", o.New.Mode, t.New.Mode)
			continue
		case o.New.Mode != filemode.Regular && o.New.Mode != filemode.Executable:
			fail("it is a %s, which cannot be merged automatically", modeName(o.New.Mode))
			continue
		case resolve == nil:
			fail("changed on both sides")
			continue
		}
		var baseContent []byte
		if t.Old != nil {
			if baseContent, err = r.readBlob(t.Old.Hash); err != nil {
				return nil, plumbing.ZeroHash, nil, err
			}
		}
		oc, err := r.readBlob(o.New.Hash)
		if err != nil {
			return nil, plumbing.ZeroHash, nil, err
		}
		tc, err := r.readBlob(t.New.Hash)
		if err != nil {
			return nil, plumbing.ZeroHash, nil, err
		}
		content, err := resolve(t.Path, baseContent, oc, tc)
		if err != nil {
			conflicts.Files = append(conflicts.Files, FileConflict{Path: t.Path, Err: err})
			continue
		}
		merged = append(merged, t.Path)
		h, err := r.writeBlob(content)
		if err != nil {
			return nil, plumbing.ZeroHash, nil, err
		}
		if h != o.New.Hash {
			edits = append(edits, tree.Change{Path: t.Path, Old: o.New, New: &tree.File{Hash: h, Mode: o.New.Mode}})
		}
	}
	if len(conflicts.Files) > 0 {
		return nil, plumbing.ZeroHash, nil, conflicts
	}
	newTree, err := tree.Edit(r.objects, ours, "", edits)
	if err != nil {
		var ue *userError
		if errors.As(err, &ue) {
			return nil, plumbing.ZeroHash, nil, &ConflictError{Files: []FileConflict{{Path: "(tree)", Err: err}}}
		}
		return nil, plumbing.ZeroHash, nil, err
	}
	if newTree.IsZero() {
		// Everything was deleted: git's empty tree.
		obj := r.repo.Storer.NewEncodedObject()
		if err := (&object.Tree{}).Encode(obj); err != nil {
			return nil, plumbing.ZeroHash, nil, newUserError(nil, err, "cannot build the empty tree: %v", err)
		}
		if newTree, err = r.store(obj); err != nil {
			return nil, plumbing.ZeroHash, nil, err
		}
	}
	return edits, newTree, merged, nil
}

func modeName(m filemode.FileMode) string {
	switch m {
	case filemode.Symlink:
		return "symbolic link"
	case filemode.Submodule:
		return "submodule"
	case filemode.Dir:
		return "directory"
	}
	return "file of mode " + m.String()
}

// mergeCommit writes the merge commit: the local tip first, theirs second, as git merge does.
func (r *Repo) mergeCommit(req IntegrateRequest, treeHash plumbing.Hash, merged []string) (plumbing.Hash, error) {
	text := "Merge " + req.Theirs.String()
	if req.Message != nil {
		text = req.Message(merged)
	}
	msg, err := commitMessage(text)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	author, authorOK := cleanSignature(req.Author)
	committer, committerOK := cleanSignature(req.Committer)
	if !authorOK || !committerOK {
		return plumbing.ZeroHash, noIdentityError()
	}
	parents := []plumbing.Hash{req.Local, req.Theirs}
	way, err := r.way(true)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if way.sign {
		tracef("integrate: the merge commit is signed by git commit-tree -S (%s)", way.signWhy)
		return r.signedCommit(way, treeHash, parents, msg, author, committer)
	}
	return r.commitObject(treeHash, parents, msg, author, committer)
}

// moveAndUpdate publishes target in git's order (tx.go): under index.lock and HEAD.lock it
// checks that the branch is still at req.Local and that no path to update has uncommitted
// changes, writes the journal, the working-tree files and the new index (into index.lock),
// moves the branch (compare-and-swap under <ref>.lock, with reflog lines), then publishes the
// index, splicing the entries of exactly the edited paths.
func (r *Repo) moveAndUpdate(req IntegrateRequest, target plumbing.Hash, edits []tree.Change) error {
	committer, ok := cleanSignature(req.Committer)
	if !ok {
		return noIdentityError()
	}
	t, err := r.begin()
	if err != nil {
		return err
	}
	defer t.release()
	fault.Point("integrate:locked")

	head, err := r.Head()
	if err != nil {
		return err
	}
	if head.Detached || !head.Ref.IsBranch() {
		return newUserError(ErrDetachedHead, nil,
			"HEAD is not on a branch; switch to a branch (git switch <branch>) before bringing in other commits")
	}
	if head.Commit != req.Local {
		now := "it has no commits"
		if !head.Unborn {
			now = "now at " + short(head.Commit)
		}
		return newUserError(ErrBranchMoved, nil,
			"the branch %s moved while the incoming changes were being merged (%s); run the command again", head.Branch, now)
	}
	branch, err := r.refs.LockBranch(head.Ref, req.Local, "integrate")
	if err != nil {
		return r.heldError(err)
	}
	defer branch.Release()

	// Check everything before the branch moves.
	indexPath := r.indexPath()
	// Mapped, not read: at 100,000 entries a copy is 13.6 MB of the process's memory, and the
	// splice below only refers to runs of it. Not populated either (MapSparse): the racy pass,
	// the plan and the write each walk it once and keep only a window of it resident, which a
	// mapping populated up front (all 16 MB at once) would defeat.
	indexData, unmap, err := index.MapSparse(indexPath)
	if err != nil {
		return newUserError(nil, err, "cannot read the git index %s: %v", indexPath, err)
	}
	defer unmap()
	byGit := ""
	if why := r.specialEditsIndex(indexData); why != "" && r.gitAvailable() {
		byGit = why
	} else {
		indexData, _ = smudged(indexData, r.racilyChanged(indexPath, indexData, true)) // as git does (racy.go)
	}
	var plan *index.EditPlan
	var dirty []string
	err = indexFault(func() (err error) {
		plan, dirty, err = index.PlanEdits(indexPath, indexData, indexEdits(edits))
		return err
	})
	switch {
	case err != nil && byGit == "":
		return err
	case err != nil:
		// An index go-git cannot decode either (split, sparse): git lists the entries.
		if dirty, err = r.gitDirtyIndex(edits); err != nil {
			return err
		}
	}
	if byGit != "" {
		plan = nil
	}
	// Where files are removed, and every directory that loses a file.
	removedFiles, removedUnder := map[string]bool{}, map[string]bool{}
	for _, e := range edits {
		if e.New == nil {
			removedFiles[e.Path] = true
			for i := 0; i < len(e.Path); i++ {
				if e.Path[i] == '/' {
					removedUnder[e.Path[:i]] = true
				}
			}
		}
	}
	for _, e := range edits {
		same, err := r.worktreeUnchanged(e, removedUnder[e.Path])
		if err != nil {
			return err
		}
		if !same {
			dirty = append(dirty, e.Path)
		}
	}
	if len(dirty) > 0 {
		sort.Strings(dirty)
		return &LocalChangesError{Paths: uniqueStrings(dirty)}
	}
	for _, e := range edits {
		if e.New == nil || parentRemoved(e.Path, removedFiles) || removedUnder[e.Path] {
			continue
		}
		if e.New.Mode == filemode.Submodule {
			return newUserError(nil, nil,
				"the incoming changes update the submodule %s, which incidentctl does not handle; run `git pull` instead", e.Path)
		}
		if err := worktree.Check(r.root, e.Path); err != nil {
			return err
		}
	}
	fault.Point("integrate:objects")
	tracef("integrate: %s %s; index: %s", map[bool]string{true: "fast-forward to", false: "merge commit"}[target == req.Theirs], short(target), orDefault(byGit, "spliced"))

	reflog := req.Reflog
	if reflog == "" {
		reflog = "integrate " + short(req.Theirs)
	}
	if target == req.Theirs {
		reflog += ": fast-forward"
	} else {
		reflog += ": merge"
	}
	j := &journal{Step: "integrate", Ref: string(head.Ref), From: hashOrEmpty(req.Local), To: target.String(),
		Reflog: reflog, Who: refs.Who(committer), Edits: journalEntries(edits)}
	if err := r.writeJournal(j); err != nil {
		return err
	}
	fault.Point("integrate:journal")
	undo := func() {
		r.rollBackWorktree(edits)
		r.removeJournal()
	}

	// Removals first (a directory may give way to a file), then the new content.
	for _, e := range edits {
		if e.New == nil {
			if err := worktree.Remove(r.root, e.Path); err != nil {
				undo()
				return err
			}
		}
	}
	for i, e := range edits {
		if e.New == nil {
			continue
		}
		st, err := r.writeWorktreeEntry(e.Path, e.New)
		if err != nil {
			undo()
			return err
		}
		if plan != nil {
			plan.SetStat(i, st)
		}
	}
	fault.Point("integrate:worktree")
	if plan != nil {
		if err := indexFault(func() error { return plan.WriteIndex(t.index.Writer()) }); err != nil {
			undo()
			return newUserError(nil, err, "cannot write %s: %v", t.index.Path(), err)
		}
	} else if err := indexFault(func() error { return r.gitIndexEdits(t, edits, indexData, byGit) }); err != nil {
		undo()
		return err
	}
	if err := t.index.Close(); err != nil {
		undo()
		return err
	}
	fault.Point("integrate:index-written")

	// The index, then the branch (held under its lock): see Commit.
	if err := t.index.Commit(); err != nil {
		undo()
		return err
	}
	fault.Point("integrate:index-published")
	if err := branch.Commit(target, refs.Who(committer), reflog); err != nil {
		paths := make([]string, len(edits))
		for i, e := range edits {
			paths[i] = e.Path
		}
		return newUserError(nil, err,
			"the incoming changes to %s are in the index and the working tree, but the branch %s could not be moved to %s: %v; "+
				"the next incidentctl command completes it", strings.Join(paths, " "), head.Branch, short(target), err)
	}
	fault.Point("integrate:branch-moved")
	t.head.Release()
	r.removeJournal()
	return nil
}

// indexFault runs f, which reads the mapped index: a tool truncating the file in place under
// us makes that fault, and the fault becomes an error (so that the caller can undo).
func indexFault(f func() error) (err error) {
	defer func() { index.RecoverFault(recover(), &err) }()
	return f()
}

func uniqueStrings(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

func parentRemoved(path string, removed map[string]bool) bool {
	for i := 0; i < len(path); i++ {
		if path[i] == '/' && removed[path[:i]] {
			return true
		}
	}
	return false
}

// worktreeUnchanged reports whether the working tree copy of e.Path holds what the old tip has
// (or already what the new tip has), so that replacing it loses nothing.
// A directory at the path is fine when its files are being removed (dirGivesWay).
func (r *Repo) worktreeUnchanged(e tree.Change, dirGivesWay bool) (bool, error) {
	full := filepath.Join(r.root, filepath.FromSlash(e.Path))
	fi, err := os.Lstat(full)
	switch {
	case errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ENOTDIR):
		// Absent: fine if it was absent or is going away; otherwise the user deleted it.
		return e.Old == nil || e.New == nil, nil
	case err != nil:
		return false, newUserError(nil, err, "cannot read %s: %v", full, err)
	}
	var h plumbing.Hash
	switch {
	case fi.Mode().IsRegular():
		if h, err = worktree.HashFile(full, fi.Size()); err != nil {
			return false, err
		}
	case fi.Mode()&os.ModeSymlink != 0:
		target, err := os.Readlink(full)
		if err != nil {
			return false, newUserError(nil, err, "cannot read the link %s: %v", full, err)
		}
		h = BlobHash([]byte(target))
	case fi.IsDir():
		// A directory where a file was or will be: fine only when nothing is expected there
		// (a directory giving way is checked through its own files).
		if dirGivesWay || e.Old != nil && e.Old.Mode == filemode.Submodule {
			return true, nil
		}
		return false, nil
	default:
		return false, nil
	}
	return (e.Old != nil && h == e.Old.Hash) || (e.New != nil && h == e.New.Hash), nil
}

// writeWorktreeEntry writes one file of the new tip with its mode and returns its stat data.
func (r *Repo) writeWorktreeEntry(path string, e *tree.File) (index.Stat, error) {
	content, err := r.readBlob(e.Hash)
	if err != nil {
		return index.Stat{}, err
	}
	return worktree.WriteEntry(r.root, path, e.Mode, content)
}

// indexEdits is the index's view of the edits.
func indexEdits(edits []tree.Change) []index.Edit {
	out := make([]index.Edit, len(edits))
	for i, e := range edits {
		out[i] = index.Edit{Path: e.Path, Old: indexObject(e.Old), New: indexObject(e.New)}
	}
	return out
}

func indexObject(f *tree.File) *index.Object {
	if f == nil {
		return nil
	}
	return &index.Object{Hash: f.Hash, Mode: f.Mode}
}
