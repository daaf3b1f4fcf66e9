package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/incidentctl/incidentctl/pkg/workspace"
)

// run is the shape every command that changes one incident shares once its own flags are
// checked: the change flags become workspace.Options (a bad --at is a usage error), the
// workspace is opened, and do makes the change and reports it.
func (c *changeFlags) run(app *App, do func(ws *workspace.Workspace, opts workspace.Options) error) error {
	opts, err := c.options(app)
	if err != nil {
		return err
	}
	ws, err := app.openForChange()
	if err != nil {
		return err
	}
	err = do(ws, opts)
	var nothing *workspace.NothingToChangeError
	if errors.As(err, &nothing) {
		return app.reportUnchanged(nothing)
	}
	return err
}

// reportUnchanged reports a change that was already so: no commit, exit 0; --json prints the
// incident as it is, with an empty commit and changed false.
func (app *App) reportUnchanged(n *workspace.NothingToChangeError) error {
	if app.JSON {
		return app.printJSON(app.toWriteJSON(&workspace.Result{ID: n.Doc.Meta.ID, Path: n.Doc.Path, Doc: n.Doc}))
	}
	fmt.Fprintln(app.Err, app.P.T("change.nothing", "ID", n.Doc.Meta.ID, "Reason", strings.Join(app.translateAll(strings.Split(n.Reason, "; ")), "; ")))
	return nil
}

// runReported is run for a change reported the usual way: "<what> <id> (commit <hash>)" on
// stderr, or the write result as JSON (reportChange).
func (c *changeFlags) runReported(app *App, what string, do func(ws *workspace.Workspace, opts workspace.Options) (*workspace.Result, error)) error {
	return c.run(app, func(ws *workspace.Workspace, opts workspace.Options) error {
		res, err := do(ws, opts)
		if err != nil {
			return err
		}
		return app.reportChange(res, what)
	})
}

// translateAll gives texts the domain made with i18n.Text (warnings, notes, problems) in the
// reader's language; other texts pass through.
func (app *App) translateAll(texts []string) []string {
	out := make([]string, len(texts))
	for i, t := range texts {
		out[i] = app.P.Translate(t)
	}
	return out
}
