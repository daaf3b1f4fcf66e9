package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/incidentctl/incidentctl/pkg/drill"
	"github.com/incidentctl/incidentctl/pkg/workspace"
)

func newDrillScenarioCmd(app *App) *cobra.Command {
	var name string
	cmd := &cobra.Command{
		Use:   "scenario <incident-id> [--name <name>]",
		Short: app.P.T("drill.scenario.short"),
		Long: `Write drills/<name>.md from a resolved incident and commit that file alone. The name defaults
to the incident's title as a slug.

` + drill.GenerateHelp + `

--json prints path, commit, based_on, title, severity, difficulty, variants, injects and
expected (counts).`,
		Example: `  incidentctl drill scenario x31y2
  incidentctl drill scenario 260917-x31y2 --name payments-db-failover`,
		Args: exactArgs(1, "one incident ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.Flags().Changed("name") && !drill.NameRE.MatchString(name) {
				return usageErr("--name %q: a scenario name is letters (lower case, any script), digits and - (its file is drills/<name>.md)", name)
			}
			ws, err := app.open()
			if err != nil {
				return err
			}
			res, err := ws.NewScenario(args[0], name)
			if err != nil {
				return err
			}
			s := res.Scenario
			if app.JSON {
				return app.printJSON(scenarioJSON{Path: res.Path, Commit: res.Commit, BasedOn: s.BasedOn, Title: s.Title,
					Severity: s.Severity, Difficulty: s.Difficulty, Variants: s.VariantNames(), Injects: len(s.Injects), Expected: len(s.Expected)})
			}
			fmt.Fprintln(app.Out, res.Path)
			fmt.Fprintf(app.Err, app.drillText().scenarioWritten, res.Path, res.Incident.Meta.ID, res.Commit[:7], len(s.Injects), len(s.Expected), len(s.Variants))
			fmt.Fprintf(app.Err, app.drillText().scenarioNext, strings.TrimSuffix(strings.TrimPrefix(res.Path, drill.Dir+"/"), ".md"))
			return nil
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "the scenario's `<name>`: its file is drills/<name>.md")
	return cmd
}

type scenarioJSON struct {
	Path       string   `json:"path"`
	Commit     string   `json:"commit"`
	BasedOn    string   `json:"based_on"`
	Title      string   `json:"title"`
	Severity   string   `json:"severity"`
	Difficulty string   `json:"difficulty"`
	Variants   []string `json:"variants"`
	Injects    int      `json:"injects"`
	Expected   int      `json:"expected"`
}

type drillStartOptions struct {
	Commander, Facilitator, Speed, Variant string
}

func newDrillStartCmd(app *App) *cobra.Command {
	var o drillStartOptions
	cmd := &cobra.Command{
		Use:   "start <scenario> [--commander <trainee>] [--facilitator <name>] [--speed <factor>] [--variant <name>]",
		Short: app.P.T("drill.start.short"),
		Long: `Declare a drill: a normal incident document, declared like incidentctl new at the scenario's
severity with the action list rendered from the flow at HEAD today (the point is to practise
the current flow), marked kind: drill. Its title is "Drill: " and the scenario's symptom (or
title). The scenario is read as committed at HEAD.

One of the scenario's variants is picked at random unless --variant names it. The trainee is
not told which: the drill's front matter keeps the variant sealed (a hash), show and status
never print it, and only the facilitator's commands (this one, drill run, score, debrief) name
it. The facilitator is you unless --facilitator; the commander (the trainee) is you unless
--commander.

--speed makes the drill run faster than the scenario's clock: at 60 an inject at +30m comes 30
seconds after the declaration, and deadlines shrink alike.

Prints the ID and path like new; the variant and how to break things go to stderr, for the
game master. --json prints id, path, commit, title, severity, status, warnings, scenario,
variant, speed, commander and facilitator.`,
		Example: `  incidentctl drill start payments-db-failover --commander bob
  incidentctl drill start drills/payments-db-failover.md --commander bob --speed 4 --variant stale-endpoint`,
		Args: exactArgs(1, "one scenario (a name under drills/ or a path)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			speed, err := parseSpeed(o.Speed)
			if err != nil {
				return err
			}
			if cmd.Flags().Changed("variant") && strings.TrimSpace(o.Variant) == "" {
				return usageErr("--variant is empty: name one of the scenario's variants, or leave --variant out to pick one at random")
			}
			ws, err := app.open()
			if err != nil {
				return err
			}
			res, err := ws.StartDrill(workspace.DrillStart{Scenario: args[0], Commander: o.Commander, Facilitator: o.Facilitator, Speed: speed, Variant: o.Variant})
			if err != nil {
				return drillErr(err)
			}
			app.warn(res.Warnings)
			m := res.Doc.Meta
			if app.JSON {
				return app.printJSON(drillStartJSON{writeJSON: app.toWriteJSON(res.Result), Scenario: res.Scenario.Path, Variant: res.Variant.Name,
					Speed: speed, Commander: m.Commander, Facilitator: m.Facilitator})
			}
			fmt.Fprintf(app.Out, "%s %s\n", res.ID, res.Path)
			fmt.Fprintf(app.Err, app.drillText().started, res.ID, res.Scenario.Path, m.Severity, m.Commander, m.Facilitator, m.Speed, res.Commit[:7])
			how := app.drillText().startedChosen
			if res.Random {
				how = app.drillText().startedRandom
			}
			fmt.Fprintf(app.Err, app.drillText().startedGM, res.Variant.Name, how, indentLines(res.Variant.Text, "  "))
			fmt.Fprintf(app.Err, app.drillText().startedNext, shortRef(res.ID))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Commander, "commander", "", "the trainee, `<name>`, who commands the drill (default: you)")
	f.StringVar(&o.Facilitator, "facilitator", "", "the game master, `<name>` (default: you)")
	f.StringVar(&o.Speed, "speed", "1", "run `<factor>` times faster than the scenario's clock (above 0, at most 3600)")
	f.StringVar(&o.Variant, "variant", "", "the break variant, `<name>` (default: one at random)")
	return cmd
}

type drillStartJSON struct {
	writeJSON
	Scenario    string  `json:"scenario"`
	Variant     string  `json:"variant"`
	Speed       float64 `json:"speed"`
	Commander   string  `json:"commander"`
	Facilitator string  `json:"facilitator"`
}

// indentLines indents every line of s.
func indentLines(s, indent string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = indent + l
		}
	}
	return strings.Join(lines, "\n")
}
