package lint

import (
	"fmt"
	"io"
	"strings"
)

// WriteText prints one finding per line: path:line:col: severity rule-id: message.
func WriteText(w io.Writer, fs []Finding) error {
	for _, f := range fs {
		if _, err := fmt.Fprintf(w, "%s:%d:%d: %s %s: %s\n", f.Path, f.Line, f.Col, f.Severity, f.Rule, oneLine(f.Message)); err != nil {
			return err
		}
	}
	return nil
}

// WriteGitHub prints GitHub Actions workflow commands, which show each finding as an
// annotation on its line of the pull request.
func WriteGitHub(w io.Writer, fs []Finding) error {
	for _, f := range fs {
		cmd := "error"
		if f.Severity == Warning {
			cmd = "warning"
		}
		if _, err := fmt.Fprintf(w, "::%s file=%s,line=%d,col=%d,title=%s::%s\n", cmd,
			ghProperty(f.Path), f.Line, f.Col, ghProperty("incidentctl lint: "+f.Rule), ghData(f.Message)); err != nil {
			return err
		}
	}
	return nil
}

// Escaping as the runner's command parser expects it (toolkit's command.ts).
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func ghProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
