package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/incidentctl/incidentctl/pkg/display"
)

func newSeveritiesCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "severities",
		Short: app.P.T("severities.short"),
		Long:  app.P.T("severities.long"),
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := app.open()
			if err != nil {
				return err
			}
			flow, err := ws.Flow()
			if err != nil {
				return err
			}
			app.warn(flow.Warnings)
			if app.JSON {
				return app.printJSON(flow.Severities.Levels)
			}
			tw := display.NewTabWriter(app.Out, 2)
			for _, l := range flow.Severities.Levels {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", l.ID, l.Summary, l.Description)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			fmt.Fprintln(app.Err, app.P.T("severities.from", "From", flow.SeveritiesFrom))
			return nil
		},
	}
}
