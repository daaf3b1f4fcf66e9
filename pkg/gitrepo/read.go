package gitrepo

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// BlobHash computes git's object name for a blob with this content (what
// `git hash-object` prints) without writing anything.
func BlobHash(content []byte) plumbing.Hash {
	return plumbing.ComputeHash(plumbing.BlobObject, content)
}

// ReadAtHead returns the content and blob hash of path (slash-separated,
// relative to Root) in HEAD's commit. found is false, with no error, when HEAD
// is unborn or the path does not exist there.
func (r *Repo) ReadAtHead(path string) (content []byte, blob plumbing.Hash, found bool, err error) {
	h, err := r.Head()
	if err != nil {
		return nil, plumbing.ZeroHash, false, err
	}
	if h.Unborn {
		if err := checkPath(path); err != nil {
			return nil, plumbing.ZeroHash, false, err
		}
		return nil, plumbing.ZeroHash, false, nil
	}
	return r.ReadAt(h.Commit, path)
}

// ReadAt is ReadAtHead for any commit.
func (r *Repo) ReadAt(commit plumbing.Hash, path string) ([]byte, plumbing.Hash, bool, error) {
	if err := checkPath(path); err != nil {
		return nil, plumbing.ZeroHash, false, err
	}
	tree, err := r.commitTree(commit)
	if err != nil {
		return nil, plumbing.ZeroHash, false, err
	}
	e, found, err := r.lookup(tree, path)
	if err != nil || !found {
		return nil, plumbing.ZeroHash, false, err
	}
	if e.Mode == filemode.Dir || e.Mode == filemode.Submodule {
		return nil, plumbing.ZeroHash, false, newUserError(nil, nil,
			"%s is a directory in commit %s, not a file", path, commit.String()[:7])
	}
	content, err := r.readBlob(e.Hash)
	if err != nil {
		return nil, plumbing.ZeroHash, false, err
	}
	return content, e.Hash, true, nil
}

func (r *Repo) readBlob(h plumbing.Hash) ([]byte, error) {
	typ, b, err := r.readObject(h)
	if err != nil {
		return nil, objectError("blob", h, err)
	}
	if typ != plumbing.BlobObject {
		return nil, objectError("blob", h, plumbing.ErrObjectNotFound)
	}
	return b, nil
}

// lookup finds the tree entry for path below the tree root, reading only the
// trees along the path. found=false means some component does not exist (or a
// parent component is not a directory).
func (r *Repo) lookup(root plumbing.Hash, path string) (object.TreeEntry, bool, error) {
	parts := strings.Split(path, "/")
	tree := root
	for i, name := range parts {
		t, err := r.rawTree(tree)
		if err != nil {
			return object.TreeEntry{}, false, err
		}
		e, ok, err := findRawEntry(t, tree, name)
		if err != nil || !ok {
			return object.TreeEntry{}, false, err
		}
		if i == len(parts)-1 {
			return e, true, nil
		}
		if e.Mode != filemode.Dir {
			return object.TreeEntry{}, false, nil
		}
		tree = e.Hash
	}
	return object.TreeEntry{}, false, nil
}

func (r *Repo) tree(h plumbing.Hash) (*object.Tree, error) {
	typ, b, err := r.readObject(h)
	if err != nil {
		return nil, objectError("tree", h, err)
	}
	if typ != plumbing.TreeObject {
		return nil, objectError("tree", h, plumbing.ErrObjectNotFound)
	}
	obj := &plumbing.MemoryObject{}
	obj.SetType(plumbing.TreeObject)
	obj.Write(b)
	// With the storer, as object.GetTree returns it: callers may walk into subtrees.
	t, err := object.DecodeTree(r.repo.Storer, obj)
	if err != nil {
		return nil, objectError("tree", h, err)
	}
	return t, nil
}

// commitTree returns the tree of a commit, reading only the commit's header.
func (r *Repo) commitTree(commit plumbing.Hash) (plumbing.Hash, error) {
	typ, b, err := r.readObject(commit)
	if err != nil {
		return plumbing.ZeroHash, objectError("commit", commit, err)
	}
	line, _, _ := bytes.Cut(b, []byte("\n"))
	hex, ok := bytes.CutPrefix(line, []byte("tree "))
	if typ != plumbing.CommitObject || !ok || !plumbing.IsHash(string(hex)) {
		return plumbing.ZeroHash, objectError("commit", commit, plumbing.ErrObjectNotFound)
	}
	return plumbing.NewHash(string(hex)), nil
}

func objectError(kind string, h plumbing.Hash, err error) error {
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return newUserError(nil, err,
			"the %s %s is missing from the repository; check it with `git fsck`", kind, h)
	}
	return newUserError(nil, err, "cannot read the %s %s: %v; check the repository with `git fsck`", kind, h, err)
}

// checkPath accepts only clean, relative, slash-separated file paths that
// git could store, and never anything inside .git.
func checkPath(path string) error {
	bad := func(why string) error {
		return newUserError(nil, nil, "invalid file path %q: %s", path, why)
	}
	if path == "" {
		return bad("it is empty")
	}
	if strings.IndexByte(path, 0) >= 0 {
		return bad("it contains a NUL byte")
	}
	if strings.HasPrefix(path, "/") {
		return bad("it must be relative to the repository root")
	}
	for _, part := range strings.Split(path, "/") {
		switch {
		case part == "":
			return bad("it has an empty component (a double or trailing slash)")
		case part == "." || part == "..":
			return bad(fmt.Sprintf("it has a %q component", part))
		case strings.EqualFold(part, ".git"):
			return bad("it is inside .git")
		}
	}
	return nil
}
