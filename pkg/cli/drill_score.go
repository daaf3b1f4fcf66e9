package cli

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/incidentctl/incidentctl/pkg/display"
	"github.com/incidentctl/incidentctl/pkg/drill"
	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/workspace"
)

func newDrillScoreCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "score <drill-id>",
		Short: app.P.T("drill.score.short"),
		Long:  app.P.T("drill.score.long"),
		Example: `  incidentctl drill score k7x
  incidentctl drill score k7x --json`,
		Args: exactArgs(1, "one drill ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := app.open()
			if err != nil {
				return err
			}
			sc, err := ws.ScoreDrill(args[0])
			if err != nil {
				return err
			}
			app.warn(sc.Warnings)
			if app.JSON {
				return app.printJSON(toScoreJSON(sc.Result))
			}
			fmt.Fprint(app.Out, sc.Debrief())
			return nil
		},
	}
}

func newDrillDebriefCmd(app *App) *cobra.Command {
	var c changeFlags
	var note string
	cmd := &cobra.Command{
		Use:     "debrief <drill-id> [--note <text>]",
		Short:   app.P.T("drill.debrief.short"),
		Long:    app.P.T("drill.debrief.long"),
		Example: app.P.T("drill.debrief.example"),
		Args:    exactArgs(1, "one drill ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.Flags().Changed("note") && strings.TrimSpace(note) == "" {
				return usageMsg("drill.empty_note")
			}
			opts, err := c.options(app)
			if err != nil {
				return err
			}
			ws, err := app.open()
			if err != nil {
				return err
			}
			res, sc, err := ws.Debrief(args[0], note, opts)
			if errors.Is(err, workspace.ErrNothingToChange) {
				if sc, serr := ws.ScoreDrill(args[0]); serr == nil {
					fmt.Fprintf(app.Err, app.drillText().debriefSame, args[0], sc.Score)
					return nil
				}
			}
			if err != nil {
				return err
			}
			app.warn(append(res.Warnings, sc.Warnings...))
			if app.JSON {
				return app.printJSON(debriefJSON{writeJSON: app.toWriteJSON(res), Score: sc.Score})
			}
			fmt.Fprint(app.Out, sc.Debrief())
			fmt.Fprintf(app.Err, app.drillText().debriefWritten, res.Path, sc.Score, res.Commit[:7])
			return nil
		},
	}
	cmd.Flags().StringVar(&note, "note", "", i18n.Text("flag.drill.debrief.note"))
	c.add(cmd)
	return cmd
}

type debriefJSON struct {
	writeJSON
	Score int `json:"score"`
}

// ScoreJSON is the contract of `drill score --json`, which other tools build on.
type ScoreJSON struct {
	Drill        string                   `json:"drill"`
	Path         string                   `json:"path"`
	Scenario     string                   `json:"scenario"`
	BasedOn      string                   `json:"based_on"`
	Variant      *string                  `json:"variant"` // null when the seal matches no variant
	Commander    string                   `json:"commander"`
	Facilitator  string                   `json:"facilitator"`
	Speed        float64                  `json:"speed"`
	Final        bool                     `json:"final"`
	Score        int                      `json:"score"`
	Points       float64                  `json:"points"`
	Possible     float64                  `json:"possible"`
	Expected     []ExpectedJSON           `json:"expected"`
	Flow         []ExpectedJSON           `json:"flow"`
	RequiredOpen []string                 `json:"required_open"`
	Times        map[string]MilestoneJSON `json:"times"`
	Injects      InjectCountJSON          `json:"injects"`
	Suggestions  []string                 `json:"suggestions"`
	Notes        []string                 `json:"notes"`
}

// ExpectedJSON is one expected action (or counted action-list item) and how it went.
type ExpectedJSON struct {
	Text             string     `json:"text"`
	DueOffset        *string    `json:"due_offset"`
	DueOffsetSeconds *int64     `json:"due_offset_seconds"`
	DueAt            *time.Time `json:"due_at"`
	DoneAt           *time.Time `json:"done_at"`
	DoneOffset       *string    `json:"done_offset"`
	Status           string     `json:"status"`
	Item             *string    `json:"item"` // the action-list item it is tied to
}

// MilestoneJSON is when the drill and the original reached a status (scenario-time offsets).
type MilestoneJSON struct {
	Drill    *string `json:"drill"`
	Original *string `json:"original"`
}

// InjectCountJSON counts injects.
type InjectCountJSON struct {
	Delivered int `json:"delivered"`
	Total     int `json:"total"`
}

func toScoreJSON(r *drill.Result) ScoreJSON {
	p := r.Play
	m := p.Doc.Meta
	off := func(d time.Duration) *string { s := drill.FormatOffset(d); return &s }
	str := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	out := ScoreJSON{
		Drill: m.ID, Path: p.Doc.Path, Scenario: p.Scenario.Path, BasedOn: p.Scenario.BasedOn, Commander: m.Commander,
		Facilitator: m.Facilitator, Speed: p.Speed, Final: r.Final, Score: r.Score, Points: r.Points, Possible: r.Possible,
		Expected: []ExpectedJSON{}, Flow: []ExpectedJSON{}, RequiredOpen: r.RequiredOpen, Times: map[string]MilestoneJSON{},
		Injects: InjectCountJSON{Delivered: len(p.Delivered), Total: len(p.Plan)}, Suggestions: []string{}, Notes: []string{},
	}
	if p.Sealed {
		out.Variant = &p.Variant.Name
	}
	if out.RequiredOpen == nil {
		out.RequiredOpen = []string{}
	}
	for _, e := range r.Expected {
		due, secs := e.DueAt, int64(e.Offset/time.Second)
		j := ExpectedJSON{Text: e.Text, DueOffset: off(e.Offset), DueOffsetSeconds: &secs, DueAt: &due, DoneAt: e.DoneAt, Status: e.Status, Item: str(e.Item)}
		if e.DoneAt != nil {
			j.DoneOffset = off(r.Offset(*e.DoneAt))
		}
		out.Expected = append(out.Expected, j)
	}
	for _, f := range r.Flow {
		j := ExpectedJSON{Text: f.Text, DueAt: f.DueAt, DoneAt: f.DoneAt, Status: f.Status, Item: str(f.Text)}
		if f.DueAt != nil {
			o := r.Offset(*f.DueAt)
			secs := int64(o / time.Second)
			j.DueOffset, j.DueOffsetSeconds = off(o), &secs
		}
		if f.DoneAt != nil {
			j.DoneOffset = off(r.Offset(*f.DoneAt))
		}
		out.Flow = append(out.Flow, j)
	}
	for _, ms := range r.Milestones {
		var mj MilestoneJSON
		if ms.Drill != nil {
			mj.Drill = off(*ms.Drill)
		}
		if ms.Original != nil {
			mj.Original = off(*ms.Original)
		}
		out.Times[ms.Status] = mj
	}
	for _, s := range r.Suggestions {
		text := s.Expected
		if s.Missing != "" && s.Missing != s.Expected {
			text += " (" + s.Missing + ")"
		}
		out.Suggestions = append(out.Suggestions, text)
	}
	for _, n := range r.Notes {
		note, _ := drill.DebriefNote(n.Text)
		out.Notes = append(out.Notes, note)
	}
	return out
}

func newDrillPickCmd(app *App) *cobra.Command {
	var people []string
	cmd := &cobra.Command{
		Use:   "pick [--people <name>,...]",
		Short: app.P.T("drill.pick.short"),
		Long:  app.P.T("drill.pick.long"),
		Example: `  incidentctl drill pick
  incidentctl drill pick --people alice,bob,carol,dave`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := app.open()
			if err != nil {
				return err
			}
			res, warnings, err := ws.Pick(people)
			if err != nil {
				return err
			}
			app.warn(warnings)
			if app.JSON {
				return app.printJSON(toPickJSON(res))
			}
			return writePick(app, res)
		},
	}
	cmd.Flags().StringSliceVar(&people, "people", nil, i18n.Text("flag.drill.pick.people"))
	return cmd
}

// PickJSON is `drill pick --json`.
type PickJSON struct {
	Suggestion *PickSuggestionJSON `json:"suggestion"`
	People     []PersonJSON        `json:"people"`
	Scenarios  []ScenarioUseJSON   `json:"scenarios"`
}

type PickSuggestionJSON struct {
	Commander string `json:"commander"`
	Scenario  string `json:"scenario"`
}

type PersonJSON struct {
	Name          string     `json:"name"`
	Incidents     int        `json:"incidents"`
	Drills        int        `json:"drills"`
	LastCommanded *time.Time `json:"last_commanded"`
}

type ScenarioUseJSON struct {
	Path          string     `json:"path"`
	Title         string     `json:"title"`
	Difficulty    string     `json:"difficulty"`
	Drills        int        `json:"drills"`
	LastPractised *time.Time `json:"last_practised"`
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func toPickJSON(r *drill.PickResult) PickJSON {
	out := PickJSON{People: []PersonJSON{}, Scenarios: []ScenarioUseJSON{}}
	for _, p := range r.People {
		out.People = append(out.People, PersonJSON{Name: p.Name, Incidents: p.Incidents, Drills: p.Drills, LastCommanded: optTime(p.Last())})
	}
	for _, s := range r.Scenarios {
		out.Scenarios = append(out.Scenarios, ScenarioUseJSON{Path: s.Path, Title: s.Title, Difficulty: s.Difficulty, Drills: s.Drills, LastPractised: optTime(s.Last)})
	}
	if len(r.People) > 0 && len(r.Scenarios) > 0 {
		out.Suggestion = &PickSuggestionJSON{Commander: r.People[0].Name, Scenario: r.Scenarios[0].Path}
	}
	return out
}

func writePick(app *App, r *drill.PickResult) error {
	if len(r.People) > 0 && len(r.Scenarios) > 0 {
		s := r.Scenarios[0]
		fmt.Fprintf(app.Out, app.drillText().pickNext, r.People[0].Name, s.Path, s.Title, s.Difficulty)
		fmt.Fprintln(app.Out)
	}
	when := func(t time.Time) string {
		if t.IsZero() {
			return app.drillText().never
		}
		return display.Time(t)
	}
	tw := display.NewTabWriter(app.Out, 2)
	fmt.Fprintf(tw, "%s\n  %s\n", app.drillText().pickPeople, app.P.T("stats.experience_header"))
	for _, p := range r.People {
		fmt.Fprintf(tw, "  %s\t%d\t%d\t%s\n", p.Name, p.Incidents, p.Drills, when(p.Last()))
	}
	fmt.Fprintf(tw, "\n%s\n  %s\n", app.drillText().pickScenarios, app.P.T("drill.pick_scenarios_header"))
	for _, s := range r.Scenarios {
		fmt.Fprintf(tw, "  %s\t%s\t%d\t%s\n", s.Path, s.Difficulty, s.Drills, when(s.Last))
	}
	return tw.Flush()
}
