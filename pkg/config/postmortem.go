package config

import (
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/incidentctl/incidentctl/pkg/i18n"
)

// Postmortem configures postmortem documents and how soon one is due after an incident is
// resolved.
type Postmortem struct {
	// Folder holds the postmortems, as <folder>/YYYY/MM/<incident id>-<slug>.md.
	Folder string `yaml:"folder"`
	// Template is the postmortem template (the built-in default when the repository has none).
	Template string `yaml:"template"`
	// Deadlines maps a severity to how soon after the resolution its postmortem must be linked:
	// "5d" (calendar days), "3bd" (business days, Monday to Friday), "72h" (hours). Severities
	// not listed need no postmortem. Unset: the two most severe levels, within 5 days.
	Deadlines map[string]string `yaml:"deadlines"`
}

// DefaultPostmortemFolder and DefaultPostmortemTemplate are where postmortems and their template
// live unless .incidentctl.yaml says otherwise.
const (
	DefaultPostmortemFolder   = "postmortems"
	DefaultPostmortemTemplate = "templates/postmortem.md"
)

// DefaultDeadline is the practice's default: a postmortem within 5 days for the two most severe
// levels (PagerDuty holds the meeting within 3 days for Sev-1 and 5 business days for Sev-2).
var DefaultDeadline = Deadline{N: 5, Unit: Days}

// DefaultDeadlineRanks is how many of the most severe levels need a postmortem by default.
const DefaultDeadlineRanks = 2

// Units of a deadline.
const (
	Hours        = "h"
	Days         = "d"
	BusinessDays = "bd"
)

// Deadline is a time allowed after an event: N hours, days or business days.
type Deadline struct {
	N    int
	Unit string // Hours, Days or BusinessDays
}

// ParseDeadline reads "5d", "3bd" or "72h".
func ParseDeadline(s string) (Deadline, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, unit := range []string{BusinessDays, Days, Hours} {
		if num, ok := strings.CutSuffix(s, unit); ok {
			n, err := strconv.Atoi(num)
			if err != nil || n <= 0 || n > 10000 {
				break
			}
			return Deadline{N: n, Unit: unit}, nil
		}
	}
	return Deadline{}, i18n.Errorf("config.deadline", "Value", s)
}

// After returns the deadline counted from t, in t's time zone. Business days skip Saturdays and
// Sundays: a resolution on Friday 15:00 plus 1bd is due on Monday 15:00.
func (d Deadline) After(t time.Time) time.Time {
	switch d.Unit {
	case Hours:
		return t.Add(time.Duration(d.N) * time.Hour)
	case BusinessDays:
		out := t
		for left := d.N; left > 0; {
			out = out.AddDate(0, 0, 1)
			if wd := out.Weekday(); wd != time.Saturday && wd != time.Sunday {
				left--
			}
		}
		return out
	}
	return t.AddDate(0, 0, d.N)
}

// String writes the deadline as the config does: 5d, 3bd, 72h.
func (d Deadline) String() string { return strconv.Itoa(d.N) + d.Unit }

// DeadlineFor returns how soon after the resolution an incident at severity sev (at rank in the
// severity definitions, 1 the most severe; 0 when unknown) needs its postmortem, and whether it
// needs one at all.
func (p Postmortem) DeadlineFor(sev string, rank int) (Deadline, bool) {
	if p.Deadlines == nil {
		return DefaultDeadline, rank >= 1 && rank <= DefaultDeadlineRanks
	}
	for k, v := range p.Deadlines {
		if strings.EqualFold(k, sev) {
			d, err := ParseDeadline(v)
			return d, err == nil
		}
	}
	return Deadline{}, false
}

// check validates the postmortem settings (Parse calls it).
func (p *Postmortem) check() error {
	for _, f := range []struct {
		key string
		val *string
	}{{"postmortem.folder", &p.Folder}, {"postmortem.template", &p.Template}} {
		if err := checkPath(*f.val); err != nil {
			return i18n.Errorf("config.at_key", "File", FileName, "Key", f.key, "Error", err)
		}
	}
	keys := make([]string, 0, len(p.Deadlines))
	for k := range p.Deadlines {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if _, err := ParseDeadline(p.Deadlines[k]); err != nil {
			return i18n.Errorf("config.at_key", "File", FileName, "Key", "postmortem.deadlines."+k, "Error", err)
		}
	}
	return nil
}

// FlowPaths are the repository paths the response flow lives under: the folders of the action
// list, the severity definitions and the postmortem template (templates/ unless configured
// otherwise); a file at the top level stands for itself. A change there is a change of the flow.
func (c Config) FlowPaths() []string {
	var out []string
	for _, p := range []string{c.ActionList, c.Severities, c.Postmortem.Template} {
		dir := path.Dir(p)
		if dir == "." {
			dir = p
		}
		out = append(out, dir)
	}
	slices.Sort(out)
	out = slices.Compact(out)
	var kept []string // without those inside another one
	for _, p := range out {
		if !slices.ContainsFunc(kept, func(k string) bool { return strings.HasPrefix(p, k+"/") }) {
			kept = append(kept, p)
		}
	}
	return kept
}
