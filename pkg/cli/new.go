package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/workspace"
)

type newOptions struct {
	Title, Severity, Commander, Impact, At string
	AllowSecret                            bool
}

func newNewCmd(app *App) *cobra.Command {
	var o newOptions
	cmd := &cobra.Command{
		Use:   "new <title> --severity <SEV1..SEV4>",
		Short: app.P.T("new.short"),
		Long:  app.P.T("new.long"),
		Example: `  incidentctl new "Checkout API returns 500s" --severity SEV2
  incidentctl new "Login fails for SSO users" --severity 1 --commander alice --impact "no SSO logins" --at 10:02`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageMsg("new.no_title")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Title = strings.Join(args, " ")
			if o.Severity == "" {
				return usageMsg("new.no_severity")
			}
			at, err := parseAt(o.At, app.Now())
			if err != nil {
				return err
			}
			ws, err := app.openForChange()
			if err != nil {
				return err
			}
			res, err := ws.Declare(workspace.Declaration{Title: o.Title, Severity: o.Severity, Commander: o.Commander, Impact: o.Impact, At: at, AllowSecret: o.AllowSecret})
			if err != nil {
				return err
			}
			app.warn(res.Warnings)
			if app.JSON {
				return app.printJSON(app.toWriteJSON(res))
			}
			fmt.Fprintf(app.Out, "%s %s\n", res.ID, res.Path)
			m := res.Doc.Meta
			fmt.Fprintln(app.Err, app.P.T("new.declared", "Severity", m.Severity, "ID", res.ID, "Commander", m.Commander, "Commit", res.Commit[:7], "Ref", shortRef(res.ID)))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.Severity, "severity", "s", "", i18n.Text("flag.new.severity"))
	f.StringVar(&o.Commander, "commander", "", i18n.Text("flag.new.commander"))
	f.StringVar(&o.Impact, "impact", "", i18n.Text("flag.impact"))
	f.StringVar(&o.At, "at", "", i18n.Text("flag.new.at"))
	addAllowSecretFlag(cmd, &o.AllowSecret)
	addSyncFlag(cmd)
	return cmd
}

// shortRef is the random part of an ID: what people type.
func shortRef(id string) string {
	if _, r, ok := strings.Cut(id, "-"); ok {
		return r
	}
	return id
}
