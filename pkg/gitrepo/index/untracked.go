package index

import (
	"bytes"
	"strings"
)

// The untracked cache (the UNTR extension, core.untrackedCache, feature.manyFiles) records, per
// folder, the untracked files git status found there and the folder's stat data, so that the
// next status lists only folders that changed. Adding a path to the index or removing one from
// it changes what is untracked in its folder, so git invalidates the cache along the path
// (dir.c, untracked_cache_invalidate_path): the folder holding the path, and every folder
// above it when the cache was made showing whole untracked folders (DIR_SHOW_OTHER_DIRECTORIES,
// git status's default). Replacing an entry invalidates nothing (read-cache.c,
// add_index_entry_with_check). invalidateUntracked does the same to the extension's bytes; the
// layout is gitformat-index's "Untracked cache", written as dir.c's write_untracked_extension
// writes it.

const (
	ucStatLen            = 36 // ctime, mtime (seconds, nanoseconds), dev, ino, uid, gid, size
	ucHeaderLen          = 2*ucStatLen + 4 + 2*20
	dirShowOtherDirs     = 1 << 1
	ucDirFlagsOffset     = 2 * ucStatLen
	maxUntrackedDirCount = 1 << 24
)

type ucDir struct {
	name       []byte
	untracked  [][]byte
	dirs       []*ucDir
	valid      bool
	checkOnly  bool
	stat       []byte // when valid
	excludeOID []byte // nil: none
}

// invalidateUntracked returns the UNTR payload body with the folders along every path in paths
// invalidated, as git does when those paths are added to or removed from the index. ok is false
// when the payload cannot be read; the caller then drops the extension (git builds a new cache
// on its next status).
func invalidateUntracked(body []byte, paths []string) (out []byte, ok bool) {
	if len(paths) == 0 {
		return body, true
	}
	if len(body) <= 1 || body[len(body)-1] != 0 {
		return nil, false
	}
	end := len(body) - 1
	identLen, k := offsetVarint(body[:end])
	if k <= 0 || identLen > uint64(end-k) {
		return nil, false
	}
	next := k + int(identLen)
	if next+ucHeaderLen+1 > end {
		return nil, false
	}
	flags := uint32(body[next+ucDirFlagsOffset])<<24 | uint32(body[next+ucDirFlagsOffset+1])<<16 |
		uint32(body[next+ucDirFlagsOffset+2])<<8 | uint32(body[next+ucDirFlagsOffset+3])
	z := bytes.IndexByte(body[next+ucHeaderLen:end], 0)
	if z < 0 {
		return nil, false
	}
	next += ucHeaderLen + z + 1
	header := body[:next]
	if next >= end {
		return body, true // no folders cached
	}
	count, k := offsetVarint(body[next:end])
	if k <= 0 {
		return nil, false
	}
	next += k
	if count == 0 {
		return body, true
	}
	if count > maxUntrackedDirCount {
		return nil, false
	}

	// The folders, depth first.
	var all []*ucDir
	var readDir func() (*ucDir, bool)
	readDir = func() (*ucDir, bool) {
		nUntracked, k := offsetVarint(body[next:end])
		if k <= 0 {
			return nil, false
		}
		next += k
		nDirs, k := offsetVarint(body[next:end])
		if k <= 0 || nDirs > maxUntrackedDirCount || nUntracked > uint64(end-next) {
			return nil, false
		}
		next += k
		z := bytes.IndexByte(body[next:end], 0)
		if z < 0 {
			return nil, false
		}
		d := &ucDir{name: body[next : next+z]}
		next += z + 1
		for range nUntracked {
			z := bytes.IndexByte(body[next:end], 0)
			if z < 0 {
				return nil, false
			}
			d.untracked = append(d.untracked, body[next:next+z])
			next += z + 1
		}
		all = append(all, d)
		if len(all) > int(count) {
			return nil, false
		}
		for range nDirs {
			c, ok := readDir()
			if !ok {
				return nil, false
			}
			d.dirs = append(d.dirs, c)
		}
		return d, true
	}
	root, ok := readDir()
	if !ok || len(all) != int(count) {
		return nil, false
	}
	var bitmaps [3][]int // valid, check_only, sha1_valid
	for i := range bitmaps {
		bits, n, err := readEwah(body[next:end])
		if err != nil {
			return nil, false
		}
		bitmaps[i] = bits
		next += n
	}
	for _, i := range bitmaps[1] {
		if i >= len(all) {
			return nil, false
		}
		all[i].checkOnly = true
	}
	for _, i := range bitmaps[0] {
		if i >= len(all) || next+ucStatLen > end {
			return nil, false
		}
		all[i].valid, all[i].stat = true, body[next:next+ucStatLen]
		next += ucStatLen
	}
	for _, i := range bitmaps[2] {
		if i >= len(all) || next+20 > end {
			return nil, false
		}
		all[i].excludeOID = body[next : next+20]
		next += 20
	}
	if next != end {
		return nil, false
	}

	// git's invalidate_one_component: the folder holding the path, and its ancestors too
	// when whole untracked folders are shown. A folder the cache does not have is created
	// by git as one that is not written: nothing to do for it.
	invalidate := func(d *ucDir) {
		if d != nil {
			d.valid, d.untracked = false, nil
		}
	}
	for _, p := range paths {
		chain := []*ucDir{root}
		d := root
		comps := strings.Split(p, "/")
		for _, c := range comps[:len(comps)-1] {
			var child *ucDir
			if d != nil {
				for _, x := range d.dirs {
					if string(x.name) == c {
						child = x
						break
					}
				}
			}
			d = child
			chain = append(chain, d)
		}
		invalidate(chain[len(chain)-1])
		if flags&dirShowOtherDirs != 0 {
			for _, x := range chain {
				invalidate(x)
			}
		}
	}

	// write_untracked_extension.
	out = append(make([]byte, 0, len(body)), header...)
	out = appendVarint(out, count)
	valid, checkOnly, shaValid := newEwah(), newEwah(), newEwah()
	var stats, shas []byte
	for i, d := range all {
		if !d.valid {
			d.untracked, d.checkOnly = nil, false
		}
		if d.checkOnly {
			checkOnly.set(i)
		}
		if d.valid {
			valid.set(i)
			stats = append(stats, d.stat...)
		}
		if d.excludeOID != nil && !bytes.Equal(d.excludeOID, make([]byte, 20)) {
			shaValid.set(i)
			shas = append(shas, d.excludeOID...)
		}
	}
	var writeDir func(d *ucDir)
	writeDir = func(d *ucDir) {
		out = appendVarint(out, uint64(len(d.untracked)))
		out = appendVarint(out, uint64(len(d.dirs)))
		out = append(append(out, d.name...), 0)
		for _, u := range d.untracked {
			out = append(append(out, u...), 0)
		}
		for _, c := range d.dirs {
			writeDir(c)
		}
	}
	writeDir(root)
	out = valid.appendTo(out)
	out = checkOnly.appendTo(out)
	out = shaValid.appendTo(out)
	out = append(out, stats...)
	out = append(out, shas...)
	return append(out, 0), true
}
