package notify

import (
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/incidentctl/incidentctl/pkg/config"
	"github.com/incidentctl/incidentctl/pkg/i18n"
)

// Every human-facing text of this package is here, and its words come from the message
// catalogue (pkg/i18n, IDs notify.*), the one the terminal and the site use. A message posted
// to chat is in the repository's language (lang: in .incidentctl.yaml): the channel is
// shared, whatever each reader's locale. The message texts themselves (headline and body) are
// the templates in templates/notify/ (title.ja.tmpl and text.ja.tmpl for Japanese).
//
// What is shown on a terminal (a sink's problem, a delivery's error) is made with i18n.Text:
// English where it is stored (JSON, the outbox), in the reader's language where the CLI
// prints it.

// texts are the labels of a message in one language.
type texts struct {
	p                                                       *i18n.Printer
	Severity, Status, Commander, Impact, Announcement, Open string
}

func textsFor(l i18n.Lang) texts {
	p := i18n.For(l)
	return texts{
		p:        p,
		Severity: p.T("notify.label.severity"), Status: p.T("notify.label.status"),
		Commander: p.T("notify.label.commander"), Impact: p.T("notify.label.impact"),
		Announcement: p.T("notify.label.announcement"), Open: p.T("notify.label.open"),
	}
}

// english is the English table: what the package says where no message is being written (the
// sink problems and delivery errors, translated by the CLI). Made on first use, so that a
// command that never notifies does not parse the catalogue at start-up.
var english = sync.OnceValue(func() texts { return textsFor(i18n.English) })

// withheld replaces a text the secret scanner still flags once its findings are masked.
func (t texts) withheld(what string) string { return t.p.T("notify.withheld", "What", what) }

// none stands in for an empty value in a field.
func (texts) none() string { return "—" }

// drillSeverity is the severity field of a drill: "SEV2 (DRILL)".
func (t texts) drillSeverity(sev string) string {
	return t.p.T("notify.drill_severity", "Severity", sev)
}

// statusName is a status in the message's language ("investigating" stays itself in English).
func (t texts) statusName(s string) string {
	if t.p.Lang() == i18n.English || s == "" {
		return s
	}
	if n := t.p.T("status." + s); n != "status."+s {
		return n
	}
	return s
}

// contextLine: "261123-k7xqm · alice · 2026-11-23 10:02 +09:00".
func (texts) contextLine(id, author, when string) string {
	parts := []string{id}
	if author != "" {
		parts = append(parts, author)
	}
	if when != "" {
		parts = append(parts, when)
	}
	return strings.Join(parts, " · ")
}

// clock shows a time to humans: in the local zone, with the offset.
func (texts) clock(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(time.Local).Format("2006-01-02 15:04 -07:00")
}

func (t texts) testTitle() string { return t.p.T("notify.test.title") }

func (t texts) testText(sink, author string) string {
	if author != "" {
		return t.p.T("notify.test.text_by", "Sink", sink, "Author", author)
	}
	return t.p.T("notify.test.text", "Sink", sink)
}

// Sink problems: what is wrong and what to do, never the URL itself.

func (texts) envNotSet(s config.NotifySink) string {
	return i18n.Text("notify.env_not_set", "Env", s.URLEnv, "Kind", s.Kind, "Sink", s.Name)
}

func (texts) urlFileMissing(s config.NotifySink) string {
	return i18n.Text("notify.url_file_missing", "File", s.URLFile, "Kind", s.Kind, "Sink", s.Name)
}

func (texts) urlFileUnreadable(s config.NotifySink, why string) string {
	return i18n.Text("notify.url_file_unreadable", "File", s.URLFile, "Why", why)
}

func (texts) urlFileNotOneURL(s config.NotifySink) string {
	return i18n.Text("notify.url_file_not_one_url", "File", s.URLFile)
}

func (texts) notAURL(s *Sink) string {
	return i18n.Text("notify.not_a_url", "Source", s.sourceForHumans())
}

func (texts) notHTTPS(s *Sink, host string) string {
	return i18n.Text("notify.not_https", "Source", s.sourceForHumans(), "Host", host)
}

func (texts) minSeverityUnknown(s config.NotifySink, ids []string) string {
	where := config.FileName + ":" + itoa(s.KeyLine("min_severity"))
	if len(ids) == 0 {
		return i18n.Text("notify.min_severity_unreadable", "Severity", s.MinSeverity, "Where", where)
	}
	return i18n.Text("notify.min_severity_unknown", "Severity", s.MinSeverity, "Known", strings.Join(ids, ", "), "Where", where)
}

func (s *Sink) sourceForHumans() string {
	if s.URLEnv != "" {
		return s.URLEnv
	}
	return "url_file " + s.URLFile
}

// Delivery outcomes (Outcome.Error), never quoting the URL.

func (texts) redirected(code int, host string) string {
	if host != "" {
		return i18n.Text("notify.redirected_to", "Code", code, "Host", host)
	}
	return i18n.Text("notify.redirected", "Code", code)
}

func (texts) httpStatus(code int, status, body string) string {
	s := "HTTP " + status
	if status == "" {
		s = "HTTP " + itoa(code)
	}
	if body != "" {
		s += ": " + body
	}
	return s
}

func (texts) timedOut() string { return i18n.Text("notify.timed_out") }

func (texts) sinkRemoved(name string) string {
	return i18n.Text("notify.sink_removed", "Sink", name, "File", config.FileName)
}

func (texts) kindChanged(name, was, now string) string {
	return i18n.Text("notify.kind_changed", "Sink", name, "Now", now, "Was", was)
}

func itoa(n int) string { return strconv.Itoa(n) }
