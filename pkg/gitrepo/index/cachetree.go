package index

import (
	"bytes"
	"strconv"
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
