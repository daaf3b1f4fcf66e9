package drill

import (
	"fmt"
	"strings"
	"time"

	"github.com/incidentctl/incidentctl/pkg/incident"
)

// Every sentence and label this package writes for people is here, so that it can be
// translated in one place. (The log texts in play.go are data read back, not labels.)

// DrillTitlePrefix starts the title of every drill incident, so that a reader of the git log,
// a notification or the file itself never takes it for a real incident.
const DrillTitlePrefix = "Drill: "

// DebriefSection is the heading `drill debrief` writes the debrief under.
const DebriefSection = "Debrief"

var labels = struct {
	score, provisional, drillLine, scenarioLine, basedOn, handWritten, variantLine, variantUnknown,
	injects, clocks, expected, expectedNotDue, notDue, flow, flowAll, flowLate, requiredOpen, times,
	notReached, notChecked, unknown, suggestions, noSuggestion, suggestMissing, suggestUntied, notes, how string
	status map[string]string
}{
	score:          "Score: **%d/100**",
	provisional:    " (provisional: the drill is still open, and what is not done yet counts as missed)",
	drillLine:      "Drill %s %q: %s, commander %s, facilitator %s, speed %s×.",
	scenarioLine:   "Scenario %s (%s), variant %s.",
	basedOn:        "replays %s",
	handWritten:    "written by hand",
	variantLine:    "%s",
	variantUnknown: "unknown (the seal matches none of the scenario's variants)",
	injects:        "Injects delivered: %d of %d.",
	clocks:         "Times are scenario time, counted from the declaration (the drill's wall-clock time × %s).",
	expected:       "Expected actions (%d met, %d late, %d missed):",
	expectedNotDue: "Expected actions (%d met, %d late, %d missed, of which %d not due yet):",
	notDue:         "not due yet",
	flow:           "The action list at %s:",
	flowAll:        "- every required item is checked, every time-boxed one in time",
	flowLate:       "- %s: %s (%s)",
	requiredOpen:   "- still open though required at this severity:",
	times:          "Times to identify, mitigate and resolve (original incident in brackets):",
	notReached:     "not reached",
	notChecked:     "not checked",
	unknown:        "unknown",
	suggestions:    "Suggested changes to the flow (%s):",
	noSuggestion:   "- none: every expected action has an item in the action list",
	suggestMissing: "- %q is expected by %s, but the action list has no item %q: propose one in a pull request",
	suggestUntied:  "- %q is expected by %s, but no action-list item covers it: propose one in a pull request",
	notes:          "Notes:",
	how:            "How the score is computed: incidentctl drill score --help.",
	status:         map[string]string{Met: "met", Late: "late", Missed: "missed"},
}

// Debrief renders the result as Markdown a team can read aloud; the same text goes into the
// drill document's Debrief section.
func (r *Result) Debrief() string {
	p := r.Play
	m := p.Doc.Meta
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	head := fmt.Sprintf(labels.score, r.Score)
	if !r.Final {
		head += labels.provisional
	}
	line("%s", head) // not all emphasis: markdownlint reads a bold-only line as a heading (MD036)
	line("")
	line(labels.drillLine, m.ID, incident.InlineMarkdown(m.Title), m.Severity, orDash(m.Commander), orDash(m.Facilitator), FormatSpeed(p.Speed))
	origin := labels.handWritten
	if p.Scenario.BasedOn != "" {
		origin = fmt.Sprintf(labels.basedOn, p.Scenario.BasedOn)
	}
	variant := labels.variantUnknown
	if p.Sealed {
		variant = p.Variant.Name
	}
	line(labels.scenarioLine, p.Scenario.Path, origin, variant)
	line(labels.injects, len(p.Delivered), len(p.Plan))
	line(labels.clocks, FormatSpeed(p.Speed))
	line("")
	met, late, missed, notDue := r.Count()
	if notDue > 0 {
		line(labels.expectedNotDue, met, late, missed, notDue)
	} else {
		line(labels.expected, met, late, missed)
	}
	line("")
	for _, e := range r.Expected {
		status := labels.status[e.Status]
		if r.NotDue(e) {
			status = labels.notDue
		}
		s := fmt.Sprintf("- %s: %s — by %s", status, e.Text, FormatOffset(e.Offset))
		if e.DoneAt != nil {
			s += ", done " + FormatOffset(r.Offset(*e.DoneAt))
			if e.Status == Late {
				s += ", " + FormatDuration(r.Offset(*e.DoneAt)-e.Offset) + " late"
			}
		}
		if e.Original != nil {
			s += " (original " + FormatOffset(*e.Original) + ")"
		}
		line("%s", s)
	}
	line("")
	line(labels.flow, m.Severity)
	line("")
	shown := false
	for _, f := range r.Flow {
		if f.Status == Met {
			continue
		}
		shown = true
		detail := labels.notChecked
		if f.DoneAt != nil {
			detail = "done " + FormatOffset(r.Offset(*f.DoneAt))
		}
		if f.DueAt != nil {
			detail = "due " + FormatOffset(r.Offset(*f.DueAt)) + ", " + detail
		}
		line(labels.flowLate, labels.status[f.Status], f.Text, detail)
	}
	if len(r.RequiredOpen) > 0 {
		shown = true
		line("%s", labels.requiredOpen)
		for _, t := range r.RequiredOpen {
			line("  - %s", t)
		}
	}
	if !shown {
		line("%s", labels.flowAll)
	}
	line("")
	line("%s", labels.times)
	line("")
	for _, ms := range r.Milestones {
		drill, orig := labels.notReached, labels.unknown
		if ms.Drill != nil {
			drill = FormatOffset(*ms.Drill)
		}
		if ms.Original != nil {
			orig = FormatOffset(*ms.Original)
		}
		line("- %s: %s (%s)", ms.Status, drill, orig)
	}
	line("")
	line(labels.suggestions, r.FlowPath)
	line("")
	if len(r.Suggestions) == 0 {
		line("%s", labels.noSuggestion)
	}
	for _, s := range r.Suggestions {
		if s.Missing != "" {
			line(labels.suggestMissing, s.Expected, FormatOffset(s.Offset), s.Missing)
		} else {
			line(labels.suggestUntied, s.Expected, FormatOffset(s.Offset))
		}
	}
	if len(r.Notes) > 0 {
		line("")
		line("%s", labels.notes)
		line("")
		for _, n := range r.Notes {
			note, _ := DebriefNote(n.Text)
			line("- %s (%s)", incident.InlineMarkdown(note), n.Author)
		}
	}
	line("")
	line("%s", labels.how)
	return b.String()
}

// FormatDuration writes a span like 5m, 1h47m, 30s.
func FormatDuration(d time.Duration) string { return strings.TrimPrefix(FormatOffset(d), "+") }

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}
