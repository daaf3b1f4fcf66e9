package cli

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/spf13/cobra"

	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/workspace"
)

func newEditCmd(app *App) *cobra.Command {
	var c changeFlags
	var restart bool
	cmd := &cobra.Command{
		Use:   "edit <id> [--restart]",
		Short: app.P.T("edit.short"),
		Long:  app.P.T("edit.long"),
		Example: `  incidentctl edit k7x
  EDITOR="code --wait" incidentctl edit k7x
  incidentctl edit k7x --restart`,
		Args: exactArgs(1, "one incident ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.run(app, func(ws *workspace.Workspace, opts workspace.Options) error {
				d, err := ws.EditStart(args[0], restart, opts)
				if err != nil {
					return err
				}
				if d.Resumed {
					fmt.Fprintln(app.Err, app.P.T("edit.resumed", "Draft", d.DraftPath, "ID", shortRef(d.ID)))
				}
				if err := app.runEditor(d.DraftPath); err != nil {
					return err // the draft stays: nothing typed is lost
				}
				res, err := ws.EditFinish(d, opts)
				var nothing *workspace.NothingToChangeError
				if errors.As(err, &nothing) {
					ws.EditDiscard(d)
				}
				var refused *workspace.EditError
				if errors.As(err, &refused) {
					return errors.New(app.P.T("edit.refused", "Path", refused.Draft.Path, "Problems", "\n  "+strings.Join(app.translateAll(refused.Problems), "\n  "),
						"Draft", refused.Draft.DraftPath, "ID", refused.Draft.ID))
				}
				if err != nil {
					return err
				}
				return app.reportChange(res, "edit.done")
			})
		},
	}
	cmd.Flags().BoolVar(&restart, "restart", false, i18n.Text("flag.edit.restart"))
	c.add(cmd)
	return cmd
}

// editor is the command the user edits text with, as git chooses it: $VISUAL, $EDITOR, vi.
func (app *App) editor() string {
	getenv := app.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	for _, k := range []string{"VISUAL", "EDITOR"} {
		if v := strings.TrimSpace(getenv(k)); v != "" {
			return v
		}
	}
	return "vi"
}

// runEditor opens path in the editor, through the shell as git does, so that EDITOR may carry
// arguments ("code --wait"); the editor gets the terminal.
func (app *App) runEditor(path string) error {
	ed := app.editor()
	cmd := exec.Command("sh", "-c", ed+` "$@"`, ed, path)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stderr, os.Stderr
	if f, ok := app.In.(*os.File); ok {
		cmd.Stdin = f
	}
	if err := cmd.Run(); err != nil {
		return errors.New(app.P.T("edit.editor_failed", "Editor", ed, "Err", err.Error(), "Draft", path))
	}
	return nil
}
