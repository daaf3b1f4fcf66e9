package board

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/incidentctl/incidentctl/pkg/incident"
)

// The log is the record the statistics are computed from, so the texts incidentctl writes for a
// change of commander and for a skipped action are read back here. Writing and reading them
// live side by side so they cannot drift apart.

// SkippedPrefix starts the log entry `incidentctl close --force` writes for each required
// action it skips.
const SkippedPrefix = "skipped required action: "

// CheckedPrefix starts the log entry `incidentctl update --check` writes when it ticks an item.
const CheckedPrefix = "checked: "

// CheckedEntry is the log text of ticking an action-list item.
func CheckedEntry(item string) string { return CheckedPrefix + item }

// CheckedItem reads "checked: <item>" back.
func CheckedItem(text string) (string, bool) {
	item, ok := strings.CutPrefix(text, CheckedPrefix)
	return strings.TrimSpace(item), ok
}

const (
	severityPrefix  = "severity "
	commanderPrefix = "commander "
	handoffPrefix   = "handoff: commander "
	arrow           = " → "
	briefingMark    = ". Briefing: "
	statusMark      = ". Status: "
	none            = "—"
	addedMark       = " (added "
	addedSep        = "; "
)

// CommanderChange reads a log text that changes the commander: "commander alice → bob" (written
// by `update --commander`) or "handoff: commander alice → bob. Briefing: …" (written by
// `handoff`). A side that was empty is written "—" and comes back as "".
func CommanderChange(text string) (from, to string, ok bool) {
	switch {
	case strings.HasPrefix(text, handoffPrefix):
		rest := text[len(handoffPrefix):]
		from, rest, ok = strings.Cut(rest, arrow)
		if !ok {
			return "", "", false
		}
		// The name ends where the generated text starts; a name may itself contain ". ".
		end := len(rest)
		for _, mark := range []string{briefingMark, statusMark} {
			if i := strings.Index(rest, mark); i >= 0 && i < end {
				end = i
			}
		}
		to = rest[:end]
	case strings.HasPrefix(text, commanderPrefix):
		from, to, ok = strings.Cut(text[len(commanderPrefix):], arrow)
		if !ok {
			return "", "", false
		}
	default:
		return "", "", false
	}
	return noDash(from), noDash(to), true
}

// CommanderEntry is the log text of a change of commander.
func CommanderEntry(from, to string) string {
	return commanderPrefix + orDash(from) + arrow + orDash(to)
}

// SeverityEntry is the log text of a change of severity.
func SeverityEntry(from, to string) string { return severityPrefix + orDash(from) + arrow + to }

// EscalationSuffix is what a severity change's log text adds when the escalation added actions
// to the list: " (added 2 actions: Page the on-call engineer; Escalate to management)".
func EscalationSuffix(added []string) string {
	if len(added) == 0 {
		return ""
	}
	noun := "actions"
	if len(added) == 1 {
		noun = "action"
	}
	return fmt.Sprintf("%s%d %s: %s)", addedMark, len(added), noun, strings.Join(added, addedSep))
}

// EscalationAdded reads back which of the document's actions a severity change's log text says
// the escalation added. The texts are joined with "; ", which an action's own text may contain,
// so they are matched against the actions the document has rather than split.
func EscalationAdded(text string, actions []incident.Action) []string {
	if _, _, ok := SeverityChange(text); !ok {
		return nil
	}
	i := strings.Index(text, addedMark)
	if i < 0 || !strings.HasSuffix(text, ")") {
		return nil
	}
	list := text[i+len(addedMark) : len(text)-1]
	if _, rest, ok := strings.Cut(list, ": "); ok {
		list = rest
	}
	list = addedSep + list + addedSep
	var out []string
	for _, a := range actions {
		if a.Text != "" && strings.Contains(list, addedSep+a.Text+addedSep) && !slices.Contains(out, a.Text) {
			out = append(out, a.Text)
		}
	}
	return out
}

// SeverityChange reads "severity SEV3 → SEV1" (possibly followed by " (added ...)").
func SeverityChange(text string) (from, to string, ok bool) {
	rest, ok := strings.CutPrefix(text, severityPrefix)
	if !ok {
		return "", "", false
	}
	from, to, ok = strings.Cut(rest, arrow)
	if !ok {
		return "", "", false
	}
	to, _, _ = strings.Cut(to, " ")
	return noDash(from), to, true
}

func noDash(s string) string {
	s = strings.TrimSpace(s)
	if s == none {
		return ""
	}
	return s
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return none
	}
	return s
}

// Commanders lists everyone who commanded the incident at some time, in the order they took
// command: whoever the log shows handing over or taking over, and the current commander.
func Commanders(d *incident.Document) []string {
	var out []string
	add := func(name string) {
		if name != "" && !containsFold(out, name) {
			out = append(out, name)
		}
	}
	for _, e := range d.Log {
		if from, to, ok := CommanderChange(e.Text); ok {
			add(from)
			add(to)
		}
	}
	add(strings.TrimSpace(d.Meta.Commander))
	return out
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// Skipped lists the action-list items a resolved incident left undone: those the log records as
// skipped at a close (close --force) and those required at its severity that are still
// unchecked (a hand edit, or a severity changed after closing). Each item counts once. An open
// incident has skipped nothing yet.
func Skipped(d *incident.Document) []string {
	if d.Meta.Status != incident.StatusResolved {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	add := func(text string) {
		if text != "" && !seen[text] {
			seen[text] = true
			out = append(out, text)
		}
	}
	for _, e := range d.Log {
		if text, ok := strings.CutPrefix(e.Text, SkippedPrefix); ok {
			add(strings.TrimSpace(text))
		}
	}
	for _, a := range d.Actions {
		if !a.Done && a.RequiredAt(d.Meta.Severity) {
			add(a.Text)
		}
	}
	return out
}

// Handoff is the log text of a transfer of command: who hands over to whom, the outgoing
// commander's note, and a generated briefing a newcomer can act on: status, impact,
// announcement, the open required actions (numbered as `update --check` takes them, with their
// time boxes) and who holds which role. It is one line, like every log entry.
func Handoff(d *incident.Document, from, to, note string, at time.Time) string {
	m := d.Meta
	var b strings.Builder
	b.WriteString(handoffPrefix + orDash(from) + arrow + orDash(to))
	if note = incident.OneLine(note); note != "" {
		b.WriteString(briefingMark + note)
		if !strings.HasSuffix(note, ".") && !strings.HasSuffix(note, "!") && !strings.HasSuffix(note, "?") {
			b.WriteString(".")
		}
		b.WriteString(" Status: ")
	} else {
		b.WriteString(statusMark)
	}
	fmt.Fprintf(&b, "%s %s, declared %s", m.Severity, m.Status, Clock(m.DeclaredAt, at))
	fmt.Fprintf(&b, "; impact: %s; announcement: %s", orDash(m.Impact), orDash(m.Announcement))
	r := Status(d, at)
	b.WriteString("; open required actions: ")
	if len(r.OpenRequired) == 0 {
		b.WriteString("none")
	}
	for i, it := range r.OpenRequired {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(describe(it, at))
	}
	var otherOverdue []string
	for _, it := range r.Overdue {
		if !it.Required {
			otherOverdue = append(otherOverdue, describe(it, at))
		}
	}
	if len(otherOverdue) > 0 {
		b.WriteString("; also overdue: " + strings.Join(otherOverdue, ", "))
	}
	b.WriteString("; roles: " + orNone(m.Roles.String()))
	return incident.OneLine(b.String())
}

func orNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return "none"
	}
	return s
}

// describe renders "4. Page the on-call engineer (overdue since 10:07)".
func describe(it Item, now time.Time) string {
	s := fmt.Sprintf("%d. %s", it.Number, it.Text)
	switch {
	case it.DueAt == nil:
	case it.Overdue:
		s += " (overdue since " + Clock(*it.DueAt, now) + ")"
	default:
		s += " (due " + Clock(*it.DueAt, now) + ")"
	}
	return s
}

// Clock shows a time in its own offset: "10:07" on the same day as ref, the date too otherwise.
func Clock(t, ref time.Time) string {
	ry, rm, rd := ref.In(t.Location()).Date()
	if y, m, d := t.Date(); y == ry && m == rm && d == rd {
		return t.Format("15:04")
	}
	return t.Format("2006-01-02 15:04")
}

// The texts of the other changes a reader of the record follows (the web view's feed and
// timeline): a declaration, a change of status, an announcement, a resolution.
const (
	declaredPrefix     = "Declared "
	statusPrefix       = "status "
	announcementPrefix = "announcement: "
	reopenedMark       = " (reopened)"
	resolvedMark       = " → " + incident.StatusResolved + ": "
)

// DeclaredEntry is the first log entry of a new incident: "Declared SEV2: title; commander
// alice; impact: …".
func DeclaredEntry(sev, title, commander, impact string) string {
	s := declaredPrefix + sev + ": " + title
	if commander != "" {
		s += "; commander " + commander
	}
	if impact != "" {
		s += "; impact: " + impact
	}
	return s
}

// Declared reads a declaration entry's severity.
func Declared(text string) (sev string, ok bool) {
	rest, ok := strings.CutPrefix(text, declaredPrefix)
	if !ok {
		return "", false
	}
	sev, _, ok = strings.Cut(rest, ": ")
	if !ok || sev == "" || strings.ContainsAny(sev, " \t") {
		return "", false
	}
	return sev, true
}

// StatusEntry is the log text of a change of status ("status investigating → identified",
// with " (reopened)" when it leaves resolved).
func StatusEntry(from, to string) string {
	s := statusPrefix + orDash(from) + arrow + to
	if from == incident.StatusResolved {
		s += reopenedMark
	}
	return s
}

// ResolvedEntry is the log text `close` writes: "status mitigated → resolved: <resolution>".
func ResolvedEntry(from, resolution string) string {
	return statusPrefix + from + resolvedMark + resolution
}

// StatusChange reads a change of status, a resolution included (its text is returned as
// resolution).
func StatusChange(text string) (from, to, resolution string, ok bool) {
	rest, ok := strings.CutPrefix(text, statusPrefix)
	if !ok {
		return "", "", "", false
	}
	from, to, ok = strings.Cut(rest, arrow)
	if !ok {
		return "", "", "", false
	}
	if r, found := strings.CutPrefix(to, incident.StatusResolved+": "); found {
		return noDash(from), incident.StatusResolved, r, true
	}
	to = strings.TrimSuffix(to, reopenedMark)
	if !incident.ValidStatus(to) {
		return "", "", "", false
	}
	return noDash(from), to, "", true
}

// AnnouncementEntry is the log text of a new announcement.
func AnnouncementEntry(text string) string { return announcementPrefix + orDash(text) }

// Announcement reads an announcement entry ("" when it was cleared).
func Announcement(text string) (string, bool) {
	rest, ok := strings.CutPrefix(text, announcementPrefix)
	if !ok {
		return "", false
	}
	return noDash(rest), true
}

// Briefing is a handoff entry read back: who handed over to whom, the outgoing commander's
// note and the generated briefing's parts in the order Handoff writes them.
type Briefing struct {
	From, To string
	Note     string
	Parts    []BriefingPart
}

// BriefingPart is one labelled part of a briefing. Items splits a list ("open required
// actions", "roles") into its elements.
type BriefingPart struct {
	Label string // "status", "impact", "announcement", "open required actions", "also overdue", "roles"
	Value string
	Items []string
}

// Labels of the briefing's parts, as Handoff writes them.
const (
	BriefingStatus       = "status"
	BriefingImpact       = "impact"
	BriefingAnnouncement = "announcement"
	BriefingOpenRequired = "open required actions"
	BriefingAlsoOverdue  = "also overdue"
	BriefingRoles        = "roles"
)

var numberedItem = regexp.MustCompile(`, (\d+\. )`)

// ParseHandoff reads a handoff entry written by Handoff. A free text in it (the note, the
// impact) may itself contain the separators; the generated labels are looked for from the
// end, so only a value that contains a later label's separator is split wrongly.
func ParseHandoff(text string) (Briefing, bool) {
	from, to, ok := CommanderChange(text)
	if !ok || !strings.HasPrefix(text, handoffPrefix) {
		return Briefing{}, false
	}
	b := Briefing{From: from, To: to}
	rest := text[len(handoffPrefix):]
	_, rest, _ = strings.Cut(rest, arrow)
	rest = rest[len(to):]
	if strings.HasPrefix(rest, briefingMark) {
		i := strings.LastIndex(rest, " Status: ")
		if i < 0 {
			b.Note = strings.TrimSpace(rest[len(briefingMark):])
			return b, true
		}
		b.Note = strings.TrimSpace(rest[len(briefingMark):i])
		rest = rest[i+len(" Status: "):]
	} else if strings.HasPrefix(rest, statusMark) {
		rest = rest[len(statusMark):]
	} else {
		return b, true
	}
	labels := []string{BriefingImpact, BriefingAnnouncement, BriefingOpenRequired, BriefingAlsoOverdue, BriefingRoles}
	var parts []BriefingPart
	// From the end: each label's separator is searched for in what is left before it.
	for i := len(labels) - 1; i >= 0; i-- {
		sep := "; " + labels[i] + ": "
		j := strings.LastIndex(rest, sep)
		if j < 0 {
			continue
		}
		parts = append(parts, BriefingPart{Label: labels[i], Value: rest[j+len(sep):]})
		rest = rest[:j]
	}
	parts = append(parts, BriefingPart{Label: BriefingStatus, Value: rest})
	slices.Reverse(parts)
	for i := range parts {
		p := &parts[i]
		switch p.Label {
		case BriefingOpenRequired, BriefingAlsoOverdue:
			if p.Value != "none" {
				p.Items = strings.Split(numberedItem.ReplaceAllString(p.Value, "\x00$1"), "\x00")
			}
		case BriefingRoles:
			if p.Value != "none" {
				p.Items = strings.Split(p.Value, ", ")
			}
		}
	}
	b.Parts = parts
	return b, true
}
