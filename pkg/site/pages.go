package site

import (
	"embed"
	"fmt"
	"html/template"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/incidentctl/incidentctl/pkg/board"
	"github.com/incidentctl/incidentctl/pkg/config"
	"github.com/incidentctl/incidentctl/pkg/incident"
)

//go:embed assets
var assets embed.FS

// pageRenderer renders pages for one worker (its Markdown renderer is its own).
type pageRenderer struct {
	b     *builder
	md    *markdown
	units string // the duration labels for site.js
}

func (b *builder) newRenderer() *pageRenderer {
	return &pageRenderer{b: b, md: newMarkdown(), units: b.cat.durationUnits()}
}

// timeTag shows an instant in UTC, and the offset it was recorded with beside it, for readers
// without JavaScript; site.js rewrites the time in the reader's zone.
func timeTag(t time.Time) template.HTML {
	u := t.UTC()
	s := `<time datetime="` + u.Format(time.RFC3339) + `">` + u.Format("2006-01-02 15:04") + ` UTC</time>`
	if _, off := t.Zone(); off != 0 {
		s += `<span class="own"> (` + t.Format("15:04 -07:00") + `)</span>`
	}
	return template.HTML(s)
}

// dateTag shows the UTC date of an instant.
func dateTag(t time.Time) template.HTML {
	u := t.UTC()
	return template.HTML(`<time datetime="` + u.Format(time.RFC3339) + `" data-date>` + u.Format("2006-01-02") + `</time>`)
}

// sinceTag writes how long ago t was at the build; site.js keeps it current.
func sinceTag(c *catalogue, id string, t, now time.Time) template.HTML {
	d := max(now.Sub(t), 0)
	return template.HTML(`<span data-since="` + t.UTC().Format(time.RFC3339) + `" data-label="` +
		template.HTMLEscapeString(c.T(id, "Age", "{age}")) + `">` + template.HTMLEscapeString(c.T(id, "Age", c.duration(d))) + `</span>`)
}

func statusLabel(c *catalogue, s string) string {
	if incident.ValidStatus(s) {
		return c.T("site.status." + s)
	}
	return s
}

// statusIcon gives each status a shape, so that colour is never the only signal.
func statusIcon(s string) string {
	switch s {
	case incident.StatusInvestigating:
		return "●"
	case incident.StatusIdentified:
		return "◆"
	case incident.StatusMitigated:
		return "▲"
	case incident.StatusResolved:
		return "✓"
	}
	return "?"
}

// page is what every page template gets.
type page struct {
	Lang, SiteTitle, Title string
	Root                   string // from the page to the site's root: "" or "../"
	Canonical              string // the page's published address, when the base URL is known
	Updated                time.Time
	Now                    time.Time
	Current                string // the filter the page shows
	Filters                *filters
}

func (b *builder) page(rel, title string) page {
	p := page{Lang: b.cat.lang, SiteTitle: b.opts.Site.Title, Title: title, Now: b.opts.Now,
		Root: strings.Repeat("../", strings.Count(rel, "/")), Updated: b.updated, Filters: b.filters}
	if b.opts.Site.BaseURL != "" {
		p.Canonical = b.opts.Site.BaseURL + "/" + rel
	}
	if title != b.opts.Site.Title {
		p.Title = title + " · " + b.opts.Site.Title
	}
	return p
}

type link struct{ Key, Label, Href string }

// filters are the links every list page shows: one page per severity, per status, per year.
type filters struct {
	Severities, Statuses, Years []link
}

// entryRef is an incident as a list shows it.
type entryRef struct {
	S        *summary
	Root     string
	Href     string
	Duration time.Duration
}

// card is an open incident on a list page.
type card struct {
	entryRef
	Now time.Time
}

type month struct {
	Key, Label string
	Count      int
	Rows       []entryRef
}

func (b *builder) ref(s *summary, root string) entryRef {
	return entryRef{S: s, Root: root, Href: config.IncidentPage(s.ID), Duration: s.duration(b.opts.Now)}
}

func (b *builder) cards(open []*summary, root string) []card {
	out := make([]card, len(open))
	for i, s := range open {
		out[i] = card{b.ref(s, root), b.opts.Now}
	}
	return out
}

// months groups past incidents by the UTC month of their declaration, newest first.
func (b *builder) months(list []*summary, root string) []month {
	var out []month
	for _, s := range list {
		key := s.DeclaredAt.UTC().Format("2006-01")
		if len(out) == 0 || out[len(out)-1].Key != key {
			out = append(out, month{Key: key, Label: b.cat.month(s.DeclaredAt.UTC())})
		}
		m := &out[len(out)-1]
		m.Rows = append(m.Rows, b.ref(s, root))
		m.Count++
	}
	return out
}

type overall struct {
	Indicator, Icon, Label, Text string
}

func (b *builder) overall() overall {
	ind := b.indicator()
	o := overall{Indicator: ind, Label: b.cat.T(indicatorLabel[ind])}
	switch n := len(b.open); n {
	case 0:
		o.Icon, o.Text = "✓", b.cat.T("site.overall.none")
	default:
		o.Icon, o.Text = "⚠", b.cat.N("site.overall.open", n, "Severity", b.open[0].Severity)
	}
	return o
}

var indicatorLabel = map[string]string{"none": "site.indicator.none", "minor": "site.indicator.minor", "major": "site.indicator.major", "critical": "site.indicator.critical"}

type indexData struct {
	page
	Overall overall
	Open    []card
	History []month
	Broken  []entryRef
}

type listData struct {
	page
	Heading, CountText string
	Open               []card
	History            []month
}

// incidentData is one incident's page.
type incidentData struct {
	page
	S          *summary
	SevSummary string
	Duration   time.Duration
	Actions    []actionView
	Done       int
	Total      int
	Log        []logView
	Postmortem *pmLink
	PM         *pmSummary // the postmortem in the repository, when it is published
	PMHref     string
}

type actionView struct {
	Text       template.HTML
	Done       bool
	Required   bool   // at the incident's severity
	RequiredAt string // every severity the item is required at
	DueAt      *time.Time
	Overdue    bool
}

type logView struct {
	At        time.Time
	Author    string
	Text      template.HTML
	Kind      string
	KindLabel string
	Anchor    string
	Briefing  *briefingView
}

type briefingView struct {
	FromTo string
	Note   template.HTML
	Parts  []briefingPart
}

type briefingPart struct {
	Label string
	Value template.HTML
	Items []template.HTML
}

// pmLink is the log's link to a postmortem that is not a page of the site: an address, or a
// repository path.
type pmLink struct{ Href, Text string }

var briefingLabels = map[string]string{
	board.BriefingStatus: "site.briefing.status", board.BriefingImpact: "site.briefing.impact",
	board.BriefingAnnouncement: "site.briefing.announcement", board.BriefingOpenRequired: "site.briefing.open_required",
	board.BriefingAlsoOverdue: "site.briefing.also_overdue", board.BriefingRoles: "site.briefing.roles",
}

// incidentPage renders one incident's page.
func (r *pageRenderer) incidentPage(d *incident.Document, s *summary) []byte {
	b := r.b
	rel := config.IncidentPage(s.ID)
	data := incidentData{page: b.page(rel, s.Title), S: s, Duration: s.duration(b.opts.Now), Total: len(d.Actions)}
	if st := b.pms[s.ID]; st != nil {
		data.PM, data.PMHref = st.Sum, data.Root+postmortemPage(s.ID)
	}
	data.Updated = s.updatedAt()
	if b.opts.Severities != nil {
		if l, ok := b.opts.Severities.Get(s.Severity); ok {
			data.SevSummary = l.Summary
		}
	}
	for _, it := range board.Items(d, b.opts.Now) {
		a := d.Actions[it.Number-1]
		v := actionView{Text: r.md.Inline(it.Text), Done: it.Done, Required: it.Required, DueAt: it.DueAt, Overdue: it.Overdue}
		v.RequiredAt = strings.Join(a.Required, ", ")
		if it.Done {
			data.Done++
		}
		data.Actions = append(data.Actions, v)
	}
	seen := map[string]int{}
	for _, e := range d.Log {
		kind, detail := classify(e.Text)
		v := logView{At: e.At, Author: e.Author, Kind: kind}
		if kind != "" {
			v.KindLabel = b.cat.T("site.event." + kind)
		}
		anchor := "t-" + e.At.UTC().Format("20060102T150405Z")
		seen[anchor]++
		if n := seen[anchor]; n > 1 {
			anchor += fmt.Sprintf("-%d", n)
		}
		v.Anchor = anchor
		if kind == eventHandoff {
			br, _ := board.ParseHandoff(e.Text)
			bv := &briefingView{FromTo: b.cat.T("site.handoff.from_to", "From", orDash(br.From), "To", orDash(br.To)), Note: r.md.Inline(br.Note)}
			if br.Note == "" {
				bv.Note = ""
			}
			for _, p := range br.Parts {
				bp := briefingPart{Label: b.cat.T(briefingLabels[p.Label]), Value: r.md.Inline(p.Value)}
				for _, it := range p.Items {
					bp.Items = append(bp.Items, r.md.Inline(it))
				}
				bv.Parts = append(bv.Parts, bp)
			}
			v.Briefing = bv
		} else {
			v.Text = r.md.Inline(e.Text)
		}
		if kind == eventPostmortem && detail != "" {
			data.Postmortem = b.postmortemLink(detail)
		}
		data.Log = append(data.Log, v)
	}
	var w hw
	r.incidentHTML(&w, &data)
	return w.Bytes()
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// postmortemLink links an http(s) address as it is; a repository path is shown as a path.
func (b *builder) postmortemLink(target string) *pmLink {
	if strings.HasPrefix(target, "https://") || strings.HasPrefix(target, "http://") {
		return &pmLink{Href: target, Text: target}
	}
	return &pmLink{Text: target}
}

// brokenPage shows what is wrong with a document that could not be read.
func (r *pageRenderer) brokenPage(s *summary, src []byte) []byte {
	rel := config.IncidentPage(s.ID)
	p := r.b.page(rel, s.Path)
	var w hw
	r.brokenHTML(&w, &p, s.Path, s.Problems, r.b.cat.T("site.broken.page_intro"), string(src))
	return w.Bytes()
}

// index renders index.html: the open incidents, then the recent history.
func (r *pageRenderer) index() ([]byte, error) {
	b := r.b
	data := indexData{page: b.page("index.html", b.opts.Site.Title), Overall: b.overall(), Open: b.cards(b.open, "")}
	data.Current = "all"
	data.History = b.months(b.recent(), "")
	for _, s := range b.broken {
		data.Broken = append(data.Broken, b.ref(s, ""))
	}
	var w hw
	r.indexHTML(&w, &data)
	return w.Bytes(), nil
}

// recent is the part of the history the index shows: whole months, newest first, until at
// least indexHistory incidents are listed. The rest is on the yearly pages.
func (b *builder) recent() []*summary {
	h := b.history
	n := min(indexHistory, len(h))
	if n == 0 {
		return nil
	}
	last := h[n-1].DeclaredAt.UTC().Format("2006-01")
	for n < len(h) && h[n].DeclaredAt.UTC().Format("2006-01") == last {
		n++
	}
	return h[:n]
}

// indexHistory is how many past incidents the index lists at least.
const indexHistory = 30

// list renders a filter or yearly page.
func (r *pageRenderer) list(rel, current, heading string, open, history []*summary) ([]byte, error) {
	b := r.b
	root := strings.Repeat("../", strings.Count(rel, "/"))
	data := listData{page: b.page(rel, heading), Heading: heading, Open: b.cards(open, root), History: b.months(history, root)}
	data.Current = current
	// The latest update among the incidents listed, not in the whole record: a change to one
	// incident then rewrites only the lists that show it.
	data.Updated = time.Time{}
	for _, list := range [][]*summary{open, history} {
		for _, s := range list {
			if t := s.updatedAt(); t.After(data.Updated) {
				data.Updated = t
			}
		}
	}
	n := len(open) + len(history)
	data.CountText = b.cat.N("site.count.incidents", n)
	var w hw
	r.listHTML(&w, &data)
	return w.Bytes(), nil
}

// slug turns a severity or status into a file name.
func slug(s string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(s) {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-', c == '_':
			b.WriteRune(c)
		default:
			b.WriteByte('-')
		}
	}
	if b.Len() == 0 {
		return "none"
	}
	return b.String()
}

// severityPage is where the filter for one severity lives.
func severityPage(sev string) string { return path.Join("severity", slug(sev)+".html") }

// statusPage is where the filter for one status lives.
func statusPage(st string) string { return path.Join("status", slug(st)+".html") }

// yearPage lists one year's incidents.
func yearPage(year string) string { return path.Join("history", year+".html") }

func sortedKeys[M ~map[string]V, V any](m M) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
