package workspace

import (
	"context"
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/notify"
	"github.com/incidentctl/incidentctl/pkg/secret"
	"github.com/incidentctl/incidentctl/pkg/severity"
)

// Chat notifications (package notify): after a write command's commit, the change the commit
// made to the document becomes one message per interested sink, queued in the outbox; the
// command then tries to deliver within a short budget (DeliverNotifications). Only the commits
// this clone makes are notified: what sync or a merge brings in was posted by the clone that
// made it.

// NotifyTemplatesDir holds a repository's own message texts (title.tmpl, text.tmpl).
const NotifyTemplatesDir = "templates/notify"

// chatState is what one command resolved about chat: the sinks once, each warning once.
type chatState struct {
	sinks     []*notify.Sink
	sevs      *severity.Set
	templates *notify.Templates
	warned    map[string]bool
	queued    int
	loaded    bool
}

// chatSecrets is the secret scanner every message text passes: the built-in detectors and
// the repository's lint.allow (text the team decided is not a secret, such as example keys).
// An expression that does not compile is left out here; lint reports it.
func (w *Workspace) chatSecrets() *secret.Scanner {
	var allow []*regexp.Regexp
	for _, a := range w.Config.Lint.Allow {
		if re, err := regexp.Compile(a); err == nil {
			allow = append(allow, re)
		}
	}
	return secret.New(allow)
}

// Outbox is this clone's queue of chat messages: <git dir>/incidentctl/outbox (the main git
// dir, shared by linked worktrees, so one flush serves them all).
func (w *Workspace) Outbox() *notify.Outbox {
	return &notify.Outbox{Dir: filepath.Join(w.Repo.CommonDir(), "incidentctl", "outbox")}
}

// chat resolves the sinks (their URLs, min_severity against the severities at HEAD) once.
func (w *Workspace) chat() *chatState {
	if w.chatState == nil {
		w.chatState = &chatState{warned: map[string]bool{}}
	}
	c := w.chatState
	if c.loaded || len(w.Config.Notify) == 0 {
		return c
	}
	c.loaded = true
	if flow, err := w.Flow(); err == nil {
		c.sevs = flow.Severities
	}
	c.sinks = notify.Resolve(w.Config.Notify, c.sevs)
	return c
}

// warnOnce returns msg the first time it is given in this command, and "" after.
func (c *chatState) warnOnce(msg string) string {
	if c.warned[msg] {
		return ""
	}
	c.warned[msg] = true
	return msg
}

// chatTemplates reads templates/notify/ as committed at HEAD (the built-in texts where the
// repository has none).
func (w *Workspace) chatTemplates() (*notify.Templates, []string) {
	c := w.chat()
	if c.templates != nil {
		return c.templates, nil
	}
	var warnings []string
	read := func(name string) ([]byte, string) {
		rel := path.Join(NotifyTemplatesDir, name)
		content, _, found, err := w.Repo.ReadAtHead(rel)
		if err != nil || !found {
			if found || err != nil {
				warnings = append(warnings, i18n.Text("notify.template_unreadable", "File", rel, "Error", fmt.Sprint(err)))
			}
			return nil, rel
		}
		if work, werr := readFile(w.abs(rel)); werr == nil && string(work) != string(content) {
			warnings = append(warnings, i18n.Text("notify.template_uncommitted", "File", rel))
		}
		return content, rel
	}
	title, titleFrom := read("title.tmpl")
	text, textFrom := read("text.tmpl")
	// Messages are in the repository's language: the channel is shared, whatever each
	// reader's locale.
	t, tw := notify.ParseTemplatesFor(w.Config.Lang, title, text, titleFrom, textFrom)
	c.templates = t
	return t, append(warnings, tw...)
}

// notifyCommit queues the messages for what a commit changed in an incident document. before
// is the document at the parent commit (nil for a declaration). It never fails the command:
// the commit is made; what goes wrong here is a warning.
func (w *Workspace) notifyCommit(before, after *incident.Document, commit, author string, at time.Time) []string {
	if len(w.Config.Notify) == 0 {
		return nil
	}
	ev, ok := notify.NewEvent(before, after, commit, author, at)
	if !ok {
		return nil
	}
	if !ev.Incident.Drill {
		// The site leaves drills out unless it is built with --drills: no link that may not exist.
		ev.Incident.URL = w.Config.Site.IncidentURL(ev.Incident.ID)
	}
	c := w.chat()
	t, warnings := w.chatTemplates()
	n, notReady, err := notify.Queue(w.Outbox(), c.sinks, ev, t, c.sevs, w.chatSecrets())
	c.queued += n
	for _, s := range notReady {
		if msg := c.warnOnce(notReadyWarning(s)); msg != "" {
			warnings = append(warnings, msg)
		}
	}
	if err != nil {
		warnings = append(warnings, i18n.Text("notify.not_queued", "Error", err.Error()))
	}
	return warnings
}

func notReadyWarning(s *notify.Sink) string {
	return i18n.Text("notify.not_posted", "Sink", s.Name, "Problem", s.Problem)
}

// beforeCommit is the document as the parent commit has it, when the one read from the
// working tree may differ from it (hand edits included with --include-edits).
func (w *Workspace) beforeCommit(parent plumbing.Hash, rel string, read *incident.Document, differs bool) *incident.Document {
	if !differs || len(w.Config.Notify) == 0 {
		return read
	}
	src, _, found, err := w.Repo.ReadAt(parent, rel)
	if err != nil || !found {
		return read
	}
	d, err := incident.Parse(rel, src)
	if err != nil {
		return read
	}
	return d
}

// DeliverOptions say how hard DeliverNotifications tries.
type DeliverOptions struct {
	Flush  bool          // notify flush: wait out rate limits, retry 5xx in place, wait for the lock
	Now    bool          // a command that just queued messages: try even where a backoff runs
	Budget time.Duration // 0: notify.CommandBudget (not used under Flush)
}

// Queued reports how many messages this command queued.
func (w *Workspace) Queued() int {
	if w.chatState == nil {
		return 0
	}
	return w.chatState.queued
}

// DeliverNotifications posts what the outbox holds (see notify.Deliverer). Warnings about
// sinks that cannot post are given once per command.
func (w *Workspace) DeliverNotifications(opts DeliverOptions) (*notify.Report, []string) {
	ob := w.Outbox()
	if !ob.Pending() {
		return &notify.Report{}, nil
	}
	c := w.chat()
	d := &notify.Deliverer{Outbox: ob, Sinks: c.sinks}
	o := notify.Options{Budget: opts.Budget, IgnoreBackoff: opts.Now}
	if o.Budget == 0 {
		o.Budget = notify.CommandBudget
	}
	if opts.Flush {
		o = notify.Options{Flush: true, LockWait: 10 * time.Second}
	}
	rep := d.Deliver(o)
	var warnings []string
	for _, s := range c.sinks {
		if _, ok := rep.NotReady[s.Name]; ok {
			if msg := c.warnOnce(notReadyWarning(s)); msg != "" {
				warnings = append(warnings, i18n.Text("notify.not_posted_waiting", "Sink", s.Name, "Problem", s.Problem))
			}
		}
	}
	return rep, warnings
}

// Sinks returns the configured sinks, resolved (for notify status and notify test).
func (w *Workspace) Sinks() []*notify.Sink { return w.chat().sinks }

// UnknownSinkError is a sink name that .incidentctl.yaml does not define.
type UnknownSinkError struct {
	Name  string
	Known []string
}

func (e *UnknownSinkError) Error() string { return e.Unwrap().Error() }

// Unwrap gives the catalogue message, so that the CLI prints it in the reader's language.
func (e *UnknownSinkError) Unwrap() error {
	if len(e.Known) == 0 {
		return i18n.Errorf("notify.no_sink", "Sink", e.Name)
	}
	return i18n.Errorf("notify.no_such_sink", "Sink", e.Name, "Known", strings.Join(e.Known, ", "))
}

// TestNotification posts a test message to one sink, straight away rather than through the
// outbox, and returns what the service answered.
func (w *Workspace) TestNotification(name string) (*notify.Sink, notify.Attempt, error) {
	var known []string
	var sink *notify.Sink
	for _, s := range w.Sinks() {
		known = append(known, s.Name)
		if s.Name == name {
			sink = s
		}
	}
	if sink == nil {
		return nil, notify.Attempt{}, &UnknownSinkError{Name: name, Known: known}
	}
	if !sink.Ready() {
		return sink, notify.Attempt{}, i18n.Errorf("notify.cannot_post", "Sink", sink.Name, "Problem", sink.Problem)
	}
	author := ""
	if a, _, err := w.Repo.Identity(w.Now()); err == nil {
		author = a.Name
	}
	at := w.Now()
	key := notify.Key("test "+time.Now().Format(time.RFC3339Nano), "test", sink.Name)
	body, err := notify.Render(sink.Kind, notify.TestMessageIn(w.Config.Lang, sink.Name, author, at, w.chatSecrets()), key)
	if err != nil {
		return sink, notify.Attempt{}, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return sink, notify.Post(ctx, notify.NewClient(), sink, body, key), nil
}
