package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
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
		// UPDATE_SCRIPTS=1 rewrites the files a script compares with (cmp stdout file) from what
		// the commands print: review the diff before committing it.
		UpdateScripts: os.Getenv("UPDATE_SCRIPTS") != "",
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"capture":          capture,
			"code":             exitCode,
			"chat":             chat,            // chat_test.go
			"waitfor":          waitForLine,     // wait_test.go
			"append":           appendLine,      // loop_test.go
			"timeline-matches": timelineMatches, // loop_test.go
		},
		Setup:     scriptSetup,
		Condition: scriptCondition,
	})
}

// scriptCondition knows [tty]: script(1) (util-linux) is there to give a command a terminal.
// Missing, the lines it guards are skipped, unless INCIDENTCTL_REQUIRE_TOOLS=1 (CI) makes that
// an error.
func scriptCondition(cond string) (bool, error) {
	if cond != "tty" {
		return false, fmt.Errorf("unknown condition %q", cond)
	}
	if _, err := exec.LookPath("script"); err != nil {
		if os.Getenv("INCIDENTCTL_REQUIRE_TOOLS") == "1" {
			return false, fmt.Errorf("script(1) is not installed (apt-get install bsdutils) and INCIDENTCTL_REQUIRE_TOOLS=1")
		}
		return false, nil
	}
	return true, nil
}

// scriptSetup gives every script a home, git's identity, a time zone and a fixed clock.
func scriptSetup(env *testscript.Env) error {
	// The project's own files (incidents/, drills/), for scripts that replay them.
	project, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		return err
	}
	env.Setenv("PROJECT", project)
	home := filepath.Join(env.WorkDir, ".home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		return err
	}
	env.Values[chatKey{}] = &chatHolder{}
	env.Setenv("HOME", home)
	env.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	env.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	// git checks the cache tree of every index it writes (gittest.Main says why).
	env.Setenv("GIT_TEST_CHECK_CACHE_TREE", "1")
	env.Setenv("TZ", "Asia/Tokyo")
	// A fixed clock, so that "--at 10:02" and ages are reproducible.
	env.Setenv("INCIDENTCTL_NOW", "2026-11-23T11:00:00+09:00")
	cfg := "[user]\n\tname = Alice Example\n\temail = alice@example.com\n[init]\n\tdefaultBranch = main\n"
	return os.WriteFile(filepath.Join(home, ".gitconfig"), []byte(cfg), 0o644)
}

// capture NAME REGEXP sets $NAME to the first group of REGEXP in the last command's stdout, so a
// script can use the random ID that `incidentctl new` printed.
func capture(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: capture NAME REGEXP")
	}
	re, err := regexp.Compile("(?m)" + args[1])
	ts.Check(err)
	m := re.FindStringSubmatch(ts.ReadFile("stdout"))
	if len(m) < 2 {
		ts.Fatalf("capture: %q has no match (with a group) in stdout", args[1])
	}
	ts.Setenv(args[0], m[1])
}

// code N COMMAND ARGS... runs a command like exec and fails unless it exits with status N: the
// exit codes are a contract (README, "Exit codes"), and `! exec` only tells that one failed.
func exitCode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: code N command [args...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("%s: %v", args[1], err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited %d, want %d", args[1], got, want)
	}
}
