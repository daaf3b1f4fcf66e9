package incident

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/incidentctl/incidentctl/pkg/i18n"
)

// Helpers for documents that keep this format's conventions without being incident documents
// (drill scenarios), and for sections the CLI adds besides the three it needs.

// FrontMatterNode reads the front matter anchored at byte 0 of src, the way Parse does (the
// fast decoder, yaml.v3 for the rest, duplicate keys refused), and returns its top-level
// mapping and the offset where the body starts. A node's line in the file is node.Line + 1.
// Errors are *ParseError values naming path and line.
func FrontMatterNode(path string, src []byte) (root *yaml.Node, bodyStart int, err error) {
	if !utf8.Valid(src) || bytes.IndexByte(src, 0) >= 0 {
		return nil, 0, &ParseError{Path: path, Line: 1, Col: 1, Rule: "encoding", Msg: i18n.Text("incident.parse.not_text")}
	}
	fm, err := splitFrontMatter(path, src, newLineIndex(src))
	if err != nil {
		return nil, 0, err
	}
	return fm.tree(), fm.end, nil
}

// EncodeKey renders one front-matter line "key: value\n" as the format writes it (yaml.v3,
// quoted where YAML needs it).
func EncodeKey(key, value string) string { return string(encodeKey(key, stringNode(value))) }

// EncodeNode renders a key with any value node.
func EncodeNode(key string, v *yaml.Node) string { return string(encodeKey(key, v)) }

// SectionText returns the body of the level-2 section "## <name>" (without its heading), and
// whether the document has it.
func (d *Document) SectionText(name string) (string, bool) {
	start, end, ok := d.findSection(name)
	if !ok {
		return "", false
	}
	return string(d.Src[start:end]), true
}

// SetSection replaces the body of the level-2 section "## <name>" with body, or adds the
// section at the end of the document when it has none. Nothing else changes. The three
// sections the CLI maintains (Status, Action list, Log, in any language) cannot be set this way.
func (d *Document) SetSection(name, body string) (*Document, error) {
	if sec, _ := headingLang(name); sec != "" { // in any language
		return nil, &ParseError{Path: d.Path, Rule: "section", Msg: i18n.Text("incident.section.maintained", "Section", name)}
	}
	body = strings.Trim(body, "\n") + "\n"
	if start, end, ok := d.findSection(name); ok {
		repl := "\n" + body
		if end < len(d.Src) {
			repl += "\n"
		}
		return d.splice(start, end, repl)
	}
	sep := ""
	if n := len(d.Src); n > 0 && d.Src[n-1] != '\n' {
		sep = "\n"
	}
	return d.splice(len(d.Src), len(d.Src), sep+"\n## "+name+"\n\n"+body)
}

// findSection locates the body of "## <name>" in the document's body: from the end of its
// heading line to the next level-1 or level-2 heading (or the end), fenced code skipped.
func (d *Document) findSection(name string) (start, end int, ok bool) {
	fence := ""
	found := false
	for n := d.lines.lineOf(d.fm.end); n <= d.lines.count(); n++ {
		if d.lines.start(n) < d.fm.end {
			continue
		}
		l := strings.TrimRight(string(d.lines.lineBytes(d.Src, n)), "\r\n")
		t := strings.TrimLeft(l, " ")
		if len(l)-len(t) <= 3 {
			if f := fenceOf(t); f != "" {
				switch {
				case fence == "":
					fence = f
				case strings.HasPrefix(t, fence) && strings.TrimSpace(strings.TrimLeft(t, fence[:1])) == "":
					fence = ""
				}
				continue
			}
		}
		if fence != "" || len(l) != len(t) {
			continue
		}
		level, text := headingOf(t)
		if level == 0 || level > 2 {
			continue
		}
		if found {
			return start, d.lines.start(n), true
		}
		if level == 2 && strings.EqualFold(text, name) {
			found, start = true, d.lines.start(n+1)
		}
	}
	return start, len(d.Src), found
}

// fenceOf returns the fence a line opens or closes (``` or ~~~, at least three), "" for none.
func fenceOf(t string) string {
	for _, c := range []byte{'`', '~'} {
		n := 0
		for n < len(t) && t[n] == c {
			n++
		}
		if n >= 3 {
			return t[:n]
		}
	}
	return ""
}

// headingOf reads an ATX heading line: its level (0 when the line is none) and text.
func headingOf(t string) (int, string) {
	n := 0
	for n < len(t) && t[n] == '#' {
		n++
	}
	if n == 0 || n > 6 || n < len(t) && t[n] != ' ' && t[n] != '\t' {
		return 0, ""
	}
	text := strings.TrimSpace(t[n:])
	text = strings.TrimSpace(strings.TrimRight(text, "#"))
	return n, text
}
