//go:build !unix

package odb

import "os"

// mapFile reads a whole file (mmap_unix.go maps it instead).
func mapFile(path string) ([]byte, error) { return os.ReadFile(path) }

func unmapFile([]byte) {}
