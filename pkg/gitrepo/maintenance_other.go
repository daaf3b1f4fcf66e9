//go:build !unix

package gitrepo

import "os"

// processAlive: on Windows, finding a process opens it, which fails once it has gone (git's
// kill(pid, 0) in compat/mingw.c does the same).
func processAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	p.Release()
	return true
}
