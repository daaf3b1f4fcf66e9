package cli

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/incidentctl/incidentctl/pkg/workspace"
)

func newListCmd(app *App) *cobra.Command {
	var f workspace.Filter
	cmd := &cobra.Command{
		Use:   "list [--status open|resolved|all] [--severity <sev>...]",
		Short: "List incidents, newest first",
		Example: `  incidentctl list
  incidentctl list --status all --severity SEV1,SEV2 --json`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := app.open()
			if err != nil {
				return err
			}
			res, err := ws.List(f)
			if err != nil {
				return err
			}
			for _, e := range res.Errors {
				fmt.Fprintf(app.Err, "warning: skipped %v\n", e)
			}
			if app.JSON {
				out := make([]IncidentJSON, len(res.Incidents))
				for i, d := range res.Incidents {
					out[i] = toIncidentJSON(d)
				}
				return app.printJSON(out)
			}
			if len(res.Incidents) == 0 {
				fmt.Fprintf(app.Err, "No %s incidents.\n", map[bool]string{true: "matching", false: "open"}[f.Status != "" || len(f.Severities) > 0])
				return nil
			}
			tw := tabwriter.NewWriter(app.Out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tSEVERITY\tSTATUS\tCOMMANDER\tDECLARED\tTITLE")
			for _, d := range res.Incidents {
				m := d.Meta
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", m.ID, m.Severity, m.Status, orNone(m.Commander), displayTime(m.DeclaredAt), m.Title)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVar(&f.Status, "status", "open", "`<status>`: open, resolved, all, or one status")
	cmd.Flags().StringSliceVarP(&f.Severities, "severity", "s", nil, "only these `<severities>` (repeatable or comma-separated)")
	return cmd
}
