package cli

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/incidentctl/incidentctl/pkg/display"
	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/postmortem"
	"github.com/incidentctl/incidentctl/pkg/workspace"
)

// FollowupJSON is the JSON contract for one follow-up (followup list --json, and add/done).
type FollowupJSON struct {
	ID         string     `json:"id"`
	Incident   string     `json:"incident"`
	Text       string     `json:"text"`
	Owner      string     `json:"owner"`
	Due        string     `json:"due"`
	Kind       string     `json:"kind"`
	Link       string     `json:"link"`
	Done       bool       `json:"done"`
	DoneAt     *time.Time `json:"done_at"`
	Overdue    bool       `json:"overdue"`
	Postmortem string     `json:"postmortem"`
}

// FollowupWriteJSON is what followup add and done print with --json.
type FollowupWriteJSON struct {
	FollowupJSON
	Commit string `json:"commit"`
}

func toFollowupJSON(f workspace.Followup) FollowupJSON {
	return FollowupJSON{ID: f.ID, Incident: f.Incident, Text: f.Text, Owner: f.Owner, Due: f.Due, Kind: f.Kind,
		Link: f.Link, Done: f.Done, DoneAt: f.DoneAt, Overdue: f.Overdue, Postmortem: f.Path}
}

func newFollowupCmd(app *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "followup <add|done|list>",
		Short: app.P.T("followup.short"),
		Long:  app.P.T("followup.long"),
		Example: `  incidentctl followup add k7x "Alert on replica lag" --owner bob --due 2026-12-15 --kind detect
  incidentctl followup done k7xqm-F1 --link https://github.com/acme/ops/pull/42
  incidentctl followup list --open --owner bob`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageMsg("followup.unknown_command", "Command", strconv.Quote(args[0]))
			}
			return usageMsg("followup.no_command")
		},
		RunE: func(cmd *cobra.Command, args []string) error { return nil },
	}
	cmd.AddCommand(newFollowupAddCmd(app), newFollowupDoneCmd(app), newFollowupListCmd(app))
	return cmd
}

func newFollowupAddCmd(app *App) *cobra.Command {
	var in workspace.FollowupInput
	var due string
	cmd := &cobra.Command{
		Use:   "add <id> <text> --owner <name> --due <date> [--kind prevent|detect|mitigate|process] [--link <url>]",
		Short: app.P.T("followup.add.short"),
		Long:  app.P.T("followup.add.long"),
		Example: `  incidentctl followup add k7x "Alert on replica lag above 30 s" --owner bob --due 2026-12-15 --kind detect
  incidentctl followup add k7x "Practise the failover in a drill" --owner carol --due 4w --kind process`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) < 2 {
				return usageMsg("followup.add_args")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(in.Owner) == "" {
				return usageMsg("followup.no_owner")
			}
			if !cmd.Flags().Changed("due") {
				return usageMsg("followup.no_due")
			}
			d, err := postmortem.ParseDue(due, app.Now())
			if err != nil {
				return usageMsg("followup.due_flag", "Error", err)
			}
			in.Due = d
			in.Kind = strings.ToLower(strings.TrimSpace(in.Kind))
			if !postmortem.ValidKind(in.Kind) {
				return usageMsg("followup.bad_kind", "Kind", strconv.Quote(in.Kind), "Known", strings.Join(postmortem.Kinds, ", "))
			}
			in.Text = strings.Join(args[1:], " ")
			ws, err := app.open()
			if err != nil {
				return err
			}
			res, err := ws.AddFollowup(args[0], in)
			if err != nil {
				return err
			}
			if app.JSON {
				return app.printJSON(FollowupWriteJSON{toFollowupJSON(res.Followup), res.Commit})
			}
			fmt.Fprintln(app.Out, res.Followup.ID)
			fmt.Fprintln(app.Err, app.P.T("learn.followup_added", "ID", res.Followup.ID, "Path", res.Path, "Commit", res.Commit[:7]))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&in.Owner, "owner", "", i18n.Text("flag.followup.add.owner"))
	f.StringVar(&due, "due", "", i18n.Text("flag.followup.add.due"))
	f.StringVar(&in.Kind, "kind", "", i18n.Text("flag.followup.add.kind"))
	f.StringVar(&in.Link, "link", "", i18n.Text("flag.followup.add.link"))
	f.BoolVar(&in.IncludeEdits, "include-edits", false, i18n.Text("flag.followup.include_edits"))
	addSyncFlag(cmd)
	return cmd
}

func newFollowupDoneCmd(app *App) *cobra.Command {
	var link string
	var includeEdits bool
	cmd := &cobra.Command{
		Use:   "done <followup-id> [--link <url>]",
		Short: app.P.T("followup.done.short"),
		Long:  app.P.T("followup.done.long"),
		Example: `  incidentctl followup done 261123-k7xqm-F1
  incidentctl followup done k7xqm-F2 --link https://github.com/acme/ops/pull/42`,
		Args: exactArgs(1, "one follow-up ID (<incident id>-F<n>)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, _, ok := postmortem.SplitFollowupID(args[0]); !ok {
				return usageMsg("followup.bad_id", "ID", strconv.Quote(args[0]))
			}
			ws, err := app.open()
			if err != nil {
				return err
			}
			res, err := ws.DoneFollowup(args[0], link, includeEdits)
			if err != nil {
				return err
			}
			if app.JSON {
				return app.printJSON(FollowupWriteJSON{toFollowupJSON(res.Followup), res.Commit})
			}
			fmt.Fprintln(app.Err, app.P.T("learn.followup_done", "ID", res.Followup.ID, "Commit", res.Commit[:7]))
			return nil
		},
	}
	cmd.Flags().StringVar(&link, "link", "", i18n.Text("flag.followup.done.link"))
	cmd.Flags().BoolVar(&includeEdits, "include-edits", false, i18n.Text("flag.followup.include_edits"))
	addSyncFlag(cmd)
	return cmd
}

func newFollowupListCmd(app *App) *cobra.Command {
	var f workspace.FollowupFilter
	cmd := &cobra.Command{
		Use:   "list [--open] [--overdue] [--owner <name>]",
		Short: app.P.T("followup.list.short"),
		Long:  app.P.T("followup.list.long"),
		Example: `  incidentctl followup list --open
  incidentctl followup list --overdue --json
  incidentctl followup list --owner bob`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := app.open()
			if err != nil {
				return err
			}
			if app.JSON {
				// One follow-up at a time: the postmortems of 100,000 incidents hold tens of
				// thousands. Unreadable postmortems are reported after the listing.
				out := app.jsonStream()
				errs, err := ws.EachFollowup(f, func(it workspace.Followup) error {
					b, err := encodeElement(toFollowupJSON(it))
					if err != nil {
						return err
					}
					return out.add(b)
				})
				if err == nil {
					err = out.close()
				}
				app.warnSkipped(errs)
				return err
			}
			items, errs, err := ws.Followups(f)
			if err != nil {
				return err
			}
			app.warnSkipped(errs)
			if len(items) == 0 {
				fmt.Fprintln(app.Err, app.P.T("learn.followups_none"))
				return nil
			}
			writeFollowups(app.Out, app.P, items)
			return nil
		},
	}
	cmd.Flags().BoolVar(&f.Open, "open", false, i18n.Text("flag.followup.list.open"))
	cmd.Flags().BoolVar(&f.Overdue, "overdue", false, i18n.Text("flag.followup.list.overdue"))
	cmd.Flags().StringVar(&f.Owner, "owner", "", i18n.Text("flag.followup.list.owner"))
	return cmd
}

// writeFollowups prints follow-ups as a table.
func writeFollowups(w io.Writer, p *i18n.Printer, items []workspace.Followup) {
	tw := display.NewTabWriter(w, 2) // aligned by display width: names may be Japanese
	fmt.Fprintln(tw, p.T("learn.followup_header"))
	for _, it := range items {
		status := p.T("learn.open")
		switch {
		case it.Done:
			status = p.T("learn.done")
		case it.Overdue:
			status = p.T("learn.overdue")
		}
		kind := it.Kind
		if kind == "" {
			kind = "—"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", it.ID, orNone(it.Due), orNone(it.Owner), kind, status, it.Text)
	}
	tw.Flush()
}

// boardFollowups is how many overdue follow-ups the board lists; followup list shows them all.
const boardFollowups = 5

// writeOverdueFollowups is the board's line of overdue follow-ups (nothing when there are none),
// found through the open follow-ups cache (Board: see workspace/followupset.go).
// It never fails the board: unreadable postmortems are lint's business.
func writeOverdueFollowups(app *App, ws *workspace.Workspace, leadingBlank bool) {
	items, _, err := ws.Followups(workspace.FollowupFilter{Overdue: true, Board: true})
	if err != nil || len(items) == 0 {
		return
	}
	slices.SortStableFunc(items, func(a, b workspace.Followup) int { return strings.Compare(a.Due, b.Due) })
	p := app.palette()
	if leadingBlank {
		fmt.Fprintln(app.Out)
	}
	fmt.Fprintln(app.Out, p.paint(red, app.P.T("learn.overdue_followups", "Count", len(items))))
	for i, it := range items {
		if i == boardFollowups {
			fmt.Fprintln(app.Out, "  "+app.P.T("learn.overdue_more", "Count", len(items)-boardFollowups))
			break
		}
		fmt.Fprintln(app.Out, "  "+app.P.T("learn.overdue_line", "ID", it.ID, "Due", it.Due, "Owner", orNone(it.Owner), "Text", it.Text))
	}
}
