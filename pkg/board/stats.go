package board

import (
	"math"
	"slices"
	"strings"
	"time"

	"github.com/incidentctl/incidentctl/pkg/incident"
)

// Range selects incidents by their declaration: Since <= declared_at < Before. A zero bound is
// open.
type Range struct {
	Since, Before time.Time
}

// Contains reports whether t falls in the range.
func (r Range) Contains(t time.Time) bool {
	return (r.Since.IsZero() || !t.Before(r.Since)) && (r.Before.IsZero() || t.Before(r.Before))
}

// Durations summarises how long something took across incidents. Medians and percentiles, not
// means: a few very long incidents would distort a mean.
type Durations struct {
	Count  int
	Median time.Duration // 50th percentile by nearest rank
	P90    time.Duration // 90th percentile by nearest rank
}

// Stats are the figures over a set of incidents.
type Stats struct {
	Count      int
	BySeverity map[string]int // severity -> incidents
	ByMonth    map[string]int // "YYYY-MM" of declared_at in UTC -> incidents
	// Per severity, over the incidents that reached the milestone: mitigated_at − declared_at
	// and resolved_at − declared_at. A negative duration (a typo in a backfilled time) is left
	// out rather than let it pull the figures down.
	TimeToMitigate map[string]Durations
	TimeToResolve  map[string]Durations
	// Person -> incidents they commanded at any time: the declaring commander and everyone who
	// took over (update --commander, handoff). One incident counts once per person.
	Commanders map[string]int
	// Action text -> resolved incidents that left it undone (see Skipped).
	SkippedActions map[string]int
	// Person -> how often they commanded, real incidents and drills apart (see ICExperience).
	Experience map[string]Experience
}

// Experience is one person's practice as incident commander: the real incidents and the drills
// they commanded at any time, and when they last did (zero when never).
type Experience struct {
	Incidents, Drills       int
	LastIncident, LastDrill time.Time // declarations
}

// Total is every incident and drill commanded.
func (e Experience) Total() int { return e.Incidents + e.Drills }

// Last is the latest declaration of an incident or drill commanded.
func (e Experience) Last() time.Time {
	if e.LastDrill.After(e.LastIncident) {
		return e.LastDrill
	}
	return e.LastIncident
}

// ICExperience counts, per person, the real incidents and the drills declared within r that they
// commanded at any time (Commanders: the declaring commander and everyone who took over; a
// drill's commander is its trainee). Names match regardless of case and keep the spelling seen
// first.
func ICExperience(docs []*incident.Document, r Range) map[string]Experience {
	t := NewTally(r)
	for _, d := range docs {
		t.AddExperience(d)
	}
	return t.exp
}

// MonthKey is the month an incident counts in: the UTC month of its declaration, so the figures
// do not depend on who computes them where.
func MonthKey(t time.Time) string { return t.UTC().Format("2006-01") }

// Compute computes the statistics of the documents declared within r, every one of them
// counted alike: the caller decides whether drills are among them (the real record leaves them
// out). Experience counts drills apart; see ICExperience.
func Compute(docs []*incident.Document, r Range) *Stats {
	t := NewTally(r)
	for _, d := range docs {
		t.Add(d)
		t.AddExperience(d)
	}
	return t.Stats()
}

// Tally computes the statistics one document at a time, in the listing's order, so that a
// caller streaming the documents holds none of them: Add counts a document in the statistics
// (Compute), AddExperience in the IC experience (ICExperience); a caller may pass different
// documents to each (the experience counts drills apart).
type Tally struct {
	r                 Range
	s                 *Stats
	mitigate, resolve map[string]*durationList
	names             map[string]string // case-folded name -> the spelling seen first
	exp               map[string]Experience
	expNames          map[string]string
}

// NewTally starts the statistics of the documents declared within r.
func NewTally(r Range) *Tally {
	return &Tally{r: r, s: &Stats{
		BySeverity: map[string]int{}, ByMonth: map[string]int{},
		TimeToMitigate: map[string]Durations{}, TimeToResolve: map[string]Durations{},
		Commanders: map[string]int{}, SkippedActions: map[string]int{},
	}, mitigate: map[string]*durationList{}, resolve: map[string]*durationList{}, names: map[string]string{},
		exp: map[string]Experience{}, expNames: map[string]string{}}
}

// Add counts d in the statistics.
func (t *Tally) Add(d *incident.Document) {
	f := FactsOf(d)
	t.AddFacts(&f)
}

// AddExperience counts d in the IC experience.
func (t *Tally) AddExperience(d *incident.Document) {
	f := FactsOf(d)
	t.AddExperienceFacts(&f)
}

// AddFacts counts a document in the statistics by its facts (Add).
func (t *Tally) AddFacts(f *Facts) {
	s := t.s
	if !t.r.Contains(f.DeclaredAt) {
		return
	}
	s.Count++
	s.BySeverity[f.Severity]++
	s.ByMonth[MonthKey(f.DeclaredAt)]++
	if f.MitigatedAt != nil && !f.MitigatedAt.Before(f.DeclaredAt) {
		addDuration(t.mitigate, f.Severity, f.MitigatedAt.Sub(f.DeclaredAt))
	}
	if f.Status == incident.StatusResolved && f.ResolvedAt != nil && !f.ResolvedAt.Before(f.DeclaredAt) {
		addDuration(t.resolve, f.Severity, f.ResolvedAt.Sub(f.DeclaredAt))
	}
	for _, c := range f.Commanders {
		key := strings.ToLower(c)
		if _, ok := t.names[key]; !ok {
			t.names[key] = c
		}
		s.Commanders[t.names[key]]++
	}
	for _, a := range f.Skipped {
		s.SkippedActions[a]++
	}
}

// AddExperienceFacts counts a document in the IC experience by its facts (AddExperience).
func (t *Tally) AddExperienceFacts(f *Facts) {
	if !t.r.Contains(f.DeclaredAt) {
		return
	}
	for _, c := range f.Commanders {
		key := strings.ToLower(c)
		if _, ok := t.expNames[key]; !ok {
			t.expNames[key] = c
		}
		e := t.exp[t.expNames[key]]
		at := f.DeclaredAt
		if f.Drill {
			e.Drills++
			if at.After(e.LastDrill) {
				e.LastDrill = at
			}
		} else {
			e.Incidents++
			if at.After(e.LastIncident) {
				e.LastIncident = at
			}
		}
		t.exp[t.expNames[key]] = e
	}
}

// Stats returns the statistics of what was added.
func (t *Tally) Stats() *Stats {
	s := t.s
	s.Experience = t.exp
	for sev, ds := range t.mitigate {
		s.TimeToMitigate[sev] = ds.summarise()
	}
	for sev, ds := range t.resolve {
		s.TimeToResolve[sev] = ds.summarise()
	}
	return s
}

// durationList holds the durations of one severity, a tally of 100,000 incidents holding
// little else: whole seconds (what front matter records) as 4-byte counts in fixed-size
// chunks, any other duration as it is. A slice of durations grown by appending held up to
// twice what it needed and left a copy behind at every doubling: a few megabytes.
type durationList struct {
	secs  [][]uint32
	exact []time.Duration
	n     int
}

const durationChunk = 16384

func addDuration(m map[string]*durationList, sev string, d time.Duration) {
	l := m[sev]
	if l == nil {
		l = &durationList{}
		m[sev] = l
	}
	l.n++
	if d%time.Second != 0 || d < 0 || d/time.Second > math.MaxUint32 {
		l.exact = append(l.exact, d)
		return
	}
	if k := len(l.secs); k == 0 || len(l.secs[k-1]) == cap(l.secs[k-1]) {
		// 128, 256, … up to durationChunk: a severity with few incidents holds little.
		l.secs = append(l.secs, make([]uint32, 0, durationChunk>>max(7-k, 0)))
	}
	last := &l.secs[len(l.secs)-1]
	*last = append(*last, uint32(d/time.Second))
}

func (l *durationList) summarise() Durations {
	all := make([]time.Duration, 0, l.n)
	for _, c := range l.secs {
		for _, s := range c {
			all = append(all, time.Duration(s)*time.Second)
		}
	}
	all = append(all, l.exact...)
	slices.Sort(all)
	return Durations{Count: len(all), Median: NearestRank(all, 50), P90: NearestRank(all, 90)}
}

// Summarise computes the count, median and 90th percentile of ds (in any order).
func Summarise(ds []time.Duration) Durations {
	sorted := slices.Clone(ds)
	slices.Sort(sorted)
	return Durations{Count: len(sorted), Median: NearestRank(sorted, 50), P90: NearestRank(sorted, 90)}
}

// NearestRank is the p-th percentile of sorted values by the nearest-rank method: the value at
// rank ⌈p/100 × n⌉ (1-based). It is always one of the values, and easy to check by hand: of 10
// values the median is the 5th and the 90th percentile the 9th; of 7 values, the 4th and the
// 7th. Zero when there are no values.
func NearestRank(sorted []time.Duration, p int) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	rank := (p*n + 99) / 100 // ⌈p·n/100⌉ in integers: no floating-point rounding
	return sorted[min(max(rank, 1), n)-1]
}
