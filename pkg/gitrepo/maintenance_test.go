package gitrepo

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// packedRepo makes a repository with packs packs (one commit each, repacked incrementally,
// as fetches leave them) and the given config.
func packedRepo(t *testing.T, packs int, config ...string) string {
	t.Helper()
	dir := newRepo(t, nil)
	for i := 0; i < packs; i++ {
		writeFile(t, dir, fmt.Sprintf("f%d.txt", i), fmt.Sprintf("file %d\n", i))
		gitOut(t, dir, "add", ".")
		gitOut(t, dir, "commit", "-q", "-m", fmt.Sprintf("c%d", i))
		gitOut(t, dir, "repack", "-q", "-d") // a new pack of the new objects, none loose
	}
	for i := 0; i+1 < len(config); i += 2 {
		gitOut(t, dir, "config", config[i], config[i+1])
	}
	if got := countPacks(filepath.Join(dir, ".git", "objects", "pack")); got != packs {
		t.Fatalf("made %d packs, want %d", got, packs)
	}
	return dir
}

// In17 are blob contents whose names start with 17 (the fan-out directory git estimates the
// loose objects from): "filler 133\n" is 177d644…, "filler 197\n" 17e1da1…, "filler 696\n"
// 17a215d….
var in17 = []string{"filler 133\n", "filler 197\n", "filler 696\n"}

// looseIn17 writes n loose objects into objects/17.
func looseIn17(t *testing.T, dir string, n int) {
	t.Helper()
	for _, c := range in17[:n] {
		h := strings.TrimSpace(gitOutStdin(t, dir, []byte(c), "hash-object", "-w", "--stdin"))
		if !strings.HasPrefix(h, "17") {
			t.Fatalf("%q is %s, not in objects/17", c, h)
		}
	}
}

// fakeGit puts a git first on PATH that records each run in the returned file and then runs
// the real git.
func fakeGit(t *testing.T) (record string) {
	t.Helper()
	real, err := exec.LookPath("git")
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	record = filepath.Join(bin, "calls")
	script := fmt.Sprintf("#!/bin/sh\necho \"$*\" >> %s\nexec %s \"$@\"\n", record, real)
	if err := os.WriteFile(filepath.Join(bin, "git"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	return record
}

func calls(t *testing.T, record string) string {
	t.Helper()
	b, err := os.ReadFile(record)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return string(b)
}

func countObjects(t *testing.T, dir string) map[string]int {
	t.Helper()
	m := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(gitOut(t, dir, "count-objects", "-v")), "\n") {
		k, v, _ := strings.Cut(line, ": ")
		m[k], _ = strconv.Atoi(v)
	}
	return m
}

func TestMaintenanceDue(t *testing.T) {
	for _, tc := range []struct {
		name   string
		packs  int
		loose  int // in objects/17
		keep   bool
		config []string
		due    bool
	}{
		{name: "defaults, 4 packs", packs: 4},
		{name: "over the pack limit", packs: 4, config: []string{"gc.autoPackLimit", "3"}, due: true},
		{name: "at the pack limit", packs: 3, config: []string{"gc.autoPackLimit", "3"}},
		{name: "a kept pack does not count", packs: 4, keep: true, config: []string{"gc.autoPackLimit", "3"}},
		{name: "pack limit 0 is off", packs: 4, config: []string{"gc.autoPackLimit", "0", "gc.auto", "1"}},
		{name: "gc.auto=0 turns off the pack limit too", packs: 4, config: []string{"gc.autoPackLimit", "3", "gc.auto", "0"}},
		{name: "maintenance.auto=false", packs: 4, config: []string{"gc.autoPackLimit", "3", "maintenance.auto", "false"}},
		{name: "the gc task disabled", packs: 4, config: []string{"gc.autoPackLimit", "3", "maintenance.gc.enabled", "false"}},
		{name: "two loose in 17 over gc.auto=1", packs: 1, loose: 2, config: []string{"gc.auto", "1"}, due: true},
		{name: "one loose in 17 is not over gc.auto=1", packs: 1, loose: 1, config: []string{"gc.auto", "1"}},
		{name: "three loose in 17 are not over gc.auto=513", packs: 1, loose: 3, config: []string{"gc.auto", "513"}},
		{name: "gc.auto in k", packs: 1, loose: 2, config: []string{"gc.auto", "1k"}},
		{name: "loose, but gc.auto=0", packs: 1, loose: 3, config: []string{"gc.auto", "0"}},
		{name: "another task enabled: git decides", packs: 1, config: []string{"maintenance.commit-graph.enabled", "true"}, due: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := packedRepo(t, tc.packs, tc.config...)
			if tc.keep {
				m, _ := filepath.Glob(filepath.Join(dir, ".git", "objects", "pack", "pack-*.pack"))
				os.WriteFile(strings.TrimSuffix(m[0], ".pack")+".keep", nil, 0o644)
			}
			looseIn17(t, dir, tc.loose)
			m := openRepo(t, dir).MaintenanceDue()
			if m.Due != tc.due {
				t.Errorf("Due = %v, want %v (%+v)", m.Due, tc.due, m)
			}
		})
	}
}

// Due: git's own maintenance runs, in the foreground with gc.autoDetach=false, and leaves one
// pack and a repository git fsck finds clean.
func TestAutoMaintenanceRepacks(t *testing.T) {
	record := fakeGit(t)
	dir := packedRepo(t, 5, "gc.autoPackLimit", "3", "gc.autoDetach", "false")
	// Loose objects a commit refers to (unreachable ones stay loose for gc.pruneExpire).
	writeFile(t, dir, "g1.txt", in17[0])
	writeFile(t, dir, "g2.txt", in17[1])
	gitOut(t, dir, "add", ".")
	gitOut(t, dir, "-c", "maintenance.auto=false", "commit", "-q", "-m", "loose") // git commit would run it itself
	if got := countObjects(t, dir); got["count"] < 4 {
		t.Fatalf("before: %v", got)
	}
	var said []Maintenance
	m := openRepo(t, dir).AutoMaintenance(func(m Maintenance) { said = append(said, m) })
	if !m.Ran || m.Err != nil || m.Skipped != "" || m.Detach {
		t.Fatalf("AutoMaintenance = %+v", m)
	}
	if len(said) != 1 || said[0].Packs != 5 || said[0].PackLimit != 3 || !said[0].Passed() {
		t.Errorf("starting was told %+v", said)
	}
	if c := calls(t, record); !strings.Contains(c, "maintenance run --auto --quiet") {
		t.Errorf("git ran %q, not maintenance run --auto", c)
	}
	if got := countObjects(t, dir); got["packs"] != 1 || got["count"] != 0 {
		t.Errorf("after maintenance, git count-objects -v says %v", got)
	}
	fsck(t, dir)
	if m := openRepo(t, dir).MaintenanceDue(); m.Due {
		t.Errorf("still due after maintenance: %+v", m)
	}
}

// gc.autoDetach (the default): git puts gc in the background and AutoMaintenance returns; the
// gc finishes on its own (bounded wait: one pack, no gc.pid).
func TestAutoMaintenanceDetached(t *testing.T) {
	dir := packedRepo(t, 5, "gc.autoPackLimit", "3")
	m := openRepo(t, dir).AutoMaintenance(nil)
	if !m.Ran || m.Err != nil || !m.Detach {
		t.Fatalf("AutoMaintenance = %+v", m)
	}
	pack := filepath.Join(dir, ".git", "objects", "pack")
	pid := filepath.Join(dir, ".git", "gc.pid")
	deadline := time.Now().Add(2 * time.Minute)
	for {
		_, err := os.Stat(pid)
		_, errLog := os.Stat(filepath.Join(dir, ".git", "gc.log.lock")) // written as gc exits
		if countPacks(pack) == 1 && os.IsNotExist(err) && os.IsNotExist(errLog) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the background gc has not finished: %d packs, gc.pid: %v", countPacks(pack), err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	fsck(t, dir)
}

// Nothing due: git is not started at all.
func TestAutoMaintenanceNotDue(t *testing.T) {
	record := fakeGit(t)
	for _, config := range [][]string{
		nil,
		{"gc.autoPackLimit", "3", "gc.auto", "0"},
		{"gc.autoPackLimit", "3", "maintenance.auto", "false"},
	} {
		dir := packedRepo(t, 4, config...)
		looseIn17(t, dir, 2)
		os.Remove(record) // packedRepo ran git through it
		m := openRepo(t, dir).AutoMaintenance(func(Maintenance) { t.Error("starting was called") })
		if m.Due || m.Ran {
			t.Errorf("config %v: %+v", config, m)
		}
		if c := calls(t, record); c != "" {
			t.Errorf("config %v: git was run: %q", config, c)
		}
	}
}

// A gc that gc.pid names as running here (this process) or on another host: git is not
// started; a stale gc.pid (a pid that is gone, or older than 12 hours) does not stop it.
func TestAutoMaintenanceGCRunning(t *testing.T) {
	record := fakeGit(t)
	host, _ := os.Hostname()
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		pid     string
		old     bool
		running bool
	}{
		{pid: fmt.Sprintf("%d %s", os.Getpid(), host), running: true},
		{pid: "4242 build-host-elsewhere", running: true},
		{pid: fmt.Sprintf("%d %s", dead.Process.Pid, host)},
		{pid: fmt.Sprintf("%d %s", os.Getpid(), host), old: true},
	} {
		dir := packedRepo(t, 4, "gc.autoPackLimit", "3", "gc.autoDetach", "false")
		path := filepath.Join(dir, ".git", "gc.pid")
		os.WriteFile(path, []byte(tc.pid), 0o644)
		if tc.old {
			past := time.Now().Add(-13 * time.Hour)
			os.Chtimes(path, past, past)
		}
		os.Remove(record)
		m := openRepo(t, dir).AutoMaintenance(nil)
		if tc.running {
			if m.Ran || m.Skipped != SkipRunning || calls(t, record) != "" {
				t.Errorf("gc.pid %q: %+v, git ran %q", tc.pid, m, calls(t, record))
			}
			continue
		}
		if !m.Ran || m.Skipped != "" {
			t.Errorf("stale gc.pid %q (old %v): %+v", tc.pid, tc.old, m)
		}
	}
}

// No git on PATH: nothing runs, nothing fails.
func TestAutoMaintenanceWithoutGit(t *testing.T) {
	dir := packedRepo(t, 4, "gc.autoPackLimit", "3")
	t.Setenv("PATH", t.TempDir())
	m := openRepo(t, dir).AutoMaintenance(func(Maintenance) { t.Error("starting was called") })
	if !m.Due || m.Ran || m.Skipped != SkipNoGit || m.Err != nil {
		t.Errorf("without git: %+v", m)
	}
}

// A failing git (here: gc.log left by a failed background gc, which git reports and then
// skips) is reported in the result, never as a failure of the caller.
func TestAutoMaintenanceReportsGit(t *testing.T) {
	dir := packedRepo(t, 4, "gc.autoPackLimit", "3")
	os.WriteFile(filepath.Join(dir, ".git", "gc.log"), []byte("fatal: something went wrong\n"), 0o644)
	m := openRepo(t, dir).AutoMaintenance(nil)
	if !m.Ran || !strings.Contains(m.Output, "gc.log") {
		t.Errorf("with gc.log: %+v", m)
	}
	if got := countObjects(t, dir); got["packs"] != 4 {
		t.Errorf("git gc ran although gc.log says the last one failed: %v", got)
	}
}

func TestIndexWrittenSince(t *testing.T) {
	dir := newRepo(t, map[string]string{"a.txt": "a\n"})
	r := openRepo(t, dir)
	index := filepath.Join(dir, ".git", "index")
	past := time.Now().Add(-time.Hour)
	os.Chtimes(index, past, past)
	if r.IndexWrittenSince(time.Now()) {
		t.Error("an index written an hour ago counts as written now")
	}
	start := time.Now()
	if _, err := commitFiles(t, r, "b", map[string]string{"b.txt": "b\n"}); err != nil {
		t.Fatal(err)
	}
	if !r.IndexWrittenSince(start) {
		t.Error("a commit's index does not count as written")
	}
}
