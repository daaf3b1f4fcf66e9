package tree

import (
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/usererr"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/odb"
)

// Put is a file to put into a tree: its path from the root and its blob.
type Put struct {
	Path string
	Blob plumbing.Hash
}

// Built is what Build made: the new tree, the entries the files replace (nil where a file is
// new) in the order of the puts, and every folder it wrote a tree for, the root ("") included.
type Built struct {
	Tree plumbing.Hash
	Olds []*File
	Dirs []Dir
}

// Dir is a folder Build wrote a new tree for: its tree before (zero: the folder is new) and
// after.
type Dir struct {
	Path     string
	Old, New plumbing.Hash
}

// Build returns a tree equal to base (zero: an empty tree) with the files put in, writing only
// the trees along their paths. Untouched subtrees are referenced by name and never read. The
// trees are edited as raw bytes (raw.go).
func Build(s *odb.Store, base plumbing.Hash, puts []Put) (Built, error) {
	changes := make([]treeChange, len(puts))
	b := Built{Olds: make([]*File, len(puts))}
	for i, p := range puts {
		changes[i] = treeChange{rest: p.Path, full: p.Path, blob: p.Blob, old: &b.Olds[i]}
	}
	var err error
	b.Tree, err = buildTree(s, base, "", changes, &b.Dirs)
	return b, err
}

// treeChange is a file to put into a tree: rest is the path relative to the
// tree being built, full the path from the root (for messages).
type treeChange struct {
	rest, full string
	blob       plumbing.Hash
	old        **File // where the replaced entry goes
}

// buildTree is Build below prefix.
func buildTree(s *odb.Store, base plumbing.Hash, prefix string, changes []treeChange, dirs *[]Dir) (plumbing.Hash, error) {
	var old []byte
	if !base.IsZero() {
		var err error
		if old, err = Raw(s, base); err != nil {
			return plumbing.ZeroHash, err
		}
	}
	existing := func(name string) (object.TreeEntry, bool, error) {
		if old == nil {
			return object.TreeEntry{}, false, nil
		}
		return FindEntry(old, base, name)
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
					return plumbing.ZeroHash, usererr.New(nil, nil,
						"cannot record %s: it is a directory in the current commit", c.full)
				case filemode.Submodule:
					return plumbing.ZeroHash, usererr.New(nil, nil,
						"cannot record %s: it is a submodule in the current commit", c.full)
				}
			}
			if found && c.old != nil {
				*c.old = &File{Hash: e.Hash, Mode: e.Mode}
			}
			edits = append(edits, rawEdit{name: name, hash: c.blob})
			continue
		}
		if _, ok := sub[name]; !ok {
			subNames = append(subNames, name)
		}
		sub[name] = append(sub[name], treeChange{rest: rest, full: c.full, blob: c.blob, old: c.old})
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
				return plumbing.ZeroHash, usererr.New(nil, nil,
					"cannot record %s: %s is a file in the current commit, not a directory", sub[name][0].full, dirPath)
			}
			subBase = e.Hash
		}
		h, err := buildTree(s, subBase, dirPath, sub[name], dirs)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		edits = append(edits, rawEdit{name: name, dir: true, hash: h})
	}

	content, err := spliceTree(old, base, edits)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	h, err := s.WriteRaw(plumbing.TreeObject, content)
	if err != nil {
		return plumbing.ZeroHash, usererr.New(nil, err,
			"cannot write a tree object into %s: %v", s.Dir(), err)
	}
	*dirs = append(*dirs, Dir{Path: prefix, Old: base, New: h})
	return h, nil
}
