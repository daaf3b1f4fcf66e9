package tree

import (
	"bytes"
	"math/rand"
	"sort"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// encodeTree is the reference: go-git's encoder over entries in git's order.
func encodeTree(t *testing.T, entries []object.TreeEntry) []byte {
	t.Helper()
	es := append([]object.TreeEntry(nil), entries...)
	sort.Sort(object.TreeEntrySorter(es))
	obj := &plumbing.MemoryObject{}
	if err := (&object.Tree{Entries: es}).Encode(obj); err != nil {
		t.Fatal(err)
	}
	rd, _ := obj.Reader()
	var b bytes.Buffer
	b.ReadFrom(rd)
	return b.Bytes()
}

// randomTreeEdit builds a tree and edits whose names collide in git's ordering: names that are
// prefixes of each other and end in bytes below and above '/'.
func randomTreeEdit(rng *rand.Rand) (entries []object.TreeEntry, edits []rawEdit) {
	stems := []string{"a", "a-b", "a.b", "a0", "ab", "b", "incidents", "incidents-x", "incidents.md", "z"}
	used := map[string]bool{}
	kinds := map[string]bool{} // name -> is a directory
	hash := func() plumbing.Hash {
		var h plumbing.Hash
		rng.Read(h[:])
		return h
	}
	for _, s := range stems {
		if rng.Intn(2) == 0 {
			dir := rng.Intn(2) == 0
			used[s], kinds[s] = true, dir
			mode := filemode.Regular
			if dir {
				mode = filemode.Dir
			}
			entries = append(entries, object.TreeEntry{Name: s, Mode: mode, Hash: hash()})
		}
	}
	for _, s := range stems {
		if rng.Intn(3) == 0 {
			dir := rng.Intn(2) == 0
			if used[s] {
				dir = kinds[s] // the caller checks that kinds agree
			}
			edits = append(edits, rawEdit{name: s, dir: dir, hash: hash()})
		}
	}
	return entries, edits
}

func TestSpliceTreeMatchesGoGit(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 3000; i++ {
		entries, edits := randomTreeEdit(rng)
		old := encodeTree(t, entries)

		want := append([]object.TreeEntry(nil), entries...)
		for _, ed := range edits {
			mode := filemode.Regular
			if ed.dir {
				mode = filemode.Dir
			}
			e := object.TreeEntry{Name: ed.name, Mode: mode, Hash: ed.hash}
			replaced := false
			for k := range want {
				if want[k].Name == ed.name {
					want[k], replaced = e, true
				}
			}
			if !replaced {
				want = append(want, e)
			}
		}
		got, err := spliceTree(old, plumbing.ZeroHash, append([]rawEdit(nil), edits...))
		if err != nil {
			t.Fatal(err)
		}
		if exp := encodeTree(t, want); !bytes.Equal(got, exp) {
			t.Fatalf("case %d: entries %v, edits %v:\n got %q\nwant %q", i, entries, edits, got, exp)
		}
	}
}

func TestSpliceTreeOutOfOrder(t *testing.T) {
	h := plumbing.NewHash("1111111111111111111111111111111111111111")
	// "b" before "a": not git's order. The result is put in order.
	var old []byte
	old = rawEdit{name: "b", hash: h}.appendRaw(old)
	old = rawEdit{name: "a", hash: h}.appendRaw(old)
	got, err := spliceTree(old, plumbing.ZeroHash, []rawEdit{{name: "c", hash: h}})
	if err != nil {
		t.Fatal(err)
	}
	want := encodeTree(t, []object.TreeEntry{
		{Name: "a", Mode: filemode.Regular, Hash: h}, {Name: "b", Mode: filemode.Regular, Hash: h}, {Name: "c", Mode: filemode.Regular, Hash: h},
	})
	if !bytes.Equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestFindRawEntry(t *testing.T) {
	h := plumbing.NewHash("2222222222222222222222222222222222222222")
	tree := encodeTree(t, []object.TreeEntry{
		{Name: "a", Mode: filemode.Dir, Hash: h}, {Name: "a.md", Mode: filemode.Executable, Hash: h},
	})
	e, ok, err := FindEntry(tree, plumbing.ZeroHash, "a.md")
	if err != nil || !ok || e.Mode != filemode.Executable || e.Hash != h {
		t.Fatalf("a.md: %v %v %v", e, ok, err)
	}
	if e, ok, _ := FindEntry(tree, plumbing.ZeroHash, "a"); !ok || e.Mode != filemode.Dir {
		t.Fatalf("a: %v %v", e, ok)
	}
	if _, ok, _ := FindEntry(tree, plumbing.ZeroHash, "b"); ok {
		t.Fatal("found b")
	}
	if _, _, err := FindEntry(tree[:len(tree)-1], plumbing.ZeroHash, "zz"); err == nil {
		t.Fatal("a truncated tree gave no error")
	}
}

// FuzzSpliceTree: any bytes as the old tree never panic, and a tree that parses gives a result
// that parses, in order, with every edit in it.
func FuzzSpliceTree(f *testing.F) {
	h := plumbing.NewHash("3333333333333333333333333333333333333333")
	f.Add(rawEdit{name: "a", hash: h}.appendRaw(nil), "a", false)
	f.Add(rawEdit{name: "b", dir: true, hash: h}.appendRaw(nil), "b-", true)
	f.Fuzz(func(t *testing.T, old []byte, name string, dir bool) {
		if name == "" || bytes.ContainsAny([]byte(name), "/\x00") {
			return
		}
		out, err := spliceTree(old, plumbing.ZeroHash, []rawEdit{{name: name, dir: dir, hash: h}})
		if err != nil {
			return
		}
		found := false
		var prev rawTreeEntry
		for rest := out; len(rest) > 0; {
			e, next, err := nextTreeEntry(rest)
			if err != nil {
				t.Fatalf("result does not parse: %v", err)
			}
			if prev.raw != nil && treeKeyCompare(prev.name, prev.isDir(), e.name, e.isDir()) > 0 {
				t.Fatalf("result out of order: %q before %q", prev.name, e.name)
			}
			if string(e.name) == name && bytes.Equal(e.hash, h[:]) {
				found = true
			}
			prev, rest = e, next
		}
		if !found {
			t.Fatalf("the edit %q is missing from %q", name, out)
		}
	})
}
