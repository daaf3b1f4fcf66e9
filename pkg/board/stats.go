package board

import (
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
	mitigate, resolve map[string][]time.Duration
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
	}, mitigate: map[string][]time.Duration{}, resolve: map[string][]time.Duration{}, names: map[string]string{},
		exp: map[string]Experience{}, expNames: map[string]string{}}
}

// Add counts d in the statistics.
func (t *Tally) Add(d *incident.Document) {
	s := t.s
	m := d.Meta
	if !t.r.Contains(m.DeclaredAt) {
		return
	}
	s.Count++
	s.BySeverity[m.Severity]++
	s.ByMonth[MonthKey(m.DeclaredAt)]++
	if m.MitigatedAt != nil && !m.MitigatedAt.Before(m.DeclaredAt) {
		t.mitigate[m.Severity] = append(t.mitigate[m.Severity], m.MitigatedAt.Sub(m.DeclaredAt))
	}
	if m.Status == incident.StatusResolved && m.ResolvedAt != nil && !m.ResolvedAt.Before(m.DeclaredAt) {
		t.resolve[m.Severity] = append(t.resolve[m.Severity], m.ResolvedAt.Sub(m.DeclaredAt))
	}
	for _, c := range Commanders(d) {
		key := strings.ToLower(c)
		if _, ok := t.names[key]; !ok {
			t.names[key] = c
		}
		s.Commanders[t.names[key]]++
	}
	for _, a := range Skipped(d) {
		s.SkippedActions[a]++
	}
}

// AddExperience counts d in the IC experience.
func (t *Tally) AddExperience(d *incident.Document) {
	if !t.r.Contains(d.Meta.DeclaredAt) {
		return
	}
	for _, c := range Commanders(d) {
		key := strings.ToLower(c)
		if _, ok := t.expNames[key]; !ok {
			t.expNames[key] = c
		}
		e := t.exp[t.expNames[key]]
		at := d.Meta.DeclaredAt
		if d.Meta.IsDrill() {
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
		s.TimeToMitigate[sev] = Summarise(ds)
	}
	for sev, ds := range t.resolve {
		s.TimeToResolve[sev] = Summarise(ds)
	}
	return s
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
