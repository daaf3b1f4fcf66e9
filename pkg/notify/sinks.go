package notify

import (
	"errors"
	"io"
	"io/fs"
	"net"
	"net/url"
	"os"
	"slices"
	"strings"

	"github.com/incidentctl/incidentctl/pkg/config"
	"github.com/incidentctl/incidentctl/pkg/severity"
)

// Sink is a configured sink with its URL looked up. A sink that cannot post (its variable is
// not set, its URL is not HTTPS, its min_severity is not a severity) has a Problem instead,
// and nothing is queued for it: an event that cannot be sent from here would only pile up.
type Sink struct {
	config.NotifySink
	Source  string // where the URL comes from, for messages: "$WAR_ROOM_WEBHOOK" or the url_file path
	Problem string // why it cannot post; "" when it can
	url     *url.URL
	sevs    *severity.Set
	min     string // min_severity as a severity ID; "" for every severity
}

// Ready reports whether the sink can post.
func (s *Sink) Ready() bool { return s.Problem == "" }

// Host is the URL's host (and port): the only part of a webhook URL ever shown.
func (s *Sink) Host() string {
	if s.url == nil {
		return ""
	}
	return s.url.Host
}

// Resolve looks up every sink's URL and checks what the config file alone cannot: that the
// URL is there and is HTTPS, and that min_severity is one of the severities.
func Resolve(sinks []config.NotifySink, sevs *severity.Set) []*Sink {
	out := make([]*Sink, 0, len(sinks))
	for _, cs := range sinks {
		s := &Sink{NotifySink: cs, sevs: sevs}
		out = append(out, s)
		if cs.MinSeverity != "" {
			if sevs == nil {
				s.Problem = english().minSeverityUnknown(cs, nil)
				continue
			}
			l, err := sevs.Lookup(cs.MinSeverity)
			if err != nil {
				s.Problem = english().minSeverityUnknown(cs, sevs.IDs())
				continue
			}
			s.min = l.ID
		}
		raw, source, problem := lookupURL(cs)
		s.Source = source
		if problem != "" {
			s.Problem = problem
			continue
		}
		u, problem := checkURL(raw, s)
		if problem != "" {
			s.Problem = problem
			continue
		}
		s.url = u
	}
	return out
}

// maxURLFile bounds what is read from a url_file: a URL, not a document.
const maxURLFile = 8 << 10

func lookupURL(cs config.NotifySink) (raw, source, problem string) {
	if cs.URLEnv != "" {
		source = "$" + cs.URLEnv
		raw = strings.TrimSpace(os.Getenv(cs.URLEnv))
		if raw == "" {
			return "", source, english().envNotSet(cs)
		}
		return raw, source, ""
	}
	source = cs.URLFile
	p, err := cs.URLFilePath()
	if err != nil {
		return "", source, english().urlFileUnreadable(cs, err.Error())
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return "", source, english().urlFileMissing(cs)
	}
	if err != nil {
		return "", source, english().urlFileUnreadable(cs, pathErr(err))
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxURLFile))
	if err != nil {
		return "", source, english().urlFileUnreadable(cs, pathErr(err))
	}
	raw = strings.TrimSpace(string(b))
	if raw == "" || strings.ContainsAny(raw, "\n\r") {
		return "", source, english().urlFileNotOneURL(cs)
	}
	return raw, source, ""
}

// pathErr drops the path from an *fs.PathError: the message already names the file.
func pathErr(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// checkURL parses a webhook URL. A problem never quotes the URL: it may carry the token.
func checkURL(raw string, s *Sink) (*url.URL, string) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return nil, english().notAURL(s)
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
	case "http":
		if !loopback(u.Hostname()) {
			return nil, english().notHTTPS(s, u.Host)
		}
	default:
		return nil, english().notHTTPS(s, u.Host)
	}
	return u, ""
}

// loopback allows plain HTTP for a server on this machine (tests, a local relay).
func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Wants returns the changes of ev this sink is told about: none for a drill unless the sink
// opts in (drills: true), none below its min_severity, only the events it lists.
func (s *Sink) Wants(ev Event) []Change {
	if ev.Incident.Drill && !s.Drills {
		return nil
	}
	if s.min != "" && !s.atLeast(ev.Incident.Severity) && !(ev.Has(EventSeverity) && s.atLeast(ev.PreviousSeverity)) {
		// An incident the sink followed and that was downgraded below its threshold is still
		// news to the sink (the downgrade itself); anything else below it is not.
		return nil
	}
	var out []Change
	for _, c := range ev.Changes {
		if len(s.Events) == 0 || slices.Contains(s.Events, c.Event) {
			out = append(out, c)
		}
	}
	return out
}

func (s *Sink) atLeast(sev string) bool { return s.sevs != nil && s.sevs.AtLeast(sev, s.min) }
