package site

import (
	"html/template"
	"strconv"
	"strings"
	"time"
)

// The postmortem's page and the parts of other pages that show a postmortem.

// pmLinkHTML links a postmortem's page: its title and its status in words.
func (r *pageRenderer) pmLinkHTML(w *hw, pm *pmSummary, href string) {
	c := r.b.cat
	w.raw("<a href=\"", href, "\">")
	if pm.Broken {
		w.esc(c.T("site.pm.read"))
		w.raw("</a> <span class=\"tag tag-overdue\"><span aria-hidden=\"true\">⚠</span> ")
		w.esc(c.T("site.pm.broken"))
		w.raw("</span>")
		return
	}
	w.esc(or(pm.Title, c.T("site.pm.read")))
	w.raw("</a>")
	if pm.Status != "" {
		w.raw(" <span class=\"tag tag-pm pm-")
		w.esc(pm.Status)
		w.raw("\">")
		w.esc(pmStatusLabel(c, pm.Status))
		w.raw("</span>")
	}
	if n := len(pm.Followups); n > 0 {
		done := 0
		for _, f := range pm.Followups {
			if f.Done {
				done++
			}
		}
		w.raw(" <span class=\"when\">")
		w.esc(c.T("site.paren", "Text", c.T("site.field.followups")+" "+c.T("site.pm.followups_state", "Done", done, "Total", n)))
		w.raw("</span>")
	}
}

// followups lists follow-ups with their state: done or not (in words for screen readers),
// owner, due date, overdue in words, kind and link.
func (r *pageRenderer) followups(w *hw, fs []Followup, now time.Time) {
	c := r.b.cat
	w.raw("<ul class=\"followups\">")
	for _, f := range fs {
		overdue := f.overdue(now)
		w.raw("<li class=\"followup")
		if f.Done {
			w.raw(" done")
		}
		if overdue {
			w.raw(" is-overdue")
		}
		w.raw("\">")
		w.checkBox(c, f.Done)
		w.raw(" ")
		w.raw("<span class=\"id\">")
		w.esc(f.ID)
		w.raw("</span> <span class=\"text\">")
		w.html(r.md.Inline(f.Text))
		w.raw("</span>")
		if f.Owner != "" {
			w.raw(" — ")
			w.esc(f.Owner)
		}
		if f.Kind != "" {
			w.raw(" <span class=\"tag tag-other\">")
			w.esc(kindLabel(c, f.Kind))
			w.raw("</span>")
		}
		if f.Due != "" {
			w.raw(" <span class=\"tag tag-due\">")
			w.html(c.H("site.followup.due", "Due", dueTag(f.Due)))
			w.raw("</span>")
		}
		if overdue {
			w.raw(" <span class=\"tag tag-overdue\"><span aria-hidden=\"true\">⚠</span> ")
			w.esc(c.T("site.action.overdue"))
			w.raw("</span>")
		}
		if f.Done && !f.DoneAt.IsZero() {
			w.raw(" <span class=\"when\">")
			w.html(c.H("site.paren", "Text", c.H("site.followup.done_at", "Time", timeTag(f.DoneAt))))
			w.raw("</span>")
		}
		if isWebLink(f.Link) {
			w.raw(" <a href=\"")
			w.esc(f.Link)
			w.raw("\">")
			w.esc(c.T("site.followup.link"))
			w.raw("</a>")
		} else if f.Link != "" {
			w.raw(" <code>")
			w.esc(f.Link)
			w.raw("</code>")
		}
		w.raw("</li>")
	}
	w.raw("</ul>")
}

func isWebLink(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "http://")
}

// dueTag shows a due date: a day as written (a <time> that site.js leaves alone, since a day
// has no zone), or an instant like every other time.
func dueTag(due string) template.HTML {
	if t, err := time.Parse(time.RFC3339, due); err == nil {
		return timeTag(t)
	}
	if _, err := time.Parse("2006-01-02", due); err == nil {
		return template.HTML(`<time datetime="` + due + `">` + due + `</time>`)
	}
	return template.HTML(escString(due))
}

// pmData is a postmortem's page.
type pmData struct {
	page
	PM      *pmSummary
	S       *summary // its incident
	Heading string
	Body    template.HTML
}

// postmortemPage renders a postmortem's page: what it is about and where it stands, then the
// document itself (Markdown, its raw HTML escaped), with the follow-ups and their state where
// the document lists them.
func (r *pageRenderer) postmortemPage(pm *pmSummary, s *summary, src []byte) []byte {
	b, c := r.b, r.b.cat
	rel := postmortemPage(s.ID)
	body, hasBlock := withoutFollowupsBlock(pmBody(src))
	heading, html := r.md.Document(body)
	title := or(pm.Title, s.Title)
	if heading == "" {
		heading = c.T("site.pm.title", "Title", title)
	}
	d := pmData{page: b.page(rel, heading), PM: pm, S: s, Heading: heading}
	d.Updated = time.Time{}
	var list hw
	r.followupsSection(&list, pm, d.Now)
	if hasBlock {
		html = template.HTML(strings.Replace(string(html), "<p>"+followupsMarker+"</p>", list.String(), 1))
	} else {
		html += template.HTML(list.String())
	}
	d.Body = html
	var w hw
	r.postmortemHTML(&w, &d)
	return w.Bytes()
}

// followupsSection is the follow-ups as the postmortem's page lists them.
func (r *pageRenderer) followupsSection(w *hw, pm *pmSummary, now time.Time) {
	c := r.b.cat
	w.raw("<div class=\"pm-followups\" id=\"followups\">\n")
	if len(pm.Followups) == 0 {
		w.raw("<p>")
		w.esc(c.T("site.pm.followups_none"))
		w.raw("</p>\n</div>\n")
		return
	}
	r.followups(w, pm.Followups, now)
	w.raw("\n</div>\n")
}

func (r *pageRenderer) postmortemHTML(w *hw, d *pmData) {
	c, s, pm := r.b.cat, d.S, d.PM
	incHref := d.Root + "incidents/" + s.ID + ".html"
	r.head(w, &d.page)
	w.raw("<p class=\"crumbs\"><a href=\"", d.Root, "index.html\">")
	w.esc(c.T("site.back_index"))
	w.raw("</a> › <a href=\"", incHref, "\">")
	w.esc(s.Title)
	w.raw("</a></p>\n<h1>")
	w.esc(d.Heading)
	w.raw("</h1>\n<p class=\"headline\">")
	r.sev(w, s.Severity)
	w.raw(" ")
	r.status(w, s.Status)
	if pm.Status != "" {
		w.raw(" <span class=\"tag tag-pm pm-")
		w.esc(pm.Status)
		w.raw("\">")
		w.esc(pmStatusLabel(c, pm.Status))
		w.raw("</span>")
	}
	w.raw(" <span class=\"id\">")
	w.esc(s.ID)
	w.raw("</span></p>\n")
	if len(pm.Problems) > 0 {
		r.problems(w, pm.Path, pm.Problems, c.T("site.pm.problems_intro"))
	}
	w.raw("<section aria-labelledby=\"about\">\n<h2 id=\"about\">")
	w.esc(c.T("site.pm.of", "Incident", s.ID))
	w.raw("</h2>\n<table class=\"status\">\n<tbody>\n")
	r.row(w, c.T("site.pm.incident"), func() {
		w.raw("<a href=\"", incHref, "\">")
		w.esc(s.Title)
		w.raw("</a> ")
		r.sev(w, s.Severity)
	})
	r.row(w, c.T("site.field.declared"), func() { w.html(timeTag(s.DeclaredAt)) })
	if !s.ResolvedAt.IsZero() {
		r.row(w, c.T("site.field.resolved"), func() {
			w.html(timeTag(s.ResolvedAt))
			w.raw(" <span class=\"when\">")
			w.esc(c.T("site.paren", "Text", c.duration(s.duration(d.Now))))
			w.raw("</span>")
		})
	}
	r.row(w, c.T("site.pm.status"), func() { w.esc(or(pmStatusLabel(c, pm.Status), "—")) })
	r.row(w, c.T("site.pm.owner"), func() { w.esc(or(pm.Owner, c.T("site.nobody"))) })
	r.row(w, c.T("site.pm.meeting"), func() {
		if pm.Meeting.IsZero() {
			w.esc(c.T("site.pm.no_meeting"))
			return
		}
		w.html(timeTag(pm.Meeting))
	})
	r.row(w, c.T("site.field.followups"), func() {
		done := 0
		for _, f := range pm.Followups {
			if f.Done {
				done++
			}
		}
		if len(pm.Followups) == 0 {
			w.esc(c.T("site.pm.followups_none"))
			return
		}
		w.raw("<a href=\"#followups\">")
		w.esc(c.T("site.pm.followups_state", "Done", done, "Total", len(pm.Followups)))
		w.raw("</a>")
		if n := overdueCount(pm.Followups, d.Now); n > 0 {
			w.raw(" <span class=\"overdue\"><span aria-hidden=\"true\">⚠</span> ")
			w.esc(c.T("site.action.overdue") + " " + strconv.Itoa(n))
			w.raw("</span>")
		}
	})
	r.row(w, c.T("site.field.source"), func() {
		w.raw("<code>")
		w.esc(pm.Path)
		w.raw("</code>")
	})
	w.raw("</tbody>\n</table>\n</section>\n<article class=\"postmortem\" aria-label=\"")
	w.esc(c.T("site.pm.document"))
	w.raw("\">\n")
	w.html(d.Body)
	w.raw("</article>\n")
	r.foot(w, &d.page)
}

func overdueCount(fs []Followup, now time.Time) int {
	n := 0
	for _, f := range fs {
		if f.overdue(now) {
			n++
		}
	}
	return n
}

// brokenPMPage shows what is wrong with a postmortem that could not be read.
func (r *pageRenderer) brokenPMPage(pm *pmSummary, s *summary, src []byte) []byte {
	p := r.b.page(postmortemPage(s.ID), pm.Path)
	var w hw
	r.brokenHTML(&w, &p, pm.Path, pm.Problems, r.b.cat.T("site.pm.broken_intro"), string(src))
	return w.Bytes()
}
