package cli

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/incidentctl/incidentctl/pkg/board"
	"github.com/incidentctl/incidentctl/pkg/display"
	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/severity"
	"github.com/incidentctl/incidentctl/pkg/workspace"
)

func newStatusCmd(app *App) *cobra.Command {
	var drills bool
	cmd := &cobra.Command{
		Use:   "status [<id>] [--drills]",
		Short: app.P.T("status.short"),
		Long:  app.P.T("status.long"),
		Example: `  incidentctl status
  incidentctl status k7x
  incidentctl status --json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usageMsg("args.at_most_one_id", "Command", "status", "Got", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := app.open()
			if err != nil {
				return err
			}
			now := app.Now()
			sevs := severities(ws)
			if len(args) == 1 {
				d, err := ws.Load(args[0])
				if err != nil {
					return err
				}
				row := board.Status(app.forPeople(d), now)
				if app.JSON {
					return app.printJSON(app.toStatusDetailJSON(row))
				}
				writeCard(app.Out, row, app.cardExtra(row, now), sevs, app.palette(), now, true)
				return nil
			}
			f := workspace.Filter{Status: "open", Board: true}
			if drills {
				f.Drills = workspace.WithDrills
			}
			res, err := ws.List(f)
			if err != nil {
				return err
			}
			app.warnSkipped(res.Errors)
			rows := board.Board(app.forPeopleAll(res.Incidents), sevs, now)
			if app.JSON {
				return printJSONArray(app, len(rows), func(i int) StatusJSON { return app.toStatusJSON(rows[i]) })
			}
			if len(rows) == 0 {
				fmt.Fprintln(app.Err, app.P.T("list.none_open"))
			}
			// The cards are hundreds of short lines on a busy board: written as one block (the
			// follow-ups line comes after it, and nothing goes to stderr in between).
			out := bufio.NewWriterSize(app.Out, 32<<10)
			for i, r := range rows {
				if i > 0 {
					fmt.Fprintln(out)
				}
				writeCard(out, r, app.cardExtra(r, now), sevs, app.palette(), now, false)
			}
			out.Flush()                                   // write errors are ignored as Fprintln's are
			writeOverdueFollowups(app, ws, len(rows) > 0) // followup.go
			return nil
		},
	}
	cmd.Flags().BoolVar(&drills, "drills", false, i18n.Text("flag.status.drills"))
	return cmd
}

// severities reads the definitions for ordering and colours. A read-only view must not fail
// because the flow has a problem (the commands that use the flow report it): nil means
// "compare by name".
func severities(ws *workspace.Workspace) *severity.Set {
	flow, err := ws.Flow()
	if err != nil {
		return nil
	}
	return flow.Severities
}

// StatusJSON is the JSON contract for one incident on the board.
type StatusJSON struct {
	ID                  string            `json:"id"`
	Path                string            `json:"path"`
	Title               string            `json:"title"`
	Severity            string            `json:"severity"`
	Status              string            `json:"status"`
	Commander           string            `json:"commander"`
	Roles               map[string]string `json:"roles"`
	Impact              string            `json:"impact"`
	Announcement        string            `json:"announcement"`
	Kind                string            `json:"kind,omitempty"` // "drill" for a drill (status --drills)
	Fields              map[string]any    `json:"fields"`
	AnnouncedAt         *time.Time        `json:"announced_at"`
	AnnouncementDueAt   *time.Time        `json:"announcement_due_at"`
	AnnouncementOverdue bool              `json:"announcement_overdue"`
	AnnounceEverySecs   *int64            `json:"announce_every_seconds"`
	DeclaredAt          time.Time         `json:"declared_at"`
	LastLogAt           *time.Time        `json:"last_log_at"`
	AgeSeconds          int64             `json:"age_seconds"`
	SinceLastLogSeconds *int64            `json:"since_last_log_seconds"`
	ActionsDone         int               `json:"actions_done"`
	ActionsTotal        int               `json:"actions_total"`
	OpenRequired        []ActionJSON      `json:"open_required"`
	Overdue             []ActionJSON      `json:"overdue"`
}

// StatusDetailJSON is `status <id> --json`: the board's fields plus the milestones, the open
// actions in the order of `next` and the log.
type StatusDetailJSON struct {
	StatusJSON
	IdentifiedAt *time.Time   `json:"identified_at"`
	MitigatedAt  *time.Time   `json:"mitigated_at"`
	ResolvedAt   *time.Time   `json:"resolved_at"`
	Resolution   string       `json:"resolution"`
	Next         []ActionJSON `json:"next"`
	Log          []LogJSON    `json:"log"`
}

func seconds(d time.Duration) int64 { return int64(d.Round(time.Second) / time.Second) }

func (app *App) toStatusJSON(r board.Row) StatusJSON {
	m := r.Doc.Meta
	out := StatusJSON{
		ID: m.ID, Path: r.Doc.Path, Title: m.Title, Severity: m.Severity, Status: m.Status,
		Commander: m.Commander, Roles: m.Roles.Map(), Impact: m.Impact, Announcement: m.Announcement,
		Kind: m.Kind, DeclaredAt: m.DeclaredAt, AgeSeconds: seconds(r.Age),
		ActionsDone: r.Done, ActionsTotal: r.Total,
		OpenRequired: toActionsJSON(r.OpenRequired), Overdue: toActionsJSON(r.Overdue),
		Fields:      app.customFields(r.Doc),
		AnnouncedAt: r.Announcement.At, AnnouncementDueAt: r.Announcement.DueAt, AnnouncementOverdue: r.Announcement.Overdue,
	}
	if r.Announcement.Every > 0 {
		s := seconds(r.Announcement.Every)
		out.AnnounceEverySecs = &s
	}
	if !r.LastLogAt.IsZero() {
		t, s := r.LastLogAt, seconds(r.SinceLastLog)
		out.LastLogAt, out.SinceLastLogSeconds = &t, &s
	}
	return out
}

func (app *App) toStatusDetailJSON(r board.Row) StatusDetailJSON {
	m := r.Doc.Meta
	out := StatusDetailJSON{
		StatusJSON:   app.toStatusJSON(r),
		IdentifiedAt: m.IdentifiedAt, MitigatedAt: m.MitigatedAt, ResolvedAt: m.ResolvedAt,
		Resolution: m.Resolution, Next: toActionsJSON(r.Next), Log: []LogJSON{},
	}
	for _, e := range sortedLog(r.Doc) {
		out.Log = append(out.Log, LogJSON{At: e.At, Author: e.Author, Text: e.Text})
	}
	return out
}

// boardItems is how many open required actions that are not overdue a card on the board lists
// (overdue ones are always listed); `status <id>` and `next` list all.
const boardItems = 3

// recentLog is how many log entries `status <id>` shows; `show` shows them all.
const recentLog = 5

// staleLog is how long without a log entry before the board highlights it: the war room should
// hear from the incident at least this often.
const staleLog = 30 * time.Minute

// cardLabels are the message IDs of the rows of a card, for the width of the label column.
var cardLabels = []string{"card.commander", "card.roles", "card.impact", "card.announcement", "card.age",
	"card.last_log", "card.identified", "card.mitigated", "card.resolved", "card.resolution", "card.file",
	"card.overdue", "card.required_open", "card.other_open"}

// labelWidth is the width of a card's label column in p's language: the widest label, its
// colon and a space (15 in English).
func labelWidth(p palette) int {
	w := 0
	for _, id := range cardLabels {
		w = max(w, display.Width(p.t.T(id)+":")+1)
	}
	return w
}

// writeCard prints one incident for a person. The board lists a few open required actions; the
// full picture (detail) lists them all, the other open actions and the latest log entries.
func writeCard(w io.Writer, r board.Row, extra cardExtra, sevs *severity.Set, p palette, now time.Time, detail bool) {
	m := r.Doc.Meta
	t := p.t
	fmt.Fprintf(w, "%s  %s  %s  %s%s\n", p.bold(m.ID), p.severity(sevs, m.Severity), p.status(m.Status), m.Title, drillMark(p, m))
	lw := labelWidth(p)
	indent := strings.Repeat(" ", 2+lw) // under the values of row()
	row := func(id, v string) { fmt.Fprintf(w, "  %s%s\n", display.PadRight(t.T(id)+":", lw), v) }
	row("card.commander", orNone(m.Commander))
	row("card.roles", orNone(m.Roles.String()))
	row("card.impact", orNone(m.Impact))
	row("card.announcement", extra.announcement)
	for _, k := range sortedKeys(extra.fields) {
		fmt.Fprintf(w, "  %s%s\n", display.PadRight(k+":", lw), fieldText(extra.fields[k]))
	}
	ageText := t.T("card.age_value", "Age", p.age(r.Age), "Declared", displayTime(m.DeclaredAt))
	if m.Status == incident.StatusResolved && m.ResolvedAt != nil {
		ageText = t.T("card.age_resolved", "Age", p.age(r.Age), "Declared", displayTime(m.DeclaredAt))
	}
	row("card.age", ageText)
	if r.LastLogAt.IsZero() {
		row("card.last_log", p.paint(yellow, t.T("card.never")))
	} else {
		since := t.T("card.ago", "Age", p.age(r.SinceLastLog))
		if r.SinceLastLog >= staleLog && m.Status != incident.StatusResolved {
			since = p.paint(yellow, since)
		}
		row("card.last_log", t.T("card.last_log_value", "Since", since, "Time", displayTime(r.LastLogAt)))
	}
	if detail {
		for _, ms := range []struct {
			label string
			t     *time.Time
		}{{"card.identified", m.IdentifiedAt}, {"card.mitigated", m.MitigatedAt}, {"card.resolved", m.ResolvedAt}} {
			if ms.t != nil {
				row(ms.label, displayTime(*ms.t))
			}
		}
		if m.Resolution != "" {
			row("card.resolution", m.Resolution)
		}
		row("card.file", r.Doc.Path)
	}
	// Every overdue item is listed, so the board never hides one; required items are marked
	// in the required list, the others listed under Overdue.
	width := numberWidth(r.Next)
	if len(r.Overdue) == 0 {
		row("card.overdue", t.T("none"))
	} else {
		row("card.overdue", p.paint(red, fmt.Sprint(len(r.Overdue))))
		for _, it := range r.Overdue {
			if !it.Required {
				fmt.Fprintf(w, "%s%s\n", indent, itemLine(it, width, p, now))
			}
		}
	}
	if len(r.OpenRequired) == 0 {
		row("card.required_open", t.T("card.required_none", "Done", r.Done, "Total", r.Total))
	} else {
		row("card.required_open", t.T("card.required_some", "Open", len(r.OpenRequired), "Done", r.Done, "Total", r.Total))
		shown := 0
		for _, it := range r.OpenRequired {
			if detail || it.Overdue || shown < boardItems {
				fmt.Fprintf(w, "%s%s\n", indent, itemLine(it, width, p, now))
				if !it.Overdue {
					shown++
				}
			}
		}
		if more := len(r.OpenRequired) - shown - countOverdue(r.OpenRequired); more > 0 {
			fmt.Fprintf(w, "%s%s\n", indent, t.T("card.more", "More", more, "Ref", shortRef(m.ID)))
		}
	}
	if !detail {
		return
	}
	var other []board.Item
	for _, it := range r.Next {
		if !it.Required {
			other = append(other, it)
		}
	}
	if len(other) > 0 {
		row("card.other_open", fmt.Sprint(len(other)))
		for _, it := range other {
			fmt.Fprintf(w, "%s%s\n", indent, itemLine(it, width, p, now))
		}
	}
	log := sortedLog(r.Doc)
	if len(log) > recentLog {
		fmt.Fprintf(w, "\n%s\n", t.T("card.log_latest", "Latest", recentLog, "All", len(log), "Ref", shortRef(m.ID)))
		log = log[len(log)-recentLog:]
	} else {
		fmt.Fprintf(w, "\n%s\n", t.T("card.log"))
	}
	writeLog(w, log)
}

// writeLog prints log entries: time (in the reader's zone), author, text.
func writeLog(w io.Writer, log []incident.LogEntry) {
	for _, e := range log {
		fmt.Fprintf(w, "  %s  %s  %s\n", displayTime(e.At), e.Author, continued(e.Text, "      "))
	}
}

// drillMark follows a drill's title wherever incidents are listed for people, so nobody takes
// it for a real incident. It names nothing of the scenario: the trainee reads these views.
func drillMark(p palette, m incident.Meta) string {
	if !m.IsDrill() {
		return ""
	}
	return "  " + p.paint(yellow, p.t.T("drill.mark"))
}

// itemLine renders " 4. Page the on-call engineer — overdue 53m (due 10:07 +09:00)", numbered
// the way `update --check` takes it.
func itemLine(it board.Item, width int, p palette, now time.Time) string {
	t := p.t
	s := fmt.Sprintf("%*d. %s", width, it.Number, it.Text)
	switch {
	case it.DueAt == nil:
	case it.Overdue:
		s += " — " + p.paint(red, t.T("item.overdue", "Age", p.age(now.Sub(*it.DueAt)), "Clock", display.Clock(*it.DueAt, now)))
	case it.Done:
		s += " — " + t.T("item.due", "Clock", display.Clock(*it.DueAt, now))
	default:
		text := t.T("item.due_in", "Clock", display.Clock(*it.DueAt, now), "Age", p.age(it.DueAt.Sub(now)))
		if it.DueAt.Sub(now) < time.Minute {
			text = t.T("item.due_now", "Clock", display.Clock(*it.DueAt, now))
		}
		s += " — " + p.paint(yellow, text)
	}
	return s
}

func countOverdue(items []board.Item) int {
	n := 0
	for _, it := range items {
		if it.Overdue {
			n++
		}
	}
	return n
}

func numberWidth(items []board.Item) int {
	w := 1
	for _, it := range items {
		w = max(w, len(fmt.Sprint(it.Number)))
	}
	return w
}

// palette colours text for a terminal, when colorEnabled says so (--color, NO_COLOR,
// CLICOLOR_FORCE, TERM=dumb): piped output and test output stay plain.
// It also carries the printer of the reader's language, as everything it colours is text for
// a person.
type palette struct {
	on bool
	t  *i18n.Printer
}

func (app *App) palette() palette {
	return palette{on: app.colorEnabled(), t: app.P}
}

// ANSI SGR codes.
const (
	bold    = "1"
	red     = "31"
	boldRed = "1;31"
	yellow  = "33"
	green   = "32"
)

func (p palette) paint(code, s string) string {
	if !p.on || s == "" {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func (p palette) bold(s string) string { return p.paint(bold, s) }

// severity colours the most severe level red and the next yellow.
func (p palette) severity(sevs *severity.Set, id string) string {
	switch board.Rank(sevs, id) {
	case 1:
		return p.paint(boldRed, id)
	case 2:
		return p.paint(yellow, id)
	}
	return id
}

// statusLabel is a status value in the reader's language (a value incidentctl does not know
// as it is).
func (p palette) statusLabel(s string) string {
	if incident.ValidStatus(s) {
		return p.t.T("status." + s)
	}
	return s
}

// cardExtra is what a card shows besides the board row: the team's own fields and the
// announcement with its state, both worded through the App (catalogue, config).
type cardExtra struct {
	fields       map[string]any
	announcement string
}

func (app *App) cardExtra(r board.Row, now time.Time) cardExtra {
	return cardExtra{fields: app.customFields(r.Doc), announcement: app.announcementRow(r, app.palette(), now)}
}

// status shows a status value in the reader's language, mitigated and resolved in green.
func (p palette) status(s string) string {
	label := p.statusLabel(s)
	if s == incident.StatusMitigated || s == incident.StatusResolved {
		return p.paint(green, label)
	}
	return label
}

// age renders a duration the way people say it in the reader's language: 45m, 3h10m, 2d4h.
func (p palette) age(d time.Duration) string { return ageIn(p.t, d) }
