package gitrepo

import (
	"fmt"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/odb"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/tree"
)

// BlobHash computes git's object name for a blob with this content (what
// `git hash-object` prints) without writing anything.
func BlobHash(content []byte) plumbing.Hash { return odb.BlobHash(content) }

// The facade's short names for what the rooms below do; the code of Commit, Integrate and the
// history reads reads as it did when all of it was one package.

func (r *Repo) readObject(h plumbing.Hash) (plumbing.ObjectType, []byte, error) {
	return r.objects.Read(h)
}

func (r *Repo) readBlob(h plumbing.Hash) ([]byte, error) { return r.objects.Blob(h) }

func (r *Repo) commitTree(commit plumbing.Hash) (plumbing.Hash, error) {
	return r.objects.CommitTree(commit)
}

func (r *Repo) store(obj plumbing.EncodedObject) (plumbing.Hash, error) { return r.objects.Store(obj) }

func (r *Repo) writeBlob(content []byte) (plumbing.Hash, error) { return r.objects.WriteBlob(content) }

func (r *Repo) tree(h plumbing.Hash) (*object.Tree, error) { return tree.Decode(r.objects, h) }

func (r *Repo) lookup(root plumbing.Hash, path string) (object.TreeEntry, bool, error) {
	return tree.Lookup(r.objects, root, path)
}

func objectError(kind string, h plumbing.Hash, err error) error { return odb.ObjectError(kind, h, err) }

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
