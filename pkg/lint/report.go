package lint

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// The machine-readable formats (SARIF, reviewdog's rdjson, GitHub's step summary) describe a
// run, not only its findings: which rules were in force, which tool wrote it, and where each
// rule is documented.

// Formats lists every --format value, in the order the help names them.
var Formats = []string{"text", "json", "github", "sarif", "rdjson"}

// Project is where incidentctl lives: rule help links point into its README's rule table.
const Project = "https://github.com/incidentctl/incidentctl"

// Tool identifies the incidentctl that ran.
type Tool struct {
	Version string // "1.2.3", "v1.2.3" or "devel"
	// DocsRef is the git ref of the documentation the help links name: the release tag, so a
	// link shows the rules of the version that reported them; "main" for other builds.
	DocsRef string
}

// HelpURI is the address of a rule's row in the README's rule table (each row carries an
// anchor named rule-<id>).
func (t Tool) HelpURI(rule string) string {
	ref := t.DocsRef
	if ref == "" {
		ref = "main"
	}
	return Project + "/blob/" + ref + "/README.md#rule-" + rule
}

// DocsRefFor picks the documentation ref for a version: a release tag when the version looks
// like one (1.2.3 or v1.2.3, snapshots and dirty builds excluded), else "main".
func DocsRefFor(version string) string {
	v := strings.TrimPrefix(version, "v")
	parts := strings.Split(v, ".")
	if len(parts) != 3 {
		return "main"
	}
	for _, p := range parts {
		if p == "" || strings.Trim(p, "0123456789") != "" {
			return "main"
		}
	}
	return "v" + v
}

// Report is one lint run as the machine-readable formats see it.
type Report struct {
	Findings []Finding
	Rules    []Rule // every rule with the level in force (Policy.RuleSet)
	Tool     Tool
	// Source reads a file by its repository path (for columns in characters and fingerprints
	// that survive lines moving); nil, or an error for a file that is gone, is fine.
	Source func(path string) ([]byte, error)
}

// sourceLines reads files once each and hands out their lines.
type sourceLines struct {
	read  func(string) ([]byte, error)
	files map[string][][]byte
}

func newSourceLines(read func(string) ([]byte, error)) *sourceLines {
	return &sourceLines{read: read, files: map[string][][]byte{}}
}

// line returns line n (1-based) of a file without its line ending, nil when unknown.
func (s *sourceLines) line(path string, n int) []byte {
	lines, ok := s.files[path]
	if !ok {
		if s.read != nil {
			if src, err := s.read(path); err == nil {
				lines = bytes.Split(src, []byte("\n"))
			}
		}
		s.files[path] = lines
	}
	if n < 1 || n > len(lines) {
		return nil
	}
	return bytes.TrimSuffix(lines[n-1], []byte("\r"))
}

// charColumn turns a 1-based byte column of a line into a 1-based column in Unicode code
// points (SARIF's unicodeCodePoints), so a finding after Japanese text points at the right
// character.
func charColumn(line []byte, byteCol int) int {
	if byteCol <= 1 || line == nil {
		return max(byteCol, 1)
	}
	if byteCol-1 > len(line) {
		return utf8.RuneCount(line) + (byteCol - 1 - len(line)) + 1
	}
	return utf8.RuneCount(line[:byteCol-1]) + 1
}

// About is the rule's description as `lint --rules` and the README's rule table show it:
// the summary, marked when the rule runs only with --base.
func (r Rule) About() string {
	if r.Base {
		return "(--base) " + r.Summary
	}
	return r.Summary
}
