// Package postmortem is the postmortem document format: one Markdown file per incident under
// postmortems/YYYY/MM/<incident id>-<slug>.md, with YAML front matter (the incident it reviews,
// its status, owner, meeting and the follow-ups it decided) and a Markdown body drafted from the
// incident's record. It follows the conventions of incident documents (pkg/incident): the front
// matter is anchored at byte 0 and decoded with yaml v3, every edit replaces one byte range and
// parses the result again, so the team's prose is never touched and the tool never writes a
// document it cannot read.
//
// Follow-ups live in the front matter, each with a stable ID (<incident id>-F1, -F2, ...); the
// body shows them in a generated block between two markers, regenerated on every change.
package postmortem

import (
	"fmt"
	"slices"
	"time"
)

// Front-matter keys, in the order a new postmortem lists them.
const (
	KeyIncident  = "incident"
	KeyTitle     = "title"
	KeyStatus    = "status"
	KeyOwner     = "owner"
	KeyMeeting   = "meeting"
	KeyFollowups = "followups"
)

// Keys lists the front-matter keys the format knows, in canonical order.
var Keys = []string{KeyIncident, KeyTitle, KeyStatus, KeyOwner, KeyMeeting, KeyFollowups}

// RequiredKeys must be present in every postmortem.
var RequiredKeys = []string{KeyIncident, KeyStatus}

// Statuses of a postmortem, in their order of progress: drafted from the record, reviewed in the
// meeting, final once the team agrees on it.
const (
	StatusDraft    = "draft"
	StatusInReview = "in-review"
	StatusFinal    = "final"
)

// Statuses lists the known statuses in order of progress.
var Statuses = []string{StatusDraft, StatusInReview, StatusFinal}

// ValidStatus reports whether s is a known status.
func ValidStatus(s string) bool { return slices.Contains(Statuses, s) }

// Follow-up keys, in the order a new follow-up lists them.
const (
	FKeyID     = "id"
	FKeyText   = "text"
	FKeyOwner  = "owner"
	FKeyDue    = "due"
	FKeyKind   = "kind"
	FKeyLink   = "link"
	FKeyDone   = "done"
	FKeyDoneAt = "done_at"
)

// FollowupKeys lists the keys a follow-up may have.
var FollowupKeys = []string{FKeyID, FKeyText, FKeyOwner, FKeyDue, FKeyKind, FKeyLink, FKeyDone, FKeyDoneAt}

// Kinds of follow-up: what the action does about the next incident.
const (
	KindPrevent  = "prevent"  // keeps it from happening again
	KindDetect   = "detect"   // finds it sooner
	KindMitigate = "mitigate" // makes it smaller or shorter
	KindProcess  = "process"  // changes how the team responds (the action list, training)
)

// Kinds lists the known kinds.
var Kinds = []string{KindPrevent, KindDetect, KindMitigate, KindProcess}

// ValidKind reports whether s is a known kind ("" is allowed: no kind given).
func ValidKind(s string) bool { return s == "" || slices.Contains(Kinds, s) }

// Meta is the state kept in the front matter.
type Meta struct {
	Incident  string // the incident's ID
	Title     string
	Status    string
	Owner     string
	Meeting   *time.Time
	Followups []Followup
}

// Followup is one decision that must not be forgotten: an action with an owner and a due date
// ("without them they are wishes").
type Followup struct {
	ID     string
	Text   string
	Owner  string
	Due    string // as written: a date (2026-10-01) or an RFC 3339 time; "" when missing
	Kind   string
	Link   string
	Done   bool
	DoneAt *time.Time
	Line   int               // 1-based line of the item in the file; 0 for one not yet written
	Col    int               // 1-based column of its first key
	pos    map[string][2]int // line and column of each key of the item
}

// KeyPos is where one of the item's keys is written (where the item starts when it has none).
func (f Followup) KeyPos(key string) (line, col int) {
	if p, ok := f.pos[key]; ok {
		return p[0], p[1]
	}
	return f.Line, f.Col
}

// KeyLine is the line of one of the item's keys (the item's line when it has none).
func (f Followup) KeyLine(key string) int {
	l, _ := f.KeyPos(key)
	return l
}

// Problem is something wrong with a postmortem that does not stop the CLI from reading it (an
// unknown key, a follow-up with a date that does not parse). Lint reports them.
type Problem struct {
	Line, Col int
	Message   string
}

// ParseError is a postmortem the CLI cannot work with; it names the file, line and what to do.
type ParseError struct {
	Path      string
	Line, Col int
	Msg       string
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", e.Path, e.Line, max(e.Col, 1), e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.Path, e.Msg)
}

// Document is a parsed postmortem. Src is the file's exact bytes.
type Document struct {
	Path     string
	Src      []byte
	Meta     Meta
	Problems []Problem
	fm       frontMatter
	block    span // the generated follow-ups block in the body; start < 0 when there is none
}

// Followup returns the follow-up with this ID (case-insensitive).
func (d *Document) Followup(id string) (Followup, int, bool) {
	for i, f := range d.Meta.Followups {
		if equalFold(f.ID, id) {
			return f, i, true
		}
	}
	return Followup{}, -1, false
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
