package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/incidentctl/incidentctl/pkg/display"
	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/lint"
	"github.com/incidentctl/incidentctl/pkg/workspace"
)

func newInitCmd(app *App) *cobra.Command {
	var opts workspace.InitOptions
	cmd := &cobra.Command{
		Use:     "init",
		Short:   app.P.T("init.short"),
		Long:    app.P.T("init.long"),
		Example: "  incidentctl init\n  incidentctl init --pages\n  incidentctl init --lang ja\n  incidentctl -C ~/src/ops init",
		Args:    exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := app.open()
			if err != nil {
				return err
			}
			if l, ok := i18n.ParseLang(app.Lang); ok && l != "" {
				ws.Config.Lang = l // --lang picks the language of what init scaffolds
			}
			// The scaffolded workflow pins the action to this release, when it is one.
			opts.ActionRef = lint.DocsRefFor(buildVersion().Version)
			res, err := ws.InitWith(opts)
			if err != nil {
				return err
			}
			if app.JSON {
				out := struct {
					Created         []string `json:"created"`
					Kept            []string `json:"kept"`
					Commit          *string  `json:"commit"`
					DriverAdded     []string `json:"merge_driver_registered"`
					DriverDiffering []string `json:"merge_driver_differing"`
					AttributesLine  string   `json:"gitattributes_missing_line"`
					Updated         []string `json:"updated"`
					IgnoreLine      string   `json:"gitignore_missing_line"`
				}{Created: []string{}, Kept: []string{}, Updated: []string{}, IgnoreLine: res.IgnoreLine, DriverAdded: append([]string{}, res.DriverAdded...),
					DriverDiffering: append([]string{}, res.DriverDiffering...), AttributesLine: res.AttributesLine}
				for _, f := range res.Created {
					out.Created = append(out.Created, f.Path)
				}
				for _, f := range res.Kept {
					out.Kept = append(out.Kept, f.Path)
				}
				for _, f := range res.Updated {
					out.Updated = append(out.Updated, f.Path)
				}
				if res.Commit != "" {
					out.Commit = &res.Commit
				}
				return app.printJSON(out)
			}
			created, updated, kept := app.P.T("init.created"), app.P.T("init.updated"), app.P.T("init.kept")
			w := max(display.Width(created), display.Width(updated), display.Width(kept))
			for _, f := range res.Created {
				fmt.Fprintf(app.Out, "%s  %s %s\n", display.PadRight(created, w), display.PadRight(f.Path, 45), app.P.T(f.AboutID))
			}
			for _, f := range res.Updated {
				fmt.Fprintf(app.Out, "%s  %s %s\n", display.PadRight(updated, w), display.PadRight(f.Path, 45), app.P.T(f.AboutID))
			}
			for _, f := range res.Kept {
				fmt.Fprintf(app.Out, "%s  %s %s\n", display.PadRight(kept, w), display.PadRight(f.Path, 45), app.P.T("init.kept_about"))
			}
			if res.IgnoreLine != "" {
				app.warn([]string{app.P.T("init.gitignore_dirty") + "\n  " + res.IgnoreLine})
			}
			reportMergeDriver(app, res)
			if res.Commit == "" {
				if len(res.DriverAdded) == 0 {
					fmt.Fprintln(app.Err, app.P.T("init.nothing"))
				}
				return nil
			}
			fmt.Fprintln(app.Err, app.P.T("init.committed", "Commit", res.Commit[:7]))
			return nil
		},
	}
	cmd.Flags().BoolVar(&opts.Pages, "pages", false, i18n.Text("flag.init.pages"))
	return cmd
}

// reportMergeDriver says what init did about the merge driver (see incidentctl merge-driver).
func reportMergeDriver(app *App, res *workspace.InitResult) {
	cmds := "\n  " + strings.Join(workspace.DriverSetupCommands(), "\n  ")
	if len(res.DriverAdded) > 0 {
		fmt.Fprintln(app.Err, app.P.T("init.driver_registered", "Commands", cmds))
	}
	for _, name := range res.DriverDiffering {
		fmt.Fprintf(app.Err, "%s: %s\n", app.P.T("warning"), app.P.T("init.driver_differing", "Name", name, "Commands", cmds))
	}
	if res.AttributesLine != "" {
		fmt.Fprintf(app.Err, "%s: %s\n", app.P.T("warning"), app.P.T("init.attributes_missing", "Line", res.AttributesLine))
	}
}
