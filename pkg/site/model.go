package site

import (
	"strings"
	"time"

	"github.com/incidentctl/incidentctl/pkg/board"
	"github.com/incidentctl/incidentctl/pkg/incident"
)

// summary is what the site's shared pages (index, filters, feed, status.json, search) need to
// know about one incident. It is kept in the build manifest, so a rebuild reads and parses
// only the documents that changed.
type summary struct {
	ID, Path, Title, Severity, Status string
	Commander, Impact, Announcement   string
	Resolution                        string
	Roles                             [][2]string
	DeclaredAt                        time.Time
	IdentifiedAt, MitigatedAt         time.Time // zero: not reached
	ResolvedAt                        time.Time
	LastLogAt                         time.Time // zero: empty log
	AnnouncedAt                       time.Time // when the current announcement was logged
	Events                            []event   // the updates that matter, oldest first
	Postmortem                        string    // the last "postmortem: …" entry's target
	OpenRequired, Overdue             int       // at the build's time (open incidents)
	Problems                          []Problem // what the parser could not read
	Broken                            bool      // the document could not be read at all
	Drill                             bool
}

// Problem is something wrong with a document, where.
type Problem struct {
	Line, Col int
	Rule      string
	Message   string
}

func (s *summary) open() bool { return !s.Broken && s.Status != incident.StatusResolved }

// event is one update that matters to a reader: a feed entry and a highlighted timeline item.
type event struct {
	At     time.Time
	Kind   string // eventDeclared …
	Author string
	Text   string // the log text
	// Detail is the new value: the severity, the status, the announcement, the new commander,
	// the resolution.
	Detail string
}

// Kinds of event.
const (
	eventDeclared     = "declared"
	eventSeverity     = "severity"
	eventStatus       = "status"
	eventAnnouncement = "announcement"
	eventHandoff      = "handoff"
	eventCommander    = "commander"
	eventResolved     = "resolved"
	eventPostmortem   = "postmortem"
)

// postmortemPrefix is the log entry that links a postmortem (pkg/lint checks it).
const postmortemPrefix = "postmortem:"

// classify tells which update a log text records, if any.
func classify(text string) (kind, detail string) {
	if sev, ok := board.Declared(text); ok {
		return eventDeclared, sev
	}
	if _, to, ok := board.SeverityChange(text); ok {
		return eventSeverity, to
	}
	if _, to, res, ok := board.StatusChange(text); ok {
		if to == incident.StatusResolved {
			return eventResolved, res
		}
		return eventStatus, to
	}
	if a, ok := board.Announcement(text); ok {
		return eventAnnouncement, a
	}
	if b, ok := board.ParseHandoff(text); ok {
		return eventHandoff, b.To
	}
	if _, to, ok := board.CommanderChange(text); ok {
		return eventCommander, to
	}
	if len(text) > len(postmortemPrefix) && strings.EqualFold(text[:len(postmortemPrefix)], postmortemPrefix) {
		// The link is the first word (as pkg/lint and the postmortem commands read it).
		if f := strings.Fields(text[len(postmortemPrefix):]); len(f) > 0 {
			return eventPostmortem, strings.Trim(f[0], "<>()[]")
		}
		return eventPostmortem, ""
	}
	return "", ""
}

// summarise reads what the shared pages need from a parsed document.
func summarise(d *incident.Document, now time.Time) *summary {
	m := d.Meta
	s := &summary{
		ID: m.ID, Path: d.Path, Title: m.Title, Severity: m.Severity, Status: m.Status,
		Commander: m.Commander, Impact: m.Impact, Announcement: m.Announcement, Resolution: m.Resolution,
		DeclaredAt: m.DeclaredAt, LastLogAt: d.LastLogAt(), Drill: m.IsDrill(),
	}
	for _, r := range m.Roles {
		s.Roles = append(s.Roles, [2]string{r.Name, r.Holder})
	}
	for _, p := range []struct {
		t   *time.Time
		dst *time.Time
	}{{m.IdentifiedAt, &s.IdentifiedAt}, {m.MitigatedAt, &s.MitigatedAt}, {m.ResolvedAt, &s.ResolvedAt}} {
		if p.t != nil {
			*p.dst = *p.t
		}
	}
	for _, e := range d.Log {
		kind, detail := classify(e.Text)
		switch kind {
		case "":
			continue
		case eventAnnouncement:
			if detail == m.Announcement {
				s.AnnouncedAt = e.At
			}
		case eventPostmortem:
			s.Postmortem = detail
		}
		s.Events = append(s.Events, event{At: e.At, Kind: kind, Author: e.Author, Text: e.Text, Detail: detail})
	}
	for _, p := range d.Problems {
		s.Problems = append(s.Problems, Problem{Line: p.Line, Col: p.Col, Rule: p.Rule, Message: p.Message})
	}
	if s.open() {
		r := board.Status(d, now)
		s.OpenRequired, s.Overdue = len(r.OpenRequired), len(r.Overdue)
	}
	return s
}

// brokenSummary stands for a document that could not be read.
func brokenSummary(path string, problems []Problem) *summary {
	name := path[strings.LastIndexByte(path, '/')+1:]
	id := incident.IDFromFileName(name)
	if id == "" { // not a document's name (Build's caller chose the sources): a safe file name
		id = slug(strings.TrimSuffix(name, ".md"))
	}
	return &summary{ID: id, Path: path, Title: name, Broken: true, Problems: problems}
}

// duration is how long the incident lasted (until now while it is open).
func (s *summary) duration(now time.Time) time.Duration {
	end := now
	if !s.ResolvedAt.IsZero() {
		end = s.ResolvedAt
	}
	return max(end.Sub(s.DeclaredAt), 0)
}

// updatedAt is the latest time the record shows for the incident.
func (s *summary) updatedAt() time.Time {
	t := s.DeclaredAt
	for _, u := range []time.Time{s.LastLogAt, s.IdentifiedAt, s.MitigatedAt, s.ResolvedAt} {
		if u.After(t) {
			t = u
		}
	}
	return t
}
