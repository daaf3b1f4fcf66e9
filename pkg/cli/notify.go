package cli

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/incidentctl/incidentctl/pkg/notify"
	"github.com/incidentctl/incidentctl/pkg/workspace"
)

func newNotifyCmd(app *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "notify <status|flush|test>",
		Short: app.P.T("notify.short"),
		Long: `Changes to incidents are posted to the chat sinks listed under notify: in .incidentctl.yaml
(Slack, Mattermost, Microsoft Teams Workflows, Discord, or a generic JSON webhook): a
declaration, a change of severity, status or commander, an announcement, a resolution.

After its commit, a command queues one message per sink in the outbox
(<git dir>/incidentctl/outbox) and tries to post it for at most ~2 s; what cannot be posted
stays queued, with its attempt count, and every later command (or notify flush) tries again,
in order per incident. A message a service refuses for good (a 4xx other than 429) moves to
the outbox's failed/ folder.

Only what this clone commits is posted: a sync that brings in someone else's escalation does
not post it again. Drills are posted only to sinks with drills: true.`,
		Example: `  incidentctl notify status
  incidentctl notify flush
  incidentctl notify test war-room`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageErr("%s", textUnknownNotifyCommand(args[0]))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newNotifyStatusCmd(app), newNotifyFlushCmd(app), newNotifyTestCmd(app))
	return cmd
}

func newNotifyStatusCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: app.P.T("notify.status.short"),
		Long: `List the configured sinks (kind, host, where the URL comes from, whether they can post from
here and why not), the messages queued in the outbox (oldest first, with attempts and the last
error) and those the services refused (the failed/ folder).

--json prints {"outbox", "sinks", "queued", "failed"}.`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := app.open()
			if err != nil {
				return err
			}
			ob := ws.Outbox()
			queued, qp, err := ob.Queued()
			if err != nil {
				return err
			}
			failed, fp, err := ob.Failed()
			if err != nil {
				return err
			}
			app.warn(append(qp, fp...))
			st := notifyStatusJSON{Outbox: ob.Dir, Sinks: []sinkJSON{}, Queued: []itemJSON{}, Failed: []itemJSON{}}
			for _, s := range ws.Sinks() {
				st.Sinks = append(st.Sinks, toSinkJSON(s))
			}
			for _, it := range queued {
				st.Queued = append(st.Queued, toItemJSON(it))
			}
			for _, it := range failed {
				st.Failed = append(st.Failed, toItemJSON(it))
			}
			if app.JSON {
				return app.printJSON(st)
			}
			writeNotifyStatus(app.Out, st)
			return nil
		},
	}
}

func newNotifyFlushCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "flush",
		Short: app.P.T("notify.flush.short"),
		Long: `Post every queued message, oldest first per sink: a 429 is waited out for the time the
service asks (up to a minute), a 5xx is tried again after 1 s and 2 s, a refusal (another 4xx,
a redirect) moves the message to failed/. Exits 1 when something is still queued or was
refused, saying why.

--json prints {"delivered", "queued", "failed"}: the messages, with the last error.`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := app.open()
			if err != nil {
				return err
			}
			rep, warnings := ws.DeliverNotifications(workspace.DeliverOptions{Flush: true})
			app.warn(append(warnings, rep.Problems...))
			if rep.Busy {
				return errors.New(textOutboxBusy())
			}
			res := flushJSON{Delivered: []itemJSON{}, Queued: []itemJSON{}, Failed: []itemJSON{}}
			for _, o := range rep.Outcomes {
				j := toItemJSON(o.Item)
				j.Host, j.LastError = o.Host, o.Error
				switch o.State {
				case notify.StateDelivered:
					res.Delivered = append(res.Delivered, j)
				case notify.StateFailed:
					res.Failed = append(res.Failed, j)
				default:
					res.Queued = append(res.Queued, j)
				}
			}
			if app.JSON {
				if err := app.printJSON(res); err != nil {
					return err
				}
			} else {
				for _, line := range describeFlush(rep) {
					fmt.Fprintln(app.Err, line)
				}
			}
			if len(res.Queued)+len(res.Failed) > 0 {
				if app.JSON {
					return &SilentError{Code: ExitError}
				}
				return errors.New(flushFailure(len(res.Queued), len(res.Failed)))
			}
			return nil
		},
	}
}

func newNotifyTestCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "test <sink>",
		Short: app.P.T("notify.test.short"),
		Long: `Post a test message to one sink now (not through the outbox) and print the HTTP result,
so a new sink can be checked before an incident needs it. Exits 1 when the message was not
accepted.`,
		Example: `  incidentctl notify test war-room`,
		Args:    exactArgs(1, "the name of a sink (see incidentctl notify status)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := app.open()
			if err != nil {
				return err
			}
			sink, a, err := ws.TestNotification(args[0])
			var unknown *workspace.UnknownSinkError
			if errors.As(err, &unknown) {
				return usageErr("%v", err)
			}
			if err != nil {
				return err
			}
			ok := a.Verdict == notify.Delivered
			if app.JSON {
				if err := app.printJSON(testJSON{Sink: sink.Name, Kind: sink.Kind, Host: sink.Host(), Status: a.Status, OK: ok, Error: a.Error, Millis: a.Elapsed.Milliseconds()}); err != nil {
					return err
				}
				if !ok {
					return &SilentError{Code: ExitError}
				}
				return nil
			}
			if !ok {
				return errors.New(textTestRefused(sink, a))
			}
			fmt.Fprintln(app.Out, textTestAccepted(sink, a))
			return nil
		},
	}
}

// JSON shapes.

type notifyStatusJSON struct {
	Outbox string     `json:"outbox"`
	Sinks  []sinkJSON `json:"sinks"`
	Queued []itemJSON `json:"queued"`
	Failed []itemJSON `json:"failed"`
}

type sinkJSON struct {
	Name        string   `json:"name"`
	Kind        string   `json:"kind"`
	Host        string   `json:"host"`
	Source      string   `json:"source"`
	Ready       bool     `json:"ready"`
	Problem     string   `json:"problem"`
	Events      []string `json:"events"`
	MinSeverity string   `json:"min_severity"`
	Drills      bool     `json:"drills"`
}

func toSinkJSON(s *notify.Sink) sinkJSON {
	source := s.Source
	if source == "" && s.URLEnv != "" {
		source = "$" + s.URLEnv
	} else if source == "" {
		source = s.URLFile
	}
	events := s.Events
	if len(events) == 0 {
		events = notifyAllEvents()
	}
	return sinkJSON{Name: s.Name, Kind: s.Kind, Host: s.Host(), Source: source, Ready: s.Ready(), Problem: s.Problem, Events: events, MinSeverity: s.MinSeverity, Drills: s.Drills}
}

func notifyAllEvents() []string {
	return []string{notify.EventDeclared, notify.EventSeverity, notify.EventStatus, notify.EventCommander, notify.EventAnnouncement, notify.EventResolved}
}

type itemJSON struct {
	Key         string     `json:"key"`
	Sink        string     `json:"sink"`
	Kind        string     `json:"kind"`
	Host        string     `json:"host,omitempty"`
	Incident    string     `json:"incident"`
	Events      []string   `json:"events"`
	Title       string     `json:"title"`
	Created     time.Time  `json:"created"`
	Attempts    int        `json:"attempts"`
	LastAttempt *time.Time `json:"last_attempt"`
	LastError   string     `json:"last_error"`
	RetryAt     *time.Time `json:"retry_at"`
	NotBefore   *time.Time `json:"not_before"`
	FailedAt    *time.Time `json:"failed_at,omitempty"`
	File        string     `json:"file"`
}

func toItemJSON(it *notify.Item) itemJSON {
	return itemJSON{Key: it.Key, Sink: it.Sink, Kind: it.Kind, Incident: it.Incident, Events: it.Events, Title: it.Title,
		Created: it.Created, Attempts: it.Attempts, LastAttempt: it.LastAttempt, LastError: it.LastError,
		RetryAt: it.RetryAt, NotBefore: it.NotBefore, FailedAt: it.FailedAt, File: it.Name()}
}

type flushJSON struct {
	Delivered []itemJSON `json:"delivered"`
	Queued    []itemJSON `json:"queued"`
	Failed    []itemJSON `json:"failed"`
}

type testJSON struct {
	Sink   string `json:"sink"`
	Kind   string `json:"kind"`
	Host   string `json:"host"`
	Status int    `json:"status"`
	OK     bool   `json:"ok"`
	Error  string `json:"error"`
	Millis int64  `json:"elapsed_ms"`
}

// The texts of chat delivery and of the notify commands, in one place.

func textUnknownNotifyCommand(arg string) string {
	return fmt.Sprintf("unknown notify command %q: use notify status, notify flush or notify test <sink>", arg)
}

func textOutboxBusy() string {
	return "another incidentctl is delivering the outbox right now: run incidentctl notify flush again in a moment"
}

func testWhere(s *notify.Sink) string { return fmt.Sprintf("%s (%s, %s)", s.Name, s.Kind, s.Host()) }

func textTestRefused(s *notify.Sink, a notify.Attempt) string {
	return fmt.Sprintf("%s did not take the test message: %s", testWhere(s), a.Error)
}

func textTestAccepted(s *notify.Sink, a notify.Attempt) string {
	return fmt.Sprintf("%s: HTTP %d, the test message was accepted (%s)", testWhere(s), a.Status, a.Elapsed.Round(time.Millisecond))
}

func writeNotifyStatus(w io.Writer, st notifyStatusJSON) {
	if len(st.Sinks) == 0 {
		fmt.Fprintln(w, "No sinks: add a notify: section to .incidentctl.yaml (see README \"Chat\").")
	} else {
		fmt.Fprintln(w, "Sinks:")
		rows := [][]string{}
		for _, s := range st.Sinks {
			host, state := s.Host, "ready"
			if host == "" {
				host = "—"
			}
			if !s.Ready {
				state = "cannot post: " + s.Problem
			}
			filter := "all events"
			if len(s.Events) != len(notifyAllEvents()) {
				filter = strings.Join(s.Events, ",")
			}
			if s.MinSeverity != "" {
				filter += ", " + s.MinSeverity + " and worse"
			}
			if s.Drills {
				filter += ", drills too"
			}
			rows = append(rows, []string{"  " + s.Name, s.Kind, host, "from " + s.Source, filter, state})
		}
		writeTable(w, rows)
	}
	writeItems := func(title string, items []itemJSON, failed bool) {
		if len(items) == 0 {
			fmt.Fprintf(w, "%s: none\n", title)
			return
		}
		fmt.Fprintf(w, "%s (%d):\n", title, len(items))
		rows := [][]string{}
		for _, it := range items {
			detail := plural(it.Attempts, "attempt")
			if it.LastError != "" {
				detail += ", last: " + it.LastError
			}
			if !failed && it.NotBefore != nil && it.NotBefore.After(time.Now()) {
				detail += ", rate limited until " + it.NotBefore.Local().Format("15:04:05")
			}
			rows = append(rows, []string{"  " + it.Created.Local().Format("2006-01-02 15:04"), it.Incident, strings.Join(it.Events, ","), "→ " + it.Sink, detail})
		}
		writeTable(w, rows)
	}
	writeItems("Queued", st.Queued, false)
	writeItems("Failed", st.Failed, true)
	if len(st.Queued) > 0 {
		fmt.Fprintln(w, "Deliver the queue with: incidentctl notify flush")
	}
	if len(st.Failed) > 0 {
		fmt.Fprintf(w, "Refused messages are kept in %s/failed: fix the cause (the last error says it), then remove the files.\n", st.Outbox)
	}
}

// sinkSummary groups a delivery's outcomes by sink.
type sinkSummary struct {
	name, host        string
	delivered, queued int
	attemptedErr      string // the error of a message tried in this run and still queued
	failed            []notify.Outcome
}

func summarize(rep *notify.Report) []*sinkSummary {
	by := map[string]*sinkSummary{}
	var out []*sinkSummary
	for _, o := range rep.Outcomes {
		s := by[o.Sink]
		if s == nil {
			s = &sinkSummary{name: o.Sink, host: o.Host}
			by[o.Sink] = s
			out = append(out, s)
		}
		switch o.State {
		case notify.StateDelivered:
			s.delivered++
		case notify.StateFailed:
			s.failed = append(s.failed, o)
		default:
			s.queued++
			if o.Attempted && s.attemptedErr == "" {
				s.attemptedErr = o.Error
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

func sinkWhere(s *sinkSummary) string {
	if s.host == "" {
		return s.name
	}
	return s.name + " (" + s.host + ")"
}

func postedLine(s *sinkSummary) string {
	if s.delivered == 1 {
		return "Posted to " + sinkWhere(s) + "."
	}
	return fmt.Sprintf("Posted %d messages to %s.", s.delivered, sinkWhere(s))
}

func refusedLine(s *sinkSummary, o notify.Outcome) string {
	return fmt.Sprintf("warning: %s refused the message for %s (%s): %s; it is kept in the outbox's failed/ folder (incidentctl notify status)",
		sinkWhere(s), o.Item.Incident, strings.Join(o.Item.Events, ", "), o.Error)
}

func queuedLine(s *sinkSummary, why string) string {
	n := ""
	if s.queued > 1 {
		n = fmt.Sprintf(" (%d messages)", s.queued)
	}
	return fmt.Sprintf("warning: not posted to %s yet: %s; queued%s, incidentctl notify flush or the next command retries", sinkWhere(s), why, n)
}

// describeFlush says per sink what notify flush did.
func describeFlush(rep *notify.Report) []string {
	var lines []string
	sums := summarize(rep)
	if len(sums) == 0 {
		return []string{"Nothing queued."}
	}
	for _, s := range sums {
		if s.delivered > 0 {
			lines = append(lines, postedLine(s))
		}
		for _, o := range s.failed {
			lines = append(lines, refusedLine(s, o))
		}
		if s.queued > 0 {
			why := s.attemptedErr
			if why == "" {
				if p, ok := rep.NotReady[s.name]; ok {
					why = p
				} else {
					why = "waiting for the messages before it"
				}
			}
			lines = append(lines, queuedLine(s, why))
		}
	}
	return lines
}

func flushFailure(queued, failed int) string {
	var parts []string
	if queued > 0 {
		parts = append(parts, plural(queued, "message")+" still queued")
	}
	if failed > 0 {
		parts = append(parts, plural(failed, "message")+" refused (see incidentctl notify status)")
	}
	return strings.Join(parts, ", ")
}

// deliverChat runs after every command (the root's PersistentPostRunE): whatever the outbox
// holds is tried within ~2 s, so a message queued offline goes out with the next command. A
// command that queued messages itself tries even where a backoff is running; others only
// what is due. It never fails the command.
func (app *App) deliverChat(cmd *cobra.Command) {
	ws := app.opened
	if ws == nil || strings.HasPrefix(cmd.CommandPath(), "incidentctl notify") || cmd.Name() == "merge-driver" {
		return
	}
	if ws.Queued() == 0 && !ws.Outbox().Pending() {
		return
	}
	rep, warnings := ws.DeliverNotifications(workspace.DeliverOptions{Now: ws.Queued() > 0})
	app.warn(append(warnings, rep.Problems...))
	for _, s := range summarize(rep) {
		if s.delivered > 0 {
			fmt.Fprintln(app.Err, postedLine(s))
		}
		for _, o := range s.failed {
			fmt.Fprintln(app.Err, refusedLine(s, o))
		}
		if s.queued > 0 && s.attemptedErr != "" {
			fmt.Fprintln(app.Err, queuedLine(s, s.attemptedErr))
		}
	}
}

// afterCommand is the root's PersistentPostRunE: chat first (it is bounded to ~2 s and is
// what the war room waits for), then --sync.
func (app *App) afterCommand(cmd *cobra.Command, args []string) error {
	app.deliverChat(cmd)
	return app.shareChange(cmd, args)
}
