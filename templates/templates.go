// Package templates holds the default action list, severity definitions and postmortem template. They are embedded
// in the binary so `incidentctl init` works offline; a repository's own files always win.
// Each language has its own set (English: action-list.md, severities.yaml; Japanese:
// action-list.ja.md, severities.ja.yaml, postmortem.ja.md), written for a team working in
// that language, not translated line by line.
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

// ActionListJa is the Japanese action list (init --lang ja, lang: ja).
//
//go:embed action-list.ja.md
var ActionListJa []byte

// SeveritiesJa is the Japanese severity definitions. The IDs are the same in every language.
//
//go:embed severities.ja.yaml
var SeveritiesJa []byte

// PostmortemJa is the Japanese postmortem template: 概要 / 発生日時 / 影響範囲 / 経緯 / 原因 /
// 暫定対応・恒久対応 / 再発防止策.
//
//go:embed postmortem.ja.md
var PostmortemJa []byte

// Set is one language's defaults.
type Set struct {
	ActionList, Severities, Postmortem []byte
}

// For returns the defaults of a language ("ja"); any other gives English.
func For(lang string) Set {
	if lang == "ja" {
		return Set{ActionList: ActionListJa, Severities: SeveritiesJa, Postmortem: PostmortemJa}
	}
	return Set{ActionList: ActionList, Severities: Severities, Postmortem: Postmortem}
}
