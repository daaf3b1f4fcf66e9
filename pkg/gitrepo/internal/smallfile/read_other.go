//go:build !linux

package smallfile

import "os"

// ReadFile is os.ReadFile here: the plain system-call path is written for Linux only.
func ReadFile(path string) ([]byte, error) { return os.ReadFile(path) }
