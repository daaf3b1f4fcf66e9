package cli

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/synth"
)

// checkElement holds appendIncidentElement to the reference (encoding/json, indentJSON,
// escapeJSON): byte for byte whenever it writes the element, and it declines exactly what the
// reference refuses or what it does not know (exotic says v holds such a value).
func checkElement(t *testing.T, name string, v IncidentJSON, exotic bool) {
	t.Helper()
	want, werr := reflectElement(v)
	got, ok := appendIncidentElement([]byte("prefix"), &v)
	if !bytes.HasPrefix(got, []byte("prefix")) {
		t.Fatalf("%s: what dst held is lost", name)
	}
	got = got[len("prefix"):]
	switch {
	case ok && werr != nil:
		t.Fatalf("%s: written, but encoding/json fails: %v\n%s", name, werr, got)
	case ok && !bytes.Equal(got, want):
		t.Fatalf("%s: written\n%s\nencoding/json\n%s", name, got, want)
	case !ok && len(got) != 0:
		t.Fatalf("%s: declined, but dst grew", name)
	case !ok && werr == nil && !exotic:
		t.Fatalf("%s: declined what encoding/json writes:\n%s", name, want)
	}
	// encodeElement gives the reference's bytes either way.
	b, err := encodeElement(v)
	if (err == nil) != (werr == nil) || !bytes.Equal(b, want) {
		t.Fatalf("%s: encodeElement = %q, %v; want %q, %v", name, b, err, want, werr)
	}
}

// elementDocs calls fn with every incident document of the test data that parses: the
// incident package's documents and fuzz corpora, the documents of the command scripts, and
// synthetic repositories' documents.
func elementDocs(t *testing.T, fn func(name string, d *incident.Document)) {
	t.Helper()
	try := func(name string, b []byte) {
		if d, err := incident.Parse(name, b); err == nil {
			fn(name, d)
		}
	}
	for _, glob := range []string{"../incident/testdata/*.md", "../incident/testdata/fuzz/*/*"} {
		files, _ := filepath.Glob(glob)
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if s, ok := strings.CutPrefix(string(b), "go test fuzz v1\n"); ok {
				// The fuzz corpora's first []byte or string value.
				for _, line := range strings.Split(s, "\n") {
					if v, ok := fuzzValue(line); ok {
						try(f, []byte(v))
						break
					}
				}
				continue
			}
			try(f, b)
		}
	}
	scripts, _ := filepath.Glob("../../cmd/incidentctl/testdata/script/*.txtar")
	if len(scripts) < 10 {
		t.Fatalf("%d scripts found", len(scripts))
	}
	for _, s := range scripts {
		a, err := txtar.ParseFile(s)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range a.Files {
			if strings.HasSuffix(f.Name, ".md") {
				try(s+":"+f.Name, f.Data)
			}
		}
	}
	for seed := range uint64(4) {
		g, err := synth.NewGenerator(synth.Options{Incidents: 60, Seed: seed, OpenFraction: 0.3, Postmortems: true})
		if err != nil {
			t.Fatal(err)
		}
		for i := range g.Len() {
			p, src := g.Document(i, -1)
			try(p, src)
		}
	}
}

// fuzzValue reads a fuzz corpus line holding a []byte or string literal.
func fuzzValue(line string) (string, bool) {
	for _, p := range []string{"[]byte(", "string("} {
		if q, ok := strings.CutPrefix(line, p); ok {
			v, err := strconv.Unquote(strings.TrimSuffix(q, ")"))
			return v, err == nil
		}
	}
	return "", false
}

// Every document of the test data, as list --json makes it (now, before and after every
// time box), and with the hostile values a document can carry.
func TestIncidentElementAgrees(t *testing.T) {
	n := 0
	elementDocs(t, func(name string, d *incident.Document) {
		for _, now := range []time.Time{time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC), time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)} {
			app := &App{Now: func() time.Time { return now }}
			checkElement(t, name, app.incidentJSONAt(d, now), false)
		}
		n++
	})
	if n < 200 {
		t.Fatalf("only %d documents", n)
	}
	base := (&App{}).incidentJSONAt(mustParse(t), time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC))
	for i, v := range hostileElements(base) {
		checkElement(t, "hostile "+string(rune('a'+i)), v.IncidentJSON, v.exotic)
	}
}

func mustParse(t *testing.T) *incident.Document {
	g, err := synth.NewGenerator(synth.Options{Incidents: 5, Seed: 3, OpenFraction: 1})
	if err != nil {
		t.Fatal(err)
	}
	p, src := g.Document(0, -1)
	d, err := incident.Parse(p, src)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

type hostile struct {
	IncidentJSON
	exotic bool
}

// hostileElements varies v: every kind of text, times at and beyond what JSON takes, odd
// zones, empty and nil maps and lists, custom fields of every type customFields makes (and
// some it does not).
func hostileElements(v IncidentJSON) []hostile {
	texts := []string{"", "<b>&</b>", "\x00\x01\x08\x09\x0a\x0c\x0d\x1b\x1f", "\x7f", "\u0080\u0085\u009f\u00a0", "\u2027\u2028\u2029\u202a\u202e\u202f",
		"\u2065\u2066\u2069\u206a", "日本語 → — \"q\" \\ /", "\xff\xfe bad \xe2\x80 utf8 \xc2", "\ufffd", "a\\\"b\\\\", strings.Repeat("long ", 200), "\U0001F600"}
	zones := []*time.Location{time.UTC, time.FixedZone("", 0), time.FixedZone("X", -5*3600-30*60), time.FixedZone("", 23*3600+59*60), time.FixedZone("", 24*3600),
		time.FixedZone("", -24*3600), time.FixedZone("", 3600+30), time.FixedZone("", -(3600 + 59))}
	times := []time.Time{time.Date(2026, 11, 23, 10, 2, 0, 123456789, time.UTC), time.Date(2026, 11, 23, 10, 2, 0, 120000000, time.UTC), time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-1, 12, 31, 23, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), {}}
	var out []hostile
	for i, s := range texts {
		w := v
		w.Title, w.ID, w.Commander, w.Impact = s, s, s, s
		w.Roles = map[string]string{s: s, "comms": s + "x", "a" + s: ""}
		w.Kind = s
		w.Fields = map[string]any{s: s, "n": float64(i)}
		w.Actions = append([]ActionJSON{{Number: -i, Text: s, Done: i%2 == 0}}, v.Actions...)
		w.Log = append([]LogJSON{{At: times[0], Author: s, Text: s}}, v.Log...)
		out = append(out, hostile{w, false})
	}
	for _, z := range zones {
		for _, at := range times {
			at := at.In(z)
			w := v
			w.DeclaredAt, w.ResolvedAt = &at, &at
			w.Actions = []ActionJSON{{Number: 1, DueAt: &at}}
			w.Log = []LogJSON{{At: at}}
			out = append(out, hostile{w, false})
		}
	}
	empty := v
	empty.Roles, empty.Fields, empty.Actions, empty.Log = nil, nil, nil, nil
	out = append(out, hostile{empty, false})
	empty.Roles, empty.Fields, empty.Actions, empty.Log = map[string]string{}, map[string]any{}, []ActionJSON{}, []LogJSON{}
	out = append(out, hostile{empty, false})
	for _, f := range []float64{0, math.Copysign(0, -1), 1, -1.5, 1e20, 1e21, 123456789012345678901234567890, 1e-6, 1e-7, 5e-324, math.MaxFloat64, 3.14159, math.Inf(1), math.Inf(-1), math.NaN()} {
		w := v
		w.Fields = map[string]any{"number": f, "list": []string{"a", "\u2028"}, "empty": []string{}, "nil": []string(nil), "yes": true, "no": false, "text": "t"}
		out = append(out, hostile{w, false})
	}
	for _, odd := range []any{nil, 1, int64(2), float32(1.5), map[string]string{"a": "b"}, []any{"a"}, struct{}{}} {
		w := v
		w.Fields = map[string]any{"odd": odd}
		out = append(out, hostile{w, true})
	}
	return out
}

// FuzzIncidentElement: any text, time, zone and number, as appendIncidentElement and the
// reference write them.
func FuzzIncidentElement(f *testing.F) {
	f.Add("title", "comms", int64(1764672000), int64(0), 0, 1.5, true)
	f.Add("\u2028\x7f\xc2\x85\xff", "\x1b", int64(-62135596801), int64(999999999), -19800, math.Inf(1), false)
	f.Add("<&>", "日本", int64(253402300800), int64(1), 86400, 1e-7, true)
	base := IncidentJSON{ID: "261202-abcde", Roles: map[string]string{}, Fields: map[string]any{}, Actions: []ActionJSON{}, Log: []LogJSON{}}
	f.Fuzz(func(t *testing.T, s, k string, sec, nsec int64, off int, num float64, b bool) {
		at := time.Unix(sec, nsec).In(time.FixedZone(k, off))
		v := base
		v.Title, v.Path, v.Kind = s, k, k
		v.Roles = map[string]string{k: s, s: k}
		v.Fields = map[string]any{k: num, s: []string{s, k}, "b": b, "s" + s: s}
		v.DeclaredAt, v.AnnouncedAt = &at, &at
		v.Actions = []ActionJSON{{Number: int(sec), Text: s, Done: b, Required: !b, DueAt: &at, Overdue: b}, {Text: k}}
		v.Log = []LogJSON{{At: at, Author: k, Text: s}}
		checkElement(t, "fuzz", v, false)
	})
}

// BenchmarkReflectIncident is BenchmarkEncodeIncident through encoding/json (the reference).
func BenchmarkReflectIncident(b *testing.B) {
	g, err := synth.NewGenerator(synth.Options{Incidents: 50, Seed: 5})
	if err != nil {
		b.Fatal(err)
	}
	var vs []IncidentJSON
	app := &App{Now: time.Now}
	for i := range g.Len() {
		p, src := g.Document(i, -1)
		d, err := incident.Parse(p, src)
		if err != nil {
			b.Fatal(err)
		}
		vs = append(vs, app.toIncidentJSON(d))
	}
	var n int64
	i := 0
	for b.Loop() {
		e, err := reflectElement(vs[i%len(vs)])
		if err != nil {
			b.Fatal(err)
		}
		n += int64(len(e))
		i++
	}
	b.SetBytes(n / int64(max(i, 1)))
}

// BenchmarkAppendIncident is appendIncidentElement alone, into a buffer reused.
func BenchmarkAppendIncident(b *testing.B) {
	g, err := synth.NewGenerator(synth.Options{Incidents: 50, Seed: 5})
	if err != nil {
		b.Fatal(err)
	}
	var vs []IncidentJSON
	app := &App{Now: time.Now}
	for i := range g.Len() {
		p, src := g.Document(i, -1)
		d, err := incident.Parse(p, src)
		if err != nil {
			b.Fatal(err)
		}
		vs = append(vs, app.toIncidentJSON(d))
	}
	var n int64
	i := 0
	var buf []byte
	for b.Loop() {
		buf, _ = appendIncidentElement(buf[:0], &vs[i%len(vs)])
		n += int64(len(buf))
		i++
	}
	b.SetBytes(n / int64(max(i, 1)))
}
