package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
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
		Long:  app.P.T("sync.long"),
		Example: `  incidentctl sync
  incidentctl sync --remote upstream
  incidentctl log k7x "rolled back deploy 1234" --sync`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := app.open()
			if err != nil {
				return err
			}
			syncGC()
			res, err := ws.Sync(workspace.SyncOptions{Remote: remote, Progress: app.progress()})
			defer app.housekeep(ws) // as git fetch does, whether or not the sync went through
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

// syncGC has the collector run at twice its usual pace for a sync (unless GOGC says otherwise):
// what a sync allocates is short-lived (the received pack's objects as deltas are applied,
// the documents merged), and the time goes to the network and the remote, so the heap's size
// is the cost that shows. At 100,000 incidents the 50-commit merge peaked at 63–64 MB at the
// default pace and 60 MB at GOGC 50 in the round that tried it, and at 58–61 / 59 MB in the
// next (BENCHMARKS.md, "sync @100k memory"): a megabyte or three, against a bound of 60 MB.
func syncGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(50)
	}
}

// shareChange runs after a command succeeded (the root's PersistentPostRunE): a command with
// --sync that was given it, or that runs where sync.auto is on, shares its commit. An
// unreachable remote is only a warning: the commit is made, and the next sync delivers it.
// Then, as git commit does, a command that committed runs git's automatic maintenance when it
// is due (housekeep; sync runs it itself).
func (app *App) shareChange(cmd *cobra.Command, args []string) error {
	err := app.shareIfAsked(cmd)
	if ws := app.opened; ws != nil && cmd.CommandPath() != "incidentctl sync" && ws.Changed(processStart) {
		app.housekeep(ws)
	}
	return err
}

// processStart is when this process started: a change since then is this command's.
var processStart = time.Now()

// housekeep runs git's automatic maintenance when it is due (workspace.Housekeep). Whatever
// happens, the command's own result stands: a failure of git is a warning.
func (app *App) housekeep(ws *workspace.Workspace) {
	m := ws.Housekeep(func(m workspace.Maintenance) {
		if !m.Passed() || app.JSON {
			return // maintenance tasks git evaluates each time: as quiet as git commit --quiet
		}
		why := app.P.T("maintenance.why_loose", "Count", m.Loose, "Limit", m.LooseLimit)
		if m.PackLimit > 0 && m.Packs > m.PackLimit {
			why = app.P.T("maintenance.why_packs", "Count", m.Packs, "Limit", m.PackLimit)
		}
		id := "maintenance.background"
		if !m.Detach {
			id = "maintenance.foreground"
		}
		fmt.Fprintln(app.Err, app.P.T(id, "Why", why))
	})
	switch {
	case m.Err != nil:
		fmt.Fprintf(app.Err, "%s: %s\n", app.P.T("warning"), app.P.T("maintenance.failed", "Error", oneLine(m.Output)))
	case m.Output != "":
		fmt.Fprintf(app.Err, "%s: %s\n", app.P.T("warning"), app.P.T("maintenance.said", "Output", oneLine(m.Output)))
	}
}

// shareIfAsked is shareChange's sync: --sync, or sync.auto.
func (app *App) shareIfAsked(cmd *cobra.Command) error {
	flag := cmd.Flags().Lookup(syncFlag)
	if flag == nil {
		return nil
	}
	// The command's own workspace: opening it again would read the git configs, the settings
	// file and HEAD a second time for the same answers (~0.65 M instructions of a log).
	ws := app.opened
	if ws == nil {
		var err error
		if ws, err = app.open(); err != nil {
			return err
		}
	}
	want, _ := cmd.Flags().GetBool(syncFlag)
	if !flag.Changed {
		want = ws.AutoSync()
	}
	if !want {
		return nil
	}
	syncGC()
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
