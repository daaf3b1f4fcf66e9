package site

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"time"

	"github.com/incidentctl/incidentctl/pkg/config"
)

// statusJSON is the read-only API: the overall indicator from the worst open severity, the
// open incidents with their fields, and when the record was last updated. It is a contract:
// fields are added, never renamed.
type statusJSON struct {
	Page      statusPageJSON `json:"page"`
	Status    statusOverall  `json:"status"`
	Incidents []statusSingle `json:"incidents"`
}

type statusPageJSON struct {
	Title     string  `json:"title"`
	URL       *string `json:"url"`
	UpdatedAt *string `json:"updated_at"`
}

type statusOverall struct {
	Indicator   string `json:"indicator"` // none, minor, major, critical
	Description string `json:"description"`
}

type statusSingle struct {
	ID           string            `json:"id"`
	Title        string            `json:"title"`
	Severity     string            `json:"severity"`
	Status       string            `json:"status"`
	Commander    string            `json:"commander"`
	Roles        map[string]string `json:"roles"`
	Impact       string            `json:"impact"`
	Announcement string            `json:"announcement"`
	AnnouncedAt  *string           `json:"announced_at"`
	DeclaredAt   string            `json:"declared_at"`
	IdentifiedAt *string           `json:"identified_at"`
	MitigatedAt  *string           `json:"mitigated_at"`
	LastLogAt    *string           `json:"last_log_at"`
	OpenRequired int               `json:"open_required_actions"`
	Overdue      int               `json:"overdue_actions"`
	URL          string            `json:"url"`
}

func jsonTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

func (b *builder) statusJSON() ([]byte, error) {
	o := b.overall()
	out := statusJSON{
		Page:      statusPageJSON{Title: b.opts.Site.Title, UpdatedAt: jsonTime(b.updated)},
		Status:    statusOverall{Indicator: o.Indicator, Description: o.Text},
		Incidents: []statusSingle{},
	}
	if b.opts.Site.BaseURL != "" {
		u := b.opts.Site.BaseURL + "/"
		out.Page.URL = &u
	}
	for _, s := range b.open {
		roles := map[string]string{}
		for _, r := range s.Roles {
			roles[r[0]] = r[1]
		}
		out.Incidents = append(out.Incidents, statusSingle{
			ID: s.ID, Title: s.Title, Severity: s.Severity, Status: s.Status, Commander: s.Commander, Roles: roles,
			Impact: s.Impact, Announcement: s.Announcement, AnnouncedAt: jsonTime(s.AnnouncedAt),
			DeclaredAt: s.DeclaredAt.UTC().Format(time.RFC3339), IdentifiedAt: jsonTime(s.IdentifiedAt),
			MitigatedAt: jsonTime(s.MitigatedAt), LastLogAt: jsonTime(s.LastLogAt),
			OpenRequired: s.OpenRequired, Overdue: s.Overdue, URL: b.url(config.IncidentPage(s.ID)),
		})
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// badgeColours by indicator; the text always says the same (colour is never the only signal).
var badgeColours = map[string]string{"none": "#2e7d32", "minor": "#8a6d00", "major": "#c05600", "critical": "#b00020"}

// badge is a small SVG in the style of the usual README badges: "incidents | none open".
func (b *builder) badge() []byte {
	label := b.cat.T("site.badge.label")
	msg := b.cat.T("site.badge.none")
	if len(b.open) > 0 {
		msg = b.cat.T("site.badge.open", "Severity", b.open[0].Severity)
	}
	lw, mw := textWidth(label)+12, textWidth(msg)+12
	colour := badgeColours[b.indicator()]
	var buf bytes.Buffer
	fmt.Fprintf(&buf, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="20" role="img" aria-label="%s: %s">`+"\n",
		lw+mw, html.EscapeString(label), html.EscapeString(msg))
	fmt.Fprintf(&buf, `<title>%s: %s</title>`+"\n", html.EscapeString(label), html.EscapeString(msg))
	fmt.Fprintf(&buf, `<rect width="%d" height="20" fill="#555"/><rect x="%d" width="%d" height="20" fill="%s"/>`+"\n", lw, lw, mw, colour)
	fmt.Fprintf(&buf, `<g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11" text-anchor="middle">`+
		`<text x="%d" y="14">%s</text><text x="%d" y="14">%s</text></g>`+"\n",
		lw/2, html.EscapeString(label), lw+mw/2, html.EscapeString(msg))
	buf.WriteString("</svg>\n")
	return buf.Bytes()
}

// textWidth estimates the width of a text in 11 px Verdana.
func textWidth(s string) int {
	w := 0
	for _, r := range s {
		switch {
		case r == ' ' || r == 'i' || r == 'l' || r == 'I' || r == '.':
			w += 4
		case r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == 'm' || r == 'w':
			w += 8
		case r > 0x2e80:
			w += 11
		default:
			w += 7
		}
	}
	return w
}

// searchIndex is a script that hands site.js the list to search (a script, not JSON to fetch:
// browsers do not let a page opened from a file fetch another file).
func (b *builder) searchIndex() ([]byte, error) {
	type item struct {
		ID        string `json:"id"`
		Title     string `json:"t"`
		Severity  string `json:"s"`
		Status    string `json:"st"`
		Commander string `json:"c"`
		Impact    string `json:"i"`
		Declared  string `json:"d"`
		Href      string `json:"h"`
	}
	items := []item{}
	for _, list := range [][]*summary{b.open, b.history} {
		for _, s := range list {
			items = append(items, item{s.ID, s.Title, s.Severity, statusLabel(b.cat, s.Status), s.Commander, s.Impact,
				s.DeclaredAt.UTC().Format("2006-01-02"), config.IncidentPage(s.ID)})
		}
	}
	var buf bytes.Buffer
	buf.WriteString("window.incidentctlSearch = ")
	if err := json.NewEncoder(&buf).Encode(items); err != nil { // escapes <, > and & for a script
		return nil, err
	}
	return buf.Bytes(), nil
}
