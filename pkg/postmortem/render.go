package postmortem

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"text/template"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/incidentctl/incidentctl/pkg/incident"
)

// A postmortem is written in two steps, like an incident: the template (templates/postmortem.md
// at HEAD, or the built-in default) renders the body from a typed context, incidentctl writes
// the front matter, and the result is parsed before anything is committed, so a template cannot
// produce a document the tool cannot read.

// Data is what the template receives.
type Data struct {
	*Record
	Postmortem Meta      // owner, meeting, status of the postmortem itself
	ShortID    string    // the random part of the incident's ID, what people type
	ActionList string    // the action-list template path (for the flow section)
	Now        time.Time // when the draft is made
	L          Labels
	Block      Blocks // the generated parts, as Markdown
}

// Blocks are the parts of the draft generated from the record, ready to insert.
type Blocks struct {
	Header, Summary, Impact, Timeline, Durations, SeverityHistory, Responders string
	Review, Skipped, TimeBoxes, Escalations, Followups, Flow                  string
}

// NewData builds the template's context from the record.
func NewData(rec *Record, pm Meta, actionList string, now time.Time, l Labels) *Data {
	d := &Data{Record: rec, Postmortem: pm, ShortID: shortID(rec.Incident.ID), ActionList: actionList, Now: now, L: l}
	f := formatter{zone: rec.Zone, ref: rec.Incident.DeclaredAt}
	b := &d.Block
	b.Header = "_" + l.Blameless + "_\n\n_" + fmt.Sprintf(l.DraftedFrom, rec.Path, f.full(now), zoneName(rec.Zone)) + "_"
	b.Summary = d.summary(f)
	b.Impact = d.impact(f)
	b.Timeline = d.timeline(f)
	b.Durations = d.durations(f)
	b.SeverityHistory = d.severityHistory(f)
	b.Responders = d.responders(f)
	b.Skipped = d.skipped(f)
	b.TimeBoxes = d.timeBoxes(f)
	b.Escalations = d.escalations(f)
	b.Review = "### " + l.Skipped + "\n\n" + b.Skipped + "\n\n### " + l.TimeBoxes + "\n\n" + b.TimeBoxes +
		"\n\n### " + l.Escalations + "\n\n" + b.Escalations
	// Each block made from the record goes between its markers (refresh.go), so that
	// `postmortem --refresh` can make it again; the review's parts are marked once, as a whole.
	for name, p := range map[string]*string{"summary": &b.Summary, "impact": &b.Impact, "timeline": &b.Timeline,
		"durations": &b.Durations, "severity-history": &b.SeverityHistory, "responders": &b.Responders,
		"review": &b.Review, "skipped": &b.Skipped, "time-boxes": &b.TimeBoxes, "escalations": &b.Escalations} {
		*p = wrapRecord(name, *p)
	}
	b.Followups = strings.TrimSuffix(FollowupsBlock(pm, l), "\n")
	tmpl := rec.Incident.Template
	if strings.HasPrefix(tmpl, "builtin:") {
		tmpl = l.FlowBuiltIn + " " + short(strings.TrimPrefix(tmpl, "builtin:"))
	} else {
		tmpl = short(tmpl)
	}
	b.Flow = wrapRecord("flow", fmt.Sprintf(l.FlowLine, tmpl, d.ShortID, actionList, d.ShortID))
	return d
}

func (d *Data) summary(f formatter) string {
	l, m := d.L, d.Incident
	parts := []string{fmt.Sprintf(l.SummaryLine, d.Highest, f.full(m.DeclaredAt), orDash(d.firstCommander(), l))}
	for _, ms := range d.Milestones[1:] {
		if ms.At == nil {
			continue
		}
		switch ms.Key {
		case incident.KeyIdentifiedAt:
			parts = append(parts, fmt.Sprintf(l.IdentifiedIn, Dur(ms.SinceDeclared)))
		case incident.KeyMitigatedAt:
			parts = append(parts, fmt.Sprintf(l.MitigatedIn, Dur(ms.SinceDeclared)))
		case incident.KeyResolvedAt:
			parts = append(parts, fmt.Sprintf(l.ResolvedIn, Dur(ms.SinceDeclared)))
		}
	}
	if d.Open {
		parts = append(parts, fmt.Sprintf(l.OpenFor, Dur(d.Until.Sub(m.DeclaredAt))))
	}
	s := strings.Join(parts, "; ") + "."
	if m.Resolution != "" {
		s += " " + fmt.Sprintf(l.ResolutionLine, m.Resolution)
	}
	return s
}

func (d *Data) firstCommander() string {
	if len(d.Commanders) > 0 {
		return d.Commanders[0].Name
	}
	return d.Incident.Commander
}

func (d *Data) impact(f formatter) string {
	l, m := d.L, d.Incident
	t := newTable(l.Measure, l.Value)
	t.row(l.Impact, orDash(m.Impact, l))
	t.row(l.HighestSeverity, d.Highest)
	if m.MitigatedAt != nil {
		t.row(l.DeclaredToMitigated, Dur(m.MitigatedAt.Sub(m.DeclaredAt)))
	}
	if !d.Open {
		t.row(l.DeclaredToResolved, Dur(d.Until.Sub(m.DeclaredAt)))
	}
	if d.FirstLog != nil && d.FirstLog.Before(m.DeclaredAt) {
		t.row(l.FirstLogToDeclared, Dur(m.DeclaredAt.Sub(*d.FirstLog))+" ("+f.clock(*d.FirstLog)+")")
	}
	t.row(l.LastAnnouncement, orDash(m.Announcement, l))
	return t.String()
}

func (d *Data) timeline(f formatter) string {
	t := newTable(d.L.Time, d.L.TPlus, d.L.Who, d.L.Event)
	for _, e := range d.Timeline {
		t.row(f.clock(e.At), Offset(e.Offset), e.Author, e.Text)
	}
	return t.String()
}

func (d *Data) durations(f formatter) string {
	l := d.L
	t := newTable(l.Milestone, l.At, l.AfterDeclaration, l.AfterPrevious)
	for i, ms := range d.Milestones {
		name := l.MilestoneNames[ms.Key]
		switch {
		case ms.At == nil:
			t.row(name, l.NotReached, l.None, l.None)
		case i == 0:
			t.row(name, f.clock(*ms.At), l.None, l.None)
		default:
			t.row(name, f.clock(*ms.At), Dur(ms.SinceDeclared), Dur(ms.SincePrevious))
		}
	}
	return t.String()
}

func (d *Data) severityHistory(f formatter) string {
	l := d.L
	t := newTable(l.Severity, l.From, l.To, l.Duration)
	for _, p := range d.Severities {
		to := f.clock(p.To)
		if p.Open {
			to = l.StillOpen
		}
		t.row(p.Severity, f.clock(p.From), to, Dur(p.Duration()))
	}
	return t.String()
}

func (d *Data) responders(f formatter) string {
	l := d.L
	t := newTable(l.Role, l.Name, l.InCommand)
	for _, c := range d.Commanders {
		to := f.clock(c.To)
		if c.Open {
			to = l.StillOpen
		}
		t.row(l.Commander, c.Name, fmt.Sprintf("%s – %s (%s)", f.clock(c.From), to, Dur(c.Duration())))
	}
	for _, r := range d.Roles {
		t.row(r.Name, r.Holder, l.None)
	}
	s := t.String()
	if len(d.Writers) > 0 {
		s += "\n\n" + fmt.Sprintf(l.Writers, strings.Join(d.Writers, ", "))
	}
	return s
}

func (d *Data) skipped(f formatter) string {
	l := d.L
	if d.Open {
		return l.IncidentOpen
	}
	if len(d.Skipped) == 0 {
		return l.NoSkips
	}
	var b strings.Builder
	for i, s := range d.Skipped {
		if i > 0 {
			b.WriteByte('\n')
		}
		how := l.SkippedUnchecked
		if s.Logged != nil {
			how = fmt.Sprintf(l.SkippedLogged, s.Logged.Author, f.clock(s.Logged.At))
		}
		fmt.Fprintf(&b, "- %s — %s. %s", s.Text, how, l.WhyPrompt)
	}
	return b.String()
}

func (d *Data) timeBoxes(f formatter) string {
	l := d.L
	if len(d.TimeBoxes) == 0 {
		return fmt.Sprintf(l.NoTimeBoxes, d.Incident.Severity)
	}
	t := newTable(l.Action, l.Box, l.Due, l.Done, l.Result)
	for _, b := range d.TimeBoxes {
		done, result := l.None, ""
		switch {
		case b.DoneAt != nil:
			done = f.clock(*b.DoneAt)
			if b.Met() {
				result = fmt.Sprintf(l.ResultMet, Dur(b.Spare))
			} else {
				result = fmt.Sprintf(l.ResultLate, Dur(b.Late))
			}
		case b.Done:
			result = l.ResultNoTime
		case b.Late > 0:
			result = fmt.Sprintf(l.ResultNotDone, Dur(b.Late))
		default:
			result = l.ResultPending
		}
		t.row(strconv.Itoa(b.Number)+". "+b.Text, Dur(b.Box), f.clock(b.DueAt), done, result)
	}
	return t.String()
}

func (d *Data) escalations(f formatter) string {
	l := d.L
	if len(d.Escalations) == 0 {
		return l.NoEscalation
	}
	var b strings.Builder
	for i, e := range d.Escalations {
		if i > 0 {
			b.WriteByte('\n')
		}
		added := l.EscalationNothing
		if len(e.Added) > 0 {
			added = strings.Join(e.Added, "; ")
		}
		b.WriteString("- " + fmt.Sprintf(l.EscalationLine, f.clock(e.At), orDash(e.From, l), e.To, added))
	}
	return b.String()
}

// FollowupsBlock is the generated follow-ups block of the body, markers included.
func FollowupsBlock(m Meta, l Labels) string {
	var b strings.Builder
	b.WriteString(BlockStart + "\n")
	b.WriteString(fmt.Sprintf(l.FollowupsHint, shortID(m.Incident)) + "\n\n")
	if len(m.Followups) == 0 {
		b.WriteString(l.NoFollowups + "\n")
	} else {
		t := newTable(l.ID, l.Action, l.Kind, l.Owner, l.Due, l.Status, l.Link)
		for _, f := range m.Followups {
			status := l.StatusOpen
			if f.Done {
				when := ""
				if f.DoneAt != nil {
					when = f.DoneAt.Format(DateLayout)
				}
				status = strings.TrimSpace(fmt.Sprintf(l.StatusDone, when))
			}
			kind := l.KindNames[f.Kind]
			if kind == "" {
				kind = f.Kind
			}
			t.row(f.ID, f.Text, orDash(kind, l), orDash(f.Owner, l), orDash(f.Due, l), status, orDash(f.Link, l))
		}
		b.WriteString(t.String() + "\n")
	}
	b.WriteString(BlockEnd + "\n")
	return b.String()
}

// Template functions, for templates that lay the record out themselves.
func (d *Data) funcs() template.FuncMap {
	f := formatter{zone: d.Zone, ref: d.Incident.DeclaredAt}
	return template.FuncMap{
		"time":     f.clock,
		"fulltime": f.full,
		"duration": Dur,
		"offset":   Offset,
		"cell":     cell,
	}
}

// templateLineRE finds the line in text/template's errors ("template: name:12: ...").
var templateLineRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^template: [^:]*:(\d+)(:\d+)?: `) })

// Render renders the template (name is its path, for errors) into the body of a postmortem.
func Render(name string, src []byte, d *Data) (string, error) {
	where := func(err error) error {
		msg := err.Error()
		if m := templateLineRE().FindStringSubmatch(msg); m != nil {
			return fmt.Errorf("%s:%s: %s", name, m[1], msg[len(m[0]):])
		}
		return fmt.Errorf("%s: %s", name, strings.TrimPrefix(msg, "template: "))
	}
	t, err := template.New(name).Option("missingkey=error").Funcs(d.funcs()).Parse(string(src))
	if err != nil {
		return "", where(err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, d); err != nil {
		return "", where(err)
	}
	// Links in the record's text become autolinks, as in incident documents (markdownlint's
	// MD034); InlineMarkdown leaves code spans, links and text already written that way alone.
	return incident.InlineMarkdown(b.String()), nil
}

// New builds a postmortem from its front matter and the rendered body, and parses it: the CLI
// never writes a postmortem it cannot read.
func New(path string, m Meta, body string) (*Document, error) {
	var b strings.Builder
	b.WriteString("---\n")
	b.WriteString(encodeKey(KeyIncident, stringNode(m.Incident)))
	b.WriteString(encodeKey(KeyTitle, stringNode(oneLine(m.Title))))
	b.WriteString(encodeKey(KeyStatus, stringNode(m.Status)))
	b.WriteString(encodeKey(KeyOwner, stringNode(oneLine(m.Owner))))
	b.WriteString(encodeKey(KeyMeeting, timeNode(m.Meeting)))
	seq := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, f := range m.Followups {
		seq.Style = 0
		seq.Content = append(seq.Content, followupNode(f))
	}
	b.WriteString(encodeKey(KeyFollowups, seq))
	b.WriteString("---\n\n")
	b.WriteString(strings.TrimLeft(body, "\n"))
	if !strings.HasSuffix(body, "\n") {
		b.WriteString("\n")
	}
	d, err := Parse(path, []byte(b.String()))
	if err != nil {
		return nil, fmt.Errorf("the rendered postmortem does not parse: %v", err)
	}
	if d.Meta.Incident != m.Incident {
		return nil, fmt.Errorf("the rendered postmortem %s does not read back as the postmortem of %s", path, m.Incident)
	}
	return d, nil
}

// table builds a GFM table; cells are escaped to stay on one line.
type table struct {
	b strings.Builder
}

func newTable(headers ...string) *table {
	t := &table{}
	t.line(headers)
	seps := make([]string, len(headers))
	for i := range seps {
		seps[i] = "---"
	}
	t.line(seps)
	return t
}

func (t *table) line(cells []string) {
	t.b.WriteString("|")
	for _, c := range cells {
		t.b.WriteString(" " + c + " |")
	}
	t.b.WriteString("\n")
}

func (t *table) row(cells ...string) {
	for i, c := range cells {
		cells[i] = cell(c)
	}
	t.line(cells)
}

func (t *table) String() string { return strings.TrimSuffix(t.b.String(), "\n") }

// cell makes text safe in a table cell: one line, pipes escaped, never empty.
func cell(s string) string {
	s = oneLine(s)
	if s == "" {
		return "—"
	}
	return strings.ReplaceAll(incident.InlineMarkdown(s), "|", `\|`)
}

func orDash(s string, l Labels) string {
	if strings.TrimSpace(s) == "" {
		return l.None
	}
	return s
}

// formatter shows times in the declaration's offset: the time of day on the declaration's date,
// the date too on any other.
type formatter struct {
	zone *time.Location
	ref  time.Time
}

func (f formatter) clock(t time.Time) string {
	t = t.In(f.zone)
	ry, rm, rd := f.ref.In(f.zone).Date()
	if y, m, d := t.Date(); y == ry && m == rm && d == rd {
		return t.Format("15:04")
	}
	return t.Format("2006-01-02 15:04")
}

func (f formatter) full(t time.Time) string { return t.In(f.zone).Format("2006-01-02 15:04") }

// zoneName writes an offset as UTC+09:00.
func zoneName(loc *time.Location) string {
	return "UTC" + time.Date(2000, 1, 1, 0, 0, 0, 0, loc).Format("-07:00")
}

// Dur writes a duration the way people say it: 45s, 28m, 1h47m, 2d3h.
func Dur(d time.Duration) string {
	neg := d < 0
	if neg {
		d = -d
	}
	var s string
	switch {
	case d == 0:
		s = "0m"
	case d < time.Minute:
		s = fmt.Sprintf("%ds", int(d.Round(time.Second)/time.Second))
	case d < time.Hour:
		s = fmt.Sprintf("%dm", int(d.Round(time.Minute)/time.Minute))
	case d < 24*time.Hour:
		m := int(d.Round(time.Minute) / time.Minute)
		s = fmt.Sprintf("%dh", m/60)
		if m%60 != 0 {
			s += fmt.Sprintf("%02dm", m%60)
		}
	default:
		h := int(d.Round(time.Hour) / time.Hour)
		s = fmt.Sprintf("%dd", h/24)
		if h%24 != 0 {
			s += fmt.Sprintf("%dh", h%24)
		}
	}
	if neg {
		s = "-" + s
	}
	return s
}

// Offset writes an offset from the declaration: T+28m, T-2m.
func Offset(d time.Duration) string {
	if d < 0 {
		return "T" + Dur(d)
	}
	return "T+" + Dur(d)
}

func shortID(id string) string {
	if _, r, ok := strings.Cut(id, "-"); ok && r != "" {
		return r
	}
	return id
}

func short(h string) string {
	if len(h) > 7 {
		return h[:7]
	}
	return h
}
