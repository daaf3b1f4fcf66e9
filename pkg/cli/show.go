package cli

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/incidentctl/incidentctl/pkg/incident"
)

func newShowCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "show <id>",
		Short: "Show an incident: status, numbered actions and log",
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
			writeIncident(app.Out, displayDoc(d), app.customFields(d), app.Now())
			return nil
		},
	}
}

// displayTime shows a time in the incident's own offset, to the minute.
func displayTime(t time.Time) string { return t.Format("2006-01-02 15:04 -07:00") }

// writeIncident prints an incident for a person: what an IC needs at a glance, then the action
// list numbered the way --check takes it, then the log.
func writeIncident(w io.Writer, d *incident.Document, fields map[string]any, now time.Time) {
	m := d.Meta
	fmt.Fprintf(w, "%s  %s%s\n", m.ID, m.Title, drillMark(false, m))
	when := age(now.Sub(m.DeclaredAt)) + " ago"
	if m.ResolvedAt != nil {
		when = "lasted " + age(m.ResolvedAt.Sub(m.DeclaredAt))
	}
	fmt.Fprintf(w, "%s · %s · commander %s · declared %s (%s)\n\n", m.Severity, m.Status, orNone(m.Commander), displayTime(m.DeclaredAt), when)
	row := func(k, v string) { fmt.Fprintf(w, "  %-13s %s\n", k+":", orNone(v)) }
	row("Roles", m.Roles.String())
	row("Impact", m.Impact)
	row("Announcement", m.Announcement)
	for _, k := range sortedKeys(fields) {
		row(k, fieldText(fields[k]))
	}
	for _, ms := range []struct {
		label string
		t     *time.Time
	}{{"Identified", m.IdentifiedAt}, {"Mitigated", m.MitigatedAt}, {"Resolved", m.ResolvedAt}} {
		if ms.t != nil {
			row(ms.label, displayTime(*ms.t))
		}
	}
	if m.Resolution != "" {
		row("Resolution", m.Resolution)
	}
	row("File", d.Path)
	done, open := 0, 0
	for _, a := range d.Actions {
		if a.Done {
			done++
		} else if a.RequiredAt(m.Severity) {
			open++
		}
	}
	fmt.Fprintf(w, "\nActions: %d of %d done, %d required open\n", done, len(d.Actions), open)
	for i, a := range d.Actions {
		box := "[ ]"
		if a.Done {
			box = "[x]"
		}
		req := ""
		if a.RequiredAt(m.Severity) {
			req = "  (required)"
		}
		fmt.Fprintf(w, "  %2d. %s %s%s\n", i+1, box, a.Text, req)
	}
	fmt.Fprintf(w, "\nLog:\n")
	for _, e := range sortedLog(d) {
		fmt.Fprintf(w, "  %s  %s  %s\n", displayTime(e.At), e.Author, continued(e.Text, "      "))
	}
}

func orNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

// age renders a duration the way people say it: 45m, 3h10m, 2d4h.
func age(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%dd%dh", int(d.Hours())/24, int(d.Hours())%24)
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
