// Package templates holds the default action list, severity definitions and postmortem template. They are embedded
// in the binary so `incidentctl init` works offline; a repository's own files always win.
package templates

import _ "embed"

// ActionList is the default templates/action-list.md.
//
//go:embed action-list.md
var ActionList []byte

// Severities is the default templates/severities.yaml.
//
//go:embed severities.yaml
var Severities []byte

// Postmortem is the default templates/postmortem.md: the body of a postmortem draft.
//
//go:embed postmortem.md
var Postmortem []byte
