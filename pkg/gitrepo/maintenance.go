package gitrepo

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/gitconfig"
)

// Automatic maintenance, as git commit and git fetch do it: after a change or a sync, when the
// repository has more than gc.auto loose objects (default 6700, estimated from objects/17 as
// git estimates it) or more than gc.autoPackLimit packs without a .keep (default 50), git's
// own `git maintenance run --auto` is run here (Documentation/git-gc.txt, "gc.auto",
// "gc.autoPackLimit", "gc.autoDetach"; git-maintenance.txt, "--auto"; git-config.txt,
// "maintenance.auto"). Everything that decides is git's: it runs the pre-auto-gc hook, takes
// gc.pid and objects/maintenance.lock, honours gc.log, and with gc.autoDetach (the default)
// returns once gc has gone to the background. incidentctl only decides, from a couple of
// directory reads, whether starting git is worth it at all, so that a change or a sync with
// nothing due costs what it cost before; and it never starts git while gc.pid names a gc that
// is running. Without git nothing is done: repacking is git's.

// Maintenance is what AutoMaintenance found and did.
type Maintenance struct {
	// Due: a threshold is passed (or maintenance tasks other than gc are enabled, whose
	// conditions only git evaluates: then git is asked every time, as git commit asks it).
	Due bool
	// Packs and PackLimit: the local packs without a .keep, and gc.autoPackLimit (0: off).
	Packs, PackLimit int
	// Loose and LooseLimit: the loose objects estimated from objects/17 (256 × its count, as
	// git estimates), and gc.auto (0: off).
	Loose, LooseLimit int
	// Tasks: git decides, because maintenance.<task>.enabled turns on a task besides gc.
	Tasks bool
	// Detach is gc.autoDetach: git runs gc in the background.
	Detach bool
	// Skipped says why git was not started although something was due: SkipNoGit, SkipRunning.
	Skipped string
	// RunningPID and RunningHost name the gc that gc.pid says is running (SkipRunning).
	RunningPID  int
	RunningHost string
	// Ran: git was started (and has returned, or put gc in the background).
	Ran bool
	// Output is what git printed on stderr (a warning about gc.log, its error).
	Output string
	// Err: git failed (Output says how). The change or sync itself stands.
	Err error
}

// Why AutoMaintenance did not start git although something was due.
const (
	SkipNoGit   = "no-git"  // git is not installed (or not on PATH)
	SkipRunning = "running" // gc.pid names a gc that is still running
)

// Git's defaults (builtin/gc.c).
const (
	defaultGCAuto        = 6700
	defaultGCAutoPackLim = 50
)

// gcPidMaxAge is how long git believes a gc.pid: 12 hours (lock_repo_for_gc).
const gcPidMaxAge = 12 * time.Hour

// MaintenanceDue is the cheap check alone: the settings (from the config already read) and
// at most two directory reads, objects/pack and objects/17. It starts nothing.
func (r *Repo) MaintenanceDue() Maintenance {
	m := Maintenance{Detach: true}
	cfg, err := r.config()
	if err != nil {
		return m // an unreadable config: the command that read it has said so
	}
	if !configBool(cfg, "maintenance", "", "auto", true) {
		return m
	}
	gcTask := configBool(cfg, "maintenance", "gc", "enabled", true)
	m.Detach = configBool(cfg, "gc", "", "autodetach", true)
	m.LooseLimit = configInt(cfg, "gc", "auto", defaultGCAuto)
	m.PackLimit = configInt(cfg, "gc", "autopacklimit", defaultGCAutoPackLim)
	for _, task := range []string{"commit-graph", "loose-objects", "incremental-repack"} {
		if configBool(cfg, "maintenance", task, "enabled", false) {
			m.Tasks = true // their conditions (commits outside the commit-graph, ...) are git's to count
		}
	}
	if m.LooseLimit <= 0 { // gc.auto=0 turns off every heuristic of gc --auto, the pack limit too
		m.LooseLimit, m.PackLimit = 0, 0
	}
	if m.PackLimit < 0 {
		m.PackLimit = 0
	}
	objects := filepath.Join(r.commonDir, "objects")
	if gcTask && m.PackLimit > 0 {
		m.Packs = countPacks(filepath.Join(objects, "pack"))
		m.Due = m.Packs > m.PackLimit
	}
	if gcTask && !m.Due && m.LooseLimit > 0 {
		// git: more than ceil(gc.auto / 256) loose objects in objects/17.
		in17 := countLoose(filepath.Join(objects, "17"), (m.LooseLimit+255)/256+1)
		m.Loose = in17 * 256
		m.Due = in17 > (m.LooseLimit+255)/256
	}
	if m.Tasks {
		m.Due = true
	}
	return m
}

// Passed reports whether gc.auto or gc.autoPackLimit is passed (Due may also be Tasks alone).
func (m Maintenance) Passed() bool {
	return m.PackLimit > 0 && m.Packs > m.PackLimit || m.LooseLimit > 0 && m.Loose > m.LooseLimit
}

// AutoMaintenance runs git's automatic maintenance when MaintenanceDue says it is due, as git
// commit and git fetch do after their work; starting is called just before git starts (to say
// so while gc runs in the foreground). It never fails: what went wrong is in the result.
func (r *Repo) AutoMaintenance(starting func(Maintenance)) Maintenance {
	m := r.MaintenanceDue()
	if !m.Due {
		return m
	}
	if pid, host, ok := runningGC(r.commonDir); ok {
		m.Skipped, m.RunningPID, m.RunningHost = SkipRunning, pid, host
		tracef("maintenance: due, but gc.pid says gc runs (pid %d on %s)", pid, host)
		return m
	}
	bin, err := gitCommand()
	if err != nil {
		m.Skipped = SkipNoGit
		tracef("maintenance: due, but git is not installed")
		return m
	}
	if starting != nil {
		starting(m)
	}
	out, err := r.runMaintenance(bin, "maintenance", "run", "--auto", "--quiet")
	if err != nil && strings.Contains(out, "is not a git command") {
		// A git older than 2.29 has no maintenance command: git commit ran gc --auto there.
		out, err = r.runMaintenance(bin, "gc", "--auto", "--quiet")
	}
	m.Ran, m.Output, m.Err = true, out, err
	return m
}

// indexSlack is how far before a command's start its index may seem written: a file's time
// comes from the kernel's coarse clock, up to a tick (10 ms at most) behind the one time.Now
// reads. Where a file system keeps whole seconds (FAT: even ones), the command's start is
// rounded down to two seconds instead.
const indexSlack = 20 * time.Millisecond

// IndexWrittenSince reports whether the index was written since t: every change incidentctl
// commits rewrites the index, and a command that only reads never does, so this tells one
// from the other with one stat. (Another program's write in that moment also counts: that
// costs only MaintenanceDue's reads.)
func (r *Repo) IndexWrittenSince(t time.Time) bool {
	fi, err := os.Stat(r.indexFile)
	if err != nil {
		return false
	}
	from := t.Add(-indexSlack)
	if fi.ModTime().Nanosecond() == 0 {
		from = t.Truncate(2 * time.Second)
	}
	return !fi.ModTime().Before(from)
}

// maintenanceWaitDelay bounds the wait for git's stderr once git has exited: a gc that goes
// to the background closes it (daemonize), but a helper it started must not keep the command
// waiting.
const maintenanceWaitDelay = 2 * time.Second

// runMaintenance runs git here, naming this repository explicitly (as gitRun does), and
// returns what it printed on stderr.
func (r *Repo) runMaintenance(bin string, args ...string) (string, error) {
	cmd := exec.Command(bin, args...)
	cmd.Dir = r.root
	cmd.Env = append(os.Environ(), "GIT_DIR="+r.gitDir, "GIT_WORK_TREE="+r.root)
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	cmd.WaitDelay = maintenanceWaitDelay
	tracef("run: git %s", strings.Join(args, " "))
	err := cmd.Run()
	if errors.Is(err, exec.ErrWaitDelay) {
		err = nil // git finished well; only a helper still held its stderr
	}
	out := strings.TrimSpace(errOut.String())
	if err != nil && out == "" {
		out = err.Error()
	}
	return out, err
}

// countPacks counts the packs git's too_many_packs counts: each pack-*.pack with its .idx and
// without a .keep (local ones: alternates are not read).
func countPacks(dir string) int {
	names, err := readNames(dir, -1)
	if err != nil {
		return 0
	}
	have := make(map[string]bool, len(names))
	for _, n := range names {
		have[n] = true
	}
	count := 0
	for _, n := range names {
		base, ok := strings.CutSuffix(n, ".pack")
		if !ok || !strings.HasPrefix(base, "pack-") {
			continue
		}
		if have[base+".idx"] && !have[base+".keep"] {
			count++
		}
	}
	return count
}

// countLoose counts the loose object names in one fan-out directory, stopping at max.
func countLoose(dir string, max int) int {
	names, err := readNames(dir, -1)
	if err != nil {
		return 0
	}
	count := 0
	for _, n := range names {
		if len(n) == 38 && isLowerHex(n) {
			if count++; count >= max {
				break
			}
		}
	}
	return count
}

// readNames lists a directory's names, unsorted (no stat of each).
func readNames(dir string, n int) ([]string, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.Readdirnames(n)
}

func isLowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// runningGC reads gc.pid as git's lock_repo_for_gc does: a file younger than 12 hours naming
// "<pid> <host>" is a running gc when the host is another one (git is gentle to gc on other
// hosts) or the process is alive here.
func runningGC(commonDir string) (pid int, host string, running bool) {
	path := filepath.Join(commonDir, "gc.pid")
	fi, err := os.Stat(path)
	if err != nil || time.Since(fi.ModTime()) > gcPidMaxAge {
		return 0, "", false
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, "", false
	}
	f := strings.Fields(string(b))
	if len(f) != 2 {
		return 0, "", false
	}
	pid, err = strconv.Atoi(f[0])
	if err != nil || pid <= 0 {
		return 0, "", false
	}
	host = f[1]
	me, err := os.Hostname()
	if err != nil {
		me = "unknown"
	}
	return pid, host, host != me || processAlive(pid)
}

// configBool is a boolean setting with git's default when it is not set (or set empty).
func configBool(cfg *gitconfig.Set, section, subsection, key string, def bool) bool {
	v, found := lastValue(cfg, section, subsection, key)
	if !found || strings.TrimSpace(v) == "" {
		return def
	}
	return gitconfig.ParseBool(v)
}

// configInt is an integer setting as git_config_int reads it (k, m, g: ×1024), with def when
// it is not set or not a number (git itself then says so).
func configInt(cfg *gitconfig.Set, section, key string, def int) int {
	v, found := lastValue(cfg, section, "", key)
	if !found {
		return def
	}
	v = strings.ToLower(strings.TrimSpace(v))
	mul := int64(1)
	switch {
	case strings.HasSuffix(v, "k"):
		mul, v = 1<<10, v[:len(v)-1]
	case strings.HasSuffix(v, "m"):
		mul, v = 1<<20, v[:len(v)-1]
	case strings.HasSuffix(v, "g"):
		mul, v = 1<<30, v[:len(v)-1]
	}
	n, err := strconv.ParseInt(v, 0, 32)
	if err != nil || n*mul > 1<<31-1 || n*mul < -1<<31 {
		return def
	}
	return int(n * mul)
}
