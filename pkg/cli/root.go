package cli

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/workspace"
)

// NewRootCmd builds a fresh command tree (tests build one per run).
func NewRootCmd(app *App) *cobra.Command {
	if app.P == nil {
		app.P = i18n.For(i18n.English)
	}
	root := &cobra.Command{
		Use:   "incidentctl",
		Short: "Git-native incident response: declare, update and close incidents as Markdown in git",
		Long: `incidentctl keeps one live document per incident under incidents/: an at-a-glance status,
the action list rendered from the reviewed flow in templates/, and an append-only log.
Every change is one commit of exactly that file.`,
		Example: `  incidentctl init
  incidentctl new "Checkout API returns 500s" --severity SEV2
  incidentctl log k7x "rolled back deploy 1234"
  incidentctl update k7x --status mitigated --check 9
  incidentctl close k7x --resolution "bad deploy rolled back"`,
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if err := app.checkColor(); err != nil {
				return err
			}
			if app.Dir != "" {
				if err := os.Chdir(app.Dir); err != nil {
					return usageErr("-C %s: no such directory", app.Dir)
				}
			}
			return nil
		},
		PersistentPostRunE: app.afterCommand,       // chat delivery (notify.go), then --sync and sync.auto (sync.go)
		Version:            buildVersion().Version, // --version (version.go)
	}
	root.SetVersionTemplate(buildVersion().String() + "\n")
	root.PersistentFlags().BoolVar(&app.JSON, "json", false, "print machine-readable JSON on stdout (schemas: docs/json.md; errors as JSON on stderr)")
	root.PersistentFlags().StringVarP(&app.Dir, "directory", "C", "", "run as if started in `<dir>`")
	root.PersistentFlags().StringVar(&app.Lang, "lang", app.Lang, app.P.T("flag.lang"))
	root.PersistentFlags().StringVar(&app.Color, "color", "auto", app.P.T("flag.color"))
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error { return &UsageError{err.Error()} })
	root.AddCommand(
		newInitCmd(app), newNewCmd(app), newUpdateCmd(app), newLogCmd(app), newCloseCmd(app),
		newShowCmd(app), newListCmd(app), newSeveritiesCmd(app), newLintCmd(app),
		newStatusCmd(app), newNextCmd(app), newHandoffCmd(app), newStatsCmd(app),
		newSyncCmd(app), newMergeDriverCmd(app),
		newSiteCmd(app),
		newDrillCmd(app),
		newNotifyCmd(app),
		newPostmortemCmd(app),
		newFollowupCmd(app),
		newFlowCmd(app),
		newManCmd(app),
		newEditCmd(app),
		newUndoCmd(app),
	)
	app.addCompletions(root) // completion.go: IDs, severities, statuses, roles
	return root
}

// open finds the repository from the current directory.
// Messages switch to the repository's language (lang: in .incidentctl.yaml) when neither
// --lang nor the locale chose one.
func (app *App) open() (*workspace.Workspace, error) {
	ws, err := workspace.Open(".", app.Now)
	if err == nil && !app.langFixed && ws.Config.Lang != "" {
		app.P = i18n.For(ws.Config.Lang)
	}
	if err == nil && app.opened == nil {
		app.opened = ws // the command's own workspace, for chat delivery after it (notify.go)
	}
	return ws, err
}

// exactArgs is cobra.ExactArgs with a message that names what is missing.
func exactArgs(n int, what string) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usageErr("%s takes %s (got %d arguments)", cmd.CommandPath(), what, len(args))
		}
		return nil
	}
}

// warn prints warnings on stderr.
func (app *App) warn(ws []string) {
	for _, w := range ws {
		fmt.Fprintf(app.Err, "warning: %s\n", w)
	}
}
