package cli

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/incidentctl/incidentctl/pkg/display"
	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/incident"
)

func newShowCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "show <id>",
		Short: app.P.T("show.short"),
		Example: `  incidentctl show k7x
  incidentctl show 261123-k7xqm --json`,
		Args: exactArgs(1, "one incident ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := app.open()
			if err != nil {
				return err
			}
			d, err := ws.Load(args[0])
			if err != nil {
				return err
			}
			if app.JSON {
				return app.printJSON(app.toIncidentJSON(d))
			}
			writeIncident(app.Out, displayDoc(d), app.palette(), app.customFields(d), app.Now())
			return nil
		},
	}
}

// displayTime shows a time in the reader's zone (TZ) with its offset, to the minute, so that
// every line of the output agrees whatever offset each time was written with.
func displayTime(t time.Time) string { return display.Time(t) }

// writeIncident prints an incident for a person: what an IC needs at a glance, then the action
// list numbered the way --check takes it, then the log.
func writeIncident(w io.Writer, d *incident.Document, p palette, fields map[string]any, now time.Time) {
	m := d.Meta
	t := p.t
	fmt.Fprintf(w, "%s  %s%s\n", m.ID, m.Title, drillMark(palette{t: t}, m))
	when := t.T("card.ago", "Age", p.age(now.Sub(m.DeclaredAt)))
	if m.ResolvedAt != nil {
		when = t.T("show.lasted", "Age", p.age(m.ResolvedAt.Sub(m.DeclaredAt)))
	}
	fmt.Fprintf(w, "%s\n\n", t.T("show.summary", "Severity", m.Severity, "Status", p.statusLabel(m.Status),
		"Commander", orNone(m.Commander), "Declared", displayTime(m.DeclaredAt), "When", when))
	labels := []string{"card.roles", "card.impact", "card.announcement", "card.identified", "card.mitigated", "card.resolved", "card.resolution", "card.file"}
	lw := 0
	for _, id := range labels {
		lw = max(lw, display.Width(t.T(id)+":"))
	}
	lw = max(lw, 13)
	row := func(id, v string) { fmt.Fprintf(w, "  %s %s\n", display.PadRight(t.T(id)+":", lw), orNone(v)) }
	row("card.roles", m.Roles.String())
	row("card.impact", m.Impact)
	row("card.announcement", m.Announcement)
	for _, k := range sortedKeys(fields) {
		fmt.Fprintf(w, "  %s %s\n", display.PadRight(k+":", lw), fieldText(fields[k]))
	}
	for _, ms := range []struct {
		label string
		t     *time.Time
	}{{"card.identified", m.IdentifiedAt}, {"card.mitigated", m.MitigatedAt}, {"card.resolved", m.ResolvedAt}} {
		if ms.t != nil {
			row(ms.label, displayTime(*ms.t))
		}
	}
	if m.Resolution != "" {
		row("card.resolution", m.Resolution)
	}
	row("card.file", d.Path)
	done, open := 0, 0
	for _, a := range d.Actions {
		if a.Done {
			done++
		} else if a.RequiredAt(m.Severity) {
			open++
		}
	}
	fmt.Fprintf(w, "\n%s\n", t.T("show.actions", "Done", done, "Total", len(d.Actions), "Open", open))
	for i, a := range d.Actions {
		box := "[ ]"
		if a.Done {
			box = "[x]"
		}
		req := ""
		if a.RequiredAt(m.Severity) {
			req = "  " + t.T("show.required")
		}
		fmt.Fprintf(w, "  %2d. %s %s%s\n", i+1, box, a.Text, req)
	}
	fmt.Fprintf(w, "\n%s\n", t.T("card.log"))
	writeLog(w, sortedLog(d))
}

func orNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

// age is ageIn in English, for texts not in the catalogue yet (drill's).
func age(d time.Duration) string { return ageIn(i18n.For(i18n.English), d) }

// ageIn renders a duration the way people say it: 45m, 3h10m, 2d4h (45分, 3時間10分, 2日4時間).
func ageIn(t *i18n.Printer, d time.Duration) string {
	if d < 0 {
		d = 0
	}
	switch {
	case d < time.Minute:
		return t.T("age.s", "S", int(d.Seconds()))
	case d < time.Hour:
		return t.T("age.m", "M", int(d.Minutes()))
	case d < 48*time.Hour:
		return t.T("age.hm", "H", int(d.Hours()), "M", fmt.Sprintf("%02d", int(d.Minutes())%60))
	}
	return t.T("age.dh", "D", int(d.Hours())/24, "H", int(d.Hours())%24)
}

// continued indents the further lines of a multi-line text (a multi-line log entry) so that
// they read as part of it.
func continued(text, indent string) string {
	return strings.ReplaceAll(text, "\n", "\n"+indent)
}

func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
