package incident

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/incidentctl/incidentctl/pkg/i18n"
)

// Every edit replaces one byte range and parses the result again, so each edit starts from
// fresh positions and a document the parser rejects is never produced. Bytes outside the range
// stay identical: notes a human wrote anywhere survive.

func (d *Document) splice(start, end int, repl string) (*Document, error) {
	out := make([]byte, 0, len(d.Src)-(end-start)+len(repl))
	out = append(out, d.Src[:start]...)
	out = append(out, repl...)
	out = append(out, d.Src[end:]...)
	nd, err := Parse(d.Path, out)
	if err != nil {
		return nil, i18n.Errorf("incident.edit.unparsable", "Path", d.Path, "Error", err)
	}
	return nd, nil
}

func (d *Document) setKey(key string, v *yaml.Node) (*Document, error) {
	line := string(encodeKey(key, v))
	if ks, ok := d.fm.key(key); ok {
		return d.splice(ks.start, ks.end, line)
	}
	return d.splice(d.fm.closeLine, d.fm.closeLine, line) // a missing key goes last
}

// SetString sets a text key (title, severity, status, commander, impact, ...).
func (d *Document) SetString(key, value string) (*Document, error) {
	return d.setKey(key, stringNode(value))
}

// SetTime sets a timestamp key; nil writes null.
func (d *Document) SetTime(key string, t *time.Time) (*Document, error) {
	return d.setKey(key, timeNode(t))
}

// SetRoles replaces the roles mapping.
func (d *Document) SetRoles(rs Roles) (*Document, error) {
	return d.setKey(KeyRoles, rolesNode(rs))
}

// Check ticks the action at index i (into Actions). Ticking a ticked item changes nothing.
func (d *Document) Check(i int) (*Document, error) {
	if i < 0 || i >= len(d.Actions) {
		return nil, i18n.Errorf("incident.no_action", "Path", d.Path, "N", i+1, "Count", len(d.Actions))
	}
	a := d.Actions[i]
	if a.Done {
		return d, nil
	}
	return d.splice(a.box+1, a.box+2, "x")
}

// Uncheck clears the check box of the action at index i: an item ticked by mistake.
// Clearing a clear box changes nothing.
func (d *Document) Uncheck(i int) (*Document, error) {
	if i < 0 || i >= len(d.Actions) {
		return nil, i18n.Errorf("incident.no_action", "Path", d.Path, "N", i+1, "Count", len(d.Actions))
	}
	a := d.Actions[i]
	if !a.Done {
		return d, nil
	}
	return d.splice(a.box+1, a.box+2, " ")
}

// AppendLog adds an entry to the Log, after every entry at or before its time, so the log stays
// in time order even when the time was backfilled.
func (d *Document) AppendLog(e LogEntry) (*Document, error) {
	line := FormatLogLine(e)
	pos := -1
	for i := len(d.Log) - 1; i >= 0; i-- {
		if !d.Log[i].At.After(e.At) {
			pos = d.Log[i].itemEnd
			break
		}
	}
	if pos < 0 && len(d.Log) > 0 {
		return d.splice(d.Log[0].start, d.Log[0].start, line)
	}
	if pos < 0 {
		sec := d.sections[SectionLog]
		pos = d.trimBlankTail(sec.heading.start, sec.end)
		return d.splice(pos, pos, d.separator(pos, false)+line)
	}
	if d.Src[pos-1] != '\n' {
		line = "\n" + line
	}
	return d.splice(pos, pos, line)
}

// separator returns what must go before text inserted at pos (just after a non-blank line):
// a newline when the line has none, and a blank line unless the insertion continues a list.
func (d *Document) separator(pos int, continuesList bool) string {
	sep := ""
	if pos > 0 && d.Src[pos-1] != '\n' {
		sep = "\n"
	}
	prev := string(d.Src[d.lineStart(max(pos-1, 0)):pos])
	inList := strings.HasPrefix(prev, "- ") || strings.HasPrefix(prev, "* ") || strings.HasPrefix(prev, " ")
	if !(continuesList && inList) {
		sep += "\n"
	}
	return sep
}

// AddActions appends task-list lines ("- [ ] ...") at the end of the Action list.
func (d *Document) AddActions(items string) (*Document, error) {
	if items == "" {
		return d, nil
	}
	sec := d.sections[SectionActions]
	pos := d.trimBlankTail(sec.heading.start, sec.end)
	if !strings.HasSuffix(items, "\n") {
		items += "\n"
	}
	return d.splice(pos, pos, d.separator(pos, true)+items)
}

// InsertAction adds one task-list line ("- [ ] ...") next to the action at index i: after it
// (and the lines indented under it) or before it. Escalation uses it to put an item where the
// flow's rendering places it rather than at the end of the list.
func (d *Document) InsertAction(i int, after bool, item string) (*Document, error) {
	if i < 0 || i >= len(d.Actions) {
		return nil, i18n.Errorf("incident.no_action", "Path", d.Path, "N", i+1, "Count", len(d.Actions))
	}
	if !strings.HasSuffix(item, "\n") {
		item += "\n"
	}
	line := d.lines.lineOf(d.Actions[i].box)
	if !after {
		return d.splice(d.lines.start(line), d.lines.start(line), item)
	}
	pos := len(d.Src)
	if line < d.lines.count() {
		pos = d.lines.start(line + 1)
	} else if d.Src[len(d.Src)-1] != '\n' {
		item = "\n" + item
	}
	for pos < len(d.Src) { // continuation lines belong to the item
		end := bytes.IndexByte(d.Src[pos:], '\n')
		next := len(d.Src)
		if end >= 0 {
			next = pos + end + 1
		}
		l := d.Src[pos:next]
		if len(bytes.TrimSpace(l)) == 0 || !(l[0] == ' ' || l[0] == '\t') || bytes.HasPrefix(bytes.TrimLeft(l, " \t"), []byte("- [")) {
			break
		}
		pos = next
	}
	return d.splice(pos, pos, item)
}

// RefreshStatus regenerates the Status table from the front matter, actions and log. Prose a
// human wrote around the table stays.
func (d *Document) RefreshStatus() (*Document, error) {
	table := StatusTable(d)
	if d.table.start >= 0 {
		if string(d.Src[d.table.start:d.table.end]) == table {
			return d, nil
		}
		return d.splice(d.table.start, d.table.end, table)
	}
	pos := d.sections[SectionStatus].heading.end
	if pos < len(d.Src) && d.Src[pos] != '\n' {
		table += "\n" // a blank line, or the next line would become a row of the table
	}
	return d.splice(pos, pos, "\n"+table)
}

// StatusTable renders the at-a-glance table for the document's current state, in the
// document's language.
func StatusTable(d *Document) string {
	m := d.Meta
	v := VocabularyFor(d.lang)
	opt := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return FormatTime(*t)
	}
	done, requiredOpen := 0, 0
	for _, a := range d.Actions {
		if a.Done {
			done++
		} else if a.RequiredAt(m.Severity) {
			requiredOpen++
		}
	}
	lastLog := ""
	if t := d.LastLogAt(); !t.IsZero() {
		lastLog = FormatTime(t)
	}
	rows := [][2]string{
		{KeySeverity, m.Severity},
		{KeyStatus, v.status(m.Status)},
		{KeyCommander, m.Commander},
		{KeyRoles, m.Roles.String()},
		{KeyImpact, m.Impact},
		{KeyAnnouncement, m.Announcement},
		{KeyDeclaredAt, FormatTime(m.DeclaredAt)},
		{KeyIdentifiedAt, opt(m.IdentifiedAt)},
		{KeyMitigatedAt, opt(m.MitigatedAt)},
		{KeyResolvedAt, opt(m.ResolvedAt)},
		{KeyResolution, m.Resolution},
		{"actions", v.ActionsDone(done, len(d.Actions), requiredOpen)},
		{"last_log", lastLog},
	}
	var b strings.Builder
	fmt.Fprintf(&b, "| %s | %s |\n| --- | --- |\n", v.TableHeader[0], v.TableHeader[1])
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s |\n", v.Labels[r[0]], cell(r[1]))
	}
	return b.String()
}

func cell(s string) string {
	s = OneLine(s)
	if s == "" {
		return "—"
	}
	return strings.ReplaceAll(EscapeText(s), "|", `\|`)
}

// New builds a new document from its state, the rendered action list and the first log entry.
// The result is parsed before it is returned: the CLI never writes a document it cannot read.
func New(path string, m Meta, actionList string, first LogEntry) (*Document, error) {
	return NewIn(LangEn, path, m, actionList, first)
}

// NewIn is New with the generated parts (headings, Status table) in lang (LangEn, LangJa).
func NewIn(lang, path string, m Meta, actionList string, first LogEntry) (*Document, error) {
	v := VocabularyFor(lang)
	var b bytes.Buffer
	b.WriteString("---\n")
	for _, k := range Keys {
		var v *yaml.Node
		switch k {
		case KeyID:
			v = stringNode(m.ID)
		case KeyTitle:
			v = stringNode(m.Title)
		case KeySeverity:
			v = stringNode(m.Severity)
		case KeyStatus:
			v = stringNode(m.Status)
		case KeyCommander:
			v = stringNode(m.Commander)
		case KeyRoles:
			v = rolesNode(m.Roles)
		case KeyImpact:
			v = stringNode(m.Impact)
		case KeyAnnouncement:
			v = stringNode(m.Announcement)
		case KeyResolution:
			v = stringNode(m.Resolution)
		case KeyTemplate:
			v = stringNode(m.Template)
		default:
			v = timeNode(m.Milestone(k))
		}
		b.Write(encodeKey(k, v))
		if k == KeyTitle {
			for _, ok := range OptionalKeys {
				if v := m.Optional(ok); v != "" {
					b.Write(encodeKey(ok, optionalNode(ok, v)))
				}
			}
		}
	}
	b.WriteString("---\n\n# ")
	b.WriteString(EscapeHeadingText(OneLine(m.Title)))
	b.WriteString("\n\n## " + v.Heading(SectionStatus) + "\n\n## " + v.Heading(SectionActions) + "\n\n")
	if al := strings.TrimSpace(actionList); al != "" {
		b.WriteString(al)
		b.WriteString("\n\n")
	}
	b.WriteString("## " + v.Heading(SectionLog) + "\n\n")
	b.WriteString(FormatLogLine(first))
	d, err := Parse(path, b.Bytes())
	if err != nil {
		return nil, err
	}
	return d.RefreshStatus()
}
