package incident

import (
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// What a merge of two versions of a document needs: the front-matter keys as nodes, and the
// body's "skeleton" — the prose a human owns, with everything incidentctl derives or merges
// field by field (the Status table, the log entries, the state of the check boxes) taken out.

// Placeholders standing in the skeleton for the Status table and the log entries. They hold a
// NUL byte, which a document never does (Parse rejects it), so they cannot collide with prose.
const (
	StatusPlaceholder = "\x00status table\x00\n"
	LogPlaceholder    = "\x00log entries\x00\n"
)

// Skeleton returns the body after the front matter with the Status table and the log entries
// replaced by placeholders and every check box unchecked.
func (d *Document) Skeleton() string {
	type repl struct {
		start, end int
		text       string
	}
	var rs []repl
	if d.table.start >= 0 {
		rs = append(rs, repl{d.table.start, d.table.end, StatusPlaceholder})
	}
	for i, e := range d.Log {
		text := ""
		if i == 0 {
			text = LogPlaceholder
		}
		end := e.end
		if end > 0 && d.Src[end-1] != '\n' {
			text = strings.TrimSuffix(text, "\n")
		}
		rs = append(rs, repl{e.start, end, text})
	}
	for _, a := range d.Actions {
		if a.Done {
			rs = append(rs, repl{a.box + 1, a.box + 2, " "})
		}
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].start < rs[j].start })
	var b strings.Builder
	pos := d.fm.end
	for _, r := range rs {
		if r.start < pos {
			continue // overlapping ranges cannot happen in a parsed document; be safe anyway
		}
		b.Write(d.Src[pos:r.start])
		b.WriteString(r.text)
		pos = r.end
	}
	b.Write(d.Src[pos:])
	return b.String()
}

// FrontMatter returns the front matter's bytes, delimiters included.
func (d *Document) FrontMatter() []byte { return d.Src[:d.fm.end] }

// KeyOrder lists the top-level front-matter keys in document order.
func (d *Document) KeyOrder() []string {
	var out []string
	for _, ks := range d.fm.keys {
		out = append(out, ks.name)
	}
	return out
}

// KeyNode returns the value node of a top-level key.
func (d *Document) KeyNode(key string) (*yaml.Node, bool) {
	ks, ok := d.fm.key(key)
	return ks.value, ok
}

// SetNode sets a top-level key to a value node (any YAML value, for keys teams add themselves).
func (d *Document) SetNode(key string, v *yaml.Node) (*Document, error) { return d.setKey(key, v) }

// DeleteKey removes a top-level key and its value.
func (d *Document) DeleteKey(key string) (*Document, error) {
	ks, ok := d.fm.key(key)
	if !ok {
		return d, nil
	}
	return d.splice(ks.start, ks.end, "")
}

// CheckText ticks every unchecked action whose text is one of texts.
func (d *Document) CheckText(texts map[string]bool) (*Document, error) {
	// Tick from the last to the first so earlier offsets stay valid within one pass.
	out := append([]byte(nil), d.Src...)
	changed := false
	for i := len(d.Actions) - 1; i >= 0; i-- {
		a := d.Actions[i]
		if !a.Done && texts[a.Text] {
			out[a.box+1] = 'x'
			changed = true
		}
	}
	if !changed {
		return d, nil
	}
	return Parse(d.Path, out)
}

// CheckIndexes ticks the actions whose indexes (into Actions) are in set and unticks the
// others.
func (d *Document) CheckIndexes(set map[int]bool) (*Document, error) {
	out := append([]byte(nil), d.Src...)
	changed := false
	for i, a := range d.Actions {
		want := byte(' ')
		if set[i] {
			want = 'x'
		}
		if a.Done != set[i] {
			out[a.box+1] = want
			changed = true
		}
	}
	if !changed {
		return d, nil
	}
	return Parse(d.Path, out)
}

// LogRaw returns the bytes of log entry i as they stand in the file (newline included).
func (d *Document) LogRaw(i int) string {
	e := d.Log[i]
	s := string(d.Src[e.start:e.end])
	if !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	return s
}
