package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/incidentctl/incidentctl/pkg/display"
	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/postmortem"
	"github.com/incidentctl/incidentctl/pkg/workspace"
)

func newCloseCmd(app *App) *cobra.Command {
	var c changeFlags
	var resolution string
	var force bool
	cmd := &cobra.Command{
		Use:   "close <id> --resolution <text> [--force]",
		Short: app.P.T("close.short"),
		Long:  app.P.T("close.long"),
		Example: `  incidentctl close k7x --resolution "rolled back deploy 1234"
  incidentctl close k7x --resolution "fixed upstream" --force --at 11:30`,
		Args: exactArgs(1, "one incident ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("resolution") {
				return usageMsg("close.no_resolution")
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
				if err := app.reportChange(res, "close.done"); err != nil || app.JSON {
					return err
				}
				if res.Doc.Meta.IsDrill() { // a drill has a debrief, not a postmortem
					fmt.Fprintln(app.Err, app.P.T("close.next_debrief", "Ref", shortRef(res.ID)))
					return nil
				}
				if flow, err := ws.Flow(); err == nil {
					m := res.Doc.Meta
					if d, ok := postmortem.DeadlineFor(ws.Config.Postmortem, flow.Severities, m.Severity); ok && m.ResolvedAt != nil {
						fmt.Fprintln(app.Err, app.P.T("close.next_postmortem", "Due", display.Time(postmortem.Due(d, *m.ResolvedAt)), "Deadline", d, "Ref", shortRef(res.ID)))
					}
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVarP(&resolution, "resolution", "r", "", i18n.Text("flag.close.resolution"))
	cmd.Flags().BoolVar(&force, "force", false, i18n.Text("flag.close.force"))
	c.add(cmd)
	return cmd
}
