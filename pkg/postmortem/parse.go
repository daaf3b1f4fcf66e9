package postmortem

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// MaxSize is the largest postmortem the CLI reads (the same bound as an incident document).
const MaxSize = 4 << 20

// span is a byte range of the file.
type span struct{ start, end int }

// keySpan is one top-level key: from its line to the end of its value's last line.
type keySpan struct {
	span
	line  int // 1-based
	value *yaml.Node
}

// itemSpan is one follow-up in a block sequence: from its "- " line to the end of its last key.
type itemSpan struct {
	span
	indent    int                // spaces before the "-"
	keyIndent int                // spaces before each key (the first one follows the "-")
	keys      map[string]keySpan // its keys, by name
	order     []string           // its keys in document order
	node      *yaml.Node         // the item's mapping
}

// frontMatter locates the YAML block, each top-level key and each follow-up in the file, so one
// of them can be replaced without touching the bytes of any other.
type frontMatter struct {
	yamlStart int // first byte after the opening "---" line
	closeLine int // offset of the closing "---" line
	end       int // first byte of the body
	root      *yaml.Node
	keys      map[string]keySpan
	items     []itemSpan // nil unless followups is a block sequence of mappings
	block     bool       // followups is a block sequence whose items can be edited one by one
}

// The markers around the generated follow-ups block in the body.
const (
	BlockStart = "<!-- incidentctl:followups -->"
	BlockEnd   = "<!-- /incidentctl:followups -->"
)

var yamlLineRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^yaml: line (\d+): `) })

// Parse reads a postmortem. A document the CLI cannot work with is a *ParseError naming the
// line; smaller problems (unknown keys, a follow-up's bad date) are listed in Problems.
func Parse(path string, src []byte) (*Document, error) {
	perr := func(line, col int, format string, args ...any) error {
		return &ParseError{Path: path, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
	}
	if len(src) > MaxSize {
		return nil, perr(0, 0, "the file is %d bytes, more than a postmortem may have (%d)", len(src), MaxSize)
	}
	if i := bytes.IndexByte(src, 0); i >= 0 || !utf8.Valid(src) {
		return nil, perr(1, 1, "the file is not UTF-8 text: a postmortem is a Markdown document")
	}
	lines := newLineIndex(src)
	if !isFence(lines.lineBytes(src, 1)) {
		return nil, perr(1, 1, "no front matter: a postmortem starts with a '---' line, then YAML keys (incident, status, owner ...), then '---'")
	}
	fm := frontMatter{yamlStart: len(lines.lineBytes(src, 1)), closeLine: -1}
	for n := 2; n <= lines.count(); n++ {
		if l := lines.lineBytes(src, n); isFence(l) {
			fm.closeLine = lines.start(n)
			fm.end = fm.closeLine + len(l)
			break
		}
	}
	if fm.closeLine < 0 {
		return nil, perr(1, 1, "front matter is not closed: add a '---' line after the last key")
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src[fm.yamlStart:fm.closeLine], &doc); err != nil {
		line, msg := 2, err.Error()
		if m := yamlLineRE().FindStringSubmatch(msg); m != nil {
			n, _ := strconv.Atoi(m[1])
			line, msg = n+1, msg[len(m[0]):]
		}
		return nil, perr(line, 1, "invalid YAML in front matter: %s", strings.TrimPrefix(msg, "yaml: "))
	}
	if len(doc.Content) == 0 {
		return nil, perr(2, 1, "front matter is empty: it must hold the postmortem's keys (%s)", strings.Join(Keys, ", "))
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, perr(root.Line+1, root.Column, "front matter must be a mapping of keys to values")
	}
	fm.root = root
	fm.keys = map[string]keySpan{}
	endLine := lines.lineOf(fm.closeLine)
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return nil, perr(k.Line+1, k.Column, "front-matter keys must be plain words")
		}
		if prev, dup := fm.keys[k.Value]; dup {
			return nil, perr(k.Line+1, k.Column, "duplicate key %q (first at line %d): keep one", k.Value, prev.line)
		}
		next := endLine
		if i+2 < len(root.Content) {
			next = root.Content[i+2].Line + 1
		}
		s := lines.spanOf(src, k.Line+1, next)
		fm.keys[k.Value] = keySpan{span: s, line: k.Line + 1, value: v}
	}
	d := &Document{Path: path, Src: src, fm: fm, block: span{-1, -1}}
	if err := d.decode(lines); err != nil {
		return nil, err
	}
	d.findBlock(lines)
	return d, nil
}

// decode reads the known keys into Meta. Type errors in the keys the commands compute with are
// fatal; everything else is a problem lint reports.
func (d *Document) decode(lines lineIndex) error {
	fm := &d.fm
	perr := func(v *yaml.Node, format string, args ...any) error {
		return &ParseError{Path: d.Path, Line: v.Line + 1, Col: v.Column, Msg: fmt.Sprintf(format, args...)}
	}
	problem := func(v *yaml.Node, format string, args ...any) {
		d.Problems = append(d.Problems, Problem{Line: v.Line + 1, Col: v.Column, Message: fmt.Sprintf(format, args...)})
	}
	for i := 0; i+1 < len(fm.root.Content); i += 2 {
		if k := fm.root.Content[i]; !slices.Contains(Keys, k.Value) {
			problem(k, "unknown key %q in front matter (known: %s); fix the spelling if it is a typo", k.Value, strings.Join(Keys, ", "))
		}
	}
	str := func(key string, dst *string) error {
		ks, ok := fm.keys[key]
		if !ok || isNull(ks.value) {
			return nil
		}
		if ks.value.Kind != yaml.ScalarNode {
			return perr(ks.value, "%s must be a single text value", key)
		}
		*dst = ks.value.Value
		return nil
	}
	m := &d.Meta
	for _, p := range []struct {
		key string
		dst *string
	}{{KeyIncident, &m.Incident}, {KeyTitle, &m.Title}, {KeyStatus, &m.Status}, {KeyOwner, &m.Owner}} {
		if err := str(p.key, p.dst); err != nil {
			return err
		}
	}
	for _, k := range RequiredKeys {
		if _, ok := fm.keys[k]; !ok {
			return &ParseError{Path: d.Path, Line: 2, Col: 1,
				Msg: fmt.Sprintf("front matter has no %q key: every postmortem needs %s", k, strings.Join(RequiredKeys, ", "))}
		}
	}
	if m.Incident == "" {
		return perr(fm.keys[KeyIncident].value, "incident is empty: it must be the ID of the incident this postmortem reviews")
	}
	if m.Status != "" && !ValidStatus(m.Status) {
		problem(fm.keys[KeyStatus].value, "status %q is not a postmortem status: use one of %s", m.Status, strings.Join(Statuses, ", "))
	}
	if ks, ok := fm.keys[KeyMeeting]; ok && !isNull(ks.value) {
		t, err := time.Parse(time.RFC3339, ks.value.Value)
		if ks.value.Kind != yaml.ScalarNode || err != nil {
			problem(ks.value, "meeting must be a time in RFC 3339 form, like 2026-11-25T14:00:00+09:00 (got %q)", ks.value.Value)
		} else {
			m.Meeting = &t
		}
	}
	ks, ok := fm.keys[KeyFollowups]
	if !ok || isNull(ks.value) {
		return nil
	}
	seq := ks.value
	if seq.Kind != yaml.SequenceNode {
		return perr(seq, "followups must be a list of follow-ups, each with id, text, owner and due")
	}
	fm.block = seq.Style&yaml.FlowStyle == 0 && len(seq.Content) > 0
	seen := map[string]int{}
	for i, item := range seq.Content {
		if item.Kind != yaml.MappingNode {
			return perr(item, "each follow-up must be a mapping with id, text, owner and due")
		}
		if item.Style&yaml.FlowStyle != 0 {
			fm.block = false
		}
		f := Followup{Line: item.Line + 1, Col: item.Column, pos: map[string][2]int{}}
		is := itemSpan{node: item, keys: map[string]keySpan{}}
		for j := 0; j+1 < len(item.Content); j += 2 {
			k, v := item.Content[j], item.Content[j+1]
			if k.Kind != yaml.ScalarNode {
				return perr(k, "follow-up keys must be plain words")
			}
			if _, dup := is.keys[k.Value]; dup {
				return perr(k, "duplicate key %q in follow-up: keep one", k.Value)
			}
			if v.Kind != yaml.ScalarNode {
				return perr(v, "follow-up %s must be a single value", k.Value)
			}
			f.pos[k.Value] = [2]int{k.Line + 1, k.Column}
			is.keys[k.Value] = keySpan{line: k.Line + 1, value: v}
			is.order = append(is.order, k.Value)
			val := v.Value
			if isNull(v) {
				val = ""
			}
			switch k.Value {
			case FKeyID:
				f.ID = val
			case FKeyText:
				f.Text = val
			case FKeyOwner:
				f.Owner = val
			case FKeyDue:
				f.Due = val
				if val != "" && !validDue(val) {
					problem(v, "due %q is not a date: write it as 2026-12-15 (or an RFC 3339 time)", val)
				}
			case FKeyKind:
				f.Kind = val
				if !ValidKind(val) {
					problem(v, "kind %q is not a follow-up kind: use one of %s", val, strings.Join(Kinds, ", "))
				}
			case FKeyLink:
				f.Link = val
			case FKeyDone:
				b, err := strconv.ParseBool(val)
				if val != "" && (err != nil || v.ShortTag() != "!!bool") {
					problem(v, "done must be true or false (got %q)", val)
				}
				f.Done = b
			case FKeyDoneAt:
				if val != "" {
					if t, err := time.Parse(time.RFC3339, val); err == nil {
						f.DoneAt = &t
					} else {
						problem(v, "done_at must be a time in RFC 3339 form (got %q)", val)
					}
				}
			default:
				problem(k, "unknown key %q in follow-up (known: %s)", k.Value, strings.Join(FollowupKeys, ", "))
			}
		}
		switch ref, _, ok := SplitFollowupID(f.ID); {
		case f.ID == "":
			problem(item, "follow-up without an id: give it the next free one, like %s", FollowupID(d.Meta.Incident, i+1))
		case !ok || !equalFold(ref, d.Meta.Incident):
			problem(item, "follow-up id %q does not have the form %s-F<n>", f.ID, d.Meta.Incident)
		default:
			if prev, dup := seen[strings.ToLower(f.ID)]; dup {
				problem(item, "follow-up id %s is also the id of the follow-up at line %d: give one of them the next free number", f.ID, prev)
			}
			seen[strings.ToLower(f.ID)] = f.Line
		}
		m.Followups = append(m.Followups, f)
		fm.items = append(fm.items, is)
	}
	if fm.block {
		d.locateItems(lines, ks)
	}
	return nil
}

// locateItems finds each follow-up's byte range and each of its keys' line ranges.
func (d *Document) locateItems(lines lineIndex, ks keySpan) {
	fm := &d.fm
	endLine := lines.lineOf(ks.end) // the key after followups, or the closing fence
	for i := range fm.items {
		it := &fm.items[i]
		first := it.node.Line + 1
		next := endLine
		if i+1 < len(fm.items) {
			next = fm.items[i+1].node.Line + 1
		}
		it.span = lines.spanOf(d.Src, first, next)
		l := lines.lineBytes(d.Src, first)
		it.indent = len(l) - len(bytes.TrimLeft(l, " "))
		it.keyIndent = max(it.node.Column-1, it.indent+2)
		for j, k := range it.order {
			knext := lines.lineOf(it.end)
			if j+1 < len(it.order) {
				knext = it.keys[it.order[j+1]].line
			}
			ksp := it.keys[k]
			ksp.span = lines.spanOf(d.Src, ksp.line, knext)
			it.keys[k] = ksp
		}
	}
}

// findBlock locates the generated follow-ups block: from the start marker's line to the end
// marker's line, both at the start of a line.
func (d *Document) findBlock(lines lineIndex) {
	body := d.Src[d.fm.end:]
	start := LineWith(body, BlockStart, 0)
	if start < 0 {
		return
	}
	end := LineWith(body, BlockEnd, start)
	if end < 0 {
		return
	}
	stop := bytes.IndexByte(body[end:], '\n')
	if stop < 0 {
		stop = len(body) - end
	} else {
		stop++
	}
	d.block = span{d.fm.end + start, d.fm.end + end + stop}
}

// LineWith returns the offset of the first line at or after from that holds exactly marker
// (trailing white space allowed), or -1.
func LineWith(b []byte, marker string, from int) int {
	for off := from; off < len(b); {
		nl := bytes.IndexByte(b[off:], '\n')
		line := b[off:]
		if nl >= 0 {
			line = b[off : off+nl]
		}
		if string(bytes.TrimRight(line, " \t\r")) == marker {
			return off
		}
		if nl < 0 {
			break
		}
		off += nl + 1
	}
	return -1
}

func isFence(l []byte) bool { return string(bytes.TrimRight(l, " \t\r\n")) == "---" }

func isNull(v *yaml.Node) bool { return v.Kind == yaml.ScalarNode && v.Tag == "!!null" }

// lineIndex maps 1-based line numbers to byte offsets and back.
type lineIndex struct {
	starts []int
	size   int
}

func newLineIndex(src []byte) lineIndex {
	starts := []int{0}
	for i, c := range src {
		if c == '\n' && i+1 < len(src) {
			starts = append(starts, i+1)
		}
	}
	return lineIndex{starts: starts, size: len(src)}
}

func (l lineIndex) count() int { return len(l.starts) }

// start is the offset of line n; a line past the last gives the end of the file.
func (l lineIndex) start(n int) int {
	if n-1 < len(l.starts) {
		return l.starts[max(n-1, 0)]
	}
	return l.size
}

func (l lineIndex) lineOf(off int) int {
	lo, hi := 0, len(l.starts)
	for lo < hi {
		m := (lo + hi) / 2
		if l.starts[m] > off {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo
}

func (l lineIndex) lineBytes(src []byte, n int) []byte {
	if n < 1 || n > len(l.starts) {
		return nil
	}
	return src[l.start(n):l.start(n+1)]
}

// spanOf is the byte range of lines [first, next), with blank lines and column-0 comments at
// its end left to what follows (they belong to the next key).
func (l lineIndex) spanOf(src []byte, first, next int) span {
	for next-1 > first {
		if b := l.lineBytes(src, next-1); len(bytes.TrimSpace(b)) != 0 && b[0] != '#' {
			break
		}
		next--
	}
	return span{l.start(first), l.start(next)}
}
