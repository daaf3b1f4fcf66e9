package cli

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/synth"
)

// A streamed JSON array is byte for byte printJSON's: for no element, one, many; with every
// kind of text (HTML, control characters, bidi overrides, U+2028), empty maps and lists, null
// times.
func TestJSONStreamIsPrintJSON(t *testing.T) {
	g, err := synth.NewGenerator(synth.Options{Incidents: 40, Seed: 9, OpenFraction: 0.2})
	if err != nil {
		t.Fatal(err)
	}
	app := &App{Now: time.Now}
	var all []IncidentJSON
	for i := range g.Len() {
		p, src := g.Document(i, -1)
		d, err := incident.Parse(p, src)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, app.toIncidentJSON(d))
	}
	odd := all[0]
	odd.Title = "<b>&</b> \x00\x1b[31m \x7f \u0085 \u202e \u2028 \u2029 日本 \"q\" \\ →"
	odd.Roles = map[string]string{}
	odd.Actions, odd.Log = []ActionJSON{}, nil
	odd.DeclaredAt = nil
	all = append(all, odd)
	at := time.Date(2026, 11, 23, 10, 2, 0, 123456789, time.FixedZone("", -5*3600-30*60))
	odd.DeclaredAt = &at
	all = append(all, odd)
	for _, n := range []int{0, 1, 2, len(all)} {
		var want, got bytes.Buffer
		if err := (&App{IO: IO{Out: &want}}).printJSON(all[:n]); err != nil {
			t.Fatal(err)
		}
		s := (&App{IO: IO{Out: &got}}).jsonStream()
		for _, v := range all[:n] {
			b, err := encodeElement(v)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.add(b); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.close(); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Fatalf("%d elements: streamed\n%s\nprintJSON\n%s", n, got.String(), want.String())
		}
		// The stream writes past the safeWriter: it would have changed nothing.
		var through bytes.Buffer
		sw := newSafeWriter(&through, false)
		sw.Write(got.Bytes())
		sw.Flush()
		if !bytes.Equal(through.Bytes(), got.Bytes()) {
			t.Fatalf("%d elements: the safeWriter changes the stream:\n%s", n, through.String())
		}
		// printJSONArray (status --json, next --json) is the same stream, in order.
		var arr bytes.Buffer
		if err := printJSONArray(&App{IO: IO{Out: &arr}}, n, func(i int) IncidentJSON { return all[i] }); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(arr.Bytes(), want.Bytes()) {
			t.Fatalf("%d elements: printJSONArray\n%s\nprintJSON\n%s", n, arr.String(), want.String())
		}
	}
}

// indentJSON indents what encoding/json writes exactly as json.Indent does.
func FuzzIndentJSON(f *testing.F) {
	for _, s := range []string{`{}`, `[]`, `{"a":[],"b":{},"c":[1,{"d":"e\"f\\\\"}],"g":null}`, `"x"`, `[{"a":"\\"}]`, `{"k":"a\\\\\"b"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if !json.Valid(b) {
			return
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, b); err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		if err := json.Indent(&want, compact.Bytes(), "  ", "  "); err != nil {
			t.Fatal(err)
		}
		if got := indentJSON(nil, compact.Bytes(), "  ", "  "); !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("indentJSON(%s) =\n%s\nwant\n%s", compact.Bytes(), got, want.Bytes())
		}
	})
}

// BenchmarkEncodeIncident is what list --json spends per incident after parsing it: the JSON
// object, indented and escaped, as the stream writes it.
func BenchmarkEncodeIncident(b *testing.B) {
	g, err := synth.NewGenerator(synth.Options{Incidents: 50, Seed: 5})
	if err != nil {
		b.Fatal(err)
	}
	var docs []*incident.Document
	for i := range g.Len() {
		p, src := g.Document(i, -1)
		d, err := incident.Parse(p, src)
		if err != nil {
			b.Fatal(err)
		}
		docs = append(docs, d)
	}
	app := &App{Now: time.Now}
	var n int64
	i := 0
	for b.Loop() {
		e, err := encodeElement(app.toIncidentJSON(docs[i%len(docs)]))
		if err != nil {
			b.Fatal(err)
		}
		n += int64(len(e))
		i++
	}
	b.SetBytes(n / int64(max(i, 1)))
}
