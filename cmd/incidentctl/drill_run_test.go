//go:build unix

package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// quickScenario delivers three injects within a fifth of a second at --speed 600 and a fourth
// a minute later: Ctrl-C comes between them however loaded the machine is.
const quickScenario = `---
title: Quick
severity: SEV3
difficulty: easy
---

## Variants

### only

Nothing to break.

## Injects

- +0m [a] first
- +1m [b] second
- +2m [c] third
- +10h [d] fourth

## Expected actions

- by +5m: Mitigate <!-- status: mitigated -->
`

// TestDrillRunCtrlC runs the facilitator's loop on the real clock, as a separate process, and
// presses Ctrl-C (SIGINT) after the third inject: it stops at once, every delivered inject is
// committed, the repository is clean, and running it again delivers the rest and ends.
func TestDrillRunCtrlC(t *testing.T) {
	r := runner{t: t, env: responderEnv(t)}
	dir := filepath.Join(t.TempDir(), "ops")
	r.must(filepath.Dir(dir), "git", "init", "-q", dir)
	r.must(dir, "git", "commit", "-q", "--allow-empty", "-m", "first")
	r.must(dir, "incidentctl", "init")
	if err := os.MkdirAll(filepath.Join(dir, "drills"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "drills", "quick.md"), []byte(quickScenario), 0o644); err != nil {
		t.Fatal(err)
	}
	r.must(dir, "git", "add", "drills")
	r.must(dir, "git", "commit", "-q", "-m", "a scenario")
	m := declared.FindStringSubmatch(r.must(dir, "incidentctl", "drill", "start", "quick", "--speed", "600"))
	if m == nil {
		t.Fatal("drill start printed no ID")
	}
	id := m[1]

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "incidentctl", "drill", "run", id)
	cmd.Dir, cmd.Env = dir, r.env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(out)
	var got []string
	for len(got) < 3 && lines.Scan() {
		got = append(got, lines.Text())
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	for lines.Scan() {
		got = append(got, lines.Text())
	}
	err = cmd.Wait()
	var exit *exec.ExitError
	if errors.As(err, &exit) || err != nil {
		t.Fatalf("drill run after Ctrl-C: %v\n%s", err, stderr.String())
	}
	if len(got) != 3 || !strings.HasSuffix(got[0], "inject 1 (+0m) from a: first") || !strings.HasSuffix(got[2], "inject 3 (+2m) from c: third") {
		t.Errorf("printed before Ctrl-C:\n%s", strings.Join(got, "\n"))
	}
	if !strings.Contains(stderr.String(), "Stopped: 3 of 4 injects delivered. incidentctl drill run "+id[7:]+" goes on from here.") {
		t.Errorf("stderr:\n%s", stderr.String())
	}
	if s := r.must(dir, "git", "status", "--porcelain"); s != "" {
		t.Errorf("git status after Ctrl-C:\n%s", s)
	}
	r.must(dir, "git", "fsck", "--strict")
	if n := strings.Count(r.must(dir, "git", "log", "--format=%s"), ": inject "); n != 3 {
		t.Errorf("%d inject commits, want 3", n)
	}

	// Again, two minutes later on a fixed clock: the fourth comes and the loop ends by itself.
	later := runner{t: t, env: append(r.env, "INCIDENTCTL_NOW="+time.Now().Add(2*time.Minute).Format(time.RFC3339))}
	o, e, err := later.run(ctx, dir, "incidentctl", "drill", "run", id)
	if err != nil || strings.Count(o, "inject ") != 1 || !strings.Contains(o, "inject 4 (+10h) from d: fourth") || !strings.Contains(e, "All 4 injects delivered.") {
		t.Fatalf("second run: %v\n%s%s", err, o, e)
	}
	later.must(dir, "incidentctl", "lint", "--strict")
}

// TestDrillRunBesideTheTrainee: the facilitator's loop and the trainee's commands commit to the
// same branch at the same time; the loop retries when the trainee committed first, so every
// inject and every entry of the trainee's is there, each once.
func TestDrillRunBesideTheTrainee(t *testing.T) {
	r := runner{t: t, env: responderEnv(t)}
	dir := filepath.Join(t.TempDir(), "ops")
	r.must(filepath.Dir(dir), "git", "init", "-q", dir)
	r.must(dir, "git", "commit", "-q", "--allow-empty", "-m", "first")
	r.must(dir, "incidentctl", "init")
	var sc strings.Builder
	sc.WriteString("---\ntitle: Busy\nseverity: SEV3\ndifficulty: easy\n---\n\n## Variants\n\n### only\n\nNothing.\n\n## Injects\n\n")
	for i := range 12 {
		sc.WriteString("- +" + strconv.Itoa(i) + "m [x] inject text\n")
	}
	sc.WriteString("\n## Expected actions\n\n- by +5m: Mitigate <!-- status: mitigated -->\n")
	os.MkdirAll(filepath.Join(dir, "drills"), 0o755)
	if err := os.WriteFile(filepath.Join(dir, "drills", "busy.md"), []byte(sc.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	r.must(dir, "git", "add", "drills")
	r.must(dir, "git", "commit", "-q", "-m", "a scenario")
	m := declared.FindStringSubmatch(r.must(dir, "incidentctl", "drill", "start", "busy", "--speed", "300"))
	if m == nil {
		t.Fatal("drill start printed no ID")
	}
	id := m[1]
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	done := make(chan error, 1)
	var o, e string
	go func() {
		var err error
		o, e, err = r.run(ctx, dir, "incidentctl", "drill", "run", id)
		done <- err
	}()
	const entries = 12
	for i := range entries {
		// A log entry may lose the race too; the trainee would run it again.
		for try := 0; ; try++ {
			_, le, err := r.run(ctx, dir, "incidentctl", "log", id, "trainee entry "+string(rune('a'+i)))
			if err == nil {
				break
			}
			if try == 20 || !strings.Contains(le, "moved") && !strings.Contains(le, "lock") && !strings.Contains(le, "uncommitted changes") {
				t.Fatalf("log: %v\n%s", err, le)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	if err := <-done; err != nil || strings.Count(o, "  inject ") != 12 {
		t.Fatalf("drill run: %v\n%s%s", err, o, e)
	}
	doc := r.must(dir, "git", "show", "HEAD:"+m[2])
	for i := range entries {
		if n := strings.Count(doc, "] trainee entry "+string(rune('a'+i))+"\n"); n != 1 {
			t.Errorf("trainee entry %c appears %d times", 'a'+i, n)
		}
	}
	for i := 1; i <= 12; i++ {
		if n := strings.Count(doc, "] inject "+strconv.Itoa(i)+" ("); n != 1 {
			t.Errorf("inject %d appears %d times", i, n)
		}
	}
	if s := r.must(dir, "git", "status", "--porcelain"); s != "" {
		t.Errorf("git status:\n%s", s)
	}
}
