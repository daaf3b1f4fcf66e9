//go:build linux

package index

import (
	"os"
	"sync"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Map maps the index file read-only instead of copying it into memory: for a 10 MB index
// of 100,000 entries, reading costs several milliseconds (mostly faulting in fresh memory), the
// mapping well under one. The mapping stays valid when the file is replaced, which is how git
// and incidentctl publish a new index (rename over it, never a write in place); a tool that
// truncates it in place under our feet makes reading it fault, which RecoverFault turns into
// an error. unmap must be called once the data is no longer used. A missing file gives no
// data and no error.
//
// The last mapping is kept for the next call while the file is unchanged (same inode, size and
// times): a change maps the index for FileState and again for Commit, and mapping and
// unmapping 10 MB costs a couple of milliseconds each time.
func Map(path string) (data []byte, unmap func(), err error) { return mapFile(path, true) }

// MapSparse is Map for a file of which only a few pages will be read (a shared index looked up
// through its table of contents, split.go): nothing is mapped in ahead of use.
func MapSparse(path string) (data []byte, unmap func(), err error) { return mapFile(path, false) }

func mapFile(path string, populate bool) (data []byte, unmap func(), err error) {
	f, err := os.Open(path)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, func() {}, nil
		}
		return nil, nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	size := fi.Size()
	if size <= 0 || size != int64(int(size)) || size < 64<<10 {
		// Small (or odd) files: a plain read is as cheap.
		data, err := readAll(f, size)
		return data, func() {}, err
	}
	key := mappedKey{path: path, size: size, mtime: fi.ModTime().UnixNano()}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		key.dev, key.ino, key.ctime = uint64(st.Dev), st.Ino, st.Ctim.Nano()
	}
	lastMapping.mu.Lock()
	defer lastMapping.mu.Unlock()
	if m := lastMapping.m; m != nil && m.key == key {
		m.refs++
		return m.data, m.release, nil
	}
	// MAP_POPULATE maps every page of the (cached) file in one go rather than one fault at a
	// time.
	flags := syscall.MAP_SHARED
	if populate {
		flags |= syscall.MAP_POPULATE
	}
	b, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, flags)
	if err != nil {
		data, err := readAll(f, size)
		return data, func() {}, err
	}
	m := &mapping{key: key, data: b, refs: 1}
	if old := lastMapping.m; old != nil {
		old.stale = true
		if old.refs == 0 {
			old.unmap()
		}
	}
	liveMappings = append(liveMappings, m)
	lastMapping.m = m
	return b, m.release, nil
}

type mappedKey struct {
	path               string
	dev, ino           uint64
	size, mtime, ctime int64
}

type mapping struct {
	key   mappedKey
	data  []byte
	refs  int
	stale bool // replaced by a newer mapping: unmapped when the last user is done
}

var lastMapping struct {
	mu sync.Mutex
	m  *mapping
}

// liveMappings are the mappings not unmapped yet (the last one, and stale ones still in use),
// guarded by lastMapping.mu.
var liveMappings []*mapping

func (m *mapping) release() {
	lastMapping.mu.Lock()
	defer lastMapping.mu.Unlock()
	if m.refs--; m.refs == 0 && m.stale {
		m.unmap()
	}
}

// unmap unmaps m; lastMapping.mu is held.
func (m *mapping) unmap() {
	syscall.Munmap(m.data)
	for i, x := range liveMappings {
		if x == m {
			liveMappings = append(liveMappings[:i], liveMappings[i+1:]...)
			break
		}
	}
}

// startWriteback asks the kernel to start writing the first n bytes of f to disk, without
// waiting. Renaming a new file over an old one makes ext4 flush the new file's data first
// (its auto_da_alloc safeguard), which for a 10 MB index costs several milliseconds at the
// rename; starting early moves most of that off the commit's critical path.
func startWriteback(f *os.File, n int64) {
	if n > 0 {
		unix.SyncFileRange(int(f.Fd()), 0, n, unix.SYNC_FILE_RANGE_WRITE)
	}
}

// evict drops the pages of b from this process's memory when b lies in a mapping Map made
// (never for data Map read into the heap: MADV_DONTNEED would zero it). The pages stay in the
// page cache, and touching them again maps them back (a minor fault each). A reader that walks
// a large index once, as Integrate's splice does, keeps only a window of it resident: the
// process's peak memory then does not include the whole 13 MB index of 100,000 entries.
func evict(b []byte) {
	if len(b) == 0 {
		return
	}
	start := uintptr(unsafe.Pointer(&b[0]))
	end := start + uintptr(len(b))
	lastMapping.mu.Lock()
	defer lastMapping.mu.Unlock()
	for _, m := range liveMappings {
		ms := uintptr(unsafe.Pointer(&m.data[0]))
		if start < ms || end > ms+uintptr(len(m.data)) {
			continue
		}
		pg := uintptr(os.Getpagesize())
		s, e := (start+pg-1)&^(pg-1), end&^(pg-1)
		if e > s {
			unix.Madvise(m.data[s-ms:e-ms], unix.MADV_DONTNEED)
		}
		return
	}
}
