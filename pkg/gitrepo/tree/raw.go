// Package tree reads and writes git's tree objects: an entry is "<octal mode> <name>\0<20-byte
// object name>", entries sorted by name with a directory's name compared as if it ended in '/'.
// It looks a path up reading only the trees along it, builds and edits trees along changed
// paths (untouched subtrees are referenced by name and never read), and lists what differs
// between two trees. git describes tree objects in Documentation/user-manual.txt ("Tree
// Object") and their order in Documentation/technical/index-format / tree-walk.h; git fsck
// (fsck.c) checks it.
package tree

import (
	"bytes"
	"fmt"
	"sort"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/odb"
)

// Trees are read and rewritten as raw bytes ("<octal mode> <name>\0<20-byte name>" per entry):
// the tree of a busy month folder holds thousands of entries, and decoding it into go-git's
// structures, sorting and encoding it again allocated and cost more than the rest of a commit.
// A lookup scans the bytes; a rewrite copies the runs of untouched entries and splices in the
// changed ones, so every entry it does not change stays byte for byte as it was.

// rawTreeEntry is one entry located in a raw tree.
type rawTreeEntry struct {
	mode, name []byte
	hash       []byte // 20 bytes
	raw        []byte // the whole entry
}

func (e rawTreeEntry) isDir() bool { return string(e.mode) == "40000" || string(e.mode) == "040000" }

// nextTreeEntry parses the entry at the start of b and returns it and what follows it.
func nextTreeEntry(b []byte) (rawTreeEntry, []byte, error) {
	sp := bytes.IndexByte(b, ' ')
	if sp <= 0 {
		return rawTreeEntry{}, nil, fmt.Errorf("malformed tree entry (no mode)")
	}
	nul := bytes.IndexByte(b[sp+1:], 0)
	if nul <= 0 {
		return rawTreeEntry{}, nil, fmt.Errorf("malformed tree entry (no name)")
	}
	end := sp + 1 + nul + 1 + 20
	if end > len(b) {
		return rawTreeEntry{}, nil, fmt.Errorf("truncated tree entry")
	}
	return rawTreeEntry{mode: b[:sp], name: b[sp+1 : sp+1+nul], hash: b[end-20 : end], raw: b[:end]}, b[end:], nil
}

// Raw returns the content of a tree object.
func Raw(s *odb.Store, h plumbing.Hash) ([]byte, error) {
	typ, b, err := s.Read(h)
	if err != nil {
		return nil, odb.ObjectError("tree", h, err)
	}
	if typ != plumbing.TreeObject {
		return nil, odb.ObjectError("tree", h, plumbing.ErrObjectNotFound)
	}
	return b, nil
}

// FindEntry returns the entry called name in the raw tree t (tree object h, for messages).
func FindEntry(t []byte, h plumbing.Hash, name string) (object.TreeEntry, bool, error) {
	for rest := t; len(rest) > 0; {
		e, next, err := nextTreeEntry(rest)
		if err != nil {
			return object.TreeEntry{}, false, odb.ObjectError("tree", h, err)
		}
		if string(e.name) == name {
			mode, err := filemode.New(string(e.mode))
			if err != nil {
				return object.TreeEntry{}, false, odb.ObjectError("tree", h, err)
			}
			return object.TreeEntry{Name: name, Mode: mode, Hash: plumbing.Hash(e.hash)}, true, nil
		}
		rest = next
	}
	return object.TreeEntry{}, false, nil
}

// rawEdit is an entry to put into a tree, replacing the entry of the same name if any.
type rawEdit struct {
	name string
	dir  bool
	hash plumbing.Hash
}

// appendRaw appends the edit as a raw tree entry.
func (e rawEdit) appendRaw(b []byte) []byte {
	if e.dir {
		b = append(b, "40000 "...)
	} else {
		b = append(b, "100644 "...)
	}
	b = append(b, e.name...)
	b = append(b, 0)
	return append(b, e.hash[:]...)
}

// treeKeyCompare orders entries as git does: by name, a directory's name compared as if it
// ended in '/'.
func treeKeyCompare(a []byte, aDir bool, b []byte, bDir bool) int {
	n := min(len(a), len(b))
	if c := bytes.Compare(a[:n], b[:n]); c != 0 {
		return c
	}
	ka, kb := treeKeyAt(a, aDir, n), treeKeyAt(b, bDir, n)
	switch {
	case ka < kb:
		return -1
	case ka > kb:
		return 1
	}
	return 0
}

// treeKeyAt is the byte at position n of a name's sort key (-1 past its end).
func treeKeyAt(name []byte, dir bool, n int) int {
	switch {
	case n < len(name):
		return int(name[n])
	case n == len(name) && dir:
		return '/'
	}
	return -1
}

// spliceTree returns the raw tree old with the edits applied. An edit replaces the entry of the
// same name; the kinds (file or directory) must already have been checked to agree. The result
// is in git's order as long as old was; an old tree out of order (written by a broken tool) is
// put in order, as git would.
func spliceTree(old []byte, h plumbing.Hash, edits []rawEdit) ([]byte, error) {
	sort.Slice(edits, func(i, j int) bool {
		return treeKeyCompare([]byte(edits[i].name), edits[i].dir, []byte(edits[j].name), edits[j].dir) < 0
	})
	out := make([]byte, 0, len(old)+len(edits)*(32+20))
	var prev rawTreeEntry
	k := 0
	for rest := old; len(rest) > 0; {
		e, next, err := nextTreeEntry(rest)
		if err != nil {
			return nil, odb.ObjectError("tree", h, err)
		}
		dir := e.isDir()
		if prev.raw != nil && treeKeyCompare(prev.name, prev.isDir(), e.name, dir) >= 0 {
			return sortedTree(old, h, edits)
		}
		prev = e
		for k < len(edits) && treeKeyCompare([]byte(edits[k].name), edits[k].dir, e.name, dir) < 0 {
			out = edits[k].appendRaw(out)
			k++
		}
		if k < len(edits) && edits[k].name == string(e.name) {
			out = edits[k].appendRaw(out)
			k++
		} else {
			out = append(out, e.raw...)
		}
		rest = next
	}
	for ; k < len(edits); k++ {
		out = edits[k].appendRaw(out)
	}
	return out, nil
}

// sortedTree is spliceTree for an old tree out of order: every entry is placed anew.
func sortedTree(old []byte, h plumbing.Hash, edits []rawEdit) ([]byte, error) {
	type item struct {
		name []byte
		dir  bool
		raw  []byte
	}
	byName := map[string]int{}
	var items []item
	for rest := old; len(rest) > 0; {
		e, next, err := nextTreeEntry(rest)
		if err != nil {
			return nil, odb.ObjectError("tree", h, err)
		}
		byName[string(e.name)] = len(items)
		items = append(items, item{e.name, e.isDir(), e.raw})
		rest = next
	}
	for _, ed := range edits {
		it := item{[]byte(ed.name), ed.dir, ed.appendRaw(nil)}
		if i, ok := byName[ed.name]; ok {
			items[i] = it
		} else {
			items = append(items, it)
		}
	}
	sort.SliceStable(items, func(i, j int) bool {
		return treeKeyCompare(items[i].name, items[i].dir, items[j].name, items[j].dir) < 0
	})
	var out []byte
	for _, it := range items {
		out = append(out, it.raw...)
	}
	return out, nil
}
