package cli

import (
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/incidentctl/incidentctl/pkg/config"
	"github.com/incidentctl/incidentctl/pkg/display"
	"github.com/incidentctl/incidentctl/pkg/lint"
	"github.com/incidentctl/incidentctl/pkg/workspace"
)

type lintOptions struct {
	Paths  []string
	Base   string
	Format string
	Strict bool
	Rules  bool
}

func newLintCmd(app *App) *cobra.Command {
	var o lintOptions
	cmd := &cobra.Command{
		Use:   "lint [<path>...] [--base <ref>] [--format text|json|github] [--strict]",
		Short: app.P.T("lint.short"),
		Long: `Check incident documents for what would make them wrong, unreadable for incidentctl, or
dangerous to publish. Without paths, every document under incidents/ is checked; paths (files
or folders) narrow it.

With --base <ref>, only the documents changed since the merge base with <ref> are checked, and
each is compared with its version there: log entries that existed must not be edited, removed
or reordered, a resolved incident keeps its times, an ID is not reused.

Findings go to stdout as path:line:col: severity rule-id: message; the summary to stderr.
Exit status: 0 clean, 1 when there is an error (or, with --strict, a warning), 2 for a wrong
command line. Rules can be set to error, warning or off in .incidentctl.yaml:

  lint:
    rules:
      unknown-key: off
      postmortem: warning
    allow:                    # regular expressions for text the secret rule must accept
      - 'AKIA[0-9A-Z]{12}TEST'`,
		Example: `  incidentctl lint
  incidentctl lint incidents/2026/11/
  incidentctl lint --base origin/main --format github
  incidentctl lint --rules`,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Paths = args
			switch o.Format {
			case "text", "json", "github":
			default:
				return usageErr("--format %q: use text, json or github", o.Format)
			}
			if app.JSON {
				if cmd.Flags().Changed("format") && o.Format != "json" {
					return usageErr("--json and --format %s contradict each other: give one", o.Format)
				}
				o.Format = "json"
			}
			if o.Rules && (len(args) > 0 || o.Base != "") {
				return usageErr("--rules lists the rules; it takes no paths and no --base")
			}
			return lintRun(app, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Base, "base", "", "check only documents changed since the merge base with `<ref>`, and compare them with it")
	f.StringVar(&o.Format, "format", "text", "output `<format>`: text, json or github (workflow annotations)")
	f.BoolVar(&o.Strict, "strict", false, "fail on warnings too")
	f.BoolVar(&o.Rules, "rules", false, "list the rules with their levels and exit")
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
			about := r.Summary
			if r.Base {
				about = "(--base) " + about
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\n", r.ID, r.Level, about)
		}
		return tw.Flush()
	}
	app.warn(warnings)
	opts.Paths, opts.Base = o.Paths, o.Base
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
	switch o.Format {
	case "json":
		out := res.Findings
		if out == nil {
			out = []lint.Finding{}
		}
		err = app.printJSON(out)
	case "github":
		err = lint.WriteGitHub(app.Out, res.Findings)
	default:
		err = lint.WriteText(app.Out, res.Findings)
	}
	if err != nil {
		return err
	}
	errs, warns := res.Count()
	fmt.Fprintln(app.Err, lintSummary(errs, warns, res.Documents, res.MergeBase))
	if errs > 0 || o.Strict && warns > 0 {
		return &SilentError{Code: ExitError}
	}
	return nil
}

func lintSummary(errs, warns, docs int, mergeBase string) string {
	plural := func(n int, what string) string {
		if n == 1 {
			return fmt.Sprintf("1 %s", what)
		}
		return fmt.Sprintf("%d %ss", n, what)
	}
	s := fmt.Sprintf("%s, %s in %s", plural(errs, "error"), plural(warns, "warning"), plural(docs, "document"))
	if mergeBase != "" {
		s += " changed since " + mergeBase[:7]
	}
	return s
}
