package index

import (
	"encoding/binary"
	"slices"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/work"
)

// A racy check (racy.go) looks for the entries modified no earlier than the second the index was
// written, and without more to go on it reads every entry's stat data to find them: 100,000
// entries for the one document the last commit wrote, in every commit. A commit that writes
// the index knows where those can be: the entries it wrote, and the ones the index already had
// at the newest second. index-sha1 (hash.go) keeps, for the index it describes, that newest
// second and the offsets of the entries modified in it (a RacyBound), and the next racy check
// of the same index (the same trailing checksum and size) reads only those, or none when the
// index was written in a later second. An index written by anyone else, a stale or damaged
// file, an index of version 4 (whose names cannot be read from an offset alone) or more
// than maxBoundOffs entries in the newest second: every entry is read, as before.

// maxBoundOffs is how many entries of the newest second a bound names at most: a checkout
// gives thousands of files the same second, and then the bound is not kept.
const maxBoundOffs = 64

// RacyBound says of an index where its racy entries can be: every stage-0 file or link entry
// with a size (what racySecond looks at) was modified at or before the second Newest, and
// those modified in Newest are the entries at Offs (ascending). A bound is only handed out
// complete: a scan that met more than maxBoundOffs entries of its newest second (over) keeps
// none.
type RacyBound struct {
	Newest uint32
	Offs   []int
	over   bool
}

// see records the entry b at offset off, whose mtime second is at least the newest so far.
func (rb *RacyBound) see(b []byte, off int) {
	sec, ok := racySecond(b)
	if !ok || sec < rb.Newest {
		return
	}
	if sec > rb.Newest {
		rb.Newest, rb.Offs, rb.over = sec, rb.Offs[:0], false
	}
	if len(rb.Offs) == maxBoundOffs {
		rb.over = true
		return
	}
	rb.Offs = append(rb.Offs, off)
}

// RacyEntriesBound is RacyEntries for the index a commit is about to replace (content data,
// written at the second indexSec), taking where its racy entries can be from the bound the
// index-sha1 file at hashesPath keeps for it when there is one. It also returns the index's
// bound, for the plan that replaces it (Plan.SetRacyBound); nil when it has none.
func RacyEntriesBound(hashesPath string, data []byte, indexSec uint32) ([]Racy, *RacyBound, error) {
	if rb := readBound(hashesPath, data); rb != nil && rb.Newest <= indexSec {
		if rb.Newest < indexSec {
			return nil, rb, nil // every entry is older than the index
		}
		if out, ok := racyAt(data, rb.Offs, indexSec); ok {
			return out, rb, nil
		}
	}
	rb := &RacyBound{}
	out, err := racyEntries(data, indexSec, false, rb)
	if err != nil || rb.over {
		rb = nil
	}
	return out, rb, err
}

// racyAt reads the racy entries among those at offs; false when one of offs is not an entry.
func racyAt(data []byte, offs []int, indexSec uint32) ([]Racy, bool) {
	version, _, err := indexHeader(data)
	if err != nil || version == 4 {
		return nil, false
	}
	end := len(data) - indexTrailerLen
	work.Counts.RacyChecked.Add(int64(len(offs)))
	var out []Racy
	for _, off := range offs {
		if off < indexHeaderLen || off+entryFixedLen > end {
			return nil, false
		}
		e, err := parseEntry(data, off, end, version)
		if err != nil {
			return nil, false
		}
		if e.stage() != 0 {
			continue
		}
		if r, ok := racyEntry(data[off:], string(e.name), indexSec); ok {
			r.Off = off
			out = append(out, r)
		}
	}
	return out, true
}

// SetRacyBound gives the plan the bound of the index it was prepared from (RacyEntriesBound)
// and the offsets of the entries smudged in the data it was given, so that SaveHashes can
// record the bound of the new index.
func (p *Plan) SetRacyBound(rb *RacyBound, smudged []int) {
	if rb == nil || !p.mapped {
		return
	}
	old := &RacyBound{Newest: rb.Newest}
	for _, off := range rb.Offs {
		if !slices.Contains(smudged, off) { // a smudged entry has no size: no racy check looks at it
			old.Offs = append(old.Offs, off)
		}
	}
	p.racyOld = old
}

// newBound is the bound of the index the plan writes, from the old index's and the entries the
// plan writes (their stat data set): nil when it cannot say.
func (p *Plan) newBound() *RacyBound {
	old := p.racyOld
	if old == nil {
		return nil
	}
	nb := &RacyBound{Newest: old.Newest}
	for _, off := range old.Offs {
		if n, ok := p.newOffset(off); ok {
			nb.Offs = append(nb.Offs, n) // an entry replaced has no new offset: it is among ours
		}
	}
	for i, e := range p.entries {
		sec, ok := racySecond(e)
		if !ok || sec < nb.Newest {
			continue
		}
		if sec > nb.Newest {
			nb.Newest, nb.Offs = sec, nb.Offs[:0]
		}
		nb.Offs = append(nb.Offs, p.entryOffs[i])
	}
	if len(nb.Offs) > maxBoundOffs {
		return nil
	}
	slices.Sort(nb.Offs)
	return nb
}

// newOffset is where the entry at offset off of the old index is in the new one, when the plan
// copies it.
func (p *Plan) newOffset(off int) (int, bool) {
	for _, c := range p.copies {
		if off >= c.old && off < c.old+c.n {
			return c.new + off - c.old, true
		}
	}
	return 0, false
}

// copyRange is a run of the old index the plan copies: n bytes from offset old, at offset new
// of the new index.
type copyRange struct{ old, new, n int }

// appendBound adds a bound to the body of an index-sha1 file: <1><newest:4><count:2><off:8>...,
// or <0> without one.
func appendBound(b []byte, rb *RacyBound) []byte {
	if rb == nil || len(rb.Offs) > maxBoundOffs {
		return append(b, 0)
	}
	b = append(b, 1)
	b = binary.BigEndian.AppendUint32(b, rb.Newest)
	b = binary.BigEndian.AppendUint16(b, uint16(len(rb.Offs)))
	for _, off := range rb.Offs {
		b = binary.BigEndian.AppendUint64(b, uint64(off))
	}
	return b
}

// splitBound reads the bound at the start of body (after the position hint): the bound, or nil
// for none, the rest of the body, and false when it is malformed.
func splitBound(body []byte) (*RacyBound, []byte, bool) {
	if len(body) < 1 {
		return nil, nil, false
	}
	if body[0] == 0 {
		return nil, body[1:], true
	}
	if body[0] != 1 || len(body) < 7 {
		return nil, nil, false
	}
	rb := &RacyBound{Newest: binary.BigEndian.Uint32(body[1:])}
	n := int(binary.BigEndian.Uint16(body[5:]))
	body = body[7:]
	if n > maxBoundOffs || len(body) < 8*n {
		return nil, nil, false
	}
	for i := range n {
		rb.Offs = append(rb.Offs, int(binary.BigEndian.Uint64(body[8*i:])))
	}
	return rb, body[8*n:], true
}

// readBound is the bound the index-sha1 file at path keeps for the index whose content is data.
func readBound(path string, data []byte) *RacyBound {
	if int64(len(data)) < 2*hashCheckpoint {
		return nil // no file is kept for a small index (writeHashes)
	}
	body, ok := readHashesFile(path, data)
	if ok {
		body, ok = skipHint(body)
	}
	if !ok {
		return nil
	}
	rb, _, _ := splitBound(body)
	return rb
}
