package i18n

import (
	"strings"
	"sync/atomic"
	"unicode/utf8"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
)

// The catalogues are written in a small part of YAML: one message per line (`id: text`), or
// `id:` followed by its plural forms indented by two spaces (`  one: text`), each text plain,
// 'single-quoted' or "double-quoted" (with \" \\ \n \t escapes), and # comment lines. Reading
// that part directly takes a tenth of what a YAML parser takes (about 5 ms for en.yaml, paid
// by every command at start-up). parseCatalogue answers false for anything outside that part;
// TestCatalogueParserAgreesWithYAML checks that both read the shipped catalogues the same.
//
// Even that reading is too much for a start (1.5 ms for the ~800 messages of en.yaml, of which
// `incidentctl --help` prints a dozen): the program only finds where each message starts
// (indexCatalogue, one pass of IndexByte) and reads a message's text the first time it is asked
// for. A message outside that part of YAML is then left to the YAML parser's reading of the
// whole catalogue (langBundle.whole), never read differently.

// catalogueFile is a catalogue file indexed: where each message's lines are, and each message
// once read. The messages are handed to go-i18n (which makes a template of each) only when
// they are first asked for (see langBundle.ensure): a command prints a few dozen of the ~800.
type catalogueFile struct {
	data    string
	entries []catalogueEntry
	// slots is a hash table of the entries by message ID (open addressing, linear probing):
	// entry index + 1, 0 for an empty slot. The IDs themselves are not copied anywhere: a
	// Go map of 800 strings took most of the indexing time.
	slots []int32
}

// catalogueEntry is one message of a catalogue file: its lines, data[start:end], the length of
// its ID (data[start:start+idLen]), and the message read from them (nil until first asked
// for; bad when outside the part of YAML, or given twice).
type catalogueEntry struct {
	start, end int
	idLen      int
	msg        atomic.Pointer[goi18n.Message]
	bad        atomic.Bool
}

// idHash is FNV-1a of a message ID.
func idHash(id string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(id); i++ {
		h ^= uint32(id[i])
		h *= 16777619
	}
	return h
}

// indexCatalogue finds the messages of a catalogue file: every line that starts at the margin
// (not a comment) starts one, and its indented lines follow. The texts are not read.
func indexCatalogue(data string) *catalogueFile {
	c := &catalogueFile{data: data, entries: make([]catalogueEntry, 0, len(data)/128+64)}
	for off := 0; off < len(data); {
		end := len(data)
		if nl := strings.IndexByte(data[off:], '\n'); nl >= 0 {
			end = off + nl + 1
		}
		switch data[off] {
		case ' ', '\t', '\n', '\r', '#':
			// a comment, a blank or an indented line: part of the message above, if any
		default:
			if n := len(c.entries); n > 0 {
				c.entries[n-1].end = off
			}
			idLen := strings.IndexByte(data[off:end], ':')
			if idLen < 0 {
				idLen = end - off
			}
			c.entries = append(c.entries, catalogueEntry{start: off, end: len(data), idLen: idLen})
		}
		off = end
	}
	size := 1
	for size < 2*len(c.entries) {
		size *= 2
	}
	c.slots = make([]int32, size)
	for i := range c.entries {
		e := &c.entries[i]
		id := data[e.start : e.start+e.idLen]
		for h := idHash(id) & uint32(size-1); ; h = (h + 1) & uint32(size-1) {
			if c.slots[h] == 0 {
				c.slots[h] = int32(i + 1)
				break
			}
			if o := &c.entries[c.slots[h]-1]; c.id(o) == id {
				o.bad.Store(true) // YAML refuses a key given twice: neither is read
				e.bad.Store(true)
				break
			}
		}
	}
	return c
}

// id is the message ID of an entry.
func (c *catalogueFile) id(e *catalogueEntry) string { return c.data[e.start : e.start+e.idLen] }

// find is the entry of message id, or nil.
func (c *catalogueFile) find(id string) *catalogueEntry {
	if len(c.slots) == 0 {
		return nil
	}
	mask := uint32(len(c.slots) - 1)
	for h := idHash(id) & mask; c.slots[h] != 0; h = (h + 1) & mask {
		if e := &c.entries[c.slots[h]-1]; c.id(e) == id {
			return e
		}
	}
	return nil
}

// has reports whether the file has message id (read or not).
func (c *catalogueFile) has(id string) bool { return c.find(id) != nil }

// message is message id of the file, read the first time it is asked for; ok is false when the
// file lacks it or it is outside the part of YAML above.
func (c *catalogueFile) message(id string) (m *goi18n.Message, ok bool) {
	e := c.find(id)
	if e == nil {
		return nil, false
	}
	if m := e.msg.Load(); m != nil {
		return m, true
	}
	if e.bad.Load() {
		return nil, false
	}
	read, ok := readMessage(c.data[e.start:e.end])
	if !ok || read.ID != id {
		e.bad.Store(true)
		return nil, false
	}
	if !e.msg.CompareAndSwap(nil, &read) {
		return e.msg.Load(), true // another goroutine read it at the same time
	}
	return &read, true
}

// parseCatalogue reads a catalogue file written in the part of YAML above.
func parseCatalogue(data []byte) ([]*goi18n.Message, bool) {
	c, ok := readCatalogue(string(data))
	if !ok {
		return nil, false
	}
	msgs := make([]*goi18n.Message, len(c.entries))
	for i := range c.entries {
		msgs[i] = c.entries[i].msg.Load()
	}
	return msgs, true
}

// readCatalogue reads every message of a catalogue file written in the part of YAML above, or
// answers false.
func readCatalogue(data string) (*catalogueFile, bool) {
	if !plainText(data) {
		return nil, false
	}
	c := indexCatalogue(data)
	if len(c.entries) == 0 || !onlyComments(data[:c.entries[0].start]) {
		return nil, false // nothing, or indented text before the first message
	}
	for i := range c.entries {
		e := &c.entries[i]
		if e.bad.Load() {
			return nil, false
		}
		m, ok := readMessage(data[e.start:e.end])
		if !ok {
			return nil, false
		}
		e.msg.Store(&m)
	}
	return c, true
}

// onlyComments reports whether s holds nothing but blank and comment lines.
func onlyComments(s string) bool {
	for _, line := range strings.Split(s, "\n") {
		if t := strings.TrimRight(line, " \t\r"); t != "" && !strings.HasPrefix(t, "#") {
			return false
		}
	}
	return true
}

// readMessage reads one message: its `id: text` line, or its `id:` line and the plural forms
// indented under it, with any comment and blank lines among them. The texts are parts of the
// file wherever they need no unescaping.
func readMessage(lines string) (goi18n.Message, bool) {
	var m goi18n.Message
	if !plainText(lines) {
		return m, false
	}
	plural := false // the message's plural forms follow
	first := true
	for len(lines) > 0 {
		line := lines
		if nl := strings.IndexByte(lines, '\n'); nl >= 0 {
			line, lines = lines[:nl], lines[nl+1:]
		} else {
			lines = ""
		}
		s := strings.TrimRight(line, " \t\r")
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		if !first {
			if !plural || !strings.HasPrefix(s, "  ") {
				return m, false
			}
			key, value, ok := keyValue(s[2:])
			if !ok || value == nil {
				return m, false
			}
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
				return m, false
			}
			continue
		}
		first = false
		key, value, ok := keyValue(s)
		if !ok || messageField(key) {
			return m, false // go-i18n reads a file of such keys as one message
		}
		m.ID = key
		if value == nil {
			plural = true
		} else {
			m.Other = *value
		}
	}
	if first || m.Other == "" && plural {
		return m, false // a plural message needs its other form
	}
	return m, true
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
