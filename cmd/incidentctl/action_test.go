package main

import (
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestAction runs the composite action's scripts (action/install.sh, action/lint.sh) the way
// the runner does, with the runner's environment variables, against a release served from the
// file system and repositories made in the script (testdata/action/*.txtar).
func TestAction(t *testing.T) {
	for _, tool := range []string{"bash", "curl", "tar", "sha256sum"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/action",
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			env.Setenv("ACTION", root)
			return scriptSetup(env)
		},
	})
}
