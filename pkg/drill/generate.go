package drill

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/incidentctl/incidentctl/pkg/board"
	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/incident"
)

// How `drill scenario` turns an incident into a scenario is told in its --help
// (drill.scenario.long in pkg/i18n's catalogue): keep the two in step.

// NameRE is what a scenario's name may be: its file is drills/<name>.md. It is a slug
// (incident.Slug): letters of any script in lower case, digits and -, so that the default name
// of a scenario drawn from "決済APIが500エラーを返す" is its slug, as the incident's file name is.
// It is compiled on first use, as every expression of this package (Unicode classes are
// costly to compile, and every command would pay for them at start).
var NameRE = &lazyRegexp{expr: `^[\p{Ll}\p{Lm}\p{Lo}\p{N}][\p{Ll}\p{Lm}\p{Lo}\p{N}\p{M}-]*$`}

// lazyRegexp is a regular expression compiled the first time it is used.
type lazyRegexp struct {
	expr string
	once sync.Once
	re   *regexp.Regexp
}

// MatchString reports whether s matches the expression.
func (l *lazyRegexp) MatchString(s string) bool {
	l.once.Do(func() { l.re = regexp.MustCompile(l.expr) })
	return l.re.MatchString(s)
}

// ScenarioPath is the file of a scenario name.
func ScenarioPath(name string) string { return path.Join(Dir, name+".md") }

// FromIncident writes a scenario that replays a resolved incident (see drill.scenario.long in the catalogue). The
// result parses (Parse); rel is the incident's repository path, linked from the scenario. Its
// headings and prose are in lang (the repository's: LangEn, LangJa); its markup is the same
// in every language.
func FromIncident(d *incident.Document, rel, name, lang string) ([]byte, error) {
	l := scenarioFor(lang)
	m := d.Meta
	if m.IsDrill() {
		return nil, i18n.Errorf("drill.gen.is_drill", "ID", m.ID, "Scenario", orDash(m.Scenario))
	}
	if m.Status != incident.StatusResolved || m.ResolvedAt == nil {
		return nil, i18n.Errorf("drill.gen.not_resolved", "ID", m.ID, "Status", m.Status)
	}
	start := m.DeclaredAt
	end := *m.ResolvedAt
	off := func(t time.Time) time.Duration { return t.Sub(start).Truncate(time.Second) }
	sev := declaredSeverity(d)

	var b strings.Builder
	b.WriteString("---\n")
	b.WriteString(incident.EncodeKey(KeyTitle, m.Title))
	b.WriteString(incident.EncodeKey(KeySeverity, sev))
	b.WriteString(incident.EncodeKey(KeyDifficulty, difficulty(m)))
	b.WriteString(incident.EncodeKey(KeyBasedOn, m.ID))
	orig := &yaml.Node{Kind: yaml.MappingNode}
	for _, st := range Milestones {
		if t := m.Milestone(incident.MilestoneKey(st)); t != nil {
			orig.Content = append(orig.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: st},
				&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: FormatOffset(off(*t))})
		}
	}
	if len(orig.Content) > 0 {
		b.WriteString(incident.EncodeNode(KeyOriginal, orig))
	}
	b.WriteString("---\n\n")
	fmt.Fprintf(&b, "# %s\n\n", incident.InlineMarkdown(incident.OneLine(m.Title)))
	link := relLink(ScenarioPath(name), rel)
	fmt.Fprintf(&b, l.intro, m.ID, link, sev, start.Format("2006-01-02 15:04 -07:00"))

	b.WriteString("## " + l.variants + "\n\n")
	b.WriteString("### as-it-happened\n\n")
	fmt.Fprintf(&b, l.asItHappened, m.ID, incident.InlineMarkdown(incident.OneLine(m.Resolution)))

	b.WriteString("## " + l.injects + "\n\n")
	n := 0
	for _, e := range d.Log {
		if e.At.After(end) || recorded(e.Text) {
			continue
		}
		from := strings.NewReplacer("[", "(", "]", ")").Replace(e.Author)
		fmt.Fprintf(&b, "- %s [%s] %s\n", FormatOffset(off(e.At)), from, e.Text)
		n++
	}
	if n == 0 {
		// A scenario needs an inject; the declaration is the one observation every incident has.
		fmt.Fprintf(&b, "- +0m [%s] %s\n", orDash(m.Commander), incident.OneLine(m.Title))
	}
	b.WriteString("\n## " + l.expected + "\n\n")
	checked := map[string]time.Time{}
	for _, e := range d.Log {
		if item, ok := board.CheckedItem(e.Text); ok && !e.At.After(end) {
			if _, seen := checked[item]; !seen {
				checked[item] = e.At
			}
		}
		if item, ok := board.UncheckedItem(e.Text); ok && !e.At.After(end) {
			delete(checked, item) // ticked by mistake: done when it is ticked again
		}
	}
	type exp struct {
		by   time.Duration
		text string
		orig *time.Duration
	}
	var exps []exp
	var boxes []string
	for _, a := range d.Actions {
		due, boxed := a.DueAfter(sev)
		if boxed {
			boxes = append(boxes, fmt.Sprintf(l.within, a.Text, FormatDuration(due)))
		}
		at, wasChecked := checked[a.Text]
		switch {
		case wasChecked:
			o := max(off(at), 0)
			by := o.Truncate(time.Minute)
			if by < o {
				by += time.Minute
			}
			if boxed {
				by = due
			}
			exps = append(exps, exp{by, a.Text, &o})
		case boxed:
			exps = append(exps, exp{due, a.Text, nil})
		}
	}
	slices.SortStableFunc(exps, func(x, y exp) int { return int((x.by - y.by) / time.Second) })
	for _, e := range exps {
		fmt.Fprintf(&b, "- by %s: %s <!-- action -->", FormatOffset(e.by), escapeMarkers(e.text))
		if e.orig != nil {
			fmt.Fprintf(&b, " <!-- original: %s -->", FormatOffset(*e.orig))
		}
		b.WriteString("\n")
	}
	if len(exps) == 0 {
		b.WriteString("- by +30m: " + l.mitigate + " <!-- status: mitigated -->\n")
	}

	b.WriteString("\n## " + l.gameMaster + "\n\n")
	b.WriteString(l.gmIntro)
	fmt.Fprintf(&b, l.gmDeclared, sev, start.Format("15:04 -07:00"), orDash(strings.Join(board.Commanders(d), ", ")))
	if m.Impact != "" {
		fmt.Fprintf(&b, l.gmImpact, incident.InlineMarkdown(incident.OneLine(m.Impact)))
	}
	var times []string
	for i := 0; i+1 < len(orig.Content); i += 2 {
		times = append(times, orig.Content[i].Value+" "+orig.Content[i+1].Value)
	}
	fmt.Fprintf(&b, l.gmTimes, strings.Join(times, l.timeSep))
	fmt.Fprintf(&b, l.gmResolution, incident.InlineMarkdown(incident.OneLine(m.Resolution)))
	if len(boxes) > 0 {
		fmt.Fprintf(&b, l.gmBoxes, sev, strings.Join(boxes, l.sep))
	}
	out := []byte(b.String())
	if _, err := Parse(ScenarioPath(name), out); err != nil {
		return nil, i18n.Errorf("drill.gen.unparsable", "ID", m.ID, "Error", err)
	}
	return out, nil
}

// escapeMarkers keeps an item's text from being read as a marker of the expected action.
func escapeMarkers(s string) string { return strings.ReplaceAll(s, "<!--", "<!- -") }

// declaredSeverity is the severity the incident was declared at: the first severity change's
// "from", or its severity when it never changed.
func declaredSeverity(d *incident.Document) string {
	for _, e := range d.Log {
		if from, _, ok := board.SeverityChange(e.Text); ok && from != "" {
			return from
		}
	}
	return d.Meta.Severity
}

func difficulty(m incident.Meta) string {
	if m.MitigatedAt == nil {
		return "hard"
	}
	switch ttm := m.MitigatedAt.Sub(m.DeclaredAt); {
	case ttm > time.Hour:
		return "hard"
	case ttm > 20*time.Minute:
		return "medium"
	}
	return "easy"
}

// recorded reports whether a log text is a change incidentctl recorded (a responder's action
// through a command) rather than an observation someone wrote.
func recorded(text string) bool {
	if _, ok := board.CheckedItem(text); ok {
		return true
	}
	if _, _, ok := board.CommanderChange(text); ok {
		return true
	}
	if _, _, ok := board.SeverityChange(text); ok {
		return true
	}
	if _, ok := board.Declared(text); ok {
		return true
	}
	if _, _, _, ok := board.StatusChange(text); ok {
		return true
	}
	if _, ok := board.Announcement(text); ok {
		return true
	}
	if _, ok := ReadInject(text); ok {
		return true
	}
	for _, p := range recordedPrefixes {
		if strings.HasPrefix(text, p) {
			return true
		}
	}
	return strings.HasPrefix(text, "role ") && (strings.Contains(text, " → ") || strings.HasSuffix(text, " released"))
}

// recordedPrefixes start the other log texts the write commands record (update --impact,
// close --force, the postmortem link, drill debrief --note).
var recordedPrefixes = []string{"impact: ", board.SkippedPrefix, "postmortem:", "no postmortem:", DebriefNotePrefix}

// relLink is the relative link from the scenario file to the incident document.
func relLink(from, to string) string {
	up := strings.Repeat("../", strings.Count(path.Dir(from), "/")+1)
	return up + to
}
