package incident

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Free text (titles, log entries, impact, names) is typed by people under pressure and pasted
// from terminals and chat. Three rules keep it inert:
//
//   - Clean removes what a terminal would act on (escape sequences, control characters, bidi
//     overrides) before anything is written; ControlAt finds what slipped into a document.
//   - EscapeInline escapes what Markdown would interpret, so the rendered document shows exactly
//     what was typed (<blank> stays visible, *x* stays starred); UnescapeInline reads it back.
//   - Strings a YAML 1.1 reader would take for something else (yes, no, on, off, y, n, 1:20)
//     are written quoted (see stringNode).

// Clean returns s without terminal escape sequences (CSI, OSC and the like, removed whole),
// other control characters and bidirectional-override characters (a carriage return becomes
// a space; tabs and line feeds are left for OneLine to fold). removed counts what was taken out.
func Clean(s string) (out string, removed int) {
	if ControlAt(s) < 0 {
		return s, 0
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '\t' || r == '\n':
			b.WriteByte(byte(r))
			i += n
		case r == '\r':
			b.WriteByte(' ')
			i += n
			removed++
		case r == 0x1b:
			i += escapeLen(s[i:])
			removed++
		case r == 0x9b: // C1 CSI
			i += n + csiLen(s[i+n:])
			removed++
		case r == utf8.RuneError && n == 1:
			i++
			removed++
		case isControl(r):
			i += n
			removed++
		default:
			b.WriteString(s[i : i+n])
			i += n
		}
	}
	return b.String(), removed
}

// escapeLen is the length of the escape sequence at the start of s (which starts with ESC).
func escapeLen(s string) int {
	if len(s) < 2 {
		return len(s)
	}
	switch s[1] {
	case '[': // CSI: parameters and intermediates, then a final byte 0x40-0x7e
		return 2 + csiLen(s[2:])
	case ']', 'P', '_', '^', 'X': // OSC, DCS, APC, PM, SOS: up to BEL or ST (ESC \)
		for i := 2; i < len(s); i++ {
			switch {
			case s[i] == 0x07:
				return i + 1
			case s[i] == 0x1b && i+1 < len(s) && s[i+1] == '\\':
				return i + 2
			case s[i] == '\n':
				return i // never past the end of a line
			}
		}
		return len(s)
	}
	if s[1] >= 0x20 && s[1] <= 0x2f && len(s) > 2 { // ESC, intermediates, final (charset selection)
		return 3
	}
	if s[1] >= 0x20 && s[1] < 0x7f {
		return 2 // ESC and one character (ESC c resets the terminal)
	}
	return 1
}

func csiLen(s string) int {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x40 && c <= 0x7e {
			return i + 1
		} else if c < 0x20 || c > 0x7e {
			return i
		}
	}
	return len(s)
}

// isControl reports characters that make a terminal or a bidi-aware renderer do something:
// C0 controls (tab, line feed and carriage return are judged by the caller), DEL, C1 controls,
// and the bidirectional embedding, override and isolate characters ("Trojan Source").
func isControl(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// ControlAt returns the byte offset of the first control character in s other than a tab, a
// line feed, or a carriage return before a line feed; -1 when there is none.
func ControlAt(s string) int {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && !(c == '\r' && i+1 < len(s) && s[i+1] == '\n') || c == 0x7f {
				return i
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if isControl(r) {
			return i
		}
		i += n
	}
	return -1
}

// ControlName names a control character for messages: "ESC (U+001B)".
func ControlName(r rune) string {
	names := map[rune]string{0x07: "BEL", 0x08: "BS", 0x0b: "VT", 0x0c: "FF", 0x0d: "CR", 0x1b: "ESC", 0x7f: "DEL", 0x9b: "CSI",
		0x202a: "LRE", 0x202b: "RLE", 0x202c: "PDF", 0x202d: "LRO", 0x202e: "RLO", 0x2066: "LRI", 0x2067: "RLI", 0x2068: "FSI", 0x2069: "PDI"}
	code := fmt.Sprintf("U+%04X", r)
	if n, ok := names[r]; ok {
		return n + " (" + code + ")"
	}
	return code
}

// EscapeInline escapes s (one line) so that Markdown shows it as typed: backslashes, code
// backticks, emphasis (* always, _ where it could open or close emphasis, ~), link brackets,
// the < of HTML and autolinks, and & where it would start an entity (&copy;). A link typed
// bare stays a link up to the first escaped character (GFM ends it there); what a reader sees
// is always what was typed.
func EscapeInline(s string) string {
	if !strings.ContainsAny(s, "\\`*_[]<~&") {
		return s // most text: no copy
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\', c == '`', c == '*', c == '[', c == ']', c == '~', c == '<':
			b.WriteByte('\\')
		case c == '_' && !(i > 0 && isAlnum(s[i-1]) && i+1 < len(s) && isAlnum(s[i+1])):
			b.WriteByte('\\')
		case c == '&' && entityAt(s[i:]):
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return b.String()
}

// entityAt reports whether s starts with what CommonMark may read as an entity or a numeric
// character reference: & then a name or #digits or #x hex digits, then ;.
func entityAt(s string) bool {
	end := strings.IndexByte(s, ';')
	if end < 2 || end > 40 {
		return false
	}
	body := s[1:end]
	if body[0] == '#' {
		body = strings.TrimPrefix(strings.TrimPrefix(body[1:], "x"), "X")
	}
	for i := 0; i < len(body); i++ {
		if !isAlnum(body[i]) || body[i] >= 0x80 {
			return false
		}
	}
	return body != ""
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// UnescapeInline reads back what EscapeInline and EscapeText wrote, the way Markdown renders it:
// a backslash before ASCII punctuation stands for that character, except inside code spans,
// and an autolink stands for its link.
func UnescapeInline(s string) string {
	if strings.IndexByte(s, '\\') < 0 && strings.IndexByte(s, '<') < 0 && strings.IndexByte(s, '[') < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '`':
			n := 1
			for i+n < len(s) && s[i+n] == '`' {
				n++
			}
			ticks := s[i : i+n]
			if end := closingTicks(s[i+n:], n); end >= 0 {
				b.WriteString(s[i : i+n+end+n]) // a code span: backslashes are literal
				i += n + end + n - 1
				continue
			}
			b.WriteString(ticks)
			i += n - 1
		case c == '\\' && i+1 < len(s) && isASCIIPunct(s[i+1]):
			b.WriteByte(s[i+1])
			i++
		case c == '[' && wwwLinkLen(s[i:]) > 0:
			// A www. link EscapeText wrote as [www.…](http://www.…): the link as typed.
			n := wwwLinkLen(s[i:])
			link := s[i : i+n-1]
			b.WriteString(link[strings.Index(link, "](http://")+len("](http://"):])
			i += n - 1
		case c == '<' && autolinkEnd(s, i) > 0:
			// An autolink EscapeText wrote around a link: the link as typed.
			end := autolinkEnd(s, i)
			b.WriteString(s[i+1 : end-1])
			i = end - 1
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// closingTicks finds a run of exactly n backticks in s; -1 when there is none.
func closingTicks(s string, n int) int {
	for i := 0; i < len(s); i++ {
		if s[i] != '`' {
			continue
		}
		j := i
		for j < len(s) && s[j] == '`' {
			j++
		}
		if j-i == n {
			return i
		}
		i = j - 1
	}
	return -1
}

func isASCIIPunct(c byte) bool {
	return c >= '!' && c <= '/' || c >= ':' && c <= '@' || c >= '[' && c <= '`' || c >= '{' && c <= '~'
}

// EscapeHeading is EscapeInline for the text of an ATX heading, whose trailing #s would
// otherwise be read as a closing sequence.
func EscapeHeading(s string) string {
	s = EscapeInline(s)
	if strings.HasSuffix(s, "#") {
		t := strings.TrimRight(s, "#")
		s = t + "\\" + s[len(t):]
	}
	return s
}

// YAML11Ambiguous reports whether a YAML 1.1 reader (PyYAML, many CI tools) would read the
// plain scalar s as something other than that string, where a YAML 1.2 reader would not:
// the old booleans (yes, no, on, off, y, n in their cases) and sexagesimal numbers (1:20,
// 12:30:00). yaml.v3 quotes what YAML 1.2 would misread; stringNode quotes these too.
func YAML11Ambiguous(s string) bool {
	switch s {
	case "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
		"on", "On", "ON", "off", "Off", "OFF", "=":
		return true
	}
	// [-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?
	t := strings.TrimLeft(s, "+-")
	if len(t) < len(s)-1 || t == "" || t[0] < '0' || t[0] > '9' || !strings.Contains(t, ":") {
		return false
	}
	head, rest, _ := strings.Cut(t, ":")
	if strings.Trim(head, "0123456789_") != "" {
		return false
	}
	frac := ""
	if k := strings.IndexByte(rest, '.'); k >= 0 {
		rest, frac = rest[:k], rest[k+1:]
	}
	if strings.Trim(frac, "0123456789_") != "" {
		return false
	}
	for _, part := range strings.Split(rest, ":") {
		if len(part) < 1 || len(part) > 2 || strings.Trim(part, "0123456789") != "" || len(part) == 2 && part[0] > '5' {
			return false
		}
	}
	return true
}

// wwwLinkLen returns the length of "[text](http://link)" at the start of s when text,
// unescaped, is link (what EscapeText writes for a www. link); 0 otherwise.
func wwwLinkLen(s string) int {
	k := strings.Index(s, "](http://")
	if k < 1 {
		return 0
	}
	text := UnescapeInline(s[1:k])
	rest := s[k+len("](http://"):]
	if !strings.HasPrefix(rest, text+")") || !mdHasPrefixFold(text, "www.") {
		return 0
	}
	return k + len("](http://") + len(text) + 1
}
