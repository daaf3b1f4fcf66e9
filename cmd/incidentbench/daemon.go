package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// A bare remote on the local disk, reached by a path, makes every fetch and push start git's
// server side (git-upload-pack, git-receive-pack) as a child of the client, and getrusage then
// reports the largest of the whole tree as the client's peak memory: at 100k incidents
// git-receive-pack's connectivity check alone is 141 MB, whoever pushes. The incoming-sync rows
// therefore reach the remote through git daemon on 127.0.0.1, as a responder reaches a
// server: the server's memory is its own, and the peak RSS of each side is the client's.

var (
	daemons     []*exec.Cmd
	daemonAddrs = map[string]string{} // base directory -> host:port
)

// serveRemote starts git daemon for the bare repository remote (once per directory) and
// returns its git:// URL; "" when git daemon cannot be started (the caller keeps the path).
func serveRemote(remote string) string {
	base, name := filepath.Dir(remote), filepath.Base(remote)
	if addr, ok := daemonAddrs[base]; ok {
		return fmt.Sprintf("git://%s/%s", addr, name)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return ""
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	// git-daemon itself, not `git daemon`: killing the git wrapper would leave its child
	// serving after the harness has ended.
	execPath, err := exec.Command("git", "--exec-path").Output()
	if err != nil {
		return ""
	}
	cmd := exec.Command(filepath.Join(strings.TrimSpace(string(execPath)), "git-daemon"), "--reuseaddr", "--export-all", "--enable=receive-pack",
		"--base-path="+base, fmt.Sprintf("--port=%d", port), "--listen=127.0.0.1")
	cmd.Dir = base
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		progress("git daemon: %v (the remote stays a path)", err)
		return ""
	}
	for i := 0; i < 100; i++ {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			daemons = append(daemons, cmd)
			daemonAddrs[base] = addr
			return fmt.Sprintf("git://%s/%s", addr, name)
		}
		time.Sleep(50 * time.Millisecond)
	}
	cmd.Process.Kill()
	cmd.Wait()
	progress("git daemon did not start listening on %s (the remote stays a path)", addr)
	return ""
}

// stopDaemons ends the git daemons serveRemote started.
func stopDaemons() {
	for _, d := range daemons {
		d.Process.Kill()
		d.Wait()
	}
	daemons, daemonAddrs = nil, map[string]string{}
}
