package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/incidentctl/incidentctl/pkg/merge"
	"github.com/incidentctl/incidentctl/pkg/sync"
)

func newMergeDriverCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "merge-driver <base> <ours> <theirs> <path>",
		Short: app.P.T("mergedriver.short"),
		Long: `The merge driver git runs for incident documents during git pull and git merge, so plain git
merges them exactly as incidentctl sync does: the log gets every entry of both sides once, in
time order; a field changed on both sides takes the later change, the severity the more severe;
a check box changed on one side takes that change. git passes the common version (%O), ours (%A, where the result goes), theirs
(%B) and the path (%P). Text edited on both sides in the same place is a conflict: the driver
exits 1 and leaves your version as it is (git marks the file as conflicted); it never writes
conflict markers.

incidentctl init registers it: .gitattributes gets the line

  incidents/**/*.md merge=incidentctl

and the clone's .git/config (which is not committed, so each clone needs it once):

  git config merge.incidentctl.name "incidentctl: field-by-field merge of incident documents"
  git config merge.incidentctl.driver "incidentctl merge-driver %O %A %B %P"`,
		Example: `  incidentctl init    # in each clone: registers the driver
  git pull            # incident documents now merge field by field`,
		Args: exactArgs(4, "the four files git passes: <base> <ours> <theirs> <path>"),
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
