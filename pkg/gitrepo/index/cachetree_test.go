package index

import (
	"bytes"
	"fmt"
	"math/rand"
	"strconv"
	"testing"
)

// invalidateCacheTreeByPath is the straightforward walk (every node's path built and looked
// up) that invalidateCacheTree must agree with.
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

func TestInvalidateCacheTreeAgreesWithPathWalk(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for round := 0; round < 2000; round++ {
		data, paths := randomCacheTree(rng)
		var dirs []string
		for _, p := range paths {
			if rng.Intn(4) == 0 {
				dirs = append(dirs, p) // not always with their parents: any set of folders
			}
		}
		if rng.Intn(10) == 0 {
			dirs = append(dirs, "missing/folder")
		}
		got, gotOK := invalidateCacheTree(data, dirs)
		want, wantOK := invalidateCacheTreeByPath(data, dirs)
		if gotOK != wantOK || !bytes.Equal(got, want) {
			t.Fatalf("round %d, dirs %q:\n got %q %v\nwant %q %v", round, dirs, got, gotOK, want, wantOK)
		}
		// A damaged payload is refused by both.
		if len(data) > 2 {
			cut := data[:rng.Intn(len(data)-1)+1]
			_, gotOK := invalidateCacheTree(cut, dirs)
			_, wantOK := invalidateCacheTreeByPath(cut, dirs)
			if gotOK != wantOK {
				t.Fatalf("round %d, truncated to %d bytes: ok %v, the path walk says %v", round, len(cut), gotOK, wantOK)
			}
		}
	}
}
