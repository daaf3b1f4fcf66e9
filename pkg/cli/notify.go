package cli

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/incidentctl/incidentctl/pkg/display"
	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/notify"
	"github.com/incidentctl/incidentctl/pkg/workspace"
)

func newNotifyCmd(app *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "notify <status|flush|test>",
		Short: app.P.T("notify.short"),
		Long:  app.P.T("notify.long"),
		Example: `  incidentctl notify status
  incidentctl notify flush
  incidentctl notify test war-room`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageMsg("notify.unknown_command", "Command", args[0])
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
		Long:  app.P.T("notify.status.long"),
		Args:  exactArgs(0, "no arguments"),
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
			writeNotifyStatus(app.Out, app.P, st)
			return nil
		},
	}
}

func newNotifyFlushCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "flush",
		Short: app.P.T("notify.flush.short"),
		Long:  app.P.T("notify.flush.long"),
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := app.open()
			if err != nil {
				return err
			}
			rep, warnings := ws.DeliverNotifications(workspace.DeliverOptions{Flush: true})
			app.warn(append(warnings, rep.Problems...))
			if rep.Busy {
				return i18n.Errorf("notify.busy")
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
				for _, line := range describeFlush(app.P, rep) {
					fmt.Fprintln(app.Err, line)
				}
			}
			if len(res.Queued)+len(res.Failed) > 0 {
				if app.JSON {
					return &SilentError{Code: ExitError}
				}
				return errors.New(flushFailure(app.P, len(res.Queued), len(res.Failed)))
			}
			return nil
		},
	}
}

func newNotifyTestCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:     "test <sink>",
		Short:   app.P.T("notify.test.short"),
		Long:    app.P.T("notify.test.long"),
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
				return usageFrom(err)
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
				return errors.New(app.P.T("notify.test.refused", "Where", testWhere(sink), "Error", a.Error))
			}
			fmt.Fprintln(app.Out, app.P.T("notify.test.accepted", "Where", testWhere(sink), "Status", a.Status, "Elapsed", a.Elapsed.Round(time.Millisecond).String()))
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

// The texts of chat delivery and of the notify commands come from the catalogue (notify.*).

func testWhere(s *notify.Sink) string { return fmt.Sprintf("%s (%s, %s)", s.Name, s.Kind, s.Host()) }

func writeNotifyStatus(w io.Writer, p *i18n.Printer, st notifyStatusJSON) {
	if len(st.Sinks) == 0 {
		fmt.Fprintln(w, p.T("notify.status.no_sinks"))
	} else {
		fmt.Fprintln(w, p.T("notify.status.sinks"))
		rows := [][]string{}
		for _, s := range st.Sinks {
			host, state := s.Host, p.T("notify.status.ready")
			if host == "" {
				host = "—"
			}
			if !s.Ready {
				state = p.T("notify.status.cannot_post", "Problem", s.Problem)
			}
			filter := p.T("notify.status.all_events")
			if len(s.Events) != len(notifyAllEvents()) {
				filter = strings.Join(s.Events, ",")
			}
			if s.MinSeverity != "" {
				filter = p.T("notify.status.min_severity", "Filter", filter, "Severity", s.MinSeverity)
			}
			if s.Drills {
				filter = p.T("notify.status.drills_too", "Filter", filter)
			}
			rows = append(rows, []string{"  " + s.Name, s.Kind, host, p.T("notify.status.from", "Source", s.Source), filter, state})
		}
		writeTable(w, rows)
	}
	writeItems := func(title string, items []itemJSON, failed bool) {
		if len(items) == 0 {
			fmt.Fprintln(w, p.T("notify.status.none", "Title", title))
			return
		}
		fmt.Fprintln(w, p.T("notify.status.count", "Title", title, "Count", len(items)))
		rows := [][]string{}
		for _, it := range items {
			detail := p.N("notify.status.attempts", it.Attempts)
			if it.LastError != "" {
				detail = p.T("notify.status.last", "Detail", detail, "Error", it.LastError)
			}
			if !failed && it.NotBefore != nil && it.NotBefore.After(time.Now()) {
				detail = p.T("notify.status.rate_limited", "Detail", detail, "Time", it.NotBefore.Local().Format("15:04:05 -07:00"))
			}
			rows = append(rows, []string{"  " + display.Time(it.Created), it.Incident, strings.Join(it.Events, ","), "→ " + it.Sink, detail})
		}
		writeTable(w, rows)
	}
	writeItems(p.T("notify.status.queued"), st.Queued, false)
	writeItems(p.T("notify.status.failed"), st.Failed, true)
	if len(st.Queued) > 0 {
		fmt.Fprintln(w, p.T("notify.status.flush_hint"))
	}
	if len(st.Failed) > 0 {
		fmt.Fprintln(w, p.T("notify.status.failed_hint", "Dir", st.Outbox))
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

func postedLine(p *i18n.Printer, s *sinkSummary) string {
	if s.delivered == 1 {
		return p.T("notify.posted", "Where", sinkWhere(s))
	}
	return p.T("notify.posted_many", "Where", sinkWhere(s), "Count", s.delivered)
}

func refusedLine(p *i18n.Printer, s *sinkSummary, o notify.Outcome) string {
	return p.T("warning") + ": " + p.T("notify.refused", "Where", sinkWhere(s), "Incident", o.Item.Incident, "Events", strings.Join(o.Item.Events, ", "), "Error", o.Error)
}

func queuedLine(p *i18n.Printer, s *sinkSummary, why string) string {
	if s.queued > 1 {
		return p.T("warning") + ": " + p.T("notify.queued_many", "Where", sinkWhere(s), "Why", why, "Count", s.queued)
	}
	return p.T("warning") + ": " + p.T("notify.queued_one", "Where", sinkWhere(s), "Why", why)
}

// describeFlush says per sink what notify flush did.
func describeFlush(p *i18n.Printer, rep *notify.Report) []string {
	var lines []string
	sums := summarize(rep)
	if len(sums) == 0 {
		return []string{p.T("notify.nothing_queued")}
	}
	for _, s := range sums {
		if s.delivered > 0 {
			lines = append(lines, postedLine(p, s))
		}
		for _, o := range s.failed {
			lines = append(lines, refusedLine(p, s, o))
		}
		if s.queued > 0 {
			why := s.attemptedErr
			if why == "" {
				if problem, ok := rep.NotReady[s.name]; ok {
					why = problem
				} else {
					why = p.T("notify.waiting")
				}
			}
			lines = append(lines, queuedLine(p, s, why))
		}
	}
	return lines
}

func flushFailure(p *i18n.Printer, queued, failed int) string {
	var parts []string
	if queued > 0 {
		parts = append(parts, p.N("notify.still_queued", queued))
	}
	if failed > 0 {
		parts = append(parts, p.N("notify.still_refused", failed))
	}
	return strings.Join(parts, p.T("sep.list"))
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
			fmt.Fprintln(app.Err, postedLine(app.P, s))
		}
		for _, o := range s.failed {
			fmt.Fprintln(app.Err, refusedLine(app.P, s, o))
		}
		if s.queued > 0 && s.attemptedErr != "" {
			fmt.Fprintln(app.Err, queuedLine(app.P, s, s.attemptedErr))
		}
	}
}

// afterCommand is the root's PersistentPostRunE: chat first (it is bounded to ~2 s and is
// what the war room waits for), then --sync.
func (app *App) afterCommand(cmd *cobra.Command, args []string) error {
	app.deliverChat(cmd)
	return app.shareChange(cmd, args)
}
