//go:build unix

package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSyncOverGitDaemon syncs two clones through a git:// remote served by `git daemon` on
// 127.0.0.1 (skipped where git has no daemon).
func TestSyncOverGitDaemon(t *testing.T) {
	r := runner{t: t, env: responderEnv(t)}
	execPath := strings.TrimSpace(r.must(".", "git", "--exec-path"))
	if _, err := os.Stat(filepath.Join(execPath, "git-daemon")); err != nil {
		t.Skip("git daemon is not installed (Debian: it is part of the git package)")
	}
	root := t.TempDir()
	served := filepath.Join(root, "served")
	os.MkdirAll(served, 0o755)
	r.must(served, "git", "init", "-q", "--bare", "remote.git")
	url := startGitDaemon(t, r, served) + "/remote.git"

	id, path := setUpIncident(r, root, url)
	a, b := filepath.Join(root, "a"), filepath.Join(root, "b")
	r.must(root, "git", "clone", "-q", url, a)
	r.must(root, "git", "clone", "-q", url, b)
	r.must(b, "incidentctl", "log", id, "from b", "--sync")
	r.must(a, "incidentctl", "log", id, "from a")
	_, e, err := r.run(context.Background(), a, "incidentctl", "sync")
	if err != nil || !strings.Contains(e, "merged 1 incident document field by field") || !strings.Contains(e, "pushed") {
		t.Fatalf("sync over git://: %v\n%s", err, e)
	}
	r.must(b, "incidentctl", "sync")
	want := r.must(filepath.Join(served, "remote.git"), "git", "show", "main:"+path)
	for _, entry := range []string{"] from a\n", "] from b\n"} {
		if strings.Count(want, entry) != 1 {
			t.Errorf("%q appears %d times on the remote:\n%s", entry, strings.Count(want, entry), want)
		}
	}
	checkClones(t, r, []string{a, b}, path, want, r.must(filepath.Join(served, "remote.git"), "git", "rev-parse", "main"))
}

// startGitDaemon serves base on a free port of 127.0.0.1 (push enabled) for the rest of the
// test, at most two minutes, and returns its git:// URL.
func startGitDaemon(t *testing.T, r runner, base string) string {
	t.Helper()
	for try := 0; try < 5; try++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		cmd := exec.CommandContext(ctx, "git", "daemon", "--reuseaddr", "--listen=127.0.0.1", fmt.Sprintf("--port=%d", port),
			"--base-path="+base, "--export-all", "--enable=receive-pack", "--informative-errors", base)
		cmd.Env = r.env
		// Its own process group, so that stopping it also stops the upload-pack and
		// receive-pack children it forked.
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
		cmd.WaitDelay = 2 * time.Second
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			cancel()
			t.Fatal(err)
		}
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }()
		stop := func() {
			cancel() // kills the daemon
			<-exited
		}
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			select {
			case <-exited:
				t.Logf("git daemon on port %d exited: %s", port, stderr.String())
			default:
				if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
					c.Close()
					t.Cleanup(stop)
					return fmt.Sprintf("git://127.0.0.1:%d", port)
				}
				continue
			}
			break
		}
		stop()
	}
	t.Fatal("could not start git daemon")
	return ""
}
