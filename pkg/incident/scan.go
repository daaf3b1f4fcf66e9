package incident

import (
	"slices"
	"strings"
)

// scanBody reads the block structure of the body line by line, for the Markdown incident
// documents use: ATX headings, blank lines, paragraphs, tables, and "-"/"*" list items with
// their check boxes, continuation lines, lazy continuation lines and nested lists. It returns
// false as soon as the body uses anything else that could change the block structure (code,
// HTML blocks, block quotes, setext headings, thematic breaks, ordered or "+" lists, link
// reference definitions, tabs, unusual indentation ...): goldmark reads those bodies. Where it
// returns true, it finds exactly what goldmarkBlocks finds (FuzzBodyScanner), at a fraction of
// the cost: incident documents are read by the thousand.
//
// body is the file from offset base on; positions in bb are offsets in the file. starts, when
// not nil, are the start offsets of the file's lines (its lineIndex), which spare finding
// the ends of the body's lines again.
func scanBody(body string, base int, bb *bodyBlocks, starts []int) bool {
	// Carriage returns, tabs, vertical tabs and form feeds change indentation and white space
	// rules in ways not worth following; documents the CLI writes have none.
	for _, c := range []byte{'\t', '\r', '\v', '\f'} {
		if strings.IndexByte(body, c) >= 0 { // four vectorised passes cost less than one ContainsAny
			return false
		}
	}
	s := scanner{body: body, base: base, bb: bb, lines: bb.lines[:0]}
	defer func() { bb.lines = s.lines }()
	if starts != nil {
		// The file's line index has found every line already: the lines of the body are
		// those that start at base or later.
		k, found := slices.BinarySearch(starts, base)
		if !found && base < base+len(body) {
			starts = nil // the body does not start a line (never, for what splitFrontMatter gives)
		} else {
			for ; k < len(starts); k++ {
				pos, next := starts[k]-base, len(body)
				if k+1 < len(starts) {
					next = starts[k+1] - base
				}
				end := next
				if end > pos && body[end-1] == '\n' {
					end--
				}
				if !s.line(pos, body[pos:end]) {
					return false
				}
			}
		}
	}
	if starts == nil {
		for pos := 0; pos < len(body); {
			end := strings.IndexByte(body[pos:], '\n')
			next := pos + end + 1
			if end < 0 {
				end, next = len(body)-pos, len(body)
			}
			if !s.line(pos, body[pos:pos+end]) {
				return false
			}
			pos = next
		}
	}
	s.closePara()
	return true
}

// maxDepth is how deeply nested list items may be; deeper ones go to goldmark.
const maxDepth = 8

type scanner struct {
	body string
	base int
	bb   *bodyBlocks

	// The open list items, outermost first; an item's content starts at column content
	// (every item here is "- " or "* " at its parent's content column).
	items [maxDepth]struct {
		content int
	}
	depth     int
	topBullet byte // the bullet of the open top-level list, 0 when none is open

	// The open paragraph, if any: it is in the innermost open item (depth paraDepth).
	para      bool
	paraDepth int
	paraStart int    // offset of its first line in body
	lines     []span // its lines (offsets in body), without indentation or newline
	task      task   // when isTask: the item it is the first block of
	isTask    bool
}

// line reads one line; start is its offset in the body, text the line without its newline.
func (s *scanner) line(start int, text string) bool {
	w := 0
	for w < len(text) && text[w] == ' ' {
		w++
	}
	if w == len(text) { // blank: ends a paragraph, list items stay open
		s.closePara()
		return true
	}
	rest := text[w:]
	// The items the line continues: those whose content column it reaches.
	j := 0
	for j < s.depth && s.items[j].content <= w {
		j++
	}
	col := 0
	if j > 0 {
		col = s.items[j-1].content
	}
	r := w - col // indentation relative to the innermost continued item
	if r >= 4 {
		return false // indented code, or a continuation line goldmark may read either way
	}
	switch classify(rest) {
	case lineHeading:
		if j != 0 || r != 0 {
			return false // a heading in a list item, or indented
		}
		s.closePara()
		s.depth, s.topBullet = 0, 0
		n := 0
		for n < len(rest) && rest[n] == '#' {
			n++
		}
		s.bb.blocks = append(s.bb.blocks, block{start: s.base + start, kind: blockHeading, level: n, text: strings.TrimSpace(rest[n:])})
		return true
	case lineItem:
		if r != 0 || j == maxDepth {
			return false
		}
		content := rest[2:]
		if content[0] == ' ' || classify(content) != lineText {
			return false // wider indentation of the content, or an item starting with another block
		}
		s.closePara()
		if j == 0 {
			if s.topBullet != rest[0] {
				s.bb.blocks = append(s.bb.blocks, block{start: s.base + start, kind: blockList,
					items: span{len(s.bb.items), len(s.bb.items)}, tasks: span{len(s.bb.tasks), len(s.bb.tasks)}})
				s.topBullet = rest[0]
			}
			s.bb.items = append(s.bb.items, s.base+start)
			s.bb.blocks[len(s.bb.blocks)-1].items.end = len(s.bb.items)
		}
		s.depth = j + 1
		s.items[j].content = w + 2
		cstart := start + w + 2
		s.openPara(start, cstart, content, s.depth)
		if content[0] == '[' {
			// "[ ]", "[x]" or "[X]" is a check box (goldmark's `^\[([\sxX])\]\s*`, with the
			// white space other than ' ' already excluded); anything else starting with '['
			// might be a link reference definition.
			if len(content) < 3 || content[2] != ']' || !(content[1] == ' ' || content[1] == 'x' || content[1] == 'X') ||
				len(content) > 3 && content[3] == ':' {
				return false
			}
			s.isTask = true
			s.task = task{box: s.base + cstart, checked: content[1] != ' '}
		}
		return true
	case lineText:
		if s.para {
			// A continuation line, possibly a lazy one (less indented than the item it
			// continues). A table delimiter row inside a list item would turn the item's
			// lines into a table: goldmark decides those.
			if s.paraDepth > 0 && isTableDelim(rest) {
				return false
			}
			s.lines = append(s.lines, span{start + w, start + len(text)})
			return true
		}
		if rest[0] == '[' {
			return false // maybe a link reference definition
		}
		// A new paragraph in the innermost item the line continues: deeper items end.
		if j == 0 {
			s.topBullet = 0
		}
		s.depth = j
		s.openPara(start, start+w, rest, j)
		return true
	}
	return false
}

func (s *scanner) openPara(lineStart, textStart int, text string, depth int) {
	s.para, s.paraDepth, s.paraStart, s.isTask = true, depth, lineStart, false
	s.lines = append(s.lines[:0], span{textStart, textStart + len(text)})
}

// closePara ends the open paragraph: a top-level one becomes a block (or a table, or both), a
// task item's first one gives the task its text.
func (s *scanner) closePara() {
	if !s.para {
		return
	}
	s.para = false
	if s.isTask {
		t := s.task
		if len(s.lines) == 1 {
			t.raw = strings.TrimSpace(s.body[s.lines[0].start:s.lines[0].end])
		} else {
			var b strings.Builder
			for _, l := range s.lines {
				b.WriteString(strings.TrimSpace(s.body[l.start:l.end]))
				b.WriteByte(' ')
			}
			t.raw = strings.TrimSpace(b.String())
		}
		s.bb.tasks = append(s.bb.tasks, t)
		if s.paraDepth > 0 && len(s.bb.blocks) > 0 {
			s.bb.blocks[len(s.bb.blocks)-1].tasks.end = len(s.bb.tasks)
		}
	}
	if s.paraDepth > 0 {
		return
	}
	// goldmark's table paragraph transformer: the first delimiter row (from the second line
	// on) under a header row with no more cells than it has columns turns the rest of the
	// paragraph into a table; the table's position is the paragraph's.
	start := s.base + s.paraStart
	for i := 1; i < len(s.lines); i++ {
		cols := delimiterColumns(s.body[s.lines[i].start:s.lines[i].end])
		if cols == 0 {
			continue
		}
		if headerCells(s.body[s.lines[i-1].start:s.lines[i-1].end]) > cols {
			break
		}
		if i >= 2 {
			s.bb.blocks = append(s.bb.blocks, block{start: start})
		}
		s.bb.blocks = append(s.bb.blocks, block{start: start, kind: blockTable})
		return
	}
	s.bb.blocks = append(s.bb.blocks, block{start: start})
}

type lineKind uint8

const (
	lineOther   lineKind = iota // anything that might start a block scanBody does not handle
	lineText                    // paragraph text
	lineHeading                 // an ATX heading
	lineItem                    // "- " or "* " and the item's content
)

// classify says what a line (without its indentation, not blank) starts.
func classify(rest string) lineKind {
	switch c := rest[0]; c {
	case '#':
		n := 0
		for n < len(rest) && rest[n] == '#' {
			n++
		}
		if n > 6 || n < len(rest) && rest[n] != ' ' {
			return lineText
		}
		if strings.HasSuffix(strings.TrimRight(rest, " "), "#") {
			return lineOther // a closing sequence, or text ending in '#'
		}
		return lineHeading
	case '-', '*', '_', '=':
		if onlyBreakBytes(rest) { // strings.Trim(rest, "-*_= ") == "", without building the cut set
			return lineOther // a thematic break, a setext underline, an empty item
		}
		if c != '_' && c != '=' && len(rest) > 1 && rest[1] == ' ' {
			return lineItem
		}
		return lineText
	case '>', '<':
		return lineOther // block quotes, HTML blocks
	case '`', '~':
		if strings.HasPrefix(rest, "```") || strings.HasPrefix(rest, "~~~") {
			return lineOther // a code fence
		}
		return lineText
	case '+':
		if len(rest) == 1 || rest[1] == ' ' {
			return lineOther
		}
		return lineText
	}
	if rest[0] >= '0' && rest[0] <= '9' {
		n := 0
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		if n <= 9 && n < len(rest) && (rest[n] == '.' || rest[n] == ')') && (n+1 == len(rest) || rest[n+1] == ' ') {
			return lineOther // an ordered list item
		}
	}
	return lineText
}

// onlyBreakBytes reports whether s is nothing but '-', '*', '_', '=' and spaces.
func onlyBreakBytes(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '-', '*', '_', '=', ' ':
		default:
			return false
		}
	}
	return true
}

// isTableDelim is goldmark's test for a line that may be a table's delimiter row.
func isTableDelim(line string) bool {
	allDash := true
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '-':
		case ' ', '|', ':', '\n':
			allDash = false
		default:
			return false
		}
	}
	return !allDash
}

// delimiterColumns is the number of columns of a table delimiter row as goldmark's
// parseDelimiter reads it, 0 when the line is none.
func delimiterColumns(line string) int {
	if !isTableDelim(line) {
		return 0
	}
	// The cells between the '|'s, without a blank first and a blank last one (strings.Split,
	// without the slice it allocates).
	fields := strings.Count(line, "|") + 1
	cols := 0
	for k, rest := 0, line; k < fields; k++ {
		var c string
		c, rest, _ = strings.Cut(rest, "|")
		c = strings.Trim(c, " ")
		if c == "" && (k == 0 || k == fields-1) {
			continue
		}
		// ^\s*:?-+:?\s*$
		c = strings.TrimPrefix(c, ":")
		c = strings.TrimSuffix(c, ":")
		if c == "" || strings.Trim(c, "-") != "" {
			return 0
		}
		cols++
	}
	return cols
}

// headerCells is the number of cells goldmark's parseRow finds in a header row.
func headerCells(line string) int {
	line = strings.Trim(line, " ")
	pos, limit := 0, len(line)
	if len(line) > 0 && line[0] == '|' {
		pos++
	}
	if len(line) > 0 && line[limit-1] == '|' {
		limit--
	}
	n := 0
	for ; pos < limit; n++ {
		closure := pos
		for ; closure < limit; closure++ {
			if line[closure] == '|' && (closure == 0 || line[closure-1] != '\\') {
				break
			}
		}
		pos = closure + 1
	}
	return n
}
