package lint

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"strconv"
	"strings"
)

// SARIF 2.1.0 (OASIS, errata 01), as GitHub code scanning and other SARIF viewers read it:
// one run, a rules entry per rule, and every result with a physical location (code scanning
// rejects results without one) and a partial fingerprint so a finding keeps its identity when
// lines above it move. The output validates against the official schema
// (testdata/sarif-schema-2.1.0.json, checked by TestSARIFSchema).

const (
	sarifSchema  = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	sarifVersion = "2.1.0"
	// The key GitHub code scanning reads; upload-sarif computes its own only when it is absent.
	fingerprintKey = "primaryLocationLineHash"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool       sarifTool     `json:"tool"`
	ColumnKind string        `json:"columnKind"`
	Results    []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name            string      `json:"name"`
	Version         string      `json:"version,omitempty"`
	SemanticVersion string      `json:"semanticVersion,omitempty"`
	InformationURI  string      `json:"informationUri"`
	Rules           []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID                   string             `json:"id"`
	Name                 string             `json:"name"`
	ShortDescription     sarifText          `json:"shortDescription"`
	FullDescription      sarifText          `json:"fullDescription"`
	Help                 sarifText          `json:"help"`
	HelpURI              string             `json:"helpUri"`
	DefaultConfiguration sarifConfiguration `json:"defaultConfiguration"`
	Properties           sarifRuleProps     `json:"properties"`
}

type sarifConfiguration struct {
	Enabled bool   `json:"enabled"`
	Level   string `json:"level"`
}

type sarifRuleProps struct {
	Tags []string `json:"tags"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           sarifRegion   `json:"region"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
}

// WriteSARIF writes the report as one SARIF log. With no findings it is still a complete log
// with an empty results array.
func WriteSARIF(w io.Writer, r Report) error {
	driver := sarifDriver{
		Name:           "incidentctl",
		Version:        r.Tool.Version,
		InformationURI: Project,
		Rules:          make([]sarifRule, 0, len(r.Rules)),
	}
	if ref := DocsRefFor(r.Tool.Version); ref != "main" {
		driver.SemanticVersion = strings.TrimPrefix(ref, "v")
	}
	index := make(map[string]int, len(r.Rules))
	for i, rule := range r.Rules {
		index[rule.ID] = i
		driver.Rules = append(driver.Rules, sarifRuleFor(rule, r.Tool))
	}
	src := newSourceLines(r.Source)
	seen := map[string]int{} // fingerprint base -> how many findings had it so far
	results := make([]sarifResult, 0, len(r.Findings))
	for _, f := range r.Findings {
		i, ok := index[f.Rule]
		if !ok {
			// A finding of a rule the list does not know (cannot happen with Policy.RuleSet);
			// SARIF needs every ruleId in the rules array.
			i = len(driver.Rules)
			index[f.Rule] = i
			driver.Rules = append(driver.Rules, sarifRuleFor(Rule{ID: f.Rule, Level: f.Severity, Summary: f.Rule}, r.Tool))
		}
		line := src.line(f.Path, f.Line)
		base := fingerprintBase(f, line)
		n := seen[base]
		seen[base] = n + 1
		results = append(results, sarifResult{
			RuleID:    f.Rule,
			RuleIndex: i,
			Level:     sarifLevel(f.Severity),
			Message:   sarifText{Text: f.Message},
			Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{
				ArtifactLocation: sarifArtifact{URI: sarifURI(f.Path), URIBaseID: "%SRCROOT%"},
				Region:           sarifRegion{StartLine: max(f.Line, 1), StartColumn: charColumn(line, f.Col)},
			}}},
			PartialFingerprints: map[string]string{fingerprintKey: base + ":" + strconv.Itoa(n+1)},
		})
	}
	log := sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{{
		Tool:       sarifTool{Driver: driver},
		ColumnKind: "unicodeCodePoints",
		Results:    results,
	}}}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(log)
}

func sarifRuleFor(rule Rule, t Tool) sarifRule {
	tags := []string{"incidentctl"}
	if rule.Base {
		tags = append(tags, "base")
	}
	level := rule.Level
	if level == Off {
		level = ruleDefault(rule.ID)
	}
	help := sentence(rule.Summary) + " Set its level in .incidentctl.yaml (lint: rules: " + rule.ID + ": error, warning or off)."
	if rule.Base {
		help = "Runs with lint --base. " + help
	}
	return sarifRule{
		ID:                   rule.ID,
		Name:                 ruleName(rule.ID),
		ShortDescription:     sarifText{Text: rule.Summary},
		FullDescription:      sarifText{Text: rule.Summary},
		Help:                 sarifText{Text: help},
		HelpURI:              t.HelpURI(rule.ID),
		DefaultConfiguration: sarifConfiguration{Enabled: rule.Level != Off, Level: sarifLevel(level)},
		Properties:           sarifRuleProps{Tags: tags},
	}
}

// ruleDefault is a rule's built-in level, for a rule the repository turned off.
func ruleDefault(id string) Level {
	if r, ok := ruleByID(id); ok && r.Level != Off {
		return r.Level
	}
	return Warning
}

// sentence starts a rule summary with a capital and ends it with a full stop.
func sentence(s string) string {
	if s == "" {
		return s
	}
	s = strings.ToUpper(s[:1]) + s[1:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

func sarifLevel(l Level) string {
	if l == Warning {
		return "warning"
	}
	return "error"
}

// ruleName is the rule ID in the PascalCase SARIF viewers show as a rule's name.
func ruleName(id string) string {
	var b strings.Builder
	for _, part := range strings.Split(id, "-") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

// sarifURI escapes a repository path as a relative URI reference: spaces, '%', '#' and '?'
// would otherwise change what it names.
func sarifURI(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c <= ' ' || c == '%' || c == '#' || c == '?' || c >= 0x7f {
			b.WriteString("%" + strings.ToUpper(hex.EncodeToString([]byte{c})))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// fingerprintBase identifies a finding by its rule and the text of its line rather than the
// line number, so it survives entries added above it; the occurrence count added by the
// caller tells apart equal lines. A file that is gone falls back to the message.
func fingerprintBase(f Finding, line []byte) string {
	h := sha256.New()
	h.Write([]byte(f.Rule))
	h.Write([]byte{0})
	h.Write([]byte(f.Path))
	h.Write([]byte{0})
	if line != nil {
		h.Write([]byte(strings.Join(strings.Fields(string(line)), " ")))
	} else {
		h.Write([]byte(f.Message))
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}
