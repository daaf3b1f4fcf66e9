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

// Lookup finds the tree entry for path below the tree root, reading only the
// trees along the path. found=false means some component does not exist (or a
// parent component is not a directory).
func Lookup(s *odb.Store, root plumbing.Hash, path string) (object.TreeEntry, bool, error) {
	parts := strings.Split(path, "/")
	tree := root
	for i, name := range parts {
		t, err := Raw(s, tree)
		if err != nil {
			return object.TreeEntry{}, false, err
		}
		e, ok, err := FindEntry(t, tree, name)
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

// Decode reads a tree into go-git's structure, with the storer, as object.GetTree returns it:
// callers may walk into subtrees.
func Decode(s *odb.Store, h plumbing.Hash) (*object.Tree, error) {
	typ, b, err := s.Read(h)
	if err != nil {
		return nil, odb.ObjectError("tree", h, err)
	}
	if typ != plumbing.TreeObject {
		return nil, odb.ObjectError("tree", h, plumbing.ErrObjectNotFound)
	}
	obj := &plumbing.MemoryObject{}
	obj.SetType(plumbing.TreeObject)
	obj.Write(b)
	t, err := object.DecodeTree(s.Storer(), obj)
	if err != nil {
		return nil, odb.ObjectError("tree", h, err)
	}
	return t, nil
}

// SameEntry compares two optional entries.
func SameEntry(a, b *File) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Hash == b.Hash && a.Mode == b.Mode
}

// treeEdit is a change to apply below a tree: rest is the path relative to it.
type treeEdit struct {
	rest, full string
	New        *File // nil: delete
}

// Edit returns base (zero: empty) with the edits applied, writing only the trees along the
// edited paths; directories left empty disappear. A zero result means the tree is empty.
func Edit(s *odb.Store, base plumbing.Hash, prefix string, edits []Change) (plumbing.Hash, error) {
	te := make([]treeEdit, len(edits))
	for i, e := range edits {
		te[i] = treeEdit{rest: e.Path, full: e.Path, New: e.New}
	}
	return editTreeRec(s, base, prefix, te)
}

func editTreeRec(s *odb.Store, base plumbing.Hash, prefix string, edits []treeEdit) (plumbing.Hash, error) {
	var entries []object.TreeEntry
	if !base.IsZero() {
		t, err := Decode(s, base)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		entries = append(entries, t.Entries...) // a copy: go-git caches t
	}
	index := make(map[string]int, len(entries))
	for i, e := range entries {
		index[e.Name] = i
	}

	// The edits of files directly in this tree, and those below each subdirectory.
	files := map[string]*File{}
	sub := map[string][]treeEdit{}
	var names []string
	for _, e := range edits {
		name, rest, isDir := strings.Cut(e.rest, "/")
		_, seenFile := files[name]
		if _, seenSub := sub[name]; !seenFile && !seenSub {
			names = append(names, name)
		}
		if isDir {
			sub[name] = append(sub[name], treeEdit{rest: rest, full: e.full, New: e.New})
		} else {
			files[name] = e.New
		}
	}
	sort.Strings(names)

	removed := map[string]bool{}
	set := func(e object.TreeEntry) {
		delete(removed, e.Name)
		if i, ok := index[e.Name]; ok {
			entries[i] = e
			return
		}
		index[e.Name] = len(entries)
		entries = append(entries, e)
	}
	dfConflict := func(name string) error {
		p := name
		if prefix != "" {
			p = prefix + "/" + name
		}
		return usererr.New(nil, nil, "cannot merge %s: it is a file on one side and a directory on the other", p)
	}
	for _, name := range names {
		cur, exists := index[name]
		isDir := exists && entries[cur].Mode == filemode.Dir
		file, fileEdited := files[name]
		var subTree plumbing.Hash
		if edits := sub[name]; len(edits) > 0 {
			subBase := plumbing.ZeroHash
			switch {
			case isDir:
				subBase = entries[cur].Hash
			case exists && !fileEdited:
				return plumbing.ZeroHash, dfConflict(name) // a file stays where a directory is needed
			}
			dirPath := name
			if prefix != "" {
				dirPath = prefix + "/" + name
			}
			h, err := editTreeRec(s, subBase, dirPath, edits)
			if err != nil {
				return plumbing.ZeroHash, err
			}
			subTree = h
		} else if isDir && fileEdited && file != nil {
			return plumbing.ZeroHash, dfConflict(name) // a directory stays where a file goes
		}
		switch {
		case fileEdited && file != nil:
			if !subTree.IsZero() {
				return plumbing.ZeroHash, dfConflict(name) // the directory still has files
			}
			set(object.TreeEntry{Name: name, Mode: file.Mode, Hash: file.Hash})
		case !subTree.IsZero():
			set(object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: subTree})
		default:
			removed[name] = true // a deleted file, or a directory left empty
		}
	}

	kept := entries[:0]
	for _, e := range entries {
		if !removed[e.Name] {
			kept = append(kept, e)
		}
	}
	if len(kept) == 0 {
		return plumbing.ZeroHash, nil
	}
	sort.Sort(object.TreeEntrySorter(kept))
	obj := s.Storer().NewEncodedObject()
	if err := (&object.Tree{Entries: kept}).Encode(obj); err != nil {
		return plumbing.ZeroHash, usererr.New(nil, err, "cannot build the tree for %q: %v", prefix, err)
	}
	return s.Store(obj)
}

func short(h plumbing.Hash) string { return h.String()[:7] }
