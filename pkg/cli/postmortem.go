package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/incidentctl/incidentctl/pkg/postmortem"
	"github.com/incidentctl/incidentctl/pkg/workspace"
)

// learnText is every sentence the postmortem, followup and flow commands print for people, in
// one place (another language is another table).
var learnText = struct {
	Drafted, DraftedNext, Updated               string
	FollowupAdded, FollowupDone, FollowupsNone  string
	FollowupHeader                              []string
	OverdueFollowups, OverdueMore, OverdueLine  string
	Proposed, ProposedNext, ProposedKeep        string
	FlowLogNone, FlowLogDeclared, FlowLogOther  string
	FlowLogCites, FlowLogCitesNone, FlowLogBy   string
	FlowDiffSame, FlowDiffHeader, FlowDiffSince string
	Open, Done, Overdue                         string
}{
	Drafted:          "Drafted the postmortem of %s (commit %s); the incident's log links it.",
	Updated:          "Updated %s: status %s (commit %s).",
	DraftedNext:      "Next: write its prose sections, then record what it decides: incidentctl followup add %s \"<what>\" --owner <name> --due <date>",
	FollowupAdded:    "Added follow-up %s to %s (commit %s).",
	FollowupDone:     "Follow-up %s is done (commit %s).",
	FollowupsNone:    "No follow-ups match.",
	FollowupHeader:   []string{"ID", "DUE", "OWNER", "KIND", "STATUS", "TEXT"},
	OverdueFollowups: "Overdue follow-ups: %d",
	OverdueMore:      "… %d more: incidentctl followup list --overdue",
	OverdueLine:      "%s  due %s  %s  %s",
	Proposed:         "Committed %s on the new branch %s (commit %s); your branch %s and your working copy are unchanged.",
	ProposedNext:     "Open the pull request:",
	ProposedKeep:     "The changes stay in your working copy too: discard them (git restore %s) once the branch is pushed, or keep editing.",
	FlowLogNone:      "The flow has no history yet: %s is not committed.",
	FlowLogDeclared:  "declared with it: %d",
	FlowLogOther:     "Declared with a version no commit here made (the built-in default, or history this clone lacks): %d",
	FlowLogCites:     "cites: %s",
	FlowLogCitesNone: "cites no incident or postmortem",
	FlowLogBy:        "%s  %s  %s",
	FlowDiffSame:     "%s was rendered from the action list at HEAD (%s): nothing has changed since.",
	FlowDiffHeader:   "%s was rendered from %s %s; HEAD has %s.",
	FlowDiffSince:    "Changes since (%d):",
	Open:             "open",
	Done:             "done",
	Overdue:          "OVERDUE",
}

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
}

func newPostmortemCmd(app *App) *cobra.Command {
	var o workspace.PostmortemOptions
	var meeting, status string
	cmd := &cobra.Command{
		Use:   "postmortem <id> [--owner <name>] [--meeting <time>] [--draft] [--force] [--status draft|in-review|final]",
		Short: app.P.T("postmortem.short"),
		Long: `Draft the postmortem of a resolved incident as postmortems/YYYY/MM/<id>-<slug>.md and commit
it together with the incident's log entry "postmortem: <path>" (one commit of both files).

The draft is filled from the record: summary, impact, severity history, responders (every
incident commander with their time in command, the roles), durations from declaration to
resolution, a timeline of the log with offsets from the declaration, and the action-list
review (required actions skipped, time boxes met or missed and by how much, actions added by
escalation). What went well, what went wrong, where you got lucky and the contributing factors
are left for the team to write. The body comes from templates/postmortem.md as committed at
HEAD (the built-in default when the repository has none); the front matter holds incident,
status (draft, in-review, final), owner, meeting and the follow-ups.

--draft starts one for an incident that is still open. An incident that already has a
postmortem in the repository is refused (the message says where it is); one whose log links a
postmortem elsewhere (a URL) needs --force.

--status moves an existing postmortem along (draft → in-review → final) in one commit of the
postmortem; --owner and --meeting given with it change those too.`,
		Example: `  incidentctl postmortem k7x
  incidentctl postmortem k7x --owner alice --meeting 2026-11-25T14:00:00+09:00
  incidentctl postmortem k7x --draft --json
  incidentctl postmortem k7x --status final`,
		Args: exactArgs(1, "one incident ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
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
			fmt.Fprintf(app.Err, learnText.Drafted+"\n", res.ID, res.Commit[:7])
			fmt.Fprintf(app.Err, learnText.DraftedNext+"\n", shortRef(res.ID))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Owner, "owner", "", "who owns the postmortem, `<name>` (default: you)")
	f.StringVar(&meeting, "meeting", "", "when the review meeting is, `<time>`: \"2026-11-25 14:00\" (local time) or RFC 3339")
	f.BoolVar(&o.Draft, "draft", false, "draft one for an incident that is not resolved yet")
	f.BoolVar(&o.Force, "force", false, "draft one although the incident links a postmortem elsewhere (a URL)")
	f.StringVar(&status, "status", "", "move an existing postmortem to `<status>`: draft, in-review or final")
	f.BoolVar(&o.IncludeEdits, "include-edits", false, "also commit uncommitted hand edits of the incident file (with --status: of the postmortem)")
	addSyncFlag(cmd)
	return cmd
}

// updatePostmortem is `postmortem <id> --status <status>`.
func (app *App) updatePostmortem(cmd *cobra.Command, ws *workspace.Workspace, ref, status string, o workspace.PostmortemOptions) error {
	if cmd.Flags().Changed("draft") || cmd.Flags().Changed("force") {
		return usageErr("--status changes an existing postmortem; --draft and --force are for drafting one")
	}
	u := workspace.PostmortemUpdate{Meeting: o.Meeting, IncludeEdits: o.IncludeEdits}
	u.Status = &status
	if cmd.Flags().Changed("owner") {
		u.Owner = &o.Owner
	}
	if !postmortem.ValidStatus(status) {
		return usageErr("--status %q: use one of %s", status, strings.Join(postmortem.Statuses, ", "))
	}
	res, err := ws.UpdatePostmortem(ref, u)
	if err != nil {
		return err
	}
	if app.JSON {
		return app.printJSON(PostmortemJSON{ID: res.ID, Path: res.Path, Commit: res.Commit, Warnings: []string{}})
	}
	fmt.Fprintf(app.Err, learnText.Updated+"\n", res.Path, res.Doc.Meta.Status, res.Commit[:7])
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
	return time.Time{}, usageErr("--meeting %q: use a time like \"2026-11-25 14:00\" (local time) or 2026-11-25T14:00:00+09:00", s)
}
