package gitrepo

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/fault"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/index"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/refs"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/tree"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/worktree"
)

// hashPath is where the index's saved hash states (pkg/gitrepo/index, hash.go) are kept, beside
// incidentctl's other caches for this working tree.
func (r *Repo) hashPath() string { return filepath.Join(r.gitDir, "incidentctl", "index-sha1") }

// Change is the new content of one file.
type Change struct {
	Path    string // slash-separated, relative to Root
	Content []byte
}

// CommitRequest describes one commit.
type CommitRequest struct {
	Changes []Change
	Message string
	// Parent is the HEAD commit the caller read before computing Changes
	// (zero for an unborn branch). If the branch has moved since, Commit
	// fails with ErrBranchMoved instead of overwriting somebody's work.
	Parent            plumbing.Hash
	Author, Committer Signature
	// NoVerify skips the pre-commit and commit-msg hooks, as git commit --no-verify does.
	NoVerify bool
}

// Commit records exactly the given files as one commit on the current branch
// and updates the working tree and the index for those paths only. The user's
// other staged, unstaged and untracked changes stay exactly as they were.
// The given paths themselves are overwritten in the working tree and the
// index: callers that must not lose a user's edit check FileState first.
//
// It runs in git's lock order (tx.go): index.lock, then HEAD.lock and <branch>.lock, are taken
// before anything is written and index.lock is held until the new index is renamed into place;
// the blobs, the trees along the changed paths, the commit, the working-tree files and the new
// index (complete, in index.lock) are written first; then the index is published and the
// branch moved by compare-and-swap, still under its lock. A journal written before the first visible step
// lets the next incidentctl complete the change if this process is killed (recover.go).
// Nothing scans the working tree or rebuilds all trees.
//
// Signing (commit.gpgsign), the commit hooks, clean filters and end-of-line conversion, and
// index formats the splice does not write (version 4, split, sparse) are done the way git
// commit does them, by git itself where needed (settings.go, hooks.go, gitcli.go).
//
// Everything that can be checked is checked before the branch moves, and a failure before it
// puts the working-tree files back. If publishing the index fails after the branch moved, the
// commit is recorded: Commit returns its hash together with an error that says so (the next
// incidentctl command completes the index).
func (r *Repo) Commit(req CommitRequest) (plumbing.Hash, error) {
	files, err := checkChanges(req.Changes)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	msg, err := commitMessage(req.Message)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	author, authorOK := cleanSignature(req.Author)
	committer, committerOK := cleanSignature(req.Committer)
	if !authorOK || !committerOK {
		return plumbing.ZeroHash, noIdentityError()
	}
	way, err := r.way(req.NoVerify || r.NoVerify)
	if err != nil {
		return plumbing.ZeroHash, err
	}

	// The blobs first, outside the locks: objects are immutable, and one nobody refers to is
	// harmless (git gc removes it).
	puts := make([]tree.Put, len(files))
	converted := 0
	for i, f := range files {
		h, conv, err := r.blob(way, f)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		if conv {
			converted++
		}
		puts[i] = tree.Put{Path: f.Path, Blob: h}
	}
	if converted > 0 {
		tracef("commit: %d of %d blobs through git hash-object (.gitattributes or core.autocrlf convert them)", converted, len(files))
	}

	t, err := r.begin()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	defer t.release()
	fault.Point("commit:locked")

	head, err := r.Head()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if head.Detached {
		return plumbing.ZeroHash, newUserError(ErrDetachedHead, nil,
			"HEAD is detached; switch to a branch (git switch <branch>) before recording changes")
	}
	if !head.Ref.IsBranch() {
		return plumbing.ZeroHash, newUserError(ErrDetachedHead, nil,
			"HEAD points to %s, which is not a branch; switch to a branch (git switch <branch>) before recording changes", head.Ref)
	}
	parent := req.Parent
	if head.Commit != req.Parent {
		// Somebody committed meanwhile (a git commit of other files, a pull). If none of our
		// paths changed, the change applies as it is on top of that commit, as if it had been
		// made a moment later; otherwise it was computed from content that is gone.
		if !r.pathsUnchanged(req.Parent, head.Commit, files) {
			now := "it has no commits"
			if !head.Unborn {
				now = "now at " + head.Commit.String()[:7]
			}
			return plumbing.ZeroHash, newUserError(ErrBranchMoved, nil,
				"the branch %s moved while this change was being made (%s); run the command again", head.Branch, now)
		}
		tracef("commit: the branch moved from %s to %s meanwhile, without touching these files: committing on top", short(req.Parent), short(head.Commit))
		parent = head.Commit
	}
	// The branch's lock too, before anything visible: a lock in the way stops the change
	// while nothing has changed, and is named with the others.
	branch, err := r.refs.LockBranch(head.Ref, parent, "commit")
	if err != nil {
		return plumbing.ZeroHash, r.heldError(err)
	}
	defer branch.Release()

	// Plan the index splice and check the working tree now, so that a
	// conflict stops us before anything is published.
	indexPath := r.indexPath()
	indexData, unmap, err := index.Map(indexPath)
	if err != nil {
		return plumbing.ZeroHash, newUserError(nil, err, "cannot read the git index %s: %v", indexPath, err)
	}
	defer unmap()
	byGit := ""
	why := r.specialIndex(indexData)
	if why != "" && why != index.SpecialSplit && r.gitAvailable() {
		byGit = why
	}
	// Entries git would smudge before writing the index (racy.go): smudged in a copy of it,
	// or git writes the index (a split index's).
	firstSmudged := -1
	var racy []index.Racy
	var racyBound *index.RacyBound
	if byGit == "" {
		racy, racyBound, err = r.racyFor(indexPath, indexData, why == index.SpecialSplit)
		switch {
		case err != nil:
			return plumbing.ZeroHash, err
		case len(racy) > 0 && why == index.SpecialSplit:
			if !r.gitAvailable() {
				return plumbing.ZeroHash, needGit(index.SpecialSplit + ": " + racySplitWhy)
			}
			byGit = index.SpecialSplit + ": " + racySplitWhy
		default:
			indexData, firstSmudged = smudged(indexData, racy)
		}
	}
	var plan *index.Plan
	if byGit == "" {
		updates := make([]index.Update, len(files))
		for i := range files {
			updates[i] = index.Update{Path: puts[i].Path, Hash: puts[i].Blob}
		}
		if why == index.SpecialSplit {
			// Only the changed entries, against the same shared index, unless git would
			// write a new shared index (or undo the split) now.
			plan, err = r.prepareSplit(indexPath, indexData, updates)
		} else if plan, err = index.Prepare(indexPath, indexData, updates); err == nil {
			plan.SetRacyBound(racyBound, racyOffsets(racy))
		}
		if ng := (*index.NeedsGit)(nil); errors.As(err, &ng) {
			if !r.gitAvailable() {
				return plumbing.ZeroHash, needGit(why + ": " + ng.Why)
			}
			byGit, plan, err = why+": "+ng.Why, nil, nil
		}
		if err != nil {
			return plumbing.ZeroHash, err
		}
	}
	if plan != nil {
		// Hash and write the part of the new index before our entries while the commit is
		// built; every path out of here waits for that work before the index is unmapped and
		// the lock released (deferred calls run in reverse order).
		cps := index.ReadHashes(r.hashPath(), indexData)
		if firstSmudged >= 0 {
			cps = index.CheckpointsBefore(cps, firstSmudged)
		}
		plan.ResumeHash(indexData, cps)
		plan.Begin(t.index.Writer())
		defer plan.Wait()
	}
	for _, f := range files {
		if err := worktree.Check(r.root, f.Path); err != nil {
			return plumbing.ZeroHash, err
		}
	}
	tracef("commit: %s; index: %s", way.describe(), orDefault(byGit, "spliced"))

	// The trees along the paths.
	baseTree := plumbing.ZeroHash
	var parents []plumbing.Hash
	if !parent.IsZero() {
		bt, err := r.commitTree(parent)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		baseTree, parents = bt, []plumbing.Hash{parent}
	}
	built, err := tree.Build(r.objects, baseTree, puts)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	newTree := built.Tree
	edits := make([]tree.Change, len(files))
	for i := range files {
		edits[i] = tree.Change{Path: puts[i].Path, Old: built.Olds[i], New: &tree.File{Hash: puts[i].Blob, Mode: filemode.Regular}}
	}
	if plan != nil {
		// The cache tree names the trees just built, as after git commit.
		dirs := make([]index.TreeDir, len(built.Dirs))
		for i, d := range built.Dirs {
			dirs[i] = index.TreeDir{Path: d.Path, Old: d.Old, New: d.New}
		}
		plan.SetTrees(dirs)
	}
	subject, _, _ := strings.Cut(msg, "\n")
	j := &journal{Step: "commit", Ref: string(head.Ref), From: hashOrEmpty(parent), Reflog: "commit: " + subject,
		Who: refs.Who(committer), Edits: journalEntries(edits)}
	if parent.IsZero() {
		j.Reflog = "commit (initial): " + subject
	}

	// The hooks see the files being committed in the working tree, as with git commit <paths>,
	// so those are written first when there are hooks; a hook that stops the commit has them put
	// back.
	written := false
	writeFiles := func() error {
		for _, f := range files {
			if _, err := worktree.Write(r.root, f.Path, f.Content); err != nil {
				return err
			}
		}
		written = true
		return nil
	}
	undo := func() {
		if written {
			r.rollBackWorktree(edits)
		}
		r.removeJournal()
	}
	var hookIndex string
	if len(way.hooks) > 0 {
		if err := r.writeJournal(j); err != nil { // To is empty: undone, not completed, after a kill
			return plumbing.ZeroHash, err
		}
		if err := writeFiles(); err != nil {
			undo()
			return plumbing.ZeroHash, err
		}
		if hookIndex, err = r.hookIndex(newTree); err != nil {
			undo()
			return plumbing.ZeroHash, err
		}
		defer os.Remove(hookIndex)
		if p, ok := way.hooks["pre-commit"]; ok {
			if err := r.runHook("pre-commit", p, []string{"GIT_INDEX_FILE=" + hookIndex}); err != nil {
				undo()
				return plumbing.ZeroHash, hookError("pre-commit", p, err)
			}
		}
		if msg, err = r.messageHooks(way, msg, hookIndex); err != nil {
			undo()
			return plumbing.ZeroHash, err
		}
	}

	// The commit.
	var commit plumbing.Hash
	if way.sign {
		commit, err = r.signedCommit(way, newTree, parents, msg, author, committer)
	} else {
		commit, err = r.commitObject(newTree, parents, msg, author, committer)
	}
	if err != nil {
		undo()
		return plumbing.ZeroHash, err
	}
	fault.Point("commit:objects")

	j.To = commit.String()
	if err := r.writeJournal(j); err != nil {
		undo()
		return plumbing.ZeroHash, err
	}
	fault.Point("commit:journal")

	// The working-tree files, then the new index into index.lock, complete.
	if !written {
		for i, f := range files {
			st, err := worktree.Write(r.root, f.Path, f.Content)
			written = true
			if err != nil {
				undo()
				return plumbing.ZeroHash, err
			}
			if plan != nil {
				plan.SetStat(i, st)
			}
		}
	} else if plan != nil {
		// Written before the hooks ran: their stat data now, where they still hold what is
		// committed (a hook may have changed one; git then sees the change).
		for i, f := range files {
			if same, _ := worktree.Same(r.root, f.Path, puts[i].Blob); same {
				if fi, err := os.Lstat(filepath.Join(r.root, filepath.FromSlash(f.Path))); err == nil {
					plan.SetStat(i, index.StatOf(fi))
				}
			}
		}
	}
	fault.Point("commit:worktree")
	if plan != nil {
		if err := plan.WriteIndex(t.index.Writer()); err != nil {
			undo()
			return plumbing.ZeroHash, newUserError(nil, err, "cannot write %s: %v", t.index.Path(), err)
		}
	} else if err := r.gitIndexEdits(t, edits, indexData, byGit); err != nil {
		undo()
		return plumbing.ZeroHash, err
	}
	if err := t.index.Close(); err != nil {
		undo()
		return plumbing.ZeroHash, err
	}
	fault.Point("commit:index-written")

	// Publish: the index, then the branch, which nobody else can move meanwhile (we hold its
	// lock). In this order a command that reads HEAD and then the index without a lock, as
	// git commit does, can never pair the new HEAD with the old index and commit a tree
	// without this change; at worst it pairs the old HEAD with the new index, and then its
	// own compare-and-swap of the branch fails.
	if err := t.index.CommitUnsynced(); err != nil {
		undo()
		return plumbing.ZeroHash, err
	}
	fault.Point("commit:index-published")
	if err := branch.Commit(commit, refs.Who(committer), j.Reflog); err != nil {
		return plumbing.ZeroHash, afterIndexError(head.Branch, files, err)
	}
	fault.Point("commit:branch-moved")
	t.head.Release()
	r.removeJournal()
	if plan != nil {
		plan.SaveHashes(r.hashPath())
		plan.FreshenShared()
	}
	if p, ok := way.hooks["post-commit"]; ok {
		r.runHook("post-commit", p, nil) // cannot undo the commit; its output is the user's
	}
	return commit, nil
}

// pathsUnchanged reports whether every file of a change has the same entry (or none) in the
// commits from and to: a change computed at from then applies at to unchanged.
func (r *Repo) pathsUnchanged(from, to plumbing.Hash, files []Change) bool {
	if from.IsZero() || to.IsZero() {
		return false
	}
	ft, err1 := r.commitTree(from)
	tt, err2 := r.commitTree(to)
	if err1 != nil || err2 != nil {
		return false
	}
	for _, f := range files {
		a, fa, err1 := r.lookup(ft, f.Path)
		b, fb, err2 := r.lookup(tt, f.Path)
		if err1 != nil || err2 != nil || fa != fb || fa && (a.Hash != b.Hash || a.Mode != b.Mode) {
			return false
		}
	}
	return true
}

// blob writes the blob of one file: its content as it is, or, where .gitattributes or
// core.autocrlf would change it on its way into git, what git hash-object makes of it.
// conv reports the second.
func (r *Repo) blob(way *commitWay, f Change) (h plumbing.Hash, conv bool, err error) {
	text, other := way.attrs.conversion(f.Path)
	if other || text && bytes.Contains(f.Content, []byte("\r\n")) {
		if r.gitAvailable() {
			h, err = r.convertedBlob(f.Path, f.Content)
			return h, true, err
		}
		if other {
			return plumbing.ZeroHash, false, needGit(f.Path + " has a clean filter, ident or working-tree-encoding in .gitattributes")
		}
		// End-of-line conversion without git: CRLF becomes LF, as git add does for text.
		f.Content = bytes.ReplaceAll(f.Content, []byte("\r\n"), []byte("\n"))
	}
	obj := r.repo.Storer.NewEncodedObject()
	obj.SetType(plumbing.BlobObject)
	w, err := obj.Writer()
	if err != nil {
		return plumbing.ZeroHash, false, newUserError(nil, err, "cannot prepare the blob for %s: %v", f.Path, err)
	}
	w.Write(f.Content) // a memory object: cannot fail
	w.Close()
	h, err = r.store(obj)
	return h, false, err
}

// commitObject writes a commit object.
func (r *Repo) commitObject(treeHash plumbing.Hash, parents []plumbing.Hash, msg string, author, committer Signature) (plumbing.Hash, error) {
	obj := r.repo.Storer.NewEncodedObject()
	c := &object.Commit{
		Author:       object.Signature{Name: author.Name, Email: author.Email, When: author.When},
		Committer:    object.Signature{Name: committer.Name, Email: committer.Email, When: committer.When},
		Message:      msg,
		TreeHash:     treeHash,
		ParentHashes: parents,
	}
	if err := c.Encode(obj); err != nil {
		return plumbing.ZeroHash, newUserError(nil, err, "cannot build the commit: %v", err)
	}
	return r.store(obj)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// afterIndexError explains a failure to move the branch after the index was published: the
// journal stays, and the next incidentctl command completes the commit.
func afterIndexError(branch string, files []Change, err error) error {
	paths := make([]string, len(files))
	for i, f := range files {
		paths[i] = f.Path
	}
	return newUserError(nil, err,
		"the change to %s is staged but the branch %s could not be moved: %v; "+
			"the next incidentctl command completes the commit", strings.Join(paths, " "), branch, err)
}

// checkChanges validates the paths and returns the changes sorted by path.
func checkChanges(changes []Change) ([]Change, error) {
	if len(changes) == 0 {
		return nil, newUserError(nil, nil, "nothing to commit: no files were given")
	}
	files := make([]Change, len(changes))
	copy(files, changes)
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	paths := make(map[string]bool, len(files))
	for _, f := range files {
		if err := checkPath(f.Path); err != nil {
			return nil, err
		}
		if paths[f.Path] {
			return nil, newUserError(nil, nil, "the file %s is listed twice in one commit", f.Path)
		}
		paths[f.Path] = true
	}
	// A path cannot be both a file and a directory of another path.
	for _, f := range files {
		for i := 0; i < len(f.Path); i++ {
			if f.Path[i] == '/' && paths[f.Path[:i]] {
				return nil, newUserError(nil, nil,
					"cannot commit both %s and %s: the first would have to be a file and a directory", f.Path[:i], f.Path)
			}
		}
	}
	return files, nil
}

// commitMessage applies the part of git's message cleanup that matters for a
// message built by a program: it must not be empty, and ends with one newline.
func commitMessage(msg string) (string, error) {
	msg = strings.TrimRight(msg, " \t\r\n")
	msg = strings.TrimLeft(msg, "\r\n")
	if strings.TrimSpace(msg) == "" {
		return "", newUserError(nil, nil, "the commit message is empty; give a message that says what changed")
	}
	return msg + "\n", nil
}

// cleanSignature drops what git drops from identities (angle brackets and
// line breaks would corrupt the commit header) and reports whether both name
// and e-mail are left.
func cleanSignature(s Signature) (Signature, bool) {
	clean := func(v string) string {
		v = strings.Map(func(r rune) rune {
			switch r {
			case '<', '>', '\n', '\r', 0:
				return -1
			}
			return r
		}, v)
		return strings.TrimSpace(v)
	}
	s.Name, s.Email = clean(s.Name), clean(s.Email)
	if s.When.IsZero() {
		s.When = time.Now()
	}
	return s, s.Name != "" && s.Email != ""
}
