package notify

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"time"

	"github.com/incidentctl/incidentctl/pkg/incident"
)

// The events a sink can subscribe to (config.NotifyEvents holds the same names, for the
// config file's checks).
const (
	EventDeclared     = "declared"
	EventSeverity     = "severity"
	EventStatus       = "status"
	EventCommander    = "commander"
	EventAnnouncement = "announcement"
	EventResolved     = "resolved"
	// EventTest is what `incidentctl notify test` posts; no sink subscribes to it.
	EventTest = "test"
)

// Change is one thing a commit changed that a sink can be told about.
type Change struct {
	Event string `json:"event"`
	From  string `json:"from,omitempty"`
	To    string `json:"to,omitempty"`
}

// Incident is the incident as a commit left it: what every message shows.
type Incident struct {
	ID           string    `json:"id"`
	Title        string    `json:"title"`
	Severity     string    `json:"severity"`
	Status       string    `json:"status"`
	Commander    string    `json:"commander"`
	Impact       string    `json:"impact"`
	Announcement string    `json:"announcement"`
	Resolution   string    `json:"resolution"`
	Drill        bool      `json:"drill"`
	DeclaredAt   time.Time `json:"declared_at"`
	Path         string    `json:"path"` // repository path of the document
	URL          string    `json:"url"`  // its page on the site, "" when there is none
}

// Event is one commit's notification: the incident after the commit and what the commit
// changed, in the order of NotifyEvents.
type Event struct {
	Incident Incident
	Changes  []Change
	// PreviousSeverity is the severity before the commit ("" for a declaration): a sink with a
	// min_severity still hears that an incident it followed was downgraded.
	PreviousSeverity string
	Author           string
	At               time.Time
	Commit           string
}

// Changes compares an incident document before and after a commit. before is nil for a
// declaration. Only the record counts: a change is what the documents show, whatever command
// made it.
func Changes(before *incident.Meta, after *incident.Meta) []Change {
	if after == nil {
		return nil
	}
	if before == nil {
		return []Change{{Event: EventDeclared, To: after.Severity}}
	}
	var out []Change
	if before.Severity != after.Severity {
		out = append(out, Change{Event: EventSeverity, From: before.Severity, To: after.Severity})
	}
	resolved := before.Status != after.Status && after.Status == incident.StatusResolved
	if before.Status != after.Status && !resolved {
		out = append(out, Change{Event: EventStatus, From: before.Status, To: after.Status})
	}
	if strings.TrimSpace(before.Commander) != strings.TrimSpace(after.Commander) {
		out = append(out, Change{Event: EventCommander, From: before.Commander, To: after.Commander})
	}
	if before.Announcement != after.Announcement && strings.TrimSpace(after.Announcement) != "" {
		out = append(out, Change{Event: EventAnnouncement, From: before.Announcement, To: after.Announcement})
	}
	if resolved {
		out = append(out, Change{Event: EventResolved, From: before.Status, To: after.Status})
	}
	return out
}

// NewEvent builds the event of a commit from the documents before (nil for a declaration)
// and after it; ok is false when the commit changed nothing a sink can hear about.
func NewEvent(before, after *incident.Document, commit, author string, at time.Time) (ev Event, ok bool) {
	var bm *incident.Meta
	if before != nil {
		bm = &before.Meta
		ev.PreviousSeverity = before.Meta.Severity
	}
	ev.Changes = Changes(bm, &after.Meta)
	if len(ev.Changes) == 0 {
		return ev, false
	}
	m := after.Meta
	ev.Incident = Incident{
		ID: m.ID, Title: m.Title, Severity: m.Severity, Status: m.Status, Commander: m.Commander,
		Impact: m.Impact, Announcement: m.Announcement, Resolution: m.Resolution,
		Drill: m.IsDrill() || (bm != nil && bm.IsDrill()), DeclaredAt: m.DeclaredAt, Path: after.Path,
	}
	ev.Author, ev.At, ev.Commit = author, at, commit
	return ev, true
}

// Has reports whether the event carries a change of this kind.
func (ev Event) Has(event string) bool {
	return slices.ContainsFunc(ev.Changes, func(c Change) bool { return c.Event == event })
}

// Key is the idempotency key of the event's message to one sink: the same on every retry,
// different for every commit and sink. The commit is made by one clone only, so a merge of
// two clones' work can never produce the key a second time.
func Key(commit, incidentID, sink string) string {
	h := sha256.Sum256([]byte("incidentctl notify\x00" + commit + "\x00" + incidentID + "\x00" + sink))
	return hex.EncodeToString(h[:16])
}
