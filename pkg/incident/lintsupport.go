package incident

import "go.yaml.in/yaml/v3"

// Positions lint needs that the Document does not otherwise expose.

// KeyValuePos returns the 1-based line and column of a front-matter key's value, (0, 0) when
// the key is absent. Findings about a value point at the value, not at its key.
func (d *Document) KeyValuePos(key string) (line, col int) {
	i := d.fm.index(key)
	if i < 0 {
		return 0, 0
	}
	// After the fast decoder, the value's position is in its node: building the yaml.Node
	// (what fm.key does) for it would cost more than all the rest of a lookup.
	ks := &d.fm.keys[i]
	l, c := 0, 0
	if ks.value != nil {
		l, c = ks.value.Line, ks.value.Column
	} else {
		n := &d.fm.nodes[ks.node+1]
		l, c = int(n.line), int(n.col)
	}
	return l + 1, max(c, 1)
}

// PlainScalars calls fn, in document order, for every value of the front matter written as a
// plain (unquoted) scalar: each top-level key's value, and each value of a top-level key whose
// value is a mapping (sub is then that entry's key, "" otherwise). line and col are the
// value's as yaml.Node counts them (line from the first line after the opening "---"). It
// reads what KeyOrder and KeyNode give (the values' kind, style, text and place) without
// building a yaml.Node per key.
func (d *Document) PlainScalars(fn func(key, sub, value string, line, col int)) {
	for i := range d.fm.keys {
		ks := &d.fm.keys[i]
		if v := ks.value; v != nil { // decoded by yaml.v3: its tree
			if v.Kind == yaml.MappingNode {
				for j := 0; j+1 < len(v.Content); j += 2 {
					if n := v.Content[j+1]; n.Kind == yaml.ScalarNode && n.Style == 0 {
						fn(ks.name, v.Content[j].Value, n.Value, n.Line, n.Column)
					}
				}
			} else if v.Kind == yaml.ScalarNode && v.Style == 0 {
				fn(ks.name, "", v.Value, v.Line, v.Column)
			}
			continue
		}
		vi := ks.node + 1
		v := &d.fm.nodes[vi]
		if yaml.Kind(v.kind) == yaml.MappingNode {
			// Its entries follow it: n nodes, key and value in turn (see valueNode).
			for j := vi + 1; j+1 < vi+1+int(v.n); j += 2 {
				if n := &d.fm.nodes[j+1]; yaml.Kind(n.kind) == yaml.ScalarNode && n.style == 0 {
					fn(ks.name, d.fm.nodes[j].value, n.value, int(n.line), int(n.col))
				}
			}
		} else if yaml.Kind(v.kind) == yaml.ScalarNode && v.style == 0 {
			fn(ks.name, "", v.value, int(v.line), int(v.col))
		}
	}
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
