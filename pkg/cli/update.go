package cli

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/workspace"
)

func newUpdateCmd(app *App) *cobra.Command {
	var c changeFlags
	var roles, checks, unchecks []string
	var status, severity, commander, impact, announcement, logText string
	cmd := &cobra.Command{
		Use:   "update <id> [flags]",
		Short: "Change an incident's status, severity, commander, roles, impact or actions",
		Long: `Change fields of an incident in one commit. Every field change is also written to the log
("severity SEV3 → SEV1", "commander alice → bob"), so the log tells the whole story.
Raising the severity adds the action-list items the new severity needs.`,
		Example: `  incidentctl update k7x --status identified --log "bad config push found"
  incidentctl update k7x --severity SEV1 --commander bob
  incidentctl update k7x --role comms=carol --role scribe=dave
  incidentctl update k7x --check 3 --check "announce to users"
  incidentctl update k7x --uncheck 3                     # ticked by mistake
  incidentctl update k7x --announcement "status page updated 10:40" --at 10:40`,
		Args: exactArgs(1, "one incident ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			var ch workspace.Change
			set := func(name string, v string) *string {
				if cmd.Flags().Changed(name) {
					return &v
				}
				return nil
			}
			ch.Status, ch.Severity, ch.Commander = set("status", status), set("severity", severity), set("commander", commander)
			ch.Impact, ch.Announcement = set("impact", impact), set("announcement", announcement)
			for _, r := range roles {
				name, holder, ok := strings.Cut(r, "=")
				if !ok || strings.TrimSpace(name) == "" {
					return usageErr("--role %q: write it as <role>=<name> (an empty name releases the role: --role comms=)", r)
				}
				ch.Roles = append(ch.Roles, incident.Role{Name: strings.TrimSpace(name), Holder: strings.TrimSpace(holder)})
			}
			ch.Checks, ch.Unchecks, ch.Log = checks, unchecks, logText
			for _, p := range []struct {
				flag string
				v    *string
			}{{"--log", &ch.Log}, {"--impact", ch.Impact}, {"--announcement", ch.Announcement}} {
				if p.v != nil {
					v, err := app.textArg(p.flag, *p.v)
					if err != nil {
						return err
					}
					*p.v = v
				}
			}
			if cmd.Flags().Changed("log") && strings.TrimSpace(ch.Log) == "" {
				return usageErr("--log is empty: say what happened")
			}
			if ch.Status == nil && ch.Severity == nil && ch.Commander == nil && ch.Impact == nil &&
				ch.Announcement == nil && len(ch.Roles) == 0 && len(ch.Checks) == 0 && len(ch.Unchecks) == 0 && ch.Log == "" {
				return usageErr("nothing to update: give at least one of --status, --severity, --commander, --role, --impact, --announcement, --check, --uncheck, --log")
			}
			return c.runReported(app, "Updated", func(ws *workspace.Workspace, opts workspace.Options) (*workspace.Result, error) {
				return ws.Update(args[0], ch, opts)
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&status, "status", "", "`<status>`: investigating, identified or mitigated (resolve with close)")
	f.StringVarP(&severity, "severity", "s", "", "`<severity>` (see incidentctl severities)")
	f.StringVar(&commander, "commander", "", "hand command over to `<name>`")
	f.StringArrayVar(&roles, "role", nil, "`<role>=<name>` (repeatable; <role>= releases it)")
	f.StringVar(&impact, "impact", "", "who and what is affected, `<text>`")
	f.StringVar(&announcement, "announcement", "", "what was announced, where, `<text>`")
	f.StringArrayVar(&checks, "check", nil, "tick an action by its number or text, `<n|text>` (repeatable)")
	f.StringArrayVar(&unchecks, "uncheck", nil, "clear an action ticked by mistake, by its number or text, `<n|text>` (repeatable)")
	f.StringVar(&logText, "log", "", "also log `<text>` (- reads it from standard input; several lines are kept)")
	c.add(cmd)
	return cmd
}
