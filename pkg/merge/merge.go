// Package merge joins two versions of an incident document that diverged from a common base,
// field by field rather than line by line, so responders updating the same incident from
// different clones never lose an entry and never see conflict markers:
//
//   - log: the union of both sides' entries, each exactly once, in time order (ties broken by
//     author and text, so every clone computes the same order);
//   - front matter: a field changed on one side takes that change; changed on both sides, the
//     change made later (by the time of the log entry that records it) wins, and both changes
//     stay visible in the log; milestones keep the earliest time; roles merge role by role;
//   - severity, changed on both sides: the more severe value, so a stale clone never
//     de-escalates an incident; a merge entry in the log says so;
//   - action list: a check box changed on one side (checked or unchecked) takes that change;
//     checked on one side and unchecked on the other with no common version to tell, checked,
//     and a merge entry says so;
//   - prose: a line-based three-way merge; the same lines edited differently on both sides is a
//     *Conflict naming the file and section.
//
// The README's merge table lists the rule for every field; TestMergeTable tests each row.
// The result does not depend on which side is "ours".
package merge

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/incidentctl/incidentctl/pkg/board"
	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/incident"
)

// Conflict is a change that cannot be merged automatically.
type Conflict struct {
	Path    string
	Section string // heading of the section, "" for text before the first one
	Line    int    // line in the base version
	Reason  string
}

func (c *Conflict) Error() string { return c.Localize(i18n.For(i18n.English)) }

// Localize says the conflict and what to do in p's language.
func (c *Conflict) Localize(p *i18n.Printer) string {
	return p.T("merge.conflict", "Path", c.Path, "Conflict", c.Where(p))
}

// Where says what conflicts where, without the path: "both sides changed the same text in
// section "Declare" (line 31 of the common version)".
func (c *Conflict) Where(p *i18n.Printer) string {
	if c.Reason != ReasonSameText {
		where := "before the first heading"
		if c.Section != "" {
			where = "in section \"" + c.Section + "\""
		}
		return fmt.Sprintf("%s %s (line %d of the common version)", c.Reason, where, c.Line)
	}
	if c.Section == "" {
		return p.T("merge.same_text_preamble", "Line", c.Line)
	}
	return p.T("merge.same_text", "Section", c.Section, "Line", c.Line)
}

// ReasonSameText is the reason of a prose conflict.
const ReasonSameText = "both sides changed the same text"

// Options tunes a merge.
type Options struct {
	// MoreSevere reports whether severity a is more severe than b; nil ranks by the number in
	// the ID (SEV1 before SEV2, P1 before P2). Severities it cannot rank merge like other fields.
	MoreSevere func(a, b string) bool
}

// Author is who the log entries a merge writes are by.
const Author = "incidentctl merge"

// Documents merges ours and theirs, two versions of base (nil when both sides added the file).
func Documents(path string, base, ours, theirs []byte) ([]byte, error) {
	out, _, err := Merge(path, base, ours, theirs, Options{})
	return out, err
}

// Merge is Documents with options; notes are the decisions a person should know about (a
// severity kept over a concurrent de-escalation, say), each also written to the merged log.
func Merge(path string, base, ours, theirs []byte, opts Options) ([]byte, []string, error) {
	switch {
	case bytes.Equal(ours, theirs):
		return ours, nil, nil
	case base != nil && bytes.Equal(base, ours):
		return theirs, nil, nil
	case base != nil && bytes.Equal(base, theirs):
		return ours, nil, nil
	}
	o, err := incident.Parse(path, ours)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot merge: our version does not parse: %w", err)
	}
	t, err := incident.Parse(path, theirs)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot merge: their version does not parse: %w", err)
	}
	var b *incident.Document
	if base != nil {
		if b, err = incident.Parse(path, base); err != nil {
			b = nil // an unreadable base: merge as if both sides added the file
		}
	}
	if opts.MoreSevere == nil {
		opts.MoreSevere = moreSevereByNumber
	}
	m := &merger{path: path, base: b, ours: o, theirs: t, opts: opts}
	out, err := m.run()
	if err != nil {
		return nil, nil, err
	}
	return out, m.notes, nil
}

// moreSevereByNumber ranks severities by the number their IDs end in: the lower, the more
// severe (SEV1, P1). IDs without one cannot be ranked.
func moreSevereByNumber(a, b string) bool {
	ra, oka := trailingNumber(a)
	rb, okb := trailingNumber(b)
	return oka && okb && ra < rb
}

func trailingNumber(s string) (int, bool) {
	i := len(s)
	for i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
		i--
	}
	if i == len(s) || len(s)-i > 6 {
		return 0, false
	}
	n := 0
	for _, c := range s[i:] {
		n = n*10 + int(c-'0')
	}
	return n, true
}

type merger struct {
	path               string
	base, ours, theirs *incident.Document
	opts               Options
	newOurs, newTheirs []incident.LogEntry // log entries each side added since the base
	notes              []string            // decisions to tell people about
	entries            []incident.LogEntry // ... and the log entries that record them
}

func (m *merger) run() ([]byte, error) {
	baseSkel := ""
	if m.base != nil {
		baseSkel = m.base.Skeleton()
	}
	skel, err := m.prose(baseSkel, m.ours.Skeleton(), m.theirs.Skeleton())
	if err != nil {
		return nil, err
	}
	entries := mergeLogs(m.ours, m.theirs)
	m.newOurs, m.newTheirs = added(m.base, m.ours), added(m.base, m.theirs)
	body := strings.Replace(skel, incident.StatusPlaceholder, "| Field | Value |\n| --- | --- |\n", 1)
	body = strings.Replace(body, incident.LogPlaceholder, entries, 1)
	d, err := incident.Parse(m.path, append(append([]byte(nil), m.ours.FrontMatter()...), body...))
	if err != nil {
		return nil, fmt.Errorf("merging %s produced a document that does not parse (%v); nothing was written", m.path, err)
	}
	if d, err = m.frontMatter(d); err != nil {
		return nil, err
	}
	if d, err = m.checks(d); err != nil {
		return nil, err
	}
	for _, e := range m.entries {
		if d, err = d.AppendLog(e); err != nil {
			return nil, err
		}
	}
	if d, err = d.RefreshStatus(); err != nil {
		return nil, err
	}
	return d.Src, nil
}

// words are the log words of the document's language: a merge entry reads like the rest of
// the log.
func (m *merger) words() *board.LogWords { return board.Words(m.ours.Lang()) }

// note records a decision: for sync to say, and in the merged log at time at.
func (m *merger) note(at time.Time, text string) {
	m.notes = append(m.notes, text)
	m.entries = append(m.entries, incident.LogEntry{At: at, Author: Author, Text: text})
}

// lastAt is the time of the latest entry either side added: when a merge decision is made.
func (m *merger) lastAt() time.Time {
	t := changedAt(m.newOurs)
	if u := changedAt(m.newTheirs); u.After(t) {
		t = u
	}
	if t.IsZero() {
		t = m.ours.LastLogAt()
	}
	return t
}

// actionKey names an action across versions: its text and which occurrence of that text.
func actionKeys(d *incident.Document) []string {
	seen := map[string]int{}
	keys := make([]string, len(d.Actions))
	for i, a := range d.Actions {
		keys[i] = fmt.Sprintf("%s\x00%d", a.Text, seen[a.Text])
		seen[a.Text]++
	}
	return keys
}

func checkStates(d *incident.Document) map[string]bool {
	out := map[string]bool{}
	if d == nil {
		return out
	}
	for i, k := range actionKeys(d) {
		out[k] = d.Actions[i].Done
	}
	return out
}

// checks sets every check box of d (the merged skeleton, all unchecked) three-way: a change
// on one side, checking or unchecking, wins over no change; checked on one side and unchecked
// on the other with no common version to tell which changed, checked (and noted).
func (m *merger) checks(d *incident.Document) (*incident.Document, error) {
	base, ours, theirs := checkStates(m.base), checkStates(m.ours), checkStates(m.theirs)
	set := map[int]bool{}
	var both []string
	for i, k := range actionKeys(d) {
		o, inO := ours[k]
		t, inT := theirs[k]
		b, inB := base[k]
		var want bool
		switch {
		case inO && !inT:
			want = o
		case inT && !inO:
			want = t
		case !inO && !inT:
			want = b // text both sides changed alike (merged prose): keep what the base had
		case o == t:
			want = o
		case inB && o == b:
			want = t
		case inB && t == b:
			want = o
		default:
			want = true
			both = append(both, d.Actions[i].Text)
		}
		if want {
			set[i] = true
		}
	}
	for _, text := range both {
		m.note(m.lastAt(), m.words().MergeChecked(text))
	}
	return d.CheckIndexes(set)
}

// prose merges the skeletons line by line.
func (m *merger) prose(base, ours, theirs string) (string, error) {
	if ours == theirs {
		return ours, nil
	}
	bl, ol, tl := lines(base), lines(ours), lines(theirs)
	out, c := merge3(bl, ol, tl)
	if c != nil {
		section := ""
		for i := min(c.line, len(bl)-1); i >= 0; i-- {
			if strings.HasPrefix(bl[i], "#") {
				section = strings.TrimSpace(strings.TrimLeft(bl[i], "#"))
				break
			}
		}
		line := c.line + 1
		if m.base != nil {
			line += strings.Count(string(m.base.FrontMatter()), "\n")
		}
		return "", &Conflict{Path: m.path, Section: section, Line: line, Reason: ReasonSameText}
	}
	return strings.Join(out, ""), nil
}

func lines(s string) []string {
	if s == "" {
		return nil
	}
	out := strings.SplitAfter(s, "\n")
	if out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

func entryKey(e incident.LogEntry) string {
	return incident.FormatTime(e.At) + "\x00" + e.Author + "\x00" + e.Text
}

// logLess orders entries by time, then author and text: a total order every clone agrees on.
func logLess(a, b incident.LogEntry) bool {
	if !a.At.Equal(b.At) {
		return a.At.Before(b.At)
	}
	return entryKey(a) < entryKey(b)
}

// mergeLogs interleaves both logs like a merge sort. Each side's own order is kept, so entries
// that were already shared are never reordered; an entry appears as often as on the side that
// has it most often (once, normally), even when the sides hold it at different positions.
func mergeLogs(o, t *incident.Document) string {
	want := map[string]int{}
	for _, side := range []*incident.Document{o, t} {
		count := map[string]int{}
		for _, e := range side.Log {
			k := entryKey(e)
			count[k]++
			want[k] = max(want[k], count[k])
		}
	}
	var b strings.Builder
	emit := func(d *incident.Document, i int) {
		if k := entryKey(d.Log[i]); want[k] > 0 {
			want[k]--
			b.WriteString(d.LogRaw(i))
		}
	}
	i, j := 0, 0
	for i < len(o.Log) || j < len(t.Log) {
		switch {
		case i < len(o.Log) && j < len(t.Log) && entryKey(o.Log[i]) == entryKey(t.Log[j]):
			emit(o, i)
			i++
			j++
		case j >= len(t.Log) || i < len(o.Log) && logLess(o.Log[i], t.Log[j]):
			emit(o, i)
			i++
		default:
			emit(t, j)
			j++
		}
	}
	return b.String()
}

// added returns the log entries of side that are not in base.
func added(base, side *incident.Document) []incident.LogEntry {
	seen := map[string]int{}
	if base != nil {
		for _, e := range base.Log {
			seen[entryKey(e)]++
		}
	}
	var out []incident.LogEntry
	for _, e := range side.Log {
		if k := entryKey(e); seen[k] > 0 {
			seen[k]--
		} else {
			out = append(out, e)
		}
	}
	return out
}

// changedAt is when a side made its change to a field: the latest entry it added whose text
// records that field (or, failing that, its latest entry at all).
func changedAt(entries []incident.LogEntry, prefixes ...string) time.Time {
	var latest, any time.Time
	for _, e := range entries {
		if e.At.After(any) {
			any = e.At
		}
		for _, p := range prefixes {
			if strings.HasPrefix(e.Text, p) && e.At.After(latest) {
				latest = e.At
			}
		}
	}
	if latest.IsZero() {
		return any
	}
	return latest
}

// logPrefixes says which log entries record a change of each key, in every language a
// document may be written in (a Japanese document logs "重大度 SEV2 → SEV1"). Made on first
// use: only a merge needs it, not every start of the program.
var logPrefixes = sync.OnceValue(func() map[string][]string {
	p := map[string][]string{incident.KeyTitle: {"title"}}
	for _, w := range board.All() {
		add := func(key string, prefixes ...string) { p[key] = append(p[key], prefixes...) }
		add(incident.KeySeverity, w.Severity)
		for _, k := range []string{incident.KeyStatus, incident.KeyResolvedAt, incident.KeyResolution} {
			add(k, w.Status)
		}
		add(incident.KeyCommander, w.Commander, strings.TrimSuffix(strings.SplitAfter(w.Handoff, ":")[0], ":"))
		add(incident.KeyImpact, w.Impact+":")
		add(incident.KeyAnnouncement, w.Announcement+":")
	}
	return p
})

func encode(n *yaml.Node) string {
	if n == nil {
		return "\x00absent"
	}
	out, err := yaml.Marshal(n)
	if err != nil {
		return "\x00unencodable"
	}
	return string(out)
}

func keyNode(d *incident.Document, key string) *yaml.Node {
	if d == nil {
		return nil
	}
	n, ok := d.KeyNode(key)
	if !ok {
		return nil
	}
	return n
}

// frontMatter decides every key and writes the decisions that differ from ours into d.
func (m *merger) frontMatter(d *incident.Document) (*incident.Document, error) {
	keys := []string{}
	seen := map[string]bool{}
	for _, side := range []*incident.Document{m.ours, m.theirs, m.base} {
		if side == nil {
			continue
		}
		for _, k := range side.KeyOrder() {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	// status, resolved_at and resolution move together: whichever side's status wins.
	statusTheirs := m.laterIsTheirs(incident.KeyStatus, keyNode(m.ours, incident.KeyStatus), keyNode(m.theirs, incident.KeyStatus))
	var err error
	for _, k := range keys {
		bn, on, tn := keyNode(m.base, k), keyNode(m.ours, k), keyNode(m.theirs, k)
		be, oe, te := encode(bn), encode(on), encode(tn)
		var want *yaml.Node
		switch {
		case oe == te, te == be:
			continue // ours already holds the answer
		case oe == be:
			want = tn
		case k == incident.KeyRoles:
			want = m.roles(bn, on, tn)
		case k == incident.KeyIdentifiedAt || k == incident.KeyMitigatedAt || k == incident.KeyDeclaredAt:
			want = earliest(on, tn)
		case k == incident.KeySeverity && m.rankable(on, tn):
			want = m.moreSevere(on, tn)
		case k == incident.KeyAnnouncedAt:
			// When the announcement was posted goes with the announcement that wins; the same
			// text posted on both sides was last posted at the later time.
			oa, ta := keyNode(m.ours, incident.KeyAnnouncement), keyNode(m.theirs, incident.KeyAnnouncement)
			switch {
			case encode(oa) == encode(ta):
				want = latest(on, tn)
			case m.laterIsTheirs(incident.KeyAnnouncement, oa, ta):
				want = tn
			default:
				want = on
			}
		case k == incident.KeyResolvedAt || k == incident.KeyResolution:
			if statusTheirs {
				want = tn
			} else {
				want = on
			}
		default:
			if m.laterIsTheirs(k, on, tn) {
				want = tn
			} else {
				want = on
			}
		}
		if encode(want) == oe {
			continue
		}
		if want == nil {
			d, err = d.DeleteKey(k)
		} else {
			d, err = d.SetNode(k, want)
		}
		if err != nil {
			return nil, err
		}
	}
	return d, nil
}

// rankable: both sides set a severity the options can rank.
func (m *merger) rankable(on, tn *yaml.Node) bool {
	if on == nil || tn == nil || on.Kind != yaml.ScalarNode || tn.Kind != yaml.ScalarNode {
		return false
	}
	return m.opts.MoreSevere(on.Value, tn.Value) || m.opts.MoreSevere(tn.Value, on.Value)
}

// moreSevere keeps the more severe of two concurrent severity changes: an incident is never
// de-escalated by a clone that had not seen the escalation. The log keeps both changes and
// gets a merge entry saying which was kept.
func (m *merger) moreSevere(on, tn *yaml.Node) *yaml.Node {
	keep, other := on, tn
	if m.opts.MoreSevere(tn.Value, on.Value) {
		keep, other = tn, on
	}
	at := changedAt(m.newOurs, logPrefixes()[incident.KeySeverity]...)
	if u := changedAt(m.newTheirs, logPrefixes()[incident.KeySeverity]...); u.After(at) {
		at = u
	}
	m.note(at, m.words().MergeSeverity(keep.Value, other.Value))
	return keep
}

// laterIsTheirs decides a field both sides changed: the later change wins; at the same time,
// the larger value, so both clones decide alike.
func (m *merger) laterIsTheirs(key string, on, tn *yaml.Node) bool {
	prefixes := logPrefixes()[key]
	if prefixes == nil {
		prefixes = []string{key}
	}
	ot, tt := changedAt(m.newOurs, prefixes...), changedAt(m.newTheirs, prefixes...)
	if !ot.Equal(tt) {
		return tt.After(ot)
	}
	return encode(tn) > encode(on)
}

// earliest keeps the earliest of two milestone times (a milestone is when it was first reached).
func earliest(on, tn *yaml.Node) *yaml.Node {
	ot, oerr := nodeTime(on)
	tt, terr := nodeTime(tn)
	switch {
	case oerr != nil:
		return tn
	case terr != nil:
		return on
	case tt.Before(ot):
		return tn
	}
	return on
}

func latest(on, tn *yaml.Node) *yaml.Node {
	ot, oerr := nodeTime(on)
	tt, terr := nodeTime(tn)
	switch {
	case oerr != nil:
		return tn
	case terr != nil:
		return on
	case tt.After(ot):
		return tn
	}
	return on
}

func nodeTime(n *yaml.Node) (time.Time, error) {
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return time.Time{}, fmt.Errorf("unset")
	}
	return time.Parse(time.RFC3339, n.Value)
}

// roles merges the roles mapping role by role.
func (m *merger) roles(bn, on, tn *yaml.Node) *yaml.Node {
	get := func(n *yaml.Node) (map[string]*yaml.Node, []string) {
		out := map[string]*yaml.Node{}
		var order []string
		if n == nil || n.Kind != yaml.MappingNode {
			return out, nil
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			out[n.Content[i].Value] = n.Content[i+1]
			order = append(order, n.Content[i].Value)
		}
		return out, order
	}
	b, bo := get(bn)
	o, oo := get(on)
	t, to := get(tn)
	res := &yaml.Node{Kind: yaml.MappingNode}
	done := map[string]bool{}
	for _, name := range append(append(append([]string{}, oo...), to...), bo...) {
		if done[name] {
			continue
		}
		done[name] = true
		be, oe, te := encode(b[name]), encode(o[name]), encode(t[name])
		v := o[name]
		switch {
		case oe == te || te == be:
		case oe == be:
			v = t[name]
		default:
			var prefixes []string
			for _, w := range board.All() {
				prefixes = append(prefixes, w.Role+name+" ", w.Role+name+":")
			}
			ot := changedAt(m.newOurs, prefixes...)
			tt := changedAt(m.newTheirs, prefixes...)
			if tt.After(ot) || tt.Equal(ot) && te > oe {
				v = t[name]
			}
		}
		if v != nil {
			res.Content = append(res.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: name}, v)
		}
	}
	if len(res.Content) == 0 {
		res.Style = yaml.FlowStyle
	}
	return res
}
