package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/incidentctl/incidentctl/pkg/board"
	"github.com/incidentctl/incidentctl/pkg/config"
	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/workspace"
)

// printJSON is the one --json writer every command uses.
func (app *App) printJSON(v any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := app.Out.Write(escapeJSON(b.Bytes()))
	return err
}

// printJSONArray writes the array of n elements, element(i) the i-th, byte for byte as
// printJSON writes the slice, one element encoded at a time (status and next at 100,000
// incidents list hundreds: the whole array encoded, then copied whole by the escaping, was most
// of what their memory grew by).
func printJSONArray[T any](app *App, n int, element func(i int) T) error {
	out := app.jsonStream()
	for i := range n {
		b, err := encodeElement(element(i))
		if err != nil {
			return err
		}
		if err := out.add(b); err != nil {
			return err
		}
	}
	return out.close()
}

// jsonStream writes a JSON array one element at a time: byte for byte what printJSON writes for
// the slice of the same elements, without ever holding more than one element's encoding (a
// listing of 100,000 incidents is close to a gigabyte of JSON). The elements are encoded by
// encodeElement, which is safe on any goroutine, so that a listing can encode on every core.
type jsonStream struct {
	w *bufio.Writer
	n int
}

func (app *App) jsonStream() *jsonStream {
	// What encodeElement makes has every control character escaped already (encoding/json the
	// C0 ones, escapeJSON the rest): the safeWriter every output passes through would copy it
	// unchanged, a byte at a time, so the stream writes past it (after what it holds back).
	w := app.Out
	if s, ok := w.(*safeWriter); ok {
		s.Flush()
		w = s.w
	}
	return &jsonStream{w: bufio.NewWriterSize(w, 256<<10)}
}

// elementEncoders recycles the buffers and encoders of encodeElement.
var elementEncoders = sync.Pool{New: func() any {
	e := &elementEncoder{}
	e.enc = json.NewEncoder(&e.buf)
	e.enc.SetEscapeHTML(false)
	return e
}}

type elementEncoder struct {
	buf bytes.Buffer
	enc *json.Encoder
}

// encodeElement encodes v as printJSON would as an element of a top-level array (indented one
// level, without the separator), its control characters escaped.
func encodeElement(v any) ([]byte, error) {
	if inc, ok := v.(IncidentJSON); ok {
		return encodeIncident(&inc)
	}
	return reflectElement(v)
}

// elementBuffers recycles the buffers encodeIncident appends into.
var elementBuffers = sync.Pool{New: func() any { return new([]byte) }}

// encodeIncident is encodeElement of an incident, in a buffer of its size.
func encodeIncident(v *IncidentJSON) ([]byte, error) {
	buf := elementBuffers.Get().(*[]byte)
	defer elementBuffers.Put(buf)
	b, ok := appendIncidentElement((*buf)[:0], v)
	if !ok {
		return reflectElement(*v)
	}
	*buf = b
	return bytes.Clone(b), nil
}

// reflectElement is encodeElement through encoding/json: the reference appendIncidentElement
// is held to, and the encoder of every other element.
func reflectElement(v any) ([]byte, error) {
	e := elementEncoders.Get().(*elementEncoder)
	defer elementEncoders.Put(e)
	e.buf.Reset()
	if err := e.enc.Encode(v); err != nil {
		return nil, err
	}
	compact := bytes.TrimSuffix(e.buf.Bytes(), []byte("\n"))
	out := indentJSON(make([]byte, 0, len(compact)*2), compact, "  ", "  ")
	return escapeJSON(out), nil
}

// indentJSON appends src, compact JSON as encoding/json writes it (valid, no white space
// outside strings), indented exactly as encoding/json's Indent and Encoder.SetIndent indent it
// (empty objects and arrays stay {} and []), several times faster: strings are copied whole,
// not scanned byte by byte (a quote ends one unless an odd number of backslashes precede it).
func indentJSON(dst, src []byte, prefix, indent string) []byte {
	depth := 0
	needIndent := false
	newline := func() {
		dst = append(dst, '\n')
		dst = append(dst, prefix...)
		for range depth {
			dst = append(dst, indent...)
		}
	}
	for i := 0; i < len(src); i++ {
		c := src[i]
		if needIndent && c != '}' && c != ']' {
			needIndent = false
			depth++
			newline()
		}
		switch c {
		case '"':
			j := i + 1
			for {
				k := bytes.IndexByte(src[j:], '"')
				if k < 0 {
					j = len(src) - 1 // not valid JSON: copy the rest
					break
				}
				j += k
				n := 0
				for n < j-i-1 && src[j-1-n] == '\\' {
					n++
				}
				if n%2 == 0 {
					break
				}
				j++
			}
			dst = append(dst, src[i:j+1]...)
			i = j
		case '{', '[':
			needIndent = true // {} and [] stay as they are
			dst = append(dst, c)
		case ',':
			dst = append(dst, c)
			newline()
		case ':':
			dst = append(dst, c, ' ')
		case '}', ']':
			if needIndent {
				needIndent = false
			} else {
				depth--
				newline()
			}
			dst = append(dst, c)
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// add writes one element encoded by encodeElement.
func (s *jsonStream) add(elem []byte) error {
	sep := ",\n  "
	if s.n == 0 {
		sep = "[\n  "
	}
	s.n++
	s.w.WriteString(sep)
	_, err := s.w.Write(elem)
	return err
}

// close ends the array.
func (s *jsonStream) close() error {
	if s.n == 0 {
		s.w.WriteString("[]\n")
	} else {
		s.w.WriteString("\n]\n")
	}
	return s.w.Flush()
}

// writeJSON is what write commands print with --json: what was committed, and the incident as
// it is after the change (the same object as show --json). Commit is "" when nothing changed.
type writeJSON struct {
	ID       string        `json:"id"`
	Path     string        `json:"path"`
	Commit   string        `json:"commit"`
	Title    string        `json:"title"`
	Severity string        `json:"severity"`
	Status   string        `json:"status"`
	Warnings []string      `json:"warnings"`
	Changed  bool          `json:"changed"`
	Incident *IncidentJSON `json:"incident"`
}

func (app *App) toWriteJSON(r *workspace.Result) writeJSON {
	w := writeJSON{ID: r.ID, Path: r.Path, Commit: r.Commit, Warnings: r.Warnings, Changed: r.Commit != ""}
	if w.Warnings == nil {
		w.Warnings = []string{}
	}
	if r.Doc != nil {
		w.Title, w.Severity, w.Status = r.Doc.Meta.Title, r.Doc.Meta.Severity, r.Doc.Meta.Status
		inc := app.toIncidentJSON(r.Doc)
		w.Incident = &inc
	}
	return w
}

// IncidentJSON is the JSON contract for one incident (show --json, list --json).
type IncidentJSON struct {
	ID           string            `json:"id"`
	Path         string            `json:"path"`
	Title        string            `json:"title"`
	Severity     string            `json:"severity"`
	Status       string            `json:"status"`
	Commander    string            `json:"commander"`
	Roles        map[string]string `json:"roles"`
	Impact       string            `json:"impact"`
	Announcement string            `json:"announcement"`
	AnnouncedAt  *time.Time        `json:"announced_at"`
	DeclaredAt   *time.Time        `json:"declared_at"`
	IdentifiedAt *time.Time        `json:"identified_at"`
	MitigatedAt  *time.Time        `json:"mitigated_at"`
	ResolvedAt   *time.Time        `json:"resolved_at"`
	Resolution   string            `json:"resolution"`
	Template     string            `json:"template"`
	Kind         string            `json:"kind,omitempty"` // "drill" for a drill; absent for a real incident
	// Fields are the team's own front-matter keys declared in .incidentctl.yaml (fields:), by
	// key, typed as declared; a key the document lacks is absent.
	Fields  map[string]any `json:"fields"`
	Actions []ActionJSON   `json:"actions"`
	Log     []LogJSON      `json:"log"`
}

// ActionJSON is one action-list item, the same shape everywhere (show, next, status, write
// results): number is what update --check takes; due_at is null without a time box.
type ActionJSON struct {
	Number   int        `json:"number"`
	Text     string     `json:"text"`
	Done     bool       `json:"done"`
	Required bool       `json:"required"`
	DueAt    *time.Time `json:"due_at"`
	Overdue  bool       `json:"overdue"`
}

func toActionJSON(it board.Item) ActionJSON {
	return ActionJSON{Number: it.Number, Text: it.Text, Done: it.Done, Required: it.Required, DueAt: it.DueAt, Overdue: it.Overdue}
}

func toActionsJSON(items []board.Item) []ActionJSON {
	out := make([]ActionJSON, len(items))
	for i, it := range items {
		out[i] = toActionJSON(it)
	}
	return out
}

// LogJSON is one log entry.
type LogJSON struct {
	At     time.Time `json:"at"`
	Author string    `json:"author"`
	Text   string    `json:"text"`
}

func (app *App) toIncidentJSON(d *incident.Document) IncidentJSON {
	return app.incidentJSONAt(d, app.Now())
}

// incidentJSONAt is toIncidentJSON at clock reading now. list --json caches what it makes
// (listElements names what it depends on): keep the two in step.
func (app *App) incidentJSONAt(d *incident.Document, now time.Time) IncidentJSON {
	m := d.Meta
	out := IncidentJSON{
		ID: m.ID, Path: d.Path, Title: m.Title, Severity: m.Severity, Status: m.Status,
		Commander: m.Commander, Roles: m.Roles.Map(), Impact: m.Impact, Announcement: m.Announcement,
		IdentifiedAt: m.IdentifiedAt, MitigatedAt: m.MitigatedAt, ResolvedAt: m.ResolvedAt,
		Resolution: m.Resolution, Template: m.Template, Kind: m.Kind,
		Actions: toActionsJSON(board.Items(d, now)), Log: make([]LogJSON, 0, len(d.Log)),
	}
	if !m.DeclaredAt.IsZero() {
		t := m.DeclaredAt
		out.DeclaredAt = &t
	}
	out.Fields = app.customFields(d)
	out.AnnouncedAt = board.LastAnnouncement(d, now).At
	for _, e := range sortedLog(d) {
		out.Log = append(out.Log, LogJSON{At: e.At, Author: e.Author, Text: e.Text})
	}
	return out
}

// sortedLog returns the log in time order (a hand edit may have left it out of order): d.Log
// itself when it is in order (most logs), else a sorted copy. Do not change what it returns.
func sortedLog(d *incident.Document) []incident.LogEntry {
	inOrder := true
	for i := 1; i < len(d.Log) && inOrder; i++ {
		inOrder = !d.Log[i].At.Before(d.Log[i-1].At)
	}
	if inOrder {
		return d.Log
	}
	out := append([]incident.LogEntry(nil), d.Log...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].At.Before(out[j-1].At); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// customFields reads the team's own front-matter keys (fields: in .incidentctl.yaml) from a
// document, each typed as declared: numbers as numbers, bool as true/false, lists as arrays,
// text and times as strings. A value of the wrong type (lint reports it) is given as written.
func (app *App) customFields(d *incident.Document) map[string]any {
	out := map[string]any{}
	if app.opened == nil || d.Src == nil {
		return out
	}
	for _, key := range app.opened.Config.FieldNames() {
		v, ok := d.Custom(key)
		if !ok || v.Tag == "!!null" {
			continue
		}
		switch def := app.opened.Config.Fields[key]; {
		case v.ListOK:
			out[key] = v.List
		case def.Type == config.FieldNumber:
			if n, err := strconv.ParseFloat(v.Scalar, 64); err == nil {
				out[key] = n
				continue
			}
			out[key] = v.Scalar
		case def.Type == config.FieldBool && (v.Scalar == "true" || v.Scalar == "false"):
			out[key] = v.Scalar == "true"
		default:
			out[key] = v.Scalar
		}
	}
	return out
}

// fieldText renders a custom field's value for people: lists joined by commas.
func fieldText(v any) string {
	switch v := v.(type) {
	case []string:
		return strings.Join(v, ", ")
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}
