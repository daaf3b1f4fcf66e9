// Package drill is the drill: a scenario file under drills/ that replays an incident (how to
// break the development environment, the observations delivered to the trainee as time passes,
// what a good response does by when, notes for the game master), and everything computed from
// a drill incident played from it: which injects are due, the score and debrief, who should
// practise next. It knows nothing of git or the command line; pkg/workspace orchestrates it.
package drill

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/incident"
)

// Dir is the folder scenarios live in, at the top of the repository.
const Dir = "drills"

// Front-matter keys of a scenario.
const (
	KeyTitle      = "title"
	KeySeverity   = "severity"
	KeyDifficulty = "difficulty"
	KeyBasedOn    = "based_on"
	KeySymptom    = "symptom"
	KeyOriginal   = "original"
)

// Keys lists the scenario's keys in the order a generated scenario writes them.
var Keys = []string{KeyTitle, KeySeverity, KeyDifficulty, KeyBasedOn, KeySymptom, KeyOriginal}

// RequiredKeys must be present.
var RequiredKeys = []string{KeyTitle, KeySeverity, KeyDifficulty}

// Difficulties a scenario may have, easiest first.
var Difficulties = []string{"easy", "medium", "hard"}

// Milestones the original times and status ties name, in the order an incident reaches them.
var Milestones = []string{incident.StatusIdentified, incident.StatusMitigated, incident.StatusResolved}

// Sections of a scenario (level-2 headings). Other sections are prose the tool leaves alone.
const (
	SectionVariants   = "Variants"
	SectionInjects    = "Injects"
	SectionExpected   = "Expected actions"
	SectionGameMaster = "Game master"
)

// RequiredSections must each appear once.
var RequiredSections = []string{SectionVariants, SectionInjects, SectionExpected}

// Problem rules. Lint reports each under a rule of the same ID.
const (
	RuleScenario   = "scenario"         // the format: front matter, keys, sections, items
	RuleOffset     = "scenario-offset"  // offsets parse and never decrease
	RuleVariant    = "scenario-variant" // variants are named, unique and say what to break
	RuleUntied     = "scenario-untied"  // (warning) an expected action score can only find by its text
	RuleUnknownKey = "unknown-key"      // (warning) a front-matter key the format does not know
)

// Scenario is a parsed scenario file.
type Scenario struct {
	Path       string
	Title      string
	Severity   string
	Difficulty string
	BasedOn    string // the incident it replays; "" for a scenario written by hand
	Symptom    string // what the drill is declared as (the trainee's first view); Title when empty
	Original   Original
	Variants   []Variant
	Injects    []Inject // delivered whatever the variant
	Expected   []Expected
	GameMaster string // the game-master section, for the facilitator only
	Problems   []Problem
	lines      map[string]int // front-matter key -> line
}

// Original holds the original incident's times, as offsets from its declaration (nil: unknown).
type Original struct {
	Identified, Mitigated, Resolved *time.Duration
}

// Get returns the original time of a milestone status.
func (o Original) Get(status string) *time.Duration {
	switch status {
	case incident.StatusIdentified:
		return o.Identified
	case incident.StatusMitigated:
		return o.Mitigated
	case incident.StatusResolved:
		return o.Resolved
	}
	return nil
}

// Variant is one way to break the development environment.
type Variant struct {
	Name    string
	Text    string   // what the game master does, as written (prose and commands)
	Command string   // the first fenced code block of Text, "" when none
	Injects []Inject // delivered only when this variant is played
	Line    int
}

// Inject is one observation delivered to the trainee.
type Inject struct {
	Offset time.Duration
	From   string // who reports it ("" when the scenario does not say)
	Text   string
	Line   int
}

// Tie says how score finds out when an expected action was done.
type Tie int

const (
	TieNone   Tie = iota // a log entry containing the action's text
	TieAction            // an action-list item was checked
	TieStatus            // the incident reached a status
	TieLog               // a log entry containing one of some words
)

// Expected is one thing a good response does by a time.
type Expected struct {
	Offset   time.Duration // "by" this offset
	Text     string
	Tie      Tie
	Action   string         // TieAction: the item's text, or part of it
	Status   string         // TieStatus: identified, mitigated or resolved
	Words    []string       // TieLog: any of these, case-insensitively
	Original *time.Duration // when the original team did it, when known
	Line     int
}

// Problem is something wrong with a scenario, at a line.
type Problem struct {
	Line, Col int
	Rule      string
	Message   string
	Warning   bool // the scenario is usable anyway
}

// ParseError is a scenario the commands cannot play: every error found, each at its line.
type ParseError struct {
	Path     string
	Problems []Problem
}

func (e *ParseError) Error() string { return e.Localize(i18n.For(i18n.English)) }

// Localize says the problems in p's language (i18n.Localized): their messages are made by
// i18n.Text.
func (e *ParseError) Localize(p *i18n.Printer) string {
	var b strings.Builder
	for i, pr := range e.Problems {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%s:%d:%d: %s", e.Path, max(pr.Line, 1), max(pr.Col, 1), p.Translate(pr.Message))
	}
	return b.String()
}

// Parse reads a scenario. An error is a *ParseError listing every error (file:line); warnings
// are in the scenario's Problems.
func Parse(path string, src []byte) (*Scenario, error) {
	s, problems := parse(path, src)
	var errs, warnings []Problem
	for _, p := range problems {
		if p.Warning {
			warnings = append(warnings, p)
		} else {
			errs = append(errs, p)
		}
	}
	if len(errs) > 0 {
		return nil, &ParseError{Path: path, Problems: errs}
	}
	s.Problems = warnings
	return s, nil
}

// Check reads a scenario and returns every problem, errors and warnings, in file order, with
// as much of the scenario as could be read (for checks that need the repository, like lint's).
func Check(path string, src []byte) (*Scenario, []Problem) { return parse(path, src) }

// parser collects problems while it reads.
type parser struct {
	s        *Scenario
	problems []Problem
}

// errorAt and warnAt add catalogue message id with its name, value arguments (i18n.Text: said
// in the reader's language by the CLI and lint's text output).
func (p *parser) errorAt(line int, rule, id string, args ...any) {
	p.problems = append(p.problems, Problem{Line: line, Col: 1, Rule: rule, Message: i18n.Text(id, args...)})
}

func (p *parser) warnAt(line int, rule, id string, args ...any) {
	p.problems = append(p.problems, Problem{Line: line, Col: 1, Rule: rule, Message: i18n.Text(id, args...), Warning: true})
}

func parse(path string, src []byte) (*Scenario, []Problem) {
	p := &parser{s: &Scenario{Path: path, lines: map[string]int{}}}
	if len(src) > incident.MaxSize {
		p.errorAt(1, RuleScenario, "drill.parse.size", "Size", len(src), "Max", incident.MaxSize)
		return p.s, p.problems
	}
	root, body, err := incident.FrontMatterNode(path, src)
	if err != nil {
		line, msg := 1, err.Error()
		if pe, ok := err.(*incident.ParseError); ok {
			line, msg = pe.Line, pe.Msg
			switch {
			case strings.HasPrefix(msg, "no front matter"):
				msg = i18n.Text("drill.parse.no_front_matter")
			case pe.Rule == "encoding":
				msg = i18n.Text("drill.parse.not_text")
			}
		}
		p.problems = append(p.problems, Problem{Line: line, Col: 1, Rule: RuleScenario, Message: msg}) // msg is made by i18n.Text, or an error as it is
		return p.s, p.problems
	}
	p.frontMatter(root)
	p.body(src, body)
	slices.SortStableFunc(p.problems, func(a, b Problem) int { return a.Line - b.Line })
	return p.s, p.problems
}

var idLike = &lazyRegexp{expr: `^\d{6}-[0-9a-z]{5}$`}

func (p *parser) frontMatter(root *yaml.Node) {
	s := p.s
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		line := k.Line + 1
		s.lines[k.Value] = line
		scalar := func() (string, bool) {
			if v.Kind != yaml.ScalarNode {
				p.errorAt(line, RuleScenario, "drill.parse.not_text_value", "Key", k.Value)
				return "", false
			}
			if v.Tag == "!!null" {
				return "", true
			}
			return strings.TrimSpace(v.Value), true
		}
		switch k.Value {
		case KeyTitle:
			s.Title, _ = scalar()
			s.Title = incident.OneLine(s.Title)
		case KeySeverity:
			s.Severity, _ = scalar()
		case KeyDifficulty:
			if d, ok := scalar(); ok {
				if !slices.Contains(Difficulties, d) {
					p.errorAt(line, RuleScenario, "drill.parse.difficulty", "Value", strconv.Quote(d), "Known", strings.Join(Difficulties, ", "))
				}
				s.Difficulty = d
			}
		case KeyBasedOn:
			if id, ok := scalar(); ok && id != "" {
				if !idLike.MatchString(id) || !incident.ValidID(id) {
					p.errorAt(line, RuleScenario, "drill.parse.based_on", "Value", strconv.Quote(id))
				}
				s.BasedOn = id
			}
		case KeySymptom:
			s.Symptom, _ = scalar()
			s.Symptom = incident.OneLine(s.Symptom)
		case KeyOriginal:
			p.original(v, line)
		default:
			p.warnAt(line, RuleUnknownKey, "drill.parse.unknown_key", "Key", strconv.Quote(k.Value), "Known", strings.Join(Keys, ", "))
		}
	}
	for _, k := range RequiredKeys {
		if _, ok := s.lines[k]; !ok {
			p.errorAt(2, RuleScenario, "drill.parse.missing_key", "Key", strconv.Quote(k), "Required", strings.Join(RequiredKeys, ", "))
		}
	}
	if _, ok := s.lines[KeyTitle]; ok && s.Title == "" {
		p.errorAt(s.lines[KeyTitle], RuleScenario, "drill.parse.empty_title")
	}
	if _, ok := s.lines[KeySeverity]; ok && s.Severity == "" {
		p.errorAt(s.lines[KeySeverity], RuleScenario, "drill.parse.empty_severity")
	}
}

// original reads `original: {identified: +10m, mitigated: +28m, resolved: +1h47m}`.
func (p *parser) original(v *yaml.Node, line int) {
	if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
		return
	}
	if v.Kind != yaml.MappingNode {
		p.errorAt(line, RuleScenario, "drill.parse.original", "Milestones", strings.Join(Milestones, ", "))
		return
	}
	var last *time.Duration
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := v.Content[i], v.Content[i+1]
		kl := k.Line + 1
		if !slices.Contains(Milestones, k.Value) {
			p.errorAt(kl, RuleScenario, "drill.parse.original_key", "Key", k.Value, "Milestones", strings.Join(Milestones, ", "))
			continue
		}
		if val.Kind != yaml.ScalarNode {
			p.errorAt(kl, RuleOffset, "drill.parse.original_offset", "Key", k.Value)
			continue
		}
		d, err := ParseOffset(val.Value)
		if err != nil {
			p.errorAt(kl, RuleOffset, "drill.parse.original_error", "Key", k.Value, "Error", err)
			continue
		}
		if last != nil && d < *last {
			p.errorAt(kl, RuleOffset, "drill.parse.original_order", "Key", k.Value, "Offset", FormatOffset(d), "Earlier", FormatOffset(*last))
		}
		last = &d
		switch k.Value {
		case incident.StatusIdentified:
			p.s.Original.Identified = &d
		case incident.StatusMitigated:
			p.s.Original.Mitigated = &d
		case incident.StatusResolved:
			p.s.Original.Resolved = &d
		}
	}
}

// line is one line of the body.
type line struct {
	n    int    // 1-based line in the file
	text string // without its newline
}

// block is a part of a section: a list item (folded onto one line), or prose and code kept as
// written.
type block struct {
	n      int
	item   bool
	code   bool
	text   string // the item's text after the marker, folded; or the raw lines
	fenced string // the content of a fenced code block
}

// body splits the body into level-2 sections and reads the ones the format knows.
func (p *parser) body(src []byte, start int) {
	var ls []line
	n := 1 + strings.Count(string(src[:start]), "\n")
	for _, t := range strings.SplitAfter(string(src[start:]), "\n") {
		if t == "" {
			continue
		}
		ls = append(ls, line{n: n, text: strings.TrimRight(t, "\r\n")})
		n++
	}
	type sec struct {
		name  string
		n     int
		lines []line
	}
	var secs []sec
	seen := map[string]int{}
	fence := ""
	for _, l := range ls {
		t := strings.TrimLeft(l.text, " ")
		indent := len(l.text) - len(t)
		if indent <= 3 {
			if f := fenceOf(t); f != "" && (fence == "" || strings.HasPrefix(t, fence) && strings.Trim(t, f[:1]+" ") == "") {
				if fence == "" {
					fence = f
				} else {
					fence = ""
				}
			} else if fence == "" && indent == 0 {
				if level, text := headingOf(t); level > 0 && level <= 2 {
					name := ""
					if level == 2 {
						name = canonical(text)
					}
					if name != "" {
						if prev, dup := seen[name]; dup {
							p.errorAt(l.n, RuleScenario, "drill.parse.section_twice", "Section", strconv.Quote("## "+name), "Line", prev)
							name = ""
						} else {
							seen[name] = l.n
						}
					}
					secs = append(secs, sec{name: name, n: l.n})
					continue
				}
			}
		}
		if len(secs) > 0 {
			secs[len(secs)-1].lines = append(secs[len(secs)-1].lines, l)
		}
	}
	for _, name := range RequiredSections {
		if _, ok := seen[name]; !ok {
			p.errorAt(n-1, RuleScenario, "drill.parse.no_section", "Section", strconv.Quote("## "+name), "Variants", SectionVariants, "Injects", SectionInjects, "Expected", SectionExpected)
		}
	}
	for _, s := range secs {
		switch s.name {
		case SectionVariants:
			p.variants(s.n, s.lines)
		case SectionInjects:
			p.s.Injects = p.injects(blocks(s.lines), "")
			if len(p.s.Injects) == 0 {
				p.errorAt(s.n, RuleScenario, "drill.parse.no_inject")
			}
		case SectionExpected:
			p.expected(s.n, blocks(s.lines))
		case SectionGameMaster:
			p.s.GameMaster = strings.TrimSpace(joinLines(s.lines))
		}
	}
}

// canonical is the section a heading names, in either language ("" for prose).
func canonical(name string) string {
	return sectionNames[strings.ToLower(name)]
}

func joinLines(ls []line) string {
	var b strings.Builder
	for _, l := range ls {
		b.WriteString(l.text)
		b.WriteByte('\n')
	}
	return b.String()
}

// blocks groups a section's lines into list items and other blocks. A list item is a line
// "- ", "* " or "+ " (indented at most 3 spaces) with the indented lines under it; fenced code
// is never an item.
func blocks(ls []line) []block {
	var out []block
	for i := 0; i < len(ls); i++ {
		l := ls[i]
		t := strings.TrimLeft(l.text, " ")
		indent := len(l.text) - len(t)
		if f := fenceOf(t); f != "" && indent <= 3 {
			var code []string
			j := i + 1
			for ; j < len(ls); j++ {
				tj := strings.TrimLeft(ls[j].text, " ")
				if strings.HasPrefix(tj, f) && strings.Trim(tj, f[:1]+" ") == "" {
					break
				}
				code = append(code, ls[j].text)
			}
			end := min(j, len(ls)-1)
			out = append(out, block{n: l.n, code: true, text: joinLines(ls[i : end+1]), fenced: strings.Join(code, "\n")})
			i = end
			continue
		}
		if indent <= 3 && len(t) >= 2 && strings.ContainsRune("-*+", rune(t[0])) && t[1] == ' ' {
			parts := []string{t[2:]}
			j := i + 1
			for ; j < len(ls); j++ {
				tj := strings.TrimLeft(ls[j].text, " ")
				if tj == "" || len(ls[j].text)-len(tj) < 2 {
					break
				}
				parts = append(parts, tj)
			}
			out = append(out, block{n: l.n, item: true, text: incident.OneLine(strings.Join(parts, " "))})
			i = j - 1
			continue
		}
		if strings.TrimSpace(l.text) == "" {
			continue
		}
		if k := len(out) - 1; k >= 0 && !out[k].item && !out[k].code && ls[i-1].n == l.n-1 && strings.TrimSpace(ls[i-1].text) != "" {
			out[k].text += l.text + "\n"
			continue
		}
		out = append(out, block{n: l.n, text: l.text + "\n"})
	}
	return out
}

// injectRE is "<offset> [<from>] <text>" or "<offset> <text>".
var injectRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(\S+)\s+(?:\[([^\]]*)\]\s*)?(.*)$`) })

// startsWithOffset tells an item meant as an inject from a prose item (in a variant).
func startsWithOffset(t string) bool {
	t = strings.TrimLeft(t, "+-")
	return t != "" && t[0] >= '0' && t[0] <= '9'
}

// injects reads the list items of a section as injects; in a variant (variant != ""), only the
// items that start with an offset are injects, the rest is prose.
func (p *parser) injects(bs []block, variant string) []Inject {
	var out []Inject
	for _, b := range bs {
		if !b.item || variant != "" && !startsWithOffset(b.text) {
			continue
		}
		m := injectRE().FindStringSubmatch(b.text)
		if m == nil {
			p.errorAt(b.n, RuleOffset, "drill.parse.inject_form", "Text", strconv.Quote(b.text))
			continue
		}
		d, err := ParseOffset(m[1])
		if err != nil {
			p.errorAt(b.n, RuleOffset, "drill.parse.inject_offset", "Error", err)
			continue
		}
		text := strings.TrimSpace(m[3])
		if text == "" {
			p.errorAt(b.n, RuleScenario, "drill.parse.inject_empty", "Offset", FormatOffset(d))
			continue
		}
		if n := len(out); n > 0 && d < out[n-1].Offset {
			p.errorAt(b.n, RuleOffset, "drill.parse.inject_order", "Offset", FormatOffset(d), "Prev", FormatOffset(out[n-1].Offset), "Line", out[n-1].Line)
		}
		out = append(out, Inject{Offset: d, From: incident.OneLine(m[2]), Text: text, Line: b.n})
	}
	return out
}

var variantNameRE = &lazyRegexp{expr: `^[a-z0-9][a-z0-9_-]*$`}

// variants reads "### <name>" subsections.
func (p *parser) variants(secLine int, ls []line) {
	var cur *Variant
	var curLines []line
	flush := func() {
		if cur == nil {
			return
		}
		bs := blocks(curLines)
		cur.Injects = p.injects(bs, cur.Name)
		var text strings.Builder
		for _, b := range bs {
			if b.code && cur.Command == "" {
				cur.Command = strings.TrimSpace(b.fenced)
			}
			if b.item && startsWithOffset(b.text) {
				continue
			}
			if b.item {
				text.WriteString("- " + b.text + "\n")
			} else {
				text.WriteString(b.text)
			}
		}
		cur.Text = strings.TrimSpace(text.String())
		if cur.Text == "" {
			p.errorAt(cur.Line, RuleVariant, "drill.parse.variant_empty", "Name", strconv.Quote(cur.Name))
		}
		p.s.Variants = append(p.s.Variants, *cur)
	}
	fence := ""
	for _, l := range ls {
		t := strings.TrimLeft(l.text, " ")
		if f := fenceOf(t); f != "" && len(l.text)-len(t) <= 3 {
			if fence == "" {
				fence = f
			} else if strings.HasPrefix(t, fence) && strings.Trim(t, fence[:1]+" ") == "" {
				fence = ""
			}
		}
		if level, text := headingOf(l.text); fence == "" && level == 3 {
			flush()
			cur, curLines = &Variant{Name: text, Line: l.n}, nil
			switch {
			case !variantNameRE.MatchString(text):
				p.errorAt(l.n, RuleVariant, "drill.parse.variant_name", "Name", strconv.Quote(text))
			case slices.ContainsFunc(p.s.Variants, func(v Variant) bool { return v.Name == text }):
				p.errorAt(l.n, RuleVariant, "drill.parse.variant_twice", "Name", strconv.Quote(text))
			}
			continue
		}
		if cur != nil {
			curLines = append(curLines, l)
		}
	}
	flush()
	if len(p.s.Variants) == 0 {
		p.errorAt(secLine, RuleVariant, "drill.parse.no_variant")
	}
}

// expectedRE is "by <offset>: <text>".
var expectedRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^by\s+(\S+?):\s*(.*)$`) })

// markerRE is "<!-- name -->" or "<!-- name: value -->".
var markerRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`<!--\s*([a-z_]+)\s*(?::\s*(.*?))?\s*-->`) })

func (p *parser) expected(secLine int, bs []block) {
	items := 0
	for _, b := range bs {
		if !b.item {
			continue
		}
		items++
		m := expectedRE().FindStringSubmatch(b.text)
		if m == nil {
			p.errorAt(b.n, RuleScenario, "drill.parse.expected_form", "Text", strconv.Quote(b.text))
			continue
		}
		d, err := ParseOffset(m[1])
		if err != nil {
			p.errorAt(b.n, RuleOffset, "drill.parse.expected_offset", "Error", err)
			continue
		}
		if d < 0 {
			p.errorAt(b.n, RuleOffset, "drill.parse.expected_before", "Offset", FormatOffset(d))
			continue
		}
		e := Expected{Offset: d, Line: b.n}
		rest := m[2]
		ties := 0
		for _, mk := range markerRE().FindAllStringSubmatch(rest, -1) {
			name, value := mk[1], strings.TrimSpace(mk[2])
			switch name {
			case "action":
				e.Tie, e.Action = TieAction, value
				ties++
			case "status":
				if !slices.Contains(Milestones, value) {
					p.errorAt(b.n, RuleScenario, "drill.parse.status_marker", "Value", value, "Milestones", strings.Join(Milestones, ", "))
				}
				e.Tie, e.Status = TieStatus, value
				ties++
			case "log":
				for _, w := range strings.Split(value, "|") {
					if w = strings.TrimSpace(w); w != "" {
						e.Words = append(e.Words, w)
					}
				}
				if len(e.Words) == 0 {
					p.errorAt(b.n, RuleScenario, "drill.parse.log_marker")
				}
				e.Tie = TieLog
				ties++
			case "original":
				o, err := ParseOffset(value)
				if err != nil {
					p.errorAt(b.n, RuleOffset, "drill.parse.original_marker", "Value", value, "Error", err)
				} else {
					e.Original = &o
				}
			default:
				p.errorAt(b.n, RuleScenario, "drill.parse.unknown_marker", "Name", name)
			}
		}
		if ties > 1 {
			p.errorAt(b.n, RuleScenario, "drill.parse.ties", "Count", ties)
		}
		e.Text = incident.OneLine(markerRE().ReplaceAllString(rest, " "))
		if e.Text == "" {
			p.errorAt(b.n, RuleScenario, "drill.parse.expected_empty", "Offset", FormatOffset(d))
			continue
		}
		if e.Tie == TieAction && e.Action == "" {
			e.Action = e.Text
		}
		if e.Tie == TieNone {
			p.warnAt(b.n, RuleUntied, "drill.parse.untied", "Text", strconv.Quote(e.Text))
		}
		if n := len(p.s.Expected); n > 0 && d < p.s.Expected[n-1].Offset {
			p.errorAt(b.n, RuleOffset, "drill.parse.expected_order", "Offset", FormatOffset(d), "Prev", FormatOffset(p.s.Expected[n-1].Offset), "Line", p.s.Expected[n-1].Line)
		}
		p.s.Expected = append(p.s.Expected, e)
	}
	if items == 0 {
		p.errorAt(secLine, RuleScenario, "drill.parse.no_expected")
	}
}

// fenceOf returns the fence a line opens or closes (``` or ~~~, at least three), "" for none.
func fenceOf(t string) string {
	for _, c := range []byte{'`', '~'} {
		n := 0
		for n < len(t) && t[n] == c {
			n++
		}
		if n >= 3 {
			return t[:n]
		}
	}
	return ""
}

// headingOf reads an ATX heading line: its level (0 when the line is none) and text.
func headingOf(t string) (int, string) {
	n := 0
	for n < len(t) && t[n] == '#' {
		n++
	}
	if n == 0 || n > 6 || n < len(t) && t[n] != ' ' && t[n] != '\t' {
		return 0, ""
	}
	return n, strings.TrimSpace(strings.TrimRight(strings.TrimSpace(t[n:]), "#"))
}

// Line returns the line of a front-matter key (0 when absent).
func (s *Scenario) Line(key string) int { return s.lines[key] }

// DeclaredTitle is the title a drill from this scenario is declared with, in a repository
// whose language is lang (the prefix says it is a drill).
func (s *Scenario) DeclaredTitle(lang string) string {
	t := s.Symptom
	if t == "" {
		t = s.Title
	}
	return TitlePrefix(lang) + t
}

// Variant returns the variant of this name.
func (s *Scenario) Variant(name string) (Variant, bool) {
	for _, v := range s.Variants {
		if v.Name == name {
			return v, true
		}
	}
	return Variant{}, false
}

// VariantNames lists the variants' names.
func (s *Scenario) VariantNames() []string {
	out := make([]string, len(s.Variants))
	for i, v := range s.Variants {
		out[i] = v.Name
	}
	return out
}
