package workspace

import (
	"os"
	"path"
	"strings"
	"time"

	"github.com/incidentctl/incidentctl/pkg/board"
	"github.com/incidentctl/incidentctl/pkg/gitrepo"
	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/severity"
	"github.com/incidentctl/incidentctl/templates"
)

// Declaration is what `incidentctl new` knows about a new incident.
type Declaration struct {
	Title     string
	Severity  string // as typed: SEV2, sev2, 2
	Commander string // "" means the person declaring
	Impact    string
	At        time.Time // zero means now
	// AllowSecret keeps what looks like a secret after a person checked it is none
	// (--allow-secret); the log records the decision by fingerprint.
	AllowSecret bool
	// Drill, when set, declares a drill rather than an incident: the document says kind: drill
	// and records these (see incident.Meta); everything else is declared the same way.
	Drill *DrillKeys
}

// DrillKeys is what a drill's front matter records besides its kind.
type DrillKeys struct {
	Scenario, ScenarioCommit, Variant, Facilitator, Speed string
}

// Declare creates the incident document, renders the action list from the reviewed flow and
// commits the new file alone. Declaring never fails for a template: if the flow committed at
// HEAD does not render, the incident gets the built-in action list, a loud warning and a log
// entry saying so.
func (w *Workspace) Declare(decl Declaration) (*Result, error) {
	g := &given{}
	title, err := oneLine(i18n.Text("what.title"), g.text(i18n.Text("what.title"), decl.Title))
	if err != nil {
		return nil, err
	}
	if title == "" {
		return nil, invalid(i18n.Errorf("new.empty_title"))
	}
	commander, err := oneLine("--commander", g.text("--commander", decl.Commander))
	if err != nil {
		return nil, err
	}
	impact, err := oneLine("--impact", g.text("--impact", decl.Impact))
	if err != nil {
		return nil, err
	}
	if err := w.checkNoRebase(); err != nil { // a new file: no merge in progress can have touched it
		return nil, err
	}
	h, err := w.head()
	if err != nil {
		return nil, err
	}
	flow, err := w.flowOnce()
	if err != nil {
		// Severity definitions that do not parse must not stop a declaration either.
		if flow, err = builtinFlow(w.Config.ActionList); err != nil {
			return nil, err
		}
		g.warnings = append(g.warnings, severitiesFailedWarning(w.flowErr))
	}
	level, err := flow.Severities.Lookup(decl.Severity)
	if err != nil {
		return nil, invalid(err)
	}
	author, committer, err := w.Repo.Identity(w.Now())
	if err != nil {
		return nil, err
	}
	sc, err := w.scanner()
	if err != nil {
		return nil, err
	}
	at := decl.At
	if at.IsZero() {
		at = w.Now()
	}
	at = at.Truncate(time.Second)
	if commander == "" {
		commander = author.Name
	}
	m := incident.Meta{
		Title:      title,
		Severity:   level.ID,
		Status:     incident.StatusInvestigating,
		Commander:  commander,
		Impact:     impact,
		DeclaredAt: at,
		Template:   flow.TemplateID,
	}
	if dk := decl.Drill; dk != nil {
		m.Kind, m.Scenario, m.ScenarioCommit, m.Variant = incident.KindDrill, dk.Scenario, dk.ScenarioCommit, dk.Variant
		m.Facilitator, m.Speed = incident.OneLine(g.text("--facilitator", dk.Facilitator)), dk.Speed
	}
	// A file name is seen everywhere (git log --stat, pull requests, chat links): it never
	// carries a suspected secret, even one a person allowed in the document.
	nameTitle := withoutSecrets(sc, title)
	for _, f := range sc.Scan(decl.Title) {
		if f.Split { // broken over lines as typed: its pieces are words now, so name no words
			nameTitle = ""
		}
	}
	var rel string
	for range 5 { // a fresh random part if the ID is somehow taken
		m.ID = incident.NewID(at)
		rel = path.Join(w.incidentsDir(), incident.RelPath(m.ID, nameTitle, at))
		if _, err := os.Lstat(w.abs(rel)); os.IsNotExist(err) && len(w.monthEntries(m.ID)) == 0 {
			break
		}
		rel = ""
	}
	if rel == "" {
		return nil, i18n.Errorf("declare.no_free_id")
	}
	if err := w.checkFolders(rel); err != nil {
		return nil, err
	}
	actions, _, err := flow.renderActions(m, level.ID, w.Now())
	fallback := ""
	if err != nil {
		var from string
		actions, from, m.Template = fallbackActions(flow.Severities, m, level.ID, w.Now())
		g.warnings = append(g.warnings, templateFailedWarning(flow.ActionListPath, err, "declared with "+from))
		fallback = templateFailedLog(flow.ActionListPath, err) + "; declared with " + from
	}
	// A new document is written in the repository's language; edits keep the document's own.
	lang := string(w.Config.Lang)
	first := board.Words(lang).Declared(level.ID, title, commander, m.Impact)
	doc, err := incident.NewIn(lang, rel, m, actions, incident.LogEntry{At: at, Author: author.Name, Text: first})
	if err != nil {
		return nil, err
	}
	if fallback != "" {
		if doc, err = doc.AppendLog(incident.LogEntry{At: at, Author: author.Name, Text: fallback}); err != nil {
			return nil, err
		}
		if doc, err = doc.RefreshStatus(); err != nil {
			return nil, err
		}
	}
	doc, kept, err := w.secretGate(doc, g, author.Name, at, decl.AllowSecret, actionListSecrets(sc, doc))
	if err != nil {
		return nil, err
	}
	commit, err := w.Repo.Commit(gitrepo.CommitRequest{
		Changes:   []gitrepo.Change{{Path: rel, Content: doc.Src}},
		Message:   commitMessage(sc, m.ID, "declare "+level.ID+": "+title),
		Parent:    h.Commit,
		Author:    author,
		Committer: committer,
	})
	if err != nil {
		return nil, err
	}
	warnings := append(append(flow.Warnings, g.warnings...), kept...)
	if msg := w.mergeDriverWarning(); msg != "" {
		warnings = append(warnings, msg)
	}
	warnings = append(warnings, w.notifyCommit(nil, doc, commit.String(), author.Name, at)...)
	return &Result{ID: m.ID, Path: rel, Commit: commit.String(), Doc: doc, Warnings: warnings}, nil
}

// minimalActionList is the last resort when neither the repository's template nor the
// built-in one renders with the repository's severities: the few actions every incident needs.
const minimalActionList = `### Declare

- [ ] Name the incident commander (IC) and tell the war room who it is
- [ ] Decide the severity from the definitions (` + "`incidentctl severities`" + `)
- [ ] Open the war room channel and post the link to this document
- [ ] Assess the impact: who is affected, which features, since when
- [ ] Announce to users and customer support
- [ ] Release the people who are not needed for the response
`

// fallbackActions renders the built-in action list, or, when even that fails with these
// severities, the minimal one. It returns the list, what it is (for messages) and the
// template provenance for the document.
func fallbackActions(sevs *severity.Set, m incident.Meta, sev string, now time.Time) (string, string, string) {
	f := &Flow{Severities: sevs, ActionList: templates.ActionList, ActionListPath: "the built-in action list"}
	if actions, _, err := f.renderActions(m, sev, now); err == nil {
		return actions, "the built-in action list", "builtin:" + gitrepo.BlobHash(templates.ActionList).String()
	}
	return minimalActionList, "a minimal action list (the built-in one does not fit these severity definitions either)", "builtin:minimal"
}

// builtinFlow is the flow with the built-in severities and action list.
func builtinFlow(actionList string) (*Flow, error) {
	sevs, err := severity.Parse("the built-in severity definitions", templates.Severities)
	if err != nil {
		return nil, err
	}
	return &Flow{Severities: sevs, SeveritiesFrom: builtIn, ActionList: templates.ActionList,
		ActionListPath: actionList + " (" + builtIn + ")", TemplateID: "builtin:" + gitrepo.BlobHash(templates.ActionList).String()}, nil
}

// validText refuses text that cannot be one line of a document: empty, or several lines.
func validText(what, s string) (string, error) {
	s, err := oneLine(what, s)
	if err != nil {
		return "", err
	}
	if s == "" {
		return "", i18n.Errorf("input.empty", "What", what)
	}
	return s, nil
}

// oneLine folds white space in a value kept in the front matter (title, impact, names ...),
// which is one line; text of several lines is refused, never folded silently: its place is
// the log, where an entry may have several lines.
func oneLine(what, s string) (string, error) {
	s = strings.TrimRight(s, " \t\r\n")
	if n := incident.Lines(strings.TrimLeft(s, " \t\r\n")); n > 1 {
		return "", invalid(i18n.Errorf("input.one_line", "What", what, "Lines", n))
	}
	return incident.OneLine(s), nil
}

// logText prepares the text of a log entry (several lines are kept: incident.LogText) and
// says what it had to remove.
func logText(what, s string) (string, []string, error) {
	text, removed := incident.LogText(s)
	if text == "" {
		return "", nil, invalid(i18n.Errorf("input.empty", "What", what))
	}
	var warnings []string
	if removed > 0 {
		warnings = append(warnings, i18n.Text("input.blank_lines", "Count", removed, "What", what))
	}
	return text, warnings, nil
}
