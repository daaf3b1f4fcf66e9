package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/incidentctl/incidentctl/pkg/lint"
	"github.com/incidentctl/incidentctl/pkg/workspace"
)

func newInitCmd(app *App) *cobra.Command {
	var opts workspace.InitOptions
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Set up incidentctl in this git repository and commit what it creates",
		Long: `Scaffold what a team needs: .incidentctl.yaml, the action list and severity definitions
under templates/, the incidents/ folder, a CI workflow that lints incident documents on pull
requests, a pull-request template for changes to the flow, and a .gitattributes that hands
incident documents to the incidentctl merge driver. Only the files it creates are committed; a
file you already have is never overwritten, so running init twice changes nothing.

It also registers the merge driver in this clone's .git/config, which is not committed: run
init once in every clone (in a clone of a repository set up before, that is all it does), so
that git pull merges incident documents field by field as incidentctl sync does.

It keeps _site/, where incidentctl site builds the web view, out of git (.gitignore). With
--pages it also scaffolds .github/workflows/incident-site.yml, which publishes that web view to
GitHub Pages on every push (set Settings → Pages → Source to "GitHub Actions" once); run
init --pages in a repository set up before to add just that.`,
		Example: "  incidentctl init\n  incidentctl init --pages\n  incidentctl -C ~/src/ops init",
		Args:    exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := app.open()
			if err != nil {
				return err
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
			for _, f := range res.Created {
				fmt.Fprintf(app.Out, "created  %-45s %s\n", f.Path, f.About)
			}
			for _, f := range res.Updated {
				fmt.Fprintf(app.Out, "updated  %-45s %s\n", f.Path, f.About)
			}
			for _, f := range res.Kept {
				fmt.Fprintf(app.Out, "kept     %-45s already there, left as it is\n", f.Path)
			}
			if res.IgnoreLine != "" {
				fmt.Fprintf(app.Err, "warning: .gitignore has uncommitted changes, so init did not add the web view's folder to it; add this line and commit it:\n  %s\n", res.IgnoreLine)
			}
			reportMergeDriver(app, res)
			if res.Commit == "" {
				if len(res.DriverAdded) == 0 {
					fmt.Fprintln(app.Err, "Nothing to do: incidentctl is already set up here.")
				}
				return nil
			}
			fmt.Fprintf(app.Err, "Committed %s. Declare an incident with: incidentctl new \"<title>\" --severity SEV2\n", res.Commit[:7])
			return nil
		},
	}
	cmd.Flags().BoolVar(&opts.Pages, "pages", false, "also scaffold a workflow that publishes the web view (incidentctl site) to GitHub Pages")
	return cmd
}

// reportMergeDriver says what init did about the merge driver (see incidentctl merge-driver).
func reportMergeDriver(app *App, res *workspace.InitResult) {
	cmds := "\n  " + strings.Join(workspace.DriverSetupCommands(), "\n  ")
	if len(res.DriverAdded) > 0 {
		fmt.Fprintf(app.Err, "Registered the incidentctl merge driver in .git/config: git pull merges incident documents field by field. "+
			"Each clone needs this once: run incidentctl init there, or%s\n", cmds)
	}
	for _, name := range res.DriverDiffering {
		fmt.Fprintf(app.Err, "warning: %s in .git/config has a value of your own; left as it is (incidentctl's setup:%s)\n", name, cmds)
	}
	if res.AttributesLine != "" {
		fmt.Fprintf(app.Err, "warning: .gitattributes does not hand incident documents to the merge driver; add this line to it and commit it:\n  %s\n", res.AttributesLine)
	}
}
