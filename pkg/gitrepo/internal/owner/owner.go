// Package owner names the process that made a lock file or started a change, the way git's
// gc.pid names the process running gc: its pid and host, plus what tells a reused pid from the
// original (the process's start time and the machine's boot id, where the system has them).
// A later process reads the name back and asks whether that process is still running: only
// then may it clear what the dead one left.
package owner

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
)

// ID is a process: Token() is its name in files, Parse reads it back.
type ID struct {
	PID   int
	Start uint64 // the process's start time in clock ticks since boot (Linux); 0: unknown
	Boot  string // the first 8 characters of the boot id (Linux); "": unknown
	Host  string // the host name, reduced to [A-Za-z0-9-]
}

var (
	selfOnce sync.Once
	self     ID
)

// Self is this process.
func Self() ID {
	selfOnce.Do(func() {
		self = ID{PID: os.Getpid(), Start: startTime(os.Getpid()), Boot: bootID(), Host: hostName()}
	})
	return self
}

// Token writes the ID as a file-name-safe word: <pid>-<start>-<boot>-<host>.
func (id ID) Token() string {
	return fmt.Sprintf("%d-%d-%s-%s", id.PID, id.Start, orDash(id.Boot), orDash(id.Host))
}

func orDash(s string) string {
	if s == "" {
		return "x"
	}
	return s
}

// Parse reads a Token back.
func Parse(token string) (ID, error) {
	f := strings.SplitN(token, "-", 4)
	if len(f) != 4 {
		return ID{}, errors.New("not an owner token")
	}
	pid, err1 := strconv.Atoi(f[0])
	start, err2 := strconv.ParseUint(f[1], 10, 64)
	if err1 != nil || err2 != nil || pid <= 0 {
		return ID{}, errors.New("not an owner token")
	}
	id := ID{PID: pid, Start: start, Boot: f[2], Host: f[3]}
	if id.Boot == "x" {
		id.Boot = ""
	}
	if id.Host == "x" {
		id.Host = ""
	}
	return id, nil
}

// State is what can be known about a process named by an ID.
type State int

const (
	// Running: the process is alive (or may be: it runs on another host, or it is this one).
	Running State = iota
	// Dead: the process is gone, so whatever it left is nobody's.
	Dead
)

// Check tells whether the process id names is still running. A process on another host (a
// repository on a shared disk) counts as running: nothing here can tell.
func Check(id ID) State {
	me := Self()
	if id.Host != me.Host {
		return Running
	}
	if id.Boot != "" && me.Boot != "" && id.Boot != me.Boot {
		return Dead // the machine has restarted since
	}
	if id == me {
		return Running
	}
	if gone(id.PID) {
		return Dead
	}
	if id.Start != 0 {
		if now := startTime(id.PID); now != 0 && now != id.Start {
			return Dead // the pid was reused by another process
		}
	}
	return Running
}

// startTime reads field 22 of /proc/<pid>/stat; 0 where there is no /proc.
func startTime(pid int) uint64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// The command name (field 2) is in parentheses and may hold spaces.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 20 {
		return 0
	}
	v, _ := strconv.ParseUint(f[19], 10, 64) // field 22 overall
	return v
}

func bootID() string {
	b, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		return ""
	}
	s := strings.ReplaceAll(strings.TrimSpace(string(b)), "-", "")
	if len(s) > 8 {
		s = s[:8]
	}
	return clean(s)
}

func hostName() string {
	h, err := os.Hostname()
	if err != nil {
		return ""
	}
	return clean(h)
}

// clean keeps letters and digits (the token's separators are '-').
func clean(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	out := b.String()
	if len(out) > 40 {
		out = out[:40]
	}
	return out
}
