package incident

// Positions lint needs that the Document does not otherwise expose.

// KeyValuePos returns the 1-based line and column of a front-matter key's value, (0, 0) when
// the key is absent. Findings about a value point at the value, not at its key.
func (d *Document) KeyValuePos(key string) (line, col int) {
	ks, ok := d.fm.keys[key]
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
