package workspace

import (
	"errors"
	"strconv"
	"strings"

	"github.com/incidentctl/incidentctl/pkg/drill"
	"github.com/incidentctl/incidentctl/pkg/i18n"
)

// The sentences drill.go says to people, in one place: catalogue messages (pkg/i18n), said in
// the reader's language by the CLI.

func scenarioList(names []string) string {
	if len(names) == 0 {
		return i18n.Text("drill.ws.none_yet")
	}
	return i18n.Text("drill.ws.scenarios", "Names", strings.Join(names, ", "))
}

func errNoScenarioGiven(names []string) error {
	return i18n.Errorf("drill.ws.no_scenario_given", "Dir", drill.Dir, "List", scenarioList(names))
}

func errNoScenario(rel string, names []string) error {
	return i18n.Errorf("drill.ws.no_scenario", "Path", rel, "List", scenarioList(names))
}

func errScenarioNotCommitted(rel string) error {
	return i18n.Errorf("drill.ws.not_committed", "Path", rel)
}

func warnScenarioEdited(rel string) string {
	return i18n.Text("drill.ws.edited", "Path", rel)
}

func warnScenarioCommitGone(rel, commit string) string {
	return i18n.Text("drill.ws.commit_gone", "Commit", commit, "Path", rel)
}

func errUnborn(branch string) error {
	return i18n.Errorf("change.unborn", "Branch", branch)
}

func errNotDrill(id string) error {
	return i18n.Errorf("drill.ws.not_drill", "ID", id)
}

func errNoScenarioKey(path string) error {
	return i18n.Errorf("drill.ws.no_scenario_key", "Path", path)
}

func msgUnknownVariant(name, rel string, names []string) string {
	return i18n.Text("drill.ws.unknown_variant", "Name", strconv.Quote(name), "Path", rel, "Known", strings.Join(names, ", "))
}

func errScenarioSeverity(rel string, line int, sev, from string, known []string) error {
	return i18n.Errorf("drill.ws.scenario_severity", "Path", rel, "Line", line, "Severity", strconv.Quote(sev), "From", from, "Known", strings.Join(known, ", "))
}

func warnExpectedNotInFlow(rel string, line int, item, actionList string) string {
	return i18n.Text("drill.ws.not_in_flow", "Path", rel, "Line", line, "Item", strconv.Quote(item), "ActionList", actionList)
}

func msgDrillClosed(id string) string {
	return i18n.Text("drill.ws.closed", "ID", id)
}

func warnSealUnknown(id, rel string) string {
	return i18n.Text("drill.ws.seal_unknown", "ID", id, "Path", rel)
}

func errScenarioName(name string) error {
	return i18n.Errorf("drill.ws.bad_name", "Name", strconv.Quote(name), "Dir", drill.Dir)
}

func errScenarioExists(rel string) error {
	return i18n.Errorf("drill.ws.exists", "Path", rel)
}

func warnScenarioSkipped(rel string, err error) string {
	var pe *drill.ParseError
	if errors.As(err, &pe) && len(pe.Problems) > 0 {
		return i18n.Text("drill.ws.skipped_more", "Path", rel, "Problem", pe.Problems[0].Message, "More", len(pe.Problems)-1)
	}
	return i18n.Text("drill.ws.skipped", "Path", rel, "Error", err)
}
