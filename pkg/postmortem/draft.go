package postmortem

import (
	"slices"
	"strings"
	"time"

	"github.com/incidentctl/incidentctl/pkg/board"
	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/severity"
)

// The draft is filled from the record, not left blank: everything below is computed from the
// incident document alone (its front matter and its log, read through pkg/board, which also
// writes the log texts it reads back), so anyone can recompute it.

// Record is what a postmortem draft knows about its incident.
type Record struct {
	Incident    incident.Meta
	Path        string         // the incident document, a repository path
	Zone        *time.Location // the declaration's offset: the draft shows every time in it
	Until       time.Time      // resolved_at, or now for an incident still open
	Open        bool           // the incident is not resolved (a --draft postmortem)
	Timeline    []Event
	Severities  []SeverityPeriod
	Highest     string // the most severe level the incident reached
	Commanders  []Command
	Roles       incident.Roles
	Writers     []string // everyone who wrote to the log, in order of their first entry
	Milestones  []Milestone
	FirstLog    *time.Time // the earliest log entry (often the alert, before the declaration)
	Skipped     []Skip
	TimeBoxes   []TimeBox
	Escalations []Escalation
}

// Event is one log entry on the timeline, with its offset from the declaration.
type Event struct {
	At     time.Time
	Offset time.Duration
	Author string
	Text   string
}

// SeverityPeriod is a stretch of time at one severity.
type SeverityPeriod struct {
	Severity string
	From, To time.Time
	Open     bool // still at this severity (an open incident)
}

// Duration is how long the incident stayed at the severity.
func (p SeverityPeriod) Duration() time.Duration { return max(p.To.Sub(p.From), 0) }

// Command is one incident commander's time in command.
type Command struct {
	Name     string
	From, To time.Time
	Open     bool // still in command
}

// Duration is how long they were in command.
func (c Command) Duration() time.Duration { return max(c.To.Sub(c.From), 0) }

// Milestone is declared, identified, mitigated or resolved, and when.
type Milestone struct {
	Key           string     // incident.KeyDeclaredAt ...
	At            *time.Time // nil when not reached
	SinceDeclared time.Duration
	SincePrevious time.Duration // since the previous milestone reached
}

// Skip is a required action the incident left undone, and what the log says about it.
type Skip struct {
	Text   string
	Logged *incident.LogEntry // the "skipped required action" entry; nil when left unchecked
}

// TimeBox is an action with a time box at the incident's severity, and how it went.
type TimeBox struct {
	Number int // 1-based position in the action list
	Text   string
	Box    time.Duration // the time allowed
	DueAt  time.Time
	Done   bool
	DoneAt *time.Time    // when the log says it was checked; nil when it does not say
	Late   time.Duration // how late it was done, or how long after its time it stayed open
	Spare  time.Duration // how early it was done
}

// Met reports whether the action was done within its time box.
func (b TimeBox) Met() bool { return b.Done && b.DoneAt != nil && !b.DoneAt.After(b.DueAt) }

// Escalation is a raise of the severity and the actions it added to the list.
type Escalation struct {
	At       time.Time
	From, To string
	Added    []string
}

// FromIncident computes the record of an incident. sevs ranks the severities (nil: by name);
// now ends the periods of an incident still open.
func FromIncident(d *incident.Document, sevs *severity.Set, now time.Time) *Record {
	m := d.Meta
	r := &Record{Incident: m, Path: d.Path, Zone: m.DeclaredAt.Location(), Roles: m.Roles}
	r.Open = m.Status != incident.StatusResolved || m.ResolvedAt == nil
	r.Until = now
	if !r.Open {
		r.Until = *m.ResolvedAt
	}
	log := sortedLog(d.Log)
	for _, e := range log {
		if !isLink(e.Text) {
			r.Timeline = append(r.Timeline, Event{At: e.At, Offset: e.At.Sub(m.DeclaredAt), Author: e.Author, Text: e.Text})
		}
		if a := strings.TrimSpace(e.Author); a != "" && !slices.ContainsFunc(r.Writers, func(w string) bool { return strings.EqualFold(w, a) }) {
			r.Writers = append(r.Writers, a)
		}
	}
	if len(log) > 0 {
		t := log[0].At
		r.FirstLog = &t
	}
	r.severities(log, sevs)
	r.commanders(log)
	r.milestones()
	r.review(d, log, sevs)
	return r
}

// LinkPrefix starts the incident's log entry that links its postmortem ("postmortem: <path or
// URL>"). The timeline leaves those entries out: they are about the review, not the incident.
const LinkPrefix = "postmortem:"

func isLink(text string) bool {
	return len(text) >= len(LinkPrefix) && strings.EqualFold(text[:len(LinkPrefix)], LinkPrefix)
}

func sortedLog(in []incident.LogEntry) []incident.LogEntry {
	out := slices.Clone(in)
	slices.SortStableFunc(out, func(a, b incident.LogEntry) int { return a.At.Compare(b.At) })
	return out
}

func (r *Record) severities(log []incident.LogEntry, sevs *severity.Set) {
	m := r.Incident
	cur := m.Severity
	type change struct {
		at       time.Time
		from, to string
	}
	var changes []change
	for _, e := range log {
		if from, to, ok := board.SeverityChange(e.Text); ok {
			changes = append(changes, change{e.At, from, to})
		}
	}
	if len(changes) > 0 && changes[0].from != "" {
		cur = changes[0].from
	}
	from := m.DeclaredAt
	r.Highest = cur
	for _, c := range changes {
		at := maxTime(c.at, m.DeclaredAt)
		if c.from != "" && c.from != cur {
			cur = c.from // a hand-edited log: trust each entry's own "from"
		}
		r.Severities = append(r.Severities, SeverityPeriod{Severity: cur, From: from, To: at})
		cur, from = c.to, at
		if moreSevere(sevs, c.to, r.Highest) {
			r.Highest = c.to
		}
	}
	r.Severities = append(r.Severities, SeverityPeriod{Severity: cur, From: from, To: maxTime(r.Until, from), Open: r.Open})
	if moreSevere(sevs, cur, r.Highest) {
		r.Highest = cur
	}
}

func (r *Record) commanders(log []incident.LogEntry) {
	m := r.Incident
	type change struct {
		at       time.Time
		from, to string
	}
	var changes []change
	for _, e := range log {
		if from, to, ok := board.CommanderChange(e.Text); ok {
			changes = append(changes, change{maxTime(e.At, m.DeclaredAt), from, to})
		}
	}
	cur := m.Commander
	if len(changes) > 0 {
		cur = changes[0].from
	}
	from := m.DeclaredAt
	for _, c := range changes {
		if cur != "" && c.at.After(from) {
			r.Commanders = append(r.Commanders, Command{Name: cur, From: from, To: c.at})
		}
		cur, from = c.to, c.at
	}
	if cur != "" {
		r.Commanders = append(r.Commanders, Command{Name: cur, From: from, To: maxTime(r.Until, from), Open: r.Open})
	}
}

func (r *Record) milestones() {
	m := r.Incident
	prev := m.DeclaredAt
	for _, k := range []string{incident.KeyDeclaredAt, incident.KeyIdentifiedAt, incident.KeyMitigatedAt, incident.KeyResolvedAt} {
		ms := Milestone{Key: k, At: m.Milestone(k)}
		if ms.At != nil {
			ms.SinceDeclared = ms.At.Sub(m.DeclaredAt)
			ms.SincePrevious = ms.At.Sub(prev)
			prev = *ms.At
		}
		r.Milestones = append(r.Milestones, ms)
	}
}

// review is the action-list review: required actions skipped, time boxes met or missed,
// actions an escalation added.
func (r *Record) review(d *incident.Document, log []incident.LogEntry, sevs *severity.Set) {
	sev := d.Meta.Severity
	for _, text := range board.Skipped(d) {
		s := Skip{Text: text}
		for i, e := range log {
			if t, ok := strings.CutPrefix(e.Text, board.SkippedPrefix); ok && strings.TrimSpace(t) == text {
				s.Logged = &log[i]
				break
			}
		}
		r.Skipped = append(r.Skipped, s)
	}
	checkedAt := map[string]time.Time{}
	for _, e := range log {
		if a, ok := board.CheckedItem(e.Text); ok && a != "" {
			if _, seen := checkedAt[a]; !seen {
				checkedAt[a] = e.At
			}
		}
		if a, ok := board.UncheckedItem(e.Text); ok {
			delete(checkedAt, a) // ticked by mistake: done when it is ticked again
		}
	}
	items := board.Items(d, r.Until)
	for i, a := range d.Actions {
		box, ok := a.DueAfter(sev)
		if !ok || items[i].DueAt == nil {
			continue
		}
		tb := TimeBox{Number: i + 1, Text: a.Text, Box: box, DueAt: *items[i].DueAt, Done: a.Done}
		if t, ok := checkedAt[a.Text]; ok && a.Done {
			tb.DoneAt = &t
		}
		switch {
		case tb.DoneAt != nil && tb.DoneAt.After(tb.DueAt):
			tb.Late = tb.DoneAt.Sub(tb.DueAt)
		case tb.DoneAt != nil:
			tb.Spare = tb.DueAt.Sub(*tb.DoneAt)
		case !a.Done && r.Until.After(tb.DueAt):
			tb.Late = r.Until.Sub(tb.DueAt)
		}
		r.TimeBoxes = append(r.TimeBoxes, tb)
	}
	for _, e := range log {
		from, to, ok := board.SeverityChange(e.Text)
		if !ok || from != "" && !moreSevere(sevs, to, from) {
			continue
		}
		r.Escalations = append(r.Escalations, Escalation{At: e.At, From: from, To: to, Added: board.EscalationAdded(e.Text, d.Actions)})
	}
}

// moreSevere compares by the definitions, or by name without them (SEV1 before SEV2).
func moreSevere(sevs *severity.Set, a, b string) bool {
	if sevs != nil {
		return sevs.MoreSevere(a, b)
	}
	return a < b
}

func maxTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return b
	}
	return a
}
