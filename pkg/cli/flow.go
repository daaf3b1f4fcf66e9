package cli

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/incidentctl/incidentctl/pkg/display"
	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/workspace"
)

func newFlowCmd(app *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "flow <propose|log|diff>",
		Short: app.P.T("flow.short"),
		Long:  app.P.T("flow.long"),
		Example: `  incidentctl flow propose k7x -m "flow: check clients reconnected after a failover"
  incidentctl flow log
  incidentctl flow diff k7x`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageMsg("flow.unknown_command", "Command", strconv.Quote(args[0]))
			}
			return usageMsg("flow.no_command")
		},
		RunE: func(cmd *cobra.Command, args []string) error { return nil },
	}
	cmd.AddCommand(newFlowProposeCmd(app), newFlowLogCmd(app), newFlowDiffCmd(app))
	return cmd
}

// ProposalJSON is `flow propose --json`.
type ProposalJSON struct {
	ID          string   `json:"id"`
	Branch      string   `json:"branch"`
	Base        string   `json:"base"`
	Commit      string   `json:"commit"`
	Files       []string `json:"files"`
	Postmortem  string   `json:"postmortem"`
	PushCommand string   `json:"push_command"`
	PRCommand   string   `json:"pr_command"`
	Warnings    []string `json:"warnings"`
}

func newFlowProposeCmd(app *App) *cobra.Command {
	var message string
	cmd := &cobra.Command{
		Use:     "propose <id> [-m <message>]",
		Short:   app.P.T("flow.propose.short"),
		Long:    app.P.T("flow.propose.long"),
		Example: `  incidentctl flow propose k7x -m "flow: check clients reconnected after a database failover"`,
		Args:    exactArgs(1, "one incident ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.Flags().Changed("message") && strings.TrimSpace(message) == "" {
				return usageMsg("flow.empty_message")
			}
			ws, err := app.open()
			if err != nil {
				return err
			}
			p, err := ws.ProposeFlow(args[0], message)
			if err != nil {
				return err
			}
			app.warn(p.Warnings)
			push := fmt.Sprintf("git push %s %s", shellQuote(p.Remote), shellQuote(p.Branch))
			pr := fmt.Sprintf("gh pr create --base %s --head %s --title %s --body %s",
				shellQuote(p.BaseBranch), shellQuote(p.Branch), shellQuote(p.Subject), shellQuote(p.Body))
			if app.JSON {
				w := p.Warnings
				if w == nil {
					w = []string{}
				}
				return app.printJSON(ProposalJSON{ID: p.ID, Branch: p.Branch, Base: p.BaseBranch, Commit: p.Commit,
					Files: p.Files, Postmortem: p.Postmortem, PushCommand: push, PRCommand: pr, Warnings: w})
			}
			fmt.Fprintln(app.Err, app.P.T("learn.proposed", "Files", strings.Join(p.Files, ", "), "Branch", p.Branch, "Commit", p.Commit[:7], "Base", p.BaseBranch))
			fmt.Fprintln(app.Err, app.P.T("learn.proposed_keep", "Files", strings.Join(shellQuoteAll(p.Files), " ")))
			fmt.Fprintln(app.Err, app.P.T("learn.proposed_next"))
			fmt.Fprintln(app.Out, push)
			fmt.Fprintln(app.Out, pr)
			return nil
		},
	}
	cmd.Flags().StringVarP(&message, "message", "m", "", i18n.Text("flag.flow.message"))
	return cmd
}

// shellQuote quotes a word for a POSIX shell: single quotes, with embedded ones closed and
// escaped.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@+,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func shellQuoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = shellQuote(s)
	}
	return out
}

// FlowChangeJSON is one entry of `flow log --json`.
type FlowChangeJSON struct {
	Commit       string    `json:"commit"`
	Date         time.Time `json:"date"`
	Author       string    `json:"author"`
	Subject      string    `json:"subject"`
	Incidents    []string  `json:"incidents"`
	Postmortems  []string  `json:"postmortems"`
	DeclaredWith int       `json:"declared_with"`
	Template     string    `json:"template"`
	Files        []string  `json:"files"`
}

func toFlowChangeJSON(c workspace.FlowChange) FlowChangeJSON {
	out := FlowChangeJSON{Commit: c.Commit, Date: c.Date, Author: c.Author, Subject: c.Subject,
		Incidents: c.Cites.Incidents, Postmortems: c.Cites.Postmortems, DeclaredWith: c.Declared,
		Template: c.Template, Files: c.Files}
	for _, p := range []*[]string{&out.Incidents, &out.Postmortems, &out.Files} {
		if *p == nil {
			*p = []string{}
		}
	}
	return out
}

func newFlowLogCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "log",
		Short: app.P.T("flow.log.short"),
		Long:  app.P.T("flow.log.long"),
		Example: `  incidentctl flow log
  incidentctl flow log --json`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := app.open()
			if err != nil {
				return err
			}
			lessGC()
			log, err := ws.FlowLog()
			if err != nil {
				return err
			}
			if app.JSON {
				out := make([]FlowChangeJSON, len(log.Changes))
				for i, c := range log.Changes {
					out[i] = toFlowChangeJSON(c)
				}
				return app.printJSON(out)
			}
			if len(log.Changes) == 0 {
				fmt.Fprintln(app.Err, app.P.T("learn.flow_log_none", "Path", ws.Config.ActionList))
			}
			for i, c := range log.Changes {
				if i > 0 {
					fmt.Fprintln(app.Out)
				}
				writeFlowChange(app.Out, app.P, c)
			}
			if n := len(log.Other); n > 0 {
				fmt.Fprintln(app.Out, "\n"+app.P.T("learn.flow_log_other", "Count", n))
			}
			return nil
		},
	}
}

func writeFlowChange(w io.Writer, p *i18n.Printer, c workspace.FlowChange) {
	fmt.Fprintln(w, p.T("learn.flow_log_by", "Commit", c.Commit[:7], "Date", display.Time(c.Date), "Author", c.Author))
	fmt.Fprintf(w, "    %s\n", c.Subject)
	if c.Cites.Empty() {
		fmt.Fprintf(w, "    %s\n", p.T("learn.flow_log_cites_none"))
	} else {
		fmt.Fprintln(w, "    "+p.T("learn.flow_log_cites", "Cites", strings.Join(append(append([]string{}, c.Cites.Incidents...), c.Cites.Postmortems...), ", ")))
	}
	fmt.Fprintln(w, "    "+p.T("learn.flow_log_declared", "Count", c.Declared))
}

// FlowDiffJSON is `flow diff --json`.
type FlowDiffJSON struct {
	ID      string           `json:"id"`
	Path    string           `json:"path"`
	From    string           `json:"from"`
	To      string           `json:"to"`
	Changes []FlowChangeJSON `json:"changes"`
	Diff    string           `json:"diff"`
}

func newFlowDiffCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "diff <id>",
		Short: app.P.T("flow.diff.short"),
		Long:  app.P.T("flow.diff.long"),
		Example: `  incidentctl flow diff k7x
  incidentctl flow diff k7x --json`,
		Args: exactArgs(1, "one incident ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := app.open()
			if err != nil {
				return err
			}
			lessGC()
			d, err := ws.FlowDiff(args[0])
			if err != nil {
				return err
			}
			if app.JSON {
				out := FlowDiffJSON{ID: d.ID, Path: d.Path, From: d.From, To: d.To, Changes: []FlowChangeJSON{}, Diff: d.Diff}
				for _, c := range d.Changes {
					out.Changes = append(out.Changes, toFlowChangeJSON(c))
				}
				return app.printJSON(out)
			}
			if d.Diff == "" {
				fmt.Fprintln(app.Out, app.P.T("learn.flow_diff_same", "ID", d.ID, "Commit", short7(d.To)))
				return nil
			}
			fmt.Fprintln(app.Out, app.P.T("learn.flow_diff_header", "ID", d.ID, "Path", d.Path, "From", short7(d.From), "To", short7(d.To)))
			if len(d.Changes) > 0 {
				fmt.Fprint(app.Out, "\n"+app.P.T("learn.flow_diff_since", "Count", len(d.Changes))+"\n\n")
				for i, c := range d.Changes {
					if i > 0 {
						fmt.Fprintln(app.Out)
					}
					writeFlowChange(app.Out, app.P, c)
				}
			}
			fmt.Fprintln(app.Out)
			fmt.Fprint(app.Out, d.Diff)
			return nil
		},
	}
}

// lessGC: a walk of the whole history reads every commit and root tree once and keeps little;
// collecting less often saves a fifth of its time (GOGC overrides it).
func lessGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
}

func short7(h string) string {
	h = strings.TrimPrefix(h, "builtin:")
	if len(h) > 7 {
		return h[:7]
	}
	return h
}
