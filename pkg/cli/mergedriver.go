package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/incidentctl/incidentctl/pkg/merge"
	"github.com/incidentctl/incidentctl/pkg/sync"
)

func newMergeDriverCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:     "merge-driver <base> <ours> <theirs> <path>",
		Short:   app.P.T("mergedriver.short"),
		Long:    app.P.T("mergedriver.long"),
		Example: app.P.T("mergedriver.example"),
		Args:    exactArgs(4, "the four files git passes: <base> <ours> <theirs> <path>"),
		RunE: func(cmd *cobra.Command, args []string) error {
			var opts merge.Options
			if ws, err := app.open(); err == nil { // git runs the driver at the top of the clone
				if flow, err := ws.Flow(); err == nil {
					opts.MoreSevere = flow.Severities.MoreSevere
				}
			}
			notes, err := sync.MergeFilesWith(args[0], args[1], args[2], args[3], opts)
			for _, n := range notes {
				fmt.Fprintln(app.Err, app.P.T("merge.driver_note", "Path", args[3], "Note", n))
			}
			return err
		},
	}
}
