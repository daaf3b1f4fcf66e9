// Package incident is the incident document format: one Markdown file with YAML front matter
// holding the state, a Status section (the at-a-glance table), an Action list (a GFM task list)
// and an append-only Log. Every rule of the format lives in this package: parsing, building a
// new document and the surgical edits the commands make.
package incident

import (
	"fmt"
	"github.com/incidentctl/incidentctl/pkg/i18n"
	"slices"
	"strings"
	"time"
)

// Front-matter keys, in the order a new document lists them.
const (
	KeyID           = "id"
	KeyTitle        = "title"
	KeySeverity     = "severity"
	KeyStatus       = "status"
	KeyCommander    = "commander"
	KeyRoles        = "roles"
	KeyImpact       = "impact"
	KeyAnnouncement = "announcement"
	KeyDeclaredAt   = "declared_at"
	KeyIdentifiedAt = "identified_at"
	KeyMitigatedAt  = "mitigated_at"
	KeyResolvedAt   = "resolved_at"
	KeyResolution   = "resolution"
	KeyTemplate     = "template"
	KeyKind         = "kind"
	// What a drill records besides its kind (see Meta).
	KeyScenario       = "scenario"
	KeyScenarioCommit = "scenario_commit"
	KeyVariant        = "variant"
	KeyFacilitator    = "facilitator"
	KeySpeed          = "speed"
	// KeyAnnouncedAt is when the current announcement was posted (update --announcement
	// records it with the announcement); absent in documents from before it existed.
	KeyAnnouncedAt = "announced_at"
)

// Kinds of incident document. A real incident has no kind key; a drill (a rehearsal played from
// a scenario under drills/) says `kind: drill`, and every view of the real record leaves it out
// unless asked to include drills.
const (
	KindIncident = ""
	KindDrill    = "drill"
)

// Kinds lists the values the kind key may take.
var Kinds = []string{KindIncident, KindDrill}

// Keys lists every front-matter key the format knows, in canonical order.
var Keys = []string{
	KeyID, KeyTitle, KeySeverity, KeyStatus, KeyCommander, KeyRoles, KeyImpact, KeyAnnouncement,
	KeyDeclaredAt, KeyIdentifiedAt, KeyMitigatedAt, KeyResolvedAt, KeyResolution, KeyTemplate,
}

// OptionalKeys are known keys a document carries only when they apply; a new document writes
// them right after the title, and only when set (announced_at is added by the first update
// that records an announcement).
var OptionalKeys = []string{KeyKind, KeyScenario, KeyScenarioCommit, KeyVariant, KeyFacilitator, KeySpeed, KeyAnnouncedAt}

// DrillKeys are the optional keys only a drill carries.
var DrillKeys = OptionalKeys[1:6]

// KnownKeys is every key the format reads: Keys plus OptionalKeys.
var KnownKeys = append(slices.Clone(Keys), OptionalKeys...)

// RequiredKeys must be present in every document.
var RequiredKeys = []string{KeyID, KeyTitle, KeySeverity, KeyStatus, KeyDeclaredAt}

// Statuses in their normal order of progress.
const (
	StatusInvestigating = "investigating"
	StatusIdentified    = "identified"
	StatusMitigated     = "mitigated"
	StatusResolved      = "resolved"
)

// Statuses lists the known statuses in order of progress.
var Statuses = []string{StatusInvestigating, StatusIdentified, StatusMitigated, StatusResolved}

// MilestoneKey is the timestamp key a status sets when it is first reached ("" for none).
func MilestoneKey(status string) string {
	switch status {
	case StatusIdentified:
		return KeyIdentifiedAt
	case StatusMitigated:
		return KeyMitigatedAt
	case StatusResolved:
		return KeyResolvedAt
	}
	return ""
}

// ValidStatus reports whether s is a known status.
func ValidStatus(s string) bool { return slices.Contains(Statuses, s) }

// Section headings (level 2) the CLI needs, exactly once each.
const (
	SectionStatus  = "Status"
	SectionActions = "Action list"
	SectionLog     = "Log"
)

// Sections lists the required sections in document order.
var Sections = []string{SectionStatus, SectionActions, SectionLog}

// Meta is the state kept in the front matter.
type Meta struct {
	ID           string
	Title        string
	Severity     string
	Status       string
	Commander    string
	Roles        Roles
	Impact       string
	Announcement string
	DeclaredAt   time.Time
	IdentifiedAt *time.Time
	MitigatedAt  *time.Time
	ResolvedAt   *time.Time
	Resolution   string
	Template     string
	Kind         string // KindIncident or KindDrill

	// A drill's keys, empty for a real incident. They are kept as written; pkg/drill gives
	// them their meaning (and lint checks them).
	Scenario       string // the scenario played: drills/<name>.md
	ScenarioCommit string // the commit the scenario was read at when the drill started
	Variant        string // the break variant, sealed so the trainee cannot read it
	Facilitator    string // who runs the drill (the game master)
	Speed          string // how much faster than the scenario's clock the drill runs, e.g. 60

	// AnnouncedAt is when Announcement was posted; nil when the document does not say (see
	// board.LastAnnouncement, which falls back to the log).
	AnnouncedAt *time.Time
}

// IsDrill reports whether the document is a drill rather than a real incident.
func (m *Meta) IsDrill() bool { return m.Kind == KindDrill }

// Optional returns the value of an optional key ("" when it is not set).
func (m *Meta) Optional(key string) string {
	switch key {
	case KeyKind:
		return m.Kind
	case KeyScenario:
		return m.Scenario
	case KeyScenarioCommit:
		return m.ScenarioCommit
	case KeyVariant:
		return m.Variant
	case KeyFacilitator:
		return m.Facilitator
	case KeySpeed:
		return m.Speed
	}
	return ""
}

// Milestone returns the timestamp stored under a milestone key.
func (m *Meta) Milestone(key string) *time.Time {
	switch key {
	case KeyDeclaredAt:
		t := m.DeclaredAt
		return &t
	case KeyIdentifiedAt:
		return m.IdentifiedAt
	case KeyMitigatedAt:
		return m.MitigatedAt
	case KeyResolvedAt:
		return m.ResolvedAt
	}
	return nil
}

// Role is one named responsibility (comms, scribe, ops ...) and who holds it.
type Role struct {
	Name   string
	Holder string
}

// Roles keeps the order the document lists them in.
type Roles []Role

// Get returns the holder of a role, "" when nobody holds it.
func (rs Roles) Get(name string) string {
	for _, r := range rs {
		if r.Name == name {
			return r.Holder
		}
	}
	return ""
}

// With returns a copy with the role set; an empty holder removes the role.
func (rs Roles) With(name, holder string) Roles {
	out := make(Roles, 0, len(rs)+1)
	found := false
	for _, r := range rs {
		if r.Name == name {
			found = true
			if holder == "" {
				continue
			}
			r.Holder = holder
		}
		out = append(out, r)
	}
	if !found && holder != "" {
		out = append(out, Role{name, holder})
	}
	return out
}

// Map returns the roles as a map (for JSON).
func (rs Roles) Map() map[string]string {
	m := make(map[string]string, len(rs))
	for _, r := range rs {
		m[r.Name] = r.Holder
	}
	return m
}

// String renders "comms: bob, scribe: carol".
func (rs Roles) String() string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = r.Name + ": " + r.Holder
	}
	return strings.Join(parts, ", ")
}

// ValidRoleName reports whether a role name is usable as a YAML key and on the command line:
// lower-case letters, digits, '-' and '_', starting with a letter.
func ValidRoleName(s string) bool {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// Action is one item of the action list.
type Action struct {
	Text     string        // the item's text without markers
	Done     bool          // checked
	Required []string      // severities at which the item is required
	Due      time.Duration // time box counted from declaration; 0 when none
	DueAtSev []string      // severities the time box applies at; empty means all
	// Announce is how often an announcement is due while the incident is open (the flow's
	// cadence, <!-- announce: 30m SEV1 SEV2 -->), at the severities AnnounceAtSev (all when
	// empty); 0 when the item sets none.
	Announce      time.Duration
	AnnounceAtSev []string
	Line          int // 1-based line in the file
	box           int // byte offset of the '[' of the check box in the file
}

// RequiredAt reports whether the action is required at severity sev.
func (a Action) RequiredAt(sev string) bool { return slices.Contains(a.Required, sev) }

// DueAfter returns the item's time box at severity sev, counted from the declaration.
func (a Action) DueAfter(sev string) (time.Duration, bool) {
	if a.Due <= 0 || len(a.DueAtSev) > 0 && !slices.Contains(a.DueAtSev, sev) {
		return 0, false
	}
	return a.Due, true
}

// AnnounceEvery returns the announcement cadence the item sets at severity sev.
func (a Action) AnnounceEvery(sev string) (time.Duration, bool) {
	if a.Announce <= 0 || len(a.AnnounceAtSev) > 0 && !slices.Contains(a.AnnounceAtSev, sev) {
		return 0, false
	}
	return a.Announce, true
}

// AnnounceMarker is how an item sets the cadence of announcements (at the given severities;
// none means all).
func AnnounceMarker(d time.Duration, sevs []string) string {
	return strings.TrimSpace("<!-- announce: "+formatDuration(d)+" "+strings.Join(sevs, " ")) + " -->"
}

// RequiredMarker is how an item says at which severities it is required.
func RequiredMarker(sevs []string) string {
	return "<!-- required: " + strings.Join(sevs, " ") + " -->"
}

// DueMarker is how an item says it is time-boxed (at the given severities; none means all).
func DueMarker(d time.Duration, sevs []string) string {
	return strings.TrimSpace("<!-- due: "+formatDuration(d)+" "+strings.Join(sevs, " ")) + " -->"
}

// formatDuration writes 30m and 2h rather than Go's 30m0s and 2h0m0s.
func formatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// FormatAction renders an item as a task-list line with its markers.
func FormatAction(a Action) string {
	box := "[ ]"
	if a.Done {
		box = "[x]"
	}
	line := "- " + box + " " + a.Text
	if len(a.Required) > 0 {
		line += " " + RequiredMarker(a.Required)
	}
	if a.Due > 0 {
		line += " " + DueMarker(a.Due, a.DueAtSev)
	}
	if a.Announce > 0 {
		line += " " + AnnounceMarker(a.Announce, a.AnnounceAtSev)
	}
	return line + "\n"
}

// LogEntry is one line of the log.
type LogEntry struct {
	At     time.Time
	Author string
	Text   string
	Line   int // 1-based line in the file; 0 for an entry not yet written
	start  int // byte range of the entry in the file, including its newline
	end    int
	// itemEnd is where its list item ends: after end when a note follows the entry
	// unindented (see collectLog); new entries go after it.
	itemEnd int
}

// Problem is something wrong with a document that does not stop the CLI from reading it
// (an unparseable log line, an unknown key). Lint reports them.
type Problem struct {
	Line, Col int
	Rule      string
	Message   string
}

// ParseError is a document the CLI cannot work with; it names the file, line and what to do.
type ParseError struct {
	Path      string
	Line, Col int
	Rule      string
	Msg       string
}

// ConflictMarkerMessage is what the conflict-marker rule says (made by i18n.Text, so it is
// said in the reader's language).
func ConflictMarkerMessage() string { return i18n.Text("incident.parse.conflict_marker") }

func (e *ParseError) Error() string { return e.say(e.Msg) }

// Localize says the error in p's language (i18n.Localized): its message is made by i18n.Text.
func (e *ParseError) Localize(p *i18n.Printer) string { return e.say(p.Translate(e.Msg)) }

func (e *ParseError) say(msg string) string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", e.Path, e.Line, max(e.Col, 1), msg)
	}
	return fmt.Sprintf("%s: %s", e.Path, msg)
}
