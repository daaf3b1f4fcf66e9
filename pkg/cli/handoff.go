package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/workspace"
)

func newHandoffCmd(app *App) *cobra.Command {
	var c changeFlags
	var to, note string
	cmd := &cobra.Command{
		Use:   "handoff <id> --to <name> [--note <text>]",
		Short: app.P.T("handoff.short"),
		Long:  app.P.T("handoff.long"),
		Example: `  incidentctl handoff k7x --to bob --note "rollback of deploy 1234 running; watch checkout errors"
  incidentctl handoff k7x --to carol --at 12:30`,
		Args: exactArgs(1, "one incident ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(to) == "" {
				return usageMsg("handoff.no_to", "Ref", args[0])
			}
			note, err := app.textArg("--note", note)
			if err != nil {
				return err
			}
			if cmd.Flags().Changed("note") && strings.TrimSpace(note) == "" {
				return usageMsg("handoff.empty_note")
			}
			return c.run(app, func(ws *workspace.Workspace, opts workspace.Options) error {
				res, err := ws.Handoff(args[0], to, note, opts)
				if err != nil {
					return err
				}
				app.warn(res.Warnings)
				if app.JSON {
					return app.printJSON(handoffJSON{writeJSON: app.toWriteJSON(res.Result), PreviousCommander: res.From, Commander: res.To, Briefing: res.Entry})
				}
				fmt.Fprintln(app.Err, app.P.T("handoff.done", "ID", res.ID, "From", orNone(res.From), "To", res.To, "Commit", res.Commit[:7]))
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&to, "to", "", i18n.Text("flag.handoff.to"))
	cmd.Flags().StringVar(&note, "note", "", i18n.Text("flag.handoff.note"))
	c.add(cmd)
	return cmd
}

// handoffJSON is what `handoff --json` prints: the write result plus who handed over to whom
// and the log entry written.
type handoffJSON struct {
	writeJSON
	PreviousCommander string `json:"previous_commander"`
	Commander         string `json:"commander"`
	Briefing          string `json:"briefing"`
}
