package cli

import (
	"bytes"
	"encoding/json"
	"time"

	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/workspace"
)

// printJSON is the one --json writer every command uses.
func (app *App) printJSON(v any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := app.Out.Write(escapeJSON(b.Bytes()))
	return err
}

// writeJSON is what write commands print with --json.
type writeJSON struct {
	ID       string   `json:"id"`
	Path     string   `json:"path"`
	Commit   string   `json:"commit"`
	Title    string   `json:"title"`
	Severity string   `json:"severity"`
	Status   string   `json:"status"`
	Warnings []string `json:"warnings"`
}

func toWriteJSON(r *workspace.Result) writeJSON {
	w := writeJSON{ID: r.ID, Path: r.Path, Commit: r.Commit, Warnings: r.Warnings}
	if w.Warnings == nil {
		w.Warnings = []string{}
	}
	if r.Doc != nil {
		w.Title, w.Severity, w.Status = r.Doc.Meta.Title, r.Doc.Meta.Severity, r.Doc.Meta.Status
	}
	return w
}

// IncidentJSON is the JSON contract for one incident (show --json, list --json).
type IncidentJSON struct {
	ID           string            `json:"id"`
	Path         string            `json:"path"`
	Title        string            `json:"title"`
	Severity     string            `json:"severity"`
	Status       string            `json:"status"`
	Commander    string            `json:"commander"`
	Roles        map[string]string `json:"roles"`
	Impact       string            `json:"impact"`
	Announcement string            `json:"announcement"`
	DeclaredAt   *time.Time        `json:"declared_at"`
	IdentifiedAt *time.Time        `json:"identified_at"`
	MitigatedAt  *time.Time        `json:"mitigated_at"`
	ResolvedAt   *time.Time        `json:"resolved_at"`
	Resolution   string            `json:"resolution"`
	Template     string            `json:"template"`
	Kind         string            `json:"kind,omitempty"` // "drill" for a drill; absent for a real incident
	Actions      []ActionJSON      `json:"actions"`
	Log          []LogJSON         `json:"log"`
}

// ActionJSON is one action-list item.
type ActionJSON struct {
	Text     string `json:"text"`
	Done     bool   `json:"done"`
	Required bool   `json:"required"`
}

// LogJSON is one log entry.
type LogJSON struct {
	At     time.Time `json:"at"`
	Author string    `json:"author"`
	Text   string    `json:"text"`
}

func toIncidentJSON(d *incident.Document) IncidentJSON {
	m := d.Meta
	out := IncidentJSON{
		ID: m.ID, Path: d.Path, Title: m.Title, Severity: m.Severity, Status: m.Status,
		Commander: m.Commander, Roles: m.Roles.Map(), Impact: m.Impact, Announcement: m.Announcement,
		IdentifiedAt: m.IdentifiedAt, MitigatedAt: m.MitigatedAt, ResolvedAt: m.ResolvedAt,
		Resolution: m.Resolution, Template: m.Template, Kind: m.Kind,
		Actions: make([]ActionJSON, len(d.Actions)), Log: make([]LogJSON, 0, len(d.Log)),
	}
	if !m.DeclaredAt.IsZero() {
		t := m.DeclaredAt
		out.DeclaredAt = &t
	}
	for i, a := range d.Actions {
		out.Actions[i] = ActionJSON{Text: a.Text, Done: a.Done, Required: a.RequiredAt(m.Severity)}
	}
	for _, e := range sortedLog(d) {
		out.Log = append(out.Log, LogJSON{At: e.At, Author: e.Author, Text: e.Text})
	}
	return out
}

// sortedLog returns the log in time order (a hand edit may have left it out of order).
func sortedLog(d *incident.Document) []incident.LogEntry {
	out := append([]incident.LogEntry(nil), d.Log...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].At.Before(out[j-1].At); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}
