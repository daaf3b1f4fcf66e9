package board

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/incidentctl/incidentctl/pkg/display"
	"github.com/incidentctl/incidentctl/pkg/incident"
)

// The log is the record the statistics are computed from, so the texts incidentctl writes for a
// change of commander and for a skipped action are read back here. Writing and reading them
// live side by side so they cannot drift apart.

// SkippedPrefix starts the log entry `incidentctl close --force` writes for each required
// action it skips (in an English document; LogWords has every language's).
const SkippedPrefix = "skipped required action: "

// CheckedPrefix starts the log entry `incidentctl update --check` writes when it ticks an item
// (in an English document; LogWords has every language's).
const CheckedPrefix = "checked: "

// CheckedEntry is the log text of ticking an action-list item (English).
func CheckedEntry(item string) string { return CheckedPrefix + item }

// CheckedItem reads "checked: <item>" back, in any language.
func CheckedItem(text string) (string, bool) {
	for _, w := range wordsOf {
		if item, ok := strings.CutPrefix(text, w.Checked); ok {
			return strings.TrimSpace(item), true
		}
	}
	return "", false
}

// UncheckedItem reads "unchecked: <item>" (update --uncheck) back, in any language: the check
// before it was a mistake, so readers of when an item was done forget it.
func UncheckedItem(text string) (string, bool) {
	for _, w := range wordsOf {
		if item, ok := strings.CutPrefix(text, w.Unchecked); ok {
			return strings.TrimSpace(item), true
		}
	}
	return "", false
}

const (
	arrow = " → "
	none  = "—"
)

// LogWords is one language's words for the log texts incidentctl writes into a document. A
// document's log is written in the document's language (incident.Document.Lang); every reader
// here accepts every language, so a repository holding documents in several languages gives
// the same statistics. These are part of the format: never change a released entry.
type LogWords struct {
	Lang string
	// Declared is the first log entry; commander and impact may be empty. ParseDeclared
	// reads its severity back.
	Declared      func(sev, title, commander, impact string) string
	ParseDeclared func(text string) (sev string, ok bool)
	// Prefixes of field changes: "<prefix><old> → <new>".
	Severity, Commander, Status, Role string
	// Quoted fields: "<label>: <value>".
	Impact, Announcement string
	Checked              string // "<checked><text>"
	Unchecked            string // "<unchecked><text>": update --uncheck
	Skipped              string // "<skipped><text>", read back by stats and lint
	Reopened             string // appended to a status change that reopens
	Released             func(role, holder string) string
	Added                func(n int, texts string) string // appended to an escalation
	AddedMark, AddedEnd  string                           // where Added\'s list of actions starts and ends
	Resolved             func(old, resolution string) string
	// The handoff briefing.
	Handoff, Briefing, StatusMark, Declared2, ImpactMark, AnnouncementMark string
	OpenRequired, NoneOpen, AlsoOverdue, Roles, NoRoles, Sep, ListSep      string
	End                                                                    func(note string) string // closes the note
	NoteEnd                                                                string                   // what every End holds: where a note ends
	Overdue, Due                                                           func(clock string) string
	// What a merge decided (pkg/merge writes these, and sync prints them as notes).
	MergeSeverity func(keep, other string) string // a severity kept over a concurrent de-escalation
	MergeChecked  func(action string) string      // a check box checked on one side, unchecked on the other
	// incidentctl edit's entry: "<edited><what changed>", the parts joined with ListSep.
	Edited        string
	Field         map[string]string               // the name of a field in Edited's list, by front-matter key
	EditCount     func(n int, what string) string // what: "action added", "action removed", "log entry added"
	EditAction    func(n int, checked bool) string
	EditText      func(section string) string // the prose of a section changed
	EditLayout    string                      // nothing but the layout changed
	Undo          func(commit, subject string) string
	UndoDisregard func(n int) string // appended to Undo when the change logged entries
}

// All returns every language's log words, English first.
func All() []*LogWords { return wordsOf }

var logWords = map[string]*LogWords{
	incident.LangEn: {
		Lang: incident.LangEn,
		Declared: func(sev, title, commander, impact string) string {
			s := fmt.Sprintf("Declared %s: %s", sev, title)
			if commander != "" {
				s += "; commander " + commander
			}
			if impact != "" {
				s += "; impact: " + impact
			}
			return s
		},
		ParseDeclared: func(text string) (string, bool) {
			rest, ok := strings.CutPrefix(text, "Declared ")
			if !ok {
				return "", false
			}
			sev, _, ok := strings.Cut(rest, ": ")
			if !ok || sev == "" || strings.ContainsAny(sev, " \t") {
				return "", false
			}
			return sev, true
		},
		Severity: "severity ", Commander: "commander ", Status: "status ", Role: "role ",
		Impact: "impact", Announcement: "announcement", Checked: "checked: ", Unchecked: "unchecked: ", Skipped: SkippedPrefix,
		Reopened: " (reopened)",
		Released: func(role, holder string) string { return "role " + role + ": " + holder + " released" },
		Added: func(n int, texts string) string {
			noun := "actions"
			if n == 1 {
				noun = "action"
			}
			return fmt.Sprintf(" (added %d %s: %s)", n, noun, texts)
		},
		AddedMark: " (added ", AddedEnd: ")",
		Resolved: func(old, resolution string) string { return "status " + old + " → resolved: " + resolution },
		Handoff:  "handoff: commander ", Briefing: ". Briefing: ", StatusMark: ". Status: ",
		Declared2: ", declared ", ImpactMark: "; impact: ", AnnouncementMark: "; announcement: ",
		OpenRequired: "; open required actions: ", NoneOpen: "none", AlsoOverdue: "; also overdue: ",
		Roles: "; roles: ", NoRoles: "none", Sep: " ", ListSep: ", ",
		End: func(note string) string {
			if strings.HasSuffix(note, ".") || strings.HasSuffix(note, "!") || strings.HasSuffix(note, "?") {
				return " Status: "
			}
			return ". Status: "
		},
		NoteEnd: " Status: ",
		Overdue: func(c string) string { return " (overdue since " + c + ")" },
		Due:     func(c string) string { return " (due " + c + ")" },
		MergeSeverity: func(keep, other string) string {
			return fmt.Sprintf("merge: severity changed on both sides (%s and %s): kept %s, the more severe", keep, other, keep)
		},
		MergeChecked: func(action string) string {
			return fmt.Sprintf("merge: action %q checked on one side and unchecked on the other: kept checked", action)
		},
		Edited: "edited by hand: ",
		Field:  map[string]string{},
		EditCount: func(n int, what string) string {
			if n == 1 {
				return "1 " + what
			}
			return fmt.Sprintf("%d %s", n, map[string]string{"action added": "actions added", "action removed": "actions removed", "log entry added": "log entries added"}[what])
		},
		EditAction: func(n int, checked bool) string {
			if checked {
				return fmt.Sprintf("action %d checked", n)
			}
			return fmt.Sprintf("action %d unchecked", n)
		},
		EditText:   func(section string) string { return "text of " + section },
		EditLayout: "layout",
		Undo: func(commit, subject string) string {
			return "undo of " + commit + " (" + subject + "): set back by this change"
		},
		UndoDisregard: func(n int) string {
			if n == 1 {
				return "; disregard the 1 entry it logged"
			}
			return fmt.Sprintf("; disregard the %d entries it logged", n)
		},
	},
	incident.LangJa: {
		Lang: incident.LangJa,
		Declared: func(sev, title, commander, impact string) string {
			s := fmt.Sprintf("%s で宣言: %s", sev, title)
			if commander != "" {
				s += "; インシデントコマンダー: " + commander
			}
			if impact != "" {
				s += "; 影響範囲: " + impact
			}
			return s
		},
		ParseDeclared: func(text string) (string, bool) {
			sev, rest, ok := strings.Cut(text, " で宣言: ")
			if !ok || sev == "" || rest == "" || strings.ContainsAny(sev, " \t") {
				return "", false
			}
			return sev, true
		},
		Severity: "重大度 ", Commander: "インシデントコマンダー ", Status: "ステータス ", Role: "役割 ",
		Impact: "影響範囲", Announcement: "告知", Checked: "完了: ", Unchecked: "チェック解除: ", Skipped: "必須アクションをスキップ: ",
		Reopened: "（再開）",
		Released: func(role, holder string) string { return "役割 " + role + ": " + holder + " を解除" },
		Added: func(n int, texts string) string {
			return fmt.Sprintf("（アクションを %d 件追加: %s）", n, texts)
		},
		AddedMark: "（アクションを ", AddedEnd: "）",
		Resolved: func(old, resolution string) string { return "ステータス " + old + " → resolved: " + resolution },
		Handoff:  "引き継ぎ: インシデントコマンダー ", Briefing: "。申し送り: ", StatusMark: "。状況: ",
		Declared2: "、宣言 ", ImpactMark: "; 影響範囲: ", AnnouncementMark: "; 告知: ",
		OpenRequired: "; 未完了の必須アクション: ", NoneOpen: "なし", AlsoOverdue: "; 期限切れ（必須以外）: ",
		Roles: "; 役割: ", NoRoles: "なし", Sep: " ", ListSep: "、",
		End: func(note string) string {
			if strings.HasSuffix(note, "。") || strings.HasSuffix(note, "！") || strings.HasSuffix(note, "？") || strings.HasSuffix(note, ".") {
				return "状況: "
			}
			return "。状況: "
		},
		NoteEnd: "状況: ",
		Overdue: func(c string) string { return "（" + c + " から期限切れ）" },
		Due:     func(c string) string { return "（期限 " + c + "）" },
		MergeSeverity: func(keep, other string) string {
			return fmt.Sprintf("マージ: 両方で重大度が変更されていました（%s と %s）: より重大な %s を残しました", keep, other, keep)
		},
		MergeChecked: func(action string) string {
			return fmt.Sprintf("マージ: アクション「%s」が一方でチェック、もう一方でチェック解除されていました: チェックを残しました", action)
		},
		Edited: "手で編集: ",
		Field: map[string]string{"title": "タイトル", "severity": "重大度", "status": "ステータス", "commander": "インシデントコマンダー",
			"roles": "役割", "resolution": "解決内容", "impact": "影響範囲", "announcement": "告知"},
		EditCount: func(n int, what string) string {
			return fmt.Sprintf(map[string]string{"action added": "アクションを %d 件追加", "action removed": "アクションを %d 件削除", "log entry added": "ログを %d 件追加"}[what], n)
		},
		EditAction: func(n int, checked bool) string {
			if checked {
				return fmt.Sprintf("アクション %d をチェック", n)
			}
			return fmt.Sprintf("アクション %d のチェックを解除", n)
		},
		EditText:   func(section string) string { return section + " の本文" },
		EditLayout: "レイアウト",
		Undo: func(commit, subject string) string {
			return commit + "（" + subject + "）の取り消し: この変更で元に戻しました"
		},
		UndoDisregard: func(n int) string {
			return fmt.Sprintf("。記録されたログ %d 件は無視してください", n)
		},
	},
}

// Words returns a language's log words; an unknown language gives English.
func Words(lang string) *LogWords {
	if w, ok := logWords[lang]; ok {
		return w
	}
	return logWords[incident.LangEn]
}

// wordsOf lists every language's words, English first (the readers try each).
var wordsOf = []*LogWords{logWords[incident.LangEn], logWords[incident.LangJa]}

// CommanderChange reads a log text that changes the commander: "commander alice → bob" (written
// by `update --commander`) or "handoff: commander alice → bob. Briefing: …" (written by
// `handoff`), in any language. A side that was empty is written "—" and comes back as "".
func CommanderChange(text string) (from, to string, ok bool) {
	for _, w := range wordsOf {
		if from, to, ok = w.commanderChange(text); ok {
			return from, to, ok
		}
	}
	return "", "", false
}

func (w *LogWords) commanderChange(text string) (from, to string, ok bool) {
	switch {
	case strings.HasPrefix(text, w.Handoff):
		rest := text[len(w.Handoff):]
		from, rest, ok = strings.Cut(rest, arrow)
		if !ok {
			return "", "", false
		}
		// The name ends where the generated text starts; a name may itself contain ". ".
		end := len(rest)
		for _, mark := range []string{w.Briefing, w.StatusMark} {
			if i := strings.Index(rest, mark); i >= 0 && i < end {
				end = i
			}
		}
		to = rest[:end]
	case strings.HasPrefix(text, w.Commander):
		from, to, ok = strings.Cut(text[len(w.Commander):], arrow)
		if !ok {
			return "", "", false
		}
	default:
		return "", "", false
	}
	return noDash(from), noDash(to), true
}

// CommanderEntry is the log text of a change of commander (in an English document).
func CommanderEntry(from, to string) string { return Words(incident.LangEn).CommanderEntry(from, to) }

// CommanderEntry is the log text of a change of commander.
func (w *LogWords) CommanderEntry(from, to string) string {
	return w.Commander + orDash(from) + arrow + orDash(to)
}

// SeverityEntry is the log text of a change of severity (in an English document).
func SeverityEntry(from, to string) string { return Words(incident.LangEn).SeverityEntry(from, to) }

// SeverityEntry is the log text of a change of severity.
func (w *LogWords) SeverityEntry(from, to string) string {
	return w.Severity + orDash(from) + arrow + to
}

// Change is the log text of another field's change: "<prefix><old> → <new>".
func (w *LogWords) Change(prefix, from, to string) string {
	return prefix + orDash(from) + arrow + orDash(to)
}

// EscalationSuffix is what a severity change's log text adds when the escalation added actions
// to the list: " (added 2 actions: Page the on-call engineer; Escalate to management)"
// (English).
func EscalationSuffix(added []string) string { return Words(incident.LangEn).EscalationSuffix(added) }

// EscalationSuffix is what a severity change's log text adds when the escalation added actions.
func (w *LogWords) EscalationSuffix(added []string) string {
	if len(added) == 0 {
		return ""
	}
	return w.Added(len(added), strings.Join(added, addedSep))
}

// addedSep joins the texts of the actions an escalation added.
const addedSep = "; "

// EscalationAdded reads back which of the document's actions a severity change's log text says
// the escalation added, in any language. The texts are joined with "; ", which an action's own
// text may contain, so they are matched against the actions the document has rather than split.
func EscalationAdded(text string, actions []incident.Action) []string {
	if _, _, ok := SeverityChange(text); !ok {
		return nil
	}
	for _, w := range wordsOf {
		i := strings.Index(text, w.AddedMark)
		if i < 0 || !strings.HasSuffix(text, w.AddedEnd) {
			continue
		}
		list := text[i+len(w.AddedMark) : len(text)-len(w.AddedEnd)]
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
	return nil
}

// SeverityChange reads "severity SEV3 → SEV1" (possibly followed by " (added ...)"), in any
// language.
func SeverityChange(text string) (from, to string, ok bool) {
	for _, w := range wordsOf {
		rest, found := strings.CutPrefix(text, w.Severity)
		if !found {
			continue
		}
		from, to, ok = strings.Cut(rest, arrow)
		if !ok {
			return "", "", false
		}
		if i := strings.IndexAny(to, " （("); i >= 0 {
			to = to[:i]
		}
		return noDash(from), to, true
	}
	return "", "", false
}

// CutSkipped reads the log text of a skipped required action, in any language, and returns the
// action's text.
func CutSkipped(text string) (string, bool) {
	for _, w := range wordsOf {
		if t, ok := strings.CutPrefix(text, w.Skipped); ok {
			return t, true
		}
	}
	return "", false
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
		if text, ok := CutSkipped(e.Text); ok {
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
// time boxes) and who holds which role. It is one line, like every log entry, in the
// document's language; times are in the writer's zone with their offset.
func Handoff(d *incident.Document, from, to, note string, at time.Time) string {
	w := Words(d.Lang())
	m := d.Meta
	var b strings.Builder
	b.WriteString(w.Handoff + orDash(from) + arrow + orDash(to))
	if note = incident.OneLine(note); note != "" {
		b.WriteString(w.Briefing + note)
		b.WriteString(w.End(note))
	} else {
		b.WriteString(w.StatusMark)
	}
	b.WriteString(m.Severity + w.Sep + incident.VocabularyFor(d.Lang()).StatusName(m.Status) + w.Declared2 + display.Clock(m.DeclaredAt, at))
	b.WriteString(w.ImpactMark + orDash(m.Impact) + w.AnnouncementMark + orDash(m.Announcement))
	r := Status(d, at)
	b.WriteString(w.OpenRequired)
	if len(r.OpenRequired) == 0 {
		b.WriteString(w.NoneOpen)
	}
	for i, it := range r.OpenRequired {
		if i > 0 {
			b.WriteString(w.ListSep)
		}
		b.WriteString(w.describe(it, at))
	}
	var otherOverdue []string
	for _, it := range r.Overdue {
		if !it.Required {
			otherOverdue = append(otherOverdue, w.describe(it, at))
		}
	}
	if len(otherOverdue) > 0 {
		b.WriteString(w.AlsoOverdue + strings.Join(otherOverdue, w.ListSep))
	}
	roles := m.Roles.String()
	if strings.TrimSpace(roles) == "" {
		roles = w.NoRoles
	}
	b.WriteString(w.Roles + roles)
	return incident.OneLine(b.String())
}

// describe renders "4. Page the on-call engineer (overdue since 10:07 +09:00)".
func (w *LogWords) describe(it Item, now time.Time) string {
	s := fmt.Sprintf("%d. %s", it.Number, it.Text)
	switch {
	case it.DueAt == nil:
	case it.Overdue:
		s += w.Overdue(display.Clock(*it.DueAt, now))
	default:
		s += w.Due(display.Clock(*it.DueAt, now))
	}
	return s
}

// The texts of the other changes a reader of the record follows (the web view's feed and
// timeline): a declaration, a change of status, an announcement, a resolution. The functions
// without a receiver write English; every reader accepts every language.

// DeclaredEntry is the first log entry of a new incident: "Declared SEV2: title; commander
// alice; impact: …" (English).
func DeclaredEntry(sev, title, commander, impact string) string {
	return Words(incident.LangEn).Declared(sev, title, commander, impact)
}

// Declared reads a declaration entry's severity, in any language.
func Declared(text string) (sev string, ok bool) {
	for _, w := range wordsOf {
		if sev, ok = w.ParseDeclared(text); ok {
			return sev, true
		}
	}
	return "", false
}

// StatusEntry is the log text of a change of status ("status investigating → identified",
// with " (reopened)" when it leaves resolved), in English.
func StatusEntry(from, to string) string { return Words(incident.LangEn).StatusEntry(from, to) }

// StatusEntry is the log text of a change of status.
func (w *LogWords) StatusEntry(from, to string) string {
	s := w.Status + orDash(from) + arrow + to
	if from == incident.StatusResolved {
		s += w.Reopened
	}
	return s
}

// ResolvedEntry is the log text `close` writes: "status mitigated → resolved: <resolution>"
// (English).
func ResolvedEntry(from, resolution string) string {
	return Words(incident.LangEn).Resolved(from, resolution)
}

// StatusChange reads a change of status, a resolution included (its text is returned as
// resolution), in any language.
func StatusChange(text string) (from, to, resolution string, ok bool) {
	for _, w := range wordsOf {
		rest, found := strings.CutPrefix(text, w.Status)
		if !found {
			continue
		}
		from, to, ok = strings.Cut(rest, arrow)
		if !ok {
			return "", "", "", false
		}
		if r, found := strings.CutPrefix(to, incident.StatusResolved+": "); found {
			return noDash(from), incident.StatusResolved, r, true
		}
		to = strings.TrimSuffix(to, w.Reopened)
		if !incident.ValidStatus(to) {
			return "", "", "", false
		}
		return noDash(from), to, "", true
	}
	return "", "", "", false
}

// AnnouncementEntry is the log text of a new announcement (English).
func AnnouncementEntry(text string) string { return Words(incident.LangEn).AnnouncementEntry(text) }

// AnnouncementEntry is the log text of a new announcement.
func (w *LogWords) AnnouncementEntry(text string) string { return w.Announcement + ": " + orDash(text) }

// Announcement reads an announcement entry ("" when it was cleared), in any language.
func Announcement(text string) (string, bool) {
	for _, w := range wordsOf {
		if rest, ok := strings.CutPrefix(text, w.Announcement+": "); ok {
			return noDash(rest), true
		}
	}
	return "", false
}

// Briefing is a handoff entry read back: who handed over to whom, the outgoing commander's
// note and the generated briefing's parts in the order Handoff writes them.
type Briefing struct {
	From, To string
	Note     string
	Parts    []BriefingPart
	Lang     string // the language it was written in
}

// BriefingPart is one labelled part of a briefing. Items splits a list ("open required
// actions", "roles") into its elements.
type BriefingPart struct {
	Label string // "status", "impact", "announcement", "open required actions", "also overdue", "roles"
	Value string
	Items []string
}

// Labels of the briefing's parts (the same in every language; LogWords has each language's
// separators).
const (
	BriefingStatus       = "status"
	BriefingImpact       = "impact"
	BriefingAnnouncement = "announcement"
	BriefingOpenRequired = "open required actions"
	BriefingAlsoOverdue  = "also overdue"
	BriefingRoles        = "roles"
)

// separator is the text before a briefing part in this language.
func (w *LogWords) separator(label string) string {
	switch label {
	case BriefingImpact:
		return w.ImpactMark
	case BriefingAnnouncement:
		return w.AnnouncementMark
	case BriefingOpenRequired:
		return w.OpenRequired
	case BriefingAlsoOverdue:
		return w.AlsoOverdue
	case BriefingRoles:
		return w.Roles
	}
	return ""
}

// ParseHandoff reads a handoff entry written by Handoff, in any language. A free text in it
// (the note, the impact) may itself contain the separators; the generated labels are looked
// for from the end, so only a value that contains a later label's separator is split wrongly.
func ParseHandoff(text string) (Briefing, bool) {
	for _, w := range wordsOf {
		if strings.HasPrefix(text, w.Handoff) {
			return w.parseHandoff(text)
		}
	}
	return Briefing{}, false
}

func (w *LogWords) parseHandoff(text string) (Briefing, bool) {
	from, to, ok := w.commanderChange(text)
	if !ok {
		return Briefing{}, false
	}
	b := Briefing{From: from, To: to, Lang: w.Lang}
	rest := text[len(w.Handoff):]
	_, rest, _ = strings.Cut(rest, arrow)
	rest = rest[len(to):]
	if strings.HasPrefix(rest, w.Briefing) {
		i := strings.LastIndex(rest, w.NoteEnd)
		if i < 0 {
			b.Note = strings.TrimSpace(rest[len(w.Briefing):])
			return b, true
		}
		b.Note = strings.TrimSpace(rest[len(w.Briefing):i])
		rest = rest[i+len(w.NoteEnd):]
	} else if strings.HasPrefix(rest, w.StatusMark) {
		rest = rest[len(w.StatusMark):]
	} else {
		return b, true
	}
	labels := []string{BriefingImpact, BriefingAnnouncement, BriefingOpenRequired, BriefingAlsoOverdue, BriefingRoles}
	var parts []BriefingPart
	// From the end: each label's separator is searched for in what is left before it.
	for i := len(labels) - 1; i >= 0; i-- {
		sep := w.separator(labels[i])
		j := strings.LastIndex(rest, sep)
		if j < 0 {
			continue
		}
		parts = append(parts, BriefingPart{Label: labels[i], Value: rest[j+len(sep):]})
		rest = rest[:j]
	}
	parts = append(parts, BriefingPart{Label: BriefingStatus, Value: rest})
	slices.Reverse(parts)
	items := regexp.MustCompile(regexp.QuoteMeta(w.ListSep) + `(\d+\. )`)
	for i := range parts {
		p := &parts[i]
		switch p.Label {
		case BriefingOpenRequired, BriefingAlsoOverdue:
			if p.Value != w.NoneOpen {
				p.Items = strings.Split(items.ReplaceAllString(p.Value, "\x00$1"), "\x00")
			}
		case BriefingRoles:
			if p.Value != w.NoRoles {
				p.Items = strings.Split(p.Value, ", ")
			}
		}
	}
	b.Parts = parts
	return b, true
}
