package workspace

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"io"
)

// The element cache's lines: an element of list --json is ~10 KB of indented JSON, and most
// of its lines are the same in every incident (the action list's items, the keys of empty
// fields, the punctuation of the nesting): 100,000 elements were 980 MB on disk. So each cache
// file has a dictionary of lines (elemDict), taken from the first elements it was written
// with, and an element is stored as a sequence of tokens, each a varint: 2·i+1 for line i of
// the dictionary, 2·n for n bytes written as they are, which follow. A line is the bytes up to
// and including a newline (or the element's last bytes). Decoding is copying lines, a fraction
// of what reading the bytes it spares from the disk costs. A line that is not in the
// dictionary may still have its start there: up to a key's end (`": `), as in
// `        "at": ` before a time (splitLine). A file written afresh from an old one keeps the
// old one's dictionary, so that the elements it copies stay as they are.

// elemDict is a cache file's dictionary of lines.
type elemDict struct {
	lines [][]byte
	index map[string]uint32
	enc   []byte // the dictionary as the index section holds it
	max   int    // the longest line's length
}

// splitWithin is how far into a line splitLine looks for a key's end: keys are short, and
// the lines that go on are a document's texts.
const splitWithin = 64

const (
	maxDictLines = 1 << 16
	maxDictBytes = 1 << 20
	minDictLine  = 4 // a shorter line costs as much as its token
)

func newElemDict(lines [][]byte) *elemDict {
	d := &elemDict{index: make(map[string]uint32, len(lines))}
	d.enc = binary.AppendUvarint(nil, uint64(len(lines)))
	for _, l := range lines {
		d.index[string(l)] = uint32(len(d.lines))
		d.lines = append(d.lines, l)
		d.max = max(d.max, len(l))
		d.enc = binary.AppendUvarint(d.enc, uint64(len(l)))
		d.enc = append(d.enc, l...)
	}
	return d
}

// eachLine calls fn with every line of b (each with its newline, the last one without if b
// does not end in one).
func eachLine(b []byte, fn func(line []byte)) {
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			fn(b)
			return
		}
		fn(b[:i+1])
		b = b[i+1:]
	}
}

// splitLine splits a line after its first `": ` (the end of a JSON key), if it has one within
// its first splitWithin bytes.
func splitLine(l []byte) (head, rest []byte, ok bool) {
	i := bytes.Index(l[:min(len(l), splitWithin)], []byte(`": `))
	if i < 0 {
		return nil, nil, false
	}
	return l[:i+3], l[i+3:], true
}

// buildElemDict makes a dictionary of the lines that occur at least min times in the samples,
// and of the two parts (splitLine) of the other lines that do, in the order they first occur,
// within maxDictLines and maxDictBytes.
func buildElemDict(samples [][]byte, min int) *elemDict {
	counts := map[string]int{}
	var order []string
	count := func(l []byte) {
		if len(l) < minDictLine {
			return
		}
		n, ok := counts[string(l)]
		if !ok {
			order = append(order, string(l))
		}
		counts[string(l)] = n + 1
	}
	for _, s := range samples {
		eachLine(s, count)
	}
	for _, s := range samples {
		eachLine(s, func(l []byte) {
			if counts[string(l)] >= min {
				return
			}
			if head, rest, ok := splitLine(l); ok {
				count(head)
				count(rest)
			}
		})
	}
	var lines [][]byte
	size := 0
	for _, l := range order {
		if counts[l] < min {
			continue
		}
		if len(lines) == maxDictLines || size+len(l) > maxDictBytes {
			break
		}
		lines = append(lines, []byte(l))
		size += len(l)
	}
	return newElemDict(lines)
}

// readElemDict reads a dictionary as newElemDict encodes it, and returns it with the bytes
// it took.
func readElemDict(r io.ByteReader, limit int64) (*elemDict, int64, bool) {
	var used int64
	num := func() (uint64, bool) {
		var v uint64
		for shift := uint(0); shift < 64; shift += 7 {
			c, err := r.ReadByte()
			if err != nil {
				return 0, false
			}
			used++
			v |= uint64(c&0x7f) << shift
			if c < 0x80 {
				return v, true
			}
		}
		return 0, false
	}
	n, ok := num()
	if !ok || n > maxDictLines {
		return nil, 0, false
	}
	lines := make([][]byte, 0, n)
	size := 0
	for range n {
		k, ok := num()
		if !ok || k > maxDictBytes || size+int(k) > maxDictBytes || used+int64(k) > limit {
			return nil, 0, false
		}
		l := make([]byte, k)
		for i := range l {
			c, err := r.ReadByte()
			if err != nil {
				return nil, 0, false
			}
			l[i] = c
		}
		used += int64(k)
		size += int(k)
		lines = append(lines, l)
	}
	if used > limit {
		return nil, 0, false
	}
	return newElemDict(lines), used, true
}

// sum is the CRC-32 of the dictionary's encoding (the start of the index's checksum).
func (d *elemDict) sum() uint32 { return crc32.ChecksumIEEE(d.enc) }

// encode appends the tokens of element b to dst.
func (d *elemDict) encode(dst, b []byte) []byte {
	lit := 0 // where the bytes not yet written began
	pos := 0
	flush := func(end int) {
		if end > lit {
			dst = binary.AppendUvarint(dst, uint64(end-lit)<<1)
			dst = append(dst, b[lit:end]...)
		}
	}
	find := func(piece []byte) (uint32, bool) {
		if len(piece) < minDictLine || len(piece) > d.max {
			return 0, false
		}
		i, ok := d.index[string(piece)]
		return i, ok
	}
	// ref writes dictionary line i for the piece of b at pos.
	ref := func(i uint32, piece int) {
		flush(pos)
		dst = binary.AppendUvarint(dst, uint64(i)<<1|1)
		lit = pos + piece
	}
	eachLine(b, func(l []byte) {
		if len(d.lines) == 0 {
			pos += len(l)
			return
		}
		if i, ok := find(l); ok {
			ref(i, len(l))
		} else if head, rest, ok := splitLine(l); ok {
			if i, ok := find(head); ok {
				ref(i, len(head))
				pos += len(head)
				if i, ok := find(rest); ok {
					ref(i, len(rest))
				}
				pos += len(rest)
				return
			}
		}
		pos += len(l)
	})
	flush(pos)
	return dst
}

// decode appends the element whose tokens are src to dst.
func (d *elemDict) decode(dst, src []byte) ([]byte, error) {
	var lines [][]byte
	if d != nil {
		lines = d.lines
	}
	for len(src) > 0 {
		v, k := binary.Uvarint(src)
		if k <= 0 {
			return nil, errElemDamaged
		}
		src = src[k:]
		if v&1 == 1 {
			i := v >> 1
			if i >= uint64(len(lines)) {
				return nil, errElemDamaged
			}
			dst = append(dst, lines[i]...)
			continue
		}
		n := v >> 1
		if n == 0 || n > uint64(len(src)) {
			return nil, errElemDamaged
		}
		dst = append(dst, src[:n]...)
		src = src[n:]
	}
	return dst, nil
}
