package postmortem

import (
	"time"

	"github.com/incidentctl/incidentctl/pkg/config"
	"github.com/incidentctl/incidentctl/pkg/severity"
)

// DeadlineFor returns how soon after the resolution an incident at severity sev needs its
// postmortem linked, from the settings (the default: the two most severe levels, 5 days), and
// whether it needs one at all.
func DeadlineFor(cfg config.Postmortem, sevs *severity.Set, sev string) (config.Deadline, bool) {
	rank := 0
	if sevs != nil {
		if l, ok := sevs.Get(sev); ok {
			rank = l.Rank
		}
	}
	return cfg.DeadlineFor(sev, rank)
}

// Due is when the postmortem of an incident resolved at resolvedAt is due.
func Due(d config.Deadline, resolvedAt time.Time) time.Time { return d.After(resolvedAt) }
