package cli

import (
	"strings"
	"time"

	"github.com/incidentctl/incidentctl/pkg/board"
	"github.com/incidentctl/incidentctl/pkg/display"
	"github.com/incidentctl/incidentctl/pkg/incident"
)

// announceState says, for people, when the last announcement was posted and whether the next
// one is late against the flow's cadence: "last announcement 42m ago; overdue 12m (every 30m
// at SEV2)". "" when there is nothing to say (never announced and no cadence).
func (app *App) announceState(a board.AnnounceState, sev string, p palette, now time.Time) string {
	var parts []string
	switch {
	case a.At != nil:
		parts = append(parts, app.P.T("announce.ago", "Age", ageIn(app.P, now.Sub(*a.At))))
	case a.Every > 0:
		parts = append(parts, app.P.T("announce.never"))
	}
	if a.Every > 0 && a.DueAt != nil {
		every := a.Every.String() // 30m0s, 1h0m0s: written 30m, 1h as in the markers
		if strings.HasSuffix(every, "m0s") {
			every = strings.TrimSuffix(every, "0s")
		}
		if strings.HasSuffix(every, "h0m") {
			every = strings.TrimSuffix(every, "0m")
		}
		if a.Overdue {
			parts = append(parts, p.paint(red, app.P.T("announce.overdue", "Late", ageIn(app.P, now.Sub(*a.DueAt)), "Every", every, "Severity", sev)))
		} else {
			parts = append(parts, app.P.T("announce.next", "Due", display.Clock(*a.DueAt, now), "Every", every, "Severity", sev))
		}
	}
	return strings.Join(parts, app.P.T("announce.sep"))
}

// announcementRow is the card's Announcement value: the text, then its state.
func (app *App) announcementRow(r board.Row, p palette, now time.Time) string {
	text := orNone(r.Doc.Meta.Announcement)
	if r.Doc.Meta.Status == incident.StatusResolved {
		return text
	}
	if st := app.announceState(r.Announcement, r.Doc.Meta.Severity, p, now); st != "" {
		return app.P.T("announce.row", "Text", text, "State", st)
	}
	return text
}

// nextAnnouncement is the line `next` prints about announcements: when the last one was
// posted and when the next is due, and when it is late, what to do now. "" when there is
// nothing to say (never announced and no cadence at the severity, or resolved).
func (app *App) nextAnnouncement(d *incident.Document, p palette, now time.Time) string {
	if d.Meta.Status == incident.StatusResolved {
		return ""
	}
	a := board.LastAnnouncement(d, now)
	st := app.announceState(a, d.Meta.Severity, p, now)
	switch {
	case st == "":
		return ""
	case a.Overdue:
		return app.P.T("next.announce_overdue", "State", st, "ID", shortRef(d.Meta.ID))
	}
	return app.P.T("next.announce", "State", st)
}
