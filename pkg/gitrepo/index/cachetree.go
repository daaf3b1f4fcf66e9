package index

import (
	"bytes"
	"encoding/binary"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// invalidateCacheTree rewrites the payload of a TREE (cache tree) index
// extension so that the root and every directory in dirs are marked invalid.
//
// The payload is a pre-order list of nodes, each:
//
//	<path component> NUL <entry_count> SP <subtree_count> LF [<20-byte tree name>]
//
// where the root's component is empty, entry_count is -1 for an invalid node
// (which then has no tree name), and subtree_count children follow. git trusts
// a valid node's tree name when it writes a tree, so every directory whose
// content we changed must be invalidated (git's own cache_tree_invalidate_path
// does the same). Untouched subtrees keep their names, so the user's next
// `git commit` stays fast.
//
// ok is false when the payload cannot be parsed; the caller then drops the
// extension, which is always correct.
func invalidateCacheTree(data []byte, dirs []string) (out []byte, ok bool) {
	invalid := make(map[string]bool, len(dirs)+1)
	invalid[""] = true
	// below: the folders with an invalid folder inside them; only those are walked into,
	// every other subtree is copied as it is (at 10,000 incidents, building the path of each
	// of the ~500 nodes was most of the cost of a commit's index write besides the hash).
	below := map[string]bool{"": true}
	for _, d := range dirs {
		invalid[d] = true
		for i := 0; i < len(d); i++ {
			if d[i] == '/' {
				below[d[:i]] = true
			}
		}
	}
	out = make([]byte, 0, len(data))
	pos, ok := walkCacheTree(data, 0, nil, true, invalid, below, &out)
	if !ok || pos != len(data) {
		return nil, false
	}
	return out, true
}

// cacheTreeNode parses the node at pos: its path component, entry count and number of
// subtrees, and where its subtrees begin.
func cacheTreeNode(data []byte, pos int) (name []byte, count, subtrees, next int, ok bool) {
	nul := bytes.IndexByte(data[pos:], 0)
	if nul < 0 {
		return nil, 0, 0, 0, false
	}
	name = data[pos : pos+nul]
	pos += nul + 1
	sp := bytes.IndexByte(data[pos:], ' ')
	if sp < 0 {
		return nil, 0, 0, 0, false
	}
	count, err := strconv.Atoi(string(data[pos : pos+sp]))
	if err != nil {
		return nil, 0, 0, 0, false
	}
	pos += sp + 1
	nl := bytes.IndexByte(data[pos:], '\n')
	if nl < 0 {
		return nil, 0, 0, 0, false
	}
	subtrees, err = strconv.Atoi(string(data[pos : pos+nl]))
	if err != nil || subtrees < 0 {
		return nil, 0, 0, 0, false
	}
	pos += nl + 1
	if count >= 0 {
		if pos+20 > len(data) {
			return nil, 0, 0, 0, false
		}
		pos += 20
	}
	return name, count, subtrees, pos, true
}

// skipCacheTree returns where the subtree at pos ends.
func skipCacheTree(data []byte, pos int) (int, bool) {
	_, _, subtrees, pos, ok := cacheTreeNode(data, pos)
	for i := 0; ok && i < subtrees; i++ {
		pos, ok = skipCacheTree(data, pos)
	}
	return pos, ok
}

// walkCacheTree copies the subtree at pos to out, invalidating the nodes named in invalid;
// path is the node's path (nil for the root).
func walkCacheTree(data []byte, pos int, path []byte, root bool, invalid, below map[string]bool, out *[]byte) (int, bool) {
	start := pos
	name, count, subtrees, pos, ok := cacheTreeNode(data, pos)
	if !ok {
		return 0, false
	}
	if count >= 0 && invalid[string(path)] {
		*out = append(*out, name...)
		*out = append(*out, 0)
		*out = append(*out, "-1 "...)
		*out = strconv.AppendInt(*out, int64(subtrees), 10)
		*out = append(*out, '\n')
	} else {
		*out = append(*out, data[start:pos]...)
	}
	if !root && !below[string(path)] {
		end := pos
		for i := 0; i < subtrees; i++ {
			if end, ok = skipCacheTree(data, end); !ok {
				return 0, false
			}
		}
		*out = append(*out, data[pos:end]...)
		return end, true
	}
	var child []byte
	for i := 0; i < subtrees; i++ {
		cname, _, _, _, ok := cacheTreeNode(data, pos)
		if !ok {
			return 0, false
		}
		child = child[:0]
		if !root {
			child = append(append(child, path...), '/')
		}
		child = append(child, cname...)
		if pos, ok = walkCacheTree(data, pos, child, false, invalid, below, out); !ok {
			return 0, false
		}
	}
	return pos, true
}

// TreeDir is a folder a commit rebuilt (the root is ""): its tree before (zero: the folder is
// new) and after.
type TreeDir struct {
	Path     string
	Old, New plumbing.Hash
}

// treeSplice is where the TREE extension sits among a plan's spliced extensions and what it was
// made from, so that SetTrees can name the new trees in the nodes the splice invalidated.
type treeSplice struct {
	seg   int    // the extensions' segment in Plan.segs
	at, n int    // the TREE extension (header and payload) within that segment
	old   []byte // its payload before the splice
	dirs  []string
	added []string
}

// SetTrees gives the plan the trees the commit built along its paths, so that the cache tree
// names them instead of leaving those folders invalid: git commit leaves a cache tree that
// vouches for every folder, and so does a commit of ours then (git status and the next git
// commit compare and write less). A folder's node is renamed only where it vouched for the old
// tree (its index entries were the commit's parent's), the folders below it on the paths are
// renamed too, and no folder on the paths is new; any other node along the paths stays invalid,
// as after the splice. Without a TREE extension, or a tree for every folder, it does nothing.
func (p *Plan) SetTrees(dirs []TreeDir) {
	ts := p.tree
	if ts == nil || p.bg != nil && ts.seg < p.fixed {
		return
	}
	byPath := make(map[string]TreeDir, len(dirs))
	for _, d := range dirs {
		byPath[d.Path] = d
	}
	body, ok := renameCacheTree(ts.old, ts.dirs, ts.added, byPath)
	if !ok {
		return
	}
	seg := p.segs[ts.seg]
	out := make([]byte, 0, len(seg)-ts.n+8+len(body))
	out = append(out, seg[:ts.at]...)
	out = append(out, "TREE"...)
	out = binary.BigEndian.AppendUint32(out, uint32(len(body)))
	out = append(out, body...)
	out = append(out, seg[ts.at+ts.n:]...)
	p.newLen += len(out) - len(seg)
	p.segs[ts.seg] = out
	p.tree = nil
}

// renameCacheTree returns the TREE payload data with the root and every folder in dirs given
// its tree from trees (its entry count grown by the paths in added below it) where that is
// right, and invalid elsewhere (see SetTrees). ok is false when data cannot be parsed.
//
// git requires of a valid node that every folder below it has a valid node too (cache-tree.c,
// verify_one): a node is renamed only when its subfolders on the paths are. The nodes off the
// paths are copied as they are.
func renameCacheTree(data []byte, dirs, added []string, trees map[string]TreeDir) (out []byte, ok bool) {
	onPath := map[string]int{"": 0} // folder -> how many of its subfolders are on the paths
	for _, d := range dirs {
		if _, seen := onPath[d]; !seen {
			onPath[d] = 0
		}
	}
	for d := range onPath {
		if d != "" {
			parent, _, _ := cutLast(d)
			onPath[parent]++
		}
	}
	// First the decisions, from the leaves up: folder -> its new entry count (absent: invalid).
	counts := map[string]int{}
	var decide func(pos int, path string, root bool) (next int, valid, ok bool)
	decide = func(pos int, path string, root bool) (int, bool, bool) {
		_, count, subtrees, next, ok := cacheTreeNode(data, pos)
		if !ok {
			return 0, false, false
		}
		want, touched := onPath[path]
		if !touched {
			for i := 0; ok && i < subtrees; i++ {
				next, ok = skipCacheTree(data, next)
			}
			return next, count >= 0, ok
		}
		var old []byte
		if count >= 0 {
			old = data[next-20 : next]
		}
		found, childrenValid := 0, true
		for i := 0; i < subtrees; i++ {
			cname, _, _, _, ok := cacheTreeNode(data, next)
			if !ok {
				return 0, false, false
			}
			child := string(cname)
			if !root {
				child = path + "/" + child
			}
			var cvalid bool
			if next, cvalid, ok = decide(next, child, false); !ok {
				return 0, false, false
			}
			if _, on := onPath[child]; on {
				found++
				childrenValid = childrenValid && cvalid
			}
		}
		t, have := trees[path]
		valid := have && old != nil && !t.Old.IsZero() && bytes.Equal(old, t.Old[:]) &&
			found == want && childrenValid
		if valid {
			counts[path] = count
		}
		return next, valid, true
	}
	end, _, ok := decide(0, "", true)
	if !ok || end != len(data) {
		return nil, false
	}
	for _, a := range added {
		for d := range counts {
			if d == "" || len(a) > len(d) && a[len(d)] == '/' && a[:len(d)] == d {
				counts[d]++
			}
		}
	}

	// Then the payload, in the same order.
	out = make([]byte, 0, len(data)+20*len(onPath))
	var write func(pos int, path []byte, root bool) (int, bool)
	write = func(pos int, path []byte, root bool) (int, bool) {
		start := pos
		name, _, subtrees, next, ok := cacheTreeNode(data, pos)
		if !ok {
			return 0, false
		}
		if _, touched := onPath[string(path)]; !touched {
			end := next
			for i := 0; ok && i < subtrees; i++ {
				end, ok = skipCacheTree(data, end)
			}
			out = append(out, data[start:end]...)
			return end, ok
		}
		out = append(out, name...)
		out = append(out, 0)
		n, valid := counts[string(path)]
		if !valid {
			n = -1
		}
		out = strconv.AppendInt(out, int64(n), 10)
		out = append(out, ' ')
		out = strconv.AppendInt(out, int64(subtrees), 10)
		out = append(out, '\n')
		if valid {
			h := trees[string(path)].New
			out = append(out, h[:]...)
		}
		var child []byte
		for i := 0; i < subtrees; i++ {
			cname, _, _, _, ok := cacheTreeNode(data, next)
			if !ok {
				return 0, false
			}
			child = child[:0]
			if !root {
				child = append(append(child, path...), '/')
			}
			child = append(child, cname...)
			if next, ok = write(next, child, false); !ok {
				return 0, false
			}
		}
		return next, true
	}
	if end, ok = write(0, nil, true); !ok || end != len(data) {
		return nil, false
	}
	return out, true
}

// cutLast splits a folder path at its last slash ("a/b/c" -> "a/b", "c"); a top folder's
// parent is the root, "".
func cutLast(p string) (parent, name string, ok bool) {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i], p[i+1:], true
	}
	return "", p, false
}
