package secret

import "bytes"

// A credential pasted from a narrow terminal, or hard-wrapped by an editor, arrives broken over
// lines: "AKIAQX7TEST\n  ONLY2N4WZ". splits joins a line with the next where the break falls
// between two runs of credential characters (at least one of them with a digit or a capital
// letter), and scans the joined text; what it finds across the break is reported at its place
// in the original text. A run that fills its whole line chains on to the next line (a token
// wrapped several times).

// Thresholds for a line break that may cut a credential: each side's run of credential
// characters, and the two together.
const (
	minSplitSide  = 3
	minSplitTotal = 16
	maxSplitLines = 8
)

// tokenByte: c is a credential character (a letter, a digit or one of + / = _ - .). It runs
// over the end of every line of every document: a bit in one of two constant masks, with no
// comparison chain.
func tokenByte(c byte) bool {
	m := uint64(tokenLow)
	if c >= 64 {
		m = tokenHigh
	}
	return c < 128 && m>>(c&63)&1 != 0
}

// The credential characters below 64 (digits, + / = - .) and from 64 to 127 (letters, _).
const (
	tokenLow  = 0x3ff<<'0' | 1<<'+' | 1<<'/' | 1<<'=' | 1<<'-' | 1<<'.'
	tokenHigh = 0x3ffffff<<('A'-64) | 0x3ffffff<<('a'-64) | 1<<('_'-64)
)

// mixed: a run of credential characters that is not a plain lower-case word.
func mixed(b []byte) bool {
	for _, c := range b {
		if c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' {
			return true
		}
	}
	return false
}

// segment maps joined[joined:joined+n] to src[orig:orig+n].
type segment struct{ joined, orig, n int }

// continuation returns, for the line break at nl, the start and end of the run of credential
// characters that begins the next line after its indentation, and where that line ends
// (before "\r\n" or "\n").
func continuation(src []byte, nl int) (hs, he, le int) {
	hs, he = head(src, nl)
	return hs, he, contEnd(src, hs)
}

// head is continuation without the line's end, which most line breaks need not look for.
func head(src []byte, nl int) (hs, he int) {
	hs = nl + 1
	for hs < len(src) && (src[hs] == ' ' || src[hs] == '\t') {
		hs++
	}
	he = hs
	for he < len(src) && tokenByte(src[he]) {
		he++
	}
	return hs, he
}

// contEnd is where the line holding hs ends, before "\r\n" or "\n" (never before hs).
func contEnd(src []byte, hs int) int {
	le := len(src)
	if i := bytes.IndexByte(src[hs:], '\n'); i >= 0 {
		le = hs + i
	}
	if le > hs && src[le-1] == '\r' {
		le--
	}
	return le
}

func (s *Scanner) splits(src []byte) []hit {
	var out []hit
	var joined []byte
	var segs []segment
	var joins []int
	for off := 0; off < len(src); {
		i := bytes.IndexByte(src[off:], '\n')
		if i < 0 {
			break
		}
		nl := off + i
		off = nl + 1
		// The next line's head first: most lines start with a list marker, a table's '|' or
		// nothing (a blank line), which rules the break out after a byte or two, while the
		// run ending this line can be a long word.
		hs, he := head(src, nl)
		if he-hs < minSplitSide {
			continue
		}
		tailEnd := nl
		if tailEnd > 0 && src[tailEnd-1] == '\r' {
			tailEnd--
		}
		tailStart := tailEnd
		for tailStart > 0 && tokenByte(src[tailStart-1]) {
			tailStart--
		}
		if tailEnd-tailStart < minSplitSide {
			continue // most lines end in punctuation or a short word
		}
		if !mixed(src[tailStart:tailEnd]) && !mixed(src[hs:he]) {
			continue
		}
		le := contEnd(src, hs)
		tail := src[tailStart:tailEnd]
		ls := bytes.LastIndexByte(src[:nl], '\n') + 1
		joined = append(joined[:0], src[ls:tailEnd]...)
		segs = append(segs[:0], segment{0, ls, tailEnd - ls})
		joins = joins[:0]
		run := len(tail)
		for k := 0; ; k++ {
			joins = append(joins, len(joined))
			segs = append(segs, segment{len(joined), hs, le - hs})
			joined = append(joined, src[hs:le]...)
			run += he - hs
			if k+2 >= maxSplitLines || he != le || le >= len(src) {
				break
			}
			// The whole line is one run: it may go on in the next line.
			next := le
			if src[next] == '\r' {
				next++
			}
			if next >= len(src) || src[next] != '\n' {
				break
			}
			h2, e2, l2 := continuation(src, next)
			if e2-h2 < minSplitSide {
				break
			}
			hs, he, le = h2, e2, l2
		}
		if run < minSplitTotal {
			continue
		}
		crosses := func(start, end int) bool {
			for _, j := range joins {
				if start < j && j < end {
					return true
				}
			}
			return false
		}
		for _, h := range s.scan(joined, crosses) {
			h.Start, h.End = origStart(segs, h.Start), origEnd(segs, h.End)
			if overlaps(out, h.Start, h.End) {
				continue // found from an earlier break of the same chain
			}
			h.Split = true
			out = append(out, h)
		}
	}
	return out
}

func overlaps(hs []hit, start, end int) bool {
	for _, h := range hs {
		if start < h.End && h.Start < end {
			return true
		}
	}
	return false
}

// origStart maps an offset in the joined text where a span starts to the original text.
func origStart(segs []segment, o int) int {
	for _, s := range segs {
		if o >= s.joined && o < s.joined+s.n {
			return s.orig + o - s.joined
		}
	}
	last := segs[len(segs)-1]
	return last.orig + last.n
}

// origEnd maps an offset in the joined text where a span ends to the original text.
func origEnd(segs []segment, o int) int {
	for _, s := range segs {
		if o > s.joined && o <= s.joined+s.n {
			return s.orig + o - s.joined
		}
	}
	return segs[0].orig
}
