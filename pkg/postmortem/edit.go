package postmortem

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Every edit replaces one byte range and parses the result again: bytes outside the range stay
// identical (the team's prose, comments, keys the format does not know), and a document the
// parser rejects is never produced.

func (d *Document) splice(start, end int, repl string) (*Document, error) {
	out := make([]byte, 0, len(d.Src)-(end-start)+len(repl))
	out = append(out, d.Src[:start]...)
	out = append(out, repl...)
	out = append(out, d.Src[end:]...)
	nd, err := Parse(d.Path, out)
	if err != nil {
		return nil, fmt.Errorf("editing %s produced a document that does not parse (%v); nothing was written", d.Path, err)
	}
	return nd, nil
}

func (d *Document) setKey(key string, v *yaml.Node) (*Document, error) {
	line := encodeKey(key, v)
	if ks, ok := d.fm.keys[key]; ok {
		return d.splice(ks.start, ks.end, line)
	}
	return d.splice(d.fm.closeLine, d.fm.closeLine, line) // a missing key goes last
}

// SetString sets a text key (status, owner, title).
func (d *Document) SetString(key, value string) (*Document, error) {
	return d.setKey(key, stringNode(value))
}

// SetTime sets a time key (meeting); nil writes null.
func (d *Document) SetTime(key string, t *time.Time) (*Document, error) {
	return d.setKey(key, timeNode(t))
}

// AddFollowup appends a follow-up (its ID already chosen: NextFollowupID) and regenerates the
// follow-ups block of the body.
func (d *Document) AddFollowup(f Followup) (*Document, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	if _, _, dup := d.Followup(f.ID); dup {
		return nil, fmt.Errorf("%s already has a follow-up %s", d.Path, f.ID)
	}
	n := followupNode(f)
	var nd *Document
	var err error
	if d.fm.block {
		last := d.fm.items[len(d.fm.items)-1]
		nd, err = d.splice(last.end, last.end, renderItem(n, last.indent, last.keyIndent))
	} else {
		// No follow-up yet, or a flow-style list ([...]): write the list in block style, each
		// existing item as it is.
		seq := &yaml.Node{Kind: yaml.SequenceNode}
		for _, it := range d.fm.items {
			seq.Content = append(seq.Content, blockStyle(it.node))
		}
		seq.Content = append(seq.Content, n)
		nd, err = d.setKey(KeyFollowups, seq)
	}
	if err != nil {
		return nil, err
	}
	return nd.RefreshBlock()
}

// FollowupChange is what SetFollowup changes; nil fields stay as they are.
type FollowupChange struct {
	Done   *bool
	DoneAt **time.Time
	Link   *string
	Owner  *string
	Due    *string
}

// SetFollowup changes keys of one follow-up, each in its own lines, and regenerates the
// follow-ups block of the body.
func (d *Document) SetFollowup(id string, ch FollowupChange) (*Document, error) {
	_, i, ok := d.Followup(id)
	if !ok {
		return nil, fmt.Errorf("%s has no follow-up %s", d.Path, id)
	}
	type set struct {
		key string
		v   *yaml.Node // nil: remove the key
	}
	var sets []set
	if ch.Owner != nil {
		sets = append(sets, set{FKeyOwner, stringNode(*ch.Owner)})
	}
	if ch.Due != nil {
		sets = append(sets, set{FKeyDue, dueNode(*ch.Due)})
	}
	if ch.Link != nil {
		sets = append(sets, set{FKeyLink, stringNode(*ch.Link)})
	}
	if ch.Done != nil {
		sets = append(sets, set{FKeyDone, boolNode(*ch.Done)})
	}
	if ch.DoneAt != nil {
		var v *yaml.Node
		if *ch.DoneAt != nil {
			v = timeNode(*ch.DoneAt)
		}
		sets = append(sets, set{FKeyDoneAt, v})
	}
	cur := d
	for _, s := range sets {
		var err error
		if cur, err = cur.setItemKey(i, s.key, s.v); err != nil {
			return nil, err
		}
	}
	return cur.RefreshBlock()
}

// setItemKey sets (or, with a nil value, removes) one key of the i-th follow-up.
func (d *Document) setItemKey(i int, key string, v *yaml.Node) (*Document, error) {
	if !d.fm.block {
		// A flow-style list: rewrite it in block style with the change applied.
		seq := &yaml.Node{Kind: yaml.SequenceNode}
		for j, it := range d.fm.items {
			n := blockStyle(it.node)
			if j == i {
				n = withKey(n, key, v)
			}
			seq.Content = append(seq.Content, n)
		}
		return d.setKey(KeyFollowups, seq)
	}
	it := d.fm.items[i]
	ks, exists := it.keys[key]
	switch {
	case !exists && v == nil:
		return d, nil
	case !exists:
		// Where the canonical order puts it: before the first key that comes after it.
		at := it.end
		rank := slices.Index(FollowupKeys, key)
		for j, k := range it.order {
			if r := slices.Index(FollowupKeys, k); j > 0 && r > rank {
				at = it.keys[k].start
				break
			}
		}
		return d.splice(at, at, indent(encodeKey(key, v), it.keyIndent, it.keyIndent))
	}
	first := it.order[0] == key
	switch {
	case v == nil && first && len(it.order) == 1:
		return nil, fmt.Errorf("cannot remove the only key of follow-up %d", i+1)
	case v == nil && first:
		// The next key moves up onto the "- " line.
		next := it.keys[it.order[1]]
		rest := string(d.Src[next.start:next.end])
		return d.splice(ks.start, next.end, it.dash()+strings.TrimLeft(rest, " "))
	case v == nil:
		return d.splice(ks.start, ks.end, "")
	case first:
		return d.splice(ks.start, ks.end, indent(encodeKey(key, v), 0, it.keyIndent, it.dash()))
	}
	return d.splice(ks.start, ks.end, indent(encodeKey(key, v), it.keyIndent, it.keyIndent))
}

// RefreshBlock regenerates the follow-ups block of the body from the front matter. A body
// without the block's markers is left alone: the front matter is the record.
func (d *Document) RefreshBlock() (*Document, error) {
	if d.block.start < 0 {
		return d, nil
	}
	old := string(d.Src[d.block.start:d.block.end])
	text := FollowupsBlock(d.Meta, blockLabels(old))
	if old == text {
		return d, nil
	}
	return d.splice(d.block.start, d.block.end, text)
}

// blockLabels are the labels of the language a follow-ups block is written in: the block is
// regenerated in the language it was drafted in (the hint under its start marker says which).
func blockLabels(block string) Labels {
	for _, l := range []Labels{Japanese} {
		if hint, _, _ := strings.Cut(l.FollowupsHint, "%s"); strings.Contains(block, hint) {
			return l
		}
	}
	return English
}

func (f Followup) check() error {
	ref, _, ok := SplitFollowupID(f.ID)
	switch {
	case !ok || ref == "":
		return fmt.Errorf("follow-up id %q does not have the form <incident id>-F<n>", f.ID)
	case strings.TrimSpace(f.Text) == "":
		return fmt.Errorf("the follow-up's text is empty: say what must be done")
	case !ValidKind(f.Kind):
		return fmt.Errorf("kind %q is not a follow-up kind: use one of %s", f.Kind, strings.Join(Kinds, ", "))
	case f.Due != "" && !validDue(f.Due):
		return fmt.Errorf("due %q is not a date", f.Due)
	}
	return nil
}

// followupNode renders a follow-up as a mapping in the canonical key order; kind, link and
// done_at only when set.
func followupNode(f Followup) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode}
	add := func(k string, v *yaml.Node) {
		n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: k}, v)
	}
	add(FKeyID, stringNode(f.ID))
	add(FKeyText, stringNode(oneLine(f.Text)))
	add(FKeyOwner, stringNode(oneLine(f.Owner)))
	add(FKeyDue, dueNode(f.Due))
	if f.Kind != "" {
		add(FKeyKind, stringNode(f.Kind))
	}
	if f.Link != "" {
		add(FKeyLink, stringNode(oneLine(f.Link)))
	}
	add(FKeyDone, boolNode(f.Done))
	if f.DoneAt != nil {
		add(FKeyDoneAt, timeNode(f.DoneAt))
	}
	return n
}

// withKey returns a copy of a mapping with key set to v (nil: removed).
func withKey(n *yaml.Node, key string, v *yaml.Node) *yaml.Node {
	out := *n
	out.Content = nil
	found := false
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			found = true
			if v != nil {
				out.Content = append(out.Content, n.Content[i], v)
			}
			continue
		}
		out.Content = append(out.Content, n.Content[i], n.Content[i+1])
	}
	if !found && v != nil {
		out.Content = append(out.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, v)
	}
	return &out
}

// blockStyle is a copy of a node written in block style (a flow-style item of a list that is
// rewritten).
func blockStyle(n *yaml.Node) *yaml.Node {
	out := *n
	out.Style &^= yaml.FlowStyle
	return &out
}

// dash is what starts the item's first line: its indentation, "-" and the spaces up to the keys.
func (it itemSpan) dash() string {
	return strings.Repeat(" ", it.indent) + "-" + strings.Repeat(" ", it.keyIndent-it.indent-1)
}

// renderItem writes one follow-up as a list item laid out like the others: "-" after ind spaces,
// keys after keyInd spaces.
func renderItem(n *yaml.Node, ind, keyInd int) string {
	var b strings.Builder
	for i := 0; i+1 < len(n.Content); i += 2 {
		line := encodeKey(n.Content[i].Value, n.Content[i+1])
		if i == 0 {
			b.WriteString(indent(line, 0, keyInd, itemSpan{indent: ind, keyIndent: keyInd}.dash()))
		} else {
			b.WriteString(indent(line, keyInd, keyInd))
		}
	}
	return b.String()
}

// indent prefixes the first line of text with first spaces (and the optional marker), the other
// lines with rest spaces.
func indent(text string, first, rest int, marker ...string) string {
	var b strings.Builder
	for i, l := range strings.SplitAfter(text, "\n") {
		if l == "" {
			continue
		}
		if i == 0 {
			b.WriteString(strings.Repeat(" ", first))
			b.WriteString(strings.Join(marker, ""))
		} else {
			b.WriteString(strings.Repeat(" ", rest))
		}
		b.WriteString(l)
	}
	return b.String()
}

// encodeKey renders one key with its value as YAML lines ("key: value\n").
func encodeKey(key string, value *yaml.Node) string {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	doc := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{{Kind: yaml.ScalarNode, Value: key}, value}}
	if err := enc.Encode(doc); err != nil {
		// Encoding strings, times and lists of them does not fail; a quoted scalar is valid YAML.
		return key + ": " + strconv.Quote(value.Value) + "\n"
	}
	_ = enc.Close()
	return buf.String()
}

func stringNode(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
}

func boolNode(b bool) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(b)}
}

func nullNode() *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"} }

func timeNode(t *time.Time) *yaml.Node {
	if t == nil {
		return nullNode()
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!timestamp", Value: t.Format(time.RFC3339)}
}

// dueNode writes a due date plainly (2026-10-01), so it reads as the date it is.
func dueNode(s string) *yaml.Node {
	if s == "" {
		return nullNode()
	}
	if validDue(s) {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!timestamp", Value: s}
	}
	return stringNode(s)
}

// oneLine folds white space (newlines included) into single spaces: every value is one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
