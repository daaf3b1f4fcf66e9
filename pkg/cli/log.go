package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/workspace"
)

// changeFlags are the flags every command that changes an incident has.
type changeFlags struct {
	At             string
	IncludeEdits   bool
	AllowSecret    bool
	BeforeDeclared bool
}

func (c *changeFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&c.At, "at", "", i18n.Text("flag.at"))
	cmd.Flags().BoolVar(&c.BeforeDeclared, "before-declared", false, i18n.Text("flag.before_declared"))
	cmd.Flags().BoolVar(&c.IncludeEdits, "include-edits", false, i18n.Text("flag.include_edits"))
	addAllowSecretFlag(cmd, &c.AllowSecret)
	addSyncFlag(cmd)
}

// addAllowSecretFlag gives a write command --allow-secret.
func addAllowSecretFlag(cmd *cobra.Command, v *bool) {
	cmd.Flags().BoolVar(v, "allow-secret", false, i18n.Text("flag.allow_secret"))
}

func (c *changeFlags) options(app *App) (workspace.Options, error) {
	at, err := parseAt(c.At, app.Now())
	return workspace.Options{At: at, IncludeEdits: c.IncludeEdits, AllowSecret: c.AllowSecret, BeforeDeclared: c.BeforeDeclared}, err
}

// reportChange prints what a write command did.
func (app *App) reportChange(res *workspace.Result, what string) error {
	app.warn(res.Warnings)
	if app.JSON {
		return app.printJSON(app.toWriteJSON(res))
	}
	fmt.Fprintln(app.Err, app.P.T(what, "ID", res.ID, "Commit", res.Commit[:7]))
	return nil
}

func newLogCmd(app *App) *cobra.Command {
	var c changeFlags
	cmd := &cobra.Command{
		Use:   "log <id> <text>",
		Short: app.P.T("log.short"),
		Long:  app.P.T("log.long"),
		Example: `  incidentctl log k7x "rolled back deploy 1234"
  kubectl get pods -n checkout | incidentctl log k7x -
  incidentctl log k7x "error rate started climbing" --at 10:40
  incidentctl log k7x "alert fired" --at 09:58 --before-declared`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) < 2 {
				return usageMsg("log.usage")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := c.options(app)
			if err != nil {
				return err
			}
			ws, err := app.openForChange()
			if err != nil {
				return err
			}
			text, err := app.textArg(i18n.Text("what.log_text"), strings.Join(args[1:], " "))
			if err != nil {
				return err
			}
			res, err := ws.Log(args[0], text, opts)
			if err != nil {
				return err
			}
			return app.reportChange(res, "log.done")
		},
	}
	c.add(cmd)
	return cmd
}
