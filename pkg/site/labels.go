package site

import (
	"fmt"
	"html/template"
	"strings"
	"time"
)

// Every word a reader of the site sees comes from a catalogue, so that a translation (Japanese
// first) is one more catalogue, never a hunt through templates. Templates call {{t "key"}};
// Go code calls c.t("key"). Numbers, durations and months are formatted by the catalogue too.

// catalogue is one language's labels and formatting rules.
type catalogue struct {
	lang     string // the pages' lang attribute
	labels   map[string]string
	duration func(d time.Duration) string
	month    func(t time.Time) string // "November 2026"
}

// catalogues are the languages the site speaks, by the repository's language setting.
var catalogues = map[string]*catalogue{"en": english}

// catalogueFor returns the catalogue of a language; an unknown or empty one gets English.
func catalogueFor(lang string) *catalogue {
	if c, ok := catalogues[lang]; ok {
		return c
	}
	return english
}

// t returns a label; a key missing from the catalogue shows as itself so it is noticed.
func (c *catalogue) t(key string) string {
	if s, ok := c.labels[key]; ok {
		return s
	}
	if s, ok := english.labels[key]; ok {
		return s
	}
	return key
}

// f formats a label with arguments (the label holds fmt verbs).
func (c *catalogue) f(key string, args ...any) string { return fmt.Sprintf(c.t(key), args...) }

// fh formats a label around HTML fragments (a <time>): the label is escaped, the fragments are
// not.
func (c *catalogue) fh(key string, args ...template.HTML) template.HTML {
	as := make([]any, len(args))
	for i, a := range args {
		as[i] = string(a)
	}
	return template.HTML(fmt.Sprintf(template.HTMLEscapeString(c.t(key)), as...))
}

var english = &catalogue{
	lang: "en",
	labels: map[string]string{
		// Page furniture.
		"skip":           "Skip to content",
		"feed":           "Atom feed",
		"feed.title":     "%s: updates",
		"status.json":    "Status as JSON",
		"built.by":       "Built by incidentctl from the incident record",
		"times.utc":      "Times are in UTC; each incident's own offset is shown beside them.",
		"times.local":    "Times are shown in your time zone (%s).",
		"nav.filters":    "Filter incidents",
		"nav.severity":   "Severity",
		"nav.status":     "Status",
		"nav.all":        "All",
		"nav.open":       "Open",
		"nav.years":      "Every incident by year",
		"search.label":   "Search incidents",
		"search.button":  "Search",
		"search.hint":    "Title, ID, impact, commander",
		"search.none":    "No incident matches.",
		"search.results": "%d matching incidents",
		"back.index":     "All incidents",

		// Overall state.
		"overall.none":     "No open incidents",
		"overall.open":     "%d open incidents, the worst at %s",
		"overall.open1":    "1 open incident at %s",
		"indicator.none":   "Operational",
		"indicator.minor":  "Minor incident",
		"indicator.major":  "Major incident",
		"indicator.crit":   "Critical incident",
		"badge.label":      "incidents",
		"badge.none":       "none open",
		"badge.open":       "%s open",
		"updated":          "Latest update",
		"open.heading":     "Open incidents",
		"open.none":        "There are no open incidents.",
		"history.heading":  "History",
		"history.none":     "No past incidents.",
		"history.more":     "Every incident, by year:",
		"history.year":     "Incidents in %s",
		"filter.severity":  "%s incidents",
		"filter.status":    "Incidents: %s",
		"broken.heading":   "Documents that could not be read",
		"broken.intro":     "These incident documents have errors; their pages show what is wrong.",
		"col.declared":     "Declared",
		"col.incident":     "Incident",
		"col.severity":     "Severity",
		"col.status":       "Status",
		"col.duration":     "Duration",
		"col.commander":    "Commander",
		"ongoing":          "ongoing",
		"ago":              "%s ago",
		"for":              "open for %s",
		"as.of":            "at the time this page was built",
		"count.incidents":  "%d incidents",
		"count.incidents1": "1 incident",

		// Fields of an incident.
		"f.severity":     "Severity",
		"f.status":       "Status",
		"f.commander":    "Incident commander",
		"f.roles":        "Roles",
		"f.impact":       "Impact",
		"f.announcement": "Latest announcement",
		"f.announced":    "announced",
		"f.lastlog":      "Last log entry",
		"f.declared":     "Declared",
		"f.identified":   "Identified",
		"f.mitigated":    "Mitigated",
		"f.resolved":     "Resolved",
		"f.duration":     "Duration",
		"f.resolution":   "Resolution",
		"f.postmortem":   "Postmortem",
		"f.followups":    "Follow-ups",
		"f.required":     "Open required actions",
		"f.overdue":      "Overdue actions",
		"f.id":           "ID",
		"f.source":       "Document",
		"none":           "none",
		"nobody":         "nobody",

		// Statuses.
		"s.investigating": "Investigating",
		"s.identified":    "Identified",
		"s.mitigated":     "Mitigated",
		"s.resolved":      "Resolved",

		// The incident page.
		"status.heading":     "Status",
		"actions.heading":    "Action list",
		"actions.summary":    "%d of %d done",
		"actions.none":       "No action list.",
		"action.done":        "Done",
		"action.open":        "Not done",
		"action.required":    "Required at %s",
		"action.requirednow": "Required",
		"action.due":         "due %s",
		"action.overdue":     "Overdue",
		"action.overdueat":   "was due %s",
		"log.heading":        "Timeline",
		"log.none":           "The log is empty.",
		"log.by":             "by %s",
		"ev.declared":        "Declared",
		"ev.severity":        "Severity changed",
		"ev.status":          "Status changed",
		"ev.announcement":    "Announcement",
		"ev.handoff":         "Handoff",
		"ev.commander":       "Commander changed",
		"ev.resolved":        "Resolved",
		"ev.postmortem":      "Postmortem",
		"handoff.from.to":    "Command passed from %s to %s",
		"handoff.note":       "Note",
		"b.status":           "Status",
		"b.impact":           "Impact",
		"b.announcement":     "Announcement",
		"b.openrequired":     "Open required actions",
		"b.alsooverdue":      "Also overdue",
		"b.roles":            "Roles",
		"problems.heading":   "Problems in this document",
		"problems.intro":     "incidentctl could not read parts of this document; fix them in the repository (incidentctl lint shows them too).",
		"broken.page.intro":  "This incident document could not be read, so only what is wrong with it is shown. Fix it in the repository; incidentctl lint shows the same.",
		"source.heading":     "The document as written",
		"postmortem.repo":    "in the repository",
		"followup.due":       "due %s",
		"followup.link":      "issue",
	},
	duration: func(d time.Duration) string {
		d = d.Round(time.Minute)
		days, rest := d/(24*time.Hour), d%(24*time.Hour)
		h, m := rest/time.Hour, (rest%time.Hour)/time.Minute
		var parts []string
		if days > 0 {
			parts = append(parts, fmt.Sprintf("%d d", days))
		}
		if h > 0 {
			parts = append(parts, fmt.Sprintf("%d h", h))
		}
		if m > 0 || len(parts) == 0 {
			parts = append(parts, fmt.Sprintf("%d min", m))
		}
		return strings.Join(parts, " ")
	},
	month: func(t time.Time) string { return t.Format("January 2006") },
}
