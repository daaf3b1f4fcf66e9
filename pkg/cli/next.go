package cli

import (
	"bufio"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/incidentctl/incidentctl/pkg/board"
	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/severity"
	"github.com/incidentctl/incidentctl/pkg/workspace"
)

func newNextCmd(app *App) *cobra.Command {
	var drills bool
	cmd := &cobra.Command{
		Use:   "next [<id>] [--drills]",
		Short: app.P.T("next.short"),
		Long:  app.P.T("next.long"),
		Example: `  incidentctl next k7x
  incidentctl next k7x --json
  incidentctl next`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usageMsg("args.at_most_one_id", "Command", "next", "Got", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := app.open()
			if err != nil {
				return err
			}
			if len(args) == 0 {
				return nextAll(app, ws, drills)
			}
			d, err := ws.Load(args[0])
			if err != nil {
				return err
			}
			d = app.forPeople(d)
			now := app.Now()
			items := board.Next(d, now)
			if app.JSON {
				return app.printJSON(toActionsJSON(items))
			}
			writeNext(app.Out, d, items, severities(ws), app.palette(), app.nextAnnouncement(d, app.palette(), now), now)
			if len(items) > 0 {
				fmt.Fprintln(app.Err, app.P.T("next.tick", "Ref", shortRef(d.Meta.ID)))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&drills, "drills", false, i18n.Text("flag.list.drills"))
	return cmd
}

// NextAllJSON is one open incident's open items, as `next --json` without an ID lists them.
type NextAllJSON struct {
	ID       string       `json:"id"`
	Title    string       `json:"title"`
	Severity string       `json:"severity"`
	Status   string       `json:"status"`
	Next     []ActionJSON `json:"next"`
}

// nextAll prints the open items of every open incident, the most severe incident first.
func nextAll(app *App, ws *workspace.Workspace, drills bool) error {
	f := workspace.Filter{Status: "open", Board: true}
	if drills {
		f.Drills = workspace.WithDrills
	}
	res, err := ws.List(f)
	if err != nil {
		return err
	}
	app.warnSkipped(res.Errors)
	now := app.Now()
	sevs := severities(ws)
	rows := board.Board(res.Incidents, sevs, now)
	if app.JSON {
		return printJSONArray(app, len(rows), func(i int) NextAllJSON {
			r := rows[i]
			m := r.Doc.Meta
			return NextAllJSON{ID: m.ID, Title: m.Title, Severity: m.Severity, Status: m.Status, Next: toActionsJSON(r.Next)}
		})
	}
	if len(rows) == 0 {
		fmt.Fprintln(app.Err, app.P.T("list.none_open"))
		return nil
	}
	out := bufio.NewWriterSize(app.Out, 32<<10) // one block, as status writes its cards
	for i, r := range rows {
		if i > 0 {
			fmt.Fprintln(out)
		}
		writeNext(out, r.Doc, r.Next, sevs, app.palette(), app.nextAnnouncement(r.Doc, app.palette(), now), now)
	}
	out.Flush() // write errors are ignored as Fprintln's are
	return nil
}

func writeNext(w io.Writer, d *incident.Document, items []board.Item, sevs *severity.Set, p palette, announce string, now time.Time) {
	m := d.Meta
	t := p.t
	fmt.Fprintf(w, "%s  %s  %s  %s%s\n", p.bold(m.ID), p.severity(sevs, m.Severity), p.status(m.Status), m.Title, drillMark(p, m))
	if announce != "" {
		fmt.Fprintf(w, "%s\n", announce)
	}
	if m.Status == incident.StatusResolved {
		fmt.Fprintln(w, t.T("next.resolved"))
	}
	if len(items) == 0 {
		fmt.Fprintf(w, "\n%s\n", t.T("next.all_checked"))
		return
	}
	width := numberWidth(items)
	required := 0
	for _, it := range items {
		if it.Required {
			required++
		}
	}
	if required > 0 {
		fmt.Fprintf(w, "\n%s\n", t.T("next.required", "Severity", m.Severity, "Count", required))
	} else {
		fmt.Fprintf(w, "\n%s\n", t.T("next.no_required", "Severity", m.Severity))
	}
	for i, it := range items {
		if !it.Required && (i == 0 || items[i-1].Required) {
			fmt.Fprintf(w, "\n%s\n", t.T("next.other", "Count", len(items)-required))
		}
		fmt.Fprintf(w, "  %s\n", itemLine(it, width, p, now))
	}
}
