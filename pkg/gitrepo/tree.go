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
// Untouched subtrees are referenced by name and never read.
func (r *Repo) buildTree(base plumbing.Hash, prefix string, changes []treeChange) (plumbing.Hash, error) {
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
	set := func(e object.TreeEntry) {
		if i, ok := index[e.Name]; ok {
			entries[i] = e
			return
		}
		index[e.Name] = len(entries)
		entries = append(entries, e)
	}

	// Files directly in this tree, and the changes grouped per subdirectory.
	sub := map[string][]treeChange{}
	var subNames []string
	for _, c := range changes {
		name, rest, isDir := strings.Cut(c.rest, "/")
		if !isDir {
			if i, ok := index[name]; ok {
				switch entries[i].Mode {
				case filemode.Dir:
					return plumbing.ZeroHash, newUserError(nil, nil,
						"cannot record %s: it is a directory in the current commit", c.full)
				case filemode.Submodule:
					return plumbing.ZeroHash, newUserError(nil, nil,
						"cannot record %s: it is a submodule in the current commit", c.full)
				}
			}
			set(object.TreeEntry{Name: name, Mode: filemode.Regular, Hash: c.blob})
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
		if i, ok := index[name]; ok {
			if entries[i].Mode != filemode.Dir {
				return plumbing.ZeroHash, newUserError(nil, nil,
					"cannot record %s: %s is a file in the current commit, not a directory", sub[name][0].full, dirPath)
			}
			subBase = entries[i].Hash
		}
		h, err := r.buildTree(subBase, dirPath, sub[name])
		if err != nil {
			return plumbing.ZeroHash, err
		}
		set(object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: h})
	}

	// git orders entries by name, comparing directories as if their names
	// ended in '/'; TreeEntrySorter implements exactly that.
	sort.Sort(object.TreeEntrySorter(entries))
	obj := r.repo.Storer.NewEncodedObject()
	if err := (&object.Tree{Entries: entries}).Encode(obj); err != nil {
		return plumbing.ZeroHash, newUserError(nil, err, "cannot build the tree for %q: %v", prefix, err)
	}
	return r.store(obj)
}

func (r *Repo) store(obj plumbing.EncodedObject) (plumbing.Hash, error) {
	h, err := r.writeObject(obj) // objread.go: as git writes loose objects
	if err != nil {
		return plumbing.ZeroHash, newUserError(nil, err,
			"cannot write a %s object into %s: %v", obj.Type(), r.commonDir, err)
	}
	return h, nil
}
