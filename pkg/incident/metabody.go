package incident

import (
	"bytes"
	"slices"
	"strings"
)

// metaBodyOK reports, for ParseMeta, that reading the body would find no error, without reading
// its blocks: in a listing's documents the body (the log above all) is most of the bytes, and
// all ParseMeta needs from it is that it has no section twice and none missing (parseBody's
// only errors once the action list and the log are left out).
//
// It looks at the first characters of each line only. A top-level section heading is a line
// "## Name" at column 0, and such a line is a heading whatever precedes it, with two
// exceptions: a fenced code block or an HTML block opened at the top level (a line starting,
// after at most three spaces, with '`', '~' or '<'), which may run on over it. Inside a list
// item or a block quote it closes them (it is no lazy continuation: a heading interrupts a
// paragraph), and an indented code block ends before it. Headings indented by one to three
// spaces are headings too. So the answer is true only when no line starts, after at most three
// spaces, with '`', '~' or '<', no line starts with one to three spaces and '#', no "##" line
// has a closing sequence, the body has no tab, CR, VT or FF (as scanBody), and the column-0
// level-2 headings name each section once. Anything else gives false, and parseBody decides
// (FuzzMetaBody holds true to mean parseBody, with goldmark's full parser too, succeeds).
//
// from is the offset of the body in src; lines is src's line index.
func metaBodyOK(src []byte, from int, lines lineIndex) bool {
	body := src[from:]
	for _, c := range []byte{'\t', '\r', '\v', '\f'} {
		if bytes.IndexByte(body, c) >= 0 {
			return false
		}
	}
	var buf [4]string
	seen := buf[:0] // the sections found
	if from < len(src) {
		for n := lines.lineOf(from); n <= lines.count(); n++ {
			start := lines.start(n)
			end := lines.start(n + 1)
			if end > start && src[end-1] == '\n' {
				end--
			}
			line := src[start:end]
			w := 0
			for w < len(line) && w < 4 && line[w] == ' ' {
				w++
			}
			if w == len(line) || w == 4 {
				continue // blank, or indented by four or more: no top-level block starts here
			}
			switch line[w] {
			case '`', '~', '<':
				return false // maybe a fence or an HTML block
			case '#':
				if w > 0 {
					return false // an indented heading: at the top level or in a list item
				}
			default:
				continue
			}
			if len(line) < 2 || line[1] != '#' || len(line) > 2 && line[2] == '#' {
				continue // not level 2: no section (level 1 is the title, levels 3-6 nest)
			}
			switch classify(string(line)) {
			case lineOther:
				return false // a closing sequence
			case lineText:
				continue // "##x": paragraph text
			}
			name, _ := headingLang(strings.TrimSpace(string(line[2:])))
			if name == "" {
				continue
			}
			if slices.Contains(seen, name) {
				return false // a section twice: parseBody reports it
			}
			seen = append(seen, name)
		}
	}
	for _, s := range Sections {
		if !slices.Contains(seen, s) {
			return false // parseBody reports it
		}
	}
	return true
}
