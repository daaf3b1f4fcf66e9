package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newInitCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "init",
		Short: "Set up incidentctl in this git repository and commit what it creates",
		Long: `Scaffold what a team needs: .incidentctl.yaml, the action list and severity definitions
under templates/, the incidents/ folder, a CI workflow that lints incident documents on pull
requests, and a pull-request template for changes to the flow. Only the files it creates are
committed; a file you already have is never overwritten, so running init twice changes nothing.`,
		Example: "  incidentctl init\n  incidentctl -C ~/src/ops init",
		Args:    exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := app.open()
			if err != nil {
				return err
			}
			res, err := ws.Init()
			if err != nil {
				return err
			}
			if app.JSON {
				out := struct {
					Created []string `json:"created"`
					Kept    []string `json:"kept"`
					Commit  *string  `json:"commit"`
				}{Created: []string{}, Kept: []string{}}
				for _, f := range res.Created {
					out.Created = append(out.Created, f.Path)
				}
				for _, f := range res.Kept {
					out.Kept = append(out.Kept, f.Path)
				}
				if res.Commit != "" {
					out.Commit = &res.Commit
				}
				return app.printJSON(out)
			}
			for _, f := range res.Created {
				fmt.Fprintf(app.Out, "created  %-45s %s\n", f.Path, f.About)
			}
			for _, f := range res.Kept {
				fmt.Fprintf(app.Out, "kept     %-45s already there, left as it is\n", f.Path)
			}
			if res.Commit == "" {
				fmt.Fprintln(app.Err, "Nothing to do: incidentctl is already set up here.")
				return nil
			}
			fmt.Fprintf(app.Err, "Committed %s. Declare an incident with: incidentctl new \"<title>\" --severity SEV2\n", res.Commit[:7])
			return nil
		},
	}
}
