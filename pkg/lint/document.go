package lint

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/incidentctl/incidentctl/pkg/board"
	"github.com/incidentctl/incidentctl/pkg/config"
	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/postmortem"
	"github.com/incidentctl/incidentctl/pkg/secret"
	"github.com/incidentctl/incidentctl/pkg/severity"
)

// FutureSkew is how far ahead of the clock a time may be: laptops' clocks differ a little.
const FutureSkew = 5 * time.Minute

// The log entries that discharge the required-actions and postmortem rules. `incidentctl close
// --force` writes the first; responders write the others with `incidentctl log`.
const (
	SkippedPrefix      = board.SkippedPrefix // written by close --force
	PostmortemPrefix   = "postmortem:"
	NoPostmortemPrefix = "no postmortem:"
)

// checker holds what every document check needs; it is read-only once built, so the workers
// share it.
type checker struct {
	policy      *Policy
	severities  *severity.Set
	sevFrom     string // where the severities come from, for messages
	now         time.Time
	incidents   string // the incidents folder, as a repository path
	secrets     *secret.Scanner
	keepDocs    bool                    // the base rules compare the parsed documents afterwards
	root        string                  // the repository's folder: postmortem links are checked there
	postmortems string                  // the postmortems folder, as a repository path
	pmConfig    config.Postmortem       // the postmortem deadlines
	fields      map[string]config.Field // the team's own front-matter keys (fields.go)
	cache       *resultCache            // nil: no result cache (cache.go)
}

// finder collects the findings of one document.
type finder struct {
	path  string
	out   []Finding
	deps  []fileDep // other files the findings depend on (cache.go)
	until int64     // when the findings stop holding (a pending postmortem's due time, Unix ns), 0 never
}

func (f *finder) add(line, col int, rule, msg string) {
	f.out = append(f.out, Finding{Path: f.path, Line: max(line, 1), Col: max(col, 1), Rule: rule, Message: msg})
}

// checkDocument runs every single-document rule on src. The document is nil when it does not
// parse; the findings then hold the reason.
func (c *checker) checkDocument(p string, src []byte) (*incident.Document, []Finding) {
	d, f := c.check(p, src)
	return d, f.out
}

// check is checkDocument with what the findings depend on besides the document (its finder's
// deps).
func (c *checker) check(p string, src []byte) (*incident.Document, *finder) {
	return c.checkWith(p, src, nil)
}

// checkWith is check with the document read by pr (incident.Parse when nil). No finding
// keeps a slice of the document (a Reader's next document reuses them), only strings.
func (c *checker) checkWith(p string, src []byte, pr *incident.Reader) (*incident.Document, *finder) {
	f := &finder{path: p}
	var d *incident.Document
	var err error
	if pr != nil {
		d, err = pr.Parse(p, src)
	} else {
		d, err = incident.Parse(p, src)
	}
	c.scanSecrets(f, src, d)
	var pe *incident.ParseError
	if err == nil || errors.As(err, &pe) && pe.Rule != "encoding" && pe.Rule != "size" {
		checkControls(f, src) // binary files are unreadable, and that is all there is to say
	}
	if err != nil {
		if !errors.As(err, &pe) {
			f.add(1, 1, RuleUnreadable, err.Error())
			return nil, f
		}
		rule := pe.Rule
		if _, known := ruleByID(rule); !known || rule == "size" || rule == "encoding" {
			rule = RuleUnreadable
		}
		line, msg := pe.Line, pe.Msg
		if rule == RuleYAML && strings.Contains(msg, "unexpected end of stream") {
			// YAML notices an unclosed quote only at the end; point at where it opens.
			if l := unclosedQuoteLine(src, line); l > 0 {
				line, msg = l, msg+": the quote opened on this line is never closed"
			}
		}
		f.add(line, pe.Col, rule, msg)
		return nil, f
	}
	for _, pr := range d.Problems {
		rule, msg := pr.Rule, pr.Message
		switch rule {
		case "log-order":
			rule, msg = RuleLogOrder, i18n.Text("lint.log_order", "Problem", msg)
		case "log-entry":
			rule = RuleLogEntry
		case "log-note":
			rule = RuleLogNote
		case "unknown-key":
			if c.declaredField(d, pr.Line) {
				continue // a field of the team's own: checkFields checks it
			}
			rule, msg = RuleUnknownKey, i18n.Text("lint.unknown_key", "Problem", msg)
		case "action-marker":
			rule = RuleActionMarker
		default:
			if _, known := ruleByID(rule); !known {
				rule = RuleFrontMatter
			}
		}
		f.add(pr.Line, pr.Col, rule, msg)
	}
	c.checkFields(f, d)
	c.checkValues(f, d)
	checkYAML11(f, d)
	c.checkTimes(f, d)
	c.checkID(f, d)
	c.checkClosed(f, d)
	c.checkKind(f, d) // drill.go
	return d, f
}

// maxControlFindings bounds the control-character findings of one document: a pasted
// coloured terminal log would otherwise give hundreds.
const maxControlFindings = 10

// checkControls reports control characters and escape sequences, one finding per line.
func checkControls(f *finder, src []byte) {
	if !mayHoldControl(src) {
		return
	}
	var lines []int
	n, lastLine := 0, 0
	for off := 0; off < len(src) && n < maxControlFindings; {
		k := incident.ControlAt(bytesToString(src[off:]))
		if k < 0 {
			break
		}
		at := off + k
		r, size := utf8.DecodeRune(src[at:])
		off = at + max(size, 1)
		if r == utf8.RuneError && size <= 1 {
			continue // not UTF-8: the unreadable rule reports the file
		}
		if lines == nil {
			lines = lineStarts(src)
		}
		line, col := lineCol(lines, at)
		if line == lastLine {
			continue
		}
		lastLine = line
		n++
		f.add(line, col, RuleControlCharacter, fmt.Sprintf("%s: a control character or the start of a terminal escape sequence, which can change what a reader's terminal or editor shows; delete it (incidentctl removes them from what it writes)", incident.ControlName(r)))
	}
}

// mayHoldControl is false only when src holds nothing incident.ControlAt finds: no byte below
// 0x20 other than a tab or a line feed (a carriage return counts, whatever follows it), no
// DEL, no 0xC2 (the lead byte of the C1 controls U+0080–U+009F) and no E2 80 AA–AE or
// E2 81 A6–A9 (the bidirectional embeddings and isolates). Every control ControlAt reports
// starts with one of these bytes, wherever its decoding is in step. Eight bytes at a time:
// an incident document is mostly ASCII, with a dash or an arrow (E2 80 94, E2 86 92) here
// and there, and ControlAt decodes every rune that is not ASCII.
func mayHoldControl(src []byte) bool {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(src); i += 8 {
		x := binary.LittleEndian.Uint64(src[i:])
		// Most words are printable ASCII (0x20–0x7E) throughout: with every byte below 0x80,
		// adding 0x60 sets a byte's high bit exactly when it is 0x20 or more, adding 0x01
		// exactly when it is 0x7F, and no sum carries into the next byte.
		if x&hi == 0 && (x+0x60*lo)&^(x+0x01*lo)&hi == hi {
			continue
		}
		bad := exactZero(x&(0xe0*lo))&^(exactZero(x^('\n'*lo))|exactZero(x^('\t'*lo))) | exactZero(x^(0x7f*lo))
		if bad != 0 {
			return true
		}
		if x&hi == 0 {
			continue
		}
		if exactZero(x^(0xc2*lo)) != 0 {
			return true
		}
		// An E2 followed by 80 or 81 (the next byte's lane is x>>8; the last lane's next
		// byte is in the next word, so that lane is always looked at).
		next := x >> 8
		cand := exactZero(x^(0xe2*lo)) & (exactZero(next^(0x80*lo)) | exactZero(next^(0x81*lo)) | 0x80<<56)
		for ; cand != 0; cand &= cand - 1 {
			if bidiControlAt(src, i+bits.TrailingZeros64(cand)/8) {
				return true
			}
		}
	}
	for ; i < len(src); i++ {
		c := src[i]
		if c < 0x20 && c != '\t' && c != '\n' || c == 0x7f || c == 0xc2 || c == 0xe2 && bidiControlAt(src, i) {
			return true
		}
	}
	return false
}

// bidiControlAt: the E2 at i starts U+202A–U+202E or U+2066–U+2069.
func bidiControlAt(src []byte, i int) bool {
	if i+2 >= len(src) {
		return false
	}
	b1, b2 := src[i+1], src[i+2]
	return b1 == 0x80 && b2 >= 0xaa && b2 <= 0xae || b1 == 0x81 && b2 >= 0xa6 && b2 <= 0xa9
}

// exactZero has the high bit set in each byte of x that is zero, and only there.
func exactZero(x uint64) uint64 {
	const m = 0x7f7f7f7f7f7f7f7f
	return ^((x & m) + m | x | m)
}

// checkYAML11 reports text values written unquoted that a YAML 1.1 reader would misread.
func checkYAML11(f *finder, d *incident.Document) {
	d.PlainScalars(func(key, sub, v string, line, col int) {
		if !incident.YAML11Ambiguous(v) {
			return
		}
		name := key
		if sub != "" {
			name = key + "." + sub
		}
		f.add(line+1, col, RuleYAML11, fmt.Sprintf("%s: %s is read as a boolean or a number by YAML 1.1 readers (PyYAML and many CI tools): quote it as %q", name, v, v))
	})
}

// unclosedQuoteLine finds the first line before upTo whose value opens a quote it does not
// close (0 for none).
func unclosedQuoteLine(src []byte, upTo int) int {
	for n, line := range strings.Split(string(src), "\n") {
		if n+1 >= upTo {
			break
		}
		if n == 0 {
			continue
		}
		v := strings.TrimSpace(line)
		if _, after, ok := strings.Cut(v, ": "); ok {
			v = strings.TrimSpace(after)
		} else if after, ok := strings.CutPrefix(v, "- "); ok {
			v = strings.TrimSpace(after)
		} else {
			continue
		}
		if v == "" || v[0] != '"' && v[0] != '\'' {
			continue
		}
		q, rest, closed := v[0], v[1:], false
		for i := 0; i < len(rest); i++ {
			if q == '"' && rest[i] == '\\' {
				i++
				continue
			}
			if rest[i] == q {
				if q == '\'' && i+1 < len(rest) && rest[i+1] == '\'' {
					i++
					continue
				}
				closed = true
				break
			}
		}
		if !closed {
			return n + 1
		}
	}
	return 0
}

// pos is where a finding about a front-matter key points: its value, else the key, else line 2.
func pos(d *incident.Document, key string) (int, int) {
	if l, c := d.KeyValuePos(key); l > 0 {
		return l, c
	}
	return 2, 1
}

func (c *checker) checkValues(f *finder, d *incident.Document) {
	m := &d.Meta
	empty := func(key string, is bool, why func() string) {
		if is {
			l, col := pos(d, key)
			f.add(l, col, RuleRequiredKey, i18n.Text("lint.key_empty", "Key", key, "Why", why()))
		}
	}
	// The reasons are built only for a finding: most documents have none.
	empty(incident.KeyID, m.ID == "", func() string { return i18n.Text("lint.empty.id") })
	empty(incident.KeyTitle, m.Title == "", func() string { return i18n.Text("lint.empty.title") })
	empty(incident.KeySeverity, m.Severity == "", func() string {
		return i18n.Text("lint.empty.severity", "Known", strings.Join(c.severities.IDs(), ", "))
	})
	empty(incident.KeyStatus, m.Status == "", func() string { return i18n.Text("lint.empty.status", "Known", strings.Join(incident.Statuses, ", ")) })
	empty(incident.KeyDeclaredAt, m.DeclaredAt.IsZero(), func() string {
		return i18n.Text("lint.empty.declared_at")
	})
	if m.Severity != "" {
		if _, ok := c.severities.Get(m.Severity); !ok {
			l, col := pos(d, incident.KeySeverity)
			msg := i18n.Text("lint.severity.unknown", "Severity", m.Severity, "From", c.sevFrom, "Known", strings.Join(c.severities.IDs(), ", "))
			if lv, err := c.severities.Lookup(m.Severity); err == nil {
				msg = i18n.Text("lint.severity.spelling", "Severity", m.Severity, "From", c.sevFrom, "Want", lv.ID)
			}
			f.add(l, col, RuleSeverity, msg)
		}
	}
	if m.Status != "" && !incident.ValidStatus(m.Status) {
		l, col := pos(d, incident.KeyStatus)
		f.add(l, col, RuleStatus, i18n.Text("lint.status", "Status", m.Status, "Known", strings.Join(incident.Statuses, ", ")))
	}
}

var milestones = []string{incident.KeyDeclaredAt, incident.KeyIdentifiedAt, incident.KeyMitigatedAt, incident.KeyResolvedAt}

func (c *checker) checkTimes(f *finder, d *incident.Document) {
	m := &d.Meta
	var prevKey string
	var prev time.Time
	limit := c.now.Add(FutureSkew)
	future := func(t time.Time) string {
		return incident.FormatTime(c.now.In(t.Location()))
	}
	for _, k := range milestones {
		t := m.Milestone(k)
		if t == nil || t.IsZero() {
			continue
		}
		l, col := pos(d, k)
		if prevKey != "" && t.Before(prev) {
			f.add(l, col, RuleTimestampOrder, i18n.Text("lint.time_order", "Key", k, "Time", incident.FormatTime(*t), "Prev", prevKey, "PrevTime", incident.FormatTime(prev)))
		}
		if t.After(limit) {
			f.add(l, col, RuleFutureTime, i18n.Text("lint.future", "What", k, "Time", incident.FormatTime(*t), "Now", future(*t)))
		}
		prevKey, prev = k, *t
	}
	for _, e := range d.Log {
		if e.At.After(limit) {
			f.add(e.Line, 3, RuleFutureTime, i18n.Text("lint.future_log", "Time", incident.FormatTime(e.At), "Now", future(e.At)))
		}
	}
	switch {
	case m.Status == incident.StatusResolved:
		if m.ResolvedAt == nil {
			l, col := pos(d, incident.KeyResolvedAt)
			f.add(l, col, RuleResolvedFields, i18n.Text("lint.resolved.no_time"))
		}
		if strings.TrimSpace(m.Resolution) == "" {
			l, col := pos(d, incident.KeyResolution)
			f.add(l, col, RuleResolvedFields, i18n.Text("lint.resolved.no_resolution"))
		}
	case incident.ValidStatus(m.Status) && m.ResolvedAt != nil:
		l, col := pos(d, incident.KeyResolvedAt)
		f.add(l, col, RuleResolvedFields, i18n.Text("lint.resolved.reopened", "Status", m.Status))
	}
}

func (c *checker) checkID(f *finder, d *incident.Document) {
	id := d.Meta.ID
	if id == "" {
		return // required-key reports it
	}
	l, col := pos(d, incident.KeyID)
	if !incident.ValidID(id) {
		f.add(l, col, RuleIDFilename, i18n.Text("lint.id.form", "ID", id))
		return
	}
	name := path.Base(d.Path)
	if !namedByID(name, id) {
		f.add(l, col, RuleIDFilename, i18n.Text("lint.id.file", "Name", name, "ID", id))
		return
	}
	if rest, ok := strings.CutPrefix(d.Path, c.incidents+"/"); ok {
		want := "20" + id[:2] + "/" + id[2:4]
		if dir := path.Dir(rest); dir != want {
			f.add(l, col, RuleIDFilename, i18n.Text("lint.id.folder", "Name", name, "Date", "20"+id[:2]+"-"+id[2:4]+"-"+id[4:6], "Folder", c.incidents+"/"+want+"/"))
		}
	}
}

// namedByID is incident.IDFromFileName(name) == id for a valid id, without validating the
// id a second time: the name starts with the id, and ends there or goes on with '-' or '.'.
func namedByID(name, id string) bool {
	return strings.HasPrefix(name, id) && (len(name) == len(id) || name[len(id)] == '-' || name[len(id)] == '.')
}

// checkClosed applies the rules for resolved incidents: the required actions and the postmortem.
func (c *checker) checkClosed(f *finder, d *incident.Document) {
	m := d.Meta
	if m.Status != incident.StatusResolved {
		return
	}
	var skipped map[string]bool // made on the first skip logged: most logs have none
	for _, e := range d.Log {
		if t, ok := board.CutSkipped(e.Text); ok { // in any language
			if skipped == nil {
				skipped = map[string]bool{}
			}
			skipped[incident.OneLine(t)] = true
		}
	}
	for i, a := range d.Actions {
		if a.Done || !a.RequiredAt(m.Severity) || skipped[a.Text] {
			continue
		}
		l, col := d.ActionPos(i)
		f.add(l, col, RuleRequiredActions, i18n.Text("lint.required_action", "Action", a.Text, "Severity", m.Severity, "Ref", shortID(m.ID), "N", i+1, "Skip", board.Words(d.Lang()).Skipped+a.Text))
	}
	c.checkPostmortemLink(f, d)
}

// checkPostmortemLink: a resolved incident at a level that needs a postmortem links it (a path
// in the repository that exists, or an http(s) URL) or logs why none is held, by its deadline
// after the resolution: a warning until then, an error after.
func (c *checker) checkPostmortemLink(f *finder, d *incident.Document) {
	m := d.Meta
	deadline, needs := postmortem.DeadlineFor(c.pmConfig, c.severities, m.Severity)
	if !needs || m.IsDrill() { // a drill has a debrief instead
		return
	}
	var bad *incident.LogEntry
	var badMsg string
	for i, e := range d.Log {
		switch {
		case hasPrefixFold(e.Text, NoPostmortemPrefix):
			if strings.TrimSpace(e.Text[len(NoPostmortemPrefix):]) != "" {
				return
			}
			bad, badMsg = &d.Log[i], ""
		case hasPrefixFold(e.Text, PostmortemPrefix):
			link := e.Text[len(PostmortemPrefix):]
			if hasHTTPURL(link) {
				return
			}
			if p, ok := c.repoLink(link); ok {
				exists := c.exists(p)
				f.deps = append(f.deps, fileDep{strings.Clone(p), exists}) // kept: not a view into the document
				if exists {
					return
				}
				bad, badMsg = &d.Log[i], i18n.Text("lint.postmortem.missing", "Path", p, "Ref", shortID(m.ID))
				continue
			}
			bad, badMsg = &d.Log[i], ""
		}
	}
	if bad != nil {
		if badMsg == "" {
			badMsg = i18n.Text("lint.postmortem.empty", "Path", PostmortemPrefix+" postmortems/…", "URL", PostmortemPrefix+" https://…", "None", NoPostmortemPrefix+" <why none is held>")
		}
		f.add(bad.Line, 1, RulePostmortem, badMsg)
		return
	}
	l, col := pos(d, incident.KeyStatus)
	ref, link, none := shortID(m.ID), PostmortemPrefix+" https://…", NoPostmortemPrefix+" <reason>"
	if m.ResolvedAt == nil {
		f.add(l, col, RulePostmortem, i18n.Text("lint.postmortem.none", "Severity", m.Severity, "Ref", ref, "Link", link, "None", none))
		return
	}
	due := postmortem.Due(deadline, *m.ResolvedAt)
	if c.now.Before(due) {
		f.add(l, col, RulePostmortem, i18n.Text("lint.postmortem.pending", "Severity", m.Severity, "Due", incident.FormatTime(due), "Deadline", deadline.String(), "Ref", ref, "Link", link, "None", none))
		f.out[len(f.out)-1].pending = true
		f.until = due.UnixNano()
		return
	}
	f.add(l, col, RulePostmortem, i18n.Text("lint.postmortem.overdue", "Severity", m.Severity, "Due", incident.FormatTime(due), "Deadline", deadline.String(), "Ref", ref, "Link", link, "None", none))
}

// repoLink reads a postmortem link as a repository path (the first word; a Markdown link's
// target), or false when it is none.
func (c *checker) repoLink(s string) (string, bool) {
	w := strings.Fields(s)
	if len(w) == 0 {
		return "", false
	}
	p := w[0]
	if i := strings.Index(p, "]("); i >= 0 {
		p = p[i+2:]
	}
	p = strings.Trim(p, "<>()[]`'\"")
	if p == "" || strings.Contains(p, "://") || !strings.HasSuffix(p, ".md") {
		return "", false
	}
	p = path.Clean(strings.TrimPrefix(p, "/"))
	if p == ".." || strings.HasPrefix(p, "../") {
		return "", false
	}
	return p, true
}

func (c *checker) exists(rel string) bool {
	if c.root == "" {
		return true // no repository to check in
	}
	fi, err := os.Stat(filepath.Join(c.root, filepath.FromSlash(rel)))
	return err == nil && fi.Mode().IsRegular()
}

// hasPrefixFold reports whether strings.ToLower(s) starts with the lower-case ASCII prefix,
// without lower-casing s: the only non-ASCII letters that lower-case to ASCII are U+0130 (to
// "i" and a combining dot) and the Kelvin sign (to "k"), and neither i nor k is in the
// prefixes this is used with (TestHasPrefixFold checks that).
func hasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != prefix[i] {
			return false
		}
	}
	return true
}

var httpURLRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)https?://[^\s<>()\[\]"'` + "`" + `]+`) })

// hasHTTPURL reports whether s holds an http(s) link with a host, bare or in Markdown.
func hasHTTPURL(s string) bool {
	for _, w := range httpURLRE().FindAllString(s, -1) {
		if u, err := url.Parse(w); err == nil && u.Host != "" {
			return true
		}
	}
	return false
}

func shortID(id string) string {
	if _, r, ok := strings.Cut(id, "-"); ok && r != "" {
		return r
	}
	if id == "" {
		return "<id>"
	}
	return id
}

// bytesToString views b as a string without copying; b must not change while it is used.
func bytesToString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }
