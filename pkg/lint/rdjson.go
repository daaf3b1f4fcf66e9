package lint

import (
	"encoding/json"
	"io"
)

// reviewdog's Diagnostic Format, the rdjson flavour (one DiagnosticResult object; reviewdog
// reads it with -f=rdjson). Field names and severities follow reviewdog's proto/rdf; reviewdog
// decodes it with protojson, which rejects unknown fields, so nothing else is written.
// Columns are 1-based byte counts in UTF-8, as the format says (Finding.Col already is).

type rdResult struct {
	Source      rdSource       `json:"source"`
	Severity    string         `json:"severity,omitempty"`
	Diagnostics []rdDiagnostic `json:"diagnostics"`
}

type rdSource struct {
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

type rdDiagnostic struct {
	Message  string     `json:"message"`
	Location rdLocation `json:"location"`
	Severity string     `json:"severity"`
	Source   rdSource   `json:"source"`
	Code     rdCode     `json:"code"`
}

type rdLocation struct {
	Path  string  `json:"path"`
	Range rdRange `json:"range"`
}

type rdRange struct {
	Start rdPosition `json:"start"`
}

type rdPosition struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

type rdCode struct {
	Value string `json:"value"`
	URL   string `json:"url,omitempty"`
}

// WriteRDJSON writes the report as one reviewdog DiagnosticResult.
func WriteRDJSON(w io.Writer, r Report) error {
	src := rdSource{Name: "incidentctl", URL: Project}
	out := rdResult{Source: src, Diagnostics: make([]rdDiagnostic, 0, len(r.Findings))}
	for _, f := range r.Findings {
		out.Diagnostics = append(out.Diagnostics, rdDiagnostic{
			Message:  f.Message,
			Location: rdLocation{Path: f.Path, Range: rdRange{Start: rdPosition{Line: max(f.Line, 1), Column: max(f.Col, 1)}}},
			Severity: rdSeverity(f.Severity),
			Source:   src,
			Code:     rdCode{Value: f.Rule, URL: r.Tool.HelpURI(f.Rule)},
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

func rdSeverity(l Level) string {
	if l == Warning {
		return "WARNING"
	}
	return "ERROR"
}
