package secret

import (
	"bytes"
	"strings"
	"sync"
)

// Go's regular expressions cost about a microsecond per byte here, and a word like "auth" in a
// service name would otherwise cost milliseconds per document: each detector's expression runs
// only over the lines around its anchors (see windows), and one pass over the bytes finds the
// anchors.

// anchors maps the first two bytes of every anchor, lower-cased, to the anchors starting with
// them: one table lookup per byte finds them all in one pass. An exact anchor can only start
// where the lower-cased pair is its own lower-cased pair, so one table serves both kinds.
// Built on the first scan: most commands scan nothing, and the table is 64 KiB.
var anchors = sync.OnceValue(func() *anchorTable {
	t := new(anchorTable)
	for i, d := range detectors {
		for _, a := range d.anchors {
			if d.lower {
				a = strings.ToLower(a)
			}
			k := uint16(lowerASCII(a[0]))<<8 | uint16(lowerASCII(a[1]))
			if t.byPair[k] == 0 {
				t.lists = append(t.lists, nil)
				t.third = append(t.third, [4]uint64{})
				t.byPair[k] = uint8(len(t.lists))
			}
			l := t.byPair[k] - 1
			t.lists[l] = append(t.lists[l], anchorRef{a, i, d.lower})
			if len(a) == 2 {
				t.third[l] = [4]uint64{^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0)}
			} else {
				c := lowerASCII(a[2])
				t.third[l][c>>6] |= 1 << (c & 63)
			}
		}
	}
	if len(detectors) > maxDetectors || len(t.lists) > 255 {
		panic("secret: too many detectors or anchors for the tables")
	}
	return t
})

// anchorTable is the table of anchors (see anchors).
type anchorTable struct {
	byPair [1 << 16]uint8 // 1 + index into lists; 0 for none
	lists  [][]anchorRef
	// third holds, per list, the lower-cased third bytes its anchors can have (all of them
	// for an anchor of two bytes): most pairs of letters that start an anchor somewhere
	// ("ke", "au", "to") are followed by something else.
	third [][4]uint64
}

const maxDetectors = 64

type anchorRef struct {
	text     string
	detector int
	fold     bool // ignoring ASCII case (text is lower case)
}

// lowerTable is lowerASCII for every byte.
var lowerTable = func() (t [256]byte) {
	for i := range t {
		t[i] = lowerASCII(byte(i))
	}
	return t
}()

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// anchorsAt returns, per detector, the offsets where one of its anchors starts in src, in order
// (an offset once when several of its anchors start there).
func anchorsAt(src []byte) (at [maxDetectors][]int) {
	note := func(d, i int) {
		if n := len(at[d]); n == 0 || at[d][n-1] != i {
			at[d] = append(at[d], i)
		}
	}
	if len(src) < 2 {
		return at
	}
	tab := anchors()
	k := uint16(lowerTable[src[0]])
	for i := 0; i+1 < len(src); i++ {
		k = k<<8 | uint16(lowerTable[src[i+1]]) // the pair at i, lower-cased
		n := tab.byPair[k]
		if n == 0 {
			continue
		}
		if i+2 < len(src) {
			if c := lowerTable[src[i+2]]; tab.third[n-1][c>>6]&(1<<(c&63)) == 0 {
				continue
			}
		}
		for _, a := range tab.lists[n-1] {
			if a.fold && len(src)-i >= len(a.text) && equalFoldASCII(src[i:i+len(a.text)], a.text) ||
				!a.fold && bytes.HasPrefix(src[i:], []byte(a.text)) {
				note(a.detector, i)
			}
		}
	}
	return at
}

func equalFoldASCII(b []byte, lower string) bool {
	for i := range b {
		if lowerASCII(b[i]) != lower[i] {
			return false
		}
	}
	return true
}

// matches returns what FindAllSubmatchIndex returns over the whole of src, running the
// expression only over the windows that can hold a match. This gives the same matches: every
// match starts on a line with one of the detector's anchors and ends within its window; each
// window starts at a line start, where \b sees the same non-word '\n' before it as at the
// start of a text, and ends after a '\n' (or at the end of src), which no match ends with; so
// a match found in a window is found in the whole text and the other way round, in order.
// TestWindows and FuzzWindows compare the two.
func (s *Scanner) matches(i int, src []byte, anchorsAt []int) [][]int {
	d, re := &detectors[i], compiled()[i]
	if s.whole {
		return re.FindAllSubmatchIndex(src, -1)
	}
	var out [][]int
	for _, w := range d.windows(src, anchorsAt) {
		for _, m := range re.FindAllSubmatchIndex(src[w[0]:w[1]], -1) {
			for i := range m {
				if m[i] >= 0 {
					m[i] += w[0]
				}
			}
			out = append(out, m)
		}
	}
	return out
}

// windows returns, in order and merged where they overlap or touch, the stretches of src from
// the start of each line holding one of d's anchors (at their offsets, in order) to the end of
// that line, or of the d.reach-th non-blank line after it.
func (d *detector) windows(src []byte, anchorsAt []int) [][2]int {
	var ws [][2]int
	for _, at := range anchorsAt {
		if n := len(ws); n > 0 && at < ws[n-1][1] && d.reach == 0 {
			continue // on a line already in the last window, which it would only repeat
		}
		if d.near != nil && !d.near(src, at) {
			continue
		}
		start := bytes.LastIndexByte(src[:at], '\n') + 1
		end := lineEnd(src, at)
		for n := 0; n < d.reach && end < len(src); {
			next := lineEnd(src, end)
			if !blank(src[end:next]) {
				n++
			}
			end = next
		}
		if n := len(ws); n > 0 && start <= ws[n-1][1] {
			ws[n-1][1] = max(ws[n-1][1], end)
			continue
		}
		ws = append(ws, [2]int{start, end})
	}
	return ws
}

// lineEnd returns the offset just after the '\n' ending the line holding off (or len(src)).
func lineEnd(src []byte, off int) int {
	if i := bytes.IndexByte(src[off:], '\n'); i >= 0 {
		return off + i + 1
	}
	return len(src)
}

// blank reports whether a line holds only what \s matches (space, \t, \n, \f, \r).
func blank(line []byte) bool {
	for _, c := range line {
		if c != ' ' && c != '\t' && c != '\n' && c != '\f' && c != '\r' {
			return false
		}
	}
	return true
}
