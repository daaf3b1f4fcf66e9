package workspace

import (
	"strconv"
	"strings"

	"github.com/incidentctl/incidentctl/pkg/board"
	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/incident"
)

// HandoffResult is what a transfer of command did.
type HandoffResult struct {
	*Result
	From, To string // the previous and the new commander
	Entry    string // the briefing written to the log
}

// Handoff transfers command of an incident in one commit: the commander changes and the log gets
// one entry, "handoff: commander <from> → <to>. Briefing: <note>. Status: …", naming the previous
// commander and carrying a briefing generated from the document (see board.Handoff), so whoever
// takes over can act on it and the statistics can count everyone who commanded.
//
// A resolved incident has nobody to command: handing it over is refused (reopen it first).
func (w *Workspace) Handoff(ref, to, note string, opts Options) (*HandoffResult, error) {
	g := &given{}
	to, err := oneLine("--to", g.text("--to", to))
	if err != nil {
		return nil, err
	}
	if note, err = oneLine("--note", g.text("--note", note)); err != nil {
		return nil, err
	}
	if to == "" {
		return nil, invalid(i18n.Errorf("handoff.empty_to", "Ref", ref))
	}
	if strings.Contains(to, "→") {
		return nil, invalid(i18n.Errorf("handoff.arrow", "To", strconv.Quote(to)))
	}
	at := w.at(opts.At)
	out := &HandoffResult{To: to}
	res, err := w.change(ref, opts, g, func(d *incident.Document, author string) (*incident.Document, string, error) {
		m := d.Meta
		if m.Status == incident.StatusResolved {
			return nil, "", i18n.Errorf("handoff.resolved", "ID", m.ID)
		}
		if strings.EqualFold(strings.TrimSpace(m.Commander), to) {
			return nil, "", invalid(i18n.Errorf("handoff.same", "Commander", m.Commander, "ID", m.ID))
		}
		out.From = m.Commander
		out.Entry = board.Handoff(d, m.Commander, to, note, at)
		u := &updater{d: d, at: at, author: author}
		u.do(func() (*incident.Document, error) { return u.d.SetString(incident.KeyCommander, to) })
		u.log(out.Entry)
		if u.err != nil {
			return nil, "", u.err
		}
		return u.d, "handoff " + orDash(m.Commander) + " → " + to, nil
	})
	if err != nil {
		return nil, err
	}
	for _, r := range res.Doc.Meta.Roles {
		if strings.EqualFold(r.Holder, to) {
			res.Warnings = append(res.Warnings, i18n.Text("handoff.holds_role", "To", to, "Role", r.Name, "ID", res.ID))
		}
	}
	out.Result = res
	return out, nil
}
