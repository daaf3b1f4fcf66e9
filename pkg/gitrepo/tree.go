package gitrepo

import (
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// treeChange is a file to put into a tree: rest is the path relative to the
// tree being built, full the path from the root (for messages).
type treeChange struct {
	rest, full string
	blob       plumbing.Hash
}

// buildTree returns the name of a tree equal to base (zero: an empty tree)
// with the changes applied, writing only the trees along the changed paths.
// Untouched subtrees are referenced by name and never read. The trees are
// edited as raw bytes (rawtree.go).
func (r *Repo) buildTree(base plumbing.Hash, prefix string, changes []treeChange) (plumbing.Hash, error) {
	var old []byte
	if !base.IsZero() {
		var err error
		if old, err = r.rawTree(base); err != nil {
			return plumbing.ZeroHash, err
		}
	}
	existing := func(name string) (object.TreeEntry, bool, error) {
		if old == nil {
			return object.TreeEntry{}, false, nil
		}
		return findRawEntry(old, base, name)
	}

	// Files directly in this tree, and the changes grouped per subdirectory.
	var edits []rawEdit
	sub := map[string][]treeChange{}
	var subNames []string
	for _, c := range changes {
		name, rest, isDir := strings.Cut(c.rest, "/")
		if !isDir {
			e, found, err := existing(name)
			if err != nil {
				return plumbing.ZeroHash, err
			}
			if found {
				switch e.Mode {
				case filemode.Dir:
					return plumbing.ZeroHash, newUserError(nil, nil,
						"cannot record %s: it is a directory in the current commit", c.full)
				case filemode.Submodule:
					return plumbing.ZeroHash, newUserError(nil, nil,
						"cannot record %s: it is a submodule in the current commit", c.full)
				}
			}
			edits = append(edits, rawEdit{name: name, hash: c.blob})
			continue
		}
		if _, ok := sub[name]; !ok {
			subNames = append(subNames, name)
		}
		sub[name] = append(sub[name], treeChange{rest: rest, full: c.full, blob: c.blob})
	}
	sort.Strings(subNames)
	for _, name := range subNames {
		dirPath := name
		if prefix != "" {
			dirPath = prefix + "/" + name
		}
		subBase := plumbing.ZeroHash
		e, found, err := existing(name)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		if found {
			if e.Mode != filemode.Dir {
				return plumbing.ZeroHash, newUserError(nil, nil,
					"cannot record %s: %s is a file in the current commit, not a directory", sub[name][0].full, dirPath)
			}
			subBase = e.Hash
		}
		h, err := r.buildTree(subBase, dirPath, sub[name])
		if err != nil {
			return plumbing.ZeroHash, err
		}
		edits = append(edits, rawEdit{name: name, dir: true, hash: h})
	}

	content, err := spliceTree(old, base, edits)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	h, err := r.writeRaw(plumbing.TreeObject, content)
	if err != nil {
		return plumbing.ZeroHash, newUserError(nil, err,
			"cannot write a tree object into %s: %v", r.commonDir, err)
	}
	return h, nil
}

func (r *Repo) store(obj plumbing.EncodedObject) (plumbing.Hash, error) {
	h, err := r.writeObject(obj) // objread.go: as git writes loose objects
	if err != nil {
		return plumbing.ZeroHash, newUserError(nil, err,
			"cannot write a %s object into %s: %v", obj.Type(), r.commonDir, err)
	}
	return h, nil
}
