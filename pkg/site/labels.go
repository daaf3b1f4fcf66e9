package site

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/incidentctl/incidentctl/pkg/i18n"
)

// Every word a reader of the site sees comes from the shared message catalogue (pkg/i18n,
// catalog/<lang>.yaml, the IDs starting with "site."), in the repository's language: the site
// is published for everyone, so the reader's locale does not choose it. Go code calls
// c.T("site.filter.severity", "Severity", sev) like pkg/cli does with its printer.
//
// A site of 10,000 incidents asks for about a million labels. go-i18n executes a template per
// lookup, so each message is looked up once per build with placeholders for its arguments, and
// the text around them is kept: later lookups only put the values in.

// catalogue is one language's site labels.
type catalogue struct {
	lang string // the pages' lang attribute
	p    *i18n.Printer
	mu   sync.RWMutex
	msgs map[string][]string // ID and argument names → literal, argument, literal, …
}

// catalogueFor returns the catalogue of a language; an unknown or empty one gets English.
func catalogueFor(lang string) *catalogue {
	l, ok := i18n.ParseLang(lang)
	if !ok || l == "" {
		l = i18n.English
	}
	return &catalogue{lang: string(l), p: i18n.For(l), msgs: map[string][]string{}}
}

// placeholder marks argument i in a message while it is split.
func placeholder(i int) string { return "\x00" + strconv.Itoa(i) + "\x00" }

// parts returns message id split around its arguments (given as name, value pairs).
func (c *catalogue) parts(id string, args []any) []string {
	key := id
	for i := 0; i < len(args); i += 2 {
		key += "\x00" + fmt.Sprint(args[i])
	}
	c.mu.RLock()
	ps, ok := c.msgs[key]
	c.mu.RUnlock()
	if ok {
		return ps
	}
	marked := make([]any, len(args))
	for i := 0; i+1 < len(args); i += 2 {
		marked[i], marked[i+1] = args[i], placeholder(i/2)
	}
	ps = strings.Split(c.p.T(id, marked...), "\x00")
	if len(ps)%2 == 0 { // an unpaired NUL: not one of ours; keep the text whole
		ps = []string{strings.Join(ps, "")}
	}
	c.mu.Lock()
	c.msgs[key] = ps
	c.mu.Unlock()
	return ps
}

// T returns a label with its arguments (name, value pairs); a label the catalogue lacks shows
// its ID, so it is noticed.
func (c *catalogue) T(id string, args ...any) string {
	ps := c.parts(id, args)
	if len(ps) == 1 {
		return ps[0]
	}
	var b strings.Builder
	for i, p := range ps {
		if i%2 == 0 {
			b.WriteString(p)
		} else {
			b.WriteString(c.arg(p, args))
		}
	}
	return b.String()
}

// H is T for a label around HTML fragments (a <time>): the label's text is escaped, the
// fragments are not. Every argument must be template.HTML.
func (c *catalogue) H(id string, args ...any) template.HTML {
	var b strings.Builder
	for i, p := range c.parts(id, args) {
		if i%2 == 0 {
			b.WriteString(template.HTMLEscapeString(p))
			continue
		}
		if n, err := strconv.Atoi(p); err == nil && 2*n+1 < len(args) {
			if h, ok := args[2*n+1].(template.HTML); ok {
				b.WriteString(string(h))
				continue
			}
		}
		b.WriteString(template.HTMLEscapeString(c.arg(p, args)))
	}
	return template.HTML(b.String())
}

// N is a label that depends on a count (plural forms); the count is the argument Count. Few
// labels are counted, so these are looked up each time.
func (c *catalogue) N(id string, n int, args ...any) string { return c.p.N(id, n, args...) }

func (c *catalogue) arg(p string, args []any) string {
	n, err := strconv.Atoi(p)
	if err != nil || 2*n+1 >= len(args) {
		return p
	}
	switch v := args[2*n+1].(type) {
	case string:
		return v
	case int:
		return strconv.Itoa(v)
	case template.HTML:
		return string(v)
	}
	return fmt.Sprint(args[2*n+1])
}

// duration is how long something took: "1 d 3 h 5 min", "1日3時間5分".
func (c *catalogue) duration(d time.Duration) string {
	d = d.Round(time.Minute)
	days, rest := d/(24*time.Hour), d%(24*time.Hour)
	h, m := rest/time.Hour, (rest%time.Hour)/time.Minute
	var b strings.Builder
	if days > 0 {
		b.WriteString(c.T("site.duration.days", "N", int(days)))
	}
	if h > 0 {
		b.WriteString(c.T("site.duration.hours", "N", int(h)))
	}
	if m > 0 || b.Len() == 0 {
		b.WriteString(c.T("site.duration.minutes", "N", int(m)))
	}
	return strings.TrimSpace(b.String())
}

// month names a month of the history: "November 2026", "2026年11月".
func (c *catalogue) month(t time.Time) string {
	return c.T("site.month", "Month", c.T("site.month."+strconv.Itoa(int(t.Month()))), "Year", t.Year())
}

// durationUnits are the duration labels with "{n}" for the number, for site.js (which keeps
// ages current on a screen left open).
func (c *catalogue) durationUnits() string {
	return c.T("site.duration.days", "N", "{n}") + "|" + c.T("site.duration.hours", "N", "{n}") + "|" + c.T("site.duration.minutes", "N", "{n}")
}
