package cli

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/incidentctl/incidentctl/pkg/drill"
	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/workspace"
)

func newDrillScenarioCmd(app *App) *cobra.Command {
	var name string
	cmd := &cobra.Command{
		Use:   "scenario <incident-id> [--name <name>]",
		Short: app.P.T("drill.scenario.short"),
		Long:  app.P.T("drill.scenario.long"),
		Example: `  incidentctl drill scenario x31y2
  incidentctl drill scenario 260917-x31y2 --name payments-db-failover`,
		Args: exactArgs(1, "one incident ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.Flags().Changed("name") && !drill.NameRE.MatchString(name) {
				return usageMsg("drill.ws.bad_name", "Name", strconv.Quote(name), "Dir", drill.Dir)
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
	cmd.Flags().StringVar(&name, "name", "", i18n.Text("flag.drill.scenario.name"))
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
		Long:  app.P.T("drill.start.long"),
		Example: `  incidentctl drill start payments-db-failover --commander bob
  incidentctl drill start drills/payments-db-failover.md --commander bob --speed 4 --variant stale-endpoint`,
		Args: exactArgs(1, "one scenario (a name under drills/ or a path)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			speed, err := parseSpeed(o.Speed)
			if err != nil {
				return err
			}
			if cmd.Flags().Changed("variant") && strings.TrimSpace(o.Variant) == "" {
				return usageMsg("drill.empty_variant")
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
	f.StringVar(&o.Commander, "commander", "", i18n.Text("flag.drill.start.commander"))
	f.StringVar(&o.Facilitator, "facilitator", "", i18n.Text("flag.drill.start.facilitator"))
	f.StringVar(&o.Speed, "speed", "1", i18n.Text("flag.drill.start.speed"))
	f.StringVar(&o.Variant, "variant", "", i18n.Text("flag.drill.start.variant"))
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
