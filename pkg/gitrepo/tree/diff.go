package tree

import (
	"sort"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/odb"
)

// File is a file in a tree: its blob and mode.
type File struct {
	Hash plumbing.Hash
	Mode filemode.FileMode
}

// Change is one path whose entry differs between two trees.
type Change struct {
	Path     string
	Old, New *File // nil: absent
}

// Diff lists the files that differ between two trees (zero: the empty tree), sorted by path,
// as `git diff-tree -r --no-renames` lists them; a file that became a directory is a removal
// of the file and additions of what the directory holds. Only the trees that differ are read,
// as raw bytes: subtrees with the same name on both sides are never opened, and nothing is
// decoded into go-git's structures (whose subtree walks read through go-git's storage).
func Diff(s *odb.Store, from, to plumbing.Hash) ([]Change, error) {
	var out []Change
	if err := diffTrees(s, from, to, "", &out); err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// diffEntry is one entry of a raw tree, decoded for comparing.
type diffEntry struct {
	name []byte
	dir  bool
	file File
}

// entries decodes a raw tree (zero: none) into git's order.
func entries(s *odb.Store, h plumbing.Hash) ([]diffEntry, error) {
	if h.IsZero() {
		return nil, nil
	}
	t, err := Raw(s, h)
	if err != nil {
		return nil, err
	}
	var out []diffEntry
	sorted := true
	for rest := t; len(rest) > 0; {
		e, next, err := nextTreeEntry(rest)
		if err != nil {
			return nil, odb.ObjectError("tree", h, err)
		}
		mode, err := filemode.New(string(e.mode))
		if err != nil {
			return nil, odb.ObjectError("tree", h, err)
		}
		de := diffEntry{name: e.name, dir: mode == filemode.Dir, file: File{Hash: plumbing.Hash(e.hash), Mode: mode}}
		if n := len(out); n > 0 && treeKeyCompare(out[n-1].name, out[n-1].dir, de.name, de.dir) >= 0 {
			sorted = false
		}
		out = append(out, de)
		rest = next
	}
	if !sorted { // written by a broken tool: compare in git's order anyway
		sort.SliceStable(out, func(i, j int) bool {
			return treeKeyCompare(out[i].name, out[i].dir, out[j].name, out[j].dir) < 0
		})
	}
	return out, nil
}

// diffTrees appends the changes below prefix between the trees a and b, walking both in git's
// order side by side. A file and a directory of the same name sort apart ("x" before "x/"),
// so they are compared as different entries.
func diffTrees(s *odb.Store, a, b plumbing.Hash, prefix string, out *[]Change) error {
	if a == b {
		return nil
	}
	ea, err := entries(s, a)
	if err != nil {
		return err
	}
	eb, err := entries(s, b)
	if err != nil {
		return err
	}
	path := func(name []byte) string {
		if prefix == "" {
			return string(name)
		}
		return prefix + "/" + string(name)
	}
	// one reports an entry present on one side only (old: on the old side).
	one := func(e diffEntry, old bool) error {
		p := path(e.name)
		if e.dir {
			if old {
				return diffTrees(s, e.file.Hash, plumbing.ZeroHash, p, out)
			}
			return diffTrees(s, plumbing.ZeroHash, e.file.Hash, p, out)
		}
		f := e.file
		if old {
			*out = append(*out, Change{Path: p, Old: &f})
		} else {
			*out = append(*out, Change{Path: p, New: &f})
		}
		return nil
	}
	i, j := 0, 0
	for i < len(ea) || j < len(eb) {
		var c int
		switch {
		case i == len(ea):
			c = 1
		case j == len(eb):
			c = -1
		default:
			c = treeKeyCompare(ea[i].name, ea[i].dir, eb[j].name, eb[j].dir)
		}
		switch {
		case c < 0:
			if err := one(ea[i], true); err != nil {
				return err
			}
			i++
		case c > 0:
			if err := one(eb[j], false); err != nil {
				return err
			}
			j++
		default:
			x, y := ea[i], eb[j]
			i++
			j++
			if x.file == y.file {
				continue
			}
			if x.dir { // both directories (the same key)
				if err := diffTrees(s, x.file.Hash, y.file.Hash, path(x.name), out); err != nil {
					return err
				}
				continue
			}
			fx, fy := x.file, y.file
			*out = append(*out, Change{Path: path(x.name), Old: &fx, New: &fy})
		}
	}
	return nil
}
