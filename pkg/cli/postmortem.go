package cli

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/postmortem"
	"github.com/incidentctl/incidentctl/pkg/workspace"
)

// Every sentence the postmortem, followup and flow commands print for people is in the
// catalogue (pkg/i18n, IDs learn.*).

// PostmortemJSON is `postmortem --json`.
type PostmortemJSON struct {
	ID           string   `json:"id"`
	Path         string   `json:"path"`
	Commit       string   `json:"commit"`
	IncidentPath string   `json:"incident_path"`
	Warnings     []string `json:"warnings"`
	// Incident is the incident after the draft linked it (postmortem: <path> in its log); absent
	// for --status, which changes the postmortem only.
	Incident *IncidentJSON `json:"incident,omitempty"`
	// Refreshed names the blocks --refresh made again; absent when none changed (there is no
	// commit then either) and for the other forms.
	Refreshed []string `json:"refreshed,omitempty"`
}

func newPostmortemCmd(app *App) *cobra.Command {
	var o workspace.PostmortemOptions
	var meeting, status string
	var refresh bool
	cmd := &cobra.Command{
		Use:   "postmortem <id> [--owner <name>] [--meeting <time>] [--draft] [--force] [--status draft|in-review|final] [--refresh]",
		Short: app.P.T("postmortem.short"),
		Long:  app.P.T("postmortem.long"),
		Example: `  incidentctl postmortem k7x
  incidentctl postmortem k7x --owner alice --meeting 2026-11-25T14:00:00+09:00
  incidentctl postmortem k7x --draft --json
  incidentctl postmortem k7x --status final
  incidentctl postmortem k7x --refresh`,
		Args: exactArgs(1, "one incident ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if refresh {
				for _, other := range []string{"status", "draft", "force", "owner", "meeting"} {
					if cmd.Flags().Changed(other) {
						return usageErr("--refresh makes the record's parts of an existing postmortem again; --%s cannot go with it", other)
					}
				}
			}
			if meeting != "" {
				t, err := parseMeeting(meeting, app.Now())
				if err != nil {
					return err
				}
				o.Meeting = &t
			}
			ws, err := app.open()
			if err != nil {
				return err
			}
			if cmd.Flags().Changed("status") {
				return app.updatePostmortem(cmd, ws, args[0], status, o)
			}
			if refresh {
				return app.refreshPostmortem(ws, args[0], o.IncludeEdits)
			}
			res, err := ws.Postmortem(args[0], o)
			if err != nil {
				return err
			}
			app.warn(res.Warnings)
			if app.JSON {
				w := res.Warnings
				if w == nil {
					w = []string{}
				}
				out := PostmortemJSON{ID: res.ID, Path: res.Path, Commit: res.Commit, IncidentPath: res.IncidentPath, Warnings: w}
				if d, err := ws.Load(res.ID); err == nil {
					inc := app.toIncidentJSON(d)
					out.Incident = &inc
				}
				return app.printJSON(out)
			}
			fmt.Fprintln(app.Out, res.Path)
			fmt.Fprintln(app.Err, app.P.T("learn.drafted", "ID", res.ID, "Commit", res.Commit[:7]))
			fmt.Fprintln(app.Err, app.P.T("learn.drafted_next", "Ref", shortRef(res.ID)))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Owner, "owner", "", i18n.Text("flag.postmortem.owner"))
	f.StringVar(&meeting, "meeting", "", i18n.Text("flag.postmortem.meeting"))
	f.BoolVar(&o.Draft, "draft", false, i18n.Text("flag.postmortem.draft"))
	f.BoolVar(&o.Force, "force", false, i18n.Text("flag.postmortem.force"))
	f.StringVar(&status, "status", "", i18n.Text("flag.postmortem.status"))
	f.BoolVar(&refresh, "refresh", false, i18n.Text("flag.postmortem.refresh"))
	f.BoolVar(&o.IncludeEdits, "include-edits", false, i18n.Text("flag.postmortem.include_edits"))
	addSyncFlag(cmd)
	return cmd
}

// updatePostmortem is `postmortem <id> --status <status>`.
func (app *App) updatePostmortem(cmd *cobra.Command, ws *workspace.Workspace, ref, status string, o workspace.PostmortemOptions) error {
	if cmd.Flags().Changed("draft") || cmd.Flags().Changed("force") {
		return usageMsg("postmortem.status_and_draft")
	}
	u := workspace.PostmortemUpdate{Meeting: o.Meeting, IncludeEdits: o.IncludeEdits}
	u.Status = &status
	if cmd.Flags().Changed("owner") {
		u.Owner = &o.Owner
	}
	if !postmortem.ValidStatus(status) {
		return usageMsg("postmortem.bad_status", "Status", strconv.Quote(status), "Known", strings.Join(postmortem.Statuses, ", "))
	}
	res, err := ws.UpdatePostmortem(ref, u)
	if err != nil {
		return err
	}
	if app.JSON {
		return app.printJSON(PostmortemJSON{ID: res.ID, Path: res.Path, Commit: res.Commit, Warnings: []string{}})
	}
	fmt.Fprintln(app.Err, app.P.T("learn.updated", "Path", res.Path, "Status", res.Doc.Meta.Status, "Commit", res.Commit[:7]))
	return nil
}

// refreshPostmortem is `postmortem <id> --refresh`. A postmortem that already shows the record
// as it is is not an error: like `git pull` when up to date, it says so and exits 0.
func (app *App) refreshPostmortem(ws *workspace.Workspace, ref string, includeEdits bool) error {
	res, blocks, err := ws.RefreshPostmortem(ref, includeEdits)
	if errors.Is(err, workspace.ErrNothingToChange) {
		_, doc, ferr := ws.FindPostmortem(ref)
		if ferr != nil {
			return err
		}
		if app.JSON {
			return app.printJSON(PostmortemJSON{ID: doc.Meta.Incident, Path: doc.Path, Warnings: []string{}, Refreshed: []string{}})
		}
		fmt.Fprintln(app.Err, app.P.T("learn.refresh_same", "Path", doc.Path))
		return nil
	}
	if err != nil {
		return err
	}
	if app.JSON {
		return app.printJSON(PostmortemJSON{ID: res.ID, Path: res.Path, Commit: res.Commit, Warnings: []string{}, Refreshed: blocks})
	}
	fmt.Fprintln(app.Out, res.Path)
	fmt.Fprintln(app.Err, app.P.T("learn.refreshed", "Path", res.Path, "Blocks", strings.Join(blocks, ", "), "Commit", res.Commit[:7]))
	return nil
}

// parseMeeting reads --meeting: RFC 3339, or "YYYY-MM-DD HH:MM" in the local time zone.
func parseMeeting(s string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("2006-01-02 15:04", s, now.Location()); err == nil {
		return t, nil
	}
	return time.Time{}, usageMsg("postmortem.bad_meeting", "Value", strconv.Quote(s))
}
