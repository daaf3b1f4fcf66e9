package incident

// Positions lint needs that the Document does not otherwise expose.

// KeyValuePos returns the 1-based line and column of a front-matter key's value, (0, 0) when
// the key is absent. Findings about a value point at the value, not at its key.
func (d *Document) KeyValuePos(key string) (line, col int) {
	ks, ok := d.fm.key(key)
	if !ok || ks.value == nil {
		return 0, 0
	}
	return ks.value.Line + 1, max(ks.value.Column, 1)
}

// BodyLine is the 1-based line where the body starts, just after the closing "---".
func (d *Document) BodyLine() int { return d.lines.lineOf(d.fm.end) }

// ActionPos returns the 1-based line and column of the check box of Actions[i].
func (d *Document) ActionPos(i int) (line, col int) {
	a := d.Actions[i]
	return d.lines.lineOf(a.box), d.lines.col(a.box)
}

// Where says what part of the document holds byte offset off: its 1-based line, and the
// front-matter key or the section ("" for neither; SectionTitle for the title heading and
// whatever precedes the first section).
func (d *Document) Where(off int) (line int, key, section string) {
	line = d.lines.lineOf(min(max(off, 0), len(d.Src)))
	if off < d.fm.end {
		for _, ks := range d.fm.keys {
			if off >= ks.start && off < ks.end {
				return line, ks.name, ""
			}
		}
		return line, "", ""
	}
	for name, s := range d.sections {
		if off >= s.heading.start && off < s.end {
			return line, "", name
		}
	}
	return line, "", SectionTitle
}

// SectionTitle names the part of the body before the first section: the title heading.
const SectionTitle = "title"
