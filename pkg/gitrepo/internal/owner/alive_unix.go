//go:build unix

package owner

import (
	"errors"
	"syscall"
)

// gone reports whether no process has the pid (signal 0 checks without sending anything).
func gone(pid int) bool { return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH) }
