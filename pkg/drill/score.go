package drill

import (
	"math"
	"strings"
	"time"

	"github.com/incidentctl/incidentctl/pkg/board"
	"github.com/incidentctl/incidentctl/pkg/incident"
)

// How an expected action or a flow item went.
const (
	Met    = "met"    // done by its deadline
	Late   = "late"   // done after it
	Missed = "missed" // not done
)

// Points per outcome.
const (
	pointsMet  = 1.0
	pointsLate = 0.5
)

// How the score is computed is told in `drill score --help` (drill.score.long in pkg/i18n's
// catalogue): keep the two in step.

// ExpectedResult is how one expected action went.
type ExpectedResult struct {
	Expected
	DueAt  time.Time  // the deadline on the wall clock
	DoneAt *time.Time // nil when not done
	Status string
	Item   string // the drill's action-list item it is tied to ("" none)
	InFlow bool   // the flow has an item for it (false: a suggestion for the debrief)
}

// FlowResult is how one required or time-boxed item of the drill's action list went.
type FlowResult struct {
	Number   int
	Text     string
	Required bool
	DueAt    *time.Time // the scaled time box, nil when it has none
	DoneAt   *time.Time
	Status   string
}

// MilestoneResult compares when the drill and the original incident reached a status.
type MilestoneResult struct {
	Status          string
	Drill, Original *time.Duration // scenario time from the declaration; nil: not reached or unknown
}

// Result is a drill's score and everything its debrief says.
type Result struct {
	Play         *Play
	Final        bool // the drill is closed
	Expected     []ExpectedResult
	Flow         []FlowResult
	RequiredOpen []string
	Milestones   []MilestoneResult
	Points       float64
	Possible     float64
	Score        int
	Suggestions  []Suggestion
	Notes        []incident.LogEntry
	FlowPath     string    // the action list the suggestions are about
	Now          time.Time // when it was scored
}

// Suggestion is a change to the flow the debrief proposes.
type Suggestion struct {
	Expected string
	Offset   time.Duration
	Missing  string // the item the scenario names that the flow lacks ("" when untied)
}

// Score compares what the trainee did with the scenario: the expected actions, the required
// and time-boxed items of the drill's action list, and the original incident's times. flow is
// the action list as the flow at HEAD renders it for the drill's severity (nil: not known),
// flowPath where it comes from; now is the time open items are judged at.
func Score(p *Play, flow []incident.Action, flowPath string, now time.Time) *Result {
	d := p.Doc
	m := d.Meta
	r := &Result{Play: p, Final: m.Status == incident.StatusResolved, FlowPath: flowPath, Now: now}
	checked := map[string]time.Time{}
	for _, e := range d.Log {
		if item, ok := board.CheckedItem(e.Text); ok {
			if _, seen := checked[item]; !seen {
				checked[item] = e.At
			}
		}
		if item, ok := board.UncheckedItem(e.Text); ok {
			delete(checked, item) // ticked by mistake: done when it is ticked again
		}
		if _, ok := DebriefNote(e.Text); ok {
			r.Notes = append(r.Notes, e)
		}
	}
	last := d.LastLogAt()
	doneAt := func(i int) *time.Time {
		a := d.Actions[i]
		if !a.Done {
			return nil
		}
		if t, ok := checked[a.Text]; ok {
			return &t
		}
		// Ticked by hand: no log entry says when, so the latest one is the earliest time known.
		t := last
		return &t
	}
	tied := map[int]bool{}
	for _, e := range p.Scenario.Expected {
		er := ExpectedResult{Expected: e, DueAt: p.Start.Add(Wall(e.Offset, p.Speed)), InFlow: true}
		switch e.Tie {
		case TieAction:
			if i, ok := findItem(d.Actions, e.Action); ok {
				tied[i] = true
				er.Item = d.Actions[i].Text
				er.DoneAt = doneAt(i)
				if flow != nil {
					_, er.InFlow = findItem(flow, er.Item)
				}
			} else {
				er.InFlow = false
				er.DoneAt = logMatch(d, []string{e.Action})
			}
		case TieStatus:
			er.DoneAt = milestone(m, e.Status)
			er.InFlow = false
		case TieLog:
			er.DoneAt = logMatch(d, e.Words)
			er.InFlow = false
		default:
			er.DoneAt = logMatch(d, []string{e.Text})
			er.InFlow = false
		}
		er.Status = outcome(er.DoneAt, &er.DueAt)
		r.add(er.Status)
		r.Expected = append(r.Expected, er)
		if !er.InFlow && e.Tie != TieStatus {
			s := Suggestion{Expected: e.Text, Offset: e.Offset}
			if e.Tie == TieAction {
				s.Missing = e.Action
				if er.Item != "" {
					s.Missing = er.Item
				}
			}
			r.Suggestions = append(r.Suggestions, s)
		}
	}
	items := board.Items(d, now)
	for i, a := range d.Actions {
		required := a.RequiredAt(m.Severity)
		if required && !a.Done {
			r.RequiredOpen = append(r.RequiredOpen, a.Text)
		}
		_, boxed := a.DueAfter(m.Severity)
		if tied[i] || !required && !boxed {
			continue
		}
		// board.Items scales a drill's time boxes by its speed already.
		fr := FlowResult{Number: i + 1, Text: a.Text, Required: required, DoneAt: doneAt(i), DueAt: items[i].DueAt}
		fr.Status = outcome(fr.DoneAt, fr.DueAt)
		r.add(fr.Status)
		r.Flow = append(r.Flow, fr)
	}
	for _, st := range Milestones {
		mr := MilestoneResult{Status: st, Original: p.Scenario.Original.Get(st)}
		if t := milestone(m, st); t != nil {
			el := p.Elapsed(*t)
			mr.Drill = &el
		}
		r.Milestones = append(r.Milestones, mr)
	}
	r.Score = 100
	if r.Possible > 0 {
		r.Score = int(math.Round(100 * r.Points / r.Possible))
	}
	return r
}

func (r *Result) add(status string) {
	r.Possible++
	switch status {
	case Met:
		r.Points += pointsMet
	case Late:
		r.Points += pointsLate
	}
}

// outcome judges a done time against a deadline (nil: none).
func outcome(done, due *time.Time) string {
	switch {
	case done == nil:
		return Missed
	case due != nil && done.After(*due):
		return Late
	}
	return Met
}

// findItem finds the action-list item an expected action names: the same text regardless of
// case, else the one item containing it.
func findItem(actions []incident.Action, name string) (int, bool) {
	name = strings.ToLower(strings.TrimSpace(name))
	if name == "" {
		return 0, false
	}
	found := -1
	for i, a := range actions {
		t := strings.ToLower(a.Text)
		if t == name {
			return i, true
		}
		if strings.Contains(t, name) {
			if found >= 0 {
				return 0, false // ambiguous: lint-like tools should not guess
			}
			found = i
		}
	}
	return found, found >= 0
}

// logMatch is the time of the first entry of the trainee's containing one of the words.
func logMatch(d *incident.Document, words []string) *time.Time {
	for i, e := range d.Log {
		if !IsTraineeEntry(d, i) {
			continue
		}
		t := strings.ToLower(e.Text)
		for _, w := range words {
			if w = strings.ToLower(strings.TrimSpace(w)); w != "" && strings.Contains(t, w) {
				at := e.At
				return &at
			}
		}
	}
	return nil
}

func milestone(m incident.Meta, status string) *time.Time {
	return m.Milestone(incident.MilestoneKey(status))
}

// Count returns how many expected actions were met, late and missed, and how many of the
// missed ones are not due yet in a drill still open.
func (r *Result) Count() (met, late, missed, notDue int) {
	for _, e := range r.Expected {
		switch {
		case e.Status == Met:
			met++
		case e.Status == Late:
			late++
		case r.NotDue(e):
			notDue++
			missed++
		default:
			missed++
		}
	}
	return met, late, missed, notDue
}

// NotDue reports whether an expected action is open with its deadline still ahead, in a drill
// still under way: missed for the score so far, but not yet a miss.
func (r *Result) NotDue(e ExpectedResult) bool {
	return e.Status == Missed && !r.Final && e.DueAt.After(r.Now)
}

// Offset is a wall-clock time as scenario time from the drill's declaration.
func (r *Result) Offset(t time.Time) time.Duration { return r.Play.Elapsed(t) }
