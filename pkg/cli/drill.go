package cli

import (
	"errors"
	"math"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/incidentctl/incidentctl/pkg/drill"
	"github.com/incidentctl/incidentctl/pkg/workspace"
)

func newDrillCmd(app *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "drill",
		Short: "Practise incident command: replay past incidents as drills, score them, debrief",
		Long: `Drills train incident commanders on the team's own history. A scenario (drills/<name>.md,
reviewed in pull requests like the flow) says how to break the development environment (one or
more variants), what the trainee is told when (injects), what a good response does by when
(expected actions) and notes for the game master.

A drill is a normal incident document marked kind: drill: every command (log, update, next,
handoff, close) works on it, and every view of the real record (status, list, stats, next)
leaves it out unless --drills. Its title starts with "Drill: ".

  incidentctl drill scenario <incident-id>       write a scenario from a resolved incident
  incidentctl drill start <scenario>             declare a drill (the variant is not shown)
  incidentctl drill run <drill-id>               deliver the injects as time passes
  incidentctl drill inject <drill-id>            deliver what is due now, once
  incidentctl drill score <drill-id>             compare with the expected actions
  incidentctl drill debrief <drill-id>           write the debrief into the drill
  incidentctl drill pick                         who should practise next, on what`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageErr("unknown drill command %q: see incidentctl drill --help", args[0])
			}
			return usageErr("drill needs a command: scenario, start, run, inject, score, debrief or pick (see incidentctl drill --help)")
		},
		RunE: func(cmd *cobra.Command, args []string) error { return nil },
	}
	cmd.AddCommand(
		newDrillScenarioCmd(app),
		newDrillStartCmd(app),
		newDrillInjectCmd(app),
		newDrillRunCmd(app),
		newDrillScoreCmd(app),
		newDrillDebriefCmd(app),
		newDrillPickCmd(app),
	)
	return cmd
}

// drillErr turns the domain's errors that mean a wrong command line into usage errors (exit 2).
func drillErr(err error) error {
	if errors.Is(err, workspace.ErrBadVariant) {
		return &UsageError{strings.TrimPrefix(err.Error(), workspace.ErrBadVariant.Error()+": ")}
	}
	return err
}

// parseSpeed reads --speed: a factor above 0 (exit 2 otherwise).
func parseSpeed(s string) (float64, error) {
	f, err := drill.ParseSpeed(s)
	if err != nil {
		return 0, usageErr("--speed %s", strings.TrimPrefix(err.Error(), "speed "))
	}
	return f, nil
}

// clockTime shows a wall-clock time to the second, in the reader's zone: injects come seconds
// apart at high speeds.
func clockTime(t time.Time) string { return t.In(time.Local).Format("15:04:05") }

// secondsOf rounds a duration to whole seconds for JSON, never negative.
func secondsOf(d time.Duration) int64 { return int64(math.Max(0, math.Round(d.Seconds()))) }

// drillText holds the sentences the drill commands print, in one place.
var drillText = struct {
	scenarioWritten, scenarioNext, started, startedGM, startedRandom, startedChosen, startedCommand,
	startedNext, delivered, nothingDue, allDelivered, nextDue, runStart, runGM, runStopped, runDone,
	runClosed, debriefWritten, debriefSame, pickNext, pickPeople, pickScenarios, never string
}{
	scenarioWritten: "Wrote %s from %s (commit %s): %d injects, %d expected actions, %d variant(s).\n",
	scenarioNext:    "Next: edit it (add variants, delete injects that were the team's own actions), commit it, then incidentctl drill start %s\n",
	started:         "Declared drill %s from %s: %s, commander %s, facilitator %s, speed %s× (commit %s).\n",
	startedGM:       "For the game master only: variant %s (%s). Break the development environment:\n%s\n",
	startedRandom:   "picked at random",
	startedChosen:   "chosen with --variant",
	startedCommand:  "  $ %s\n",
	startedNext:     "Next: incidentctl drill run %s (delivers the injects as time passes)\n",
	delivered:       "Delivered %d inject(s) to %s.",
	nothingDue:      "Nothing is due yet.",
	allDelivered:    " All %d injects are delivered: incidentctl drill score %s\n",
	nextDue:         " Next: %s at %s (in %s), %d to go.\n",
	runStart:        "Running drill %s at %s× (%s, %d injects). Ctrl-C stops; nothing is lost, run again to go on.\n",
	runGM:           "For the game master: variant %s.\n",
	runStopped:      "Stopped: %d of %d injects delivered. incidentctl drill run %s goes on from here.\n",
	runDone:         "All %d injects delivered. When the trainee is done: incidentctl drill score %s\n",
	runClosed:       "The drill was closed: incidentctl drill score %s\n",
	debriefWritten:  "Wrote the debrief into %s (score %d/100, commit %s).\n",
	debriefSame:     "The debrief in %s is up to date (score %d/100): nothing to commit.\n",
	pickNext:        "Next: %s practises %s (%s, %s)\n",
	pickPeople:      "People, least experience first",
	pickScenarios:   "Scenarios, least recently practised first",
	never:           "never",
}
