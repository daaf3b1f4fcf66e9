package incident

// The reference for the body's readers: the code of the actions, the log and the sections as
// it was before they were made faster, kept so that TestBodyReadersAgree and FuzzBodyReaders
// hold the fast readers to exactly what it finds (every Action, LogEntry, Problem and error).
// The block structure comes from goldmark here, the reference scanBody is held to.

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/incidentctl/incidentctl/pkg/i18n"
)

// refParse is parse (without metaOnly) with the reference readers.
func refParse(path string, src []byte) (*Document, error) {
	if len(src) > MaxSize {
		return nil, &ParseError{Path: path, Rule: "size", Msg: i18n.Text("incident.parse.size", "Size", len(src), "Max", MaxSize)}
	}
	if !utf8.Valid(src) || bytes.IndexByte(src, 0) >= 0 {
		return Parse(path, src) // the encoding errors: no body is read
	}
	lines := newLineIndex(src)
	if off := conflictMarkerLine(src, lines); off >= 0 {
		return nil, &ParseError{Path: path, Line: lines.lineOf(off), Col: 1, Rule: "conflict-marker", Msg: ConflictMarkerMessage()}
	}
	d := &Document{Path: path, Src: src, lines: lines, table: span{-1, -1}}
	fm, err := splitFrontMatter(path, src, d.lines)
	if err != nil {
		return nil, err
	}
	d.fm = fm
	problems, err := decodeMeta(path, fm, &d.Meta)
	if err != nil {
		return nil, err
	}
	d.Problems = problems
	body := string(d.Src[d.fm.end:])
	bb := new(bodyBlocks)
	d.goldmarkBlocks(body, bb)
	if err := d.refReadBlocks(body, bb); err != nil {
		return nil, err
	}
	return d, nil
}

func refOneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func refParseRFC3339(s string) (time.Time, error) { return time.Parse(time.RFC3339, s) }

func (d *Document) refLineStart(off int) int { return d.lines.start(d.lines.lineOf(off)) }

// refTrimBlankTail moves end back over blank lines, so a block ends after its last non-blank line.
func (d *Document) refTrimBlankTail(start, end int) int {
	for end > start {
		ls := d.refLineStart(end - 1)
		if ls < start || len(bytes.TrimSpace(d.Src[ls:end])) != 0 {
			break
		}
		end = ls
	}
	return end
}

func (d *Document) refReadBlocks(body string, bb *bodyBlocks) error {
	// A section is a level 1 or 2 heading and the blocks up to the next one.
	type open struct {
		name     string
		sec      section
		from, to int // its blocks: bb.blocks[from:to]
	}
	var buf [16]open
	all := buf[:0]
	for i, b := range bb.blocks {
		if b.kind == blockHeading && b.level <= 2 {
			if n := len(all); n > 0 {
				all[n-1].sec.end, all[n-1].to = b.start, i
			}
			line := d.lines.lineOf(b.start)
			o := open{name: b.text, sec: section{heading: span{b.start, d.lines.start(line + 1)}, end: len(d.Src), line: line}, from: i + 1, to: len(bb.blocks)}
			if b.level == 1 || !d.isATX(b.start) {
				// The title heading is not a section, and neither is a setext heading (text
				// underlined with - or =): the CLI writes and finds sections as "## Name" only.
				o.name = ""
			}
			all = append(all, o)
		}
	}
	d.sections = make(map[string]section, 3)
	for _, o := range all {
		name, lang := headingLang(o.name)
		if name == "" {
			continue
		}
		if name == SectionStatus || d.lang == "" {
			d.lang = lang
		}
		if prev, dup := d.sections[name]; dup {
			return d.errAt(o.sec.heading.start, "section", i18n.Text("incident.parse.section_twice", "Section", strconv.Quote("## "+VocabularyFor(lang).Heading(name)), "Line", prev.line))
		}
		d.sections[name] = o.sec
		blocks := bb.blocks[o.from:o.to]
		// nextStart is where the block after blocks[i] starts: the next block or the section's end.
		nextStart := func(i int) int {
			if i+1 < len(blocks) {
				return blocks[i+1].start
			}
			return o.sec.end
		}
		switch name {
		case SectionStatus:
			for i, b := range blocks {
				if b.kind == blockTable {
					d.table = span{b.start, d.refTrimBlankTail(b.start, nextStart(i))}
					break
				}
			}
		case SectionActions:
			if d.metaOnly {
				break // nothing in the action list can make the document unreadable
			}
			n := 0
			for _, b := range blocks {
				n += b.tasks.end - b.tasks.start
			}
			d.Actions = slices.Grow(d.Actions, n)
			strs := make([]string, 0, 4*n+1) // backs the actions' Required lists
			for _, b := range blocks {
				for _, t := range bb.tasks[b.tasks.start:b.tasks.end] {
					d.refAddAction(t, &strs)
				}
			}
		case SectionLog:
			if d.metaOnly {
				break // nor in the log: its entries only ever give Problems
			}
			n := 0
			for _, b := range blocks {
				n += b.items.end - b.items.start
			}
			d.Log = slices.Grow(d.Log, n)
			for i, b := range blocks {
				if b.kind == blockList {
					d.refCollectLog(body, bb.items[b.items.start:b.items.end], nextStart(i))
				}
			}
		}
	}
	for _, name := range Sections {
		if _, ok := d.sections[name]; !ok {
			v := VocabularyFor(d.lang)
			return &ParseError{Path: d.Path, Line: d.lines.lineOf(d.fm.end), Col: 1, Rule: "section",
				Msg: i18n.Text("incident.parse.no_section", "Section", strconv.Quote("## "+v.Heading(name)), "Status", v.Heading(SectionStatus), "Actions", v.Heading(SectionActions), "Log", v.Heading(SectionLog))}
		}
	}
	return nil
}

// refAddAction reads one task item: its text without the markers, and what the markers say.
// The Required lists are appended to *strs, one backing array for the document's actions.
func (d *Document) refAddAction(t task, strs *[]string) {
	line := t.raw
	if close := strings.IndexByte(line, ']'); close >= 0 {
		line = line[close+1:]
	}
	a := Action{Done: t.checked, Line: d.lines.lineOf(t.box), box: t.box}
	var buf [4]marker
	markers := appendMarkers(buf[:0], line)
	for _, m := range markers {
		switch m.name {
		case "required":
			from := len(*strs)
			*strs = appendSevs(*strs, m.value)
			a.Required = (*strs)[from:len(*strs):len(*strs)] // never nil, like strings.FieldsFunc's result
		case "due":
			f := strings.Fields(m.value)
			var due time.Duration
			var err error
			if len(f) > 0 {
				due, err = time.ParseDuration(f[0])
			}
			if len(f) == 0 || err != nil || due <= 0 {
				d.problemAt(t.box, "action-marker", i18n.Text("incident.parse.due_marker", "Value", strconv.Quote(m.value)))
				continue
			}
			a.Due, a.DueAtSev = due, f[1:]
		case "announce":
			f := strings.Fields(m.value)
			var every time.Duration
			var err error
			if len(f) > 0 {
				every, err = time.ParseDuration(f[0])
			}
			if len(f) == 0 || err != nil || every <= 0 {
				d.problemAt(t.box, "action-marker", i18n.Text("incident.parse.announce_marker", "Value", strconv.Quote(m.value)))
				continue
			}
			a.Announce, a.AnnounceAtSev = every, f[1:]
		}
	}
	a.Text = refWithoutMarkers(line, markers)
	d.Actions = append(d.Actions, a)
}

// refWithoutMarkers returns line without the markers, white space folded as refOneLine does.
func refWithoutMarkers(line string, markers []marker) string {
	if len(markers) == 0 {
		return refOneLine(line)
	}
	// Usually all the text is before the first marker and only white space between and after
	// them: then that one part is the text, and nothing needs to be copied.
	text, pos, parts := "", 0, 0
	for i := 0; i <= len(markers); i++ {
		end := len(line)
		if i < len(markers) {
			end = markers[i].start
		}
		if part := line[pos:end]; !isAllSpace(part) {
			text, parts = part, parts+1
		}
		if i < len(markers) {
			pos = markers[i].end
		}
	}
	if parts <= 1 {
		return refOneLine(strings.TrimSpace(text)) // refOneLine trims too; trimmed first, it rarely copies
	}
	var rest strings.Builder
	pos = 0
	for _, m := range markers {
		rest.WriteString(line[pos:m.start])
		pos = m.end
	}
	rest.WriteString(line[pos:])
	return refOneLine(rest.String())
}

// refCollectLog reads the items of one list in the Log section (items holds the start of each);
// listEnd is where the next block starts.
//
// An entry is its item's first line and the lines after it indented under it (continuation
// lines); a blank line or a line that is not indented ends it. Markdown would read an
// unindented line right below an item as part of it (a lazy continuation): for the log it is a
// note a person added, never part of the entry, and new entries go after it.
func (d *Document) refCollectLog(body string, items []int, listEnd int) {
	base := d.fm.end
	for i, start := range items {
		end := listEnd
		if i+1 < len(items) {
			end = items[i+1]
		}
		end = d.refTrimBlankTail(start, end)
		refEntryEnd := d.refEntryEnd(start, end)
		raw := refLogItemText(body[start-base : refEntryEnd-base])
		raw = strings.TrimLeft(raw, "-*+ ")
		e, err := refParseLogLine(raw)
		if err != nil {
			d.problemAt(start, "log-entry", err.Error())
			continue
		}
		e.Line, e.start, e.end, e.itemEnd = d.lines.lineOf(start), start, refEntryEnd, end
		if refEntryEnd < end {
			d.problemAt(refEntryEnd, "log-note", i18n.Text("incident.parse.log_note", "Line", e.Line))
		}
		if n := len(d.Log); n > 0 && e.At.Before(d.Log[n-1].At) {
			d.problemAt(start, "log-order", i18n.Text("incident.parse.log_order", "At", FormatTime(e.At), "Prev", FormatTime(d.Log[n-1].At)))
		}
		d.Log = append(d.Log, e)
	}
}

// refLogItemText is the text of a log item (its lines, from the list marker on). A one-line item
// is the usual case and is not copied. Lines indented under the item (two spaces or a tab) are
// the continuation lines of a multi-line entry: each is kept as a line of the text, without
// that indentation, so an entry reads back exactly as it was written (see FormatLogLine). A
// line that is not indented continues the line before it, as Markdown reads it.
func refLogItemText(item string) string {
	item = strings.TrimSpace(item)
	first, rest, multi := strings.Cut(item, "\n")
	if !multi {
		return refOneLine(item)
	}
	var b strings.Builder
	b.WriteString(refOneLine(first))
	for rest != "" {
		var line string
		line, rest, _ = strings.Cut(rest, "\n")
		line = strings.TrimRight(line, " \t\r")
		switch {
		case strings.HasPrefix(line, "  "):
			b.WriteString("\n" + line[2:])
		case strings.HasPrefix(line, "\t"):
			b.WriteString("\n" + line[1:])
		case strings.TrimSpace(line) != "":
			b.WriteString(" " + refOneLine(line))
		}
	}
	return b.String()
}

// refEntryEnd returns where the log entry whose item spans [start, end) ends: after its first
// line and the indented lines right after it.
func (d *Document) refEntryEnd(start, end int) int {
	pos := start
	if i := bytes.IndexByte(d.Src[pos:end], '\n'); i >= 0 {
		pos += i + 1
	} else {
		return end
	}
	for pos < end {
		next := end
		if i := bytes.IndexByte(d.Src[pos:end], '\n'); i >= 0 {
			next = pos + i + 1
		}
		line := d.Src[pos:next]
		if !(bytes.HasPrefix(line, []byte("  ")) || line[0] == '\t') || len(bytes.TrimSpace(line)) == 0 {
			break
		}
		pos = next
	}
	return pos
}

// refParseLogLine reads "<RFC 3339 time> [<author>] <text>" (without the list marker).
func refParseLogLine(s string) (LogEntry, error) {
	ts, rest, _ := strings.Cut(s, " ")
	at, err := refParseRFC3339(ts)
	if err != nil {
		return LogEntry{}, errors.New(i18n.Text("incident.parse.log_time"))
	}
	if !strings.HasPrefix(rest, "[") || !strings.Contains(rest, "]") {
		return LogEntry{}, errors.New(i18n.Text("incident.parse.log_author"))
	}
	author, txt, _ := strings.Cut(rest[1:], "]")
	txt = strings.TrimLeft(txt, " \t")
	if strings.TrimSpace(txt) == "" {
		return LogEntry{}, errors.New(i18n.Text("incident.parse.log_text"))
	}
	return LogEntry{At: at, Author: refUnescapeInline(strings.TrimSpace(author)), Text: refUnescapeInline(txt)}, nil
}

func refUnescapeInline(s string) string {
	if strings.IndexByte(s, '\\') < 0 && strings.IndexByte(s, '<') < 0 && strings.IndexByte(s, '[') < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '`':
			n := 1
			for i+n < len(s) && s[i+n] == '`' {
				n++
			}
			ticks := s[i : i+n]
			if end := closingTicks(s[i+n:], n); end >= 0 {
				b.WriteString(s[i : i+n+end+n]) // a code span: backslashes are literal
				i += n + end + n - 1
				continue
			}
			b.WriteString(ticks)
			i += n - 1
		case c == '\\' && i+1 < len(s) && isASCIIPunct(s[i+1]):
			b.WriteByte(s[i+1])
			i++
		case c == '[' && wwwLinkLen(s[i:]) > 0:
			// A www. link EscapeText wrote as [www.…](http://www.…): the link as typed.
			n := wwwLinkLen(s[i:])
			link := s[i : i+n-1]
			b.WriteString(link[strings.Index(link, "](http://")+len("](http://"):])
			i += n - 1
		case c == '<' && autolinkEnd(s, i) > 0:
			// An autolink EscapeText wrote around a link: the link as typed.
			end := autolinkEnd(s, i)
			b.WriteString(s[i+1 : end-1])
			i = end - 1
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// readerDiff parses src with Parse and with refParse and describes any difference.
func readerDiff(src []byte) string {
	a, errA := Parse("f.md", src)
	b, errB := refParse("f.md", src)
	if fmt.Sprint(errA) != fmt.Sprint(errB) {
		return fmt.Sprintf("errors differ: %v / reference: %v", errA, errB)
	}
	if !reflect.DeepEqual(a, b) {
		return fmt.Sprintf("documents differ:\n%+v\nreference:\n%+v", a, b)
	}
	return ""
}

// ReaderDiff is readerDiff for the tests outside the package (the generated documents).
func ReaderDiff(src []byte) string { return readerDiff(src) }

// readerBodies stress what the readers of actions and log entries look at: bullets and white
// space around the parts of an entry, escapes and autolinks, markers, multi-line items,
// times in every form, text that is not ASCII.
var readerBodies = []string{
	"## Status\n## Action list\n- [ ] a\n- [x]  b  c \n- [X]\u00a0d\u00a0\n- [ ] e <!-- due: 5m --> <!-- due: x -->\n- [ ] f <!-- due: -->\n- [ ] g <!--announce: 30m SEV1,SEV2 -->\n- [ ] h <!-- announce: 0s --> <!-- required: -->\n- [ ] i <!-- required: SEV1,, SEV2 ,SEV3 --> tail\n- [ ] j <!-- x: y --> k <!-- z: w --> l\n- [ ]\n- [ ] m\n  n <!-- due: 1h SEV1 \u00a0SEV2 -->\n## Log\n",
	"## Status\n## Action list\n## Log\n- 2026-11-23T10:02:00Z [a] b\n*  2026-11-23T10:03:00Z [a] b\n-   2026-11-23T10:04:00Z  [a]   b  \n- 2026-11-23T10:05:00Z [a]\n- 2026-11-23T10:05:00Z [a]  \n- 2026-11-23T10:05:00Z a] b\n- 2026-11-23T10:05:00Z [a b\n- 2026-11-23T10:05:00 [a] b\n- 2026-11-23T10:05:00+05:30 [a] b\n- 2026-11-23T10:05:00-03:30 [ a ] b\n- 2026-11-23T10:05:00.5Z [a] b\n- 2026-02-30T10:05:00Z [a] b\n- 2026-11-23T10:05:00Z[a] b\n- 2026-11-23T10:05:00Z [] b\n- 2026-11-23T10:05:00Z [a] ]b[\n",
	"## Status\n## Action list\n## Log\n- 2026-11-23T10:02:00Z [a\\]b] \\`x\\` \\<y> <https://example.com/a> [www.example.com](http://www.example.com) `a\\b`\n- 2026-11-23T10:02:00Z [\u00e9] caf\u00e9 \u2192 ok\n- 2026-11-23T10:02:00Z [a] one\n  two\n\tthree\n  \n- 2026-11-23T10:02:00Z [a] x\nnote\n\n- 2026-11-23T10:01:00Z [a] earlier\n  - nested 2026-11-23T10:01:00Z [a] x\n- \n- 2026-11-23T10:02:00Z\n- 2026-11-23T10:02:00Z [a] \u2003wide space\u2003\n",
	"## Status\n## Action list\n## Log\n+ 2026-11-23T10:02:00Z [a] plus\n1. 2026-11-23T10:02:00Z [a] ordered\n-\t2026-11-23T10:02:00Z [a] tab\n- -- 2026-11-23T10:02:00Z [a] dashes\n- *+ 2026-11-23T10:02:00Z [a] marks\n",
}

// readerDocs are the documents the reader tests start from: the test data, the fuzz corpora,
// and every body above and in the scanner's and the body parser's tests.
func readerDocs(t testing.TB) [][]byte {
	var docs [][]byte
	eachCorpusDoc(t, func(_ string, b []byte) { docs = append(docs, b) })
	for _, bodies := range [][]string{readerBodies, scannerBodies, trickyBodies} {
		for _, body := range bodies {
			docs = append(docs, []byte(scanFrontMatter+body))
		}
	}
	return docs
}

// TestBodyReadersAgree: the readers of sections, actions and the log find exactly what the
// reference readers find, on documents the scanner reads and on those goldmark reads.
func TestBodyReadersAgree(t *testing.T) {
	docs := readerDocs(t)
	if len(docs) < 40 {
		t.Fatalf("only %d documents", len(docs))
	}
	parsed := 0
	for i, d := range docs {
		if diff := readerDiff(d); diff != "" {
			t.Fatalf("document %d %q: %s", i, d, diff)
		}
		if _, err := Parse("f.md", d); err == nil {
			parsed++
		}
	}
	if parsed < len(docs)/2 {
		t.Errorf("only %d of %d documents parse: the comparison covers too little", parsed, len(docs))
	}
}

// FuzzBodyReaders: on any document, Parse finds what the reference readers find.
func FuzzBodyReaders(f *testing.F) {
	for _, d := range readerDocs(f) {
		f.Add(d)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if diff := readerDiff(src); diff != "" {
			t.Fatalf("%q: %s", src, diff)
		}
	})
}

// readerSeqDiff parses the documents one after another with one Reader and describes the
// first difference from Parse (and with another, from ParseMeta); each result is compared
// before the next Parse, and the strings of the last results must still read as they did
// (only slices are reused).
func readerSeqDiff(docs [][]byte) string {
	var r, rm Reader
	for i, src := range docs {
		got, errGot := rm.ParseMeta("f.md", src)
		want, errWant := ParseMeta("f.md", src)
		if fmt.Sprint(errGot) != fmt.Sprint(errWant) {
			return fmt.Sprintf("document %d: ParseMeta errors differ: %v / ParseMeta: %v", i, errGot, errWant)
		}
		if got != nil {
			got.reader = nil
		}
		if !reflect.DeepEqual(got, want) {
			return fmt.Sprintf("document %d %q: ParseMeta documents differ:\n%+v\nParseMeta:\n%+v", i, src, got, want)
		}
	}
	type kept struct {
		texts []string
		copy  []string
	}
	var all []kept
	for i, src := range docs {
		got, errGot := r.Parse("f.md", src)
		want, errWant := Parse("f.md", src)
		if fmt.Sprint(errGot) != fmt.Sprint(errWant) {
			return fmt.Sprintf("document %d: errors differ: %v / Parse: %v", i, errGot, errWant)
		}
		if !reflect.DeepEqual(got, want) {
			return fmt.Sprintf("document %d %q: documents differ:\n%+v\nParse:\n%+v", i, src, got, want)
		}
		if got == nil {
			continue
		}
		var k kept
		for _, a := range got.Actions {
			k.texts = append(k.texts, a.Text)
			k.texts = append(k.texts, a.Required...)
		}
		for _, e := range got.Log {
			k.texts = append(k.texts, e.Author, e.Text)
		}
		for _, s := range k.texts {
			k.copy = append(k.copy, strings.Clone(s))
		}
		all = append(all, k)
		for j := max(len(all)-4, 0); j < len(all); j++ { // memory reused would show at once
			if !slices.Equal(all[j].texts, all[j].copy) {
				return fmt.Sprintf("after document %d, the strings of result %d changed", i, j)
			}
		}
	}
	return ""
}

// TestReaderAgrees: a Reader finds what Parse finds, document after document (long and short
// action lists and logs, documents that fail between them), and never changes a string it
// returned.
func TestReaderAgrees(t *testing.T) {
	docs := readerDocs(t)
	seq := append(append([][]byte{}, docs...), docs[0], docs[len(docs)-1])
	slices.Reverse(seq[len(docs)/2:])
	if diff := readerSeqDiff(seq); diff != "" {
		t.Fatal(diff)
	}
}

// FuzzReader: any two documents parsed one after the other with one Reader.
func FuzzReader(f *testing.F) {
	docs := readerDocs(f)
	for i := range docs {
		f.Add(docs[i], docs[(i+7)%len(docs)])
	}
	f.Fuzz(func(t *testing.T, a, b []byte) {
		if diff := readerSeqDiff([][]byte{a, b, a}); diff != "" {
			t.Fatal(diff)
		}
	})
}

// ReaderSeqDiff is readerSeqDiff for the tests outside the package.
func ReaderSeqDiff(docs [][]byte) string { return readerSeqDiff(docs) }
