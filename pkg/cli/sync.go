package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/sync"
	"github.com/incidentctl/incidentctl/pkg/workspace"
)

func newSyncCmd(app *App) *cobra.Command {
	var remote string
	cmd := &cobra.Command{
		Use:   "sync [--remote <name>]",
		Short: app.P.T("sync.short"),
		Long: `Fetch the branch from the remote, bring in what others pushed, and push your commits; when
somebody pushed first, do it again (with a short, growing pause) until the push lands.
It never force-pushes.

Incident documents changed on both sides merge field by field: the log gets every entry of
both sides once, in time order; a field changed on one side takes that change, changed on both
sides takes the later one (both stay in the log), except the severity, which keeps the more
severe; a check box checked or unchecked on one side takes that change. What people should
know about (a severity kept over a concurrent de-escalation) is printed as a note and logged.
A document holding git conflict markers is never pushed.
Text edited on both sides in the same place, or any other file changed on both sides, stops
the sync with a message that says what to do; nothing is changed then, and your commits stay
on your branch until they are pushed.

Only the files that changed are written, and only if you have no uncommitted changes in them;
your other work in progress is left alone. The remote is origin unless .incidentctl.yaml says
otherwise (sync: remote: <name>); with sync: auto: true every change is synced as if --sync were
given. HTTPS remotes use a token from the environment, sent only over HTTPS and only to its
hosts: GITHUB_TOKEN and GH_TOKEN to github.com, GITLAB_TOKEN to gitlab.com, INCIDENTCTL_TOKEN to
the hosts listed under sync: credentials: in .incidentctl.yaml (which can list others for each).
SSH remotes use your ssh-agent.`,
		Example: `  incidentctl sync
  incidentctl sync --remote upstream
  incidentctl log k7x "rolled back deploy 1234" --sync`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := app.open()
			if err != nil {
				return err
			}
			res, err := ws.Sync(workspace.SyncOptions{Remote: remote, Progress: app.progress()})
			if err != nil {
				var u *sync.UnreachableError
				if errors.As(err, &u) {
					return i18n.Errorf("sync.unreachable", "Error", err)
				}
				return err
			}
			if app.JSON {
				return app.printJSON(syncJSON(res))
			}
			fmt.Fprintln(app.Err, describeSync(app.P, res))
			app.syncNotes(res)
			return nil
		},
	}
	cmd.Flags().StringVar(&remote, "remote", "", i18n.Text("flag.sync.remote"))
	return cmd
}

// syncJSON fills empty lists so the JSON has [] rather than null.
func syncJSON(res *sync.Result) *sync.Result {
	if res.Merged == nil {
		res.Merged = []string{}
	}
	if res.Updated == nil {
		res.Updated = []string{}
	}
	if res.Notes == nil {
		res.Notes = []string{}
	}
	return res
}

// syncNotes says what the merge decided that people should know (a severity kept over a
// concurrent de-escalation, a check box checked on one side and unchecked on the other).
func (app *App) syncNotes(res *sync.Result) {
	for _, n := range res.Notes {
		fmt.Fprintln(app.Err, app.P.T("sync.note", "Note", n))
	}
}

// describeSync says in one line what a sync did.
func describeSync(t *i18n.Printer, res *sync.Result) string {
	tracking := res.Remote + "/" + res.RemoteBranch
	if res.InSync() {
		if res.Commit == "" {
			return t.T("sync.nothing", "Branch", res.Branch, "Tracking", tracking)
		}
		return t.T("sync.already", "Tracking", tracking, "Commit", res.Commit[:7])
	}
	var parts []string
	switch {
	case res.Merges > 0 && len(res.Merged) > 0:
		parts = append(parts, t.T("sync.merged_docs", "Count", len(res.Merged), "Paths", strings.Join(res.Merged, ", ")))
	case res.Merges > 0:
		parts = append(parts, t.T("sync.merged", "Tracking", tracking))
	case res.FastForwards > 0:
		parts = append(parts, t.T("sync.fast_forwarded", "Tracking", tracking))
	}
	if n := len(res.Updated); n > 0 {
		parts = append(parts, t.T("sync.updated", "Count", n))
	}
	if res.Pushed {
		parts = append(parts, t.T("sync.pushed", "Commit", res.Commit[:7]))
	}
	return t.T("sync.synced", "Branch", res.Branch, "Tracking", tracking, "Parts", strings.Join(parts, "; "))
}

// progress is where the remote's progress goes: stderr, when it is a terminal someone watches.
func (app *App) progress() io.Writer {
	w := app.Err
	if s, ok := w.(*safeWriter); ok {
		w = s.w
	}
	if f, ok := w.(*os.File); ok && isTerminal(f) {
		return &safeWriter{w: f, cr: true} // a remote's progress is text from elsewhere too
	}
	return nil
}

const syncFlag = "sync"

// addSyncFlag gives a write command --sync: share the change right after committing it.
func addSyncFlag(cmd *cobra.Command) {
	cmd.Flags().Bool(syncFlag, false, i18n.Text("flag.sync"))
}

// shareChange runs after a command succeeded (the root's PersistentPostRunE): a command with
// --sync that was given it, or that runs where sync.auto is on, shares its commit. An
// unreachable remote is only a warning: the commit is made, and the next sync delivers it.
func (app *App) shareChange(cmd *cobra.Command, args []string) error {
	flag := cmd.Flags().Lookup(syncFlag)
	if flag == nil {
		return nil
	}
	ws, err := app.open()
	if err != nil {
		return err
	}
	want, _ := cmd.Flags().GetBool(syncFlag)
	if !flag.Changed {
		want = ws.AutoSync()
	}
	if !want {
		return nil
	}
	// A change during an incident must not hang on a dead network: the commit is made already.
	res, err := ws.Sync(workspace.SyncOptions{Progress: app.progress(), Timeout: 20 * time.Second})
	var u *sync.UnreachableError
	switch {
	case errors.As(err, &u):
		fmt.Fprintf(app.Err, "%s: %s\n", app.P.T("warning"), app.P.T("sync.not_shared", "Error", oneLine(u.Error())))
		return nil
	case err != nil:
		return i18n.Errorf("sync.share_failed", "Error", err)
	}
	fmt.Fprintln(app.Err, describeSync(app.P, res))
	app.syncNotes(res)
	return nil
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
