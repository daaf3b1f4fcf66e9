package main

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// markdownlintVersion is the markdownlint-cli2 the documents are checked against: the one
// .ci/run installs from npm (and the benchmark harness compares with).
const markdownlintVersion = "0.24.1"

// TestMarkdownlint runs markdownlint-cli2 over the documents the CLI writes, in every state,
// with the settings init scaffolds (testdata/markdownlint/*.txtar): teams lint their Markdown
// in CI, and incidentctl's documents must not turn it red.
func TestMarkdownlint(t *testing.T) {
	bin := externalTool(t, "markdownlint-cli2", "MARKDOWNLINT_CLI2", ".bench/node/node_modules/.bin/markdownlint-cli2")
	out, err := exec.Command(bin, "--help").CombinedOutput()
	if err != nil && !strings.Contains(string(out), "markdownlint-cli2 v") {
		t.Fatalf("%s --help: %v\n%s", bin, err, out)
	}
	if first, _, _ := strings.Cut(string(out), "\n"); !strings.Contains(first, "v"+markdownlintVersion+" ") {
		t.Logf("checking with %s (CI pins %s)", first, markdownlintVersion)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/markdownlint",
		RequireExplicitExec: true,
		Cmds:                map[string]func(ts *testscript.TestScript, neg bool, args []string){"capture": capture},
		Setup: func(env *testscript.Env) error {
			env.Setenv("MARKDOWNLINT_CLI2", bin)
			return scriptSetup(env)
		},
	})
}
