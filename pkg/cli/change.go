package cli

import (
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
	ws, err := app.open()
	if err != nil {
		return err
	}
	return do(ws, opts)
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
