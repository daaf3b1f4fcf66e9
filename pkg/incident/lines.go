package incident

import "sort"

// lineIndex maps byte offsets to 1-based line numbers and back.
type lineIndex struct {
	starts []int // start offset of each line
	size   int   // length of the source
}

func newLineIndex(src []byte) lineIndex {
	starts := make([]int, 1, len(src)/40+1)
	for i, c := range src {
		if c == '\n' && i+1 < len(src) {
			starts = append(starts, i+1)
		}
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
	return sort.Search(len(l.starts), func(i int) bool { return l.starts[i] > off })
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
