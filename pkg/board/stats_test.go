package board

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/incidentctl/incidentctl/pkg/incident"
)

func loadDir(t *testing.T, dir string) []*incident.Document {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.md"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no documents in %s (%v)", dir, err)
	}
	var docs []*incident.Document
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		d, err := incident.Parse(f, src)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Problems) > 0 {
			t.Fatalf("%s: %v", f, d.Problems)
		}
		if table := incident.StatusTable(d); !bytes.Contains(d.Src, []byte(table)) {
			t.Fatalf("%s: the Status table is not what incidentctl writes; the data set must be in the real format", f)
		}
		docs = append(docs, d)
	}
	return docs
}

func mins(ms ...int) []time.Duration {
	out := make([]time.Duration, len(ms))
	for i, m := range ms {
		out[i] = time.Duration(m) * time.Minute
	}
	return out
}

func TestNearestRank(t *testing.T) {
	cases := []struct {
		values      []time.Duration // sorted
		median, p90 time.Duration
		why         string
	}{
		{nil, 0, 0, "no values"},
		{mins(7), 7 * time.Minute, 7 * time.Minute, "one value is every percentile"},
		{mins(10, 45), 10 * time.Minute, 45 * time.Minute, "n=2: ranks ⌈1.0⌉=1 and ⌈1.8⌉=2; the lower middle, not the mean 27.5m"},
		{mins(20, 30, 90), 30 * time.Minute, 90 * time.Minute, "n=3: ranks ⌈1.5⌉=2 and ⌈2.7⌉=3"},
		{mins(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 5 * time.Minute, 9 * time.Minute, "n=10: ranks 5 and 9 exactly (no float rounding up to 10)"},
		{mins(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), 6 * time.Minute, 10 * time.Minute, "n=11: ranks ⌈5.5⌉=6 and ⌈9.9⌉=10"},
		{mins(5, 6, 7, 600), 6 * time.Minute, 600 * time.Minute, "n=4: ranks 2 and ⌈3.6⌉=4; one long incident moves p90, not the median"},
		{mins(1, 2, 3, 4, 5, 6), 3 * time.Minute, 6 * time.Minute, "n=6: ranks 3 and ⌈5.4⌉=6 (rounding to nearest would give 5)"},
	}
	for _, c := range cases {
		if got := NearestRank(c.values, 50); got != c.median {
			t.Errorf("%s: median = %v, want %v", c.why, got, c.median)
		}
		if got := NearestRank(c.values, 90); got != c.p90 {
			t.Errorf("%s: p90 = %v, want %v", c.why, got, c.p90)
		}
	}
	if got := Summarise(mins(90, 20, 30)); got != (Durations{3, 30 * time.Minute, 90 * time.Minute}) {
		t.Errorf("Summarise sorts its input: %+v", got)
	}
}

// The fixed data set in testdata/stats: eight incidents written in the real format, with the
// figures computed by hand (times +09:00; months in UTC).
//
//	     severity  status         declared          mitigated  resolved   commanders        left undone (resolved only)
//	A    SEV1      resolved       09-05 10:00       +30m       +2h        alice, bob        —
//	B    SEV1      resolved       09-18 22:00       +1h30m     +6h        carol, dave       postmortem (logged + unchecked: once)
//	C    SEV1      resolved       10-03 09:00       +20m       +1h        alice             —
//	D    SEV2      resolved       10-10 15:00       +45m       +2h        bob               recovery announcement (unchecked, not logged), postmortem
//	E    SEV2      resolved       11-01 08:00 =     +10m       +1h        alice, J. Smith   —
//	                              10-31 23:00 UTC
//	F    SEV2      resolved       11-05 12:00       —          +8h        bob               paging, postmortem (both logged)
//	G    SEV3      mitigated      11-20 10:00       +1h        —          carol             (open)
//	H    SEV4      investigating  11-22 10:00       —          —          erin              (open: reopened after a forced close)
//
// Time to mitigate: SEV1 [20m 30m 1h30m] → median rank 2 = 30m, p90 rank 3 = 1h30m;
// SEV2 [10m 45m] → rank 1 = 10m, rank 2 = 45m; SEV3 [1h] → 1h, 1h.
// Time to resolve: SEV1 [1h 2h 6h] → 2h, 6h; SEV2 [1h 2h 8h] → 2h, 8h.
func TestStatsFixedDataSet(t *testing.T) {
	docs := loadDir(t, "testdata/stats")
	s := Compute(docs, Range{})
	if s.Count != 8 {
		t.Errorf("count = %d, want 8", s.Count)
	}
	wantInts := func(name string, got, want map[string]int) {
		t.Helper()
		if !maps.Equal(got, want) {
			t.Errorf("%s = %v\nwant %v", name, got, want)
		}
	}
	wantInts("by_severity", s.BySeverity, map[string]int{"SEV1": 3, "SEV2": 3, "SEV3": 1, "SEV4": 1})
	wantInts("by_month", s.ByMonth, map[string]int{"2026-09": 2, "2026-10": 3, "2026-11": 3})
	wantInts("commanders", s.Commanders, map[string]int{"alice": 3, "bob": 3, "carol": 2, "dave": 1, "J. Smith": 1, "erin": 1})
	wantInts("skipped_actions", s.SkippedActions, map[string]int{
		"Schedule the postmortem":                         3,
		"Announce recovery to users and customer support": 1,
		"Page the on-call engineer":                       1,
	})
	h, m := time.Hour, time.Minute
	wantDur := func(name string, got, want map[string]Durations) {
		t.Helper()
		if !maps.Equal(got, want) {
			t.Errorf("%s = %v\nwant %v", name, got, want)
		}
	}
	wantDur("time_to_mitigate", s.TimeToMitigate, map[string]Durations{
		"SEV1": {3, 30 * m, 90 * m},
		"SEV2": {2, 10 * m, 45 * m},
		"SEV3": {1, h, h},
	})
	wantDur("time_to_resolve", s.TimeToResolve, map[string]Durations{
		"SEV1": {3, 2 * h, 6 * h},
		"SEV2": {3, 2 * h, 8 * h},
	})
}

func TestStatsRange(t *testing.T) {
	docs := loadDir(t, "testdata/stats")
	utc := func(s string) time.Time {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			panic(err)
		}
		return t
	}
	// October in UTC: C, D, and E (declared on 1 November in Tokyo, 31 October in UTC).
	s := Compute(docs, Range{Since: utc("2026-10-01T00:00:00Z"), Before: utc("2026-11-01T00:00:00Z")})
	if s.Count != 3 || s.BySeverity["SEV1"] != 1 || s.BySeverity["SEV2"] != 2 || s.ByMonth["2026-10"] != 3 || len(s.ByMonth) != 1 {
		t.Errorf("October: %+v", s)
	}
	if got := s.TimeToResolve["SEV2"]; got != (Durations{2, time.Hour, 2 * time.Hour}) {
		t.Errorf("October SEV2 time to resolve = %+v", got)
	}
	// Bounds: Since is included, Before is not.
	at := utc("2026-10-03T00:00:00Z") // C's declaration, 09:00 in Tokyo
	if s := Compute(docs, Range{Since: at, Before: at.Add(time.Nanosecond)}); s.Count != 1 {
		t.Errorf("an instant range holds %d incidents, want C alone", s.Count)
	}
	if s := Compute(docs, Range{Before: at}); s.Count != 2 {
		t.Errorf("before C: %d incidents, want A and B", s.Count)
	}
	if s := Compute(nil, Range{}); s.Count != 0 || s.BySeverity == nil || s.TimeToMitigate == nil || s.SkippedActions == nil {
		t.Errorf("empty stats must have empty maps, not nil: %+v", s)
	}
}

// IC experience counts real incidents and drills apart, each once per person, names matched
// regardless of case; the range selects by declaration.
func TestICExperience(t *testing.T) {
	real1 := doc(t, "SEV2", "resolved", nil)                                   // alice, declared 10:02
	drill1 := doc(t, "SEV2", "investigating", nil, "kind: drill", "speed: 60") // alice again, as a trainee
	handed := doc(t, "SEV2", "investigating", nil, "kind: drill")
	var err error
	if handed, err = handed.AppendLog(incident.LogEntry{At: at("10:30"), Author: "x", Text: CommanderEntry("Alice", "bob")}); err != nil {
		t.Fatal(err)
	}
	exp := ICExperience([]*incident.Document{real1, drill1, handed}, Range{})
	if a := exp["alice"]; a.Incidents != 1 || a.Drills != 2 || !a.LastDrill.Equal(at("10:02")) || a.Total() != 3 {
		t.Errorf("alice: %+v", a)
	}
	if b := exp["bob"]; b.Incidents != 0 || b.Drills != 1 || !b.LastIncident.IsZero() {
		t.Errorf("bob: %+v", b)
	}
	if len(exp) != 2 {
		t.Errorf("people: %v", exp)
	}
	if got := ICExperience([]*incident.Document{real1}, Range{Since: at("11:00")}); len(got) != 0 {
		t.Errorf("outside the range: %v", got)
	}
}
