package cli

import (
	"maps"
	"math"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
)

// appendIncidentElement appends what encodeElement makes of v (encoding/json without HTML
// escaping, indented by indentJSON with prefix and indent "  ", escapeJSON's escapes), written
// directly instead of through reflection, a second indenting pass and a third escaping pass:
// list --json at 100,000 incidents encodes close to a gigabyte, and the three passes were a
// third of a first listing's time. It reports false, with dst as it was given, for what it does
// not write the way encoding/json does (a time outside what Time.MarshalJSON accepts, a float
// encoding/json refuses, a custom field of a type toIncidentJSON does not make): the caller then
// encodes with encoding/json, which writes it or returns its error. TestIncidentElementAgrees and
// FuzzIncidentElement hold the two equal.
func appendIncidentElement(dst []byte, v *IncidentJSON) ([]byte, bool) {
	e := elemJSON{b: dst}
	e.b = append(e.b, '{')
	e.key(1, "id", true)
	e.str(v.ID)
	e.key(1, "path", false)
	e.str(v.Path)
	e.key(1, "title", false)
	e.str(v.Title)
	e.key(1, "severity", false)
	e.str(v.Severity)
	e.key(1, "status", false)
	e.str(v.Status)
	e.key(1, "commander", false)
	e.str(v.Commander)
	e.key(1, "roles", false)
	e.stringMap(1, v.Roles)
	e.key(1, "impact", false)
	e.str(v.Impact)
	e.key(1, "announcement", false)
	e.str(v.Announcement)
	e.key(1, "announced_at", false)
	e.timePtr(v.AnnouncedAt)
	e.key(1, "declared_at", false)
	e.timePtr(v.DeclaredAt)
	e.key(1, "identified_at", false)
	e.timePtr(v.IdentifiedAt)
	e.key(1, "mitigated_at", false)
	e.timePtr(v.MitigatedAt)
	e.key(1, "resolved_at", false)
	e.timePtr(v.ResolvedAt)
	e.key(1, "resolution", false)
	e.str(v.Resolution)
	e.key(1, "template", false)
	e.str(v.Template)
	if v.Kind != "" {
		e.key(1, "kind", false)
		e.str(v.Kind)
	}
	e.key(1, "fields", false)
	e.fields(1, v.Fields)
	e.key(1, "actions", false)
	objectList(&e, v.Actions, func(a *ActionJSON) {
		e.key(3, "number", true)
		e.b = strconv.AppendInt(e.b, int64(a.Number), 10)
		e.key(3, "text", false)
		e.str(a.Text)
		e.key(3, "done", false)
		e.b = strconv.AppendBool(e.b, a.Done)
		e.key(3, "required", false)
		e.b = strconv.AppendBool(e.b, a.Required)
		e.key(3, "due_at", false)
		e.timePtr(a.DueAt)
		e.key(3, "overdue", false)
		e.b = strconv.AppendBool(e.b, a.Overdue)
	})
	e.key(1, "log", false)
	objectList(&e, v.Log, func(l *LogJSON) {
		e.key(3, "at", true)
		e.time(l.At)
		e.key(3, "author", false)
		e.str(l.Author)
		e.key(3, "text", false)
		e.str(l.Text)
	})
	e.newline(0)
	e.b = append(e.b, '}')
	if e.fail {
		return dst, false
	}
	return e.b, true
}

// objectList appends a member's list of objects (at depth 1, its objects at depth 2), each
// object's members written by item, as encoding/json and the indentation write it.
func objectList[T any](e *elemJSON, s []T, item func(*T)) {
	switch {
	case s == nil:
		e.b = append(e.b, "null"...)
		return
	case len(s) == 0:
		e.b = append(e.b, "[]"...)
		return
	}
	e.b = append(e.b, '[')
	for i := range s {
		if i > 0 {
			e.b = append(e.b, ',')
		}
		e.newline(2)
		e.b = append(e.b, '{')
		item(&s[i])
		e.newline(2)
		e.b = append(e.b, '}')
	}
	e.newline(1)
	e.b = append(e.b, ']')
}

// elemJSON is appendIncidentElement's buffer, and whether it met something it does not write.
type elemJSON struct {
	b    []byte
	fail bool
}

// indentSpaces is what a line of an element starts with, at most.
const indentSpaces = "                                "

// newline starts a line at depth (the element's own braces are at depth 0): indentJSON's
// newline with the prefix and depth indents of two spaces.
func (e *elemJSON) newline(depth int) {
	e.b = append(e.b, '\n')
	n := 2 * (depth + 1)
	for n > len(indentSpaces) {
		e.b = append(e.b, indentSpaces...)
		n -= len(indentSpaces)
	}
	e.b = append(e.b, indentSpaces[:n]...)
}

// key starts a member of an object at depth-1 (its members at depth): the comma before all
// but the first, the line, the key (one that needs no escape) and the colon.
func (e *elemJSON) key(depth int, k string, first bool) {
	if !first {
		e.b = append(e.b, ',')
	}
	e.newline(depth)
	e.b = append(e.b, '"')
	e.b = append(e.b, k...)
	e.b = append(e.b, '"', ':', ' ')
}

// memberKey is key for a key that may need escapes (a map's).
func (e *elemJSON) memberKey(depth int, k string, first bool) {
	if !first {
		e.b = append(e.b, ',')
	}
	e.newline(depth)
	e.str(k)
	e.b = append(e.b, ':', ' ')
}

// plainASCII holds the ASCII bytes a string carries through unescaped: what encoding/json's
// safeSet holds (without HTML escaping), less DEL, which escapeJSON escapes.
var plainASCII = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

const hexDigits = "0123456789abcdef"

// str appends s as a JSON string: encoding/json's appendString (escapeHTML false: quote,
// backslash and the C0 controls escaped, invalid UTF-8 as \ufffd, U+2028 and U+2029 as \u
// escapes) followed by escapeJSON (DEL, the C1 controls and the bidi overrides as \u escapes).
func (e *elemJSON) str(s string) {
	b := append(e.b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if plainASCII[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default: // the other C0 controls, and DEL
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r >= 0x80 && r <= 0x9f || r >= 0x2028 && r <= 0x202e || r >= 0x2066 && r <= 0x2069:
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', hexDigits[r>>12], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	e.b = append(b, '"')
}

// time appends t as Time.MarshalJSON does; a time it refuses fails the element.
func (e *elemJSON) time(t time.Time) {
	e.b = append(e.b, '"')
	n0 := len(e.b)
	e.b = t.AppendFormat(e.b, time.RFC3339Nano)
	// Time.MarshalJSON's checks (appendStrictRFC3339): a year of four digits, an offset of
	// whole minutes below 24 hours.
	b := e.b
	switch {
	case len(b) < n0+5 || b[n0+4] != '-':
		e.fail = true
	case b[len(b)-1] != 'Z':
		c := b[len(b)-len("Z07:00")]
		if '0' <= c && c <= '9' || 10*(b[len(b)-5]-'0')+(b[len(b)-4]-'0') >= 24 {
			e.fail = true
		}
	}
	e.b = append(e.b, '"')
}

func (e *elemJSON) timePtr(t *time.Time) {
	if t == nil {
		e.b = append(e.b, "null"...)
		return
	}
	e.time(*t)
}

// stringMap appends m with its keys in order, as encoding/json does.
func (e *elemJSON) stringMap(depth int, m map[string]string) {
	objectMap(e, depth, m, e.str)
}

// fields appends the custom fields (customFields): strings, numbers, booleans and lists of
// strings; anything else fails the element.
func (e *elemJSON) fields(depth int, m map[string]any) {
	objectMap(e, depth, m, func(v any) {
		switch v := v.(type) {
		case string:
			e.str(v)
		case bool:
			e.b = strconv.AppendBool(e.b, v)
		case float64:
			e.float(v)
		case []string:
			e.strings(depth+1, v)
		default:
			e.fail = true
		}
	})
}

// objectMap appends m as an object at depth, its keys in order (as encoding/json sorts them),
// each value written by value.
func objectMap[V any](e *elemJSON, depth int, m map[string]V, value func(V)) {
	switch {
	case m == nil:
		e.b = append(e.b, "null"...)
		return
	case len(m) == 0:
		e.b = append(e.b, "{}"...)
		return
	}
	e.b = append(e.b, '{')
	for i, k := range slices.Sorted(maps.Keys(m)) {
		e.memberKey(depth+1, k, i == 0)
		value(m[k])
	}
	e.newline(depth)
	e.b = append(e.b, '}')
}

// float appends f as encoding/json's floatEncoder does (64 bits); NaN and the infinities,
// which it refuses, fail the element.
func (e *elemJSON) float(f float64) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		e.fail = true
		return
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	e.b = strconv.AppendFloat(e.b, f, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9
		n := len(e.b)
		if n >= 4 && e.b[n-4] == 'e' && e.b[n-3] == '-' && e.b[n-2] == '0' {
			e.b[n-2] = e.b[n-1]
			e.b = e.b[:n-1]
		}
	}
}

func (e *elemJSON) strings(depth int, ss []string) {
	switch {
	case ss == nil:
		e.b = append(e.b, "null"...)
		return
	case len(ss) == 0:
		e.b = append(e.b, "[]"...)
		return
	}
	e.b = append(e.b, '[')
	for i, s := range ss {
		if i > 0 {
			e.b = append(e.b, ',')
		}
		e.newline(depth + 1)
		e.str(s)
	}
	e.newline(depth)
	e.b = append(e.b, ']')
}
