//go:build unix

package gitrepo

import (
	"errors"
	"syscall"
)

// processAlive is git's test in lock_repo_for_gc: kill(pid, 0) succeeds, or fails only for
// want of permission.
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
