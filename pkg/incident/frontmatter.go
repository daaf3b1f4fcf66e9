package incident

import (
	"bytes"
	"github.com/incidentctl/incidentctl/pkg/i18n"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// frontMatter locates the YAML block and each top-level key's byte range in the file, so a key
// can be replaced without touching the bytes of any other key, comment or blank line.
type frontMatter struct {
	yamlStart int // first byte after the opening "---" line
	closeLine int // byte offset of the closing "---" line
	end       int // first byte after the closing line (start of the body)
	// root is the node tree when yaml.v3 decoded the front matter; after the fast decoder it is
	// nil, and a node is built from nodes when one is asked for (key, tree).
	root   *yaml.Node
	nodes  []fmNode       // what decodeMeta reads (frontmatter_fast.go)
	keys   []keySpan      // the top-level keys in document order, each once
	byName map[string]int // index of keys by name, only when there are many (manyKeys)
}

type keySpan struct {
	name       string
	start, end int // byte range: from the key's line to the end of its value's last line
	line       int // 1-based line of the key in the file
	value      *yaml.Node
	node       int // the key's node in nodes; its value's follows
}

// manyKeys is the number of keys from which a front matter's keys are found through a map: a
// document has 10 to 20, and comparing a few strings costs less than building a map.
const manyKeys = 32

// key returns the span of a top-level key, with its value's node (built now after the fast
// decoder: each call builds a new one).
func (fm *frontMatter) key(name string) (keySpan, bool) {
	i := fm.index(name)
	if i < 0 {
		return keySpan{}, false
	}
	ks := fm.keys[i]
	if ks.value == nil {
		ks.value = valueNode(fm.nodes, ks.node+1)
	}
	return ks, true
}

// index returns the index in keys of a top-level key, -1 when there is none.
func (fm *frontMatter) index(name string) int {
	if fm.byName != nil {
		if i, ok := fm.byName[name]; ok {
			return i
		}
		return -1
	}
	for i := range fm.keys {
		if fm.keys[i].name == name {
			return i
		}
	}
	return -1
}

// tree returns the front matter's top-level mapping (built now after the fast decoder).
func (fm *frontMatter) tree() *yaml.Node {
	if fm.root != nil {
		return fm.root
	}
	return nodeTree(fm.nodes)
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): `)

// fastFrontMatter lets tests switch the fast decoder off to compare it with yaml.v3.
var fastFrontMatter = true

// splitFrontMatter finds the front matter anchored at byte 0 and decodes it into a node tree.
func splitFrontMatter(path string, src []byte, lines lineIndex) (*frontMatter, error) {
	return splitFrontMatterWith(path, src, lines, nil)
}

// splitFrontMatterWith is splitFrontMatter in the memory r lends (the last document's front
// matter, its nodes and keys), when r is not nil.
func splitFrontMatterWith(path string, src []byte, lines lineIndex, r *Reader) (*frontMatter, error) {
	first := lines.lineBytes(src, 1)
	if !isFence(first) {
		return nil, &ParseError{Path: path, Line: 1, Col: 1, Rule: "front-matter",
			Msg: i18n.Text("incident.parse.no_front_matter")}
	}
	fm := &frontMatter{}
	var nodeBuf []fmNode
	if r != nil {
		fm, nodeBuf = &r.fm, r.nodes
	}
	*fm = frontMatter{yamlStart: len(first), closeLine: -1}
	for n := 2; n <= lines.count(); n++ {
		l := lines.lineBytes(src, n)
		if isFence(l) {
			fm.closeLine = lines.start(n)
			fm.end = fm.closeLine + len(l)
			break
		}
	}
	if fm.closeLine < 0 {
		return nil, &ParseError{Path: path, Line: 1, Col: 1, Rule: "front-matter",
			Msg: i18n.Text("incident.parse.unclosed")}
	}
	var nodes []fmNode
	ok := false
	if fastFrontMatter {
		nodes, ok = scanYAMLInto(nodeBuf, src[fm.yamlStart:fm.closeLine])
	}
	if !ok {
		root, err := decodeYAML(path, src[:fm.end])
		if err != nil {
			return nil, err
		}
		fm.root, nodes = root, flatNodes(root)
	}
	fm.nodes = nodes
	n := 0 // the number of top-level keys
	for i := 0; i+1 < len(nodes); i += 2 + int(nodes[i+1].n) {
		n++
	}
	if r != nil && cap(r.keys) >= n {
		fm.keys = r.keys[:0]
	} else {
		fm.keys = make([]keySpan, 0, n)
	}
	if n > manyKeys {
		fm.byName = make(map[string]int, n)
	}
	closeLine := lines.lineOf(fm.closeLine)
	for i := 0; i+1 < len(nodes); {
		k := &nodes[i]
		next := i + 2 + int(nodes[i+1].n)
		line := int(k.line) + 1
		if prev := fm.index(k.value); prev >= 0 {
			return nil, &ParseError{Path: path, Line: line, Col: int(k.col), Rule: "duplicate-key",
				Msg: i18n.Text("incident.parse.duplicate_key", "Key", strconv.Quote(k.value), "Line", fm.keys[prev].line)}
		}
		endLine := closeLine // exclusive
		if next < len(nodes) {
			endLine = int(nodes[next].line) + 1
		}
		// Blank lines and column-0 comments before the next key belong to the next key.
		for endLine-1 > line {
			if l := lines.lineBytes(src, endLine-1); len(bytes.TrimSpace(l)) != 0 && l[0] != '#' {
				break
			}
			endLine--
		}
		if fm.byName != nil {
			fm.byName[k.value] = len(fm.keys)
		}
		ks := keySpan{name: k.value, start: lines.start(line), end: lines.start(endLine), line: line, node: i}
		if fm.root != nil {
			ks.value = fm.root.Content[len(fm.keys)*2+1]
		}
		fm.keys = append(fm.keys, ks)
		i = next
	}
	return fm, nil
}

// isFence reports whether a line (with its newline) is "---", trailing white space allowed.
func isFence(l []byte) bool {
	if len(l) < 3 || l[0] != '-' {
		return false // most lines: no trimming
	}
	return string(bytes.TrimRight(l, " \t\r\n")) == "---"
}

// decodeYAML decodes the front matter (src is the file up to the closing fence) with yaml.v3,
// through adrg/frontmatter as the format always has: every YAML the fast path leaves out.
func decodeYAML(path string, src []byte) (*yaml.Node, error) {
	var doc yaml.Node
	if err := decodeBetweenFences(src, &doc); err != nil {
		line, msg := 2, err.Error()
		if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
			n, _ := strconv.Atoi(m[1])
			line, msg = n+1, msg[len(m[0]):]
		}
		msg = strings.TrimPrefix(msg, "yaml: ")
		return nil, &ParseError{Path: path, Line: line, Col: 1, Rule: "yaml", Msg: i18n.Text("incident.parse.yaml", "Error", yamlMessage(msg))}
	}
	if len(doc.Content) == 0 {
		return nil, &ParseError{Path: path, Line: 2, Col: 1, Rule: "front-matter", Msg: i18n.Text("incident.parse.empty")}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, &ParseError{Path: path, Line: root.Line + 1, Col: root.Column, Rule: "yaml", Msg: i18n.Text("incident.parse.not_mapping")}
	}
	return root, nil
}

// decodeMeta reads the known keys into m. Type errors are fatal: the commands compute with these
// values. Unknown keys are problems, not errors, so teams can add their own and lint warns.
// It reads the front matter's nodes (fm.nodes), never a node tree.
func decodeMeta(path string, fm *frontMatter, m *Meta) ([]Problem, error) {
	var problems []Problem
	var known [numKnownKeys]int // each known key's value node in fm.nodes, plus one (0: none)
	for i := range fm.keys {
		k := &fm.nodes[fm.keys[i].node]
		if slot := knownKey(k.value); slot >= 0 {
			known[slot] = fm.keys[i].node + 2
			continue
		}
		problems = append(problems, Problem{Line: int(k.line) + 1, Col: int(k.col), Rule: "unknown-key",
			Message: i18n.Text("incident.parse.unknown_key", "Key", strconv.Quote(k.value), "Known", strings.Join(KnownKeys, ", "))})
	}
	value := func(key string) *fmNode {
		if j := known[knownKey(key)]; j > 0 {
			return &fm.nodes[j-1]
		}
		return nil
	}
	typeErr := func(key string, v *fmNode, want string) error {
		return &ParseError{Path: path, Line: int(v.line) + 1, Col: int(v.col), Rule: "type",
			Msg: i18n.Text("incident.parse.type", "Key", key, "Want", want)}
	}
	str := func(key string, dst *string) error {
		v := value(key)
		if v == nil || v.isNull() {
			return nil
		}
		if yaml.Kind(v.kind) != yaml.ScalarNode {
			return typeErr(key, v, i18n.Text("incident.parse.want_text"))
		}
		*dst = v.value
		return nil
	}
	var times []time.Time // the times tm returns, one allocation for the document's (distinct elements)
	tm := func(key string) (*time.Time, error) {
		v := value(key)
		if v == nil || v.isNull() {
			return nil, nil
		}
		if yaml.Kind(v.kind) != yaml.ScalarNode {
			return nil, typeErr(key, v, i18n.Text("incident.parse.want_time"))
		}
		t, err := parseRFC3339(v.value)
		if err != nil {
			return nil, typeErr(key, v, i18n.Text("incident.parse.want_time_got", "Value", strconv.Quote(v.value)))
		}
		if times == nil {
			times = make([]time.Time, 0, 5) // declared_at and the four optional times
		}
		times = append(times, t) // past its capacity, the earlier pointers keep the old array
		return &times[len(times)-1], nil
	}
	for _, p := range [...]struct {
		key string
		dst *string
	}{
		{KeyID, &m.ID}, {KeyTitle, &m.Title}, {KeySeverity, &m.Severity}, {KeyStatus, &m.Status},
		{KeyCommander, &m.Commander}, {KeyImpact, &m.Impact}, {KeyAnnouncement, &m.Announcement},
		{KeyResolution, &m.Resolution}, {KeyTemplate, &m.Template}, {KeyKind, &m.Kind},
		{KeyScenario, &m.Scenario}, {KeyScenarioCommit, &m.ScenarioCommit}, {KeyVariant, &m.Variant},
		{KeyFacilitator, &m.Facilitator}, {KeySpeed, &m.Speed},
	} {
		if err := str(p.key, p.dst); err != nil {
			return nil, err
		}
	}
	var err error
	declared, err := tm(KeyDeclaredAt)
	if err != nil {
		return nil, err
	}
	if declared != nil {
		m.DeclaredAt = *declared
	}
	if m.IdentifiedAt, err = tm(KeyIdentifiedAt); err != nil {
		return nil, err
	}
	if m.MitigatedAt, err = tm(KeyMitigatedAt); err != nil {
		return nil, err
	}
	if m.ResolvedAt, err = tm(KeyResolvedAt); err != nil {
		return nil, err
	}
	if m.AnnouncedAt, err = tm(KeyAnnouncedAt); err != nil {
		return nil, err
	}
	if v := value(KeyRoles); v != nil && !v.isNull() {
		if yaml.Kind(v.kind) != yaml.MappingNode {
			return nil, typeErr(KeyRoles, v, i18n.Text("incident.parse.want_roles"))
		}
		entries := fm.nodes[known[knownKey(KeyRoles)]:][:v.n] // the nodes after the value's
		for i := 0; i+1 < len(entries); i += 2 {
			rk, rv := &entries[i], &entries[i+1]
			if yaml.Kind(rv.kind) != yaml.ScalarNode {
				return nil, typeErr("roles."+rk.value, rv, i18n.Text("incident.parse.want_name"))
			}
			m.Roles = append(m.Roles, Role{rk.value, rv.value})
		}
	}
	for _, k := range RequiredKeys {
		if known[knownKey(k)] == 0 {
			return nil, &ParseError{Path: path, Line: 2, Col: 1, Rule: "required-key",
				Msg: i18n.Text("incident.parse.missing_key", "Key", strconv.Quote(k), "Required", strings.Join(RequiredKeys, ", "))}
		}
	}
	return problems, nil
}

// numKnownKeys is the number of KnownKeys (TestKnownKeySlots checks knownKey against them).
const numKnownKeys = 21

// knownKey is the place of a known key among KnownKeys, -1 for a key the format does not
// know: a switch, as decodeMeta looks up each of a front matter's keys.
func knownKey(k string) int {
	switch k {
	case KeyID:
		return 0
	case KeyTitle:
		return 1
	case KeySeverity:
		return 2
	case KeyStatus:
		return 3
	case KeyCommander:
		return 4
	case KeyRoles:
		return 5
	case KeyImpact:
		return 6
	case KeyAnnouncement:
		return 7
	case KeyDeclaredAt:
		return 8
	case KeyIdentifiedAt:
		return 9
	case KeyMitigatedAt:
		return 10
	case KeyResolvedAt:
		return 11
	case KeyResolution:
		return 12
	case KeyTemplate:
		return 13
	case KeyKind:
		return 14
	case KeyScenario:
		return 15
	case KeyScenarioCommit:
		return 16
	case KeyVariant:
		return 17
	case KeyFacilitator:
		return 18
	case KeySpeed:
		return 19
	case KeyAnnouncedAt:
		return 20
	}
	return -1
}

// encodeKey renders one top-level key with its value as YAML lines ("key: value\n").
func encodeKey(key string, value *yaml.Node) []byte {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	doc := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{{Kind: yaml.ScalarNode, Value: key}, value}}
	if err := enc.Encode(doc); err != nil {
		// Encoding strings and maps of strings does not fail; a quoted scalar is still valid YAML.
		return []byte(key + ": " + strconv.Quote(value.Value) + "\n")
	}
	_ = enc.Close()
	return buf.Bytes()
}

// stringNode is a text value; one a YAML 1.1 reader would misread is written quoted.
func stringNode(s string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
	if YAML11Ambiguous(s) {
		n.Style = yaml.DoubleQuotedStyle
	}
	return n
}

// optionalNode is how an optional key's value is written: the speed as a plain number when it
// reads as one, so the front matter says `speed: 60` rather than `speed: "60"`.
func optionalNode(key, value string) *yaml.Node {
	if key == KeySpeed {
		if _, err := strconv.ParseFloat(value, 64); err == nil && plainNumberRE.MatchString(value) {
			tag := "!!int"
			if strings.ContainsRune(value, '.') {
				tag = "!!float"
			}
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: value}
		}
	}
	return stringNode(value)
}

var plainNumberRE = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$`)

func nullNode() *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
}

func timeNode(t *time.Time) *yaml.Node {
	if t == nil {
		return nullNode()
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!timestamp", Value: FormatTime(*t)}
}

func rolesNode(rs Roles) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode}
	if len(rs) == 0 {
		n.Style = yaml.FlowStyle
	}
	for _, r := range rs {
		n.Content = append(n.Content, stringNode(r.Name), stringNode(r.Holder))
	}
	return n
}

// FormatTime is the one way the format writes a time: RFC 3339, seconds, with the offset.
func FormatTime(t time.Time) string { return t.Format(time.RFC3339) }
