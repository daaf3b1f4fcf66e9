package index

import (
	"bytes"
	"encoding/binary"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// The cache tree (the TREE extension) is a pre-order list of nodes, each
//
//	<path component> NUL <entry_count> SP <subtree_count> LF [<20-byte tree name>]
//
// where the root's component is empty, entry_count is -1 for an invalid node (which then has no
// tree name), and subtree_count children follow. git trusts a valid node's tree name when it
// writes a tree and when it compares the index with HEAD, so a folder whose entries change must
// either name its new tree or be invalid (git's own cache_tree_invalidate_path invalidates the
// folders along a path; git commit then names the trees it wrote). A splice of entries leaves
// the folders along its paths invalid and every other node as it was; a commit gives the plan
// the trees it built (SetTrees), and the folders that vouched for the parent's trees name the
// new ones instead, as after git commit. git requires of a valid node that every folder below
// it has a valid node too (cache-tree.c, verify_one), so a folder is named only when its
// subfolders on the paths are.
//
// The payload is rewritten once, when the index is written (treeSplice.apply): the nodes off the
// paths are copied as they are, only the folders along the paths parsed into nodes.

// TreeDir is a folder a commit rebuilt (the root is ""): its tree before (zero: the folder is
// new) and after.
type TreeDir struct {
	Path     string
	Old, New plumbing.Hash
}

// treeSplice is the cache tree of a plan: where it goes among the spliced extensions and what it
// is made from.
type treeSplice struct {
	seg   int    // the extensions' segment in Plan.segs
	at    int    // where the TREE extension goes in that segment
	old   []byte // its payload in the old index
	dirs  []string
	added []string
	trees map[string]TreeDir // nil: none given, the folders along the paths are invalid
}

// SetTrees gives the plan the trees the commit built along its paths (see above). Without a
// cache tree in the index it does nothing.
func (p *Plan) SetTrees(dirs []TreeDir) {
	if p.tree == nil {
		return
	}
	p.tree.trees = make(map[string]TreeDir, len(dirs))
	for _, d := range dirs {
		p.tree.trees[d.Path] = d
	}
}

// apply returns seg with the TREE extension inserted at ts.at; a payload that cannot be read is
// dropped, which is always correct (git builds a new cache tree on its next commit).
func (ts *treeSplice) apply(seg []byte) []byte {
	body, ok := renameCacheTree(ts.old, ts.dirs, ts.added, ts.trees)
	if !ok {
		return seg
	}
	out := make([]byte, 0, len(seg)+8+len(body))
	out = append(out, seg[:ts.at]...)
	out = append(out, "TREE"...)
	out = binary.BigEndian.AppendUint32(out, uint32(len(body)))
	out = append(out, body...)
	return append(out, seg[ts.at:]...)
}

// ctNode is a node of the cache tree on the paths: its header read, and its subtrees in order,
// each either a node on the paths or the raw bytes of a subtree off them.
type ctNode struct {
	path            string
	name            []byte
	count, subtrees int
	old             []byte // its tree name; nil when invalid
	parts           []ctPart
	onPath          int // how many of its subtrees are on the paths
	renamed         bool
}

type ctPart struct {
	node *ctNode
	raw  []byte
}

// renameCacheTree returns the TREE payload data with the root and every folder in dirs (every
// folder above a path, as ancestorDirs lists them) named from trees where that is right, their
// entry counts grown by the paths in added below them, and invalid elsewhere (see above). With
// no trees every one of them is invalid. ok is false when data cannot be read.
func renameCacheTree(data []byte, dirs, added []string, trees map[string]TreeDir) (out []byte, ok bool) {
	onPath := make(map[string]bool, len(dirs)+1)
	onPath[""] = true
	for _, d := range dirs {
		onPath[d] = true
	}
	var parse func(pos int, path string, root bool) (*ctNode, int, bool)
	parse = func(pos int, path string, root bool) (*ctNode, int, bool) {
		name, count, subtrees, next, ok := cacheTreeNode(data, pos)
		if !ok {
			return nil, 0, false
		}
		n := &ctNode{path: path, name: name, count: count, subtrees: subtrees}
		if count >= 0 {
			n.old = data[next-20 : next]
		}
		for i := 0; i < subtrees; i++ {
			cname, _, _, _, ok := cacheTreeNode(data, next)
			if !ok {
				return nil, 0, false
			}
			child := string(cname)
			if !root {
				child = path + "/" + child
			}
			if onPath[child] {
				c, end, ok := parse(next, child, false)
				if !ok {
					return nil, 0, false
				}
				n.parts = append(n.parts, ctPart{node: c})
				n.onPath++
				next = end
				continue
			}
			end, ok := skipCacheTree(data, next)
			if !ok {
				return nil, 0, false
			}
			n.parts = append(n.parts, ctPart{raw: data[next:end]})
			next = end
		}
		return n, next, true
	}
	root, end, ok := parse(0, "", true)
	if !ok || end != len(data) {
		return nil, false
	}

	// Which nodes are named, from the leaves up: each must have vouched for the parent's tree,
	// and every folder on the paths below it must be a node that is named too.
	want := map[string]int{} // folder -> how many of its subfolders are on the paths
	for d := range onPath {
		if d != "" {
			want[parentDir(d)]++
		}
	}
	var decide func(n *ctNode) bool
	decide = func(n *ctNode) bool {
		children := true
		for _, p := range n.parts {
			if p.node != nil && !decide(p.node) {
				children = false
			}
		}
		t, have := trees[n.path]
		n.renamed = have && n.old != nil && !t.Old.IsZero() && bytes.Equal(n.old, t.Old[:]) &&
			children && n.onPath == want[n.path]
		return n.renamed
	}
	decide(root)

	out = make([]byte, 0, len(data)+20*len(onPath))
	var write func(n *ctNode)
	write = func(n *ctNode) {
		out = append(out, n.name...)
		out = append(out, 0)
		if n.renamed {
			count := n.count
			for _, a := range added {
				if n.path == "" || strings.HasPrefix(a, n.path) && len(a) > len(n.path) && a[len(n.path)] == '/' {
					count++
				}
			}
			out = strconv.AppendInt(out, int64(count), 10)
		} else {
			out = append(out, "-1"...)
		}
		out = append(out, ' ')
		out = strconv.AppendInt(out, int64(n.subtrees), 10)
		out = append(out, '\n')
		if n.renamed {
			h := trees[n.path].New
			out = append(out, h[:]...)
		}
		for _, p := range n.parts {
			if p.node != nil {
				write(p.node)
			} else {
				out = append(out, p.raw...)
			}
		}
	}
	write(root)
	return out, true
}

// parentDir is the folder holding folder d ("a/b" for "a/b/c"); a top folder's is the root, "".
func parentDir(d string) string {
	if i := strings.LastIndexByte(d, '/'); i >= 0 {
		return d[:i]
	}
	return ""
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
	count, ok = smallInt(data[pos : pos+sp])
	if !ok {
		return nil, 0, 0, 0, false
	}
	pos += sp + 1
	nl := bytes.IndexByte(data[pos:], '\n')
	if nl < 0 {
		return nil, 0, 0, 0, false
	}
	subtrees, ok = smallInt(data[pos : pos+nl])
	if !ok || subtrees < 0 {
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

// smallInt reads a decimal integer of at most nine digits, "-1" included.
func smallInt(b []byte) (int, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 9 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// skipCacheTree returns where the subtree at pos ends.
func skipCacheTree(data []byte, pos int) (int, bool) {
	_, _, subtrees, pos, ok := cacheTreeNode(data, pos)
	for i := 0; ok && i < subtrees; i++ {
		pos, ok = skipCacheTree(data, pos)
	}
	return pos, ok
}
