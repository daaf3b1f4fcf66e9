package incident

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// fastYAML decodes front matter written in the plain form incidentctl writes and people keep
// (one "key: value" per line; values plain, single- or double-quoted on one line, {} or [];
// one level of nested "name: value" lines under a key with no value, as roles has), producing
// the node tree yaml.v3 produces for it: same kinds, tags, styles, values, lines and columns.
// Decoding with yaml.v3 costs a third of a document's parse; this costs a few microseconds.
//
// ok is false for anything else (comments, tabs, anchors, tags, block scalars, multi-line or
// escaped scalars, sequences, deeper nesting, odd characters): the caller then decodes with
// yaml.v3, so the fast path never has to be right about YAML it does not know.
// FuzzFrontMatter compares the two on every input the fast path accepts.
//
// y is the YAML between the fences; lines and columns are 1-based within y, as yaml.v3 counts.
// Parsing a document keeps scanYAML's nodes only, and builds a node from them when one is
// asked for (frontMatter.key, frontMatter.tree): a listing reads 100,000 front matters and
// never looks at a node.
func fastYAML(y []byte) (root *yaml.Node, ok bool) {
	nodes, ok := scanYAML(y)
	if !ok {
		return nil, false
	}
	return nodeTree(nodes), true
}

// fmNode is one node of a front matter as decodeMeta reads it, holding all that the fast
// decoder sets in a yaml.Node (treeNode makes one of it). A front matter's nodes are in
// document order: each top-level key followed by its value, and a mapping value by its
// entries' keys and values (n nodes). After yaml.v3, flatNodes makes them of its tree (a
// mapping value's entries one level down, without what they hold).
type fmNode struct {
	value     string
	tag       string
	line, col int32 // as yaml.Node's Line and Column
	n         int32 // a mapping's: the number of nodes of its entries, which follow it
	kind      uint8 // yaml.Kind
	style     uint8 // yaml.Style
}

func (n *fmNode) isNull() bool { return yaml.Kind(n.kind) == yaml.ScalarNode && n.tag == "!!null" }

// scanYAML is fastYAML's reading, as nodes.
func scanYAML(y []byte) (nodes []fmNode, ok bool) { return scanYAMLInto(nil, y) }

// scanYAMLInto is scanYAML into buf's memory when it is large enough (a Reader's, of the
// document it read last).
func scanYAMLInto(buf []fmNode, y []byte) (nodes []fmNode, ok bool) {
	if !plainYAMLBytes(y) {
		return nil, false
	}
	s := string(y) // one copy; every value is a substring of it
	// A top-level entry is two nodes, a nested one two more: lines*2 bounds them, and a nested
	// mapping takes the place of a value.
	if need := 2*strings.Count(s, "\n") + 2; cap(buf) >= need {
		nodes = buf[:0]
	} else {
		nodes = make([]fmNode, 0, need)
	}
	nested := -1  // the mapping being filled by indented lines, -1 when none is open
	pending := -1 // the last top-level key's value when it was empty (null or a mapping)
	indent := 0   // the nested mapping's indentation
	lineNo := 0
	for len(s) > 0 {
		lineNo++
		line := s
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			line, s = s[:i], s[i+1:]
		} else {
			s = ""
		}
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1] // plainYAMLBytes let no other CR through
		}
		sp := 0
		for sp < len(line) && line[sp] == ' ' {
			sp++
		}
		if sp == len(line) {
			continue // blank
		}
		if sp > 0 {
			// An indented line: an entry of the mapping under the last key with no value.
			if pending < 0 && nested < 0 || nested >= 0 && sp != indent {
				return nil, false
			}
			if nested < 0 {
				nested, indent = pending, sp
				// The null the key's value was becomes the mapping.
				m := &nodes[nested]
				m.kind, m.tag, m.line, m.col = uint8(yaml.MappingNode), "!!map", int32(lineNo), int32(sp+1)
				pending = -1
			}
			k, rest, ok := splitKey(line, sp, lineNo)
			if !ok {
				return nil, false
			}
			v, ok := scalarValue(rest, len(line)-len(rest), lineNo)
			if !ok || yaml.Kind(v.kind) != yaml.ScalarNode {
				return nil, false
			}
			nodes = append(nodes, k, v)
			nodes[nested].n += 2
			continue
		}
		nested, pending = -1, -1
		k, rest, ok := splitKey(line, 0, lineNo)
		if !ok {
			return nil, false
		}
		var v fmNode
		if strings.TrimLeft(rest, " ") == "" {
			// Nothing after the colon: null, unless indented lines follow (then a mapping).
			v = fmNode{kind: uint8(yaml.ScalarNode), tag: "!!null", line: int32(lineNo), col: int32(len(line) - len(rest) + 1)}
			pending = len(nodes) + 1
		} else if v, ok = scalarValue(rest, len(line)-len(rest), lineNo); !ok {
			return nil, false
		}
		nodes = append(nodes, k, v)
	}
	if len(nodes) == 0 {
		return nil, false
	}
	return nodes, true
}

// treeNode sets n to what the fast decoder reads of it (Content aside).
func treeNode(n *yaml.Node, f *fmNode) *yaml.Node {
	n.Kind, n.Style, n.Tag, n.Value, n.Line, n.Column = yaml.Kind(f.kind), yaml.Style(f.style), f.tag, f.value, int(f.line), int(f.col)
	return n
}

// nodeTree builds the node tree of scanYAML's nodes: the root mapping, placed at its first
// key as yaml.v3 places it.
func nodeTree(nodes []fmNode) *yaml.Node {
	all := make([]yaml.Node, len(nodes)+1) // one allocation for the nodes
	root := &all[len(nodes)]
	root.Kind, root.Tag, root.Line, root.Column = yaml.MappingNode, "!!map", int(nodes[0].line), int(nodes[0].col)
	content := make([]*yaml.Node, len(nodes)) // ... and one for every mapping's content
	top := 0
	for i := 0; i+1 < len(nodes); {
		k, v := treeNode(&all[i], &nodes[i]), treeNode(&all[i+1], &nodes[i+1])
		n := int(nodes[i+1].n)
		content[top], content[top+1] = k, v
		top += 2
		if n > 0 {
			// The nested entries' place in content: after the last top-level slot they can
			// take, counted from the end.
			v.Content = content[len(content)-n : len(content) : len(content)]
			content = content[:len(content)-n]
			for j := range n {
				v.Content[j] = treeNode(&all[i+2+j], &nodes[i+2+j])
			}
		}
		i += 2 + n
	}
	root.Content = content[:top:top]
	return root
}

// valueNode builds the node of the value at nodes[i] (with a mapping's entries).
func valueNode(nodes []fmNode, i int) *yaml.Node {
	n := int(nodes[i].n)
	all := make([]yaml.Node, n+1)
	v := treeNode(&all[0], &nodes[i])
	if n > 0 {
		v.Content = make([]*yaml.Node, n)
		for j := range n {
			v.Content[j] = treeNode(&all[1+j], &nodes[i+1+j])
		}
	}
	return v
}

// flatNodes makes the nodes decodeMeta reads of a tree yaml.v3 decoded.
func flatNodes(root *yaml.Node) []fmNode {
	flat := func(n *yaml.Node) fmNode {
		return fmNode{value: n.Value, tag: n.Tag, line: int32(n.Line), col: int32(n.Column), kind: uint8(n.Kind), style: uint8(n.Style)}
	}
	nodes := make([]fmNode, 0, len(root.Content))
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		nodes = append(nodes, flat(k), flat(v))
		if v.Kind == yaml.MappingNode {
			nodes[len(nodes)-1].n = int32(len(v.Content))
			for _, c := range v.Content {
				nodes = append(nodes, flat(c))
			}
		}
	}
	return nodes
}

// splitKey reads "key:" at column from+1 and returns the key node and what follows the colon.
// Keys are plain words ([A-Za-z_][A-Za-z0-9_-]*), followed by the colon and a space or the end.
func splitKey(line string, from, lineNo int) (fmNode, string, bool) {
	i := from
	if i >= len(line) || !(isLetter(line[i]) || line[i] == '_') {
		return fmNode{}, "", false
	}
	for i < len(line) && (isLetter(line[i]) || isDigit(line[i]) || line[i] == '_' || line[i] == '-') {
		i++
	}
	// yaml.v3 gives up on a simple key longer than 1024 characters; stay far from it.
	if i-from > 128 || i >= len(line) || line[i] != ':' || i+1 < len(line) && line[i+1] != ' ' {
		return fmNode{}, "", false
	}
	key := line[from:i]
	return fmNode{kind: uint8(yaml.ScalarNode), tag: plainTag(key), value: key, line: int32(lineNo), col: int32(from + 1)}, line[i+1:], true
}

// scalarValue reads the value after "key:" (rest starts at 0-based column at in its line):
// a plain scalar, a quoted one, {} or []. Nothing but spaces may follow it.
func scalarValue(rest string, at, lineNo int) (fmNode, bool) {
	sp := 0
	for sp < len(rest) && rest[sp] == ' ' {
		sp++
	}
	if sp == 0 {
		return fmNode{}, false
	}
	v, col := strings.TrimRight(rest[sp:], " "), at+sp+1
	if v == "" {
		return fmNode{}, false
	}
	n := fmNode{kind: uint8(yaml.ScalarNode), line: int32(lineNo), col: int32(col)}
	switch v[0] {
	case '"':
		// Double quotes without escapes; anything with a backslash goes to yaml.v3.
		if len(v) < 2 || v[len(v)-1] != '"' || strings.ContainsAny(v[1:len(v)-1], "\"\\") {
			return fmNode{}, false
		}
		n.tag, n.style, n.value = "!!str", uint8(yaml.DoubleQuotedStyle), v[1:len(v)-1]
	case '\'':
		// Single quotes: '' stands for one quote, and a lone quote ends the scalar.
		body := v[1:]
		if len(body) == 0 || body[len(body)-1] != '\'' {
			return fmNode{}, false
		}
		body = body[:len(body)-1]
		if strings.Contains(strings.ReplaceAll(body, "''", ""), "'") {
			return fmNode{}, false
		}
		if strings.Contains(body, "''") {
			body = strings.ReplaceAll(body, "''", "'")
		}
		n.tag, n.style, n.value = "!!str", uint8(yaml.SingleQuotedStyle), body
	case '{', '[':
		if v == "{}" {
			n.kind, n.tag, n.style = uint8(yaml.MappingNode), "!!map", uint8(yaml.FlowStyle)
		} else if v == "[]" {
			n.kind, n.tag, n.style = uint8(yaml.SequenceNode), "!!seq", uint8(yaml.FlowStyle)
		} else {
			return fmNode{}, false
		}
	default:
		if !plainScalar(v) {
			return fmNode{}, false
		}
		n.tag, n.value = plainTag(v), v
	}
	return n, true
}

// plainScalar reports whether v (trimmed) reads as one plain scalar in block context: it does
// not start with an indicator and holds no ": " (a mapping), " #" (a comment) or final ':'.
func plainScalar(v string) bool {
	switch c := v[0]; c {
	case '-', '?', ':':
		if len(v) == 1 || v[1] == ' ' {
			return false
		}
		if c != '-' {
			return false // rare enough to leave to yaml.v3
		}
	case ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`':
		return false
	}
	return !strings.Contains(v, ": ") && !strings.Contains(v, " #") && v[len(v)-1] != ':'
}

// plainYAMLBytes is printableYAML for the whole front matter, stricter in what fastYAML
// declines anyway: no tab anywhere (tabs have their own rules), and a CR only before a LF or at
// the very end (a lone CR breaks lines in YAML). ASCII is checked by table, a byte at a time.
func plainYAMLBytes(y []byte) bool {
	for i := 0; i < len(y); {
		c := y[i]
		if plainASCII[c] {
			i++
			continue
		}
		switch {
		case c == '\n':
			i++
			continue
		case c == '\r':
			if i+1 < len(y) && y[i+1] != '\n' {
				return false
			}
			i++
			continue
		case c < utf8.RuneSelf:
			return false // a tab, another control character, DEL
		}
		r, size := utf8.DecodeRune(y[i:])
		if r == utf8.RuneError && size <= 1 || r < 0xA0 || r == 0x2028 || r == 0x2029 ||
			r == 0xFEFF || r >= 0xD800 && r <= 0xDFFF || r == 0xFFFE || r == 0xFFFF {
			return false
		}
		i += size
	}
	return true
}

// plainASCII: the ASCII characters that need no second look (printable, space included).
var plainASCII = func() (t [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = true
	}
	return t
}()

// printableYAML reports whether y holds only characters YAML accepts in a document and does
// not treat as line breaks other than LF and CR: no control characters, no byte order mark,
// no NEL, LS or PS, valid UTF-8.
func printableYAML(y []byte) bool {
	for i := 0; i < len(y); {
		c := y[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\n' && c != '\r' && c != '\t' || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(y[i:])
		if r == utf8.RuneError && size <= 1 || r < 0xA0 || r == 0x2028 || r == 0x2029 ||
			r == 0xFEFF || r >= 0xD800 && r <= 0xDFFF || r == 0xFFFE || r == 0xFFFF {
			return false
		}
		i += size
	}
	return true
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }

// plainTag is the tag yaml.v3 resolves a plain scalar to (its resolve function, tags only).
func plainTag(v string) string {
	if v == "" {
		return "!!null"
	}
	switch c := v[0]; {
	case c == '+' || c == '-' || isDigit(c):
		if t, ok := yamlWordTag(v); ok {
			return t
		}
		if yamlTimestamp(v) {
			return "!!timestamp"
		}
		if t := yamlNumber(v); t != "" {
			return t
		}
	case c == '.':
		if t, ok := yamlWordTag(v); ok {
			return t
		}
		if _, err := strconv.ParseFloat(v, 64); err == nil {
			return "!!float"
		}
	case strings.IndexByte("yYnNtTfFoO~<", c) >= 0:
		if t, ok := yamlWordTag(v); ok {
			return t
		}
	}
	return "!!str"
}

// yamlWordTag is the tag of the words yaml.v3 resolves by table (a switch: no map lookup).
func yamlWordTag(v string) (string, bool) {
	switch v {
	case "true", "True", "TRUE", "false", "False", "FALSE":
		return "!!bool", true
	case "~", "null", "Null", "NULL":
		return "!!null", true
	case ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF":
		return "!!float", true
	case "<<":
		return "!!merge", true
	}
	return "", false
}

// yamlTimestampFormats are the layouts yaml.v3 tries, in its order.
var yamlTimestampFormats = []string{
	"2006-1-2T15:4:5.999999999Z07:00",
	"2006-1-2t15:4:5.999999999Z07:00",
	"2006-1-2 15:4:5.999999999",
	"2006-1-2",
}

// yamlTimestamp is yaml.v3's parseTimestamp: four digits and a '-', then one of its layouts.
// The forms incidentctl writes (a date, or RFC 3339 to the second with Z or an offset) are
// recognised without time.Parse when valid; anything else is left to time.Parse.
func yamlTimestamp(s string) bool {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if i != 4 || i == len(s) || s[i] != '-' {
		return false
	}
	if canonicalTimestamp(s) {
		return true
	}
	for _, f := range yamlTimestampFormats {
		if _, err := time.Parse(f, s); err == nil {
			return true
		}
	}
	return false
}

// canonicalTimestamp reports whether s is a valid "2006-01-02", "2006-01-02T15:04:05Z" or
// "2006-01-02T15:04:05+07:00" (two-digit fields, offsets below 24 hours): each of these parses
// with yaml.v3's first or last layout. false says nothing: time.Parse decides those.
func canonicalTimestamp(s string) bool {
	if len(s) != 10 && len(s) != 20 && len(s) != 25 {
		return false
	}
	num := func(i int) int { // two digits at i, -1 if not digits
		a, b := s[i]-'0', s[i+1]-'0'
		if a > 9 || b > 9 {
			return -1
		}
		return int(a)*10 + int(b)
	}
	year := num(0)*100 + num(2)
	if num(0) < 0 || num(2) < 0 || s[4] != '-' || s[7] != '-' {
		return false
	}
	month, day := num(5), num(8)
	if month < 1 || month > 12 || day < 1 || day > daysIn(month, year) {
		return false
	}
	if len(s) == 10 {
		return true
	}
	if s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return false
	}
	if h, m, sec := num(11), num(14), num(17); h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 59 {
		return false
	}
	if len(s) == 20 {
		return s[19] == 'Z'
	}
	oh, om := num(20), num(23)
	return (s[19] == '+' || s[19] == '-') && s[22] == ':' && oh >= 0 && oh <= 23 && om >= 0 && om <= 59
}

// numberChars are the only characters yaml.v3's number forms are made of (after it drops
// underscores): digits, hex letters, the 0x/0o/0b prefixes, signs, the point and the exponent.
// Anything else is text, decided without strconv's allocated errors.
var numberChars = func() (t [256]bool) {
	for _, c := range "0123456789abcdefABCDEFxXoO+-." {
		t[c] = true
	}
	return t
}()

// yamlNumber is the number part of yaml.v3's resolve for a scalar starting with a sign or a
// digit: "!!int", "!!float" or "" for neither.
func yamlNumber(in string) string {
	plain := in
	if strings.IndexByte(in, '_') >= 0 {
		plain = strings.ReplaceAll(in, "_", "")
	}
	for i := 0; i < len(plain); i++ {
		if !numberChars[plain[i]] {
			return ""
		}
	}
	// Letters other than an exponent belong to a base prefix (0x, 0b, 0o) and, after 0x, to the
	// hex digits: text such as a commit hash is told from a number without strconv's errors.
	body := plain
	if body != "" && (body[0] == '+' || body[0] == '-') {
		body = body[1:]
	}
	if !(len(body) >= 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X')) {
		for i := 0; i < len(body); i++ {
			switch c := body[i]; {
			case c >= '0' && c <= '9', c == '.', c == '+', c == '-', c == 'e', c == 'E':
			case i == 1 && body[0] == '0' && (c == 'b' || c == 'B' || c == 'o' || c == 'O'):
			default:
				return ""
			}
		}
	}
	if _, err := strconv.ParseInt(plain, 0, 64); err == nil {
		return "!!int"
	}
	if _, err := strconv.ParseUint(plain, 0, 64); err == nil {
		return "!!int"
	}
	if yamlStyleFloat(plain) {
		if _, err := strconv.ParseFloat(plain, 64); err == nil {
			return "!!float"
		}
	}
	base := func(digits string, b int, neg bool) bool {
		if neg {
			_, err := strconv.ParseInt("-"+digits, b, 64)
			return err == nil
		}
		if _, err := strconv.ParseInt(digits, b, 64); err == nil {
			return true
		}
		_, err := strconv.ParseUint(digits, b, 64)
		return err == nil
	}
	switch {
	case strings.HasPrefix(plain, "0b") && base(plain[2:], 2, false),
		strings.HasPrefix(plain, "-0b") && base(plain[3:], 2, true),
		strings.HasPrefix(plain, "0o") && base(plain[2:], 8, false),
		strings.HasPrefix(plain, "-0o") && base(plain[3:], 8, true):
		return "!!int"
	}
	return ""
}

// yamlStyleFloat matches what yaml.v3's regular expression
// ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ matches (TestYAMLNumber compares them).
func yamlStyleFloat(s string) bool {
	digits := func(i int) int { // the end of the run of digits from i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		return i
	}
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	if i < len(s) && s[i] == '.' {
		j := digits(i + 1)
		if j == i+1 {
			return false
		}
		i = j
	} else {
		j := digits(i)
		if j == i {
			return false
		}
		i = j
		if i < len(s) && s[i] == '.' {
			i = digits(i + 1)
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := digits(i)
		if j == i {
			return false
		}
		i = j
	}
	return i == len(s)
}
