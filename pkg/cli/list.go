package cli

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/incidentctl/incidentctl/pkg/display"
	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/incident"
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
			if app.JSON {
				return app.listJSON(ws, f)
			}
			res, err := ws.List(f)
			if err != nil {
				return err
			}
			app.warnSkipped(res.Errors)
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

// listJSON streams the listing as a JSON array: each incident is read, converted and encoded
// on the reading goroutines and written as soon as its turn comes, so memory holds a window of
// incidents, not the listing (workspace.EachCached). The element of a document unchanged since
// a listing encoded it comes from the element cache (listElements), so a listing of unchanged
// documents copies bytes. Unreadable documents are reported after it.
func (app *App) listJSON(ws *workspace.Workspace, f workspace.Filter) error {
	out := app.jsonStream()
	parsingGC, restoreGC := cachedGC()
	defer restoreGC()
	errs, err := workspace.EachCached(ws, f, app.listElements(), func(d *incident.Document, now time.Time) (workspace.Element, error) {
		parsingGC()
		v := app.incidentJSONAt(d, now)
		b, err := encodeIncident(&v)
		if err != nil {
			return workspace.Element{}, err
		}
		from, until, keep := clockSpan(v, now)
		return workspace.Element{B: b, Keep: keep, From: from, Until: until}, nil
	}, out.add)
	if err == nil {
		err = out.close()
	}
	app.warnSkipped(errs)
	return err
}

// cachedGC has the collector run often while a streamed listing copies cached elements, and
// returns what sets the pace for parsing (at the first document that has to be encoded); the
// listing restores the default pace at the end. Such a listing keeps a small heap (a record per
// incident) and makes little garbage: collected more often, its peak stays about the same at
// 10,000 and 100,000 incidents. Documents parsed in full make garbage at a rate where the lower
// setting costs a third more CPU, and the default one a tenth more than parseGC: the heap it
// holds is small (a window of documents), so the collector may wait until it has grown four
// times over, which the soft memory limit (Main) still bounds. A first listing of 100,000
// incidents peaks at ~120 MB with it, ~75 MB at the default pace. GOGC, when set, decides
// instead.
func cachedGC() (parsing, restore func()) {
	if os.Getenv("GOGC") != "" {
		return func() {}, func() {}
	}
	old := debug.SetGCPercent(25)
	return sync.OnceFunc(func() { debug.SetGCPercent(max(old, parseGC)) }), func() { debug.SetGCPercent(old) }
}

// parseGC is the collector's pace (GOGC) while a streamed listing parses documents.
const parseGC = 300

// listElements names the element cache of list --json and everything an element depends on
// besides the document, the build and the clock (clockSpan): the declared custom fields and
// their types (customFields). Whatever toIncidentJSON comes to depend on must be added here.
func (app *App) listElements() workspace.ElementCache {
	var ctx strings.Builder
	ctx.WriteString("list-json 1")
	if app.opened != nil {
		cfg := app.opened.Config
		for _, k := range cfg.FieldNames() {
			fmt.Fprintf(&ctx, "\x00%q %q", k, cfg.Fields[k].Type)
		}
	}
	return workspace.ElementCache{Name: "list-json", Context: ctx.String()}
}

// clockSpan returns the clock readings (From, Until] an incident's JSON stays the same for,
// in Unix nanoseconds: an open action's overdue flag turns at its due time, measured against
// now or, once resolved, the resolution (board.Reference), so the element changes only where
// the clock crosses one of those instants. keep is false when one is beyond what a Unix
// nanosecond count holds.
func clockSpan(v IncidentJSON, now time.Time) (from, until int64, keep bool) {
	from, until = math.MinInt64, math.MaxInt64
	var marks []time.Time
	for _, a := range v.Actions {
		if a.DueAt != nil && !a.Done {
			marks = append(marks, *a.DueAt)
		}
	}
	if len(marks) == 0 {
		return from, until, true
	}
	if v.ResolvedAt != nil {
		marks = append(marks, *v.ResolvedAt)
	}
	for _, t := range marks {
		if t.Year() < 1678 || t.Year() > 2261 {
			return 0, 0, false
		}
		n := t.UnixNano()
		if t.Before(now) {
			from = max(from, n)
		} else {
			until = min(until, n)
		}
	}
	return from, until, true
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
