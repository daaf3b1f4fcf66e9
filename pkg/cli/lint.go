package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/incidentctl/incidentctl/pkg/config"
	"github.com/incidentctl/incidentctl/pkg/display"
	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/lint"
	"github.com/incidentctl/incidentctl/pkg/workspace"
)

type lintOptions struct {
	Paths       []string
	Base        string
	Format      string
	Strict      bool
	Rules       bool
	Annotations int
	AllowEmpty  bool
}

func newLintCmd(app *App) *cobra.Command {
	var o lintOptions
	cmd := &cobra.Command{
		Use:   "lint [<path>...] [--base <ref>] [--format text|json|github|sarif|rdjson] [--strict]",
		Short: app.P.T("lint.short"),
		Long:  app.P.T("lint.long"),
		Example: `  incidentctl lint
  incidentctl lint incidents/2026/11/
  incidentctl lint --base origin/main --format github
  incidentctl lint --format sarif > incidentctl.sarif
  incidentctl lint --rules`,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Paths = args
			if o.Annotations < 1 || o.Annotations > lint.GitHubAnnotationsPerKind {
				return usageMsg("lint.bad_annotations", "N", o.Annotations, "Max", lint.GitHubAnnotationsPerKind)
			}
			if !slices.Contains(lint.Formats, o.Format) {
				return usageMsg("lint.bad_format", "Format", strconv.Quote(o.Format), "Known", strings.Join(lint.Formats, ", "))
			}
			if app.JSON {
				if cmd.Flags().Changed("format") && o.Format != "json" {
					return usageMsg("lint.json_and_format", "Format", o.Format)
				}
				o.Format = "json"
			}
			if o.Rules && (len(args) > 0 || o.Base != "") {
				return usageMsg("lint.rules_args")
			}
			if o.Rules && o.Format != "text" && o.Format != "json" {
				return usageMsg("lint.rules_format", "Format", o.Format)
			}
			return lintRun(app, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Base, "base", "", i18n.Text("flag.lint.base"))
	f.StringVar(&o.Format, "format", "text", i18n.Text("flag.lint.format"))
	f.BoolVar(&o.Strict, "strict", false, i18n.Text("flag.lint.strict"))
	f.BoolVar(&o.Rules, "rules", false, i18n.Text("flag.lint.rules"))
	f.BoolVar(&o.AllowEmpty, "allow-empty", false, i18n.Text("flag.lint.allow_empty"))
	f.IntVar(&o.Annotations, "annotations", lint.GitHubAnnotationsPerKind, i18n.Text("flag.lint.annotations"))
	return cmd
}

// lintEnv opens what lint needs. Outside a git repository it lints with the defaults, so a
// folder of documents can be checked anywhere.
func lintEnv(app *App) (lint.Options, []string, error) {
	opts := lint.Options{Now: app.Now()}
	ws, err := app.open()
	if errors.Is(err, workspace.ErrNotRepository) {
		cfg, err := config.Load(".")
		if err != nil {
			return opts, nil, err
		}
		opts.Root, opts.Config = ".", cfg
		return opts, nil, nil
	}
	if err != nil {
		return opts, nil, err
	}
	flow, err := ws.Flow()
	if err != nil {
		return opts, nil, err
	}
	opts.Root, opts.Config, opts.Repo = ws.Root(), ws.Config, ws.Repo
	// The cache keeps each message with its id and arguments: every language reads it.
	opts.Cache = filepath.Join(ws.Repo.GitDir(), "incidentctl")
	opts.Severities, opts.SeveritiesFrom = flow.Severities, flow.SeveritiesFrom
	if flow.SeveritiesFrom != ws.Config.Severities {
		opts.SeveritiesFrom = "the built-in severity definitions"
	}
	var warnings []string // only those about the definitions lint uses
	for _, w := range flow.Warnings {
		if strings.HasPrefix(w, ws.Config.Severities) {
			warnings = append(warnings, w)
		}
	}
	return opts, warnings, nil
}

func lintRun(app *App, o lintOptions) error {
	opts, warnings, err := lintEnv(app)
	if err != nil {
		return err
	}
	if o.Rules {
		policy, err := lint.NewPolicy(opts.Config.Lint)
		if err != nil {
			return err
		}
		if o.Format == "json" {
			return app.printJSON(policy.RuleSet())
		}
		tw := display.NewTabWriter(app.Out, 2)
		for _, r := range policy.RuleSet() {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", r.ID, r.Level, r.About())
		}
		return tw.Flush()
	}
	app.warn(warnings)
	opts.Paths, opts.Base = o.Paths, o.Base
	policy, err := lint.NewPolicy(opts.Config.Lint)
	if err != nil {
		return err
	}
	if os.Getenv("GOGC") == "" {
		// Parsing allocates ~100 KB per document and lint keeps almost none of it: collecting
		// less often saves a quarter of the CPU time on 10,000 documents for ~50 MB more.
		debug.SetGCPercent(400)
	}
	res, err := lint.Run(opts)
	var argErr *lint.ArgError
	if errors.As(err, &argErr) {
		return usageErr("%s", argErr.Msg)
	}
	if err != nil {
		return err
	}
	for _, s := range res.Skipped {
		fmt.Fprintf(app.Err, "note: %s\n", s)
	}
	if err := checkNotEmpty(app, opts, o, res); err != nil {
		return err
	}
	switch o.Format {
	case "json":
		out := res.Findings
		if out == nil {
			out = []lint.Finding{}
		}
		err = app.printJSON(out)
	case "github":
		err = writeGitHub(app, res, o.Annotations)
	case "sarif":
		err = lint.WriteSARIF(app.Out, lintReport(opts, res, policy))
	case "rdjson":
		err = lint.WriteRDJSON(app.Out, lintReport(opts, res, policy))
	default:
		err = lint.WriteText(app.Out, translateFindings(app.P, res.Findings))
	}
	if err != nil {
		return err
	}
	errs, warns := res.Count()
	summary := lintSummary(app.P, errs, warns, res.Documents, res.MergeBase)
	if res.Pending > 0 {
		summary += app.P.T("lint.pending", "Count", res.Pending)
	}
	fmt.Fprintln(app.Err, summary)
	if errs > 0 || o.Strict && warns-res.Pending > 0 {
		return &SilentError{Code: ExitError}
	}
	return nil
}

func lintSummary(t *i18n.Printer, errs, warns, docs int, mergeBase string) string {
	s := t.T("lint.summary", "Errors", t.T("lint.errors", "Count", errs), "Warnings", t.T("lint.warnings", "Count", warns), "Documents", t.T("lint.documents", "Count", docs))
	if mergeBase != "" {
		s = t.T("lint.summary_base", "Errors", t.T("lint.errors", "Count", errs), "Warnings", t.T("lint.warnings", "Count", warns), "Documents", t.T("lint.documents", "Count", docs), "Base", mergeBase[:7])
	}
	return s
}

// lintTool is the incidentctl that reports, for the formats that name it.
func lintTool() lint.Tool {
	v := buildVersion().Version
	return lint.Tool{Version: v, DocsRef: lint.DocsRefFor(v)}
}

// lintReport is the run as the machine-readable formats describe it.
func lintReport(opts lint.Options, res *lint.Result, policy *lint.Policy) lint.Report {
	root := opts.Root
	return lint.Report{
		Findings: res.Findings,
		Rules:    policy.RuleSet(),
		Tool:     lintTool(),
		Source: func(p string) ([]byte, error) {
			return os.ReadFile(filepath.Join(root, filepath.FromSlash(p)))
		},
	}
}

// writeGitHub prints the annotations and, inside a GitHub Actions step, appends the table of
// every finding to the job summary.
func writeGitHub(app *App, res *lint.Result, perKind int) error {
	findings := translateFindings(app.P, res.Findings)
	notAnnotated, err := lint.WriteGitHubLimit(app.Out, findings, perKind)
	if err != nil {
		return err
	}
	summary := os.Getenv("GITHUB_STEP_SUMMARY")
	if summary == "" {
		return nil
	}
	s := lint.StepSummary{Documents: res.Documents, NotAnnotated: notAnnotated, PerKind: perKind, Tool: lintTool()}
	server, repo, sha := os.Getenv("GITHUB_SERVER_URL"), os.Getenv("GITHUB_REPOSITORY"), os.Getenv("GITHUB_SHA")
	if server != "" && repo != "" && sha != "" {
		s.FileURL = func(p string, line int) string {
			return fmt.Sprintf("%s/%s/blob/%s/%s#L%d", strings.TrimSuffix(server, "/"), repo, sha, p, line)
		}
	}
	f, err := os.OpenFile(summary, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("GITHUB_STEP_SUMMARY=%s: cannot write the job summary: %v", summary, err)
	}
	if err := lint.WriteStepSummary(f, findings, s); err != nil {
		f.Close()
		return fmt.Errorf("GITHUB_STEP_SUMMARY=%s: writing the job summary: %v", summary, err)
	}
	return f.Close()
}

// translateFindings gives the findings' messages in the reader's language, for the outputs
// people read (text, GitHub's annotations and job summary); JSON, SARIF and rdjson keep
// English, the same on every machine.
func translateFindings(p *i18n.Printer, fs []lint.Finding) []lint.Finding {
	if p.Lang() == i18n.English || len(fs) == 0 {
		return fs
	}
	out := make([]lint.Finding, len(fs))
	for i, f := range fs {
		f.Message = p.Translate(f.Message)
		out[i] = f
	}
	return out
}

// checkNotEmpty fails a lint of the whole repository that found nothing to check in a
// repository never set up for incidentctl (no .incidentctl.yaml, no documents): a CI job
// pointed at the wrong repository or folder would otherwise pass forever with "0 documents".
func checkNotEmpty(app *App, opts lint.Options, o lintOptions, res *lint.Result) error {
	if o.AllowEmpty || res.Documents > 0 || len(o.Paths) > 0 || o.Base != "" {
		return nil
	}
	if _, err := os.Stat(filepath.Join(opts.Root, config.FileName)); err == nil {
		return nil
	}
	return errors.New(app.P.T("lint.empty", "Config", config.FileName, "Incidents", opts.Config.Incidents))
}
