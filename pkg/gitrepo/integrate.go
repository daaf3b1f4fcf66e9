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

// fileEntry is a file in a tree: its blob and mode.
type fileEntry struct {
	hash plumbing.Hash
	mode filemode.FileMode
}

// pathEdit is one path whose entry differs between the old tip and the new one.
type pathEdit struct {
	path     string
	old, new *fileEntry // nil: absent
}

// Integrate brings req.Theirs into the current branch; see the package comment above.
func (r *Repo) Integrate(req IntegrateRequest) (*IntegrateResult, error) {
	res := &IntegrateResult{Kind: UpToDate, Commit: req.Local}
	if req.Theirs.IsZero() || req.Theirs == req.Local {
		return res, nil
	}
	theirs, err := object.GetCommit(r.repo.Storer, req.Theirs)
	if err != nil {
		return nil, objectError("commit", req.Theirs, err)
	}

	var edits []pathEdit
	target := req.Theirs
	oursTree := plumbing.ZeroHash
	if req.Local.IsZero() {
		// An unborn branch: everything is new.
		res.Kind = FastForward
	} else {
		ours, err := object.GetCommit(r.repo.Storer, req.Local)
		if err != nil {
			return nil, objectError("commit", req.Local, err)
		}
		oursTree = ours.TreeHash
		bases, err := r.mergeBases(req.Local, req.Theirs)
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
		if edits, err = r.diffTrees(oursTree, theirs.TreeHash); err != nil {
			return nil, err
		}
	} else {
		base, err := object.GetCommit(r.repo.Storer, res.Base)
		if err != nil {
			return nil, objectError("commit", res.Base, err)
		}
		var tree plumbing.Hash
		edits, tree, res.Merged, err = r.mergeTrees(base.TreeHash, oursTree, theirs.TreeHash, req.Resolve)
		if err != nil {
			return nil, err
		}
		if target, err = r.mergeCommit(req, tree, res.Merged); err != nil {
			return nil, err
		}
	}
	if err := r.moveAndUpdate(req, target, edits); err != nil {
		return nil, err
	}
	res.Commit = target
	for _, e := range edits {
		res.Updated = append(res.Updated, e.path)
	}
	return res, nil
}

func short(h plumbing.Hash) string { return h.String()[:7] }

// diffTrees lists the files that differ between two trees (zero: the empty tree). Subtrees
// with the same name on both sides are never opened.
func (r *Repo) diffTrees(from, to plumbing.Hash) ([]pathEdit, error) {
	var a, b *object.Tree
	var err error
	if !from.IsZero() {
		if a, err = r.tree(from); err != nil {
			return nil, err
		}
	}
	if !to.IsZero() {
		if b, err = r.tree(to); err != nil {
			return nil, err
		}
	}
	changes, err := object.DiffTree(a, b)
	if err != nil {
		return nil, newUserError(nil, err, "cannot compare the trees %s and %s: %v; check the repository with `git fsck`", short(from), short(to), err)
	}
	byPath := map[string]*pathEdit{}
	var out []pathEdit
	for _, ch := range changes {
		for _, side := range []struct {
			e   object.ChangeEntry
			old bool
		}{{ch.From, true}, {ch.To, false}} {
			if side.e.Name == "" {
				continue
			}
			pe := byPath[side.e.Name]
			if pe == nil {
				pe = &pathEdit{path: side.e.Name}
				byPath[side.e.Name] = pe
			}
			fe := &fileEntry{hash: side.e.TreeEntry.Hash, mode: side.e.TreeEntry.Mode}
			if side.old {
				pe.old = fe
			} else {
				pe.new = fe
			}
		}
	}
	for _, pe := range byPath {
		out = append(out, *pe)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out, nil
}

// sameEntry compares two optional entries.
func sameEntry(a, b *fileEntry) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.hash == b.hash && a.mode == b.mode
}

// mergeTrees computes the merged tree of ours and theirs from their common base. It returns
// the paths whose entry differs from ours (what the working tree needs), the merged tree, and
// the paths the resolver joined.
func (r *Repo) mergeTrees(base, ours, theirs plumbing.Hash, resolve Resolver) ([]pathEdit, plumbing.Hash, []string, error) {
	oursChanged, err := r.diffTrees(base, ours)
	if err != nil {
		return nil, plumbing.ZeroHash, nil, err
	}
	theirsChanged, err := r.diffTrees(base, theirs)
	if err != nil {
		return nil, plumbing.ZeroHash, nil, err
	}
	mine := make(map[string]pathEdit, len(oursChanged))
	for _, e := range oursChanged {
		mine[e.path] = e
	}

	var edits []pathEdit
	var merged []string
	conflicts := &ConflictError{}
	for _, t := range theirsChanged {
		o, changedHere := mine[t.path]
		switch {
		case !changedHere:
			// Changed on their side only: take it. Ours equals the base here.
			edits = append(edits, pathEdit{path: t.path, old: t.old, new: t.new})
			continue
		case sameEntry(o.new, t.new):
			continue // the same change on both sides
		}
		// Changed on both sides, differently.
		fail := func(format string, args ...any) {
			conflicts.Files = append(conflicts.Files, FileConflict{Path: t.path, Err: fmt.Errorf(format, args...)})
		}
		switch {
		case o.new == nil:
			fail("deleted here but changed on the other side")
			continue
		case t.new == nil:
			fail("changed here but deleted on the other side")
			continue
		case o.new.mode != t.new.mode:
			fail("its file mode changed differently on the two sides (%s here, %s there)", o.new.mode, t.new.mode)
			continue
		case o.new.mode != filemode.Regular && o.new.mode != filemode.Executable:
			fail("it is a %s, which cannot be merged automatically", modeName(o.new.mode))
			continue
		case resolve == nil:
			fail("changed on both sides")
			continue
		}
		var baseContent []byte
		if t.old != nil {
			if baseContent, err = r.readBlob(t.old.hash); err != nil {
				return nil, plumbing.ZeroHash, nil, err
			}
		}
		oc, err := r.readBlob(o.new.hash)
		if err != nil {
			return nil, plumbing.ZeroHash, nil, err
		}
		tc, err := r.readBlob(t.new.hash)
		if err != nil {
			return nil, plumbing.ZeroHash, nil, err
		}
		content, err := resolve(t.path, baseContent, oc, tc)
		if err != nil {
			conflicts.Files = append(conflicts.Files, FileConflict{Path: t.path, Err: err})
			continue
		}
		merged = append(merged, t.path)
		h, err := r.writeBlob(content)
		if err != nil {
			return nil, plumbing.ZeroHash, nil, err
		}
		if h != o.new.hash {
			edits = append(edits, pathEdit{path: t.path, old: o.new, new: &fileEntry{hash: h, mode: o.new.mode}})
		}
	}
	if len(conflicts.Files) > 0 {
		return nil, plumbing.ZeroHash, nil, conflicts
	}
	tree, err := r.editTree(ours, "", edits)
	if err != nil {
		var ue *userError
		if errors.As(err, &ue) {
			return nil, plumbing.ZeroHash, nil, &ConflictError{Files: []FileConflict{{Path: "(tree)", Err: err}}}
		}
		return nil, plumbing.ZeroHash, nil, err
	}
	if tree.IsZero() {
		// Everything was deleted: git's empty tree.
		obj := r.repo.Storer.NewEncodedObject()
		if err := (&object.Tree{}).Encode(obj); err != nil {
			return nil, plumbing.ZeroHash, nil, newUserError(nil, err, "cannot build the empty tree: %v", err)
		}
		if tree, err = r.store(obj); err != nil {
			return nil, plumbing.ZeroHash, nil, err
		}
	}
	return edits, tree, merged, nil
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

func (r *Repo) writeBlob(content []byte) (plumbing.Hash, error) {
	obj := r.repo.Storer.NewEncodedObject()
	obj.SetType(plumbing.BlobObject)
	w, err := obj.Writer()
	if err != nil {
		return plumbing.ZeroHash, newUserError(nil, err, "cannot prepare a blob: %v", err)
	}
	w.Write(content) // a memory object: cannot fail
	w.Close()
	return r.store(obj)
}

// treeEdit is a change to apply below a tree: rest is the path relative to it.
type treeEdit struct {
	rest, full string
	new        *fileEntry // nil: delete
}

// editTree returns base (zero: empty) with the edits applied, writing only the trees along the
// edited paths; directories left empty disappear. A zero result means the tree is empty.
func (r *Repo) editTree(base plumbing.Hash, prefix string, edits []pathEdit) (plumbing.Hash, error) {
	te := make([]treeEdit, len(edits))
	for i, e := range edits {
		te[i] = treeEdit{rest: e.path, full: e.path, new: e.new}
	}
	return r.editTreeRec(base, prefix, te)
}

func (r *Repo) editTreeRec(base plumbing.Hash, prefix string, edits []treeEdit) (plumbing.Hash, error) {
	var entries []object.TreeEntry
	if !base.IsZero() {
		t, err := r.tree(base)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		entries = append(entries, t.Entries...) // a copy: go-git caches t
	}
	index := make(map[string]int, len(entries))
	for i, e := range entries {
		index[e.Name] = i
	}

	// The edits of files directly in this tree, and those below each subdirectory.
	files := map[string]*fileEntry{}
	sub := map[string][]treeEdit{}
	var names []string
	for _, e := range edits {
		name, rest, isDir := strings.Cut(e.rest, "/")
		_, seenFile := files[name]
		if _, seenSub := sub[name]; !seenFile && !seenSub {
			names = append(names, name)
		}
		if isDir {
			sub[name] = append(sub[name], treeEdit{rest: rest, full: e.full, new: e.new})
		} else {
			files[name] = e.new
		}
	}
	sort.Strings(names)

	removed := map[string]bool{}
	set := func(e object.TreeEntry) {
		delete(removed, e.Name)
		if i, ok := index[e.Name]; ok {
			entries[i] = e
			return
		}
		index[e.Name] = len(entries)
		entries = append(entries, e)
	}
	dfConflict := func(name string) error {
		p := name
		if prefix != "" {
			p = prefix + "/" + name
		}
		return newUserError(nil, nil, "cannot merge %s: it is a file on one side and a directory on the other", p)
	}
	for _, name := range names {
		cur, exists := index[name]
		isDir := exists && entries[cur].Mode == filemode.Dir
		file, fileEdited := files[name]
		var subTree plumbing.Hash
		if edits := sub[name]; len(edits) > 0 {
			subBase := plumbing.ZeroHash
			switch {
			case isDir:
				subBase = entries[cur].Hash
			case exists && !fileEdited:
				return plumbing.ZeroHash, dfConflict(name) // a file stays where a directory is needed
			}
			dirPath := name
			if prefix != "" {
				dirPath = prefix + "/" + name
			}
			h, err := r.editTreeRec(subBase, dirPath, edits)
			if err != nil {
				return plumbing.ZeroHash, err
			}
			subTree = h
		} else if isDir && fileEdited && file != nil {
			return plumbing.ZeroHash, dfConflict(name) // a directory stays where a file goes
		}
		switch {
		case fileEdited && file != nil:
			if !subTree.IsZero() {
				return plumbing.ZeroHash, dfConflict(name) // the directory still has files
			}
			set(object.TreeEntry{Name: name, Mode: file.mode, Hash: file.hash})
		case !subTree.IsZero():
			set(object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: subTree})
		default:
			removed[name] = true // a deleted file, or a directory left empty
		}
	}

	kept := entries[:0]
	for _, e := range entries {
		if !removed[e.Name] {
			kept = append(kept, e)
		}
	}
	if len(kept) == 0 {
		return plumbing.ZeroHash, nil
	}
	sort.Sort(object.TreeEntrySorter(kept))
	obj := r.repo.Storer.NewEncodedObject()
	if err := (&object.Tree{Entries: kept}).Encode(obj); err != nil {
		return plumbing.ZeroHash, newUserError(nil, err, "cannot build the tree for %q: %v", prefix, err)
	}
	return r.store(obj)
}

// mergeCommit writes the merge commit: the local tip first, theirs second, as git merge does.
func (r *Repo) mergeCommit(req IntegrateRequest, tree plumbing.Hash, merged []string) (plumbing.Hash, error) {
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
	obj := r.repo.Storer.NewEncodedObject()
	c := &object.Commit{
		Author:       object.Signature{Name: author.Name, Email: author.Email, When: author.When},
		Committer:    object.Signature{Name: committer.Name, Email: committer.Email, When: committer.When},
		Message:      msg,
		TreeHash:     tree,
		ParentHashes: []plumbing.Hash{req.Local, req.Theirs},
	}
	if err := c.Encode(obj); err != nil {
		return plumbing.ZeroHash, newUserError(nil, err, "cannot build the merge commit: %v", err)
	}
	return r.store(obj)
}

// moveAndUpdate publishes target: under index.lock and HEAD.lock it checks that the branch is
// still at req.Local and that no path to update has uncommitted changes, moves the branch
// (compare-and-swap under <ref>.lock, with reflog lines), then writes the working tree files
// and splices the index entries of exactly the edited paths.
func (r *Repo) moveAndUpdate(req IntegrateRequest, target plumbing.Hash, edits []pathEdit) error {
	committer, ok := cleanSignature(req.Committer)
	if !ok {
		return noIdentityError()
	}
	indexPath := filepath.Join(r.gitDir, "index")
	indexLock, err := takeLock(indexPath)
	if err != nil {
		return err
	}
	defer indexLock.release()
	headLock, err := takeLock(filepath.Join(r.gitDir, "HEAD"))
	if err != nil {
		return err
	}
	defer headLock.release()

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

	// Check everything before the branch moves.
	indexData, err := os.ReadFile(indexPath)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return newUserError(nil, err, "cannot read the git index %s: %v", indexPath, err)
	}
	plan, dirty, err := planIndexEdits(indexPath, indexData, edits)
	if err != nil {
		return err
	}
	// Where files are removed, and every directory that loses a file.
	removedFiles, removedUnder := map[string]bool{}, map[string]bool{}
	for _, e := range edits {
		if e.new == nil {
			removedFiles[e.path] = true
			for i := 0; i < len(e.path); i++ {
				if e.path[i] == '/' {
					removedUnder[e.path[:i]] = true
				}
			}
		}
	}
	for _, e := range edits {
		same, err := r.worktreeUnchanged(e, removedUnder[e.path])
		if err != nil {
			return err
		}
		if !same {
			dirty = append(dirty, e.path)
		}
	}
	if len(dirty) > 0 {
		sort.Strings(dirty)
		return &LocalChangesError{Paths: uniqueStrings(dirty)}
	}
	for _, e := range edits {
		if e.new == nil || parentRemoved(e.path, removedFiles) || removedUnder[e.path] {
			continue
		}
		if e.new.mode == filemode.Submodule {
			return newUserError(nil, nil,
				"the incoming changes update the submodule %s, which incidentctl does not handle; run `git pull` instead", e.path)
		}
		if err := r.checkWorktreePath(e.path); err != nil {
			return err
		}
	}

	reflog := req.Reflog
	if reflog == "" {
		reflog = "integrate " + short(req.Theirs)
	}
	if target == req.Theirs {
		reflog += ": fast-forward"
	} else {
		reflog += ": merge"
	}
	if err := r.updateBranch(head.Ref, req.Local, target, committer, reflog); err != nil {
		return err
	}
	headLock.release()

	// Removals first (a directory may give way to a file), then the new content.
	var failed error
	for _, e := range edits {
		if e.new == nil {
			if err := r.removeWorktreeFile(e.path); err != nil && failed == nil {
				failed = err
			}
		}
	}
	for i, e := range edits {
		if e.new == nil || failed != nil {
			continue
		}
		st, err := r.writeWorktreeEntry(e.path, e.new)
		if err != nil {
			failed = err
			continue
		}
		plan.setStat(i, st)
	}
	if failed == nil {
		if err := plan.writeTo(indexLock.f); err != nil {
			failed = newUserError(nil, err, "cannot write %s: %v", indexLock.path, err)
		}
	}
	if failed == nil {
		failed = indexLock.commit()
	}
	if failed != nil {
		paths := make([]string, len(edits))
		for i, e := range edits {
			paths[i] = e.path
		}
		return newUserError(nil, failed,
			"the branch %s now points at %s, but updating the working tree failed: %v; "+
				"run `git restore --source=HEAD --staged --worktree -- %s` to bring the files in line",
			head.Branch, short(target), failed, strings.Join(paths, " "))
	}
	return nil
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

// worktreeUnchanged reports whether the working tree copy of e.path holds what the old tip has
// (or already what the new tip has), so that replacing it loses nothing.
// A directory at the path is fine when its files are being removed (dirGivesWay).
func (r *Repo) worktreeUnchanged(e pathEdit, dirGivesWay bool) (bool, error) {
	full := filepath.Join(r.root, filepath.FromSlash(e.path))
	fi, err := os.Lstat(full)
	switch {
	case errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ENOTDIR):
		// Absent: fine if it was absent or is going away; otherwise the user deleted it.
		return e.old == nil || e.new == nil, nil
	case err != nil:
		return false, newUserError(nil, err, "cannot read %s: %v", full, err)
	}
	var h plumbing.Hash
	switch {
	case fi.Mode().IsRegular():
		if h, err = hashFile(full, fi.Size()); err != nil {
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
		if dirGivesWay || e.old != nil && e.old.mode == filemode.Submodule {
			return true, nil
		}
		return false, nil
	default:
		return false, nil
	}
	return (e.old != nil && h == e.old.hash) || (e.new != nil && h == e.new.hash), nil
}

// removeWorktreeFile deletes a file and the directories it leaves empty, like git does.
func (r *Repo) removeWorktreeFile(path string) error {
	full := filepath.Join(r.root, filepath.FromSlash(path))
	if err := os.Remove(full); err != nil && !errors.Is(err, os.ErrNotExist) {
		if fi, serr := os.Lstat(full); serr == nil && fi.IsDir() {
			return nil // a submodule's folder, or a directory that is also the user's: leave it
		}
		return newUserError(nil, err, "cannot remove %s: %v", full, err)
	}
	for dir := filepath.Dir(full); dir != r.root && strings.HasPrefix(dir, r.root); dir = filepath.Dir(dir) {
		if os.Remove(dir) != nil {
			break // not empty (or not ours to remove)
		}
	}
	return nil
}

// writeWorktreeEntry writes one file of the new tip with its mode and returns its stat data.
func (r *Repo) writeWorktreeEntry(path string, e *fileEntry) (statData, error) {
	content, err := r.readBlob(e.hash)
	if err != nil {
		return statData{}, err
	}
	full := filepath.Join(r.root, filepath.FromSlash(path))
	if fi, err := os.Lstat(full); err == nil && fi.IsDir() {
		// A directory whose files were all removed, where a file goes now.
		if err := os.Remove(full); err != nil {
			return statData{}, newUserError(nil, err, "cannot replace the directory %s with a file: %v", full, err)
		}
	}
	switch e.mode {
	case filemode.Symlink:
		if err := os.MkdirAll(filepath.Dir(full), 0o777); err != nil {
			return statData{}, newUserError(nil, err, "cannot create the directory %s: %v", filepath.Dir(full), err)
		}
		tmp := filepath.Join(filepath.Dir(full), "."+filepath.Base(full)+".incidentctl-link")
		os.Remove(tmp)
		if err := os.Symlink(string(content), tmp); err != nil {
			return statData{}, newUserError(nil, err, "cannot create the link %s: %v", full, err)
		}
		if err := os.Rename(tmp, full); err != nil {
			os.Remove(tmp)
			return statData{}, newUserError(nil, err, "cannot write %s: %v", full, err)
		}
		fi, err := os.Lstat(full)
		if err != nil {
			return statData{}, newUserError(nil, err, "cannot read back %s: %v", full, err)
		}
		st := statOf(fi)
		st.Mode = uint32(filemode.Symlink)
		return st, nil
	case filemode.Submodule:
		// git leaves an empty folder for a submodule it does not check out.
		if err := os.MkdirAll(full, 0o777); err != nil {
			return statData{}, newUserError(nil, err, "cannot create %s: %v", full, err)
		}
		return statData{Mode: uint32(filemode.Submodule)}, nil
	}
	st, err := r.writeWorktreeFile(path, content)
	if err != nil {
		return statData{}, err
	}
	if e.mode == filemode.Executable {
		if err := os.Chmod(full, 0o755); err != nil {
			return statData{}, newUserError(nil, err, "cannot make %s executable: %v", full, err)
		}
		fi, err := os.Lstat(full)
		if err != nil {
			return statData{}, newUserError(nil, err, "cannot read back %s: %v", full, err)
		}
		st = statOf(fi)
		st.Mode = uint32(filemode.Executable)
	}
	return st, nil
}
