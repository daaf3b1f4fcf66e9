package incident

import "bytes"

// lineIndex maps byte offsets to 1-based line numbers and back.
type lineIndex struct {
	starts []int // start offset of each line
	size   int   // length of the source
}

func newLineIndex(src []byte) lineIndex { return lineIndexInto(nil, src) }

// lineIndexInto is newLineIndex in buf's memory when it is large enough.
func lineIndexInto(buf []int, src []byte) lineIndex {
	n := bytes.Count(src, []byte{'\n'}) + 1
	starts := buf[:0]
	if cap(starts) < n {
		starts = make([]int, 0, n) // one allocation, of the right size
	}
	starts = append(starts, 0)
	for i := 0; ; {
		k := bytes.IndexByte(src[i:], '\n')
		if k < 0 || i+k+1 == len(src) {
			break
		}
		i += k + 1
		starts = append(starts, i)
	}
	return lineIndex{starts: starts, size: len(src)}
}

func (l lineIndex) count() int { return len(l.starts) }

// start returns the offset of line n (1-based); any line past the last gives the end of the file.
func (l lineIndex) start(n int) int {
	if n-1 < len(l.starts) {
		return l.starts[max(n-1, 0)]
	}
	return l.size
}

// lineOf returns the 1-based line holding offset off.
func (l lineIndex) lineOf(off int) int {
	// The number of lines starting at or before off (sort.Search, without the closure).
	lo, hi := 0, len(l.starts)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if l.starts[m] > off {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo
}

// col returns the 1-based column (in bytes) of offset off.
func (l lineIndex) col(off int) int { return off - l.start(l.lineOf(off)) + 1 }

// lineBytes returns line n including its newline.
func (l lineIndex) lineBytes(src []byte, n int) []byte {
	if n < 1 || n > len(l.starts) {
		return nil
	}
	return src[l.start(n):l.start(n+1)]
}
