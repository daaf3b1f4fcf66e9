package cli

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/incidentctl/incidentctl/pkg/incident"
)

// Hostile text is inert on every output. Documents are text anyone could have written (a
// pasted terminal log, a title copied from chat): a terminal escape sequence in a title
// printed raw can set the window title, clear the screen or hide what follows. Two layers:
//
//   - displayDoc escapes the text of a document before a command shows it to a person, so
//     what it shows is visible: ESC becomes \x1b, BEL \x07, a bidi override \u202e;
//   - every byte incidentctl writes to stdout and stderr goes through a safeWriter, which does
//     the same to whatever slipped through (a file name, an error quoting a document), letting
//     pass only the colour codes of the palette, and only on a terminal that asked for them.
//
// JSON carries the exact text: encoding/json escapes the C0 controls, and escapeJSON the
// others (DEL, C1, bidi), as \u sequences a JSON reader turns back into the same text.

// escapeControl returns s with every control character written as a visible escape.
func escapeControl(s string) string {
	if incident.ControlAt(s) < 0 && utf8.ValidString(s) && !strings.Contains(s, "\r") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r != '\n' && r != '\t' && isControlRune(r):
			b.WriteString(controlEscape(r))
		default:
			b.WriteString(s[i : i+n])
		}
		i += max(n, 1)
	}
	return b.String()
}

// isControlRune: what a terminal or a bidi-aware renderer acts on (see incident.ControlAt).
func isControlRune(r rune) bool {
	return r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
}

func controlEscape(r rune) string {
	if r < 0x80 {
		return fmt.Sprintf(`\x%02x`, r)
	}
	return fmt.Sprintf(`\u%04x`, r)
}

// displayDoc returns a copy of d whose text is safe to print (escapeControl): what a person
// reads on the terminal. The document itself is left as it is.
func displayDoc(d *incident.Document) *incident.Document {
	if d == nil {
		return nil
	}
	c := *d
	m := &c.Meta
	for _, p := range []*string{&m.ID, &m.Title, &m.Severity, &m.Status, &m.Commander, &m.Impact, &m.Announcement, &m.Resolution, &m.Template, &m.Kind} {
		*p = escapeControl(*p)
	}
	m.Roles = slices.Clone(m.Roles)
	for i := range m.Roles {
		m.Roles[i].Name, m.Roles[i].Holder = escapeControl(m.Roles[i].Name), escapeControl(m.Roles[i].Holder)
	}
	c.Path = escapeControl(c.Path)
	c.Actions = slices.Clone(c.Actions)
	for i := range c.Actions {
		c.Actions[i].Text = escapeControl(c.Actions[i].Text)
	}
	c.Log = slices.Clone(c.Log)
	for i := range c.Log {
		c.Log[i].Author, c.Log[i].Text = escapeControl(c.Log[i].Author), escapeControl(c.Log[i].Text)
	}
	return &c
}

// forPeople is displayDoc for text output; JSON gets the document as it is.
func (app *App) forPeople(d *incident.Document) *incident.Document {
	if app.JSON {
		return d
	}
	return displayDoc(d)
}

// forPeopleAll is forPeople for a listing.
func (app *App) forPeopleAll(ds []*incident.Document) []*incident.Document {
	if app.JSON {
		return ds
	}
	return displayDocs(ds)
}

// displayDocs is displayDoc for a listing.
func displayDocs(ds []*incident.Document) []*incident.Document {
	out := make([]*incident.Document, len(ds))
	for i, d := range ds {
		out[i] = displayDoc(d)
	}
	return out
}

// escapeJSON writes the control characters encoding/json leaves raw (DEL, C1, bidi
// overrides) as \u escapes; the JSON means the same text.
func escapeJSON(b []byte) []byte {
	clean := true
	for i := 0; i < len(b); i++ {
		if b[i] == 0x7f || b[i] == 0xc2 || b[i] == 0xe2 {
			clean = false
			break
		}
	}
	if clean {
		return b
	}
	var out bytes.Buffer
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r != utf8.RuneError && (r == 0x7f || r >= 0x80 && isControlRune(r)) {
			fmt.Fprintf(&out, `\u%04x`, r)
		} else {
			out.Write(b[i : i+max(n, 1)])
		}
		i += max(n, 1)
	}
	return out.Bytes()
}

// safeWriter escapes control characters in everything written through it, except line
// feeds and tabs, carriage returns when cr is set (remote progress lines), and the exact
// colour sequences of the palette when sgr is set. A UTF-8 character or a colour sequence
// split between two writes is held back until the next one (Flush writes what is left).
type safeWriter struct {
	w       io.Writer
	sgr, cr bool
	pending []byte
}

// paletteSGR are the only escape sequences incidentctl writes itself.
var paletteSGR = func() []string {
	var out []string
	for _, c := range []string{"0", bold, red, boldRed, yellow, green} {
		out = append(out, "\x1b["+c+"m")
	}
	return out
}()

func newSafeWriter(w io.Writer, sgr bool) *safeWriter { return &safeWriter{w: w, sgr: sgr} }

func (s *safeWriter) Write(p []byte) (int, error) {
	data := p
	if len(s.pending) > 0 {
		data = append(s.pending, p...)
		s.pending = nil
	}
	var out []byte // nil while nothing needed escaping: data is written as it is
	last := 0
	flushTo := func(i int, repl string) {
		if out == nil {
			out = make([]byte, 0, len(data)+16)
		}
		out = append(out, data[last:i]...)
		out = append(out, repl...)
	}
	i := 0
	for i < len(data) {
		c := data[i]
		switch {
		case c >= 0x20 && c < 0x7f, c == '\n', c == '\t', c == '\r' && s.cr:
			i++
			continue
		case c == 0x1b && s.sgr:
			if seq, ok := s.sgrAt(data[i:]); ok {
				i += len(seq)
				continue
			} else if seq == "" && i+8 > len(data) && couldBeSGR(data[i:]) {
				s.pending = append(s.pending, data[i:]...)
				data = data[:i]
				continue
			}
		case c >= 0x80:
			r, n := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && n <= 1 && !utf8.FullRune(data[i:]) {
				s.pending = append(s.pending, data[i:]...)
				data = data[:i]
				continue
			}
			if r != utf8.RuneError && !isControlRune(r) || r == utf8.RuneError && n == 3 {
				i += n
				continue
			}
			if r == utf8.RuneError {
				flushTo(i, fmt.Sprintf(`\x%02x`, c))
				i++
			} else {
				flushTo(i, controlEscape(r))
				i += n
			}
			last = i
			continue
		}
		flushTo(i, controlEscape(rune(c)))
		i++
		last = i
	}
	if out == nil {
		if _, err := s.w.Write(data); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	out = append(out, data[last:]...)
	if _, err := s.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// sgrAt returns the palette sequence at the start of b, if any.
func (s *safeWriter) sgrAt(b []byte) (string, bool) {
	for _, seq := range paletteSGR {
		if bytes.HasPrefix(b, []byte(seq)) {
			return seq, true
		}
	}
	return "", false
}

// couldBeSGR: b (shorter than any palette sequence may be) is the start of one.
func couldBeSGR(b []byte) bool {
	for _, seq := range paletteSGR {
		if len(b) < len(seq) && strings.HasPrefix(seq, string(b)) {
			return true
		}
	}
	return false
}

// Flush writes what a write left pending (an incomplete character is escaped).
func (s *safeWriter) Flush() error {
	if len(s.pending) == 0 {
		return nil
	}
	p := s.pending
	s.pending = nil
	var b strings.Builder
	for _, c := range p {
		if c >= 0x20 && c < 0x7f {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, `\x%02x`, c)
		}
	}
	_, err := io.WriteString(s.w, b.String())
	return err
}
