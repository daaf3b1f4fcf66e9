// Package scaffold is what `incidentctl init` puts into a repository: the config, the flow
// templates, the incidents folder and the CI and review files around them.
package scaffold

import (
	_ "embed"
	"path"

	"github.com/incidentctl/incidentctl/pkg/config"
	"github.com/incidentctl/incidentctl/templates"
)

//go:embed files/incident-lint.yml
var lintWorkflow []byte

//go:embed files/pull-request-action-list.md
var prTemplate []byte

//go:embed files/incidents-readme.md
var incidentsReadme []byte

// File is one scaffolded file.
type File struct {
	Path    string // repository path
	Content []byte
	About   string // what it is for, one line
}

// Files lists what init writes, placed where the config says.
func Files(cfg config.Config) []File {
	return []File{
		{config.FileName, []byte(config.DefaultFile), "incidentctl settings"},
		{cfg.ActionList, templates.ActionList, "the action list, rendered into every new incident"},
		{cfg.Severities, templates.Severities, "the severity definitions"},
		{path.Join(cfg.Incidents, "README.md"), incidentsReadme, "the folder for incident documents"},
		{".github/workflows/incident-lint.yml", lintWorkflow, "CI: lints incident documents on pull requests"},
		{".github/PULL_REQUEST_TEMPLATE/action-list.md", prTemplate, "pull-request template for changes to the flow"},
	}
}
