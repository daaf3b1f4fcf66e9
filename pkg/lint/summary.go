package lint

import (
	"bytes"
	"fmt"
	"io"
	"strings"
)

// The job summary of a GitHub Actions step ($GITHUB_STEP_SUMMARY): the complete table of
// findings, because annotations stop at GitHubAnnotationsPerKind of a kind. GitHub accepts at
// most 1 MiB per step, so a table that would pass that ends with a line saying how many rows
// were left out.

// StepSummaryLimit is the most a step summary may hold (GitHub refuses larger ones), less a
// margin for the closing lines.
const StepSummaryLimit = 1<<20 - 4<<10

// StepSummary is what the summary says besides the findings.
type StepSummary struct {
	Documents    int
	NotAnnotated int // findings the annotations left out (WriteGitHub's result)
	PerKind      int // annotations of each kind this run made at most (0: GitHubAnnotationsPerKind)
	// FileURL links a finding to its line (on GitHub: server/repo/blob/sha/path#Lline); nil
	// for plain paths.
	FileURL func(path string, line int) string
	Tool    Tool
}

// Every human-facing text of the summary, in one place for translation.
var summaryText = struct {
	heading      func(errs, warns, docs int) string
	clean        func(docs int) string
	more         func(n, perKind int) string
	truncated    func(n int) string
	columns      string
	errorLabel   string
	warningLabel string
}{
	heading: func(errs, warns, docs int) string {
		return fmt.Sprintf("### incidentctl lint: %s, %s in %s", plural(errs, "error"), plural(warns, "warning"), plural(docs, "document"))
	},
	clean: func(docs int) string {
		return fmt.Sprintf("### incidentctl lint: no findings in %s", plural(docs, "document"))
	},
	more: func(n, perKind int) string {
		return fmt.Sprintf("**+%d more** than the annotations show: GitHub annotates at most %d errors and %d warnings per step (this run: %d of each). Every finding is in this table.",
			n, GitHubAnnotationsPerKind, GitHubAnnotationsPerKind, perKind)
	},
	truncated: func(n int) string {
		return fmt.Sprintf("**+%d more** not listed: a step summary holds at most 1 MiB. Run `incidentctl lint` to see them all; they are also in the step's log.", n)
	},
	columns:      "| Level | Location | Rule | Message |\n| --- | --- | --- | --- |\n",
	errorLabel:   "error",
	warningLabel: "warning",
}

func notAnnotatedNotice(n, perKind int) string {
	return fmt.Sprintf("%s more not annotated (%d of a kind are, GitHub shows %d per step): every finding is in the job summary and in this step's log", plural(n, "finding"), perKind, GitHubAnnotationsPerKind)
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// WriteStepSummary writes the Markdown table of every finding (up to the size GitHub accepts).
func WriteStepSummary(w io.Writer, fs []Finding, s StepSummary) error {
	var b bytes.Buffer
	errs, warns := 0, 0
	for _, f := range fs {
		if f.Severity == Error {
			errs++
		} else {
			warns++
		}
	}
	if len(fs) == 0 {
		b.WriteString(summaryText.clean(s.Documents) + "\n\n")
		_, err := w.Write(b.Bytes())
		return err
	}
	b.WriteString(summaryText.heading(errs, warns, s.Documents) + "\n\n")
	if s.NotAnnotated > 0 {
		per := s.PerKind
		if per <= 0 {
			per = GitHubAnnotationsPerKind
		}
		b.WriteString(summaryText.more(s.NotAnnotated, per) + "\n\n")
	}
	b.WriteString(summaryText.columns)
	for i, f := range fs {
		row := summaryRow(f, s)
		if b.Len()+len(row) > StepSummaryLimit {
			b.WriteString("\n" + summaryText.truncated(len(fs)-i) + "\n")
			break
		}
		b.WriteString(row)
	}
	b.WriteString("\n")
	_, err := w.Write(b.Bytes())
	return err
}

func summaryRow(f Finding, s StepSummary) string {
	level := summaryText.errorLabel
	if f.Severity == Warning {
		level = summaryText.warningLabel
	}
	where := fmt.Sprintf("%s:%d", f.Path, f.Line)
	loc := "`" + strings.ReplaceAll(where, "`", "'") + "`"
	if s.FileURL != nil {
		if u := s.FileURL(f.Path, f.Line); u != "" {
			loc = "[" + mdCell(where) + "](" + strings.NewReplacer("(", "%28", ")", "%29", " ", "%20").Replace(u) + ")"
		}
	}
	rule := "[`" + f.Rule + "`](" + s.Tool.HelpURI(f.Rule) + ")"
	return "| " + level + " | " + loc + " | " + rule + " | " + mdCell(f.Message) + " |\n"
}

// mdCell makes text safe inside a table cell: one line, pipes escaped, and nothing a renderer
// would take for HTML or a link (a document's text is quoted in messages).
func mdCell(s string) string {
	return strings.NewReplacer("&", "&amp;", "|", `\|`, "<", "&lt;", ">", "&gt;", "[", `\[`, "]", `\]`, "*", `\*`, "_", `\_`, "`", "\\`").Replace(oneLine(s))
}
