// Package scaffold is what `incidentctl init` puts into a repository: the config, the flow
// templates, the incidents folder and the CI and review files around them.
package scaffold

import (
	_ "embed"
	"path"
	"slices"
	"strings"

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
		{cfg.Postmortem.Template, templates.Postmortem, "the postmortem template (incidentctl postmortem)"},
		{path.Join(cfg.Incidents, "README.md"), incidentsReadme, "the folder for incident documents"},
		{".github/workflows/incident-lint.yml", lintWorkflow, "CI: lints incident documents on pull requests"},
		{".github/PULL_REQUEST_TEMPLATE/action-list.md", prTemplate, "pull-request template for changes to the flow"},
		{AttributesFile, attributes(cfg), "git pull merges incident documents field by field (incidentctl merge-driver)"},
	}
}

// AttributesFile is where the merge-driver line goes.
const AttributesFile = ".gitattributes"

// MergeDriver is the name .gitattributes gives the incidentctl merge driver.
const MergeDriver = "incidentctl"

// AttributesLine hands the configured incidents folder's documents to the merge driver.
func AttributesLine(cfg config.Config) string {
	return path.Clean(cfg.Incidents) + "/**/*.md merge=" + MergeDriver
}

func attributes(cfg config.Config) []byte {
	return []byte("# Incident documents merge field by field (log entries united, the later change of a field\n" +
		"# wins), also through git pull. Each clone registers the driver once: incidentctl init.\n" +
		AttributesLine(cfg) + "\n")
}

// HasAttributesLine reports whether a .gitattributes content already hands the incidents
// folder's documents to the merge driver.
func HasAttributesLine(content []byte, cfg config.Config) bool {
	want := strings.Fields(AttributesLine(cfg))
	for _, line := range strings.Split(string(content), "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == want[0] && slices.Contains(f[1:], want[1]) {
			return true
		}
	}
	return false
}
