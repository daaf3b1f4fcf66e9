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
	for _, d := range dirs {
		invalid[d] = true
	}
	out = make([]byte, 0, len(data))
	pos, ok := walkCacheTree(data, 0, "", true, invalid, &out)
	if !ok || pos != len(data) {
		return nil, false
	}
	return out, true
}

func walkCacheTree(data []byte, pos int, parent string, root bool, invalid map[string]bool, out *[]byte) (int, bool) {
	start := pos
	nul := bytes.IndexByte(data[pos:], 0)
	if nul < 0 {
		return 0, false
	}
	name := string(data[pos : pos+nul])
	pos += nul + 1
	sp := bytes.IndexByte(data[pos:], ' ')
	if sp < 0 {
		return 0, false
	}
	count, err := strconv.Atoi(string(data[pos : pos+sp]))
	if err != nil {
		return 0, false
	}
	pos += sp + 1
	nl := bytes.IndexByte(data[pos:], '\n')
	if nl < 0 {
		return 0, false
	}
	subtrees, err := strconv.Atoi(string(data[pos : pos+nl]))
	if err != nil || subtrees < 0 {
		return 0, false
	}
	pos += nl + 1
	if count >= 0 {
		if pos+20 > len(data) {
			return 0, false
		}
		pos += 20
	}

	path := name
	switch {
	case root:
		path = ""
	case parent != "":
		path = parent + "/" + name
	}
	if count >= 0 && invalid[path] {
		*out = append(*out, name...)
		*out = append(*out, 0)
		*out = append(*out, "-1 "...)
		*out = strconv.AppendInt(*out, int64(subtrees), 10)
		*out = append(*out, '\n')
	} else {
		*out = append(*out, data[start:pos]...)
	}

	for i := 0; i < subtrees; i++ {
		var ok bool
		if pos, ok = walkCacheTree(data, pos, path, false, invalid, out); !ok {
			return 0, false
		}
	}
	return pos, true
}
