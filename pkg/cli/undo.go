package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/workspace"
)

func newUndoCmd(app *App) *cobra.Command {
	var c changeFlags
	var compensate bool
	cmd := &cobra.Command{
		Use:   "undo [<id>] [--compensate]",
		Short: app.P.T("undo.short"),
		Long:  app.P.T("undo.long"),
		Example: `  incidentctl undo
  incidentctl undo k7x
  incidentctl undo k7x --compensate`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usageMsg("undo.args", "Got", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			ref := ""
			if len(args) == 1 {
				ref = args[0]
			}
			return c.run(app, func(ws *workspace.Workspace, opts workspace.Options) error {
				res, err := ws.Undo(ref, compensate, opts)
				if err != nil {
					return err
				}
				if res.Result != nil {
					app.warn(res.Warnings)
				}
				if app.JSON {
					out := undoJSON{Undone: res.Undone, Subject: res.Subject, Reverted: res.Reverted, Why: res.Why, Compensate: res.Compensate}
					if out.Compensate == nil {
						out.Compensate = []string{}
					}
					if res.Result != nil {
						w := app.toWriteJSON(res.Result)
						out.Result = &w
					}
					return app.printJSON(out)
				}
				switch {
				case res.Reverted:
					fmt.Fprintln(app.Err, app.P.T("undo.reverted", "Undone", res.Undone[:7], "Subject", res.Subject, "Commit", res.Commit[:7]))
				case res.Result != nil:
					fmt.Fprintln(app.Err, app.P.T("undo.compensated", "Undone", res.Undone[:7], "Subject", res.Subject, "Commit", res.Commit[:7]))
				default:
					fmt.Fprintln(app.Err, app.P.T("undo.proposed", "Undone", res.Undone[:7], "Subject", res.Subject, "Why", app.P.Message(res.WhyErr)))
					for _, f := range res.Compensate {
						fmt.Fprintf(app.Err, "  %s\n", f)
					}
					fmt.Fprintln(app.Err, app.P.T("undo.proposed_how", "Command", res.CompensateCommand))
					return &SilentError{Code: ExitError}
				}
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&compensate, "compensate", false, i18n.Text("flag.undo.compensate"))
	c.add(cmd)
	return cmd
}

// undoJSON is what undo --json prints.
type undoJSON struct {
	Undone     string     `json:"undone"`
	Subject    string     `json:"subject"`
	Reverted   bool       `json:"reverted"`
	Why        string     `json:"why"`
	Compensate []string   `json:"compensate"`
	Result     *writeJSON `json:"result"`
}
