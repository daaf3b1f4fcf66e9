package cli

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/incidentctl/incidentctl/pkg/board"
	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/severity"
	"github.com/incidentctl/incidentctl/pkg/workspace"
)

func newStatusCmd(app *App) *cobra.Command {
	var drills bool
	cmd := &cobra.Command{
		Use:   "status [<id>] [--drills]",
		Short: "The board of open incidents, or one incident's full picture",
		Long: `Without an ID, the board: every open incident, the most severe first, with its severity,
status, commander, roles, impact, announcement, age, time since the last log entry, the
required actions still open and the time-boxed actions that are overdue.

With an ID, that incident's full picture (resolved incidents too): the same, every open
required action, and the latest log entries.

Drills (incidentctl drill) are not on the board unless --drills; with an ID, a drill is shown
like any incident, marked as a drill.

Overdue: an unchecked item whose time box (<!-- due: 30m --> in the action list, counted from
the declaration) has passed; for a resolved incident, passed before it was resolved.
Colours only on a terminal (--color always|never decides; NO_COLOR, CLICOLOR_FORCE and
TERM=dumb are honoured).

--json prints an array of the open incidents (or one object for <id>) with id, title, severity,
status, commander, roles, impact, announcement, declared_at, last_log_at, open_required and
overdue (arrays of actions, the same objects as in show --json); see docs/json.md.`,
		Example: `  incidentctl status
  incidentctl status k7x
  incidentctl status --json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usageErr("status takes at most one incident ID (got %d arguments)", len(args))
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
			f := workspace.Filter{Status: "open"}
			if drills {
				f.Drills = workspace.WithDrills
			}
			res, err := ws.List(f)
			if err != nil {
				return err
			}
			for _, e := range res.Errors {
				fmt.Fprintf(app.Err, "warning: skipped %v\n", e)
			}
			rows := board.Board(app.forPeopleAll(res.Incidents), sevs, now)
			if app.JSON {
				out := make([]StatusJSON, len(rows))
				for i, r := range rows {
					out[i] = app.toStatusJSON(r)
				}
				return app.printJSON(out)
			}
			if len(rows) == 0 {
				fmt.Fprintln(app.Err, "No open incidents.")
			}
			for i, r := range rows {
				if i > 0 {
					fmt.Fprintln(app.Out)
				}
				writeCard(app.Out, r, app.cardExtra(r, now), sevs, app.palette(), now, false)
			}
			writeOverdueFollowups(app, ws, len(rows) > 0) // followup.go
			return nil
		},
	}
	cmd.Flags().BoolVar(&drills, "drills", false, "include drills on the board")
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

// writeCard prints one incident for a person. The board lists a few open required actions; the
// full picture (detail) lists them all, the other open actions and the latest log entries.
func writeCard(w io.Writer, r board.Row, extra cardExtra, sevs *severity.Set, p palette, now time.Time, detail bool) {
	m := r.Doc.Meta
	fmt.Fprintf(w, "%s  %s  %s  %s%s\n", p.bold(m.ID), p.severity(sevs, m.Severity), p.status(m.Status), m.Title, drillMark(p, m))
	const indent = "                 " // under the values of row()
	row := func(k, v string) { fmt.Fprintf(w, "  %-15s%s\n", k+":", v) }
	row("Commander", orNone(m.Commander))
	row("Roles", orNone(m.Roles.String()))
	row("Impact", orNone(m.Impact))
	row("Announcement", extra.announcement)
	for _, k := range sortedKeys(extra.fields) {
		row(k, fieldText(extra.fields[k]))
	}
	ageText := fmt.Sprintf("%s (declared %s)", age(r.Age), displayTime(m.DeclaredAt))
	if m.Status == incident.StatusResolved && m.ResolvedAt != nil {
		ageText = fmt.Sprintf("resolved after %s (declared %s)", age(r.Age), displayTime(m.DeclaredAt))
	}
	row("Age", ageText)
	if r.LastLogAt.IsZero() {
		row("Last log", p.paint(yellow, "never"))
	} else {
		since := age(r.SinceLastLog) + " ago"
		if r.SinceLastLog >= staleLog && m.Status != incident.StatusResolved {
			since = p.paint(yellow, since)
		}
		row("Last log", fmt.Sprintf("%s (%s)", since, displayTime(r.LastLogAt)))
	}
	if detail {
		for _, ms := range []struct {
			label string
			t     *time.Time
		}{{"Identified", m.IdentifiedAt}, {"Mitigated", m.MitigatedAt}, {"Resolved", m.ResolvedAt}} {
			if ms.t != nil {
				row(ms.label, displayTime(*ms.t))
			}
		}
		if m.Resolution != "" {
			row("Resolution", m.Resolution)
		}
		row("File", r.Doc.Path)
	}
	// Every overdue item is listed, so the board never hides one; required items are marked
	// in the required list, the others listed under Overdue.
	width := numberWidth(r.Next)
	if len(r.Overdue) == 0 {
		row("Overdue", "none")
	} else {
		row("Overdue", p.paint(red, fmt.Sprint(len(r.Overdue))))
		for _, it := range r.Overdue {
			if !it.Required {
				fmt.Fprintf(w, "%s%s\n", indent, itemLine(it, width, p, now))
			}
		}
	}
	if len(r.OpenRequired) == 0 {
		row("Required open", fmt.Sprintf("none (%d of %d actions done)", r.Done, r.Total))
	} else {
		row("Required open", fmt.Sprintf("%d (%d of %d actions done)", len(r.OpenRequired), r.Done, r.Total))
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
			fmt.Fprintf(w, "%s… %d more: incidentctl next %s\n", indent, more, shortRef(m.ID))
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
		row("Other open", fmt.Sprint(len(other)))
		for _, it := range other {
			fmt.Fprintf(w, "%s%s\n", indent, itemLine(it, width, p, now))
		}
	}
	log := sortedLog(r.Doc)
	if len(log) > recentLog {
		fmt.Fprintf(w, "\nLog (latest %d of %d; all: incidentctl show %s):\n", recentLog, len(log), shortRef(m.ID))
		log = log[len(log)-recentLog:]
	} else {
		fmt.Fprintf(w, "\nLog:\n")
	}
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
	return "  " + p.paint(yellow, "[drill]")
}

// itemLine renders " 4. Page the on-call engineer — overdue 53m (due 10:07)", numbered the way
// `update --check` takes it.
func itemLine(it board.Item, width int, p palette, now time.Time) string {
	s := fmt.Sprintf("%*d. %s", width, it.Number, it.Text)
	switch {
	case it.DueAt == nil:
	case it.Overdue:
		s += " — " + p.paint(red, fmt.Sprintf("overdue %s (due %s)", age(now.Sub(*it.DueAt)), board.Clock(*it.DueAt, now)))
	case it.Done:
		s += fmt.Sprintf(" — due %s", board.Clock(*it.DueAt, now))
	default:
		in := "in " + age(it.DueAt.Sub(now))
		if it.DueAt.Sub(now) < time.Minute {
			in = "now"
		}
		s += " — " + p.paint(yellow, fmt.Sprintf("due %s (%s)", board.Clock(*it.DueAt, now), in))
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
type palette bool

func (app *App) palette() palette { return palette(app.colorEnabled()) }

// ANSI SGR codes.
const (
	bold    = "1"
	red     = "31"
	boldRed = "1;31"
	yellow  = "33"
	green   = "32"
)

func (p palette) paint(code, s string) string {
	if !p || s == "" {
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

func (p palette) status(s string) string {
	if s == incident.StatusMitigated || s == incident.StatusResolved {
		return p.paint(green, s)
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
