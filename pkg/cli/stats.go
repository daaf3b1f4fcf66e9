package cli

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/incidentctl/incidentctl/pkg/board"
	"github.com/incidentctl/incidentctl/pkg/display"
	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/severity"
	"github.com/incidentctl/incidentctl/pkg/workspace"
)

type statsOptions struct {
	Since, Until string
	Severities   []string
	Drills       bool
}

func newStatsCmd(app *App) *cobra.Command {
	var o statsOptions
	cmd := &cobra.Command{
		Use:   "stats [--since <date>] [--until <date>] [--severity <sev>...]",
		Short: app.P.T("stats.short"),
		Long:  app.P.T("stats.long"),
		Example: `  incidentctl stats
  incidentctl stats --since 2026-01-01 --until 2026-06-30 --severity SEV1,SEV2
  incidentctl stats --since 2026-10-01T00:00:00+09:00 --json`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := o.window()
			if err != nil {
				return err
			}
			ws, err := app.open()
			if err != nil {
				return err
			}
			// One document at a time, streamed (workspace.EachCached): what the statistics take
			// from each document (board.Facts) is kept in an element cache, so that a run over
			// unchanged documents parses none, and the run holds a record per document, not the
			// documents (a tally of 100,000 incidents held every one in full, 3 GB, before).
			t := board.NewTally(r)
			var facts board.FactsReader
			parsingGC, restoreGC := cachedGC()
			defer restoreGC()
			errs, err := workspace.EachCached(ws, workspace.Filter{Status: "all", Severities: o.Severities, Drills: workspace.WithDrills},
				statsElements(app.JSON), func(d *incident.Document, _ time.Time) (workspace.Element, error) {
					parsingGC()
					if !app.JSON {
						d = displayDoc(d)
					}
					f := board.FactsOf(d)
					return workspace.Element{B: f.Append(nil), Keep: true, From: math.MinInt64, Until: math.MaxInt64}, nil
				}, func(b []byte) error {
					f, err := facts.Read(b)
					if err != nil {
						return i18n.Errorf("stats.damaged_cache", "Path", filepath.Join(ws.Repo.GitDir(), "incidentctl", statsElements(app.JSON).Name))
					}
					if o.Drills || !f.Drill {
						t.AddFacts(f)
					}
					t.AddExperienceFacts(f) // drills apart, always
					return nil
				})
			if err != nil {
				return err
			}
			app.warnSkipped(errs)
			s := t.Stats()
			if app.JSON {
				return app.printJSON(toStatsJSON(s))
			}
			return writeStats(app.Out, s, severities(ws), app.P)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Since, "since", "", i18n.Text("flag.stats.since"))
	f.StringVar(&o.Until, "until", "", i18n.Text("flag.stats.until"))
	f.StringSliceVarP(&o.Severities, "severity", "s", nil, i18n.Text("flag.severities"))
	f.BoolVar(&o.Drills, "drills", false, i18n.Text("flag.stats.drills"))
	return cmd
}

// statsElements names the element cache of stats: the facts of each document (board.Facts),
// escaped for people (displayDoc) or as they are (--json), in a file each so that the two do
// not replace each other's.
func statsElements(json bool) workspace.ElementCache {
	if json {
		return workspace.ElementCache{Name: "stats-json", Context: "stats 1"}
	}
	return workspace.ElementCache{Name: "stats-text", Context: "stats 1"}
}

// window turns --since and --until into the range of declaration times.
func (o statsOptions) window() (board.Range, error) {
	var r board.Range
	if o.Since != "" {
		t, _, err := parseDate("--since", o.Since)
		if err != nil {
			return r, err
		}
		r.Since = t
	}
	if o.Until != "" {
		t, day, err := parseDate("--until", o.Until)
		if err != nil {
			return r, err
		}
		if day {
			r.Before = t.AddDate(0, 0, 1) // the whole day
		} else {
			r.Before = t.Add(time.Nanosecond) // that instant included
		}
	}
	if !r.Since.IsZero() && !r.Before.IsZero() && !r.Since.Before(r.Before) {
		return r, usageMsg("stats.since_after_until", "Since", o.Since, "Until", o.Until)
	}
	return r, nil
}

// parseDate reads YYYY-MM-DD (the start of that day in UTC, the zone of by_month) or RFC 3339.
func parseDate(flag, s string) (t time.Time, day bool, err error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, true, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, false, nil
	}
	return time.Time{}, false, usageMsg("stats.bad_date", "Flag", flag, "Value", strconv.Quote(s))
}

// StatsJSON is the JSON contract of `stats --json`.
type StatsJSON struct {
	Count          int                       `json:"count"`
	BySeverity     map[string]int            `json:"by_severity"`
	ByMonth        map[string]int            `json:"by_month"`
	TimeToMitigate map[string]DurationsJSON  `json:"time_to_mitigate"`
	TimeToResolve  map[string]DurationsJSON  `json:"time_to_resolve"`
	Commanders     map[string]int            `json:"commanders"`
	SkippedActions map[string]int            `json:"skipped_actions"`
	ICExperience   map[string]ExperienceJSON `json:"ic_experience"`
}

// ExperienceJSON is one person's IC experience: real incidents and drills commanded.
type ExperienceJSON struct {
	Incidents    int        `json:"incidents"`
	Drills       int        `json:"drills"`
	LastIncident *time.Time `json:"last_incident"`
	LastDrill    *time.Time `json:"last_drill"`
}

func toExperienceJSON(m map[string]board.Experience) map[string]ExperienceJSON {
	out := make(map[string]ExperienceJSON, len(m))
	opt := func(t time.Time) *time.Time {
		if t.IsZero() {
			return nil
		}
		return &t
	}
	for k, e := range m {
		out[k] = ExperienceJSON{Incidents: e.Incidents, Drills: e.Drills, LastIncident: opt(e.LastIncident), LastDrill: opt(e.LastDrill)}
	}
	return out
}

// DurationsJSON is a median and 90th percentile (nearest rank), in seconds.
type DurationsJSON struct {
	Count         int   `json:"count"`
	MedianSeconds int64 `json:"median_seconds"`
	P90Seconds    int64 `json:"p90_seconds"`
}

func toStatsJSON(s *board.Stats) StatsJSON {
	durations := func(m map[string]board.Durations) map[string]DurationsJSON {
		out := make(map[string]DurationsJSON, len(m))
		for k, d := range m {
			out[k] = DurationsJSON{Count: d.Count, MedianSeconds: seconds(d.Median), P90Seconds: seconds(d.P90)}
		}
		return out
	}
	return StatsJSON{
		Count: s.Count, BySeverity: s.BySeverity, ByMonth: s.ByMonth,
		TimeToMitigate: durations(s.TimeToMitigate), TimeToResolve: durations(s.TimeToResolve),
		Commanders: s.Commanders, SkippedActions: s.SkippedActions, ICExperience: toExperienceJSON(s.Experience),
	}
}

func writeStats(w io.Writer, s *board.Stats, sevs *severity.Set, t *i18n.Printer) error {
	fmt.Fprintln(w, t.T("stats.count", "Count", s.Count))
	if s.Count == 0 {
		return writeExperience(w, s.Experience, t)
	}
	bySev := func(m map[string]int) []string {
		keys := slices.Collect(maps.Keys(m))
		slices.SortFunc(keys, func(a, b string) int {
			return cmp.Or(cmp.Compare(board.Rank(sevs, a), board.Rank(sevs, b)), cmp.Compare(a, b))
		})
		return keys
	}
	// A heading has no tab, so each section's columns are aligned on their own; cells are
	// measured in terminal columns (a commander may be 田中).
	tw := display.NewTabWriter(w, 2)
	fmt.Fprintf(tw, "\n%s\n", t.T("stats.by_severity"))
	for _, k := range bySev(s.BySeverity) {
		fmt.Fprintf(tw, "  %s\t%d\n", k, s.BySeverity[k])
	}
	fmt.Fprintf(tw, "\n%s\n", t.T("stats.by_month"))
	for _, k := range slices.Sorted(maps.Keys(s.ByMonth)) {
		fmt.Fprintf(tw, "  %s\t%d\n", k, s.ByMonth[k])
	}
	for _, x := range []struct {
		title string
		m     map[string]board.Durations
	}{{"stats.time_to_mitigate", s.TimeToMitigate}, {"stats.time_to_resolve", s.TimeToResolve}} {
		fmt.Fprintf(tw, "\n%s\n", t.T(x.title))
		counts := map[string]int{}
		for k, d := range x.m {
			counts[k] = d.Count
		}
		if len(counts) == 0 {
			fmt.Fprintf(tw, "  %s\n", t.T("stats.none_reached"))
			continue
		}
		fmt.Fprintf(tw, "  %s\n", t.T("stats.durations_header"))
		for _, k := range bySev(counts) {
			d := x.m[k]
			fmt.Fprintf(tw, "  %s\t%d\t%s\t%s\n", k, d.Count, ageIn(t, d.Median), ageIn(t, d.P90))
		}
	}
	fmt.Fprintf(tw, "\n%s\n", t.T("stats.commanders"))
	for _, k := range byCount(s.Commanders) {
		fmt.Fprintf(tw, "  %s\t%d\n", k, s.Commanders[k])
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	// Action texts are long: the count goes first so that the column stays narrow.
	fmt.Fprintf(w, "\n%s\n", t.T("stats.skipped"))
	if len(s.SkippedActions) == 0 {
		fmt.Fprintf(w, "  %s\n", t.T("none"))
	}
	for _, k := range byCount(s.SkippedActions) {
		fmt.Fprintf(w, "  %3d  %s\n", s.SkippedActions[k], k)
	}
	return writeExperience(w, s.Experience, t)
}

// writeExperience lists who has commanded how often, real incidents and drills apart, the least
// experienced last so the eye lands on who needs practice (incidentctl drill pick suggests).
func writeExperience(w io.Writer, m map[string]board.Experience, t *i18n.Printer) error {
	drills := 0
	for _, e := range m {
		drills += e.Drills
	}
	if drills == 0 {
		return nil // without drills the Commanders section says it all
	}
	keys := slices.Collect(maps.Keys(m))
	slices.SortFunc(keys, func(a, b string) int {
		ea, eb := m[a], m[b]
		return cmp.Or(cmp.Compare(eb.Incidents, ea.Incidents), cmp.Compare(eb.Drills, ea.Drills),
			strings.Compare(strings.ToLower(a), strings.ToLower(b)), strings.Compare(a, b))
	})
	fmt.Fprintf(w, "\n%s\n", t.T("stats.experience"))
	tw := display.NewTabWriter(w, 2)
	fmt.Fprintf(tw, "  %s\n", t.T("stats.experience_header"))
	for _, k := range keys {
		e := m[k]
		last := "—"
		if at := e.Last(); !at.IsZero() {
			last = display.Time(at)
		}
		fmt.Fprintf(tw, "  %s\t%d\t%d\t%s\n", k, e.Incidents, e.Drills, last)
	}
	return tw.Flush()
}

// byCount orders keys by count, highest first, then by name regardless of case.
func byCount(m map[string]int) []string {
	keys := slices.Collect(maps.Keys(m))
	slices.SortFunc(keys, func(a, b string) int {
		return cmp.Or(cmp.Compare(m[b], m[a]), strings.Compare(strings.ToLower(a), strings.ToLower(b)), strings.Compare(a, b))
	})
	return keys
}
