package secret

import (
	"bytes"
	"math/bits"
	"strings"
	"sync"
)

// Go's regular expressions cost about a microsecond per byte here, and a word like "auth" in a
// service name would otherwise cost milliseconds per document: each detector's expression runs
// only over the lines around its anchors (see windows), and one pass over the bytes finds the
// anchors.

// anchors groups the anchors by their first two bytes, lower-cased: one list per pair, at
// most 64 lists, so that a list is a bit of a uint64. Three tables of 256 masks say, for each
// byte, which lists can have it first, second and third (an exact anchor sets only its own
// case, an anchor ignoring case both; an anchor of two bytes lets any third byte through). At
// each offset of the text, first[b0] & second[b1] & third[b2] is the lists that may start
// there: three loads from tables that stay in the L1 cache reject almost every offset, and
// the few left are compared with the list's anchors. Built on the first scan: most commands
// scan nothing.
var anchors = sync.OnceValue(func() *anchorTable {
	t := new(anchorTable)
	byPair := map[[2]byte]int{}
	for i, d := range detectors {
		for _, a := range d.anchors {
			if d.lower {
				a = strings.ToLower(a)
			}
			k := [2]byte{lowerASCII(a[0]), lowerASCII(a[1])}
			l, ok := byPair[k]
			if !ok {
				l = len(t.lists)
				byPair[k] = l
				t.lists = append(t.lists, nil)
			}
			t.lists[l] = append(t.lists[l], anchorRef{a, i, d.lower})
			bit := uint64(1) << l
			for pos, tab := range []*[256]uint64{&t.first, &t.second, &t.third} {
				if pos == 2 && len(a) == 2 {
					for c := range tab {
						tab[c] |= bit
					}
					continue
				}
				c := a[pos]
				tab[c] |= bit
				if d.lower {
					tab[upperASCII(c)] |= bit
				}
			}
		}
	}
	if len(detectors) > maxDetectors || len(t.lists) > 64 {
		panic("secret: too many detectors or anchors for the tables")
	}
	return t
})

// anchorTable is the table of anchors (see anchors).
type anchorTable struct {
	first, second, third [256]uint64 // per byte, the lists whose anchors can have it there
	lists                [][]anchorRef
}

const maxDetectors = 64

type anchorRef struct {
	text     string
	detector int
	fold     bool // ignoring ASCII case (text is lower case)
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func upperASCII(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - ('a' - 'A')
	}
	return c
}

// anchorsAt returns, per detector, the offsets where one of its anchors starts in src, in order
// (an offset once when several of its anchors start there).
func anchorsAt(src []byte) (at [maxDetectors][]int) {
	if len(src) < 2 {
		return at
	}
	tab := anchors()
	// try compares the anchors of the lists in m with the text at i.
	try := func(m uint64, i int) {
		for ; m != 0; m &= m - 1 {
			for _, a := range tab.lists[bits.TrailingZeros64(m)] {
				if a.fold && len(src)-i >= len(a.text) && equalFoldASCII(src[i:i+len(a.text)], a.text) ||
					!a.fold && bytes.HasPrefix(src[i:], []byte(a.text)) {
					if n := len(at[a.detector]); n == 0 || at[a.detector][n-1] != i {
						at[a.detector] = append(at[a.detector], i)
					}
				}
			}
		}
	}
	// Eight offsets at a time, without a branch: first & second & third of each, ORed. Almost
	// every block gives 0 (0.2% of offsets in incident documents have a list left); a block
	// that does not is looked at offset by offset.
	i := 0
	for ; i+10 <= len(src); i += 8 {
		b := src[i : i+10 : i+10]
		f, s, t := &tab.first, &tab.second, &tab.third
		acc := f[b[0]]&s[b[1]]&t[b[2]] | f[b[1]]&s[b[2]]&t[b[3]] | f[b[2]]&s[b[3]]&t[b[4]] | f[b[3]]&s[b[4]]&t[b[5]] |
			f[b[4]]&s[b[5]]&t[b[6]] | f[b[5]]&s[b[6]]&t[b[7]] | f[b[6]]&s[b[7]]&t[b[8]] | f[b[7]]&s[b[8]]&t[b[9]]
		if acc == 0 {
			continue
		}
		for k := range 8 {
			if m := f[b[k]] & s[b[k+1]] & t[b[k+2]]; m != 0 {
				try(m, i+k)
			}
		}
	}
	for ; i+1 < len(src); i++ {
		m := tab.first[src[i]] & tab.second[src[i+1]]
		if i+2 < len(src) { // the last pair has no third byte
			m &= tab.third[src[i+2]]
		}
		if m != 0 {
			try(m, i)
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
	d := &detectors[i]
	if s.whole {
		return compiled(i).FindAllSubmatchIndex(src, -1)
	}
	var out [][]int
	for _, w := range d.windows(src, anchorsAt) {
		re := compiled(i) // only a detector with a window to run over is compiled
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
