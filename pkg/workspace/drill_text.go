package workspace

import (
	"errors"
	"fmt"
	"strings"

	"github.com/incidentctl/incidentctl/pkg/drill"
)

// The sentences drill.go says to people, in one place so that they can be translated.

func scenarioList(names []string) string {
	if len(names) == 0 {
		return "there are none yet: write one with incidentctl drill scenario <incident-id>"
	}
	return "scenarios: " + strings.Join(names, ", ")
}

func errNoScenarioGiven(names []string) error {
	return fmt.Errorf("no scenario given: name one under %s/ (%s)", drill.Dir, scenarioList(names))
}

func errNoScenario(rel string, names []string) error {
	return fmt.Errorf("no scenario %s (%s)", rel, scenarioList(names))
}

func errScenarioNotCommitted(rel string) error {
	return fmt.Errorf("%s is not committed: a drill plays the scenario as committed at HEAD, reviewed like the flow; commit it first (git add %s && git commit)", rel, rel)
}

func warnScenarioEdited(rel string) string {
	return fmt.Sprintf("%s has uncommitted changes: playing the version committed at HEAD (commit them to play them)", rel)
}

func warnScenarioCommitGone(rel, commit string) string {
	return fmt.Sprintf("the commit the drill started from (%s) is not in this clone: reading %s as committed at HEAD", commit, rel)
}

func errUnborn(branch string) error {
	return fmt.Errorf("the branch %s has no commits yet: run `incidentctl init` first", branch)
}

func errNotDrill(id string) error {
	return fmt.Errorf("%s is not a drill (its front matter has no kind: drill): drill commands work on incidents declared with incidentctl drill start", id)
}

func errNoScenarioKey(path string) error {
	return fmt.Errorf("%s is a drill without a scenario key: it was not started with incidentctl drill start, so there is nothing to deliver or score", path)
}

func msgUnknownVariant(name, rel string, names []string) string {
	return fmt.Sprintf("--variant %q: %s has the variants %s", name, rel, strings.Join(names, ", "))
}

func errScenarioSeverity(rel string, line int, sev, from string, known []string) error {
	return fmt.Errorf("%s:%d: severity %q is not in %s (%s): fix the scenario", rel, line, sev, from, strings.Join(known, ", "))
}

func warnExpectedNotInFlow(rel string, line int, item, actionList string) string {
	return fmt.Sprintf("%s:%d: the expected action's item %q is not in the action list rendered from %s: score looks for it in the log instead, and the debrief will propose it", rel, line, item, actionList)
}

func msgDrillClosed(id string) string {
	return fmt.Sprintf("%s is closed: nothing more is delivered (reopen it with incidentctl update %s --status investigating to go on)", id, id)
}

func warnSealUnknown(id, rel string) string {
	return fmt.Sprintf("%s: its variant matches none of %s's variants (renamed since?): delivering the injects every variant shares", id, rel)
}

func errScenarioName(name string) error {
	return fmt.Errorf("--name %q: a scenario name is letters (lower case, any script), digits and - (its file is %s/<name>.md)", name, drill.Dir)
}

func errScenarioExists(rel string) error {
	return fmt.Errorf("%s exists already: edit it, or pick another --name", rel)
}

func warnScenarioSkipped(rel string, err error) string {
	var pe *drill.ParseError
	if errors.As(err, &pe) && len(pe.Problems) > 0 {
		return fmt.Sprintf("skipped %s: %s (and %d more; see incidentctl lint %s)", rel, pe.Problems[0].Message, len(pe.Problems)-1, rel)
	}
	return fmt.Sprintf("skipped %s: %v", rel, err)
}
