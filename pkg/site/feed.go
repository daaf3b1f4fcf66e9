package site

import (
	"bytes"
	"cmp"
	"encoding/xml"
	"slices"
	"strings"
	"time"

	"github.com/incidentctl/incidentctl/pkg/config"
)

// feedEntries is how many updates feed.atom carries, the newest first.
const feedEntries = 50

// The feed has one entry per update that matters (declared, severity and status changes,
// announcements, handoffs, resolution), each with an ID that stays the same from build to
// build: the incident's ID, the update's time and kind.

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"xml:lang,attr"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Author  atomPerson  `xml:"author"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

type atomEntry struct {
	ID       string       `xml:"id"`
	Title    string       `xml:"title"`
	Updated  string       `xml:"updated"`
	Author   atomPerson   `xml:"author"`
	Link     atomLink     `xml:"link"`
	Category atomCategory `xml:"category"`
	Content  atomText     `xml:"content"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

type feedItem struct {
	s *summary
	e event
	n int // the how-manieth update of this kind at this time (for the ID)
}

// url is a site path as an address: absolute with a base URL, else relative to the site root
// (where the feed and the JSON are).
func (b *builder) url(rel string) string {
	if b.opts.Site.BaseURL != "" {
		return b.opts.Site.BaseURL + "/" + rel
	}
	return rel
}

func (b *builder) feed() ([]byte, error) {
	var items []feedItem
	for _, list := range [][]*summary{b.open, b.history} {
		for _, s := range list {
			seen := map[string]int{}
			for _, e := range s.Events {
				// A postmortem is an update when readers can open it: a page of the site, or an
				// address the log gives.
				if e.Kind == eventPostmortem && b.publishedPM(s.ID) == nil && !isWebLink(e.Detail) {
					continue
				}
				k := e.At.UTC().Format(time.RFC3339) + e.Kind
				seen[k]++
				items = append(items, feedItem{s, e, seen[k]})
			}
		}
	}
	slices.SortFunc(items, func(x, y feedItem) int {
		if c := y.e.At.Compare(x.e.At); c != 0 {
			return c
		}
		if c := strings.Compare(y.s.ID, x.s.ID); c != 0 {
			return c
		}
		return cmp.Compare(y.n, x.n)
	})
	items = items[:min(len(items), feedEntries)]
	f := atomFeed{
		Lang:    b.cat.lang,
		ID:      b.feedID(),
		Title:   b.cat.T("site.feed.title", "Site", b.opts.Site.Title),
		Updated: atomTime(b.updated),
		Author:  atomPerson{b.opts.Site.Title},
		Links: []atomLink{
			{Rel: "alternate", Type: "text/html", Href: b.url("index.html")},
			{Rel: "self", Type: "application/atom+xml", Href: b.url("feed.atom")},
		},
	}
	if b.updated.IsZero() {
		f.Updated = atomTime(time.Unix(0, 0))
	}
	for _, it := range items {
		s, e := it.s, it.e
		id := "urn:incidentctl:incident:" + s.ID + ":" + e.At.UTC().Format("20060102T150405Z") + ":" + e.Kind
		if it.n > 1 {
			id += ":" + string(rune('0'+min(it.n, 9)))
		}
		title := "[" + s.Severity + "] " + s.Title + ": " + b.cat.T("site.event."+e.Kind)
		link := b.url(config.IncidentPage(s.ID)) + "#t-" + e.At.UTC().Format("20060102T150405Z")
		content := e.Text
		switch pm := b.publishedPM(s.ID); {
		case e.Kind == eventPostmortem && pm != nil:
			link = b.url(postmortemPage(s.ID))
			if pm.Sum.Status != "" && !pm.Sum.Broken {
				title += " — " + pmStatusLabel(b.cat, pm.Sum.Status)
			}
			if pm.Sum.Title != "" {
				content = b.cat.T("site.pm.title", "Title", pm.Sum.Title)
			}
		case e.Kind == eventPostmortem:
			link = e.Detail
		case e.Detail != "" && e.Kind != eventResolved && e.Kind != eventAnnouncement:
			title += " — " + b.detail(e)
		}
		f.Entries = append(f.Entries, atomEntry{
			ID: id, Title: title, Updated: atomTime(e.At), Author: atomPerson{orDash(e.Author)},
			Link:     atomLink{Rel: "alternate", Type: "text/html", Href: link},
			Category: atomCategory{Term: e.Kind},
			Content:  atomText{Type: "text", Text: content},
		})
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(f); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// detail shows an update's new value: a status by its label.
func (b *builder) detail(e event) string {
	if e.Kind == eventStatus {
		return statusLabel(b.cat, e.Detail)
	}
	return e.Detail
}

func (b *builder) feedID() string {
	if b.opts.Site.BaseURL != "" {
		return b.opts.Site.BaseURL + "/feed.atom"
	}
	return "urn:incidentctl:site:" + slug(b.opts.Site.Title)
}

func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }
