package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/incidentctl/incidentctl/pkg/workspace"
)

func newHandoffCmd(app *App) *cobra.Command {
	var c changeFlags
	var to, note string
	cmd := &cobra.Command{
		Use:   "handoff <id> --to <name> [--note <text>]",
		Short: "Hand command of an incident over to someone else, with a briefing",
		Long: `Transfer command in one commit: the commander becomes <name>, and the log gets one entry
naming the previous commander, your note and a briefing generated from the document (severity,
status, impact, announcement, the open required actions with their numbers and time boxes,
roles), so whoever takes over can act on it:

  handoff: commander alice → bob. Briefing: <note>. Status: SEV2 identified, declared 10:02;
  impact: …; announcement: —; open required actions: 4. Page the on-call engineer (overdue
  since 10:07), …; roles: comms: carol

incidentctl stats counts everyone who commanded an incident, including each handoff target.
Handing over to the current commander is an error, and so is handing over a resolved incident
(reopen it first with incidentctl update <id> --status investigating).`,
		Example: `  incidentctl handoff k7x --to bob --note "rollback of deploy 1234 running; watch checkout errors"
  incidentctl handoff k7x --to carol --at 12:30`,
		Args: exactArgs(1, "one incident ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(to) == "" {
				return usageErr("--to is required: name who takes command, e.g. incidentctl handoff %s --to bob", args[0])
			}
			note, err := app.textArg("--note", note)
			if err != nil {
				return err
			}
			if cmd.Flags().Changed("note") && strings.TrimSpace(note) == "" {
				return usageErr("--note is empty: say what the new commander needs to know, or leave --note out")
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
				fmt.Fprintf(app.Err, "Handed %s over: commander %s → %s (commit %s)\n", res.ID, orNone(res.From), res.To, res.Commit[:7])
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "who takes command, `<name>`")
	cmd.Flags().StringVar(&note, "note", "", "what the new commander needs to know, `<text>`")
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
