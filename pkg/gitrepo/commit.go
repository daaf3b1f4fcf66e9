package gitrepo

import (
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/index"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/lockfile"
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
}

// Commit records exactly the given files as one commit on the current branch
// and updates the working tree and the index for those paths only. The user's
// other staged, unstaged and untracked changes stay exactly as they were.
// The given paths themselves are overwritten in the working tree and the
// index: callers that must not lose a user's edit check FileState first.
//
// It works with plumbing only, under git's lock files (index.lock, HEAD.lock,
// <branch>.lock, all taken with O_EXCL and removed on every error path):
// write the blobs, rewrite the trees along the changed paths, write the
// commit, compare-and-swap the branch, write the files, splice the entries
// into the index. Nothing scans the working tree or rebuilds all trees.
//
// Everything that can be checked is checked before the branch moves. If
// writing the working tree or the index fails after that, the commit is
// recorded: Commit returns its hash together with an error that says how to
// bring the working tree in line.
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

	// Lock order follows git commit: the index first, then the refs.
	indexPath := filepath.Join(r.gitDir, "index")
	indexLock, err := lockfile.Take(indexPath)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	defer indexLock.Release()
	// HEAD.lock keeps `git switch` (which rewrites HEAD) from changing the
	// branch under us; HEAD itself is never modified.
	headLock, err := lockfile.Take(filepath.Join(r.gitDir, "HEAD"))
	if err != nil {
		return plumbing.ZeroHash, err
	}
	defer headLock.Release()

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
	if head.Commit != req.Parent {
		now := "it has no commits"
		if !head.Unborn {
			now = "now at " + head.Commit.String()[:7]
		}
		return plumbing.ZeroHash, newUserError(ErrBranchMoved, nil,
			"the branch %s moved while this change was being made (%s); run the command again", head.Branch, now)
	}

	// Plan the index splice and check the working tree now, so that a
	// conflict stops us before anything is published.
	indexData, unmap, err := index.Map(indexPath)
	if err != nil {
		return plumbing.ZeroHash, newUserError(nil, err, "cannot read the git index %s: %v", indexPath, err)
	}
	defer unmap()
	updates := make([]index.Update, len(files))
	for i, f := range files {
		updates[i] = index.Update{Path: f.Path, Hash: BlobHash(f.Content)}
	}
	plan, err := index.Prepare(indexPath, indexData, updates)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	// Hash and write the part of the new index before our entries while the commit is built;
	// every path out of here waits for that work before the index is unmapped and the lock
	// released (deferred calls run in reverse order).
	plan.ResumeHash(indexData, index.ReadHashes(r.hashPath(), indexData))
	plan.Begin(indexLock.Writer())
	defer plan.Wait()
	for _, f := range files {
		if err := worktree.Check(r.root, f.Path); err != nil {
			return plumbing.ZeroHash, err
		}
	}

	// Objects: blobs, the trees along the paths, the commit. Unreferenced
	// objects left by a later failure are harmless (git gc removes them).
	puts := make([]tree.Put, len(files))
	for i, f := range files {
		obj := r.repo.Storer.NewEncodedObject()
		obj.SetType(plumbing.BlobObject)
		w, err := obj.Writer()
		if err != nil {
			return plumbing.ZeroHash, newUserError(nil, err, "cannot prepare the blob for %s: %v", f.Path, err)
		}
		w.Write(f.Content) // a memory object: cannot fail
		w.Close()
		h, err := r.store(obj)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		puts[i] = tree.Put{Path: f.Path, Blob: h}
	}
	baseTree := plumbing.ZeroHash
	var parents []plumbing.Hash
	if !req.Parent.IsZero() {
		t, err := r.commitTree(req.Parent)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		baseTree, parents = t, []plumbing.Hash{req.Parent}
	}
	newTree, err := tree.Build(r.objects, baseTree, puts)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	commitObj := r.repo.Storer.NewEncodedObject()
	c := &object.Commit{
		Author:       object.Signature{Name: author.Name, Email: author.Email, When: author.When},
		Committer:    object.Signature{Name: committer.Name, Email: committer.Email, When: committer.When},
		Message:      msg,
		TreeHash:     newTree,
		ParentHashes: parents,
	}
	if err := c.Encode(commitObj); err != nil {
		return plumbing.ZeroHash, newUserError(nil, err, "cannot build the commit: %v", err)
	}
	commit, err := r.store(commitObj)
	if err != nil {
		return plumbing.ZeroHash, err
	}

	// Publish: move the branch.
	subject, _, _ := strings.Cut(msg, "\n")
	reflogMsg := "commit: " + subject
	if req.Parent.IsZero() {
		reflogMsg = "commit (initial): " + subject
	}
	if err := r.updateBranch(head.Ref, req.Parent, commit, committer, reflogMsg); err != nil {
		return plumbing.ZeroHash, err
	}
	headLock.Release()

	// The working tree files, then the index entries with their stat data.
	for i, f := range files {
		st, err := worktree.Write(r.root, f.Path, f.Content)
		if err != nil {
			return commit, afterCommitError(commit, head.Branch, files, err)
		}
		plan.SetStat(i, st)
	}
	if err := plan.WriteIndex(indexLock.Writer()); err != nil {
		err = newUserError(nil, err, "cannot write %s: %v", indexLock.Path(), err)
		return commit, afterCommitError(commit, head.Branch, files, err)
	}
	if err := indexLock.CommitUnsynced(); err != nil {
		return commit, afterCommitError(commit, head.Branch, files, err)
	}
	plan.SaveHashes(r.hashPath())
	return commit, nil
}

// afterCommitError explains a failure after the branch has already moved.
func afterCommitError(commit plumbing.Hash, branch string, files []Change, err error) error {
	paths := make([]string, len(files))
	for i, f := range files {
		paths[i] = f.Path
	}
	return newUserError(nil, err,
		"the change was recorded as commit %s on branch %s, but updating the working tree failed: %v; "+
			"run `git restore --source=HEAD --staged --worktree -- %s` to bring the files in line",
		commit.String()[:7], branch, err, strings.Join(paths, " "))
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
