package workspace

import (
	"fmt"
	"strings"

	"github.com/incidentctl/incidentctl/pkg/config"
	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/incident"
)

// roleWarnings says what looks wrong about the roles after an update: a role name the
// repository does not list (usually a typo: --role coms=carol), and the commander holding
// another role too (the commander decides and delegates; handoff warns the same way).
func (w *Workspace) roleWarnings(d *incident.Document, ch Change) []string {
	var out []string
	for _, r := range ch.Roles {
		if r.Holder == "" || w.Config.KnownRole(r.Name) {
			continue
		}
		names := w.Config.RoleNames()
		if near := closest(r.Name, names); near != "" {
			out = append(out, i18n.Text("roles.unknown_near", "Role", fmt.Sprintf("%q", r.Name), "Known", strings.Join(names, ", "),
				"Near", near, "ID", d.Meta.ID, "Name", r.Name, "Holder", r.Holder, "Config", config.FileName))
		} else {
			out = append(out, i18n.Text("roles.unknown", "Role", fmt.Sprintf("%q", r.Name), "Known", strings.Join(names, ", "), "Config", config.FileName))
		}
	}
	if ch.Commander == nil && len(ch.Roles) == 0 {
		return out
	}
	ic := strings.TrimSpace(d.Meta.Commander)
	for _, r := range d.Meta.Roles {
		if ic != "" && strings.EqualFold(strings.TrimSpace(r.Holder), ic) {
			out = append(out, i18n.Text("roles.commander_holds", "Commander", ic, "ID", d.Meta.ID, "Role", r.Name))
		}
	}
	return out
}

// closest returns the name within two edits of s (a typo), "" when there is none.
func closest(s string, names []string) string {
	best, bestD := "", 3
	for _, n := range names {
		if d := editDistance(s, n); d < bestD {
			best, bestD = n, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b (names are short).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
