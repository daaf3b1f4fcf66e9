package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/incidentctl/incidentctl/pkg/display"
	"github.com/incidentctl/incidentctl/pkg/postmortem"
	"github.com/incidentctl/incidentctl/pkg/workspace"
)

func newCloseCmd(app *App) *cobra.Command {
	var c changeFlags
	var resolution string
	var force bool
	cmd := &cobra.Command{
		Use:   "close <id> --resolution <text> [--force]",
		Short: "Resolve an incident",
		Long: `Set the status to resolved and record the resolution. While action-list items required at
the incident's severity are unchecked, close refuses and lists them; --force closes anyway and
logs each skipped item.`,
		Example: `  incidentctl close k7x --resolution "rolled back deploy 1234"
  incidentctl close k7x --resolution "fixed upstream" --force --at 11:30`,
		Args: exactArgs(1, "one incident ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("resolution") {
				return usageErr("--resolution is required: say how it was resolved")
			}
			resolution, err := app.textArg("--resolution", resolution)
			if err != nil {
				return err
			}
			return c.run(app, func(ws *workspace.Workspace, opts workspace.Options) error {
				res, err := ws.Close(args[0], resolution, force, opts)
				if err != nil {
					return err
				}
				if err := app.reportChange(res, "Resolved"); err != nil || app.JSON {
					return err
				}
				if res.Doc.Meta.IsDrill() { // a drill has a debrief, not a postmortem
					fmt.Fprintf(app.Err, "Next: the debrief: incidentctl drill score %s, then incidentctl drill debrief %s --note <text>\n", shortRef(res.ID), shortRef(res.ID))
					return nil
				}
				if flow, err := ws.Flow(); err == nil {
					m := res.Doc.Meta
					if d, ok := postmortem.DeadlineFor(ws.Config.Postmortem, flow.Severities, m.Severity); ok && m.ResolvedAt != nil {
						fmt.Fprintf(app.Err, "Next: the postmortem is due by %s (%s): incidentctl postmortem %s drafts it from the record (or log \"no postmortem: <reason>\")\n",
							display.Time(postmortem.Due(d, *m.ResolvedAt)), d, shortRef(res.ID))
					}
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVarP(&resolution, "resolution", "r", "", "how it was resolved, `<text>`")
	cmd.Flags().BoolVar(&force, "force", false, "close even though required actions are unchecked (they are logged as skipped)")
	c.add(cmd)
	return cmd
}
