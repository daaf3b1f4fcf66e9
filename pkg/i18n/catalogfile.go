package i18n

import (
	"strings"
	"unicode/utf8"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
)

// The catalogues are written in a small part of YAML: one message per line (`id: text`), or
// `id:` followed by its plural forms indented by two spaces (`  one: text`), each text plain,
// 'single-quoted' or "double-quoted" (with \" \\ \n \t escapes), and # comment lines. Reading
// that part directly takes a tenth of what a YAML parser takes (about 5 ms for en.yaml, paid
// by every command at start-up). parseCatalogue answers false for anything outside that part,
// and the catalogue is then read by the YAML parser as before; TestCatalogueParserAgreesWithYAML
// checks that both read the shipped catalogues the same.

// catalogueFile is a catalogue file read: its messages, and where each ID is among them. The
// messages are handed to go-i18n (which makes a template of each) only when they are first
// asked for (see langBundle.ensure): a command prints a few dozen of the ~800.
type catalogueFile struct {
	msgs []goi18n.Message
	byID map[string]int
}

// parseCatalogue reads a catalogue file written in the part of YAML above.
func parseCatalogue(data []byte) ([]*goi18n.Message, bool) {
	c, ok := readCatalogue(string(data))
	if !ok {
		return nil, false
	}
	msgs := make([]*goi18n.Message, len(c.msgs))
	for i := range c.msgs {
		msgs[i] = &c.msgs[i]
	}
	return msgs, true
}

// readCatalogue reads a catalogue file written in the part of YAML above. The texts are parts
// of data wherever they need no unescaping: one pass, few allocations.
func readCatalogue(data string) (*catalogueFile, bool) {
	c := &catalogueFile{byID: make(map[string]int, strings.Count(data, "\n"))}
	plural := -1 // the message whose plural forms follow
	if !plainText(data) {
		return nil, false
	}
	for len(data) > 0 {
		line := data
		if nl := strings.IndexByte(data, '\n'); nl >= 0 {
			line, data = data[:nl], data[nl+1:]
		} else {
			data = ""
		}
		s := strings.TrimRight(line, " \t\r")
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		if strings.HasPrefix(s, "  ") && plural >= 0 {
			key, value, ok := keyValue(s[2:])
			if !ok || value == nil {
				return nil, false
			}
			m := &c.msgs[plural]
			switch key {
			case "zero":
				m.Zero = *value
			case "one":
				m.One = *value
			case "two":
				m.Two = *value
			case "few":
				m.Few = *value
			case "many":
				m.Many = *value
			case "other":
				m.Other = *value
			default:
				return nil, false
			}
			continue
		}
		if plural >= 0 && c.msgs[plural].Other == "" {
			return nil, false // a plural message needs its other form
		}
		plural = -1
		key, value, ok := keyValue(s)
		if !ok || messageField(key) {
			return nil, false // go-i18n reads a file of such keys as one message
		}
		if _, seen := c.byID[key]; seen {
			return nil, false // YAML refuses a key given twice
		}
		c.byID[key] = len(c.msgs)
		c.msgs = append(c.msgs, goi18n.Message{ID: key})
		if value == nil {
			plural = len(c.msgs) - 1
		} else {
			c.msgs[len(c.msgs)-1].Other = *value
		}
	}
	if plural >= 0 && c.msgs[plural].Other == "" || len(c.msgs) == 0 {
		return nil, false
	}
	return c, true
}

// keyValue splits `key: scalar` (value nil for a bare `key:`).
func keyValue(s string) (string, *string, bool) {
	colon := strings.Index(s, ":")
	if colon <= 0 {
		return "", nil, false
	}
	key := s[:colon]
	if c := key[0]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') || yamlWord(key) {
		return "", nil, false // a number, or a word YAML reads as a boolean or null
	}
	for _, r := range key {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return "", nil, false
		}
	}
	rest := s[colon+1:]
	if rest == "" {
		return key, nil, true
	}
	if rest[0] != ' ' {
		return "", nil, false
	}
	v, ok := scalar(strings.TrimLeft(rest, " "))
	return key, &v, ok
}

// scalar decodes one YAML scalar on a line of its own, or says it is outside the small part.
func scalar(s string) (string, bool) {
	switch s[0] {
	case '"':
		if j := strings.IndexAny(s[1:], `"\`); j >= 0 && s[1+j] == '"' {
			return s[1 : 1+j], 1+j == len(s)-1 // nothing to unescape
		}
		var b strings.Builder
		b.Grow(len(s))
		for i := 1; i < len(s); i++ {
			// the text up to the next quote or escape, as it is
			j := strings.IndexAny(s[i:], `"\`)
			if j < 0 {
				return "", false
			}
			b.WriteString(s[i : i+j])
			i += j
			if s[i] == '"' {
				return b.String(), i == len(s)-1
			}
			if i+1 >= len(s) {
				return "", false
			}
			i++
			switch s[i] {
			case '"', '\\', '/':
				b.WriteByte(s[i])
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			default:
				return "", false
			}
		}
		return "", false
	case '\'':
		if len(s) < 2 || s[len(s)-1] != '\'' {
			return "", false
		}
		inner := s[1 : len(s)-1]
		if strings.Count(inner, "'")%2 != 0 || strings.Contains(strings.ReplaceAll(inner, "''", ""), "'") {
			return "", false
		}
		return strings.ReplaceAll(inner, "''", "'"), true
	}
	// A plain scalar: only text YAML reads as a string, the same.
	if strings.ContainsAny(s[:1], "[]{}&*!|>%@`#,?:-") || strings.Contains(s, ": ") || strings.HasSuffix(s, ":") ||
		strings.Contains(s, " #") || strings.ContainsAny(s, "\t\"'") {
		return "", false
	}
	if yamlWord(s) {
		return "", false
	}
	if c := s[0]; c >= '0' && c <= '9' || c == '.' || c == '+' {
		return "", false
	}
	return s, true
}

// yamlWord reports a plain word a YAML reader may take for a boolean or null.
func yamlWord(s string) bool {
	if len(s) > len("false") {
		return false
	}
	switch strings.ToLower(s) {
	case "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~":
		return true
	}
	return false
}

// plainText reports UTF-8 text of characters YAML prints as they are: no control characters
// but the line feed, none of the characters YAML also reads as line breaks, no byte-order mark.
func plainText(data string) bool {
	for i := 0; i < len(data); {
		if c := data[i]; c < utf8.RuneSelf { // ASCII, most of a catalogue: no decoding
			if c < 0x20 && c != '\n' || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(data[i:])
		switch {
		case r == utf8.RuneError && size == 1: // not UTF-8
			return false
		case r <= 0x9f, r == 0x2028, r == 0x2029, r == 0xfeff, r >= 0xfffe && r <= 0xffff:
			return false
		}
		i += size
	}
	return true
}

// messageField reports the names go-i18n reads as the fields of a message.
func messageField(key string) bool {
	if len(key) > len("description") {
		return false
	}
	switch strings.ToLower(key) {
	case "id", "description", "hash", "leftdelim", "rightdelim", "zero", "one", "two", "few", "many", "other", "translation":
		return true
	}
	return false
}
