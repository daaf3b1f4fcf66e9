package cli

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/incidentctl/incidentctl/pkg/display"
	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/workspace"
)

func newListCmd(app *App) *cobra.Command {
	var f workspace.Filter
	var drills bool
	cmd := &cobra.Command{
		Use:   "list [--status open|resolved|all] [--severity <sev>...] [--drills]",
		Short: app.P.T("list.short"),
		Long:  app.P.T("list.long"),
		Example: `  incidentctl list
  incidentctl list --status all --severity SEV1,SEV2 --json`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := app.open()
			if err != nil {
				return err
			}
			f.MetaOnly = !app.JSON // the table shows front-matter fields only
			if drills {
				f.Drills = workspace.WithDrills
			}
			res, err := ws.List(f)
			if err != nil {
				return err
			}
			app.warnSkipped(res.Errors)
			if app.JSON {
				out := make([]IncidentJSON, len(res.Incidents))
				for i, d := range res.Incidents {
					out[i] = app.toIncidentJSON(d)
				}
				return app.printJSON(out)
			}
			if len(res.Incidents) == 0 {
				if f.Status != "" || len(f.Severities) > 0 {
					fmt.Fprintln(app.Err, app.P.T("list.none_matching"))
				} else {
					fmt.Fprintln(app.Err, app.P.T("list.none_open"))
				}
				return nil
			}
			rows := make([][]string, 0, len(res.Incidents)+1)
			t := app.P
			rows = append(rows, []string{t.T("list.id"), t.T("list.severity"), t.T("list.status"), t.T("list.commander"), t.T("list.declared"), t.T("list.title")})
			p := app.palette()
			for _, d := range res.Incidents {
				m := displayDoc(d).Meta
				rows = append(rows, []string{m.ID, m.Severity, p.statusLabel(m.Status), orNone(m.Commander), displayTime(m.DeclaredAt), m.Title + drillMark(palette{t: app.P}, m)})
			}
			return writeTable(app.Out, rows)
		},
	}
	cmd.Flags().StringVar(&f.Status, "status", "open", i18n.Text("flag.list.status"))
	cmd.Flags().StringSliceVarP(&f.Severities, "severity", "s", nil, i18n.Text("flag.severities"))
	cmd.Flags().BoolVar(&drills, "drills", false, i18n.Text("flag.list.drills"))
	return cmd
}

// writeTable writes rows of cells the way tabwriter.NewWriter(w, 0, 4, 2, ' ', 0) aligns them:
// every cell but the last of a row padded with spaces to its column's widest cell plus two,
// counted in terminal columns (a Japanese character takes two, see pkg/display). Listing
// 100,000 incidents, tabwriter's cell-by-cell buffering took a fifth of the time and tens of
// megabytes; rows with a cell tabwriter would treat specially (tabs, line breaks) go through
// display.NewTabWriter.
func writeTable(w io.Writer, rows [][]string) error {
	var widths []int
	for _, row := range rows {
		for j, c := range row[:max(len(row)-1, 0)] {
			if strings.ContainsAny(c, "\t\n\v\f\r") || len(row) != len(rows[0]) {
				return writeTabwriter(w, rows)
			}
			if j >= len(widths) {
				widths = append(widths, 0)
			}
			widths[j] = max(widths[j], display.Width(c)+2)
		}
		if last := row[len(row)-1]; strings.ContainsAny(last, "\t\n\v\f\r") {
			return writeTabwriter(w, rows)
		}
	}
	out := bufio.NewWriterSize(w, 64<<10)
	spaces := strings.Repeat(" ", 64)
	for _, row := range rows {
		for j, c := range row[:len(row)-1] {
			out.WriteString(c)
			for pad := widths[j] - display.Width(c); pad > 0; pad -= len(spaces) {
				out.WriteString(spaces[:min(pad, len(spaces))])
			}
		}
		out.WriteString(row[len(row)-1])
		out.WriteByte('\n')
	}
	return out.Flush()
}

func writeTabwriter(w io.Writer, rows [][]string) error {
	out := bufio.NewWriter(w)
	tw := display.NewTabWriter(out, 2)
	for _, row := range rows {
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return out.Flush()
}
