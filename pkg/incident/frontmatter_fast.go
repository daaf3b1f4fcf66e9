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
func fastYAML(y []byte) (root *yaml.Node, ok bool) {
	if !plainYAMLBytes(y) {
		return nil, false
	}
	s := string(y) // one copy; every Value is a substring of it
	// A top-level entry is two nodes, a nested one two more: lines*2 bounds the scalars, and a
	// nested mapping takes the place of a value.
	nodes := make([]yaml.Node, 0, 2*strings.Count(s, "\n")+3)
	// Fields are set one by one: copying whole Node values costs write barriers.
	newNode := func(kind yaml.Kind, tag string, line, col int) *yaml.Node {
		if len(nodes) < cap(nodes) {
			nodes = nodes[:len(nodes)+1] // make zeroed it already
		} else {
			nodes = append(nodes, yaml.Node{})
		}
		n := &nodes[len(nodes)-1]
		n.Kind, n.Tag, n.Line, n.Column = kind, tag, line, col
		return n
	}
	// The root mapping is placed at its first key, as yaml.v3 places it.
	root = newNode(yaml.MappingNode, "!!map", 0, 0)
	root.Content = make([]*yaml.Node, 0, cap(nodes)-1)
	var nested *yaml.Node  // the mapping being filled by indented lines, nil when none is open
	var pending *yaml.Node // the last top-level key's value when it was empty (null or a mapping)
	indent := 0            // the nested mapping's indentation
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
			if pending == nil && nested == nil || nested != nil && sp != indent {
				return nil, false
			}
			if nested == nil {
				nested, indent = pending, sp
				// The null the key's value was becomes the mapping.
				nested.Kind, nested.Tag, nested.Line, nested.Column = yaml.MappingNode, "!!map", lineNo, sp+1
				pending = nil
			}
			k, rest, ok := splitKey(line, sp, lineNo, newNode)
			if !ok {
				return nil, false
			}
			v, ok := scalarValue(rest, len(line)-len(rest), lineNo, newNode)
			if !ok || v.Kind != yaml.ScalarNode {
				return nil, false
			}
			nested.Content = append(nested.Content, k, v)
			continue
		}
		nested, pending = nil, nil
		k, rest, ok := splitKey(line, 0, lineNo, newNode)
		if !ok {
			return nil, false
		}
		var v *yaml.Node
		if strings.TrimLeft(rest, " ") == "" {
			// Nothing after the colon: null, unless indented lines follow (then a mapping).
			v = newNode(yaml.ScalarNode, "!!null", lineNo, len(line)-len(rest)+1)
			pending = v
		} else if v, ok = scalarValue(rest, len(line)-len(rest), lineNo, newNode); !ok {
			return nil, false
		}
		if len(root.Content) == 0 {
			root.Line, root.Column = k.Line, k.Column
		}
		root.Content = append(root.Content, k, v)
	}
	if len(root.Content) == 0 {
		return nil, false
	}
	return root, true
}

// splitKey reads "key:" at column from+1 and returns the key node and what follows the colon.
// Keys are plain words ([A-Za-z_][A-Za-z0-9_-]*), followed by the colon and a space or the end.
func splitKey(line string, from, lineNo int, newNode func(yaml.Kind, string, int, int) *yaml.Node) (*yaml.Node, string, bool) {
	i := from
	if i >= len(line) || !(isLetter(line[i]) || line[i] == '_') {
		return nil, "", false
	}
	for i < len(line) && (isLetter(line[i]) || isDigit(line[i]) || line[i] == '_' || line[i] == '-') {
		i++
	}
	// yaml.v3 gives up on a simple key longer than 1024 characters; stay far from it.
	if i-from > 128 || i >= len(line) || line[i] != ':' || i+1 < len(line) && line[i+1] != ' ' {
		return nil, "", false
	}
	key := line[from:i]
	k := newNode(yaml.ScalarNode, plainTag(key), lineNo, from+1)
	k.Value = key
	return k, line[i+1:], true
}

// scalarValue reads the value after "key:" (rest starts at 0-based column at in its line):
// a plain scalar, a quoted one, {} or []. Nothing but spaces may follow it.
func scalarValue(rest string, at, lineNo int, newNode func(yaml.Kind, string, int, int) *yaml.Node) (*yaml.Node, bool) {
	sp := 0
	for sp < len(rest) && rest[sp] == ' ' {
		sp++
	}
	if sp == 0 {
		return nil, false
	}
	v, col := strings.TrimRight(rest[sp:], " "), at+sp+1
	if v == "" {
		return nil, false
	}
	n := newNode(yaml.ScalarNode, "", lineNo, col)
	switch v[0] {
	case '"':
		// Double quotes without escapes; anything with a backslash goes to yaml.v3.
		if len(v) < 2 || v[len(v)-1] != '"' || strings.ContainsAny(v[1:len(v)-1], "\"\\") {
			return nil, false
		}
		n.Tag, n.Style, n.Value = "!!str", yaml.DoubleQuotedStyle, v[1:len(v)-1]
	case '\'':
		// Single quotes: '' stands for one quote, and a lone quote ends the scalar.
		body := v[1:]
		if len(body) == 0 || body[len(body)-1] != '\'' {
			return nil, false
		}
		body = body[:len(body)-1]
		if strings.Contains(strings.ReplaceAll(body, "''", ""), "'") {
			return nil, false
		}
		if strings.Contains(body, "''") {
			body = strings.ReplaceAll(body, "''", "'")
		}
		n.Tag, n.Style, n.Value = "!!str", yaml.SingleQuotedStyle, body
	case '{', '[':
		if v == "{}" {
			n.Kind, n.Tag, n.Style = yaml.MappingNode, "!!map", yaml.FlowStyle
		} else if v == "[]" {
			n.Kind, n.Tag, n.Style = yaml.SequenceNode, "!!seq", yaml.FlowStyle
		} else {
			return nil, false
		}
	default:
		if !plainScalar(v) {
			return nil, false
		}
		n.Tag, n.Value = plainTag(v), v
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
