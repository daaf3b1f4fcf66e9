package cli

import (
	"bytes"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func TestStatsWindow(t *testing.T) {
	utc := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	// A date is a whole UTC day, both ends included; a time is that instant.
	r, err := statsOptions{Since: "2026-10-01", Until: "2026-10-31"}.window()
	if err != nil || !r.Since.Equal(utc("2026-10-01T00:00:00Z")) || !r.Before.Equal(utc("2026-11-01T00:00:00Z")) {
		t.Errorf("dates: %+v, %v", r, err)
	}
	r, err = statsOptions{Since: "2026-10-01T00:00:00+09:00", Until: "2026-10-31T09:00:00+09:00"}.window()
	if err != nil || !r.Since.Equal(utc("2026-09-30T15:00:00Z")) || !r.Before.Equal(utc("2026-10-31T00:00:00Z").Add(time.Nanosecond)) {
		t.Errorf("times: %+v, %v", r, err)
	}
	if r, err := (statsOptions{}).window(); err != nil || !r.Since.IsZero() || !r.Before.IsZero() {
		t.Errorf("no bounds: %+v, %v", r, err)
	}
	if _, err := (statsOptions{Since: "2026-10-01", Until: "2026-10-01"}).window(); err != nil {
		t.Errorf("one whole day is a valid window: %v", err)
	}
	for _, o := range []statsOptions{
		{Since: "yesterday"}, {Until: "2026-10-32"}, {Since: "10/01/2026"},
		{Since: "2026-10-02", Until: "2026-10-01"},
		{Since: "2026-10-01T12:00:00Z", Until: "2026-10-01T11:00:00Z"},
	} {
		var usage *UsageError
		if _, err := o.window(); !errors.As(err, &usage) {
			t.Errorf("%+v: %v, want a usage error", o, err)
		}
	}
}

// cockpitRepo makes a repository with one SEV2 incident declared at 10:02; now is 11:00, so
// its announcement (due at 10:32) is overdue.
func cockpitRepo(t *testing.T) func(tty bool, args ...string) (string, string, int) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	t.Setenv("NO_COLOR", "")
	for _, args := range [][]string{
		{"init", "-q", "-b", "main"},
		{"config", "user.name", "Alice Example"},
		{"config", "user.email", "alice@example.com"},
		{"commit", "-q", "--allow-empty", "-m", "first"},
	} {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	t.Chdir(dir)
	now := time.Date(2026, 11, 23, 11, 0, 0, 0, time.FixedZone("JST", 9*3600))
	run := func(tty bool, args ...string) (string, string, int) {
		var out, errb bytes.Buffer
		app := &App{IO: IO{In: strings.NewReader(""), Out: &out, Err: &errb, OutTTY: tty}, Now: func() time.Time { return now }}
		code := Run(app, args)
		return out.String(), errb.String(), code
	}
	for _, args := range [][]string{{"init"}, {"new", "Checkout API returns 500s", "--severity", "SEV2", "--at", "10:02"}} {
		if _, e, code := run(false, args...); code != ExitOK {
			t.Fatalf("%v: exit %d: %s", args, code, e)
		}
	}
	return run
}

func TestCockpitColour(t *testing.T) {
	run := cockpitRepo(t)
	const esc = "\x1b["
	for _, args := range [][]string{{"status"}, {"next", "2611"}} {
		out, _, code := run(true, args...)
		if code != ExitOK {
			t.Fatalf("%v: exit %d", args, code)
		}
		if !strings.Contains(out, "\x1b[31moverdue 28m (due 10:32 +09:00)\x1b[0m") {
			t.Errorf("%v on a terminal: the overdue announcement is not red:\n%q", args, out)
		}
		if !strings.Contains(out, "  \x1b[33mSEV2\x1b[0m  ") {
			t.Errorf("%v on a terminal: SEV2 is not yellow:\n%q", args, out)
		}

		plain, _, _ := run(false, args...)
		if strings.Contains(plain, esc) {
			t.Errorf("%v piped: colours in the output:\n%q", args, plain)
		}
		t.Setenv("NO_COLOR", "1")
		noColour, _, _ := run(true, args...)
		t.Setenv("NO_COLOR", "")
		if strings.Contains(noColour, esc) {
			t.Errorf("%v with NO_COLOR: colours in the output:\n%q", args, noColour)
		}
		if noColour != plain {
			t.Errorf("%v: NO_COLOR on a terminal differs from piped output:\n%s\n---\n%s", args, noColour, plain)
		}
	}
	// JSON is never coloured.
	if out, _, _ := run(true, "status", "--json"); strings.Contains(out, esc) {
		t.Errorf("status --json on a terminal has colours:\n%s", out)
	}
}

func TestHandoffFlags(t *testing.T) {
	run := cockpitRepo(t)
	for _, c := range []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"handoff", "2611"}, ExitUsage, "--to is required"},
		{[]string{"handoff", "2611", "--to", ""}, ExitUsage, "--to is required"},
		{[]string{"handoff", "2611", "--to", "bob", "--note", " "}, ExitUsage, "--note is empty"},
		{[]string{"handoff", "2611", "--to", "bob", "--at", "noon"}, ExitUsage, `--at "noon"`},
		{[]string{"handoff", "--to", "bob"}, ExitUsage, "handoff takes one incident ID"},
		{[]string{"handoff", "2611", "--to", "alice example"}, ExitUsage, "Alice Example already commands"},
	} {
		_, errOut, code := run(false, c.args...)
		if code != c.code || !strings.Contains(errOut, c.err) {
			t.Errorf("%v: exit %d, %q; want exit %d and %q", c.args, code, errOut, c.code, c.err)
		}
	}
	out, errOut, code := run(false, "handoff", "2611", "--to", "bob", "--note", "rollback running")
	if code != ExitOK || out != "" || !strings.HasPrefix(errOut, "Handed ") {
		t.Fatalf("handoff: exit %d\nstdout %q\nstderr %q", code, out, errOut)
	}
	out, _, _ = run(false, "show", "2611")
	if !strings.Contains(out, "handoff: commander Alice Example → bob. Briefing: rollback running. Status: SEV2 investigating, declared 10:02 +09:00;") {
		t.Errorf("the log has no briefing:\n%s", out)
	}
}
