package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/incidentctl/incidentctl/pkg/i18n"
)

// newManCmd writes the man pages, generated from the command tree itself (manpage.go), so
// they always say what --help says. No make and no root: by default they go to
// the man directory of the user's own data folder, which man(1) searches on its own.
func newManCmd(app *App) *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "man [--dir <dir>]",
		Short: app.P.T("man.short"),
		Long:  app.P.T("man.long"),
		Example: `  incidentctl man && man incidentctl-update
  incidentctl man --dir ./man/man1`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if dir == "" {
				d, err := userManDir()
				if err != nil {
					return err
				}
				dir = d
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return errors.New(app.P.T("man.mkdir_failed", "Dir", dir, "Err", err.Error()))
			}
			now := app.Now()
			header := manHeader{Title: "INCIDENTCTL", Section: "1", Source: "incidentctl " + buildVersion().Version, Manual: "incidentctl manual", Date: now}
			if err := writeManTree(cmd.Root(), header, dir); err != nil {
				return errors.New(app.P.T("man.write_failed", "Dir", dir, "Err", err.Error()))
			}
			pages, _ := filepath.Glob(filepath.Join(dir, "incidentctl*.1"))
			if app.JSON {
				for i, p := range pages {
					pages[i] = filepath.Base(p)
				}
				return app.printJSON(struct {
					Dir   string   `json:"dir"`
					Pages []string `json:"pages"`
				}{dir, pages})
			}
			fmt.Fprintln(app.Err, app.P.T("man.done", "Count", len(pages), "Dir", dir))
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "", i18n.Text("flag.man.dir"))
	return cmd
}

// userManDir is man1 in the user's data folder: $XDG_DATA_HOME/man/man1, else
// ~/.local/share/man/man1 (man-db and mandoc look there when ~/.local/bin is on PATH, and
// through manpath's defaults).
func userManDir() (string, error) {
	if d := strings.TrimSpace(os.Getenv("XDG_DATA_HOME")); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "man", "man1"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return "", usageMsg("man.no_home")
	}
	return filepath.Join(home, ".local", "share", "man", "man1"), nil
}
