package workspace

import (
	"bytes"
	"fmt"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/incidentctl/incidentctl/pkg/actionlist"
	"github.com/incidentctl/incidentctl/pkg/gitrepo"
	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/severity"
	"github.com/incidentctl/incidentctl/templates"
)

// Flow is the reviewed response flow: the action-list template and severity definitions as
// committed at HEAD (the built-in defaults where the repository has none).
type Flow struct {
	Severities     *severity.Set
	SeveritiesFrom string // repository path, or "built-in default"
	ActionList     []byte
	ActionListPath string
	TemplateID     string // provenance written into each incident: the template's blob hash
	Warnings       []string
}

const builtIn = "built-in default"

// Flow reads the flow committed at HEAD.
func (w *Workspace) Flow() (*Flow, error) {
	f := &Flow{}
	defaults := templates.For(string(w.Config.Lang)) // the built-in flow in the repository's language
	al, alFrom, alHash, warn, err := w.committed(w.Config.ActionList, defaults.ActionList)
	if err != nil {
		return nil, err
	}
	f.Warnings = append(f.Warnings, warn...)
	f.ActionList, f.ActionListPath = al, alFrom
	f.TemplateID = alHash.String()
	if alFrom == builtIn {
		f.ActionListPath = w.Config.ActionList + " (" + builtIn + ")"
		f.TemplateID = "builtin:" + alHash.String()
	}
	sv, svFrom, _, warn, err := w.committed(w.Config.Severities, defaults.Severities)
	if err != nil {
		return nil, err
	}
	f.Warnings = append(f.Warnings, warn...)
	if f.Severities, err = w.parseSeverities(sv, svFrom); err != nil {
		return nil, err
	}
	f.SeveritiesFrom = svFrom
	return f, nil
}

// parseSeverities reads the severity definitions taken from svFrom (a path, or builtIn).
func (w *Workspace) parseSeverities(sv []byte, svFrom string) (*severity.Set, error) {
	name := svFrom
	if svFrom == builtIn {
		name = w.Config.Severities + " (" + builtIn + ")"
	}
	return severity.Parse(name, sv)
}

// severities are the flow's severity definitions, as Flow reads them, without the action list
// or the working copies Flow compares for its warnings: all a write that checks the record
// it builds on needs. Read once per command, or taken from the flow already read.
func (w *Workspace) severities() (*severity.Set, string, error) {
	if w.flow != nil {
		return w.flow.Severities, w.flow.SeveritiesFrom, nil
	}
	if w.sev == nil && w.sevErr == nil {
		sv, from, _, _, err := w.atHead(w.Config.Severities, templates.For(string(w.Config.Lang)).Severities)
		if err == nil {
			w.sev, err = w.parseSeverities(sv, from)
		}
		w.sevFrom, w.sevErr = from, err
	}
	return w.sev, w.sevFrom, w.sevErr
}

// committed returns a flow file as committed at HEAD, warning when the working copy differs:
// what responders follow must be what was reviewed and merged.
func (w *Workspace) committed(rel string, def []byte) ([]byte, string, plumbing.Hash, []string, error) {
	content, from, hash, found, err := w.atHead(rel, def)
	if err != nil {
		return nil, "", plumbing.ZeroHash, nil, err
	}
	if !found {
		hash = gitrepo.BlobHash(def)
	}
	work, werr := readFile(w.abs(rel))
	var warnings []string
	switch {
	case found && werr == nil && !bytes.Equal(work, content):
		warnings = append(warnings, i18n.Text("flow.uncommitted", "Path", rel))
	case !found && werr == nil:
		warnings = append(warnings, i18n.Text("flow.not_committed", "Path", rel))
	}
	return content, from, hash, warnings, nil
}

// atHead returns a flow file as committed at HEAD (from is rel) and its blob's hash, or the
// built-in default def when HEAD has none (from is builtIn, found false, no hash).
func (w *Workspace) atHead(rel string, def []byte) (content []byte, from string, hash plumbing.Hash, found bool, err error) {
	content, hash, found, err = w.Repo.ReadAtHead(rel)
	if err != nil {
		return nil, "", plumbing.ZeroHash, false, fmt.Errorf("reading %s at HEAD: %v", rel, err)
	}
	if !found {
		return def, builtIn, plumbing.ZeroHash, false, nil
	}
	return content, rel, hash, true, nil
}

// renderActions renders the action list for an incident at a severity.
func (f *Flow) renderActions(m incident.Meta, sev string, now time.Time) (string, []incident.Action, error) {
	level, ok := f.Severities.Get(sev)
	if !ok {
		return "", nil, i18n.Errorf("flow.unknown_severity", "Severity", sev, "From", f.SeveritiesFrom)
	}
	return actionlist.Render(f.ActionListPath, f.ActionList, f.Severities, actionlist.Data{
		Severity:   level,
		Severities: f.Severities.Levels,
		Incident: actionlist.Incident{
			ID: m.ID, Title: m.Title, Commander: m.Commander, Impact: m.Impact, DeclaredAt: m.DeclaredAt,
		},
		Now: now,
	})
}
