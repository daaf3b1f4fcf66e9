package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/workspace"
)

func newUpdateCmd(app *App) *cobra.Command {
	var c changeFlags
	var roles, checks, unchecks []string
	var status, severity, commander, impact, announcement, logText string
	cmd := &cobra.Command{
		Use:   "update <id> [flags]",
		Short: app.P.T("update.short"),
		Long:  app.P.T("update.long"),
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
					return usageMsg("update.bad_role", "Role", fmt.Sprintf("%q", r))
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
				return usageMsg("update.empty_log")
			}
			if ch.Status == nil && ch.Severity == nil && ch.Commander == nil && ch.Impact == nil &&
				ch.Announcement == nil && len(ch.Roles) == 0 && len(ch.Checks) == 0 && len(ch.Unchecks) == 0 && ch.Log == "" {
				return usageMsg("update.nothing")
			}
			return c.runReported(app, "update.done", func(ws *workspace.Workspace, opts workspace.Options) (*workspace.Result, error) {
				return ws.Update(args[0], ch, opts)
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&status, "status", "", i18n.Text("flag.update.status"))
	f.StringVarP(&severity, "severity", "s", "", i18n.Text("flag.update.severity"))
	f.StringVar(&commander, "commander", "", i18n.Text("flag.update.commander"))
	f.StringArrayVar(&roles, "role", nil, i18n.Text("flag.update.role"))
	f.StringVar(&impact, "impact", "", i18n.Text("flag.impact"))
	f.StringVar(&announcement, "announcement", "", i18n.Text("flag.update.announcement"))
	f.StringArrayVar(&checks, "check", nil, i18n.Text("flag.update.check"))
	f.StringArrayVar(&unchecks, "uncheck", nil, i18n.Text("flag.update.uncheck"))
	f.StringVar(&logText, "log", "", i18n.Text("flag.update.log"))
	c.add(cmd)
	return cmd
}
