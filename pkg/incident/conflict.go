package incident

import "bytes"

// A clone without the incidentctl merge driver lets git fall back to a text merge, which
// leaves conflict markers in the file. A document holding them is not a record: the parser
// refuses it (rule conflict-marker), so no command reads it, builds on it or shares it.

// ConflictMarkerLine returns the 1-based line of the first git conflict marker in src: a line
// starting with <<<<<<<, >>>>>>> or ||||||| (then a space or the end of the line); 0 when there
// is none. (A ======= line alone is a Markdown heading underline; in a conflict it follows a
// <<<<<<< line, which is found first.)
func ConflictMarkerLine(src []byte) int {
	off := conflictMarkerAt(src)
	if off < 0 {
		return 0
	}
	return bytes.Count(src[:off], []byte{'\n'}) + 1
}

func conflictMarkerAt(src []byte) int {
	first := -1
	for _, m := range [][]byte{[]byte("<<<<<<<"), []byte(">>>>>>>"), []byte("|||||||")} {
		for from := 0; ; {
			i := bytes.Index(src[from:], m)
			if i < 0 {
				break
			}
			at := from + i
			from = at + len(m)
			if (at == 0 || src[at-1] == '\n') && markerEnds(src, at+len(m)) {
				if first < 0 || at < first {
					first = at
				}
				break
			}
		}
	}
	return first
}

// markerEnds: a marker is followed by a space (and a label), or ends its line.
func markerEnds(src []byte, i int) bool {
	return i == len(src) || src[i] == ' ' || src[i] == '\n' || src[i] == '\r'
}

// conflictMarkerLine is conflictMarkerAt for a source whose line index is built: the same
// offset, found by looking at the start of each line only.
func conflictMarkerLine(src []byte, lines lineIndex) int {
	for _, at := range lines.starts {
		if len(src)-at < 7 {
			continue
		}
		switch src[at] {
		case '<', '>', '|':
			if m := src[at : at+7]; (string(m) == "<<<<<<<" || string(m) == ">>>>>>>" || string(m) == "|||||||") && markerEnds(src, at+7) {
				return at
			}
		}
	}
	return -1
}
