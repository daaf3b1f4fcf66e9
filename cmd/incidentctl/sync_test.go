package main

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Many responders, many clones: the tests here run the real incidentctl (the test binary,
// which testscript.Main put on $PATH as "incidentctl") in several clones at once, as separate
// processes, the way responders use it.

// responderEnv is a clean environment for incidentctl and git: its own HOME with an identity,
// nothing from the developer's configuration.
func responderEnv(t *testing.T) []string {
	t.Helper()
	home := t.TempDir()
	cfg := "[user]\n\tname = Alice Example\n\temail = alice@example.com\n[init]\n\tdefaultBranch = main\n[pull]\n\trebase = false\n"
	if err := os.WriteFile(filepath.Join(home, ".gitconfig"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "GIT_") || k == "HOME" || k == "XDG_CONFIG_HOME" || k == "INCIDENTCTL_NOW" || k == "EMAIL" {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "HOME="+home, "GIT_CONFIG_NOSYSTEM=1", "GIT_TEST_CHECK_CACHE_TREE=1", "TZ=Asia/Tokyo", "LC_ALL=C")
}

type runner struct {
	t   *testing.T
	env []string
}

// run executes a command in dir and returns stdout, stderr and the error. "incidentctl" is a
// plain build of this command (plainBinary), or the test binary on $PATH.
func (r runner) run(ctx context.Context, dir, name string, args ...string) (string, string, error) {
	if name == "incidentctl" {
		name = plainBinary()
	}
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = r.env
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	return o.String(), e.String(), err
}

// must runs a command that has to succeed.
func (r runner) must(dir, name string, args ...string) string {
	r.t.Helper()
	o, e, err := r.run(context.Background(), dir, name, args...)
	if err != nil {
		r.t.Fatalf("%s %s (in %s): %v\n%s%s", name, strings.Join(args, " "), dir, err, o, e)
	}
	return o
}

var declared = regexp.MustCompile(`(?m)^(\S+) (\S+)$`)

// setUpIncident creates a remote at url (a bare repository at remoteDir), declares an incident
// in a first clone and pushes it; it returns the incident's ID and path.
func setUpIncident(r runner, root, url string) (id, path string) {
	r.t.Helper()
	first := filepath.Join(root, "first")
	r.must(root, "git", "clone", "-q", url, first)
	r.must(first, "incidentctl", "init")
	out := r.must(first, "incidentctl", "new", "Checkout API returns 500s", "--severity", "SEV2", "--sync")
	m := declared.FindStringSubmatch(out)
	if m == nil {
		r.t.Fatalf("incidentctl new printed %q", out)
	}
	return m[1], m[2]
}

// TestManyClonesSync is the done-when test of incidentctl sync: several responders each log
// and sync in a tight loop at the same time, from their own clones of one bare remote. In the
// end every entry is on the remote and in every clone exactly once, the clones are identical
// and clean, git fsck finds nothing, and there is not a conflict marker anywhere.
//
// INCIDENTCTL_STRESS_ROUNDS (default 10) sets the entries per clone, INCIDENTCTL_STRESS_CLONES
// (default 3) the number of clones.
func TestManyClonesSync(t *testing.T) {
	rounds, clones := envInt(t, "INCIDENTCTL_STRESS_ROUNDS", 10), envInt(t, "INCIDENTCTL_STRESS_CLONES", 3)
	r := runner{t: t, env: responderEnv(t)}
	root := t.TempDir()
	remote := filepath.Join(root, "remote.git")
	r.must(root, "git", "init", "-q", "--bare", remote)
	id, path := setUpIncident(r, root, remote)
	dirs := make([]string, clones)
	for k := range dirs {
		dirs[k] = filepath.Join(root, fmt.Sprintf("clone%d", k+1))
		r.must(root, "git", "clone", "-q", remote, dirs[k])
	}

	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(rounds)*20*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failures []string
	busy := 0 // syncs that gave up because the others kept pushing (their entries go later)
	for k, dir := range dirs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 1; i <= rounds; i++ {
				text := fmt.Sprintf("clone %d entry %d", k+1, i)
				// Half the entries are shared with --sync, the others by a separate sync.
				args := []string{"log", id, text}
				if i%2 == 0 {
					args = append(args, "--sync")
				}
				steps := [][]string{args}
				if i%2 == 1 {
					steps = append(steps, []string{"sync"})
				}
				for _, step := range steps {
					o, e, err := r.run(ctx, dir, "incidentctl", step...)
					mu.Lock()
					switch {
					case err == nil:
					case strings.Contains(e, "kept moving"):
						busy++
						if busy <= 3 {
							t.Logf("clone %d gave up for now: %s", k+1, strings.TrimSpace(e))
						}
					default:
						failures = append(failures, fmt.Sprintf("clone %d: incidentctl %s: %v\n%s%s", k+1, strings.Join(step, " "), err, o, e))
					}
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	loop := time.Since(start)
	for _, f := range failures {
		t.Error(f)
	}
	if t.Failed() {
		t.FailNow()
	}

	// Everyone syncs once more (the first clone too): the first pass delivers what is left,
	// the second brings the last merges to everyone.
	all := append(dirs, filepath.Join(root, "first"))
	for pass := 0; pass < 2; pass++ {
		for _, dir := range all {
			r.must(dir, "incidentctl", "sync")
		}
	}
	merges := strings.TrimSpace(r.must(remote, "git", "rev-list", "--merges", "--count", "main"))
	t.Logf("%d clones × %d entries: loop %s, %s merge commits, %d syncs gave up under contention and were retried later",
		clones, rounds, loop.Round(time.Millisecond), merges, busy)

	want := r.must(remote, "git", "show", "main:"+path)
	tip := r.must(remote, "git", "rev-parse", "main")
	for k := 1; k <= clones; k++ {
		for i := 1; i <= rounds; i++ {
			entry := fmt.Sprintf("] clone %d entry %d\n", k, i)
			if n := strings.Count(want, entry); n != 1 {
				t.Errorf("%q appears %d times on the remote", strings.TrimSpace(entry), n)
			}
		}
	}
	checkLogOrder(t, want)
	if strings.Count(want, "\n- 20") != clones*rounds+1 {
		t.Errorf("the remote's log has %d entries, want %d:\n%s", strings.Count(want, "\n- 20"), clones*rounds+1, want)
	}
	checkClones(t, r, all, path, want, tip)
	r.must(remote, "git", "fsck", "--strict", "--no-progress")
	// The merged document lints clean, where the lint command exists.
	if _, _, err := r.run(context.Background(), dirs[0], "incidentctl", "lint", "--help"); err == nil {
		r.must(dirs[0], "incidentctl", "lint")
	}
}

// checkClones: every clone holds exactly the remote's document and commit, is clean, passes
// git fsck, and has no conflict marker in any file.
func checkClones(t *testing.T, r runner, dirs []string, path, want, tip string) {
	t.Helper()
	for _, dir := range dirs {
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(path)))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want {
			t.Errorf("%s: the document differs from the remote's", dir)
		}
		if head := r.must(dir, "git", "rev-parse", "HEAD"); head != tip {
			t.Errorf("%s: HEAD %s, remote %s", dir, strings.TrimSpace(head), strings.TrimSpace(tip))
		}
		if st := r.must(dir, "git", "status", "--porcelain"); st != "" {
			t.Errorf("%s: not clean:\n%s", dir, st)
		}
		r.must(dir, "git", "fsck", "--strict", "--no-progress")
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				if d != nil && d.Name() == ".git" {
					return filepath.SkipDir
				}
				return err
			}
			if b, err := os.ReadFile(p); err == nil && (bytes.Contains(b, []byte("<<<<<<<")) || bytes.Contains(b, []byte(">>>>>>>"))) {
				t.Errorf("conflict marker in %s", p)
			}
			return nil
		})
	}
}

var logLine = regexp.MustCompile(`(?m)^- (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[^ ]*) \[`)

// checkLogOrder: the log is in time order.
func checkLogOrder(t *testing.T, doc string) {
	t.Helper()
	var last time.Time
	for _, m := range logLine.FindAllStringSubmatch(doc, -1) {
		at, err := time.Parse(time.RFC3339, m[1])
		if err != nil {
			t.Fatalf("log time %q: %v", m[1], err)
		}
		if at.Before(last) {
			t.Errorf("log out of order at %s", m[1])
		}
		last = at
	}
}

func envInt(t *testing.T, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		t.Fatalf("%s=%q: want a positive number", name, v)
	}
	return n
}

var (
	plainOnce sync.Once
	plainPath = "incidentctl"
)

// plainBinary builds incidentctl once, without the race detector, for the tests that run it
// hundreds of times as separate processes (the fault-injection and concurrency tests): the
// test binary testscript puts on $PATH carries -race when the tests do, which makes every
// process start several times slower, and races between processes are what these tests look
// for, not races inside one. Without a go command it falls back to the test binary.
func plainBinary() string {
	plainOnce.Do(func() {
		// Beside the test binary's copy on $PATH, in the folder testscript removes at exit.
		onPath, err := exec.LookPath("incidentctl")
		if err != nil {
			return
		}
		out := filepath.Join(filepath.Dir(onPath), "incidentctl-plain")
		cmd := exec.Command("go", "build", "-o", out, ".")
		env := []string{}
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "GOFLAGS=") {
				env = append(env, kv)
			}
		}
		cmd.Env = env
		if err := cmd.Run(); err == nil {
			plainPath = out
		}
	})
	return plainPath
}
