package site

import (
	"bytes"
	"html/template"
	"strconv"
	"strings"
	"time"
)

// The pages are written by plain Go functions rather than html/template: a site of 10,000
// incidents renders 10,000 pages and 30,000 list rows, and the reflection of a template engine
// was most of the build's time. Every text that comes from a document goes through esc (or is
// Markdown rendered by markdown.go); only the fixed markup here is written raw.

// hw writes HTML.
type hw struct{ bytes.Buffer }

// raw writes markup.
func (w *hw) raw(ss ...string) {
	for _, s := range ss {
		w.WriteString(s)
	}
}

// esc writes text, escaped for an element or a quoted attribute.
func (w *hw) esc(s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var rep string
		switch s[i] {
		case '&':
			rep = "&amp;"
		case '<':
			rep = "&lt;"
		case '>':
			rep = "&gt;"
		case '"':
			rep = "&#34;"
		case '\'':
			rep = "&#39;"
		default:
			continue
		}
		w.WriteString(s[last:i])
		w.WriteString(rep)
		last = i + 1
	}
	w.WriteString(s[last:])
}

func (w *hw) html(h template.HTML) { w.WriteString(string(h)) }

func (w *hw) int(n int) { w.WriteString(strconv.Itoa(n)) }

// checkBox is an action's or a follow-up's box: the mark, and its state in words for a
// screen reader (colour and the glyph are never the only signal).
func (w *hw) checkBox(c *catalogue, done bool) {
	w.raw(`<span class="box" role="img" aria-label="`)
	if done {
		w.esc(c.T("site.action.done"))
		w.raw(`">☑</span>`)
	} else {
		w.esc(c.T("site.action.open"))
		w.raw(`">☐</span>`)
	}
}

// escString is esc into a string.
func escString(s string) string {
	var w hw
	w.esc(s)
	return w.String()
}

func (r *pageRenderer) head(w *hw, p *page) {
	c := r.b.cat
	w.raw("<!DOCTYPE html>\n<html lang=\"")
	w.esc(p.Lang)
	w.raw("\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
	w.esc(p.Title)
	w.raw("</title>\n<link rel=\"stylesheet\" href=\"", p.Root, "site.css\">\n<link rel=\"alternate\" type=\"application/atom+xml\" title=\"")
	w.esc(c.T("site.feed.title", "Site", p.SiteTitle))
	w.raw("\" href=\"", p.Root, "feed.atom\">\n<link rel=\"alternate\" type=\"application/json\" title=\"")
	w.esc(c.T("site.status_json"))
	w.raw("\" href=\"", p.Root, "status.json\">\n")
	if p.Canonical != "" {
		w.raw("<link rel=\"canonical\" href=\"")
		w.esc(p.Canonical)
		w.raw("\">\n")
	}
	w.raw("<script src=\"", p.Root, "site.js\" defer></script>\n</head>\n<body data-units=\"")
	w.esc(r.units)
	w.raw("\">\n<a class=\"skip\" href=\"#main\">")
	w.esc(c.T("site.skip"))
	w.raw("</a>\n<header class=\"site\">\n<p class=\"site-title\"><a href=\"", p.Root, "index.html\">")
	w.esc(p.SiteTitle)
	w.raw("</a></p>\n</header>\n<main id=\"main\">\n")
}

func (r *pageRenderer) foot(w *hw, p *page) {
	c := r.b.cat
	w.raw("</main>\n<footer class=\"site\">\n<p class=\"times-note\" data-local-note=\"")
	w.esc(c.T("site.times.local", "Zone", "{zone}"))
	w.raw("\">")
	w.esc(c.T("site.times.utc"))
	w.raw("</p>\n<p><a href=\"", p.Root, "feed.atom\">")
	w.esc(c.T("site.feed"))
	w.raw("</a> · <a href=\"", p.Root, "status.json\">")
	w.esc(c.T("site.status_json"))
	w.raw("</a> · <a href=\"", p.Root, "index.html\">")
	w.esc(c.T("site.back_index"))
	w.raw("</a></p>\n<p>")
	w.esc(c.T("site.built_by"))
	if !p.Updated.IsZero() {
		w.raw(" · ")
		w.esc(c.T("site.updated"))
		w.raw(": ")
		w.html(timeTag(p.Updated))
	}
	w.raw("</p>\n</footer>\n</body>\n</html>\n")
}

func (r *pageRenderer) sev(w *hw, sev string) {
	w.raw("<span class=\"sev sev-r", r.b.sevClass(sev), "\">")
	w.esc(sev)
	w.raw("</span>")
}

func (r *pageRenderer) status(w *hw, st string) {
	w.raw("<span class=\"st st-")
	w.esc(st)
	w.raw("\"><span class=\"st-icon\" aria-hidden=\"true\">", statusIcon(st), "</span> ")
	w.esc(statusLabel(r.b.cat, st))
	w.raw("</span>")
}

func (r *pageRenderer) filters(w *hw, p *page) {
	c := r.b.cat
	f := p.Filters
	current := func(key string) {
		if p.Current == key {
			w.raw(` aria-current="page"`)
		}
	}
	links := func(ls []link, sep string) {
		for i, l := range ls {
			if i > 0 || sep != "" {
				w.raw(" · ")
			}
			w.raw("<a href=\"", p.Root, l.Href, "\"")
			current(l.Key)
			w.raw(">")
			w.esc(l.Label)
			w.raw("</a>")
		}
	}
	w.raw("<nav class=\"filters\" aria-label=\"")
	w.esc(c.T("site.nav.filters"))
	w.raw("\">\n<p><span class=\"filter-label\">")
	w.esc(c.T("site.nav.severity"))
	w.raw(":</span> <a href=\"", p.Root, "index.html\"")
	current("all")
	w.raw(">")
	w.esc(c.T("site.nav.all"))
	w.raw("</a>")
	links(f.Severities, " ")
	w.raw("</p>\n<p><span class=\"filter-label\">")
	w.esc(c.T("site.nav.status"))
	w.raw(":</span> <a href=\"", p.Root, "index.html#open\">")
	w.esc(c.T("site.nav.open"))
	w.raw("</a>")
	links(f.Statuses, " ")
	w.raw("</p>\n")
	if len(f.Years) > 0 {
		w.raw("<p><span class=\"filter-label\">")
		w.esc(c.T("site.nav.years"))
		w.raw(":</span> ")
		links(f.Years, "")
		w.raw("</p>\n")
	}
	w.raw("</nav>\n")
}

func (r *pageRenderer) search(w *hw, p *page) {
	c := r.b.cat
	w.raw("<form class=\"search\" role=\"search\" action=\"", p.Root, "index.html\" hidden data-index=\"", p.Root, "search-index.js\" data-root=\"", p.Root, "\" data-none=\"")
	w.esc(c.T("site.search.none"))
	w.raw("\" data-results=\"")
	w.esc(c.T("site.search.results", "N", "{n}"))
	w.raw("\" data-result=\"")
	w.esc(c.T("site.search.result"))
	w.raw("\">\n<label for=\"q\">")
	w.esc(c.T("site.search.label"))
	w.raw("</label>\n<input id=\"q\" name=\"q\" type=\"search\" autocomplete=\"off\" placeholder=\"")
	w.esc(c.T("site.search.hint"))
	w.raw("\">\n<div id=\"search-results\" role=\"status\" aria-live=\"polite\"></div>\n</form>\n")
}

// field writes one <div><dt><dd> of a card.
func (r *pageRenderer) field(w *hw, class, label string, value func()) {
	if class != "" {
		w.raw("<div class=\"", class, "\"><dt>")
	} else {
		w.raw("<div><dt>")
	}
	w.esc(label)
	w.raw("</dt><dd>")
	value()
	w.raw("</dd></div>\n")
}

func (r *pageRenderer) card(w *hw, cd card) {
	c, s, now := r.b.cat, cd.S, cd.Now
	w.raw("<article class=\"card sev-r", r.b.sevClass(s.Severity), "\">\n<h3><a href=\"", cd.Root, cd.Href, "\">")
	w.esc(s.Title)
	w.raw("</a></h3>\n<dl class=\"fields\">\n")
	r.field(w, "", c.T("site.field.severity"), func() { r.sev(w, s.Severity) })
	r.field(w, "", c.T("site.field.status"), func() { r.status(w, s.Status) })
	r.field(w, "", c.T("site.field.commander"), func() { w.esc(or(s.Commander, c.T("site.nobody"))) })
	r.field(w, "wide", c.T("site.field.impact"), func() { r.mdOrDash(w, s.Impact) })
	r.field(w, "wide", c.T("site.field.announcement"), func() {
		r.mdOrDash(w, s.Announcement)
		if s.Announcement != "" && !s.AnnouncedAt.IsZero() {
			w.raw(" <span class=\"when\">")
			w.html(c.H("site.field.announced_since", "Time", timeTag(s.AnnouncedAt), "Since", sinceTag(c, "site.ago", s.AnnouncedAt, now)))
			w.raw("</span>")
		}
	})
	r.field(w, "", c.T("site.field.declared"), func() {
		w.html(timeTag(s.DeclaredAt))
		w.raw(" <span class=\"when\">")
		w.html(c.H("site.paren", "Text", sinceTag(c, "site.open_for", s.DeclaredAt, now)))
		w.raw("</span>")
	})
	r.field(w, "", c.T("site.field.last_log"), func() {
		if s.LastLogAt.IsZero() {
			w.raw("—")
			return
		}
		w.html(timeTag(s.LastLogAt))
		w.raw(" <span class=\"when\">")
		w.html(c.H("site.paren", "Text", sinceTag(c, "site.ago", s.LastLogAt, now)))
		w.raw("</span>")
	})
	r.field(w, "", c.T("site.field.required"), func() { w.int(s.OpenRequired) })
	r.field(w, "", c.T("site.field.overdue"), func() {
		if s.Overdue > 0 {
			w.raw("<span class=\"overdue\"><span aria-hidden=\"true\">⚠</span> ")
			w.int(s.Overdue)
			w.raw("</span>")
		} else {
			w.raw("0")
		}
	})
	w.raw("</dl>\n</article>\n")
}

func (r *pageRenderer) mdOrDash(w *hw, s string) {
	if s == "" {
		w.raw("—")
		return
	}
	w.html(r.md.Inline(s))
}

func or(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

func (r *pageRenderer) months(w *hw, ms []month) {
	c := r.b.cat
	head := "<thead><tr><th scope=\"col\">" + escString(c.T("site.col.declared")) + "</th><th scope=\"col\">" + escString(c.T("site.col.incident")) +
		"</th><th scope=\"col\">" + escString(c.T("site.col.severity")) + "</th><th scope=\"col\">" + escString(c.T("site.col.status")) +
		"</th><th scope=\"col\">" + escString(c.T("site.col.duration")) + "</th></tr></thead>\n"
	// On a narrow screen the rows become blocks; each cell then says what it is.
	var cols [5]string
	for i, k := range []string{"site.col.declared", "site.col.incident", "site.col.severity", "site.col.status", "site.col.duration"} {
		cols[i] = " data-label=\"" + escString(c.T(k)) + "\""
	}
	for _, m := range ms {
		w.raw("<section class=\"month\" aria-labelledby=\"m-", m.Key, "\">\n<h3 id=\"m-", m.Key, "\">")
		w.esc(m.Label)
		w.raw(" <span class=\"count\">")
		w.esc(c.T("site.paren", "Text", m.Count))
		w.raw("</span></h3>\n<div class=\"table-wrap\">\n<table>\n", head, "<tbody>\n")
		for _, row := range m.Rows {
			s := row.S
			w.raw("<tr><td", cols[0], ">")
			w.html(dateTag(s.DeclaredAt))
			w.raw("</td><th scope=\"row\"><a href=\"", row.Root, row.Href, "\">")
			w.esc(s.Title)
			w.raw("</a> <span class=\"id\">")
			w.esc(s.ID)
			w.raw("</span>")
			if pm := r.b.publishedPM(s.ID); pm != nil {
				w.raw(" <a class=\"pm-link\" href=\"", row.Root, postmortemPage(s.ID), "\">")
				w.esc(c.T("site.field.postmortem"))
				w.raw("</a>")
				if pm.Sum.Status != "" && !pm.Sum.Broken {
					w.raw(" <span class=\"tag tag-pm pm-")
					w.esc(pm.Sum.Status)
					w.raw("\">")
					w.esc(pmStatusLabel(c, pm.Sum.Status))
					w.raw("</span>")
				}
			}
			w.raw("</th><td", cols[2], ">")
			r.sev(w, s.Severity)
			w.raw("</td><td", cols[3], ">")
			r.status(w, s.Status)
			w.raw("</td><td", cols[4], ">")
			if s.ResolvedAt.IsZero() {
				w.esc(c.T("site.ongoing"))
			} else {
				w.esc(c.duration(row.Duration))
			}
			w.raw("</td></tr>\n")
		}
		w.raw("</tbody>\n</table>\n</div>\n</section>\n")
	}
}

func (r *pageRenderer) indexHTML(w *hw, d *indexData) {
	c := r.b.cat
	r.head(w, &d.page)
	w.raw("<h1>")
	w.esc(d.SiteTitle)
	w.raw("</h1>\n<p class=\"overall overall-", d.Overall.Indicator, "\"><span class=\"overall-icon\" aria-hidden=\"true\">", d.Overall.Icon, "</span> <strong>")
	w.esc(d.Overall.Label)
	w.raw("</strong> — ")
	w.esc(d.Overall.Text)
	w.raw("</p>\n")
	r.filters(w, &d.page)
	r.search(w, &d.page)
	if len(d.Broken) > 0 {
		w.raw("<section class=\"broken\" aria-labelledby=\"broken\">\n<h2 id=\"broken\"><span aria-hidden=\"true\">⚠</span> ")
		w.esc(c.T("site.broken.heading"))
		w.raw("</h2>\n<p>")
		w.esc(c.T("site.broken.intro"))
		w.raw("</p>\n<ul>\n")
		for _, b := range d.Broken {
			w.raw("<li><a href=\"", b.Root, b.Href, "\">")
			w.esc(b.S.Path)
			w.raw("</a></li>\n")
		}
		w.raw("</ul>\n</section>\n")
	}
	r.openSection(w, d.Open, true)
	r.historySection(w, d.History)
	if len(d.Filters.Years) > 0 {
		w.raw("<p class=\"more\">")
		w.esc(c.T("site.history.more"))
		for i, y := range d.Filters.Years {
			if i > 0 {
				w.raw(" ·")
			}
			w.raw(" <a href=\"", d.Root, y.Href, "\">")
			w.esc(y.Label)
			w.raw("</a>")
		}
		w.raw("</p>\n")
	}
	w.raw("</section>\n")
	r.foot(w, &d.page)
}

func (r *pageRenderer) openSection(w *hw, open []card, always bool) {
	c := r.b.cat
	if len(open) == 0 && !always {
		return
	}
	w.raw("<section aria-labelledby=\"open\">\n<h2 id=\"open\">")
	w.esc(c.T("site.open.heading"))
	w.raw("</h2>\n")
	if len(open) == 0 {
		w.raw("<p>")
		w.esc(c.T("site.open.none"))
		w.raw("</p>\n")
	}
	for _, cd := range open {
		r.card(w, cd)
	}
	w.raw("</section>\n")
}

// historySection opens the history section; the caller closes it.
func (r *pageRenderer) historySection(w *hw, ms []month) {
	c := r.b.cat
	w.raw("<section aria-labelledby=\"history\">\n<h2 id=\"history\">")
	w.esc(c.T("site.history.heading"))
	w.raw("</h2>\n")
	if len(ms) == 0 {
		w.raw("<p>")
		w.esc(c.T("site.history.none"))
		w.raw("</p>\n")
	}
	r.months(w, ms)
}

func (r *pageRenderer) listHTML(w *hw, d *listData) {
	r.head(w, &d.page)
	w.raw("<h1>")
	w.esc(d.Heading)
	w.raw("</h1>\n<p class=\"count\">")
	w.esc(d.CountText)
	w.raw("</p>\n")
	r.filters(w, &d.page)
	r.search(w, &d.page)
	r.openSection(w, d.Open, false)
	r.historySection(w, d.History)
	w.raw("</section>\n")
	r.foot(w, &d.page)
}

func (r *pageRenderer) problems(w *hw, docPath string, problems []Problem, intro string) {
	c := r.b.cat
	w.raw("<section class=\"problems\" aria-labelledby=\"problems\">\n<h2 id=\"problems\"><span aria-hidden=\"true\">⚠</span> ")
	w.esc(c.T("site.problems.heading"))
	w.raw("</h2>\n<p>")
	w.esc(intro)
	w.raw("</p>\n<ul>")
	for _, p := range problems {
		w.raw("<li><code>")
		w.esc(docPath + ":" + strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Col))
		w.raw("</code> ")
		w.esc(p.Message)
		if p.Rule != "" {
			w.raw(" <span class=\"rule\">")
			w.esc(c.T("site.paren", "Text", p.Rule))
			w.raw("</span>")
		}
		w.raw("</li>")
	}
	w.raw("</ul>\n</section>\n")
}

// row writes one row of the status table.
func (r *pageRenderer) row(w *hw, label string, value func()) {
	w.raw("<tr><th scope=\"row\">")
	w.esc(label)
	w.raw("</th><td>")
	value()
	w.raw("</td></tr>\n")
}

func (r *pageRenderer) incidentHTML(w *hw, d *incidentData) {
	c, s := r.b.cat, d.S
	r.head(w, &d.page)
	w.raw("<p class=\"crumbs\"><a href=\"", d.Root, "index.html\">")
	w.esc(c.T("site.back_index"))
	w.raw("</a></p>\n<h1>")
	w.esc(s.Title)
	w.raw("</h1>\n<p class=\"headline\">")
	r.sev(w, s.Severity)
	w.raw(" ")
	r.status(w, s.Status)
	w.raw(" <span class=\"id\">")
	w.esc(s.ID)
	w.raw("</span></p>\n")
	if len(s.Problems) > 0 {
		r.problems(w, s.Path, s.Problems, c.T("site.problems.intro"))
	}
	w.raw("<section aria-labelledby=\"status\">\n<h2 id=\"status\">")
	w.esc(c.T("site.status.heading"))
	w.raw("</h2>\n<table class=\"status\">\n<tbody>\n")
	r.row(w, c.T("site.field.severity"), func() {
		r.sev(w, s.Severity)
		if d.SevSummary != "" {
			w.raw(" — ")
			w.esc(d.SevSummary)
		}
	})
	r.row(w, c.T("site.field.status"), func() { r.status(w, s.Status) })
	r.row(w, c.T("site.field.commander"), func() { w.esc(or(s.Commander, c.T("site.nobody"))) })
	r.row(w, c.T("site.field.roles"), func() {
		if len(s.Roles) == 0 {
			w.esc(c.T("site.none"))
		}
		for i, role := range s.Roles {
			if i > 0 {
				w.raw(", ")
			}
			w.esc(role[0] + ": " + role[1])
		}
	})
	r.row(w, c.T("site.field.impact"), func() { r.mdOrDash(w, s.Impact) })
	r.row(w, c.T("site.field.announcement"), func() {
		r.mdOrDash(w, s.Announcement)
		if s.Announcement != "" && !s.AnnouncedAt.IsZero() {
			w.raw(" <span class=\"when\">")
			w.html(c.H("site.field.announced", "Time", timeTag(s.AnnouncedAt)))
			w.raw("</span>")
		}
	})
	r.row(w, c.T("site.field.declared"), func() { w.html(timeTag(s.DeclaredAt)) })
	for _, m := range []struct {
		key string
		t   time.Time
	}{{"site.field.identified", s.IdentifiedAt}, {"site.field.mitigated", s.MitigatedAt}, {"site.field.resolved", s.ResolvedAt}} {
		if !m.t.IsZero() {
			r.row(w, c.T(m.key), func() { w.html(timeTag(m.t)) })
		}
	}
	r.row(w, c.T("site.field.duration"), func() {
		if s.ResolvedAt.IsZero() {
			w.html(sinceTag(c, "site.open_for", s.DeclaredAt, d.Now))
		} else {
			w.esc(c.duration(d.Duration))
		}
	})
	if s.Resolution != "" {
		r.row(w, c.T("site.field.resolution"), func() { w.html(r.md.Inline(s.Resolution)) })
	}
	switch pm := d.Postmortem; {
	case d.PM != nil:
		r.row(w, c.T("site.field.postmortem"), func() { r.pmLinkHTML(w, d.PM, d.PMHref) })
	case pm != nil:
		r.row(w, c.T("site.field.postmortem"), func() {
			if pm.Href != "" {
				w.raw("<a href=\"")
				w.esc(pm.Href)
				w.raw("\">")
				w.esc(pm.Text)
				w.raw("</a>")
				return
			}
			w.raw("<code>")
			w.esc(pm.Text)
			w.raw("</code> ")
			w.esc(c.T("site.paren", "Text", c.T("site.postmortem.in_repo")))
		})
	}
	if d.PM != nil && len(d.PM.Followups) > 0 {
		r.row(w, c.T("site.field.followups"), func() { r.followups(w, d.PM.Followups, d.Now) })
	}
	r.row(w, c.T("site.field.source"), func() {
		w.raw("<code>")
		w.esc(s.Path)
		w.raw("</code>")
	})
	w.raw("</tbody>\n</table>\n</section>\n")

	w.raw("<section aria-labelledby=\"actions\">\n<h2 id=\"actions\">")
	w.esc(c.T("site.actions.heading"))
	w.raw(" <span class=\"count\">")
	w.esc(c.T("site.paren", "Text", c.T("site.actions.summary", "Done", d.Done, "Total", d.Total)))
	w.raw("</span></h2>\n")
	if len(d.Actions) == 0 {
		w.raw("<p>")
		w.esc(c.T("site.actions.none"))
		w.raw("</p>\n")
	} else {
		w.raw("<ol class=\"actions\">\n")
		for _, a := range d.Actions {
			w.raw("<li class=\"action")
			if a.Done {
				w.raw(" done")
			}
			if a.Overdue {
				w.raw(" is-overdue")
			}
			w.raw("\"")
			if a.DueAt != nil {
				w.raw(" data-due=\"", a.DueAt.UTC().Format(time.RFC3339), "\"")
			}
			w.raw(">\n")
			w.checkBox(c, a.Done)
			w.raw("\n")
			w.raw("<span class=\"text\">")
			w.html(a.Text)
			w.raw("</span>")
			switch {
			case a.Required:
				w.raw(" <span class=\"tag tag-required\">")
				w.esc(c.T("site.action.required"))
				w.raw("</span>")
			case a.RequiredAt != "":
				w.raw(" <span class=\"tag tag-other\">")
				w.esc(c.T("site.action.required_at", "Severities", a.RequiredAt))
				w.raw("</span>")
			}
			switch {
			case a.Overdue:
				w.raw(" <span class=\"tag tag-overdue\"><span aria-hidden=\"true\">⚠</span> ")
				w.esc(c.T("site.action.overdue"))
				w.raw("</span> <span class=\"when\">")
				w.html(c.H("site.paren", "Text", c.H("site.action.was_due", "Time", timeTag(*a.DueAt))))
				w.raw("</span>")
			case a.DueAt != nil:
				w.raw(" <span class=\"tag tag-due\">")
				w.html(c.H("site.action.due", "Time", timeTag(*a.DueAt)))
				w.raw("</span>")
			}
			w.raw("\n</li>\n")
		}
		w.raw("</ol>\n")
	}
	w.raw("</section>\n")

	w.raw("<section aria-labelledby=\"timeline\">\n<h2 id=\"timeline\">")
	w.esc(c.T("site.log.heading"))
	w.raw("</h2>\n")
	if len(d.Log) == 0 {
		w.raw("<p>")
		w.esc(c.T("site.log.none"))
		w.raw("</p>\n")
	} else {
		w.raw("<ol class=\"timeline\">\n")
		for _, e := range d.Log {
			w.raw("<li id=\"", e.Anchor, "\" class=\"entry")
			if e.Kind != "" {
				w.raw(" ev ev-", e.Kind)
			}
			w.raw("\">\n<p class=\"meta\">")
			w.html(timeTag(e.At))
			w.raw(" <span class=\"author\">")
			w.esc(c.T("site.log.by", "Author", e.Author))
			w.raw("</span>")
			if e.KindLabel != "" {
				w.raw(" <span class=\"tag tag-ev\">")
				w.esc(e.KindLabel)
				w.raw("</span>")
			}
			w.raw("</p>\n")
			if b := e.Briefing; b != nil {
				w.raw("<div class=\"briefing\">\n<p>")
				w.esc(b.FromTo)
				w.raw("</p>\n")
				if b.Note != "" {
					w.raw("<p><strong>")
					w.esc(c.T("site.handoff.note"))
					w.raw(":</strong> ")
					w.html(b.Note)
					w.raw("</p>\n")
				}
				w.raw("<ul>\n")
				for _, p := range b.Parts {
					w.raw("<li><strong>")
					w.esc(p.Label)
					w.raw(":</strong>")
					if len(p.Items) > 0 {
						w.raw("<ul>")
						for _, it := range p.Items {
							w.raw("<li>")
							w.html(it)
							w.raw("</li>")
						}
						w.raw("</ul>")
					} else {
						w.raw(" ")
						w.html(p.Value)
					}
					w.raw("</li>\n")
				}
				w.raw("</ul>\n</div>\n")
			} else {
				w.raw("<p class=\"text\">")
				w.html(e.Text)
				w.raw("</p>\n")
			}
			w.raw("</li>\n")
		}
		w.raw("</ol>\n")
	}
	w.raw("</section>\n")
	r.foot(w, &d.page)
}

// brokenHTML shows what is wrong with a document that could not be read, and its text.
func (r *pageRenderer) brokenHTML(w *hw, p *page, docPath string, problems []Problem, intro, src string) {
	c := r.b.cat
	r.head(w, p)
	w.raw("<p class=\"crumbs\"><a href=\"", p.Root, "index.html\">")
	w.esc(c.T("site.back_index"))
	w.raw("</a></p>\n<h1>")
	w.esc(docPath)
	w.raw("</h1>\n")
	r.problems(w, docPath, problems, intro)
	w.raw("<section aria-labelledby=\"source\">\n<h2 id=\"source\">")
	w.esc(c.T("site.source.heading"))
	w.raw("</h2>\n<pre class=\"source\">")
	w.esc(strings.ToValidUTF8(src, "\uFFFD"))
	w.raw("</pre>\n</section>\n")
	r.foot(w, p)
}
