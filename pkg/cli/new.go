package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

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
		Short: "Declare an incident: create its document and commit it",
		Long: `Declare an incident. The document gets a new ID, the action list rendered for its severity
from templates/action-list.md as committed at HEAD, and a first log entry. The commander
defaults to you (git's user.name). Prints the ID and the path.`,
		Example: `  incidentctl new "Checkout API returns 500s" --severity SEV2
  incidentctl new "Login fails for SSO users" --severity 1 --commander alice --impact "no SSO logins" --at 10:02`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErr("new needs a title: incidentctl new \"<what is wrong>\" --severity SEV2")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Title = strings.Join(args, " ")
			if o.Severity == "" {
				return usageErr("--severity is required: pick one with `incidentctl severities` (SEV1 is the worst)")
			}
			at, err := parseAt(o.At, app.Now())
			if err != nil {
				return err
			}
			ws, err := app.open()
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
			fmt.Fprintf(app.Err, "Declared %s incident %s, commander %s (commit %s). Next: incidentctl show %s\n", m.Severity, res.ID, m.Commander, res.Commit[:7], shortRef(res.ID))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.Severity, "severity", "s", "", "severity, `<SEV1..SEV4>` (see incidentctl severities)")
	f.StringVar(&o.Commander, "commander", "", "incident commander `<name>` (default: you)")
	f.StringVar(&o.Impact, "impact", "", "who and what is affected, `<text>`")
	f.StringVar(&o.At, "at", "", "when it was declared: `<time>` as HH:MM (today, at most 12 hours ago) or RFC 3339")
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
