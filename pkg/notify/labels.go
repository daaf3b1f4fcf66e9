package notify

import (
	"fmt"
	"strings"
	"time"

	"github.com/incidentctl/incidentctl/pkg/config"
)

// Every human-facing text of this package is here, so that a translation (lang: ja) has one
// place to go. The message texts themselves (headline and body) are the templates in
// templates/notify/.

type texts struct {
	Severity, Status, Commander, Impact, Announcement, Open, Drill string
}

// text is the English table.
var text = texts{
	Severity:     "Severity",
	Status:       "Status",
	Commander:    "Commander",
	Impact:       "Impact",
	Announcement: "Announcement",
	Open:         "Open the incident",
	Drill:        "DRILL",
}

// withheld replaces a text the secret scanner still flags once its findings are masked.
func (texts) withheld(what string) string {
	return fmt.Sprintf("[withheld: it looks like %s; see the incident document]", what)
}

// none stands in for an empty value in a field.
func (texts) none() string { return "—" }

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

func (texts) testTitle() string { return "Test message from incidentctl" }

func (texts) testText(sink, author string) string {
	s := "If you can read this, incidentctl can post incident updates to " + sink + "."
	if author != "" {
		s += " Sent by " + author + "."
	}
	return s
}

// Sink problems: what is wrong and what to do, never the URL itself.

func (texts) envNotSet(s config.NotifySink) string {
	return fmt.Sprintf("%s is not set: set it to the %s webhook URL (export %s=https://…) to post to %s", s.URLEnv, s.Kind, s.URLEnv, s.Name)
}

func (texts) urlFileMissing(s config.NotifySink) string {
	return fmt.Sprintf("url_file %s does not exist: write the %s webhook URL into it (one line, chmod 600) to post to %s", s.URLFile, s.Kind, s.Name)
}

func (texts) urlFileUnreadable(s config.NotifySink, why string) string {
	return fmt.Sprintf("url_file %s cannot be read (%s)", s.URLFile, why)
}

func (texts) urlFileNotOneURL(s config.NotifySink) string {
	return fmt.Sprintf("url_file %s must hold the webhook URL alone, on one line", s.URLFile)
}

func (texts) notAURL(s *Sink) string {
	return fmt.Sprintf("%s does not hold a valid URL: set it to the webhook URL the service gave you (https://…)", s.sourceForHumans())
}

func (texts) notHTTPS(s *Sink, host string) string {
	return fmt.Sprintf("the URL in %s (host %s) is not HTTPS: incident details must travel encrypted, so use the https:// URL (plain http is allowed only for 127.0.0.1 and localhost, for testing)", s.sourceForHumans(), host)
}

func (texts) minSeverityUnknown(s config.NotifySink, ids []string) string {
	if len(ids) == 0 {
		return fmt.Sprintf("min_severity %q cannot be checked: the severities could not be read (%s:%d)", s.MinSeverity, config.FileName, s.KeyLine("min_severity"))
	}
	return fmt.Sprintf("min_severity %q is not a defined severity: use one of %s (%s:%d)", s.MinSeverity, strings.Join(ids, ", "), config.FileName, s.KeyLine("min_severity"))
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
		return fmt.Sprintf("HTTP %d: the webhook redirects to %s, and redirects are not followed: use the final URL", code, host)
	}
	return fmt.Sprintf("HTTP %d: the webhook redirects, and redirects are not followed: use the final URL", code)
}

func (texts) httpStatus(code int, status, body string) string {
	s := "HTTP " + status
	if status == "" {
		s = fmt.Sprintf("HTTP %d", code)
	}
	if body != "" {
		s += ": " + body
	}
	return s
}

func (texts) timedOut() string { return "no answer in time" }

func (texts) sinkRemoved(name string) string {
	return fmt.Sprintf("the sink %s is no longer in %s", name, config.FileName)
}

func (texts) kindChanged(name, was, now string) string {
	return fmt.Sprintf("the sink %s is now %s, the message was written for %s", name, now, was)
}
