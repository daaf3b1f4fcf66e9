package workspace

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/incidentctl/incidentctl/pkg/board"
	"github.com/incidentctl/incidentctl/pkg/gitrepo"
	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/incident"
)

// editor applies one command's change to a document. author is who makes it; it returns the
// new document and the change in a few words for the commit message.
type editor func(d *incident.Document, author string) (*incident.Document, string, error)

// Options common to every change of an existing incident.
type Options struct {
	At           time.Time // when it happened; zero means now
	IncludeEdits bool      // commit the file's uncommitted hand edits along with the change
	// AllowSecret keeps what looks like a secret after a person checked it is none
	// (--allow-secret); the log records the decision by fingerprint.
	AllowSecret bool
	// BeforeDeclared lets At be earlier than the declaration (--before-declared): the alert
	// that fired before anyone declared, say.
	BeforeDeclared bool
}

// change is the one path every edit of an existing incident takes: find the file, refuse to
// sweep up uncommitted hand edits or to build on a document lint rejects, edit, regenerate
// the Status table, refuse suspected secrets, commit exactly that file. g is what the person
// typed (the secret gate scans it as given) and the warnings so far.
func (w *Workspace) change(ref string, opts Options, g *given, edit editor) (*Result, error) {
	if err := w.checkNoRebase(); err != nil {
		return nil, err
	}
	h, err := w.head()
	if err != nil {
		return nil, err
	}
	if h.Unborn {
		return nil, i18n.Errorf("change.unborn", "Branch", h.Branch)
	}
	e, err := w.Find(ref)
	if err != nil {
		return nil, err
	}
	if err := w.checkFolders(e.Path); err != nil {
		return nil, err
	}
	st, err := w.Repo.FileState(e.Path)
	if err != nil {
		return nil, err
	}
	var notes []string
	if st.BehindHead {
		// HEAD has a newer version than the index (an interrupted change, or a git command
		// that wrote back an index read before the last commit): catch up, losing nothing.
		note, err := w.Repo.CatchUp(e.Path)
		if err != nil {
			return nil, err
		}
		if note != "" {
			notes = append(notes, note)
		}
		if st, err = w.Repo.FileState(e.Path); err != nil {
			return nil, err
		}
	}
	if !st.AtHead {
		return nil, i18n.Errorf("change.not_committed", "Path", e.Path)
	}
	if err := w.checkNoOperationOn(st); err != nil {
		return nil, err
	}
	if (st.WorktreeDiffers || st.IndexDiffers) && !opts.IncludeEdits {
		return nil, &UncommittedError{Path: e.Path}
	}
	doc, err := w.loadEntry(e)
	if err != nil {
		return nil, recordParseError(err)
	}
	if err := w.checkRecord(doc); err != nil {
		return nil, err
	}
	if err := checkAt(doc, opts); err != nil {
		return nil, err
	}
	author, committer, err := w.Repo.Identity(w.Now())
	if err != nil {
		return nil, err
	}
	nd, summary, err := edit(doc, author.Name)
	if err != nil {
		return nil, err
	}
	if nd, err = nd.RefreshStatus(); err != nil {
		return nil, err
	}
	if bytes.Equal(nd.Src, doc.Src) {
		return nil, &NothingToChangeError{Doc: doc, Reason: summary}
	}
	sc, err := w.scanner()
	if err != nil {
		return nil, err
	}
	nd, kept, err := w.secretGate(nd, g, author.Name, w.at(opts.At), opts.AllowSecret, actionListSecrets(sc, doc))
	if err != nil {
		return nil, err
	}
	commit, err := w.Repo.Commit(gitrepo.CommitRequest{
		Changes:   []gitrepo.Change{{Path: e.Path, Content: nd.Src}},
		Message:   commitMessage(sc, nd.Meta.ID, summary),
		Parent:    h.Commit,
		Author:    author,
		Committer: committer,
	})
	if err != nil {
		return nil, err
	}
	warnings := append(g.warnings, kept...)
	if msg := w.mergeDriverWarning(); msg != "" {
		warnings = append(warnings, msg)
	}
	before := w.beforeCommit(h.Commit, e.Path, doc, st.WorktreeDiffers || st.IndexDiffers)
	warnings = append(warnings, w.notifyCommit(before, nd, commit.String(), author.Name, w.at(opts.At))...)
	return &Result{ID: nd.Meta.ID, Path: e.Path, Commit: commit.String(), Doc: nd, Warnings: append(notes, warnings...)}, nil
}

// UncommittedError is a document with uncommitted changes that a change would sweep up.
type UncommittedError struct{ Path string }

func (e *UncommittedError) Error() string { return e.msg().Error() }

// Unwrap gives the catalogue message, so that the CLI prints it in the reader's language.
func (e *UncommittedError) Unwrap() error { return e.msg() }

func (e *UncommittedError) msg() *i18n.Error {
	return i18n.Errorf("change.uncommitted", "Path", e.Path)
}

func (w *Workspace) at(t time.Time) time.Time {
	if t.IsZero() {
		t = w.Now()
	}
	return t.Truncate(time.Second)
}

// Log appends one entry to the log: the most frequent command during an incident.
func (w *Workspace) Log(ref, text string, opts Options) (*Result, error) {
	g := &given{}
	text, warnings, err := logText(i18n.Text("what.log_text"), g.text(i18n.Text("what.log_text"), text))
	if err != nil {
		return nil, invalid(i18n.Errorf("log.empty", "What", i18n.Text("what.log_text"), "Ref", ref))
	}
	g.warnings = append(g.warnings, warnings...)
	at := w.at(opts.At)
	return w.change(ref, opts, g, func(d *incident.Document, author string) (*incident.Document, string, error) {
		nd, err := d.AppendLog(incident.LogEntry{At: at, Author: author, Text: text})
		return nd, "log: " + text, err
	})
}

// Change is what `incidentctl update` asks for; nil fields stay as they are.
type Change struct {
	Status       *string
	Severity     *string
	Commander    *string
	Impact       *string
	Announcement *string
	Roles        []incident.Role // an empty holder removes the role
	Checks       []string        // 1-based positions or text of action-list items
	Unchecks     []string        // the same, for items ticked by mistake
	Log          string
}

// Update changes fields of an incident. Every field change is also written to the log, so the
// log tells the whole story.
func (w *Workspace) Update(ref string, ch Change, opts Options) (*Result, error) {
	at := w.at(opts.At)
	var flow *Flow
	g := &given{}
	if ch.Severity != nil {
		var err error
		if flow, err = w.flowOnce(); err != nil {
			return nil, err
		}
		g.warnings = append(g.warnings, flow.Warnings...)
	}
	for _, r := range ch.Roles {
		if !incident.ValidRoleName(r.Name) {
			return nil, invalid(i18n.Errorf("roles.bad_name", "Name", fmt.Sprintf("%q", r.Name)))
		}
	}
	// Front-matter values are one line (several are refused); the log text may have several.
	clean := func(what string, p *string) (*string, error) {
		if p == nil {
			return nil, nil
		}
		v, err := oneLine(what, g.text(what, *p))
		return &v, err
	}
	var err error
	for _, f := range []struct {
		what string
		p    **string
	}{{"--commander", &ch.Commander}, {"--impact", &ch.Impact}, {"--announcement", &ch.Announcement}} {
		if *f.p, err = clean(f.what, *f.p); err != nil {
			return nil, err
		}
	}
	if ch.Log != "" {
		text, ws, err := logText("--log", g.text("--log", ch.Log))
		if err != nil {
			return nil, err
		}
		ch.Log = text
		g.warnings = append(g.warnings, ws...)
	}
	for i := range ch.Roles {
		holder, err := oneLine("--role "+ch.Roles[i].Name, g.text("--role "+ch.Roles[i].Name, ch.Roles[i].Holder))
		if err != nil {
			return nil, err
		}
		ch.Roles[i].Holder = holder
	}
	var later, notes []string
	res, err := w.change(ref, opts, g, func(d *incident.Document, author string) (*incident.Document, string, error) {
		u := &updater{d: d, at: at, author: author}
		defer func() { later, notes = u.warnings, u.notes }()
		if ch.Severity != nil {
			u.severity(flow, *ch.Severity, w.Now())
		}
		if ch.Status != nil {
			u.status(*ch.Status)
		}
		if ch.Commander != nil {
			u.text(incident.KeyCommander, "commander", d.Meta.Commander, *ch.Commander, false)
		}
		for _, r := range ch.Roles {
			u.role(r)
		}
		if ch.Impact != nil {
			u.text(incident.KeyImpact, "impact", d.Meta.Impact, *ch.Impact, true)
		}
		if ch.Announcement != nil {
			u.announce(*ch.Announcement)
		}
		for _, c := range ch.Checks {
			u.check(c, true)
		}
		for _, c := range ch.Unchecks {
			u.check(c, false)
		}
		if ch.Log != "" {
			u.log(ch.Log)
			u.changes = append(u.changes, "log: "+ch.Log)
		}
		if u.err != nil {
			return nil, "", u.err
		}
		if len(u.changes) == 0 {
			if len(u.notes) > 0 {
				return d, strings.Join(u.notes, "; "), nil
			}
			return d, i18n.Text("change.no_difference"), nil
		}
		return u.d, strings.Join(u.changes, ", "), nil
	})
	if res != nil {
		res.Warnings = append(res.Warnings, later...)
		res.Warnings = append(res.Warnings, notes...)
		res.Warnings = append(res.Warnings, w.roleWarnings(res.Doc, ch)...)
	}
	return res, err
}

// updater applies one field change after another, logging each; the first error stops it.
type updater struct {
	d        *incident.Document
	at       time.Time
	author   string
	changes  []string
	err      error
	warnings []string // for the person, beside the change
	notes    []string // what was asked for and already so ("action 1 is already checked")
}

func (u *updater) do(f func() (*incident.Document, error)) {
	if u.err != nil {
		return
	}
	nd, err := f()
	if err != nil {
		u.err = err
		return
	}
	u.d = nd
}

func (u *updater) log(text string) {
	u.do(func() (*incident.Document, error) {
		return u.d.AppendLog(incident.LogEntry{At: u.at, Author: u.author, Text: text})
	})
}

// words are the log texts in the document's language.
func (u *updater) words() *board.LogWords { return board.Words(u.d.Lang()) }

func (u *updater) record(change string) {
	u.changes = append(u.changes, change)
	u.log(change)
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func (u *updater) text(key, label, old, value string, quoted bool) {
	value = incident.OneLine(value)
	if u.err != nil || value == old {
		return
	}
	if key == incident.KeyCommander && value == "" {
		u.err = invalid(i18n.Errorf("change.empty_commander"))
		return
	}
	u.do(func() (*incident.Document, error) { return u.d.SetString(key, value) })
	w := u.words()
	switch {
	case key == incident.KeyCommander:
		u.record(w.CommanderEntry(old, value))
	case key == incident.KeyAnnouncement:
		u.record(w.AnnouncementEntry(value))
	case quoted:
		if key == incident.KeyImpact {
			label = w.Impact
		}
		u.record(label + ": " + orDash(value))
	default:
		u.record(w.Change(label+" ", old, value))
	}
}

// announce records an announcement and when it was posted (announced_at, the --at time): the
// board and next measure the cadence from it. Posting the same text again is a new
// announcement (a regular "still investigating" update), so it is recorded too.
func (u *updater) announce(value string) {
	value = incident.OneLine(value)
	if u.err != nil {
		return
	}
	old := u.d.Meta.Announcement
	if value == old && value == "" {
		return
	}
	if value != old {
		u.do(func() (*incident.Document, error) { return u.d.SetString(incident.KeyAnnouncement, value) })
	}
	at := u.at
	if value == "" {
		u.do(func() (*incident.Document, error) { return u.d.SetTime(incident.KeyAnnouncedAt, nil) })
	} else if prev := u.d.Meta.AnnouncedAt; prev == nil || !prev.Equal(at) || value != old {
		u.do(func() (*incident.Document, error) { return u.d.SetTime(incident.KeyAnnouncedAt, &at) })
	}
	u.record(board.AnnouncementEntry(value))
}

func (u *updater) severity(flow *Flow, input string, now time.Time) {
	level, err := flow.Severities.Lookup(input)
	if err != nil {
		u.err = invalid(err)
		return
	}
	old := u.d.Meta.Severity
	if level.ID == old {
		return
	}
	if u.d.Meta.Status == incident.StatusResolved {
		u.err = i18n.Errorf("change.severity_resolved", "ID", u.d.Meta.ID)
		return
	}
	u.do(func() (*incident.Document, error) { return u.d.SetString(incident.KeySeverity, level.ID) })
	change := u.words().SeverityEntry(old, level.ID)
	if flow.Severities.MoreSevere(level.ID, old) {
		// Escalation adds what the flow asks for at the new severity and the document lacks.
		_, actions, err := flow.renderActions(u.d.Meta, level.ID, now)
		if err != nil {
			// A broken template must not stop an escalation: raise the severity, say loudly
			// what was not added.
			u.warnings = append(u.warnings, templateFailedWarning(flow.ActionListPath, err, "the actions "+level.ID+" needs were not added: add them by hand"))
			u.record(change + " (" + templateFailedLog(flow.ActionListPath, err) + ")")
			return
		}
		added := u.placeActions(actions)
		texts := make([]string, len(added))
		for i, a := range added {
			texts[i] = a.Text
		}
		change += u.words().EscalationSuffix(texts)
	}
	u.record(change)
}

// placeActions adds the rendered actions the document lacks, each where the flow's rendering
// places it: right after the item that precedes it in the rendering (under the same heading),
// or before the one that follows it when none precedes it, or at the end of the list. It
// returns what it added.
func (u *updater) placeActions(rendered []incident.Action) []incident.Action {
	index := func(text string) int {
		for i, a := range u.d.Actions {
			if strings.EqualFold(a.Text, text) {
				return i
			}
		}
		return -1
	}
	var add []incident.Action
	for k, a := range rendered {
		if u.err != nil || index(a.Text) >= 0 {
			continue
		}
		a.Done = false
		line := incident.FormatAction(a)
		anchor, after := -1, true
		for j := k - 1; j >= 0 && anchor < 0; j-- {
			anchor = index(rendered[j].Text)
		}
		for j := k + 1; j < len(rendered) && anchor < 0; j++ {
			anchor, after = index(rendered[j].Text), false
		}
		if anchor < 0 {
			u.do(func() (*incident.Document, error) { return u.d.AddActions(line) })
		} else {
			u.do(func() (*incident.Document, error) { return u.d.InsertAction(anchor, after, line) })
		}
		add = append(add, a)
	}
	return add
}

func (u *updater) status(input string) {
	s := strings.ToLower(strings.TrimSpace(input))
	if !incident.ValidStatus(s) {
		u.err = invalid(i18n.Errorf("change.unknown_status", "Status", fmt.Sprintf("%q", input), "Known", strings.Join(incident.Statuses, ", ")))
		return
	}
	if s == incident.StatusResolved {
		u.err = invalid(i18n.Errorf("change.resolve_with_close"))
		return
	}
	old := u.d.Meta.Status
	if s == old {
		return
	}
	u.do(func() (*incident.Document, error) { return u.d.SetString(incident.KeyStatus, s) })
	change := u.words().StatusEntry(old, s)
	if key := incident.MilestoneKey(s); key != "" && u.d.Meta.Milestone(key) == nil {
		at := u.at
		if err := milestoneFits(u.d.Meta, key, at); err != nil {
			u.err = err
			return
		}
		u.do(func() (*incident.Document, error) { return u.d.SetTime(key, &at) })
	}
	if old == incident.StatusResolved {
		u.do(func() (*incident.Document, error) { return u.d.SetTime(incident.KeyResolvedAt, nil) })
	}
	u.record(change)
}

// milestones in the order an incident reaches them.
var milestones = []string{incident.KeyDeclaredAt, incident.KeyIdentifiedAt, incident.KeyMitigatedAt, incident.KeyResolvedAt}

// milestoneFits refuses a milestone time out of order with the ones already recorded
// (declared ≤ identified ≤ mitigated ≤ resolved): usually a mistyped --at.
func milestoneFits(m incident.Meta, key string, at time.Time) error {
	before := true
	for _, k := range milestones {
		if k == key {
			before = false
			continue
		}
		t := m.Milestone(k)
		if t == nil {
			continue
		}
		if before && at.Before(*t) || !before && at.After(*t) {
			id := "change.milestone_before"
			if !before {
				id = "change.milestone_after"
			}
			return i18n.Errorf(id, "Key", key, "At", incident.FormatTime(at), "Other", k, "OtherAt", incident.FormatTime(*t))
		}
	}
	return nil
}

func (u *updater) role(r incident.Role) {
	holder := incident.OneLine(r.Holder)
	old := u.d.Meta.Roles.Get(r.Name)
	if u.err != nil || old == holder {
		return
	}
	u.do(func() (*incident.Document, error) { return u.d.SetRoles(u.d.Meta.Roles.With(r.Name, holder)) })
	if holder == "" {
		u.record(u.words().Released(r.Name, old))
	} else {
		u.record(u.words().Change(u.words().Role+r.Name+" ", old, holder))
	}
}

// check ticks (done) or unticks (!done) one action and logs it; an action already in that
// state is noted, not an error.
func (u *updater) check(ref string, done bool) {
	if u.err != nil {
		return
	}
	flag := "--check"
	if !done {
		flag = "--uncheck"
	}
	i, err := findAction(u.d, flag, ref)
	if err != nil {
		u.err = invalid(err)
		return
	}
	text := u.d.Actions[i].Text
	if u.d.Actions[i].Done == done {
		if done {
			u.notes = append(u.notes, i18n.Text("change.already_checked", "N", i+1, "Text", text))
		} else {
			u.notes = append(u.notes, i18n.Text("change.not_checked", "N", i+1, "Text", text))
		}
		return
	}
	if done {
		u.do(func() (*incident.Document, error) { return u.d.Check(i) })
		u.record(u.words().Checked + text)
	} else {
		u.do(func() (*incident.Document, error) { return u.d.Uncheck(i) })
		u.record(u.words().Unchecked + text)
	}
}

// findAction resolves --check and --uncheck (flag): a 1-based position, or text (an exact
// match first, then a unique case-insensitive substring).
func findAction(d *incident.Document, flag, ref string) (int, error) {
	ref = strings.TrimSpace(ref)
	if n, err := strconv.Atoi(ref); err == nil {
		if n < 1 || n > len(d.Actions) {
			return 0, i18n.Errorf("check.range", "Flag", flag, "N", n, "ID", d.Meta.ID, "Count", len(d.Actions))
		}
		return n - 1, nil
	}
	if ref == "" {
		return 0, i18n.Errorf("check.empty", "Flag", flag)
	}
	var matches []int
	for i, a := range d.Actions {
		if strings.EqualFold(a.Text, ref) {
			return i, nil
		}
		if strings.Contains(strings.ToLower(a.Text), strings.ToLower(ref)) {
			matches = append(matches, i)
		}
	}
	switch len(matches) {
	case 0:
		return 0, i18n.Errorf("check.none", "Flag", flag, "Ref", fmt.Sprintf("%q", ref), "ID", d.Meta.ID)
	case 1:
		return matches[0], nil
	}
	var b strings.Builder
	for _, i := range matches {
		fmt.Fprintf(&b, "\n  %d. %s", i+1, d.Actions[i].Text)
	}
	return 0, i18n.Errorf("check.ambiguous", "Flag", flag, "Ref", fmt.Sprintf("%q", ref), "Count", len(matches), "List", b.String())
}

// UncheckedRequired lists the actions required at the incident's severity that are not ticked.
func UncheckedRequired(d *incident.Document) []int {
	var out []int
	for i, a := range d.Actions {
		if !a.Done && a.RequiredAt(d.Meta.Severity) {
			out = append(out, i)
		}
	}
	return out
}

// Close resolves an incident. While required actions are unchecked it refuses and lists them;
// force closes anyway and logs what was skipped.
func (w *Workspace) Close(ref, resolution string, force bool, opts Options) (*Result, error) {
	g := &given{}
	resolution, err := oneLine("--resolution", g.text("--resolution", resolution))
	if err != nil {
		return nil, err
	}
	resolution, err = validText(i18n.Text("what.resolution"), resolution)
	if err != nil {
		return nil, invalid(i18n.Errorf("close.empty_resolution", "What", i18n.Text("what.resolution")))
	}
	at := w.at(opts.At)
	return w.change(ref, opts, g, func(d *incident.Document, author string) (*incident.Document, string, error) {
		if d.Meta.Status == incident.StatusResolved {
			return nil, "", i18n.Errorf("close.already", "ID", d.Meta.ID)
		}
		open := UncheckedRequired(d)
		if len(open) > 0 && !force {
			var b strings.Builder
			for _, i := range open {
				fmt.Fprintf(&b, "\n  %d. %s", i+1, d.Actions[i].Text)
			}
			return nil, "", i18n.Errorf("close.refused", "ID", d.Meta.ID, "Count", len(open), "Severity", d.Meta.Severity, "List", b.String(), "First", open[0]+1)
		}
		if err := milestoneFits(d.Meta, incident.KeyResolvedAt, at); err != nil {
			return nil, "", err
		}
		u := &updater{d: d, at: at, author: author}
		for _, i := range open {
			u.log(u.words().Skipped + d.Actions[i].Text)
		}
		old := d.Meta.Status
		u.do(func() (*incident.Document, error) { return u.d.SetString(incident.KeyStatus, incident.StatusResolved) })
		u.do(func() (*incident.Document, error) { return u.d.SetTime(incident.KeyResolvedAt, &at) })
		u.do(func() (*incident.Document, error) { return u.d.SetString(incident.KeyResolution, resolution) })
		u.log(u.words().Resolved(old, resolution))
		if u.err != nil {
			return nil, "", u.err
		}
		summary := "resolved: " + resolution
		if len(open) > 0 {
			summary = fmt.Sprintf("resolved (skipped %s): %s", plural(len(open), "required action"), resolution)
		}
		return u.d, summary, nil
	})
}

// plural writes "1 action", "3 actions".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
