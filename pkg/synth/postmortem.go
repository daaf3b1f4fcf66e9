package synth

import (
	"fmt"
	"math/rand/v2"
	"path"
	"time"

	"github.com/incidentctl/incidentctl/pkg/config"
	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/postmortem"
	"github.com/incidentctl/incidentctl/templates"
)

// Postmortems: a share of the resolved incidents has one, the more severe the likelier (SEV1
// 90 %, SEV2 60 %, SEV3 15 %, SEV4 2 %: about a quarter of them), drafted as `incidentctl
// postmortem` drafts it from the incident's final record (the built-in template) a day after the
// resolution, with one to four follow-ups added as `followup add` adds them: done (`followup
// done`, before their due date) but for the postmortems of the last weeks before End, whose
// follow-ups are open and due after End. It is committed with the incident's
// final version. The incident is not given the log entry `incidentctl postmortem` adds (the
// postmortem is found by its path, postmortems/YYYY/MM/<id>-<slug>.md), so that the incident
// documents stay what they were without postmortems.

// postmortemShare is the chance, per severity level (in the order of the severities), that a
// resolved incident has a postmortem.
var postmortemShare = []float64{0.9, 0.6, 0.15, 0.02}

var followupTexts = []string{
	"Alert on the error rate of the %s before customers notice",
	"Add a runbook entry for the %s failover",
	"Load-test the %s at twice the peak",
	"Roll back the %s automatically when health checks fail",
	"Page the owning team of the %s directly, not the shared rotation",
	"Add the %s to the dependency dashboard",
	"Rehearse this incident as a drill with the %s team",
	"Cap the retries of the %s clients",
}

// recentFollowups: the postmortems of incidents resolved this long before End have open
// follow-ups.
const recentFollowups = 45 * 24 * time.Hour

// postmortemOf returns the postmortem of incident i (p its plan, src its final document), or
// ok false when it has none.
func (g *Generator) postmortemOf(i int, p *plan, src []byte) (rel string, content []byte, ok bool, err error) {
	if p.open || !g.opts.Postmortems {
		return "", nil, false, nil
	}
	r := rand.New(rand.NewPCG(g.opts.Seed^0x9e3779b97f4a7c15, uint64(i)+1))
	level := 0
	for k, l := range g.flow.sevs.Levels {
		if l.ID == p.meta.Severity {
			level = k
		}
	}
	if r.Float64() >= postmortemShare[min(level, len(postmortemShare)-1)] {
		return "", nil, false, nil
	}
	d, err := incident.Parse(g.path(i, p), src)
	if err != nil {
		return "", nil, false, err
	}
	m := d.Meta
	if m.ResolvedAt == nil {
		return "", nil, false, nil
	}
	zone := m.DeclaredAt.Location()
	now := m.ResolvedAt.Add(24 * time.Hour).Truncate(time.Second)
	status := postmortem.StatusFinal
	if x := r.IntN(20); x == 0 {
		status = postmortem.StatusDraft
	} else if x < 4 {
		status = postmortem.StatusInReview
	}
	cfg := config.Default()
	pm := postmortem.Meta{Incident: m.ID, Title: m.Title, Status: postmortem.StatusDraft, Owner: m.Commander}
	rec := postmortem.FromIncident(d, g.flow.sevs, now)
	data := postmortem.NewData(rec, pm, cfg.ActionList, now, postmortem.LabelsFor(string(cfg.Lang)))
	body, err := postmortem.Render(cfg.Postmortem.Template+" (built-in)", templates.Postmortem, data)
	if err != nil {
		return "", nil, false, err
	}
	rel = path.Join(cfg.Postmortem.Folder, incident.RelPath(m.ID, m.Title, m.DeclaredAt))
	doc, err := postmortem.New(rel, pm, body)
	if err != nil {
		return "", nil, false, err
	}
	if status != postmortem.StatusDraft {
		if doc, err = doc.SetString(postmortem.KeyStatus, status); err != nil {
			return "", nil, false, err
		}
	}
	// Follow-ups of postmortems older than recentFollowups are done; the others are open, due
	// after End, so that the repository lints clean until then.
	recent := !m.ResolvedAt.Before(g.opts.End.Add(-recentFollowups))
	for range 1 + r.IntN(4) {
		due := m.ResolvedAt.In(zone).AddDate(0, 0, 7+r.IntN(36))
		if recent {
			due = g.opts.End.In(zone).AddDate(0, 0, 30+r.IntN(90))
		}
		f := postmortem.Followup{ID: doc.NextFollowupID(), Text: fmt.Sprintf(pick(r, followupTexts), pick(r, services)), Owner: pick(r, people),
			Due: due.Format(postmortem.DateLayout), Kind: pick(r, postmortem.Kinds)}
		if doc, err = doc.AddFollowup(f); err != nil {
			return "", nil, false, err
		}
		if recent {
			continue
		}
		yes := true
		at := now.Add(time.Duration(1+r.IntN(int(due.Sub(now)/time.Hour))) * time.Hour).Truncate(time.Second)
		pat := &at
		if doc, err = doc.SetFollowup(f.ID, postmortem.FollowupChange{Done: &yes, DoneAt: &pat}); err != nil {
			return "", nil, false, err
		}
	}
	return rel, doc.Src, true, nil
}
