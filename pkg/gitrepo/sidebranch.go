package gitrepo

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/lockfile"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/tree"
)

// A commit on a new branch beside the current one (`incidentctl flow propose`): the blobs, the
// trees along the changed paths and the commit are written as Commit writes them, and the new
// branch is created under its own lock file. HEAD, the current branch, the index and the working
// tree are not touched at all, so the user's changes stay exactly as they were.

// ErrBranchExists: CommitOnNewBranch refuses a branch that already exists.
var ErrBranchExists = errors.New("branch exists")

// BranchFile is one file of a commit on a new branch: its new content, or its removal.
type BranchFile struct {
	Path       string // slash-separated, relative to Root
	Content    []byte
	Executable bool // mode 100755 rather than 100644
	Delete     bool // remove the file from the tree
}

// BranchCommitRequest describes a commit on a new branch.
type BranchCommitRequest struct {
	Branch            string        // short name, e.g. flow/261123-k7xqm-checkout
	Base              plumbing.Hash // the commit the branch starts from (zero: a root commit)
	Files             []BranchFile
	Message           string
	Author, Committer Signature
}

// CommitOnNewBranch records the files as one commit on top of Base and creates the branch at it.
// It fails with ErrBranchExists when the branch exists, before writing anything.
func (r *Repo) CommitOnNewBranch(req BranchCommitRequest) (plumbing.Hash, error) {
	if err := CheckBranchName(req.Branch); err != nil {
		return plumbing.ZeroHash, err
	}
	if len(req.Files) == 0 {
		return plumbing.ZeroHash, newUserError(nil, nil, "nothing to commit: no files were given")
	}
	seen := map[string]bool{}
	for _, f := range req.Files {
		if err := checkPath(f.Path); err != nil {
			return plumbing.ZeroHash, err
		}
		if seen[f.Path] {
			return plumbing.ZeroHash, newUserError(nil, nil, "the file %s is listed twice in one commit", f.Path)
		}
		seen[f.Path] = true
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
	ref := plumbing.NewBranchReferenceName(req.Branch)
	target := r.refs.Path(ref)
	if err := os.MkdirAll(filepath.Dir(target), 0o777); err != nil {
		return plumbing.ZeroHash, newUserError(nil, err, "cannot create the directory for the branch %s: %v", req.Branch, err)
	}
	lock, err := lockfile.Take(target)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	defer lock.Release()
	if _, found, err := r.readRef(ref); err != nil {
		return plumbing.ZeroHash, err
	} else if found {
		return plumbing.ZeroHash, newUserError(ErrBranchExists, nil,
			"the branch %s already exists: delete it (git branch -D %s) or choose another name", req.Branch, req.Branch)
	}

	edits := make([]tree.Change, len(req.Files))
	for i, f := range req.Files {
		edits[i] = tree.Change{Path: f.Path}
		if f.Delete {
			continue
		}
		h, err := r.writeBlob(f.Content)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		mode := filemode.Regular
		if f.Executable {
			mode = filemode.Executable
		}
		edits[i].New = &tree.File{Hash: h, Mode: mode}
	}
	baseTree := plumbing.ZeroHash
	var parents []plumbing.Hash
	if !req.Base.IsZero() {
		if baseTree, err = r.commitTree(req.Base); err != nil {
			return plumbing.ZeroHash, err
		}
		parents = []plumbing.Hash{req.Base}
	}
	root, err := tree.Edit(r.objects, baseTree, "", edits)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if root.IsZero() { // every file removed: git's empty tree
		if root, err = r.objects.WriteRaw(plumbing.TreeObject, nil); err != nil {
			return plumbing.ZeroHash, newUserError(nil, err, "cannot write a tree object into %s: %v", r.commonDir, err)
		}
	}
	c := &object.Commit{
		Author:       object.Signature{Name: author.Name, Email: author.Email, When: author.When},
		Committer:    object.Signature{Name: committer.Name, Email: committer.Email, When: committer.When},
		Message:      msg,
		TreeHash:     root,
		ParentHashes: parents,
	}
	obj := r.repo.Storer.NewEncodedObject()
	if err := c.Encode(obj); err != nil {
		return plumbing.ZeroHash, newUserError(nil, err, "cannot build the commit: %v", err)
	}
	commit, err := r.store(obj)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if err := lock.Write([]byte(commit.String() + "\n")); err != nil {
		return plumbing.ZeroHash, err
	}
	// The new branch's own reflog only: HEAD never pointed at this commit.
	subject, _, _ := strings.Cut(msg, "\n")
	if err := appendBranchReflog(filepath.Join(r.commonDir, "logs", filepath.FromSlash(string(ref))), commit, committer, "commit: "+subject); err != nil {
		return plumbing.ZeroHash, err
	}
	if err := lock.CommitUnsynced(); err != nil {
		return plumbing.ZeroHash, err
	}
	return commit, nil
}

// appendBranchReflog writes the reflog record of a branch created at commit:
// "<zero> <new> Name <email> <unix time> <+hhmm>\t<message>\n", as git does.
func appendBranchReflog(path string, commit plumbing.Hash, who Signature, msg string) error {
	line := fmt.Appendf(nil, "%s %s %s <%s> %d %s\t%s\n", plumbing.ZeroHash, commit, who.Name, who.Email,
		who.When.Unix(), who.When.Format("-0700"), strings.ReplaceAll(msg, "\n", " "))
	if err := os.MkdirAll(filepath.Dir(path), 0o777); err != nil {
		return newUserError(nil, err, "cannot create the reflog directory %s: %v", filepath.Dir(path), err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o666)
	if err != nil {
		return newUserError(nil, err, "cannot open the reflog %s: %v", path, err)
	}
	if _, err := f.Write(line); err != nil {
		f.Close()
		return newUserError(nil, err, "cannot write the reflog %s: %v", path, err)
	}
	if err := f.Close(); err != nil {
		return newUserError(nil, err, "cannot write the reflog %s: %v", path, err)
	}
	return nil
}

// BranchExists reports whether refs/heads/<name> exists.
func (r *Repo) BranchExists(name string) (bool, error) {
	_, found, err := r.readRef(plumbing.NewBranchReferenceName(name))
	return found, err
}

// CheckBranchName applies git's rules for a branch name (git check-ref-format --branch).
func CheckBranchName(name string) error {
	bad := func(why string) error {
		return newUserError(nil, nil, "%q is not a valid branch name: %s", name, why)
	}
	switch {
	case name == "" || name == "@":
		return bad("it is empty")
	case strings.HasPrefix(name, "-"):
		return bad("it starts with '-'")
	case strings.HasSuffix(name, "/") || strings.HasSuffix(name, "."):
		return bad("it ends with '/' or '.'")
	case strings.Contains(name, "..") || strings.Contains(name, "@{") || strings.Contains(name, "//"):
		return bad("it contains '..', '@{' or '//'")
	}
	for _, c := range name {
		if c < 0x20 || c == 0x7f || strings.ContainsRune(" ~^:?*[\\", c) {
			return bad("it contains a space, a control character or one of ~ ^ : ? * [ \\")
		}
	}
	for _, part := range strings.Split(name, "/") {
		if strings.HasPrefix(part, ".") || strings.HasSuffix(part, ".lock") {
			return bad("a component starts with '.' or ends with '.lock'")
		}
	}
	return nil
}
