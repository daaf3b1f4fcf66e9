package index

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/work"
)

// Version 4 (index.version=4, feature.manyFiles) stores each entry's name as the number of
// bytes to drop from the end of the previous entry's name and the bytes that follow,
// NUL-terminated, without padding (read-cache.c, ce_write_entry). An entry's bytes therefore
// depend on the entry before it: the splice copies the untouched runs as they are, and
// re-encodes only the entry that follows an inserted (or removed) one, against its new
// predecessor. Everything else is as in versions 2 and 3.

// v4Cursor walks the entries of a version 4 index, keeping the current entry's name.
type v4Cursor struct {
	data     []byte
	end      int
	off      int    // the next entry
	name     []byte // the current entry's name (after next)
	prev     []byte // the name before it
	keepPrev bool   // keep prev (costs a copy per entry)

	// the current entry
	e       rawEntry
	nameOff int // where its encoded name starts
}

// next reads the entry at c.off.
func (c *v4Cursor) next() error {
	data, off, end := c.data, c.off, c.end
	if off+entryFixedLen > end {
		return fmt.Errorf("entry at offset %d is truncated", off)
	}
	flags := binary.BigEndian.Uint16(data[off+60:])
	nameOff := off + entryFixedLen
	if flags&flagExtended != 0 {
		nameOff += 2
	}
	drop, k := offsetVarint(data[nameOff:end])
	if k <= 0 || drop > uint64(len(c.name)) {
		return fmt.Errorf("entry at offset %d has a bad name", off)
	}
	z := bytes.IndexByte(data[nameOff+k:end], 0)
	if z < 0 {
		return fmt.Errorf("entry at offset %d has an unterminated name", off)
	}
	if c.keepPrev {
		c.prev = append(c.prev[:0], c.name...)
	}
	c.name = append(c.name[:len(c.name)-int(drop)], data[nameOff+k:nameOff+k+z]...)
	c.nameOff = nameOff
	c.e = rawEntry{off: off, next: nameOff + k + z + 1, name: c.name, flags: flags}
	c.off = c.e.next
	return nil
}

// appendV4Name appends name encoded against prev.
func appendV4Name(out, prev []byte, name string) []byte {
	common := 0
	for common < len(prev) && common < len(name) && prev[common] == name[common] {
		common++
	}
	out = appendVarint(out, uint64(len(prev)-common))
	out = append(out, name[common:]...)
	return append(out, 0)
}

// newV4Entry is a new stage-0 entry for u with zeroed stat data (filled by SetStat), encoded
// against the name prev.
func newV4Entry(prev []byte, path string, fixed []byte) []byte {
	out := make([]byte, entryFixedLen, entryFixedLen+len(path)+4)
	copy(out, fixed)
	return appendV4Name(out, prev, path)
}

// reencodeV4 is the entry c is at, its name encoded against prev.
func reencodeV4(c *v4Cursor, prev []byte) []byte {
	out := append([]byte(nil), c.data[c.e.off:c.nameOff]...)
	return appendV4Name(out, prev, string(c.name))
}

// prepareV4 is Prepare for a version 4 index.
func prepareV4(indexPath string, data []byte, count int, sorted []Update, order []int) (*Plan, error) {
	plan := &Plan{entries: make([][]byte, len(sorted)), fixed: -1}
	end := len(data) - indexTrailerLen
	hdr := append([]byte(nil), data[:indexHeaderLen]...)
	plan.segs = append(plan.segs, hdr)

	ancestors := ancestorDirs(sorted)
	var quiet string
	for _, u := range sorted {
		quiet = max(quiet, u.Path+"0")
	}
	copied := indexHeaderLen
	flush := func(upto int) {
		if upto > copied {
			plan.segs = append(plan.segs, data[copied:upto])
		}
		copied = upto
	}
	newCount := count
	written := make([]bool, len(sorted))
	replaced := make([]bool, len(sorted)) // a stage-0 entry was there
	// outPrev is the name of the last entry of the new index when it differs from the name
	// before the current entry of the old one (after an insertion); nil otherwise.
	var outPrev []byte
	emit := func(k int, prev []byte) {
		fixed := appendEntry(nil, sorted[k])[:entryFixedLen]
		e := newV4Entry(prev, sorted[k].Path, fixed)
		if plan.fixed < 0 {
			plan.fixed = len(plan.segs)
		}
		plan.segs = append(plan.segs, e)
		plan.entries[order[k]] = e
		written[k] = true
		newCount++
	}

	c := &v4Cursor{data: data, end: end, off: indexHeaderLen, keepPrev: true}
	ui, ai := 0, 0
	parsed := 0
	defer func() { work.Counts.EntriesParsed.Add(int64(parsed)) }()
	i := 0
	for ; i < count; i++ {
		parsed++
		if err := c.next(); err != nil {
			return nil, indexError(indexPath, err.Error())
		}
		e := c.e
		prev := c.prev
		if outPrev != nil {
			prev = outPrev
		}
		for ui < len(sorted) && sorted[ui].Path < string(e.name) {
			if !written[ui] {
				flush(e.off)
				emit(ui, prev)
				prev = []byte(sorted[ui].Path)
				outPrev = prev
			}
			ui++
		}
		if ui < len(sorted) && sorted[ui].Path == string(e.name) {
			flush(e.off)
			if !written[ui] {
				emit(ui, prev)
			}
			if e.stage() == 0 {
				replaced[ui] = true
			}
			copied = e.next
			newCount--
			outPrev = nil // the next old entry's predecessor had this name too
		} else if outPrev != nil {
			flush(e.off)
			plan.segs = append(plan.segs, reencodeV4(c, outPrev))
			copied = e.next
			outPrev = nil
		}
		if err := checkDF(e.name, ancestors, &ai, sorted, ui); err != nil {
			return nil, err
		}
		if ui == len(sorted) && string(e.name) >= quiet {
			i++
			break
		}
	}
	// The rest is copied as it is: only find where the entries end.
	c.keepPrev = false
	skimmed := 0
	for ; i < count; i++ {
		skimmed++
		if err := c.next(); err != nil {
			return nil, indexError(indexPath, err.Error())
		}
	}
	work.Counts.EntriesSkimmed.Add(int64(skimmed))
	entriesEnd := c.off
	flush(entriesEnd)
	prev := c.name
	if outPrev != nil {
		prev = outPrev
	}
	var added []string
	for k := range sorted {
		if !written[k] {
			emit(k, prev)
			prev = []byte(sorted[k].Path)
		}
		if !replaced[k] {
			added = append(added, sorted[k].Path)
		}
	}
	exts, ts, err := spliceExtensions(indexPath, nil, data[entriesEnd:end], ancestors, added)
	if err != nil {
		return nil, err
	}
	if len(exts) > 0 || ts != nil {
		plan.setTreeSplice(ts)
		plan.segs = append(plan.segs, exts)
	}
	binary.BigEndian.PutUint32(hdr[8:], uint32(newCount))
	plan.fixed = max(plan.fixed, 0)
	return plan, nil
}

// findV4 is Find for a version 4 index.
func findV4(indexPath string, data []byte, count int, path string) ([]EntryInfo, error) {
	c := &v4Cursor{data: data, end: len(data) - indexTrailerLen, off: indexHeaderLen}
	want := []byte(path)
	var found []EntryInfo
	for range count {
		if err := c.next(); err != nil {
			return nil, indexError(indexPath, err.Error())
		}
		switch cmp := bytes.Compare(c.name, want); {
		case cmp == 0:
			e := c.e
			info := EntryInfo{Hash: e.hash(data), Stage: e.stage()}
			if e.flags&flagExtended != 0 {
				info.IntentToAdd = binary.BigEndian.Uint16(data[e.off+entryFixedLen:])&extFlagIntentToAdd != 0
			}
			found = append(found, info)
		case cmp > 0:
			return found, nil
		}
	}
	return found, nil
}

// skipEntriesV4 returns the offset after the count entries of a version 4 index.
func skipEntriesV4(data []byte, count int) (int, error) {
	c := &v4Cursor{data: data, end: len(data) - indexTrailerLen, off: indexHeaderLen}
	for range count {
		if err := c.next(); err != nil {
			return 0, err
		}
	}
	return c.off, nil
}
