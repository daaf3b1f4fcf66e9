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
		Short: "The open action-list items, in the order the commander should consider them",
		Long: `List every unchecked action-list item of an incident: first the items required at its
severity, then the rest. Within each group, time-boxed items (<!-- due: 30m --> in the action
list, counted from the declaration) come first, the earliest due first, so overdue ones lead;
then the others in the order of the flow. No open item is left out.

Numbers are the items' positions: tick one with incidentctl update <id> --check <n>.

--json prints an array of actions {number, text, done, required, due_at, overdue} in the
order shown (due_at is null for an item without a time box); see docs/json.md.`,
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
				return app.printJSON(toActionsJSON(items))
			}
			writeNext(app.Out, d, items, severities(ws), app.palette(), now)
			if len(items) > 0 {
				fmt.Fprintf(app.Err, "Tick one off with: incidentctl update %s --check <n>\n", shortRef(d.Meta.ID))
			}
			return nil
		},
	}
}

func writeNext(w io.Writer, d *incident.Document, items []board.Item, sevs *severity.Set, p palette, now time.Time) {
	m := d.Meta
	fmt.Fprintf(w, "%s  %s  %s  %s\n", p.bold(m.ID), p.severity(sevs, m.Severity), p.status(m.Status), m.Title)
	if m.Status == incident.StatusResolved {
		fmt.Fprintf(w, "Resolved; these items were left unchecked.\n")
	}
	if len(items) == 0 {
		fmt.Fprintf(w, "\nEvery action-list item is checked.\n")
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
		fmt.Fprintf(w, "\nRequired at %s (%d):\n", m.Severity, required)
	} else {
		fmt.Fprintf(w, "\nNo required action is open at %s.\n", m.Severity)
	}
	for i, it := range items {
		if !it.Required && (i == 0 || items[i-1].Required) {
			fmt.Fprintf(w, "\nOther (%d):\n", len(items)-required)
		}
		fmt.Fprintf(w, "  %s\n", itemLine(it, width, p, now))
	}
}
