// Package config reads .incidentctl.yaml, the repository's incidentctl settings.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
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
	Postmortem Postmortem `yaml:"postmortem"`
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
}

// Default is what a repository without a config file gets.
func Default() Config {
	return Config{Incidents: "incidents", ActionList: "templates/action-list.md", Severities: "templates/severities.yaml", Sync: Sync{Remote: "origin"},
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

# Postmortems: where they live, their template, and how soon after the resolution each severity
# needs one linked (lint warns until then, and reports an error after). Units: d (days),
# bd (business days, Monday to Friday), h (hours). Unset: SEV1 and SEV2 within 5 days.
# postmortem:
#   folder: postmortems
#   template: templates/postmortem.md
#   deadlines:
#     SEV1: 3bd
#     SEV2: 5bd
`

var lineRE = regexp.MustCompile(`line (\d+): `)

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
	return Parse(src)
}

// Parse reads a config file's content over the defaults.
func Parse(src []byte) (Config, error) {
	c := Default()
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) { // an empty file is all defaults
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		msg = strings.ReplaceAll(msg, "unmarshal errors:\n  ", "")
		msg = strings.ReplaceAll(msg, "in type config.Config", "(known: incidents, action_list, severities, lint, sync, postmortem)")
		if m := lineRE.FindStringSubmatch(msg); m != nil {
			return c, fmt.Errorf("%s:%s: %s", FileName, m[1], strings.Replace(msg, m[0], "", 1))
		}
		return c, fmt.Errorf("%s: %s", FileName, msg)
	}
	for _, p := range []struct {
		key string
		val *string
	}{{"incidents", &c.Incidents}, {"action_list", &c.ActionList}, {"severities", &c.Severities}} {
		if err := checkPath(*p.val); err != nil {
			return c, fmt.Errorf("%s: %s: %v", FileName, p.key, err)
		}
		*p.val = path.Clean(*p.val)
	}
	if err := c.Postmortem.check(); err != nil {
		return c, err
	}
	c.Postmortem.Folder, c.Postmortem.Template = path.Clean(c.Postmortem.Folder), path.Clean(c.Postmortem.Template)
	return c, nil
}

// checkPath keeps configured paths inside the repository.
func checkPath(p string) error {
	if p == "" {
		return fmt.Errorf("must not be empty")
	}
	if path.IsAbs(p) || filepath.IsAbs(p) || strings.Contains(p, "\\") {
		return fmt.Errorf("%q must be a relative path with / separators", p)
	}
	if c := path.Clean(p); c == ".." || strings.HasPrefix(c, "../") || c == "." || c == ".git" || strings.HasPrefix(c, ".git/") {
		return fmt.Errorf("%q must name a place inside the repository", p)
	}
	return nil
}
