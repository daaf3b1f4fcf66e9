//go:build !unix

package odb

import "os"

// mapFile reads a whole file (mmap_unix.go maps it instead).
func mapFile(path string) ([]byte, error) { return os.ReadFile(path) }

// mapFileEnds is mapFile that also copies the file's first len(head) and last len(tail)
// bytes into head and tail.
func mapFileEnds(path string, head, tail []byte) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(b) < len(head)+len(tail) {
		return nil, errSlowPath
	}
	copy(head, b)
	copy(tail, b[len(b)-len(tail):])
	return b, nil
}

func unmapFile([]byte) {}
