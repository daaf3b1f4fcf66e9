//go:build unix

package workspace

import "syscall"

// mkfifo makes a FIFO at p: a document a reader that does not take care blocks on.
func mkfifo(p string) error { return syscall.Mkfifo(p, 0o644) }
