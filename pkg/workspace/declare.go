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
	title := incident.OneLine(decl.Title)
	if title == "" {
		return nil, fmt.Errorf("the title is empty: say in a few words what is wrong, e.g. incidentctl new \"Checkout API returns 500s\" --severity SEV2")
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
		return nil, err
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
	commander := incident.OneLine(decl.Commander)
	if commander == "" {
		commander = author.Name
	}
	m := incident.Meta{
		Title:      title,
		Severity:   level.ID,
		Status:     incident.StatusInvestigating,
		Commander:  commander,
		Impact:     incident.OneLine(decl.Impact),
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

// validText refuses text that cannot be one line of a document.
func validText(what, s string) (string, error) {
	s = incident.OneLine(s)
	if s == "" {
		return "", fmt.Errorf("%s is empty", what)
	}
	return s, nil
}

// joinTexts lists action texts for messages.
func joinTexts(as []incident.Action) string {
	t := make([]string, len(as))
	for i, a := range as {
		t[i] = a.Text
	}
	return strings.Join(t, "; ")
}
