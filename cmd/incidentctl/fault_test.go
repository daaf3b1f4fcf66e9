package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/fault"
)

// Fault injection: incidentctl is killed (SIGKILL, as kill -9) at every named step of a commit
// and of a sync (INCIDENTCTL_FAULT=<step>, pkg/gitrepo/fault), several times per step, and after
// every kill:
//   - git fsck --strict passes;
//   - the next command succeeds without any manual step;
//   - the change that was killed is either wholly there (in HEAD and in the working tree) or
//     not at all, and every change reported as committed is in HEAD and in the working tree;
//   - the repository is clean: nothing staged, nothing modified, no lock file, no temporary file.
//
// INCIDENTCTL_FAULT_KILLS (default 2) sets the kills per step; INCIDENTCTL_FAULT_REPORT names a
// file that receives the counts (kills per step, recoveries that needed a manual step).

type faultStats struct {
	mu     sync.Mutex
	kills  map[string]int
	manual map[string]int
	missed map[string]int // the step was not reached: the process was not killed
}

var stats = faultStats{kills: map[string]int{}, manual: map[string]int{}, missed: map[string]int{}}

func (s *faultStats) add(m map[string]int, step string) {
	s.mu.Lock()
	m[step]++
	s.mu.Unlock()
}

// report writes the counts to INCIDENTCTL_FAULT_REPORT, if set.
func (s *faultStats) report(t *testing.T) {
	path := os.Getenv("INCIDENTCTL_FAULT_REPORT")
	if path == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var b strings.Builder
	total, manual := 0, 0
	fmt.Fprintf(&b, "| step | kills | needed a manual step | not reached |\n| --- | ---: | ---: | ---: |\n")
	for _, steps := range [][]string{fault.Commit, fault.Integrate, fault.Remote} {
		for _, st := range steps {
			fmt.Fprintf(&b, "| %s | %d | %d | %d |\n", st, s.kills[st], s.manual[st], s.missed[st])
			total += s.kills[st]
			manual += s.manual[st]
		}
	}
	fmt.Fprintf(&b, "| total | %d | %d | |\n", total, manual)
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Error(err)
	}
}

func killed(err error) bool {
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return false
	}
	ws, ok := ee.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
}

// withFault is r with INCIDENTCTL_FAULT set.
func (r runner) withFault(step string) runner {
	return runner{t: r.t, env: append(append([]string(nil), r.env...), "INCIDENTCTL_FAULT="+step)}
}

// assertClean checks what every recovered repository must be: fsck passes, nothing is staged
// or modified or untracked, and no lock or temporary file of ours is left.
func assertClean(t *testing.T, r runner, dir, when string) {
	t.Helper()
	if o, e, err := r.run(context.Background(), dir, "git", "fsck", "--strict", "--no-progress"); err != nil {
		t.Errorf("%s: git fsck --strict: %v\n%s%s", when, err, o, e)
	}
	if st := r.must(dir, "git", "status", "--porcelain", "--untracked-files=all"); st != "" {
		t.Errorf("%s: git status is not clean:\n%s", when, st)
	}
	filepath.WalkDir(filepath.Join(dir, ".git"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".lock") {
			t.Errorf("%s: lock file left: %s", when, p)
		}
		return nil
	})
	if _, err := os.Stat(filepath.Join(dir, ".git", "incidentctl", "journal")); err == nil {
		t.Errorf("%s: the journal of a change is left", when)
	}
}

// wholeOrNothing checks that text is in HEAD's version of path exactly when it is in the
// working tree's.
func wholeOrNothing(t *testing.T, r runner, dir, path, text, when string) bool {
	t.Helper()
	head := r.must(dir, "git", "show", "HEAD:"+path)
	b, err := os.ReadFile(filepath.Join(dir, path))
	if err != nil {
		t.Fatal(err)
	}
	inHead, inFile := strings.Contains(head, text), strings.Contains(string(b), text)
	if inHead != inFile {
		t.Errorf("%s: %q is in HEAD: %v, in the working tree: %v", when, text, inHead, inFile)
	}
	return inHead
}

func assertCommitted(t *testing.T, r runner, dir, path string, texts []string, when string) {
	t.Helper()
	head := r.must(dir, "git", "show", "HEAD:"+path)
	b, _ := os.ReadFile(filepath.Join(dir, path))
	for _, text := range texts {
		if !strings.Contains(head, text) || !strings.Contains(string(b), text) {
			t.Errorf("%s: %q was reported committed but is not in HEAD and the working tree", when, text)
		}
	}
}

func TestKillAtEveryCommitStep(t *testing.T) {
	kills := envInt(t, "INCIDENTCTL_FAULT_KILLS", 2)
	r := runner{t: t, env: responderEnv(t)}
	defer stats.report(t)
	// Each index format incidentctl writes natively: the plain index (version 2), version 4
	// with an untracked cache (feature.manyFiles), and a split index (core.splitIndex).
	formats := []struct {
		name  string
		setup [][]string
	}{
		{"v2", nil},
		{"manyFiles", [][]string{{"git", "config", "feature.manyFiles", "true"}, {"git", "config", "core.untrackedCache", "true"},
			{"git", "update-index", "--index-version", "4", "--untracked-cache"}}},
		{"splitIndex", [][]string{{"git", "config", "core.splitIndex", "true"}, {"git", "update-index", "--split-index"}}},
	}
	for _, format := range formats {
		for _, step := range fault.Commit {
			killAtCommitStep(t, r, kills, format.name, format.setup, step)
		}
	}
}

func killAtCommitStep(t *testing.T, r runner, kills int, format string, setup [][]string, step string) {
	{
		t.Run(format+"/"+step, func(t *testing.T) {
			r := runner{t: t, env: r.env}
			dir := t.TempDir()
			r.must(dir, "git", "init", "-q")
			r.must(dir, "incidentctl", "init")
			for _, c := range setup {
				r.must(dir, c[0], c[1:]...)
			}
			r.must(dir, "git", "status", "--porcelain") // fills the untracked cache
			m := declared.FindStringSubmatch(r.must(dir, "incidentctl", "new", "Checkout API returns 500s", "--severity", "SEV2"))
			if m == nil {
				t.Fatal("no incident declared")
			}
			id, path := m[1], m[2]
			var committed []string
			for i := 1; i <= kills; i++ {
				// Every other kill hits a declaration (a new file) instead of a log entry.
				text, args := fmt.Sprintf("killed at %s, %d", step, i), []string(nil)
				if i%2 == 0 {
					args = []string{"new", text, "--severity", "SEV3"}
				} else {
					args = []string{"log", id, text}
				}
				_, errOut, err := r.withFault(step).run(context.Background(), dir, "incidentctl", args...)
				if !killed(err) {
					stats.add(stats.missed, step)
					t.Errorf("%s: incidentctl %s was not killed at the step (%v): %s", step, args[0], err, errOut)
					continue
				}
				stats.add(stats.kills, step)
				when := fmt.Sprintf("after a kill at %s (%d)", step, i)

				// The next command succeeds as it is, and reports what it repaired.
				after := fmt.Sprintf("after the kill at %s, %d", step, i)
				_, errOut, err = r.run(context.Background(), dir, "incidentctl", "log", id, after)
				if err != nil {
					stats.add(stats.manual, step)
					t.Errorf("%s: the next command failed: %v\n%s", when, err, errOut)
					continue
				}
				committed = append(committed, after)
				if args[0] == "log" {
					wholeOrNothing(t, r, dir, path, text, when)
				} else if files := r.must(dir, "git", "ls-files", "-o", "--exclude-standard"); files != "" {
					t.Errorf("%s: untracked files: %s", when, files)
				}
				assertClean(t, r, dir, when)
				assertCommitted(t, r, dir, path, committed, when)
				assertIndexFormat(t, r, dir, format, when)
			}
		})
	}
}

// assertIndexFormat checks that the index kept its format: version 4 with the untracked cache,
// or split.
func assertIndexFormat(t *testing.T, r runner, dir, format, when string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, ".git", "index"))
	if err != nil || len(b) < 12 {
		t.Fatalf("%s: cannot read the index: %v", when, err)
	}
	switch format {
	case "manyFiles":
		if b[7] != 4 || !bytes.Contains(b, []byte("UNTR")) {
			t.Errorf("%s: the index is version %d, untracked cache %v; want version 4 with it", when, b[7], bytes.Contains(b, []byte("UNTR")))
		}
	case "splitIndex":
		if !bytes.Contains(b, []byte("link")) {
			t.Errorf("%s: the index is no longer split", when)
		}
	}
	r.must(dir, "git", "fsck", "--no-progress")
}

// TestKillAtEverySyncStep kills `incidentctl sync` at every step of fetch, integrate (a merge:
// both sides logged to the same incident) and push.
func TestKillAtEverySyncStep(t *testing.T) {
	kills := envInt(t, "INCIDENTCTL_FAULT_KILLS", 2)
	base := runner{t: t, env: responderEnv(t)}
	defer stats.report(t)
	steps := append(append([]string(nil), fault.Integrate...), fault.Remote...)
	for _, step := range steps {
		t.Run(step, func(t *testing.T) {
			r := runner{t: t, env: base.env}
			root := t.TempDir()
			remote := filepath.Join(root, "remote.git")
			r.must(root, "git", "init", "-q", "--bare", remote)
			id, path := setUpIncident(r, root, remote)
			a, b := filepath.Join(root, "a"), filepath.Join(root, "b")
			r.must(root, "git", "clone", "-q", remote, a)
			r.must(root, "git", "clone", "-q", remote, b)
			var fromA, fromB []string
			for i := 1; i <= kills; i++ {
				tb, ta := fmt.Sprintf("from b, %s %d", step, i), fmt.Sprintf("from a, %s %d", step, i)
				r.must(b, "incidentctl", "log", id, tb, "--sync")
				fromB = append(fromB, tb)
				r.must(a, "incidentctl", "log", id, ta)
				fromA = append(fromA, ta)
				_, errOut, err := r.withFault(step).run(context.Background(), a, "incidentctl", "sync")
				if !killed(err) {
					stats.add(stats.missed, step)
					t.Errorf("%s: sync was not killed at the step (%v): %s", step, err, errOut)
					continue
				}
				stats.add(stats.kills, step)
				when := fmt.Sprintf("after a kill at %s (%d)", step, i)
				if _, errOut, err := r.run(context.Background(), a, "incidentctl", "sync"); err != nil {
					stats.add(stats.manual, step)
					t.Errorf("%s: the next sync failed: %v\n%s", when, err, errOut)
					continue
				}
				assertClean(t, r, a, when)
				// git itself is happy with the refs sync wrote.
				if _, errOut, err := r.run(context.Background(), a, "git", "fetch", "-q", "origin"); err != nil {
					t.Errorf("%s: git fetch: %v\n%s", when, err, errOut)
				}
				assertCommitted(t, r, a, path, append(append([]string(nil), fromA...), fromB...), when)
				remoteDoc := r.must(a, "git", "show", "origin/main:"+path)
				for _, text := range fromA {
					if !strings.Contains(remoteDoc, text) {
						t.Errorf("%s: %q did not reach the remote", when, text)
					}
				}
				r.must(b, "incidentctl", "sync")
			}
		})
	}
}
