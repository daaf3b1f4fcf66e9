package incident_test

import (
	"testing"
	"time"

	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/synth"
)

// benchDocs are generated documents as the commands write them: the first is resolved with a
// long log, the second open.
func benchDocs(b *testing.B) [][]byte {
	g, err := synth.NewGenerator(synth.Options{Incidents: 50, Seed: 5})
	if err != nil {
		b.Fatal(err)
	}
	var out [][]byte
	for i := range g.Len() {
		_, src := g.Document(i, -1)
		out = append(out, src)
	}
	return out
}

// benchParse runs parse over the generated documents in turn, reporting bytes per document.
func benchParse(b *testing.B, parse func(name string, src []byte) error) {
	docs := benchDocs(b)
	var n int64
	for _, d := range docs {
		n += int64(len(d))
	}
	b.SetBytes(n / int64(len(docs)))
	i := 0
	for b.Loop() {
		if err := parse("x.md", docs[i%len(docs)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkParse parses a realistic document (front matter, Status table, action list, a log
// of 10 to 60 entries).
func BenchmarkParse(b *testing.B) {
	benchParse(b, func(name string, src []byte) error {
		_, err := incident.Parse(name, src)
		return err
	})
}

// BenchmarkReaderParse is BenchmarkParse through a Reader, as lint parses every document.
func BenchmarkReaderParse(b *testing.B) {
	var r incident.Reader
	benchParse(b, func(name string, src []byte) error {
		_, err := r.Parse(name, src)
		return err
	})
}

// BenchmarkParseMeta is what a listing pays per document it has to read: the front matter
// and the checks that make a document unreadable, without the action list and the log.
func BenchmarkParseMeta(b *testing.B) {
	benchParse(b, func(name string, src []byte) error {
		_, err := incident.ParseMeta(name, src)
		return err
	})
}

// BenchmarkReaderParseMeta is BenchmarkParseMeta through one Reader, as each worker of a
// listing reads.
func BenchmarkReaderParseMeta(b *testing.B) {
	var r incident.Reader
	benchParse(b, func(name string, src []byte) error {
		_, err := r.ParseMeta(name, src)
		return err
	})
}

// BenchmarkAppendLog is the surgical edit `incidentctl log` makes: append an entry, regenerate
// the Status table (each edit parses its result again).
func BenchmarkAppendLog(b *testing.B) {
	docs := benchDocs(b)
	parsed := make([]*incident.Document, len(docs))
	for i, src := range docs {
		d, err := incident.Parse("x.md", src)
		if err != nil {
			b.Fatal(err)
		}
		parsed[i] = d
	}
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	i := 0
	for b.Loop() {
		d := parsed[i%len(parsed)]
		nd, err := d.AppendLog(incident.LogEntry{At: at.Add(time.Duration(i) * time.Second), Author: "bench", Text: "rolled back deploy 1234"})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := nd.RefreshStatus(); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkParseFullGoldmark is BenchmarkParse with goldmark's full inline parsing, the
// reference the format's body parser is checked against (TestBodyParserAgrees).
func BenchmarkParseFullGoldmark(b *testing.B) {
	docs := benchDocs(b)
	i := 0
	for b.Loop() {
		if _, err := incident.ParseWithFullParser("x.md", docs[i%len(docs)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkParseBody is the body part of BenchmarkParse: sections, Status table, actions and
// log, after the front matter.
func BenchmarkParseBody(b *testing.B) {
	docs := benchDocs(b)
	parse := make([]func() error, len(docs))
	for i, src := range docs {
		f, err := incident.BodyReparser(src)
		if err != nil {
			b.Fatal(err)
		}
		parse[i] = f
	}
	i := 0
	for b.Loop() {
		if err := parse[i%len(parse)](); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkParseMetaStages times each step of ParseMeta alone on the same documents, to see
// where a listing's time per document goes.
func BenchmarkParseMetaStages(b *testing.B) {
	docs := benchDocs(b)
	names, _ := incident.ParseStages(docs[0])
	all := make([][]func(), len(docs))
	for i, d := range docs {
		_, all[i] = incident.ParseStages(d)
	}
	for s, name := range names {
		b.Run(name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				all[i%len(all)][s]()
				i++
			}
		})
	}
}
