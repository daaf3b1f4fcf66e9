// Package scaffold is what `incidentctl init` puts into a repository: the config, the flow
// templates, the incidents folder and the CI and review files around them.
package scaffold

import (
	_ "embed"
	"path"
	"slices"
	"strings"

	"github.com/incidentctl/incidentctl/pkg/config"
	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/templates"
)

//go:embed files/incident-lint.yml
var lintWorkflow []byte

//go:embed files/pull-request-action-list.md
var prTemplate []byte

//go:embed files/incidents-readme.md
var incidentsReadme []byte

//go:embed files/markdownlint-cli2.yaml
var markdownlintConfig []byte

//go:embed files/markdownlint-cli2-templates.yaml
var markdownlintTemplates []byte

//go:embed files/incident-site.yml
var siteWorkflow []byte

//go:embed files/pull-request-action-list.ja.md
var prTemplateJa []byte

//go:embed files/incidents-readme.ja.md
var incidentsReadmeJa []byte

// File is one scaffolded file.
type File struct {
	Path    string // repository path
	Content []byte
	About   string // what it is for, one line
	AboutID string // About's message in pkg/i18n's catalogue
}

// Options are what init knows besides the config.
type Options struct {
	// ActionRef is the release tag of the incidentctl that runs init (v1.2.3): the scaffolded
	// workflow pins the incidentctl action to it, so CI installs that release's binary. Empty
	// (a build that is not a release) keeps the workflow on the main branch's action, which
	// builds from source.
	ActionRef string
}

// actionUses is how the scaffolded workflow names the action; init pins its ref.
const actionUses = "uses: incidentctl/incidentctl@main"

// Files lists what init writes, placed where the config says.
func Files(cfg config.Config) []File { return FilesFor(cfg, Options{}) }

// FilesFor is Files with the options, in the config's language (cfg.Lang: the templates and
// documents a Japanese team reads are written in Japanese). About is the English line; AboutID
// names it in the message catalogue.
func FilesFor(cfg config.Config, o Options) []File {
	workflow := lintWorkflow
	if o.ActionRef != "" && o.ActionRef != "main" {
		workflow = []byte(strings.Replace(string(lintWorkflow), actionUses, "uses: incidentctl/incidentctl@"+o.ActionRef, 1))
	}
	t := templates.For(string(cfg.Lang))
	pr, readme := prTemplate, incidentsReadme
	if cfg.Lang == i18n.Japanese {
		pr, readme = prTemplateJa, incidentsReadmeJa
	}
	files := []File{
		{config.FileName, []byte(config.DefaultFileFor(cfg.Lang)), "incidentctl settings", "init.about.config"},
		{cfg.ActionList, t.ActionList, "the action list, rendered into every new incident", "init.about.action_list"},
		{cfg.Severities, t.Severities, "the severity definitions", "init.about.severities"},
		{cfg.Postmortem.Template, t.Postmortem, "the postmortem template (incidentctl postmortem)", "init.about.postmortem"},
		{path.Join(cfg.Incidents, "README.md"), readme, "the folder for incident documents", "init.about.incidents"},
		{".github/workflows/incident-lint.yml", workflow, "CI: lints incident documents on pull requests", "init.about.workflow"},
		{".github/PULL_REQUEST_TEMPLATE/action-list.md", pr, "pull-request template for changes to the flow", "init.about.pr_template"},
		{AttributesFile, attributes(cfg), "git pull merges incident documents field by field (incidentctl merge-driver)", "init.about.attributes"},
	}
	return append(files, markdownlintFiles(cfg)...)
}

// The folders of drill scenarios and postmortems (issues 12 and 13), which incidentctl owns like
// the incidents folder.
const (
	DrillsFolder      = "drills"
	PostmortemsFolder = "postmortems"
)

// MarkdownlintConfigName is the markdownlint-cli2 settings file init puts into every folder
// incidentctl writes documents in.
const MarkdownlintConfigName = ".markdownlint-cli2.yaml"

// MarkdownlintConfig is its content for a folder: markdownlint's defaults except the rules
// that fight the format, each with the reason. The templates folder also sets aside MD041: an
// action-list template is a fragment with no title.
func MarkdownlintConfig(cfg config.Config, dir string) []byte {
	if dir == path.Clean(path.Dir(cfg.ActionList)) {
		return append(slices.Clip(markdownlintConfig), markdownlintTemplates...)
	}
	return markdownlintConfig
}

// MarkdownlintFolders are the folders that get the settings: those incidentctl owns (never the
// top of the repository, which is the team's).
func MarkdownlintFolders(cfg config.Config) []string {
	var out []string
	for _, dir := range []string{cfg.Incidents, path.Dir(cfg.ActionList), path.Dir(cfg.Severities), DrillsFolder, PostmortemsFolder} {
		dir = path.Clean(dir)
		if dir == "." || dir == "/" || strings.HasPrefix(dir, "../") || slices.Contains(out, dir) {
			continue
		}
		out = append(out, dir)
	}
	return out
}

func markdownlintFiles(cfg config.Config) []File {
	var out []File
	for _, dir := range MarkdownlintFolders(cfg) {
		out = append(out, File{path.Join(dir, MarkdownlintConfigName), MarkdownlintConfig(cfg, dir),
			"markdownlint settings: the rules the format sets aside, and why", "init.about.markdownlint"})
	}
	return out
}

// PagesWorkflow is the optional workflow that publishes the web view (incidentctl site) to
// GitHub Pages: init --pages adds it.
func PagesWorkflow() File {
	return File{".github/workflows/incident-site.yml", siteWorkflow, "CI: publishes the web view (incidentctl site) to GitHub Pages on push", "init.about.pages"}
}

// IgnoreFile is where init keeps the site's output folder out of git.
const IgnoreFile = ".gitignore"

// IgnoreLine keeps the default output folder of incidentctl site out of git.
const IgnoreLine = "/_site/"

// IgnoreContent is the .gitignore init writes when the repository has none.
const IgnoreContent = "# incidentctl site builds the web view here\n" + IgnoreLine + "\n"

// HasIgnoreLine reports whether a .gitignore content already ignores the site's folder.
func HasIgnoreLine(content []byte) bool {
	for _, line := range strings.Split(string(content), "\n") {
		switch strings.TrimSpace(line) {
		case "_site", "_site/", "/_site", "/_site/", "_site/*", "/_site/*", "_site/**", "/_site/**":
			return true
		}
	}
	return false
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
