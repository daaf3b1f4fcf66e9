package index

import (
	"bytes"
	"encoding/binary"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
)

// Raw is a version 2 or 3 index read in place.
type Raw struct {
	data      []byte
	end       int // where the entries and extensions end (the trailing checksum)
	version   uint32
	count     int
	entriesAt int                      // offset after the last entry: the extensions
	CacheTree map[string]plumbing.Hash // folder -> tree, for the folders the cache tree vouches for
	Mtime     time.Time                // when the index was written (set by the caller); zero: unknown
}

// OpenRaw checks the header and the extensions. ok=false, without error, when the index
// is one this reader does not handle (none at all, version 4, split or sparse).
func OpenRaw(indexPath string, data []byte) (*Raw, bool, error) {
	if len(data) == 0 {
		return nil, false, nil
	}
	version, count, err := indexHeader(data)
	if err != nil {
		return nil, false, indexError(indexPath, err.Error())
	}
	if version == 4 {
		return nil, false, nil
	}
	ix := &Raw{data: data, end: len(data) - indexTrailerLen, version: version, count: count}
	if ix.entriesAt, err = skipEntries(data, indexHeaderLen, ix.end, version, count); err != nil {
		return nil, false, indexError(indexPath, err.Error())
	}
	ext := data[ix.entriesAt:ix.end]
	for pos := 0; pos+8 <= len(ext); {
		sig := string(ext[pos : pos+4])
		size := int(binary.BigEndian.Uint32(ext[pos+4:]))
		if size > len(ext)-pos-8 {
			break // a damaged extension: the cache tree is only a shortcut
		}
		body := ext[pos+8 : pos+8+size]
		pos += 8 + size
		switch sig {
		case "TREE":
			ix.CacheTree = parseCacheTree(body)
		case "link", "sdir":
			return nil, false, nil
		}
	}
	return ix, true, nil
}

// parseCacheTree returns the tree of every folder a TREE extension holds a valid node for
// (gitformat-index: "<component> NUL <entry_count> SP <subtree_count> LF [<tree name>]",
// pre-order, an invalid node has entry_count -1 and no name). A payload it cannot parse gives
// what was read before the damage: a missing node only means more comparing.
func parseCacheTree(b []byte) map[string]plumbing.Hash {
	out := map[string]plumbing.Hash{}
	var node func(parent string, root bool) bool
	node = func(parent string, root bool) bool {
		nul := bytes.IndexByte(b, 0)
		if nul < 0 {
			return false
		}
		name := string(b[:nul])
		b = b[nul+1:]
		nl := bytes.IndexByte(b, '\n')
		if nl < 0 {
			return false
		}
		countStr, subStr, ok := bytes.Cut(b[:nl], []byte(" "))
		b = b[nl+1:]
		count, ok1 := smallInt(countStr)
		subs, ok2 := smallInt(subStr)
		if !ok || !ok1 || !ok2 || subs < 0 {
			return false
		}
		path := name
		if !root && parent != "" {
			path = parent + "/" + name
		}
		if count >= 0 {
			if len(b) < 20 {
				return false
			}
			var h plumbing.Hash
			copy(h[:], b[:20])
			b = b[20:]
			out[path] = h
		}
		for range subs {
			if !node(path, false) {
				return false
			}
		}
		return true
	}
	node("", true)
	return out
}

// EntriesUnder returns the offsets of the entries for the path p itself and below it ("":
// all), in index order.
func (ix *Raw) EntriesUnder(p string) ([]int32, error) {
	off, i := indexHeaderLen, 0
	var err error
	if p != "" {
		if off, i, err = skipBelow(ix.data, off, ix.end, 0, ix.count, ix.version, []byte(p), nil); err != nil {
			return nil, err
		}
	}
	var offs []int32
	stop := []byte(p + "0") // every name below "p/" sorts before "p0"
	for ; i < ix.count; i++ {
		e, err := parseEntry(ix.data, off, ix.entriesAt, ix.version)
		if err != nil {
			return nil, err
		}
		if p != "" && bytes.Compare(e.name, stop) >= 0 {
			break
		}
		if p == "" || string(e.name) == p || bytes.HasPrefix(e.name, []byte(p+"/")) {
			offs = append(offs, int32(off))
		}
		off = e.next
	}
	return offs, nil
}

// Entry is one entry's fields, read at its offset.
type Entry struct {
	Name                      []byte
	Stage                     int
	IntentToAdd, SkipWorktree bool
	Mode                      uint32
	Hash                      plumbing.Hash
	Stat                      Stat
}

// At reads the entry at offset off (one of those EntriesUnder returned).
func (ix *Raw) At(off int32) Entry {
	e, err := parseEntry(ix.data, int(off), ix.entriesAt, ix.version)
	if err != nil {
		// Every offset was parsed once already by entriesUnder: the mapped file changed under
		// us. WorktreeChanges recovers this as a clear error (RecoverFault).
		panic(indexChanged{})
	}
	b := ix.data[off:]
	be := binary.BigEndian
	x := Entry{Name: e.name, Stage: e.stage(), Mode: be.Uint32(b[24:]), Hash: e.hash(ix.data)}
	x.Stat = statAt(b)
	if e.flags&flagExtended != 0 {
		ext := be.Uint16(b[entryFixedLen:])
		x.IntentToAdd, x.SkipWorktree = ext&extFlagIntentToAdd != 0, ext&extFlagSkipWorktree != 0
	}
	return x
}

// NameAt reads only the name of the entry at offset off.
func (ix *Raw) NameAt(off int32) []byte {
	e, err := parseEntry(ix.data, int(off), ix.entriesAt, ix.version)
	if err != nil {
		panic(indexChanged{}) // as in entry
	}
	return e.name
}

// Stage0 finds the stage-0 entry of path.
func (ix *Raw) Stage0(path string) (Entry, bool) {
	off, i, err := skipBelow(ix.data, indexHeaderLen, ix.entriesAt, 0, ix.count, ix.version, []byte(path), nil)
	for ; err == nil && i < ix.count; i++ {
		e, perr := parseEntry(ix.data, off, ix.entriesAt, ix.version)
		if perr != nil || string(e.name) != path {
			break
		}
		if e.stage() == 0 {
			return ix.At(int32(off)), true
		}
		off = e.next
	}
	return Entry{}, false
}
