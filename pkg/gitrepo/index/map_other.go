//go:build !linux

package index

import "os"

// Map reads the index file (see map_linux.go, which maps it instead). A missing file
// gives no data and no error.
func Map(path string) (data []byte, unmap func(), err error) {
	data, err = os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil, func() {}, nil
	}
	return data, func() {}, err
}

// startWriteback is a no-op where the kernel offers no way to start writeback early.
func startWriteback(f *os.File, n int64) {}

// evict does nothing where the index is read, not mapped.
func evict(b []byte) {}

// MapSparse is Map.
func MapSparse(path string) (data []byte, unmap func(), err error) { return Map(path) }
