package notify

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"text/template"
	"time"

	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/secret"
	"github.com/incidentctl/incidentctl/pkg/severity"
	"github.com/incidentctl/incidentctl/templates"
)

// Every text a message carries (title, impact, announcement, names, the rendered template)
// passes the secret scanner once, in withholder.one: what it flags is replaced by its masked
// form ("[redacted: ghp_…, 40 characters]"), so nothing the detectors flag reaches chat, and a
// text still flagged after masking is withheld whole. A nil scanner means secret.Default.

// Message is one chat message before it is shaped for a service.
type Message struct {
	Event    string // the main change (the first), or EventTest
	Title    string // the headline, one line
	Text     string // the body, possibly several lines
	Fields   []Field
	Context  string    // "<id> · <author> · <time>"
	At       time.Time // when the change was made
	URL      string    // the incident's page, "" when there is none
	Color    int       // 0xRRGGBB, by severity
	Severity string
	Drill    bool
	Open     string // the label of the link to URL, in the message's language
	// For the generic webhook: the structured event.
	Incident Incident
	Changes  []Change
	Author   string
	Commit   string
	Test     bool
}

// Field is one labelled value (Severity: SEV1).
type Field struct {
	Label, Value string
	Long         bool // does not fit beside another field (the impact)
}

// Colours by severity rank (1 is the most severe), for the services that show one.
var (
	rankColors    = []int{0xE01E5A, 0xF2711C, 0xECB22E, 0x36A2EB}
	resolvedColor = 0x2EB67D
	testColor     = 0x8D8D8D
)

func colorFor(rank int, resolved bool) int {
	switch {
	case resolved:
		return resolvedColor
	case rank < 1:
		return testColor
	case rank > len(rankColors):
		return rankColors[len(rankColors)-1]
	}
	return rankColors[rank-1]
}

// Templates are a repository's message texts, parsed, and the language they are written in
// (the repository's): the fields' labels are in it too.
type Templates struct {
	title, text *template.Template
	lang        i18n.Lang
	labels      texts
}

// TemplateData is what title.tmpl and text.tmpl see: the incident after the change (its
// fields directly: .Title, .Severity ...), the changes, who made them and when.
type TemplateData struct {
	Incident
	Changes   []Change
	Author    string
	At        time.Time
	Escalated bool // the severity went up
}

// Has reports whether the change of this kind is in the message.
func (d TemplateData) Has(event string) bool {
	return slices.ContainsFunc(d.Changes, func(c Change) bool { return c.Event == event })
}

// Change returns the change of this kind, or nil.
func (d TemplateData) Change(event string) *Change {
	for i := range d.Changes {
		if d.Changes[i].Event == event {
			return &d.Changes[i]
		}
	}
	return nil
}

// templateFuncs are the functions a template may call: orDash, clock, and status (a status
// in the message's language: "調査中" for investigating in Japanese, unchanged in English).
func templateFuncs(l texts) template.FuncMap {
	return template.FuncMap{
		"orDash": func(s string) string {
			if strings.TrimSpace(s) == "" {
				return l.none()
			}
			return s
		},
		"clock":  l.clock,
		"status": func(s string) string { return l.statusName(s) },
	}
}

// ParseTemplates reads the message texts of an English repository: see ParseTemplatesFor.
func ParseTemplates(title, text []byte, titleFrom, textFrom string) (*Templates, []string) {
	return ParseTemplatesFor(i18n.English, title, text, titleFrom, textFrom)
}

// ParseTemplatesFor reads the message texts of a repository in language lang: title and text
// are its templates/notify/ files (nil where it has none), from names them for messages. The
// built-in texts are lang's (templates.NotifyFor). A template that does not parse, or fails
// on a sample message, is replaced by the built-in one, with a warning: a notification must
// never be lost to a typo in a template.
func ParseTemplatesFor(lang i18n.Lang, title, text []byte, titleFrom, textFrom string) (*Templates, []string) {
	if lang == "" {
		lang = i18n.English
	}
	labels := textsFor(lang)
	funcs := templateFuncs(labels)
	defaults := templates.NotifyFor(string(lang))
	var warnings []string
	parse := func(name string, src, def []byte, from string) *template.Template {
		if src != nil {
			t, err := template.New(name).Funcs(funcs).Option("missingkey=error").Parse(string(src))
			if err == nil {
				err = t.Execute(&bytes.Buffer{}, sampleData)
			}
			if err == nil {
				return t
			}
			warnings = append(warnings, i18n.Text("notify.template_broken", "File", from, "Error", templateErr(err)))
		}
		return template.Must(template.New(name).Funcs(funcs).Parse(string(def)))
	}
	return &Templates{
		title:  parse("title", title, defaults.Title, titleFrom),
		text:   parse("text", text, defaults.Text, textFrom),
		lang:   lang,
		labels: labels,
	}, warnings
}

// DefaultTemplates are the built-in English texts.
func DefaultTemplates() *Templates { return DefaultTemplatesFor(i18n.English) }

// DefaultTemplatesFor are the built-in texts of a language.
func DefaultTemplatesFor(lang i18n.Lang) *Templates {
	t, _ := ParseTemplatesFor(lang, nil, nil, "", "")
	return t
}

func templateErr(err error) string {
	return strings.TrimPrefix(strings.TrimPrefix(err.Error(), "template: "), "title:")
}

// sampleData tries a repository's template before it is trusted.
var sampleData = TemplateData{
	Incident: Incident{ID: "261123-k7xqm", Title: "Checkout API returns 500s", Severity: "SEV1", Status: "identified", Commander: "alice", Impact: "30% of checkouts fail", Announcement: "status page updated", DeclaredAt: time.Date(2026, 11, 23, 10, 2, 0, 0, time.UTC)},
	Changes:  []Change{{Event: EventSeverity, From: "SEV2", To: "SEV1"}, {Event: EventCommander, From: "alice", To: "bob"}},
	Author:   "alice", At: time.Date(2026, 11, 23, 10, 30, 0, 0, time.UTC), Escalated: true,
}

// Compose builds the message of an event for a sink that hears about changes (a subset of
// ev.Changes, see Sink.Wants). sevs ranks the severity for the colour; sc is the secret
// scanner (nil: secret.Default).
func Compose(ev Event, changes []Change, t *Templates, sevs *severity.Set, sc *secret.Scanner) Message {
	if t == nil {
		t = DefaultTemplates()
	}
	l := t.labels
	w := withholder{sc, l}
	inc := ev.Incident
	for _, p := range []*string{&inc.ID, &inc.Title, &inc.Severity, &inc.Status, &inc.Commander, &inc.Impact, &inc.Announcement, &inc.Resolution, &inc.Path} {
		*p = w.one(*p)
	}
	changes = slices.Clone(changes)
	for i := range changes {
		changes[i].From, changes[i].To = w.one(changes[i].From), w.one(changes[i].To)
	}
	data := TemplateData{Incident: inc, Changes: changes, Author: w.one(ev.Author), At: ev.At}
	rank := 0
	if sevs != nil {
		if l, ok := sevs.Get(inc.Severity); ok {
			rank = l.Rank
		}
		if c := data.Change(EventSeverity); c != nil {
			data.Escalated = sevs.MoreSevere(c.To, c.From)
		}
	}
	m := Message{
		Title:    incident.OneLine(w.one(execute(t.title, data))),
		Text:     w.one(tidy(execute(t.text, data))),
		At:       ev.At,
		URL:      inc.URL,
		Open:     l.Open,
		Color:    colorFor(rank, inc.Status == incident.StatusResolved),
		Severity: inc.Severity,
		Drill:    inc.Drill,
		Incident: inc,
		Changes:  changes,
		Author:   data.Author,
		Commit:   ev.Commit,
	}
	if len(changes) > 0 {
		m.Event = changes[0].Event
	}
	if m.Title == "" {
		m.Title = inc.Severity + ": " + inc.Title
	}
	sev := inc.Severity
	if inc.Drill {
		sev = l.drillSeverity(sev)
	}
	m.Fields = []Field{
		{Label: l.Severity, Value: orNone(sev)},
		{Label: l.Status, Value: orNone(l.statusName(inc.Status))},
		{Label: l.Commander, Value: orNone(inc.Commander)},
		{Label: l.Impact, Value: orNone(inc.Impact), Long: true},
	}
	if inc.Announcement != "" && data.Change(EventAnnouncement) == nil {
		// The current announcement, unless the body already says it (it changed just now).
		m.Fields = append(m.Fields, Field{Label: l.Announcement, Value: inc.Announcement, Long: true})
	}
	m.Context = l.contextLine(inc.ID, data.Author, l.clock(ev.At))
	return m
}

// TestMessage is what `incidentctl notify test` posts in an English repository.
func TestMessage(sink, author string, at time.Time, sc *secret.Scanner) Message {
	return TestMessageIn(i18n.English, sink, author, at, sc)
}

// TestMessageIn is what `incidentctl notify test` posts, in the repository's language.
func TestMessageIn(lang i18n.Lang, sink, author string, at time.Time, sc *secret.Scanner) Message {
	l := textsFor(lang)
	w := withholder{sc, l}
	author = w.one(author)
	return Message{
		Event: EventTest, Test: true, Title: l.testTitle(), Text: l.testText(sink, author),
		At: at, Color: testColor, Author: author, Open: l.Open,
		Context: l.contextLine("incidentctl", author, l.clock(at)),
	}
}

func execute(t *template.Template, data TemplateData) string {
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		// Checked on a sample when parsed; should this incident still trip it, say so in place.
		return fmt.Sprintf("(%s)", templateErr(err))
	}
	return b.String()
}

var blankLines = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\n{3,}`) })

// tidy trims a rendered body: no blank lines at either end, at most one blank line in a row.
func tidy(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.TrimSpace(blankLines().ReplaceAllString(s, "\n\n"))
}

func orNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return english().none()
	}
	return s
}

// withholder is the one place texts meet the secret scanner.
type withholder struct {
	sc     *secret.Scanner
	labels texts
}

func (w withholder) one(s string) string {
	if s == "" {
		return s
	}
	sc := w.sc
	if sc == nil {
		sc = secret.Default
	}
	fs := sc.Scan(s)
	if len(fs) == 0 {
		return s
	}
	if masked := secret.Mask(s, fs); len(sc.Scan(masked)) == 0 {
		return masked
	}
	return w.labels.withheld(fs[0].What)
}

// openLabel is the label of the link to the incident's page.
func (m Message) openLabel() string {
	if m.Open == "" {
		return english().Open
	}
	return m.Open
}
