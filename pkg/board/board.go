// Package board computes what an incident commander and the organisation need to know from the
// incident documents alone: the status board, the next actions, the handoff briefing and the
// statistics. Everything is a pure function of documents and an explicit "now", so it works
// offline and anyone can recompute it from the repository.
package board

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/severity"
)

// Item is one action-list item as the commander should consider it.
type Item struct {
	Number   int    // 1-based position in the action list: what `update --check` takes
	Text     string // without markers
	Required bool   // required at the incident's severity
	Done     bool
	DueAt    *time.Time // start of the item's time box + its length; nil when it has none
	Overdue  bool       // not done and the reference time is past DueAt
}

// Reference is the time overdue items and ages are measured against: now for an open incident,
// the resolution for a resolved one (an item left open at resolution was overdue then, not
// forever after).
func Reference(d *incident.Document, now time.Time) time.Time {
	m := d.Meta
	if m.Status == incident.StatusResolved && m.ResolvedAt != nil && m.ResolvedAt.Before(now) {
		return *m.ResolvedAt
	}
	return now
}

// Items returns every item of the action list in document order, with its time box evaluated.
// A drill runs its scenario faster than real time (speed in its front matter): its time boxes
// shrink alike, so at speed 60 paging within 5 minutes is due 5 seconds after the declaration.
func Items(d *incident.Document, now time.Time) []Item {
	ref := Reference(d, now)
	sev := d.Meta.Severity
	speed := DrillSpeed(d.Meta)
	out := make([]Item, len(d.Actions))
	for i, a := range d.Actions {
		it := Item{Number: i + 1, Text: a.Text, Required: a.RequiredAt(sev), Done: a.Done}
		if due, ok := a.DueAfter(sev); ok {
			if speed != 1 {
				due = time.Duration(math.Round(float64(due) / speed))
			}
			at := boxStart(d, a).Add(due)
			it.DueAt = &at
			it.Overdue = !a.Done && ref.After(at)
		}
		out[i] = it
	}
	return out
}

// DrillSpeed is how much faster than real time a drill runs: its speed key, 1 for a real
// incident or a speed that is not a positive number (lint reports those).
func DrillSpeed(m incident.Meta) float64 {
	if !m.IsDrill() || m.Speed == "" {
		return 1
	}
	f, err := strconv.ParseFloat(m.Speed, 64)
	if err != nil || !(f > 0) || math.IsInf(f, 0) {
		return 1
	}
	return f
}

// boxStart is when an item's time box starts: at the declaration when the incident was declared
// at a severity the box applies to, otherwise when the log shows it was raised to one. Paging
// within 5 minutes of an escalation to SEV2 is due 5 minutes after the escalation, not after the
// declaration hours before.
func boxStart(d *incident.Document, a incident.Action) time.Time {
	applies := func(sev string) bool { _, ok := a.DueAfter(sev); return ok }
	declaredAt := d.Meta.Severity
	var firstChange *incident.LogEntry
	for i, e := range d.Log {
		if from, to, ok := SeverityChange(e.Text); ok {
			if firstChange == nil {
				firstChange = &d.Log[i]
				declaredAt = from
			}
			if applies(to) && !applies(from) && !applies(declaredAt) {
				return e.At
			}
		}
	}
	return d.Meta.DeclaredAt
}

// Next returns the open items in the order the commander should consider them: the items
// required at the incident's severity first, then the rest. Within each group, time-boxed items
// come first by due time (so overdue ones lead), then the others in the order of the flow. No
// open item is ever left out: the order changes, the list does not shrink.
func Next(d *incident.Document, now time.Time) []Item {
	var open []Item
	for _, it := range Items(d, now) {
		if !it.Done {
			open = append(open, it)
		}
	}
	slices.SortStableFunc(open, compareNext)
	return open
}

func compareNext(a, b Item) int {
	if a.Required != b.Required {
		if a.Required {
			return -1
		}
		return 1
	}
	switch {
	case a.DueAt != nil && b.DueAt != nil:
		if c := a.DueAt.Compare(*b.DueAt); c != 0 {
			return c
		}
	case a.DueAt != nil:
		return -1
	case b.DueAt != nil:
		return 1
	}
	return cmp.Compare(a.Number, b.Number)
}

// Row is one incident on the board.
type Row struct {
	Doc          *incident.Document
	Age          time.Duration // declaration to now (to the resolution for a resolved incident)
	LastLogAt    time.Time     // zero when the log is empty
	SinceLastLog time.Duration // 0 when the log is empty
	Done, Total  int           // action-list items checked, all items
	Next         []Item        // every open item, in Next order
	OpenRequired []Item        // open items required at the severity, in Next order
	Overdue      []Item        // open time-boxed items past their time, in Next order
	Announcement AnnounceState // the last announcement and the cadence
}

// Status computes one incident's row.
func Status(d *incident.Document, now time.Time) Row {
	r := Row{Doc: d, Age: max(Reference(d, now).Sub(d.Meta.DeclaredAt), 0), Total: len(d.Actions)}
	if t := d.LastLogAt(); !t.IsZero() {
		r.LastLogAt = t
		r.SinceLastLog = max(now.Sub(t), 0)
	}
	for _, a := range d.Actions {
		if a.Done {
			r.Done++
		}
	}
	r.Next = Next(d, now)
	r.Announcement = LastAnnouncement(d, now)
	for _, it := range r.Next {
		if it.Required {
			r.OpenRequired = append(r.OpenRequired, it)
		}
		if it.Overdue {
			r.Overdue = append(r.Overdue, it)
		}
	}
	return r
}

// Board computes the rows of several incidents, the most severe first (by the order of the
// severity definitions; a severity they do not know goes last), then the newest declaration.
// sevs may be nil: severities are then compared by name.
func Board(docs []*incident.Document, sevs *severity.Set, now time.Time) []Row {
	rows := make([]Row, len(docs))
	for i, d := range docs {
		rows[i] = Status(d, now)
	}
	slices.SortStableFunc(rows, func(a, b Row) int {
		ma, mb := a.Doc.Meta, b.Doc.Meta
		if c := cmp.Compare(Rank(sevs, ma.Severity), Rank(sevs, mb.Severity)); c != 0 {
			return c
		}
		if c := cmp.Compare(ma.Severity, mb.Severity); c != 0 {
			return c
		}
		if c := mb.DeclaredAt.Compare(ma.DeclaredAt); c != 0 {
			return c
		}
		return cmp.Compare(ma.ID, mb.ID)
	})
	return rows
}

// Rank is a severity's position in the definitions (1 is the most severe); a severity the
// definitions do not know, or any severity when sevs is nil, ranks after all of them.
func Rank(sevs *severity.Set, id string) int {
	if sevs != nil {
		if l, ok := sevs.Get(id); ok {
			return l.Rank
		}
		return len(sevs.Levels) + 1
	}
	return 1 << 30
}

// AnnounceState is where the incident stands with announcing: the current announcement, when
// it was posted, and whether the next one is late against the cadence the flow sets for the
// severity (an action-list item's <!-- announce: 30m SEV1 SEV2 --> marker).
type AnnounceState struct {
	Text  string
	At    *time.Time    // when it was posted (announced_at, else the log's latest announcement entry); nil: never
	Every time.Duration // the cadence at the incident's severity; 0 when the flow sets none
	DueAt *time.Time    // when the next one is due; nil without a cadence
	// Overdue: the incident is open and the reference time is past DueAt.
	Overdue bool
}

// LastAnnouncement computes an incident's AnnounceState at now. Without announced_at (documents
// written before it existed) the time is that of the latest announcement entry in the log.
// Never announced, the first one is due a cadence after the incident reached a severity the
// cadence applies to.
func LastAnnouncement(d *incident.Document, now time.Time) AnnounceState {
	m := d.Meta
	a := AnnounceState{Text: m.Announcement, At: m.AnnouncedAt}
	if a.At == nil && m.Announcement != "" {
		for i := len(d.Log) - 1; i >= 0; i-- {
			if _, ok := Announcement(d.Log[i].Text); ok {
				t := d.Log[i].At
				a.At = &t
				break
			}
		}
	}
	every, item, ok := d.AnnounceEvery()
	if !ok {
		return a
	}
	a.Every = every
	start := boxStart(d, incident.Action{Due: every, DueAtSev: item.AnnounceAtSev})
	if a.At != nil && a.At.After(start) {
		start = *a.At
	}
	due := start.Add(every)
	a.DueAt = &due
	a.Overdue = m.Status != incident.StatusResolved && Reference(d, now).After(due)
	return a
}
