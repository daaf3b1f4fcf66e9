package cli

import (
	"cmp"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/incidentctl/incidentctl/pkg/board"
	"github.com/incidentctl/incidentctl/pkg/config"
	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/lint"
	"github.com/incidentctl/incidentctl/pkg/workspace"
)

// Shell completion. cobra's `completion` command writes the script for bash, zsh, fish and
// PowerShell; the script asks the binary (`incidentctl __complete ...`) for candidates, and the
// functions here answer from the repository: incident IDs (open ones first, with their
// severity, status and title as the description), severities from the reviewed definitions,
// statuses, role names from .incidentctl.yaml. A repository that cannot be read gives no
// candidates, never an error on the user's prompt.

// addCompletions registers the dynamic completions on every command of the tree.
func (app *App) addCompletions(root *cobra.Command) {
	_ = root.RegisterFlagCompletionFunc("color", fixed(colorModes...))
	_ = root.RegisterFlagCompletionFunc("lang", fixed(langNames()...))
	for _, c := range root.Commands() {
		if !app.isStub(c) { // a stand-in has nothing to complete: build adds its command's
			app.addFlagCompletions(c)
		}
	}
}

// addFlagCompletions registers the dynamic completions on a command of the tree (already in
// it) and its subcommands.
func (app *App) addFlagCompletions(cmd *cobra.Command) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.ValidArgsFunction == nil && takesID(c.Use) {
			c.ValidArgsFunction = app.completeID
		}
		funcs := map[string]cobra.CompletionFunc{
			"severity": app.completeSeverity,
			"role":     app.completeRole,
			"color":    fixed(colorModes...),
			"lang":     fixed(langNames()...),
		}
		switch c.CommandPath() {
		case "incidentctl update", "incidentctl list":
			funcs["status"] = completeStatus(c.Name())
		case "incidentctl lint":
			funcs["format"] = fixed(lint.Formats...)
		}
		for name, f := range funcs {
			if c.Flags().Lookup(name) != nil {
				_ = c.RegisterFlagCompletionFunc(name, f)
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(cmd)
}

// takesID reports whether a command's first argument is an incident ID ("show <id>",
// "status [<id>]", "drill score <drill-id>").
func takesID(use string) bool {
	_, rest, _ := strings.Cut(use, " ")
	rest = strings.TrimLeft(rest, "[")
	return strings.HasPrefix(rest, "<id>") || strings.HasPrefix(rest, "<drill-id>") || strings.HasPrefix(rest, "<incident-id>")
}

func fixed(values ...string) cobra.CompletionFunc {
	return func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	}
}

func langNames() []string {
	out := make([]string, len(i18n.Langs))
	for i, l := range i18n.Langs {
		out[i] = string(l)
	}
	return out
}

// completionWorkspace opens the repository the command line points at (-C is not applied yet
// when cobra asks for completions).
func (app *App) completionWorkspace() *workspace.Workspace {
	dir := "."
	if app.Dir != "" {
		dir = app.Dir
	}
	ws, err := workspace.Open(dir, app.Now)
	if err != nil {
		return nil
	}
	return ws
}

// completeID offers incident IDs: open incidents first (the most severe, then the newest),
// then resolved ones, newest first. What was typed may be the start of the ID or of its random
// part ("k7" for 261123-k7xqm), as the commands accept both; then the random parts are offered.
func (app *App) completeID(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	ws := app.completionWorkspace()
	if ws == nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	res, err := ws.List(workspace.Filter{Status: "all", MetaOnly: true, Drills: workspace.WithDrills})
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	sevs := severities(ws)
	docs := res.Incidents
	slices.SortStableFunc(docs, func(a, b *incident.Document) int {
		ra, rb := a.Meta.Status == incident.StatusResolved, b.Meta.Status == incident.StatusResolved
		if ra != rb {
			if ra {
				return 1
			}
			return -1
		}
		if !ra {
			if c := cmp.Compare(board.Rank(sevs, a.Meta.Severity), board.Rank(sevs, b.Meta.Severity)); c != 0 {
				return c
			}
		}
		return b.Meta.DeclaredAt.Compare(a.Meta.DeclaredAt)
	})
	q := strings.ToLower(toComplete)
	var full, short []cobra.Completion
	for _, d := range docs {
		m := d.Meta
		desc := m.Severity + " " + m.Status + ": " + m.Title
		if strings.HasPrefix(m.ID, q) {
			full = append(full, cobra.CompletionWithDesc(m.ID, desc))
		}
		if r := shortRef(m.ID); q != "" && strings.HasPrefix(r, q) {
			short = append(short, cobra.CompletionWithDesc(r, desc))
		}
	}
	if len(full) == 0 {
		full = short
	}
	return full, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveKeepOrder
}

// completeSeverity offers the severities of the reviewed definitions, most severe first, with
// their summaries; list and stats take several, comma-separated.
func (app *App) completeSeverity(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	var levels []struct{ id, summary string }
	if ws := app.completionWorkspace(); ws != nil {
		if sevs := severities(ws); sevs != nil {
			for _, l := range sevs.Levels {
				levels = append(levels, struct{ id, summary string }{l.ID, l.Summary})
			}
		}
	}
	if levels == nil {
		for _, id := range []string{"SEV1", "SEV2", "SEV3", "SEV4"} {
			levels = append(levels, struct{ id, summary string }{id, ""})
		}
	}
	prefix := ""
	if i := strings.LastIndexByte(toComplete, ','); i >= 0 {
		prefix = toComplete[:i+1]
	}
	out := make([]cobra.Completion, 0, len(levels))
	for _, l := range levels {
		out = append(out, cobra.CompletionWithDesc(prefix+l.id, l.summary))
	}
	return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveKeepOrder
}

// completeStatus offers what a command's --status takes: a status to set for update, a
// selection for list.
func completeStatus(command string) cobra.CompletionFunc {
	values := []string{incident.StatusInvestigating, incident.StatusIdentified, incident.StatusMitigated}
	if command != "update" {
		values = append([]string{"open", "resolved", "all"}, incident.Statuses[:3]...)
	}
	return func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveKeepOrder
	}
}

// completeRole offers "<role>=" for the role names in .incidentctl.yaml (or the defaults),
// leaving the cursor after the = for the name.
func (app *App) completeRole(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if strings.Contains(toComplete, "=") {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	roles := config.DefaultRoles
	if ws := app.completionWorkspace(); ws != nil {
		roles = ws.Config.RoleNames()
	}
	out := make([]cobra.Completion, len(roles))
	for i, r := range roles {
		out[i] = r + "="
	}
	return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
}
