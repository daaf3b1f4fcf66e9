package incident

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"github.com/incidentctl/incidentctl/pkg/i18n"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	gfmext "github.com/incidentctl/incidentctl/pkg/markdown/gfm" // gfm names the tests' reference renderer
)

// Document is a parsed incident document. Src is never modified: edits return a new Document.
type Document struct {
	Path     string
	Src      []byte
	Meta     Meta
	Actions  []Action
	Log      []LogEntry
	Problems []Problem

	lines    lineIndex
	fm       *frontMatter
	sections map[string]section
	table    span    // the Status table; start < 0 when the section has none
	lang     string  // the language of the Status heading (see Lang)
	metaOnly bool    // parsed by ParseMeta: no actions, no log
	reader   *Reader // while a Reader parses it: the memory it lends
}

type span struct{ start, end int }

type section struct {
	heading span // the heading line
	end     int  // where the next section's heading starts (or the end of the file)
	line    int
}

// MaxSize is the largest document the CLI reads; anything bigger is not an incident document.
const MaxSize = 4 << 20

// bodyParser reads the body's block structure: headings, the Status table, lists and the
// check boxes of task items, exactly as goldmark with the Table and TaskList extensions reads
// them (pkg/markdown/gfm's: goldmark's, without their work at every start of the program). It
// leaves out the inline parsers that only matter for rendering (code spans, links,
// autolinks, raw HTML, emphasis): the format never looks inside a paragraph, inline parsing
// cannot change the blocks, and a check box is only recognised as the very first inline of a
// list item (goldmark hands the text before any later '[' to the paragraph first), so what the
// parser finds is the same while parsing takes a third less time. TestBodyParserAgrees checks
// it against the full parser.
//
// Most bodies never reach it: scanBody reads the Markdown incident documents use in a single
// pass and stands in for this parser. It is made the first time a body needs it: most commands
// never parse a document, and most bodies never reach it.
var bodyParser = sync.OnceValue(newBodyParser)

// bodyParserOverride, when set (tests only), reads every body instead of bodyParser and scanBody.
var bodyParserOverride parser.Parser

func newBodyParser() parser.Parser {
	return parser.NewParser(
		parser.WithBlockParsers(parser.DefaultBlockParsers()...),
		parser.WithInlineParsers(util.Prioritized(gfmext.NewTaskCheckBoxParser(), 0)),
		parser.WithParagraphTransformers(append(parser.DefaultParagraphTransformers(),
			util.Prioritized(gfmext.NewTableParagraphTransformer(), 200))...),
		parser.WithASTTransformers(util.Prioritized(gfmext.NewTableASTTransformer(), 0)),
	)
}

// Parse reads an incident document. A *ParseError names the file, line and what to do when the
// CLI cannot work with the document; smaller issues are collected in Problems.
func Parse(path string, src []byte) (*Document, error) { return parse(path, src, false, nil) }

// A Reader parses documents one after another for a caller that is done with each before it
// reads the next (lint reads every document of a repository): each Parse reuses the memory
// the last document's Actions and Log, their severity lists, its line index, its sections
// and the Document itself were in, so a long run allocates (and collects) less. Strings are
// never reused: they stay valid as Parse's do. The zero Reader is ready; it is not safe for
// concurrent use.
type Reader struct {
	doc      Document
	actions  []Action
	log      []LogEntry
	strs     []string
	starts   []int
	sections map[string]section
	fm       frontMatter
	nodes    []fmNode
	keys     []keySpan
}

// Parse is incident.Parse, except that the document, and every slice in it (Actions, Log,
// an action's Required ...), is only valid until the next call.
func (r *Reader) Parse(path string, src []byte) (*Document, error) { return parse(path, src, false, r) }

// ParseMeta is Parse for a caller that needs the front matter only (a listing): it fails
// exactly when Parse fails, with the same error, but leaves out the action list and the log
// (Actions, Log and their Problems), which are most of the work. The document it returns is
// for reading Meta and Path; use Parse for anything else.
func ParseMeta(path string, src []byte) (*Document, error) { return parse(path, src, true, nil) }

// ParseMeta is incident.ParseMeta, except that the document is only valid until the next call
// (its strings stay valid): a listing reads 100,000 front matters and keeps a record of each.
func (r *Reader) ParseMeta(path string, src []byte) (*Document, error) {
	return parse(path, src, true, r)
}

// parse reads a document; r, when not nil, lends the memory of the document it read last.
func parse(path string, src []byte, metaOnly bool, r *Reader) (*Document, error) {
	if len(src) > MaxSize {
		return nil, &ParseError{Path: path, Rule: "size", Msg: i18n.Text("incident.parse.size", "Size", len(src), "Max", MaxSize)}
	}
	if !utf8.Valid(src) {
		off := 0
		for off < len(src) {
			r, n := utf8.DecodeRune(src[off:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			off += n
		}
		l := newLineIndex(src)
		return nil, &ParseError{Path: path, Line: l.lineOf(off), Col: l.col(off), Rule: "encoding", Msg: i18n.Text("incident.parse.utf8")}
	}
	if bytes.IndexByte(src, 0) >= 0 {
		l := newLineIndex(src)
		off := bytes.IndexByte(src, 0)
		return nil, &ParseError{Path: path, Line: l.lineOf(off), Col: l.col(off), Rule: "encoding", Msg: i18n.Text("incident.parse.nul")}
	}
	var lines lineIndex
	if r != nil {
		lines = lineIndexInto(r.starts, src)
		r.starts = lines.starts
	} else {
		lines = newLineIndex(src)
	}
	if off := conflictMarkerLine(src, lines); off >= 0 {
		return nil, &ParseError{Path: path, Line: lines.lineOf(off), Col: 1, Rule: "conflict-marker", Msg: ConflictMarkerMessage()}
	}
	var d *Document
	if r != nil {
		d = &r.doc
	} else {
		d = new(Document) // allocated here only: one made before the test escapes (and is allocated) for a Reader's parse too
	}
	*d = Document{Path: path, Src: src, lines: lines, table: span{-1, -1}, metaOnly: metaOnly, reader: r}
	fm, err := splitFrontMatterWith(path, src, d.lines, r)
	if err != nil {
		return nil, err
	}
	if r != nil {
		r.nodes, r.keys = fm.nodes, fm.keys // for the next document, once this one is done
	}
	d.fm = fm
	problems, err := decodeMeta(path, fm, &d.Meta)
	if err != nil {
		return nil, err
	}
	d.Problems = problems
	if metaOnly && bodyParserOverride == nil && metaBodyOK(src, fm.end, d.lines) {
		return d, nil // no section twice or missing: nothing else in the body can fail ParseMeta
	}
	if err := d.parseBody(); err != nil {
		return nil, err
	}
	if r != nil {
		// What the next document can reuse (the slices may have grown).
		d.reader = nil
		if d.Actions != nil {
			r.actions = d.Actions[:0]
		}
		if d.Log != nil {
			r.log = d.Log[:0]
		}
	}
	return d, nil
}

func (d *Document) errAt(off int, rule, msg string) *ParseError {
	return &ParseError{Path: d.Path, Line: d.lines.lineOf(off), Col: d.lines.col(off), Rule: rule, Msg: msg}
}

func (d *Document) problemAt(off int, rule, msg string) {
	d.Problems = append(d.Problems, Problem{Line: d.lines.lineOf(off), Col: d.lines.col(off), Rule: rule, Message: msg})
}

// lineStart returns the offset of the start of the line holding off.
func (d *Document) lineStart(off int) int { return d.lines.start(d.lines.lineOf(off)) }

// trimBlankTail moves end back over blank lines, so a block ends after its last non-blank line.
func (d *Document) trimBlankTail(start, end int) int {
	for end > start {
		// Most blocks end in a line that is not blank: looking back from its end finds that
		// without finding where the line starts.
		ls, blank := asciiBlankLineBefore(d.Src, end)
		if !blank {
			break
		}
		if ls < 0 {
			ls = d.lineStart(end - 1)
		}
		if ls < start || len(bytes.TrimSpace(d.Src[ls:end])) != 0 {
			break
		}
		end = ls
	}
	return end
}

// asciiBlankLineBefore looks at the line holding src[end-1] (0 < end <= len(src)): false when
// it holds something other than white space; true and its start when it is blank; true and
// -1 when it cannot tell (a byte that is not ASCII: bytes.TrimSpace decides).
func asciiBlankLineBefore(src []byte, end int) (start int, blank bool) {
	k := end - 1
	if src[k] == '\n' {
		k--
	}
	for ; k >= 0 && src[k] != '\n'; k-- {
		switch c := src[k]; {
		case c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f':
		case c < utf8.RuneSelf:
			return 0, false
		default:
			return -1, true
		}
	}
	return k + 1, true
}

// bodyBlocks is the body's top-level block structure, as much of it as the format reads: what
// kind each block is and where its first line starts, the items of top-level lists and every
// task item. Two readers produce it: scanBody for the Markdown incident documents actually use,
// goldmark for everything else; TestScanBodyAgrees and FuzzBodyScanner hold them equal.
type bodyBlocks struct {
	blocks []block
	items  []int  // start of the line of each item of a top-level list (block.items indexes it)
	tasks  []task // every task item, in document order (block.tasks indexes it)
	lines  []span // the scanner's scratch space
}

// blocksPool recycles bodyBlocks: they only live while one body is read, and lint reads
// thousands of documents.
var blocksPool = sync.Pool{New: func() any { return new(bodyBlocks) }}

func (bb *bodyBlocks) reset() {
	clear(bb.blocks) // no pooled value keeps a body alive
	clear(bb.tasks)
	bb.blocks, bb.items, bb.tasks, bb.lines = bb.blocks[:0], bb.items[:0], bb.tasks[:0], bb.lines[:0]
}

type blockKind uint8

const (
	blockOther blockKind = iota // paragraphs and anything else the format does not look into
	blockHeading
	blockTable
	blockList
)

type block struct {
	start int // offset of the start of the block's first line in the file
	kind  blockKind
	level int    // heading level
	text  string // heading text, trimmed
	items span   // range of bodyBlocks.items (lists)
	tasks span   // range of bodyBlocks.tasks
}

// task is a list item whose first block starts with a check box.
type task struct {
	box     int // offset of the '[' in the file
	checked bool
	raw     string // the lines of the item's first block, each trimmed, joined by one space
}

func (d *Document) parseBody() error {
	body := string(d.Src[d.fm.end:]) // every text the body yields is a substring of this one copy
	bb := blocksPool.Get().(*bodyBlocks)
	defer func() {
		bb.reset()
		blocksPool.Put(bb)
	}()
	if bodyParserOverride != nil || !scanBody(body, d.fm.end, bb, d.lines.starts) {
		bb.reset()
		d.goldmarkBlocks(body, bb)
	}
	return d.readBlocks(body, bb)
}

// goldmarkBlocks reads the block structure with goldmark: the reference, and the reader of any
// body scanBody declines.
func (d *Document) goldmarkBlocks(body string, bb *bodyBlocks) {
	base := d.fm.end
	src := d.Src[base:]
	p := bodyParserOverride
	if p == nil {
		p = bodyParser()
	}
	root := p.Parse(text.NewReader(src), parser.WithContext(parser.NewContext()))
	for n := root.FirstChild(); n != nil; n = n.NextSibling() {
		b := block{start: d.lineStart(base + n.Pos())}
		switch n := n.(type) {
		case *ast.Heading:
			b.kind, b.level, b.text = blockHeading, n.Level, headingText(n, body)
		case *extast.Table:
			b.kind = blockTable
		case *ast.List:
			b.kind = blockList
			b.items.start = len(bb.items)
			for item := n.FirstChild(); item != nil; item = item.NextSibling() {
				bb.items = append(bb.items, d.lineStart(base+item.Pos()))
			}
			b.items.end = len(bb.items)
		}
		from := len(bb.tasks)
		_ = ast.Walk(n, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
			if !entering {
				return ast.WalkContinue, nil
			}
			item, ok := n.(*ast.ListItem)
			if !ok || item.FirstChild() == nil {
				return ast.WalkContinue, nil
			}
			first := item.FirstChild()
			box, ok := first.FirstChild().(*extast.TaskCheckBox)
			if !ok {
				return ast.WalkContinue, nil
			}
			lines := first.Lines()
			raw := ""
			if lines.Len() == 1 {
				raw = strings.TrimSpace(body[lines.At(0).Start:lines.At(0).Stop])
			} else {
				var b strings.Builder
				for i := 0; i < lines.Len(); i++ {
					seg := lines.At(i)
					b.WriteString(strings.TrimSpace(body[seg.Start:seg.Stop]))
					b.WriteByte(' ')
				}
				raw = strings.TrimSpace(b.String())
			}
			bb.tasks = append(bb.tasks, task{box: base + box.Pos(), checked: box.IsChecked, raw: raw})
			return ast.WalkContinue, nil
		})
		if b.kind == blockList || len(bb.tasks) > from {
			b.tasks = span{from, len(bb.tasks)}
		}
		bb.blocks = append(bb.blocks, b)
	}
}

// readBlocks finds the sections, the Status table, the actions and the log entries.
func (d *Document) readBlocks(body string, bb *bodyBlocks) error {
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
	if r := d.reader; r != nil && r.sections != nil {
		clear(r.sections)
		d.sections = r.sections
	} else {
		d.sections = make(map[string]section, 3)
		if r != nil {
			r.sections = d.sections
		}
	}
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
					d.table = span{b.start, d.trimBlankTail(b.start, nextStart(i))}
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
			var strs []string // backs the actions' Required lists
			if r := d.reader; r != nil && n > 0 {
				d.Actions = slices.Grow(r.actions[:0], n)
				strs = slices.Grow(r.strs[:0], 4*n+1)
			} else {
				d.Actions = slices.Grow(d.Actions, n)
				strs = make([]string, 0, 4*n+1)
			}
			for _, b := range blocks {
				for _, t := range bb.tasks[b.tasks.start:b.tasks.end] {
					d.addAction(t, &strs)
				}
			}
			if d.reader != nil {
				d.reader.strs = strs[:0]
			}
		case SectionLog:
			if d.metaOnly {
				break // nor in the log: its entries only ever give Problems
			}
			n := 0
			for _, b := range blocks {
				n += b.items.end - b.items.start
			}
			if r := d.reader; r != nil && n > 0 {
				d.Log = slices.Grow(r.log[:0], n)
			} else {
				d.Log = slices.Grow(d.Log, n)
			}
			for i, b := range blocks {
				if b.kind == blockList {
					d.collectLog(body, bb.items[b.items.start:b.items.end], nextStart(i))
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

// isATX reports whether the heading whose line starts at off is written with #.
func (d *Document) isATX(off int) bool {
	line := bytes.TrimLeft(d.Src[off:min(off+4, len(d.Src))], " ")
	return len(line) > 0 && line[0] == '#'
}

func headingText(h *ast.Heading, body string) string {
	lines := h.Lines()
	if lines.Len() == 1 {
		return strings.TrimSpace(body[lines.At(0).Start:lines.At(0).Stop])
	}
	var b strings.Builder
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		b.WriteString(body[seg.Start:seg.Stop])
	}
	return strings.TrimSpace(b.String())
}

// The syntax of action-list markers is the regular expression `<!--\s*([a-z_]+)\s*:\s*(.*?)\s*-->`
// (markerRE, in the tests); appendMarkers implements it without the regexp engine (FuzzMarkers
// checks they agree), so no program start compiles it.

// marker is one match of markerRE: the byte range of the whole marker, its name and value.
type marker struct {
	start, end  int
	name, value string
}

// appendMarkers appends to out what markerRE.FindAllStringSubmatchIndex finds in s: leftmost,
// non-overlapping matches.
func appendMarkers(out []marker, s string) []marker {
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' } // RE2's \s
	skipSpace := func(i int) int {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		return i
	}
	for from := 0; ; {
		k := strings.Index(s[from:], "<!--")
		if k < 0 {
			return out
		}
		start := from + k
		from = start + 1 // where the next attempt starts if this one fails
		i := skipSpace(start + 4)
		nameStart := i
		for i < len(s) && (s[i] >= 'a' && s[i] <= 'z' || s[i] == '_') {
			i++
		}
		if i == nameStart {
			continue
		}
		nameEnd := i
		i = skipSpace(i)
		if i == len(s) || s[i] != ':' {
			continue
		}
		vStart := skipSpace(i + 1)
		// The lazy value ends where the rest is white space and "-->": before the white
		// space that precedes the first "-->"; it cannot span a line break.
		p := strings.Index(s[vStart:], "-->")
		if p < 0 {
			continue
		}
		p += vStart
		vEnd := p
		for vEnd > vStart && isSpace(s[vEnd-1]) {
			vEnd--
		}
		if strings.IndexByte(s[vStart:vEnd], '\n') >= 0 {
			continue
		}
		out = append(out, marker{start: start, end: p + 3, name: s[nameStart:nameEnd], value: s[vStart:vEnd]})
		from = p + 3
	}
}

// addAction reads one task item: its text without the markers, and what the markers say.
// The Required lists are appended to *strs, one backing array for the document's actions.
func (d *Document) addAction(t task, strs *[]string) {
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
			f := appendFields(strs, m.value)
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
			f := appendFields(strs, m.value)
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
	a.Text = withoutMarkers(line, markers)
	d.Actions = append(d.Actions, a)
}

// appendSevs appends the severities of a required marker's value, separated by spaces or
// commas (strings.FieldsFunc on ' ' and ',', without its allocation).
func appendSevs(dst []string, v string) []string {
	start := -1
	for i := 0; i <= len(v); i++ {
		if i == len(v) || v[i] == ' ' || v[i] == ',' {
			if start >= 0 {
				dst = append(dst, v[start:i])
				start = -1
			}
		} else if start < 0 {
			start = i
		}
	}
	return dst
}

// appendFields appends strings.Fields(v) to *strs and returns them, a slice of *strs (never
// nil, like strings.Fields's result) that appending to does not share.
func appendFields(strs *[]string, v string) []string {
	from := len(*strs)
	ascii := true
	for i := 0; i < len(v); i++ {
		if v[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		start := -1
		for i := 0; i <= len(v); i++ {
			if i == len(v) || asciiSpace[v[i]] {
				if start >= 0 {
					*strs = append(*strs, v[start:i])
					start = -1
				}
			} else if start < 0 {
				start = i
			}
		}
	} else {
		*strs = append(*strs, strings.Fields(v)...)
	}
	return (*strs)[from:len(*strs):len(*strs)]
}

// withoutMarkers returns line without the markers, white space folded as OneLine does.
func withoutMarkers(line string, markers []marker) string {
	if len(markers) == 0 {
		return OneLine(strings.TrimSpace(line)) // the same; trimmed first (the space after the box), it rarely copies
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
		return OneLine(strings.TrimSpace(text)) // OneLine trims too; trimmed first, it rarely copies
	}
	var rest strings.Builder
	pos = 0
	for _, m := range markers {
		rest.WriteString(line[pos:m.start])
		pos = m.end
	}
	rest.WriteString(line[pos:])
	return OneLine(rest.String())
}

// collectLog reads the items of one list in the Log section (items holds the start of each);
// listEnd is where the next block starts.
//
// An entry is its item's first line and the lines after it indented under it (continuation
// lines); a blank line or a line that is not indented ends it. Markdown would read an
// unindented line right below an item as part of it (a lazy continuation): for the log it is a
// note a person added, never part of the entry, and new entries go after it.
func (d *Document) collectLog(body string, items []int, listEnd int) {
	base := d.fm.end
	for i, start := range items {
		end := listEnd
		if i+1 < len(items) {
			end = items[i+1]
		}
		end = d.trimBlankTail(start, end)
		entryEnd := d.entryEnd(start, end)
		raw := logItemText(body[start-base : entryEnd-base])
		raw = trimLeftBullets(raw) // strings.TrimLeft(raw, "-*+ ")
		e, err := ParseLogLine(raw)
		if err != nil {
			d.problemAt(start, "log-entry", err.Error())
			continue
		}
		e.Line, e.start, e.end, e.itemEnd = d.lines.lineOf(start), start, entryEnd, end
		if entryEnd < end {
			d.problemAt(entryEnd, "log-note", i18n.Text("incident.parse.log_note", "Line", e.Line))
		}
		if n := len(d.Log); n > 0 && e.At.Before(d.Log[n-1].At) {
			d.problemAt(start, "log-order", i18n.Text("incident.parse.log_order", "At", FormatTime(e.At), "Prev", FormatTime(d.Log[n-1].At)))
		}
		d.Log = append(d.Log, e)
	}
}

// logItemText is the text of a log item (its lines, from the list marker on). A one-line item
// is the usual case and is not copied. Lines indented under the item (two spaces or a tab) are
// the continuation lines of a multi-line entry: each is kept as a line of the text, without
// that indentation, so an entry reads back exactly as it was written (see FormatLogLine). A
// line that is not indented continues the line before it, as Markdown reads it.
func logItemText(item string) string {
	item = strings.TrimSpace(item)
	first, rest, multi := strings.Cut(item, "\n")
	if !multi {
		return OneLine(item)
	}
	var b strings.Builder
	b.WriteString(OneLine(first))
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
			b.WriteString(" " + OneLine(line))
		}
	}
	return b.String()
}

// entryEnd returns where the log entry whose item spans [start, end) ends: after its first
// line and the indented lines right after it.
func (d *Document) entryEnd(start, end int) int {
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

// ParseLogLine reads "<RFC 3339 time> [<author>] <text>" (without the list marker).
func ParseLogLine(s string) (LogEntry, error) {
	ts, rest, _ := strings.Cut(s, " ")
	at, err := parseRFC3339(ts)
	if err != nil {
		return LogEntry{}, errors.New(i18n.Text("incident.parse.log_time"))
	}
	closeAt := strings.IndexByte(rest, ']') // after the '[': rest[0] is not ']'
	if !strings.HasPrefix(rest, "[") || closeAt < 0 {
		return LogEntry{}, errors.New(i18n.Text("incident.parse.log_author"))
	}
	author, txt := rest[1:closeAt], rest[closeAt+1:]
	txt = trimLeftBlanks(txt) // strings.TrimLeft(txt, " \t")
	if strings.TrimSpace(txt) == "" {
		return LogEntry{}, errors.New(i18n.Text("incident.parse.log_text"))
	}
	return LogEntry{At: at, Author: UnescapeInline(strings.TrimSpace(author)), Text: UnescapeInline(txt)}, nil
}

// trimLeftBullets is strings.TrimLeft(s, "-*+ "), without building the cut set on every call.
func trimLeftBullets(s string) string {
	i := 0
	for i < len(s) && (s[i] == '-' || s[i] == '*' || s[i] == '+' || s[i] == ' ') {
		i++
	}
	return s[i:]
}

// trimLeftBlanks is strings.TrimLeft(s, " \t").
func trimLeftBlanks(s string) string {
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return s[i:]
}

// FormatLogLine renders an entry as its list item (with newline); the text is escaped so that
// the rendered document shows it as typed, and links in it are written as autolinks
// (EscapeText). A multi-line text (see
// LogText) becomes a multi-line entry: its first line on the item's line, each further line
// indented by two spaces under it, which logItemText reads back as the same text.
func FormatLogLine(e LogEntry) string {
	author := strings.NewReplacer("[", "(", "]", ")", "\n", " ").Replace(e.Author)
	first, rest, multi := strings.Cut(e.Text, "\n")
	if !multi {
		return fmt.Sprintf("- %s [%s] %s\n", FormatTime(e.At), EscapeInline(OneLine(author)), EscapeText(OneLine(e.Text)))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "- %s [%s] %s\n", FormatTime(e.At), EscapeInline(OneLine(author)), EscapeText(OneLine(first)))
	for _, line := range strings.Split(rest, "\n") {
		if line = strings.TrimRight(line, " \t\r"); strings.TrimSpace(line) != "" {
			b.WriteString("  " + EscapeText(line) + "\n")
		}
	}
	return b.String()
}

// LogText prepares text typed or piped in for a log entry: line ends normalised, white space
// at the end of each line and blank lines at either end removed. Text of several lines stays
// several lines (a multi-line entry). A blank line inside would end the entry in the document,
// so blank lines inside are removed too; removed counts them, so that the caller can say so.
func LogText(s string) (text string, removed int) {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	if !strings.Contains(s, "\n") {
		return OneLine(s), 0
	}
	var lines []string
	blank := 0 // blank lines since the last line kept
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimRight(line, " \t\v\f")
		if strings.TrimSpace(line) == "" {
			if len(lines) > 0 {
				blank++
			}
			continue
		}
		removed, blank = removed+blank, 0
		if len(lines) == 0 {
			line = OneLine(line)
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n"), removed
}

// Lines counts the lines of a text ("" has none).
func Lines(s string) int {
	if s == "" {
		return 0
	}
	return strings.Count(strings.TrimRight(s, "\n"), "\n") + 1
}

// OneLine folds white space (newlines included) so text fits on one line.
func OneLine(s string) string {
	if isOneLine(s) {
		return s // most text already is: no copy
	}
	return strings.Join(strings.Fields(s), " ")
}

// isOneLine reports whether OneLine(s) == s: no white space at either end, none but single
// spaces inside.
func isOneLine(s string) bool {
	if s == "" {
		return true
	}
	// Eight bytes at a time while they are printable ASCII without two spaces in a row: the
	// text of log entries and actions almost always is.
	i := 0
	prevSpace := true // no leading space
	for ; i+8 <= len(s); i += 8 {
		x := binary.LittleEndian.Uint64([]byte(s[i : i+8]))
		const lo, hi = 0x0101010101010101, 0x8080808080808080
		if (x-0x20*lo)&^x&hi != 0 || x&hi != 0 { // a byte below 0x20, or not ASCII
			break
		}
		sp := zeroBytes(x ^ 0x20*lo) // 0x80 in each byte that is a space
		if sp&(sp<<8) != 0 || prevSpace && sp&0x80 != 0 {
			return false // two spaces in a row (or a leading one)
		}
		prevSpace = sp>>56 != 0
	}
	if i == len(s) {
		return !prevSpace
	}
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			if c == ' ' {
				if prevSpace {
					return false
				}
				prevSpace = true
				continue
			}
			if asciiSpace[c] {
				return false
			}
			prevSpace = false
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			return false
		}
		i += n
		prevSpace = false
	}
	return !prevSpace
}

// zeroBytes returns 0x80 in each byte of x that is zero, 0 in the others (exactly: no borrow
// from one byte to the next).
func zeroBytes(x uint64) uint64 {
	const m = 0x7f7f7f7f7f7f7f7f
	t := (x & m) + m
	return ^(t | x | m)
}

// asciiSpace is what unicode.IsSpace says of the ASCII bytes.
var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// isAllSpace reports whether s is nothing but white space (as strings.Fields sees it).
func isAllSpace(s string) bool {
	for _, r := range s {
		if !unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

// Line returns the 1-based line of the front-matter key, 0 when absent.
func (d *Document) KeyLine(key string) int {
	if ks, ok := d.fm.key(key); ok {
		return ks.line
	}
	return 0
}

// HasKey reports whether the front matter has the key.
func (d *Document) HasKey(key string) bool { _, ok := d.fm.key(key); return ok }

// SectionLine returns the 1-based line of a section's heading.
func (d *Document) SectionLine(name string) int { return d.sections[name].line }

// LastLogAt is the time of the latest log entry (zero when the log is empty).
func (d *Document) LastLogAt() time.Time {
	var t time.Time
	for _, e := range d.Log {
		if e.At.After(t) {
			t = e.At
		}
	}
	return t
}

// ParseActionList reads a rendered action list (the body of the Action list section) on its own.
func ParseActionList(md string) ([]Action, error) {
	var b strings.Builder
	b.WriteString("---\nid: x\ntitle: x\nseverity: x\nstatus: x\ndeclared_at: 2000-01-01T00:00:00Z\n---\n\n## Status\n\n## Action list\n\n")
	b.WriteString(md)
	b.WriteString("\n\n## Log\n")
	d, err := Parse("action list", []byte(b.String()))
	if err != nil {
		return nil, err
	}
	return d.Actions, nil
}

// AnnounceEvery is the cadence of announcements the document's action list sets at its
// current severity (the first item with an announce marker that applies).
func (d *Document) AnnounceEvery() (time.Duration, Action, bool) {
	for _, a := range d.Actions {
		if every, ok := a.AnnounceEvery(d.Meta.Severity); ok {
			return every, a, true
		}
	}
	return 0, Action{}, false
}
