package lint

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/incidentctl/incidentctl/pkg/drill"
	"github.com/incidentctl/incidentctl/pkg/incident"
)

// Drills: lint checks the scenarios under drills/ (with the parser the drill commands use) and
// the keys that mark a document as a drill.

// Rule IDs for drills.
const (
	RuleKind             = "kind"
	RuleScenario         = drill.RuleScenario
	RuleScenarioOffset   = drill.RuleOffset
	RuleScenarioVariant  = drill.RuleVariant
	RuleScenarioBasedOn  = "scenario-based-on"
	RuleScenarioUntied   = drill.RuleUntied
	RuleScenarioSeverity = "scenario-severity"
)

var drillRules = []Rule{
	{RuleKind, Error, false, "kind is absent (an incident) or drill; a drill names its scenario under drills/, a sealed variant and a speed above 0; an incident has none of the drill keys"},
	{RuleScenario, Error, false, "a scenario (drills/<name>.md) has front matter (title, severity, difficulty easy|medium|hard), ## Variants, ## Injects and ## Expected actions, each item in its form"},
	{RuleScenarioOffset, Error, false, "a scenario's offsets (+5m, -2m, +1h30m) parse, and never decrease within a list"},
	{RuleScenarioVariant, Error, false, "a scenario has at least one variant; each is named (lower-case, -, _), unique, and says what to break"},
	{RuleScenarioBasedOn, Error, false, "a scenario's based_on names an incident document in the repository"},
	{RuleScenarioSeverity, Error, false, "a scenario's severity is one of the repository's severity definitions"},
	{RuleScenarioUntied, Warning, false, "each expected action is tied to an action-list item, a status or log words, so that drill score can tell when it was done"},
}

func init() { Rules = append(Rules, drillRules...) }

// scenariosDir is where lint finds scenarios when no path is given.
const scenariosDir = drill.Dir

// isScenarioPath says whether a repository path is a scenario: a Markdown file directly in
// drills/ (a README there is documentation).
func isScenarioPath(rel string) bool {
	dir, name := path.Split(rel)
	return dir == scenariosDir+"/" && strings.HasSuffix(name, ".md") && !strings.EqualFold(name, "README.md")
}

// checkScenario lints one scenario file.
func (c *checker) checkScenario(rel, abs string, src []byte) []Finding {
	f := &finder{path: rel}
	c.scanSecrets(f, src, nil)
	s, problems := drill.Check(rel, src)
	for _, p := range problems {
		f.add(p.Line, p.Col, p.Rule, p.Message)
	}
	if slices.ContainsFunc(problems, func(p drill.Problem) bool { return p.Line <= 1 && !p.Warning }) {
		return f.out // no front matter to check further
	}
	if s.Severity != "" {
		if _, ok := c.severities.Get(s.Severity); !ok {
			f.add(s.Line(drill.KeySeverity), 1, RuleScenarioSeverity, fmt.Sprintf("severity %q is not in %s (%s)", s.Severity, c.sevFrom, strings.Join(c.severities.IDs(), ", ")))
		}
	}
	if id := s.BasedOn; id != "" && incident.ValidID(id) {
		root := strings.TrimSuffix(abs, filepath.FromSlash(rel))
		if !incidentExists(root, c.incidents, id) {
			f.add(s.Line(drill.KeyBasedOn), 1, RuleScenarioBasedOn, fmt.Sprintf("based_on %s: no incident document has this ID (looked in %s/20%s/%s/); fix the ID, or remove based_on for a scenario written by hand", id, c.incidents, id[:2], id[2:4]))
		}
	}
	return f.out
}

// incidentExists looks for a document with this ID in its month folder.
func incidentExists(root, incidents, id string) bool {
	des, err := os.ReadDir(filepath.Join(root, filepath.FromSlash(incidents), "20"+id[:2], id[2:4]))
	if err != nil {
		return false
	}
	for _, de := range des {
		if !de.IsDir() && strings.HasSuffix(de.Name(), ".md") && incident.IDFromFileName(de.Name()) == id {
			return true
		}
	}
	return false
}

// checkKind checks the kind key and the keys a drill records.
func (c *checker) checkKind(f *finder, d *incident.Document) {
	m := d.Meta
	at := func(key string) (int, int) { return pos(d, key) }
	switch m.Kind {
	case incident.KindIncident:
		for _, k := range incident.DrillKeys {
			if d.HasKey(k) {
				l, col := at(k)
				f.add(l, col, RuleKind, fmt.Sprintf("%s is a drill key, but this document is not a drill (no kind: drill): remove it, or add kind: drill if this is a drill", k))
			}
		}
		return
	case incident.KindDrill:
	default:
		l, col := at(incident.KeyKind)
		f.add(l, col, RuleKind, fmt.Sprintf("kind %q: use drill for a drill, or leave kind out for a real incident", m.Kind))
		return
	}
	switch sc := m.Scenario; {
	case !d.HasKey(incident.KeyScenario):
		f.add(2, 1, RuleKind, "a drill names its scenario (scenario: drills/<name>.md): drill start writes it; without it nothing can be delivered or scored")
	case !isScenarioPath(sc):
		l, col := at(incident.KeyScenario)
		f.add(l, col, RuleKind, fmt.Sprintf("scenario %q is not a scenario file: it is drills/<name>.md", sc))
	}
	if d.HasKey(incident.KeyVariant) && !drill.ValidSeal(m.Variant) {
		l, col := at(incident.KeyVariant)
		f.add(l, col, RuleKind, fmt.Sprintf("variant %q is not a sealed variant (12 hex digits, written by drill start): a variant's name here would tell the trainee the cause", m.Variant))
	}
	if d.HasKey(incident.KeySpeed) {
		if _, err := drill.ParseSpeed(m.Speed); err != nil {
			l, col := at(incident.KeySpeed)
			f.add(l, col, RuleKind, err.Error())
		}
	}
	if sc := m.ScenarioCommit; d.HasKey(incident.KeyScenarioCommit) && !isCommitHash(sc) {
		l, col := at(incident.KeyScenarioCommit)
		f.add(l, col, RuleKind, fmt.Sprintf("scenario_commit %q is not a commit hash (40 hex digits, written by drill start)", sc))
	}
}

func isCommitHash(s string) bool {
	if len(s) != 40 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
