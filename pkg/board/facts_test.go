package board

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/incidentctl/incidentctl/pkg/incident"
)

// The facts of a document, encoded and read back, count exactly as the document does: the same
// Stats (times with their offsets, nanoseconds, a time in UTC; durations that are not whole
// seconds, negative ones, long ones) as Compute over the documents themselves.
func TestFactsCountAsTheDocument(t *testing.T) {
	docs := loadDir(t, "testdata/stats")
	// Variations the data set lacks: a drill, UTC and another offset, a time with nanoseconds,
	// a resolution before the declaration (left out), one over 136 years later (not a uint32
	// of seconds), no commander.
	zone := time.FixedZone("", -5*3600-30*60)
	at := func(s string, loc *time.Location) *time.Time {
		tm, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		tm = tm.In(loc)
		return &tm
	}
	vary := func(i int, f func(d *incident.Document)) {
		c := *docs[i%len(docs)]
		f(&c)
		docs = append(docs, &c)
	}
	vary(0, func(d *incident.Document) { d.Meta.Kind = incident.KindDrill })
	vary(1, func(d *incident.Document) {
		d.Meta.DeclaredAt = *at("2026-10-01T00:00:00.000000123Z", time.UTC)
		d.Meta.MitigatedAt = at("2026-10-01T00:00:01.5Z", zone)
	})
	vary(2, func(d *incident.Document) {
		d.Meta.ResolvedAt = at("2020-01-01T00:00:00Z", zone)
		d.Meta.Status = incident.StatusResolved
	})
	vary(3, func(d *incident.Document) {
		d.Meta.ResolvedAt = at("2200-01-01T00:00:00+09:00", zone)
		d.Meta.Status = incident.StatusResolved
	})
	vary(4, func(d *incident.Document) { d.Meta.Commander = ""; d.Log = nil })

	for _, r := range []Range{{}, {Since: *at("2026-09-10T00:00:00Z", time.UTC)}} {
		want := Compute(docs, r)
		tally := NewTally(r)
		var rd FactsReader
		for _, d := range docs {
			f := FactsOf(d)
			got, err := rd.Read(f.Append(nil))
			if err != nil {
				t.Fatalf("%s: %v", d.Path, err)
			}
			tally.AddFacts(got)
			tally.AddExperienceFacts(got)
		}
		got := tally.Stats()
		if !reflect.DeepEqual(encode(t, got), encode(t, want)) {
			t.Errorf("range %v: from facts\n%s\nfrom documents\n%s", r, encode(t, got), encode(t, want))
		}
		if want.Count == 0 || len(want.TimeToResolve) == 0 {
			t.Errorf("range %v: the data set counts nothing", r)
		}
	}
}

// encode shows Stats with every time's instant and offset (what the output prints).
func encode(t *testing.T, s *Stats) string {
	b, err := json.MarshalIndent(s, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A damaged record is an error, never a panic or a wrong figure.
func TestFactsReadDamaged(t *testing.T) {
	docs := loadDir(t, "testdata/stats")
	f := FactsOf(docs[1])
	good := f.Append(nil)
	var rd FactsReader
	if _, err := rd.Read(good); err != nil {
		t.Fatal(err)
	}
	for n := range len(good) {
		if _, err := rd.Read(good[:n]); err == nil {
			t.Errorf("a record cut at %d of %d bytes was read", n, len(good))
		}
	}
	for _, b := range [][]byte{nil, {factsVersion + 1, 0}, {factsVersion, 8}, append(append([]byte{}, good...), 0)} {
		if _, err := rd.Read(b); err == nil {
			t.Errorf("%q was read", b)
		}
	}
}
