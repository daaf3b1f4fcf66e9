package workspace

import (
	"fmt"
	"os"
	"path"
	"strings"
	"time"

	"github.com/incidentctl/incidentctl/pkg/board"
	"github.com/incidentctl/incidentctl/pkg/gitrepo"
	"github.com/incidentctl/incidentctl/pkg/incident"
)

// Declaration is what `incidentctl new` knows about a new incident.
type Declaration struct {
	Title     string
	Severity  string // as typed: SEV2, sev2, 2
	Commander string // "" means the person declaring
	Impact    string
	At        time.Time // zero means now
	// Drill, when set, declares a drill rather than an incident: the document says kind: drill
	// and records these (see incident.Meta); everything else is declared the same way.
	Drill *DrillKeys
}

// DrillKeys is what a drill's front matter records besides its kind.
type DrillKeys struct {
	Scenario, ScenarioCommit, Variant, Facilitator, Speed string
}

// Declare creates the incident document, renders the action list from the reviewed flow and
// commits the new file alone.
func (w *Workspace) Declare(decl Declaration) (*Result, error) {
	title, err := oneLine("the title", decl.Title)
	if err != nil {
		return nil, err
	}
	if title == "" {
		return nil, invalid(fmt.Errorf("the title is empty: say in a few words what is wrong, e.g. incidentctl new \"Checkout API returns 500s\" --severity SEV2"))
	}
	commander, err := oneLine("--commander", decl.Commander)
	if err != nil {
		return nil, err
	}
	impact, err := oneLine("--impact", decl.Impact)
	if err != nil {
		return nil, err
	}
	if err := w.checkNoOperation(); err != nil {
		return nil, err
	}
	h, err := w.head()
	if err != nil {
		return nil, err
	}
	flow, err := w.Flow()
	if err != nil {
		return nil, err
	}
	level, err := flow.Severities.Lookup(decl.Severity)
	if err != nil {
		return nil, invalid(err)
	}
	author, committer, err := w.Repo.Identity(w.Now())
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
		m.Facilitator, m.Speed = incident.OneLine(dk.Facilitator), dk.Speed
	}
	var rel string
	for range 5 { // a fresh random part if the ID is somehow taken
		m.ID = incident.NewID(at)
		rel = path.Join(w.incidentsDir(), incident.RelPath(m.ID, title, at))
		if _, err := os.Lstat(w.abs(rel)); os.IsNotExist(err) && len(w.monthEntries(m.ID)) == 0 {
			break
		}
		rel = ""
	}
	if rel == "" {
		return nil, fmt.Errorf("could not find a free incident ID; run the command again")
	}
	actions, _, err := flow.renderActions(m, level.ID, w.Now())
	if err != nil {
		return nil, err
	}
	first := board.DeclaredEntry(level.ID, title, commander, m.Impact)
	doc, err := incident.New(rel, m, actions, incident.LogEntry{At: at, Author: author.Name, Text: first})
	if err != nil {
		return nil, err
	}
	commit, err := w.Repo.Commit(gitrepo.CommitRequest{
		Changes:   []gitrepo.Change{{Path: rel, Content: doc.Src}},
		Message:   commitMessage(m.ID, "declare "+level.ID+": "+title, title),
		Parent:    h.Commit,
		Author:    author,
		Committer: committer,
	})
	if err != nil {
		return nil, err
	}
	warnings := append(flow.Warnings, w.notifyCommit(nil, doc, commit.String(), author.Name, at)...)
	return &Result{ID: m.ID, Path: rel, Commit: commit.String(), Doc: doc, Warnings: warnings}, nil
}

// validText refuses text that cannot be one line of a document: empty, or several lines.
func validText(what, s string) (string, error) {
	s, err := oneLine(what, s)
	if err != nil {
		return "", err
	}
	if s == "" {
		return "", fmt.Errorf("%s is empty", what)
	}
	return s, nil
}

// oneLine folds white space in a value kept in the front matter (title, impact, names ...),
// which is one line; text of several lines is refused, never folded silently: its place is
// the log, where an entry may have several lines.
func oneLine(what, s string) (string, error) {
	s = strings.TrimRight(s, " \t\r\n")
	if n := incident.Lines(strings.TrimLeft(s, " \t\r\n")); n > 1 {
		return "", invalid(fmt.Errorf("%s has %d lines, and it is kept on one line: give one line (the log takes text of several lines: incidentctl log <id> -)", what, n))
	}
	return incident.OneLine(s), nil
}

// logText prepares the text of a log entry (several lines are kept: incident.LogText) and
// says what it had to remove.
func logText(what, s string) (string, []string, error) {
	text, removed := incident.LogText(s)
	if text == "" {
		return "", nil, invalid(fmt.Errorf("%s is empty", what))
	}
	var warnings []string
	if removed > 0 {
		warnings = append(warnings, fmt.Sprintf("removed %s from %s: a blank line would end the log entry", plural(removed, "blank line"), what))
	}
	return text, warnings, nil
}
