package incident

import (
	"bytes"
	"github.com/incidentctl/incidentctl/pkg/i18n"
	"regexp"
	"slices"
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
	root      *yaml.Node
	keys      []keySpan      // the top-level keys in document order, each once
	byName    map[string]int // index of keys by name, only when there are many (manyKeys)
}

type keySpan struct {
	name       string
	start, end int // byte range: from the key's line to the end of its value's last line
	line       int // 1-based line of the key in the file
	value      *yaml.Node
}

// manyKeys is the number of keys from which a front matter's keys are found through a map: a
// document has 10 to 20, and comparing a few strings costs less than building a map.
const manyKeys = 32

// key returns the span of a top-level key.
func (fm *frontMatter) key(name string) (keySpan, bool) {
	if fm.byName != nil {
		if i, ok := fm.byName[name]; ok {
			return fm.keys[i], true
		}
		return keySpan{}, false
	}
	for i := range fm.keys {
		if fm.keys[i].name == name {
			return fm.keys[i], true
		}
	}
	return keySpan{}, false
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): `)

// fastFrontMatter lets tests switch the fast decoder off to compare it with yaml.v3.
var fastFrontMatter = true

// splitFrontMatter finds the front matter anchored at byte 0 and decodes it into a node tree.
func splitFrontMatter(path string, src []byte, lines lineIndex) (*frontMatter, error) {
	first := lines.lineBytes(src, 1)
	if !isFence(first) {
		return nil, &ParseError{Path: path, Line: 1, Col: 1, Rule: "front-matter",
			Msg: i18n.Text("incident.parse.no_front_matter")}
	}
	fm := &frontMatter{yamlStart: len(first), closeLine: -1}
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
	var root *yaml.Node
	ok := false
	if fastFrontMatter {
		root, ok = fastYAML(src[fm.yamlStart:fm.closeLine])
	}
	if !ok {
		var err error
		if root, err = decodeYAML(path, src[:fm.end]); err != nil {
			return nil, err
		}
	}
	fm.root = root
	fm.keys = make([]keySpan, 0, len(root.Content)/2)
	if len(root.Content)/2 > manyKeys {
		fm.byName = make(map[string]int, len(root.Content)/2)
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		line := k.Line + 1
		if prev, dup := fm.key(k.Value); dup {
			return nil, &ParseError{Path: path, Line: line, Col: k.Column, Rule: "duplicate-key",
				Msg: i18n.Text("incident.parse.duplicate_key", "Key", strconv.Quote(k.Value), "Line", prev.line)}
		}
		endLine := lines.lineOf(fm.closeLine) // exclusive
		if i+2 < len(root.Content) {
			endLine = root.Content[i+2].Line + 1
		}
		// Blank lines and column-0 comments before the next key belong to the next key.
		for endLine-1 > line {
			if l := lines.lineBytes(src, endLine-1); len(bytes.TrimSpace(l)) != 0 && l[0] != '#' {
				break
			}
			endLine--
		}
		if fm.byName != nil {
			fm.byName[k.Value] = len(fm.keys)
		}
		fm.keys = append(fm.keys, keySpan{name: k.Value, start: lines.start(line), end: lines.start(endLine), line: line, value: v})
	}
	return fm, nil
}

// isFence reports whether a line (with its newline) is "---", trailing white space allowed.
func isFence(l []byte) bool {
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
func decodeMeta(path string, fm *frontMatter, m *Meta) ([]Problem, error) {
	var problems []Problem
	for i := 0; i+1 < len(fm.root.Content); i += 2 {
		k := fm.root.Content[i]
		if !slices.Contains(KnownKeys, k.Value) {
			problems = append(problems, Problem{Line: k.Line + 1, Col: k.Column, Rule: "unknown-key",
				Message: i18n.Text("incident.parse.unknown_key", "Key", strconv.Quote(k.Value), "Known", strings.Join(KnownKeys, ", "))})
		}
	}
	typeErr := func(key string, v *yaml.Node, want string) error {
		return &ParseError{Path: path, Line: v.Line + 1, Col: v.Column, Rule: "type",
			Msg: i18n.Text("incident.parse.type", "Key", key, "Want", want)}
	}
	str := func(key string, dst *string) error {
		ks, ok := fm.key(key)
		if !ok || isNull(ks.value) {
			return nil
		}
		if ks.value.Kind != yaml.ScalarNode {
			return typeErr(key, ks.value, i18n.Text("incident.parse.want_text"))
		}
		*dst = ks.value.Value
		return nil
	}
	tm := func(key string) (*time.Time, error) {
		ks, ok := fm.key(key)
		if !ok || isNull(ks.value) {
			return nil, nil
		}
		if ks.value.Kind != yaml.ScalarNode {
			return nil, typeErr(key, ks.value, i18n.Text("incident.parse.want_time"))
		}
		t, err := parseRFC3339(ks.value.Value)
		if err != nil {
			return nil, typeErr(key, ks.value, i18n.Text("incident.parse.want_time_got", "Value", strconv.Quote(ks.value.Value)))
		}
		return &t, nil
	}
	for _, p := range []struct {
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
	if ks, ok := fm.key(KeyRoles); ok && !isNull(ks.value) {
		v := ks.value
		if v.Kind != yaml.MappingNode {
			return nil, typeErr(KeyRoles, v, i18n.Text("incident.parse.want_roles"))
		}
		for i := 0; i+1 < len(v.Content); i += 2 {
			rk, rv := v.Content[i], v.Content[i+1]
			if rv.Kind != yaml.ScalarNode {
				return nil, typeErr("roles."+rk.Value, rv, i18n.Text("incident.parse.want_name"))
			}
			m.Roles = append(m.Roles, Role{rk.Value, rv.Value})
		}
	}
	for _, k := range RequiredKeys {
		if _, ok := fm.key(k); !ok {
			return nil, &ParseError{Path: path, Line: 2, Col: 1, Rule: "required-key",
				Msg: i18n.Text("incident.parse.missing_key", "Key", strconv.Quote(k), "Required", strings.Join(RequiredKeys, ", "))}
		}
	}
	return problems, nil
}

func isNull(v *yaml.Node) bool {
	return v.Kind == yaml.ScalarNode && v.Tag == "!!null"
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
