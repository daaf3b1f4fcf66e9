package board

import (
	"encoding/binary"
	"errors"
	"time"

	"github.com/incidentctl/incidentctl/pkg/incident"
)

// Facts is what the statistics take from one document: a few fields and the commanders and
// skipped actions its log and action list name. A caller that keeps them per document (stats
// keeps them in an element cache, so that a run over unchanged documents parses none) adds
// them with AddFacts and AddExperienceFacts, exactly as Add and AddExperience add the document.
type Facts struct {
	Severity, Status        string
	Drill                   bool
	DeclaredAt              time.Time
	MitigatedAt, ResolvedAt *time.Time
	Commanders              []string // Commanders(d)
	Skipped                 []string // Skipped(d)
}

// FactsOf takes the facts of d.
func FactsOf(d *incident.Document) Facts {
	m := &d.Meta
	return Facts{Severity: m.Severity, Status: m.Status, Drill: m.IsDrill(), DeclaredAt: m.DeclaredAt,
		MitigatedAt: m.MitigatedAt, ResolvedAt: m.ResolvedAt, Commanders: Commanders(d), Skipped: Skipped(d)}
}

// factsVersion starts an encoding of Facts; a change of the encoding changes it.
const factsVersion = 2

// Append appends the facts' encoding to b: a version, flags (drill; which times are set), the
// strings as a length and the bytes, the times as Unix seconds, nanoseconds and the zone's
// offset in seconds (what the output shows of a time: its instant and its offset). Numbers
// are varints.
func (f *Facts) Append(b []byte) []byte {
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	flags := byte(0)
	if f.Drill {
		flags |= 1
	}
	if f.MitigatedAt != nil {
		flags |= 2
	}
	if f.ResolvedAt != nil {
		flags |= 4
	}
	b = append(b, factsVersion, flags)
	str(f.Severity)
	str(f.Status)
	for _, t := range []*time.Time{&f.DeclaredAt, f.MitigatedAt, f.ResolvedAt} {
		if t == nil {
			continue
		}
		_, off := t.Zone()
		utc := uint64(0)
		if t.Location() == time.UTC {
			utc = 1
		}
		b = binary.AppendVarint(b, t.Unix())
		b = binary.AppendUvarint(b, uint64(t.Nanosecond())<<1|utc)
		b = binary.AppendVarint(b, int64(off))
	}
	for _, list := range [][]string{f.Commanders, f.Skipped} {
		b = binary.AppendUvarint(b, uint64(len(list)))
		for _, s := range list {
			str(s)
		}
	}
	return b
}

var errFacts = errors.New("damaged statistics record")

// FactsReader decodes what Append wrote, one record after another, with little garbage: a
// tally of 100,000 records would otherwise allocate each name and zone again. The strings it
// returns are kept (interned), the Facts itself is valid until the next Read.
type FactsReader struct {
	f       Facts
	mit, rs time.Time
	strs    map[string]string
	zones   map[int64]*time.Location
}

// Read decodes one record.
func (r *FactsReader) Read(b []byte) (*Facts, error) {
	if r.strs == nil {
		r.strs, r.zones = map[string]string{}, map[int64]*time.Location{}
	}
	bad := false
	num := func() uint64 {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			bad = true
			return 0
		}
		b = b[n:]
		return v
	}
	signed := func() int64 {
		v, n := binary.Varint(b)
		if n <= 0 {
			bad = true
			return 0
		}
		b = b[n:]
		return v
	}
	str := func() string {
		n := num()
		if bad || n > uint64(len(b)) {
			bad = true
			return ""
		}
		s, ok := r.strs[string(b[:n])]
		if !ok {
			s = string(b[:n])
			r.strs[s] = s
		}
		b = b[n:]
		return s
	}
	tm := func(t *time.Time) {
		sec, ns, off := signed(), num(), signed()
		if bad || ns>>1 >= 1e9 {
			bad = true
			return
		}
		loc := time.UTC
		if ns&1 == 0 {
			if loc = r.zones[off]; loc == nil {
				loc = time.FixedZone("", int(off))
				r.zones[off] = loc
			}
		}
		*t = time.Unix(sec, int64(ns>>1)).In(loc)
	}
	if len(b) < 2 || b[0] != factsVersion || b[1] > 7 {
		return nil, errFacts
	}
	f := &r.f
	*f = Facts{Commanders: f.Commanders[:0], Skipped: f.Skipped[:0], Drill: b[1]&1 != 0}
	flags := b[1]
	b = b[2:]
	f.Severity, f.Status = str(), str()
	tm(&f.DeclaredAt)
	if flags&2 != 0 {
		tm(&r.mit)
		f.MitigatedAt = &r.mit
	}
	if flags&4 != 0 {
		tm(&r.rs)
		f.ResolvedAt = &r.rs
	}
	for _, list := range []*[]string{&f.Commanders, &f.Skipped} {
		n := num()
		if bad || n > uint64(len(b)) {
			return nil, errFacts
		}
		for range n {
			*list = append(*list, str())
		}
	}
	if bad || len(b) != 0 {
		return nil, errFacts
	}
	return f, nil
}
