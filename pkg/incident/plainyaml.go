package incident

import "time"

// The line readers of the fast front-matter decoder (frontmatter_fast.go), for the quick
// reader of a postmortem's follow-ups (pkg/postmortem, QuickFollowups): the same code, so what
// FuzzFrontMatter shows of them against yaml.v3 holds there too.

// PlainYAMLText reports whether the front matter y holds only characters the fast decoder
// reads (no tab; a CR only before a LF or at the end; printable UTF-8 YAML accepts).
func PlainYAMLText(y []byte) bool { return plainYAMLBytes(y) }

// PlainYAMLKey reads "key:" at the 0-based column from of line: a plain word
// ([A-Za-z_][A-Za-z0-9_-]*, at most 128 bytes) followed by the colon and a space or the end.
// rest is what follows the colon.
func PlainYAMLKey(line string, from int) (key, rest string, ok bool) {
	k, rest, ok := splitKey(line, from, 0)
	return k.value, rest, ok
}

// PlainYAMLValue reads the value after "key:" when there is one (rest, starting at the 0-based
// column at of its line, holds more than spaces): a plain scalar, a single- or double-quoted
// one on the line, {} or [], with nothing but spaces after it. value is the scalar's value as
// yaml.v3 reads it, null whether yaml.v3 tags it !!null (~, null ...), col its 1-based
// column; flow is '{' or '[' for {} and [] (value ""), 0 for a scalar. ok is false for
// anything else, which is left to yaml.v3.
func PlainYAMLValue(rest string, at int) (value string, null bool, flow byte, col int, ok bool) {
	n, ok := scalarValue(rest, at, 0)
	if !ok {
		return "", false, 0, 0, false
	}
	if n.tag == "!!map" {
		flow = '{'
	} else if n.tag == "!!seq" {
		flow = '['
	}
	return n.value, n.isNull(), flow, int(n.col), true
}

// ParseRFC3339 is time.Parse(time.RFC3339, s), quicker on the forms incidentctl writes.
func ParseRFC3339(s string) (time.Time, error) { return parseRFC3339(s) }
