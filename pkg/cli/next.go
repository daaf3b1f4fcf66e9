package cli

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/incidentctl/incidentctl/pkg/board"
	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/severity"
)

func newNextCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "next <id>",
		Short: app.P.T("next.short"),
		Long:  app.P.T("next.long"),
		Example: `  incidentctl next k7x
  incidentctl next k7x --json`,
		Args: exactArgs(1, "one incident ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := app.open()
			if err != nil {
				return err
			}
			d, err := ws.Load(args[0])
			if err != nil {
				return err
			}
			now := app.Now()
			items := board.Next(d, now)
			if app.JSON {
				return app.printJSON(toNextJSON(items))
			}
			writeNext(app.Out, d, items, severities(ws), app.palette(), now)
			if len(items) > 0 {
				fmt.Fprintln(app.Err, app.P.T("next.tick", "Ref", shortRef(d.Meta.ID)))
			}
			return nil
		},
	}
}

// NextJSON is one open action-list item, as `next --json` lists them.
type NextJSON struct {
	Number   int        `json:"number"`
	Text     string     `json:"text"`
	Required bool       `json:"required"`
	DueAt    *time.Time `json:"due_at"`
	Overdue  bool       `json:"overdue"`
}

func toNextJSON(items []board.Item) []NextJSON {
	out := make([]NextJSON, len(items))
	for i, it := range items {
		out[i] = NextJSON{Number: it.Number, Text: it.Text, Required: it.Required, DueAt: it.DueAt, Overdue: it.Overdue}
	}
	return out
}

func writeNext(w io.Writer, d *incident.Document, items []board.Item, sevs *severity.Set, p palette, now time.Time) {
	m := d.Meta
	t := p.t
	fmt.Fprintf(w, "%s  %s  %s  %s\n", p.bold(m.ID), p.severity(sevs, m.Severity), p.status(m.Status), m.Title)
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
