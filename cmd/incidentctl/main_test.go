package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/incidentctl/incidentctl/pkg/cli"
)

// The end-to-end tests are testscript scripts in testdata/script: each runs incidentctl and git
// in a fresh directory and checks stdout, stderr, files and exit codes, the way a user would.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"incidentctl": func() { os.Exit(cli.Main()) },
	})
}

func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			home := filepath.Join(env.WorkDir, ".home")
			if err := os.MkdirAll(home, 0o755); err != nil {
				return err
			}
			env.Setenv("HOME", home)
			env.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
			env.Setenv("GIT_CONFIG_NOSYSTEM", "1")
			env.Setenv("TZ", "Asia/Tokyo")
			// A fixed clock, so that "--at 10:02" and ages are reproducible.
			env.Setenv("INCIDENTCTL_NOW", "2026-11-23T11:00:00+09:00")
			cfg := "[user]\n\tname = Alice Example\n\temail = alice@example.com\n[init]\n\tdefaultBranch = main\n"
			return os.WriteFile(filepath.Join(home, ".gitconfig"), []byte(cfg), 0o644)
		},
	})
}
