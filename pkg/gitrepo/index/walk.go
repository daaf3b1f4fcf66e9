package index

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// Walked is one entry as Walk reads it. Name is only valid during the call.
type Walked struct {
	Name                      []byte
	Stage                     int
	Mode                      uint32
	Hash                      [20]byte
	Stat                      Stat
	IntentToAdd, SkipWorktree bool
}

// ErrNotWalkable says the index is split (the "link" extension: most entries live in a
// shared index file) or sparse ("sdir": folders stand for the files below them), which Walk
// does not read; the caller has to look at the files another way.
var ErrNotWalkable = errors.New("split or sparse index")

// Walk calls fn with every entry whose name starts with prefix, in index order, reading
// versions 2, 3 and 4 in place. It returns ErrNotWalkable for a split or sparse index, after
// having walked it (what fn saw then is not the whole index).
func Walk(data []byte, prefix string, fn func(*Walked)) error {
	version, count, err := indexHeader(data)
	if err != nil {
		return err
	}
	end := len(data) - indexTrailerLen
	be := binary.BigEndian
	pfx := []byte(prefix)
	var w Walked
	var name []byte // version 4: the previous entry's name, which the next one edits
	off := indexHeaderLen
	for range count {
		if off+entryFixedLen > end {
			return fmt.Errorf("entry at offset %d is truncated", off)
		}
		b := data[off:]
		flags := be.Uint16(b[60:])
		nameOff := off + entryFixedLen
		var ext uint16
		if flags&flagExtended != 0 {
			if version < 3 || nameOff+2 > end {
				return fmt.Errorf("entry at offset %d has bad extended flags", off)
			}
			ext = be.Uint16(data[nameOff:])
			nameOff += 2
		}
		next := 0
		if version == 4 {
			// A number of bytes to drop from the end of the previous name, then the rest of
			// this one, NUL-terminated; no padding.
			drop, k := offsetVarint(data[nameOff:end])
			if k <= 0 || drop > uint64(len(name)) {
				return fmt.Errorf("entry at offset %d has a bad name", off)
			}
			z := bytes.IndexByte(data[nameOff+k:end], 0)
			if z < 0 {
				return fmt.Errorf("entry at offset %d has an unterminated name", off)
			}
			name = append(name[:len(name)-int(drop)], data[nameOff+k:nameOff+k+z]...)
			next = nameOff + k + z + 1
		} else {
			e, err := parseEntry(data, off, end, version)
			if err != nil {
				return err
			}
			name, next = e.name, e.next
		}
		if bytes.HasPrefix(name, pfx) {
			w = Walked{Name: name, Stage: int(flags&flagStageMask) >> 12, Mode: be.Uint32(b[24:])}
			copy(w.Hash[:], b[entryStatLen:entryStatLen+20])
			w.Stat = statAt(b)
			w.IntentToAdd, w.SkipWorktree = ext&extFlagIntentToAdd != 0, ext&extFlagSkipWorktree != 0
			fn(&w)
		}
		off = next
	}
	for ext := data[min(off, end):end]; len(ext) >= 8; {
		sig := string(ext[:4])
		size := int(be.Uint32(ext[4:]))
		if size > len(ext)-8 {
			return fmt.Errorf("extension %q is truncated", sig)
		}
		if sig == "link" || sig == "sdir" {
			return ErrNotWalkable
		}
		ext = ext[8+size:]
	}
	return nil
}

// Checksum is the index file's trailing SHA-1: it names the content, all zeros when git was
// told not to compute it (index.skipHash).
func Checksum(data []byte) (sum [20]byte, ok bool) {
	if len(data) < indexHeaderLen+indexTrailerLen || string(data[:4]) != "DIRC" {
		return sum, false
	}
	copy(sum[:], data[len(data)-indexTrailerLen:])
	return sum, true
}

// offsetVarint reads the variable-length number of index version 4 (and of ofs-delta).
func offsetVarint(b []byte) (uint64, int) {
	if len(b) == 0 {
		return 0, 0
	}
	c := b[0]
	v := uint64(c & 0x7f)
	i := 1
	for c&0x80 != 0 {
		if i >= len(b) || i > 9 {
			return 0, 0
		}
		c = b[i]
		i++
		v = (v+1)<<7 | uint64(c&0x7f)
	}
	return v, i
}
