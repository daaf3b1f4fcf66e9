// Package config reads .incidentctl.yaml, the repository's incidentctl settings.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/incidentctl/incidentctl/pkg/i18n"
)

// FileName is the config file at the repository root.
const FileName = ".incidentctl.yaml"

// Config is the repository's settings. Paths are slash-separated, relative to the repository root.
type Config struct {
	Incidents  string     `yaml:"incidents"`   // folder of incident documents
	ActionList string     `yaml:"action_list"` // the action-list template
	Severities string     `yaml:"severities"`  // the severity definitions
	Lint       Lint       `yaml:"lint"`
	Sync       Sync       `yaml:"sync"`
	Site       Site       `yaml:"site"`
	Postmortem Postmortem `yaml:"postmortem"`
	// Lang is the repository's language (en, ja): the language of the templates init scaffolds,
	// of the generated parts of new incident documents, and of messages for a reader whose
	// locale names no language incidentctl speaks. "" is English.
	Lang i18n.Lang `yaml:"lang"`
	// Notify lists the chat sinks changes are posted to (notify.go).
	Notify []NotifySink `yaml:"notify"`
	// Roles lists the role names responders take besides the commander (roles.go); empty means
	// DefaultRoles. A name outside the list is a warning, as it is usually a typo.
	Roles []string `yaml:"roles"`
	// Fields declares the team's own front-matter keys and their types (fields.go).
	Fields map[string]Field `yaml:"fields"`
}

// Lint configures `incidentctl lint`.
type Lint struct {
	// Rules changes a rule's level by its ID: "error", "warning" or "off".
	Rules map[string]string `yaml:"rules"`
	// Allow lists regular expressions for text the secrets rule must not report (example keys, say).
	Allow []string `yaml:"allow"`
}

// Sync configures `incidentctl sync` and syncing after changes.
type Sync struct {
	Remote string `yaml:"remote"` // the remote to sync with (default origin)
	Auto   bool   `yaml:"auto"`   // sync after every change, as if --sync were given
	// Credentials lists, per token variable (INCIDENTCTL_TOKEN, GITHUB_TOKEN, GH_TOKEN,
	// GITLAB_TOKEN), the hosts the token may be sent to, over HTTPS only. A variable not listed
	// keeps its default: GITHUB_TOKEN and GH_TOKEN github.com, GITLAB_TOKEN gitlab.com,
	// INCIDENTCTL_TOKEN none.
	Credentials map[string][]string `yaml:"credentials"`
}

// Site configures `incidentctl site`, the static web view of the incidents, and tells other
// features (chat notifications) where its pages are published.
type Site struct {
	// BaseURL is where the site is published ("https://ops.example.com/status"), without a
	// trailing slash; empty when it is not published. Feed IDs and links are built from it.
	BaseURL string `yaml:"base_url"`
	// Title heads every page (default "Incidents").
	Title string `yaml:"title"`
}

// IncidentPage is the path of an incident's page inside the site, relative to its root.
// pkg/site writes the page there; anything that links to it (chat messages) uses this.
func IncidentPage(id string) string { return "incidents/" + id + ".html" }

// IncidentURL is the published address of an incident's page, or "" without a base URL.
func (s Site) IncidentURL(id string) string {
	if s.BaseURL == "" {
		return ""
	}
	return s.BaseURL + "/" + IncidentPage(id)
}

// Default is what a repository without a config file gets.
func Default() Config {
	return Config{Incidents: "incidents", ActionList: "templates/action-list.md", Severities: "templates/severities.yaml", Sync: Sync{Remote: "origin"}, Site: Site{Title: "Incidents"},
		Postmortem: Postmortem{Folder: DefaultPostmortemFolder, Template: DefaultPostmortemTemplate}}
}

// DefaultFile is the config init writes.
const DefaultFile = `# incidentctl settings. Paths are relative to the repository root.

# Where incident documents live (incidentctl writes them as <incidents>/YYYY/MM/<id>-<slug>.md).
incidents: incidents

# The action list and the severity definitions. incidentctl renders them from the version
# committed at HEAD, so a change to the response flow is a reviewed pull request.
action_list: templates/action-list.md
severities: templates/severities.yaml

# The static web view that ` + "`incidentctl site`" + ` builds (and chat messages link to): where it is
# published and the title of its pages.
# site:
#   base_url: https://ops.example.com/status
#   title: Incidents

# Postmortems: where they live, their template, and how soon after the resolution each severity
# needs one linked (lint warns until then, and reports an error after). Units: d (days),
# bd (business days, Monday to Friday), h (hours). Unset: SEV1 and SEV2 within 5 days.
# postmortem:
#   folder: postmortems
#   template: templates/postmortem.md
#   deadlines:
#     SEV1: 3bd
#     SEV2: 5bd

# The roles people take besides the commander (update --role <role>=<name> warns about any
# other name, and completion offers these). Unset: comms, ops, scribe, liaison, deputy, security.
# roles: [comms, ops, scribe, liaison, deputy, security]

# Front-matter keys of your own, with a type (text, number, bool, time or list): lint checks
# them, and show, status and --json show them.
# fields:
#   services: list
#   region: {type: text, values: [eu, us, ap]}
`

// DefaultFileJa is the config init --lang ja writes.
const DefaultFileJa = `# incidentctl の設定。パスはリポジトリのルートからの相対パスです。

# このリポジトリの言語: テンプレート、新しいインシデントドキュメントの見出しと表、
# ロケール（LANG など）が日本語も英語も指定していない人へのメッセージがこの言語になります。
lang: ja

# インシデントドキュメントの置き場所（<incidents>/YYYY/MM/<id>-<slug>.md として書き出されます）。
incidents: incidents

# アクションリストと重大度の定義。incidentctl は HEAD にコミットされている版から書き出すので、
# 対応フローの変更はレビューを経た Pull Request になります。
action_list: templates/action-list.md
severities: templates/severities.yaml

# IC 以外の役割（update --role <役割>=<名前> はこれ以外の名前に警告し、補完はこれを候補にします）。
# 未設定なら comms, ops, scribe, liaison, deputy, security。
# roles: [comms, ops, scribe, liaison, deputy, security]

# チーム独自のフロントマターのキーと型（text, number, bool, time, list）。lint が検査し、
# show、status、--json に表示されます。
# fields:
#   services: list
#   region: {type: text, values: [eu, us, ap]}
`

// DefaultFileFor is the config init writes for a repository in lang.
func DefaultFileFor(lang i18n.Lang) string {
	if lang == i18n.Japanese {
		return DefaultFileJa
	}
	return DefaultFile
}

// lineRE and yamlErrors are only needed when a config file is wrong: compiled on first use,
// not at every start.
var lineRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`line (\d+): `) })

// yamlError is one of yaml.v3's usual complaints about a config file and its catalogue message.
type yamlError struct {
	re   *regexp.Regexp
	id   string
	args []string // the names of the catalogue arguments, one per group of re
}

// yamlErrors are yaml.v3's usual complaints about a config file, as Parse words them, with the
// catalogue's message for each (its English text is the same sentence).
var yamlErrors = sync.OnceValue(func() []yamlError {
	return []yamlError{
		{regexp.MustCompile(`^field (\S+) not found \(known: (.*)\)$`), "config.yaml.unknown_key", []string{"Key", "Known"}},
		{regexp.MustCompile(`^field (\S+) not found in (\S+) \(known: (.*)\)$`), "config.yaml.unknown_key_in", []string{"Key", "Section", "Known"}},
		{regexp.MustCompile(`^mapping key "(.*)" already defined at line (\d+)$`), "config.yaml.duplicate_key", []string{"Key", "Line"}},
		{regexp.MustCompile("^cannot unmarshal !!(\\w+) `(.*)` into (\\S+)$"), "config.yaml.wrong_value", []string{"Tag", "Value", "Type"}},
		{regexp.MustCompile(`^cannot unmarshal !!(\w+) into (\S+)$`), "config.yaml.wrong_kind", []string{"Tag", "Type"}},
	}
})

// yamlMessage is msg made with i18n.Text when it is one of yamlErrors (so it is said in the
// reader's language), else msg.
func yamlMessage(msg string) string {
	for _, e := range yamlErrors() {
		g := e.re.FindStringSubmatch(msg)
		if g == nil {
			continue
		}
		args := make([]any, 0, 2*len(e.args))
		for i, name := range e.args {
			args = append(args, name, g[i+1])
		}
		return i18n.Text(e.id, args...)
	}
	return msg
}

// Load reads root/.incidentctl.yaml; a missing file gives the defaults.
func Load(root string) (Config, error) {
	c := Default()
	src, err := os.ReadFile(filepath.Join(root, FileName))
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return c, fmt.Errorf("reading %s: %v", FileName, err)
	}
	c, err = Parse(src)
	if err != nil {
		return c, err
	}
	return c, checkURLFiles(c.Notify, root)
}

// Parse reads a config file's content over the defaults.
func Parse(src []byte) (Config, error) {
	c := Default()
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	var le *LineError
	if err := dec.Decode(&c); errors.As(err, &le) {
		return c, i18n.Errorf("config.at_line", "File", FileName, "Line", le.Line, "Error", le.Err)
	} else if err != nil && !errors.Is(err, io.EOF) { // an empty file is all defaults
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		msg = strings.ReplaceAll(msg, "unmarshal errors:\n  ", "")
		msg = strings.ReplaceAll(msg, "in type config.Site", "in site (known: "+knownKeys(Site{})+")")
		msg = strings.ReplaceAll(msg, "in type config.Postmortem", "in postmortem (known: "+knownKeys(Postmortem{})+")")
		msg = strings.ReplaceAll(msg, "in type config.Config", "(known: "+knownKeys(Config{})+")")
		if m := lineRE().FindStringSubmatch(msg); m != nil {
			return c, i18n.Errorf("config.at_line", "File", FileName, "Line", m[1], "Error", yamlMessage(strings.Replace(msg, m[0], "", 1)))
		}
		return c, i18n.Errorf("config.at_file", "File", FileName, "Error", yamlMessage(msg))
	}
	for _, p := range []struct {
		key string
		val *string
	}{{"incidents", &c.Incidents}, {"action_list", &c.ActionList}, {"severities", &c.Severities}} {
		if err := checkPath(*p.val); err != nil {
			return c, i18n.Errorf("config.at_key", "File", FileName, "Key", p.key, "Error", err)
		}
		*p.val = path.Clean(*p.val)
	}
	if err := c.Postmortem.check(); err != nil {
		return c, err
	}
	c.Postmortem.Folder, c.Postmortem.Template = path.Clean(c.Postmortem.Folder), path.Clean(c.Postmortem.Template)
	base, err := checkBaseURL(c.Site.BaseURL)
	if err != nil {
		return c, i18n.Errorf("config.at_key", "File", FileName, "Key", "site.base_url", "Error", err)
	}
	c.Site.BaseURL = base
	if c.Site.Title = strings.TrimSpace(c.Site.Title); c.Site.Title == "" {
		c.Site.Title = Default().Site.Title
	}
	l, ok := i18n.ParseLang(string(c.Lang))
	if !ok {
		return c, i18n.Errorf("config.lang", "File", FileName, "Lang", string(c.Lang), "Known", i18n.Names())
	}
	c.Lang = l
	if err := checkNotify(c.Notify); err != nil {
		return c, err
	}
	if err := checkRoles(c.Roles); err != nil {
		return c, err
	}
	if err := checkFields(c.Fields); err != nil {
		return c, err
	}
	return c, nil
}

// CheckBaseURL validates a site base URL (from the config or a --base-url flag) and returns it
// without its trailing slashes: an absolute http or https URL without a query or fragment, or "".
func CheckBaseURL(s string) (string, error) { return checkBaseURL(s) }

func checkBaseURL(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", i18n.Errorf("config.base_url.absolute", "URL", s)
	}
	if u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "#") {
		return "", i18n.Errorf("config.base_url.query", "URL", s)
	}
	return strings.TrimRight(s, "/"), nil
}

// checkPath keeps configured paths inside the repository.
func checkPath(p string) error {
	if p == "" {
		return i18n.Errorf("config.path.empty")
	}
	if path.IsAbs(p) || filepath.IsAbs(p) || strings.Contains(p, "\\") {
		return i18n.Errorf("config.path.relative", "Path", p)
	}
	if c := path.Clean(p); c == ".." || strings.HasPrefix(c, "../") || c == "." || c == ".git" || strings.HasPrefix(c, ".git/") {
		return i18n.Errorf("config.path.outside", "Path", p)
	}
	return nil
}

// knownKeys lists the YAML keys of a configuration struct, in declaration order, for messages
// about a key that is not one of them (derived, so a new section never needs this list edited).
func knownKeys(v any) string {
	t := reflect.TypeOf(v)
	keys := make([]string, 0, t.NumField())
	for i := range t.NumField() {
		if k, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ","); k != "" && k != "-" {
			keys = append(keys, k)
		}
	}
	return strings.Join(keys, ", ")
}
