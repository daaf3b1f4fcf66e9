package index

import (
	"bytes"
	"fmt"
	"math/rand"
	"strconv"
	"strings"
	"testing"
)

// invalidateCacheTreeByPath is the straightforward walk (every node's path built and looked
// up) that renameCacheTree without trees must agree with.
func invalidateCacheTreeByPath(data []byte, dirs []string) ([]byte, bool) {
	invalid := map[string]bool{"": true}
	for _, d := range dirs {
		invalid[d] = true
	}
	var out []byte
	var walk func(pos int, parent string, root bool) (int, bool)
	walk = func(pos int, parent string, root bool) (int, bool) {
		start := pos
		name, count, subtrees, pos, ok := cacheTreeNode(data, pos)
		if !ok {
			return 0, false
		}
		path := string(name)
		switch {
		case root:
			path = ""
		case parent != "":
			path = parent + "/" + path
		}
		if count >= 0 && invalid[path] {
			out = append(out, name...)
			out = append(out, 0)
			out = append(out, "-1 "...)
			out = strconv.AppendInt(out, int64(subtrees), 10)
			out = append(out, '\n')
		} else {
			out = append(out, data[start:pos]...)
		}
		for i := 0; i < subtrees; i++ {
			if pos, ok = walk(pos, path, false); !ok {
				return 0, false
			}
		}
		return pos, true
	}
	pos, ok := walk(0, "", true)
	if !ok || pos != len(data) {
		return nil, false
	}
	return out, true
}

// randomCacheTree encodes a random TREE payload and returns it with the paths of its folders.
func randomCacheTree(rng *rand.Rand) ([]byte, []string) {
	var b bytes.Buffer
	var paths []string
	var node func(path, name string, depth int)
	node = func(path, name string, depth int) {
		n := 0
		if depth < 4 {
			n = rng.Intn(4)
		}
		count := rng.Intn(50)
		if rng.Intn(5) == 0 {
			count = -1
		}
		fmt.Fprintf(&b, "%s\x00%d %d\n", name, count, n)
		if count >= 0 {
			h := make([]byte, 20)
			rng.Read(h)
			b.Write(h)
		}
		for i := 0; i < n; i++ {
			child := fmt.Sprintf("d%d", i)
			if path != "" {
				child = path + "/" + child
			}
			paths = append(paths, child)
			node(child, fmt.Sprintf("d%d", i), depth+1)
		}
	}
	node("", "", 0)
	return b.Bytes(), paths
}

// Without trees, the rewrite invalidates the root and the folders along the paths and copies
// every other node, as the straightforward walk does; a damaged payload is refused by both.
func TestCacheTreeSpliceAgreesWithPathWalk(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for round := 0; round < 2000; round++ {
		data, paths := randomCacheTree(rng)
		var files []Update
		for _, p := range paths {
			if rng.Intn(4) == 0 {
				files = append(files, Update{Path: p + "/f.md"})
			}
		}
		if rng.Intn(10) == 0 {
			files = append(files, Update{Path: "missing/folder/f.md"})
		}
		dirs := ancestorDirs(files)
		got, gotOK := renameCacheTree(data, dirs, nil, nil)
		want, wantOK := invalidateCacheTreeByPath(data, dirs)
		if gotOK != wantOK || !bytes.Equal(got, want) {
			t.Fatalf("round %d, dirs %q:\n got %q %v\nwant %q %v", round, dirs, got, gotOK, want, wantOK)
		}
		if len(data) > 2 {
			cut := data[:rng.Intn(len(data)-1)+1]
			_, gotOK := renameCacheTree(cut, dirs, nil, nil)
			_, wantOK := invalidateCacheTreeByPath(cut, dirs)
			if gotOK != wantOK {
				t.Fatalf("round %d, truncated to %d bytes: ok %v, the path walk says %v", round, len(cut), gotOK, wantOK)
			}
		}
	}
}

// renameCacheTree without trees invalidates what the path walk invalidates; with the trees of a
// commit, it names the new tree of every folder on the paths whose node vouched for the old
// one, whose folders below on the paths are named too, and keeps every other node.
func TestRenameCacheTree(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	for round := 0; round < 2000; round++ {
		data, paths := randomCacheTree(rng)
		exists := map[string]bool{"": true}
		for _, p := range paths {
			exists[p] = true
		}
		// Folders along a few paths (every ancestor, as Prepare gives them), a new one at times.
		var files []string
		for range rng.Intn(3) + 1 {
			f := "f.md"
			if len(paths) > 0 {
				f = paths[rng.Intn(len(paths))] + "/f.md"
			}
			if rng.Intn(6) == 0 {
				f = strings.TrimSuffix(f, "f.md") + "new/f.md"
			}
			files = append(files, f)
		}
		dirs := ancestorDirs(func() []Update {
			var u []Update
			for _, f := range files {
				u = append(u, Update{Path: f})
			}
			return u
		}())
		want, wantOK := invalidateCacheTreeByPath(data, dirs)
		got, gotOK := renameCacheTree(data, dirs, files, nil)
		if gotOK != wantOK || !bytes.Equal(got, want) {
			t.Fatalf("round %d, no trees, dirs %q:\n got %q %v\nwant %q %v", round, dirs, got, gotOK, want, wantOK)
		}

		before := parseCacheTree(data)
		trees := map[string]TreeDir{}
		touched := map[string]bool{"": true}
		for _, d := range append([]string{""}, dirs...) {
			touched[d] = true
			td := TreeDir{Path: d}
			rng.Read(td.New[:])
			if exists[d] {
				td.Old = before[d] // zero for an invalid node
				if rng.Intn(8) == 0 {
					rng.Read(td.Old[:]) // the index does not hold the parent's tree there
				}
			}
			trees[d] = td
		}
		var ok func(d string) bool
		ok = func(d string) bool {
			h, valid := before[d]
			if !exists[d] || !valid || trees[d].Old != h {
				return false
			}
			for c := range touched {
				if c != "" && parentOf(c) == d && !ok(c) {
					return false
				}
			}
			return true
		}
		out, outOK := renameCacheTree(data, dirs, files, trees)
		if !outOK {
			t.Fatalf("round %d: refused a good payload", round)
		}
		after := parseCacheTree(out)
		for d, h := range before {
			if !touched[d] && after[d] != h {
				t.Fatalf("round %d: untouched %q changed from %v to %v", round, d, h, after[d])
			}
		}
		for d := range touched {
			h, valid := after[d]
			if wantValid := ok(d); valid != wantValid || valid && h != trees[d].New {
				t.Fatalf("round %d, files %q: %q valid=%v %v, want valid=%v %v", round, files, d, valid, h, wantValid, trees[d].New)
			}
		}
		// A damaged payload is refused, as the splice refuses it.
		if len(data) > 2 {
			cut := data[:rng.Intn(len(data)-1)+1]
			_, gotOK := renameCacheTree(cut, dirs, files, trees)
			if _, wantOK := invalidateCacheTreeByPath(cut, dirs); gotOK != wantOK {
				t.Fatalf("round %d, truncated to %d bytes: ok %v, the splice says %v", round, len(cut), gotOK, wantOK)
			}
		}
	}
}

func parentOf(d string) string {
	if i := strings.LastIndexByte(d, '/'); i >= 0 {
		return d[:i]
	}
	return ""
}
