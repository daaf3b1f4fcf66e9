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

// GitHubAnnotationsPerKind is how many annotations of one kind (error, warning, notice) GitHub
// shows for one step; it drops the rest without a word, and shows at most 50 in a whole job.
const GitHubAnnotationsPerKind = 10

// WriteGitHub prints GitHub Actions workflow commands: the first GitHubAnnotationsPerKind
// errors and warnings as annotations on their lines of the pull request, every other finding
// as a plain line of the log (so none is lost), then one notice that says how many were not
// annotated and where to find them. It returns that number.
func WriteGitHub(w io.Writer, fs []Finding) (notAnnotated int, err error) {
	return WriteGitHubLimit(w, fs, GitHubAnnotationsPerKind)
}

// WriteGitHubLimit is WriteGitHub with perKind annotations of each kind at most, for a step
// that runs lint more than once and shares GitHub's limit between the runs.
func WriteGitHubLimit(w io.Writer, fs []Finding, perKind int) (notAnnotated int, err error) {
	shown := map[Level]int{}
	var rest []Finding
	for _, f := range fs {
		if shown[f.Severity] >= perKind {
			rest = append(rest, f)
			continue
		}
		shown[f.Severity]++
		cmd := "error"
		if f.Severity == Warning {
			cmd = "warning"
		}
		if _, err := fmt.Fprintf(w, "::%s file=%s,line=%d,col=%d,title=%s::%s\n", cmd,
			ghProperty(f.Path), f.Line, f.Col, ghProperty("incidentctl lint: "+f.Rule), ghData(f.Message)); err != nil {
			return 0, err
		}
	}
	if len(rest) == 0 {
		return 0, nil
	}
	if err := WriteText(w, rest); err != nil {
		return 0, err
	}
	_, err = fmt.Fprintf(w, "::notice title=%s::%s\n", ghProperty("incidentctl lint"), ghData(notAnnotatedNotice(len(rest), perKind)))
	return len(rest), err
}

// Escaping as the runner's command parser expects it (toolkit's command.ts).
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func ghProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
