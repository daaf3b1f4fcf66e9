package cli

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/incidentctl/incidentctl/pkg/drill"
	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/workspace"
)

func newDrillCmd(app *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "drill",
		Short: app.P.T("drill.short"),
		Long:  app.P.T("drill.long"),
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageMsg("drill.unknown_command", "Command", strconv.Quote(args[0]))
			}
			return usageMsg("drill.no_command")
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
		return &UsageError{Msg: strings.TrimPrefix(err.Error(), workspace.ErrBadVariant.Error()+": ")}
	}
	return err
}

// parseSpeed reads --speed: a factor above 0 (exit 2 otherwise).
func parseSpeed(s string) (float64, error) {
	f, err := drill.ParseSpeed(s)
	if err != nil {
		var e *i18n.Error
		if errors.As(err, &e) { // the flag's own wording of drill.speed.*
			return 0, usageMsg(e.ID+"_flag", e.Args...)
		}
		return 0, usageErr("--speed %v", err)
	}
	return f, nil
}

// clockTime shows a wall-clock time to the second, in the reader's zone: injects come seconds
// apart at high speeds.
func clockTime(t time.Time) string { return t.In(time.Local).Format("15:04:05 -07:00") }

// secondsOf rounds a duration to whole seconds for JSON, never negative.
func secondsOf(d time.Duration) int64 { return int64(math.Max(0, math.Round(d.Seconds()))) }

// drillText holds the sentences the drill commands print, in one place.
// drillTexts holds the sentences the drill commands print (fmt formats: a translation may
// reorder the arguments with %[n]s); drillTextsFor takes them from the catalogue.
type drillTexts struct {
	scenarioWritten, scenarioNext, started, startedGM, startedRandom, startedChosen, startedCommand,
	startedNext, delivered, nothingDue, allDelivered, nextDue, runStart, runGM, runStopped, runDone,
	runClosed, debriefWritten, debriefSame, pickNext, pickPeople, pickScenarios, never string
}

func drillTextsFor(p *i18n.Printer) drillTexts {
	return drillTexts{
		scenarioWritten: p.T("drill.text.scenarioWritten"),
		scenarioNext:    p.T("drill.text.scenarioNext"),
		started:         p.T("drill.text.started"),
		startedGM:       p.T("drill.text.startedGM"),
		startedRandom:   p.T("drill.text.startedRandom"),
		startedChosen:   p.T("drill.text.startedChosen"),
		startedCommand:  p.T("drill.text.startedCommand"),
		startedNext:     p.T("drill.text.startedNext"),
		delivered:       p.T("drill.text.delivered"),
		nothingDue:      p.T("drill.text.nothingDue"),
		allDelivered:    p.T("drill.text.allDelivered"),
		nextDue:         p.T("drill.text.nextDue"),
		runStart:        p.T("drill.text.runStart"),
		runGM:           p.T("drill.text.runGM"),
		runStopped:      p.T("drill.text.runStopped"),
		runDone:         p.T("drill.text.runDone"),
		runClosed:       p.T("drill.text.runClosed"),
		debriefWritten:  p.T("drill.text.debriefWritten"),
		debriefSame:     p.T("drill.text.debriefSame"),
		pickNext:        p.T("drill.text.pickNext"),
		pickPeople:      p.T("drill.text.pickPeople"),
		pickScenarios:   p.T("drill.text.pickScenarios"),
		never:           p.T("drill.text.never"),
	}
}

// drillText is the drill commands' sentences in the reader's language.
func (app *App) drillText() drillTexts { return drillTextsFor(app.P) }
