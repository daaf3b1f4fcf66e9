//go:build linux

package quickread

import (
	"strings"
	"syscall"
)

// Reader is one goroutine's quick reader: its buffer, and the folder it last read from, kept
// open.
type Reader struct {
	max   int64
	buf   []byte
	dir   string
	dirFD int // -1: none open
}

// New returns a reader of files of at most max bytes. Close it when done.
func New(max int64) *Reader { return &Reader{max: max, dirFD: -1} }

// Close closes the folder the reader keeps open.
func (r *Reader) Close() {
	if r.dirFD >= 0 {
		syscall.Close(r.dirFD)
		r.dirFD = -1
	}
	r.dir = ""
}

// openFlags: no link followed, and no wait for a FIFO's writer.
const openFlags = syscall.O_RDONLY | syscall.O_CLOEXEC | syscall.O_NOFOLLOW | syscall.O_NONBLOCK

// read opens abs by name in the folder kept open (opening that folder when abs is in another
// one) and reads it.
func (r *Reader) read(abs string, own bool) ([]byte, Stat, bool) {
	fd, err := -1, error(nil)
	if i := strings.LastIndexByte(abs, '/'); i > 0 {
		dir, name := abs[:i], abs[i+1:]
		if dir != r.dir {
			r.Close()
			r.dir = dir
			if dfd, err := syscall.Open(dir, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0); err == nil {
				r.dirFD = dfd
			}
		}
		if r.dirFD >= 0 {
			fd, err = syscall.Openat(r.dirFD, name, openFlags, 0)
		} else {
			fd, err = syscall.Open(abs, openFlags, 0)
		}
	} else {
		fd, err = syscall.Open(abs, openFlags, 0)
	}
	if err != nil {
		return nil, Stat{}, false
	}
	var buf *[]byte
	if !own {
		buf = &r.buf
	}
	return readFD(fd, r.max, buf)
}

// ReadFile reads one regular file of at most max bytes into a buffer of its own, opened by its
// path (no folder kept open): for a file read on its own.
func ReadFile(abs string, max int64) ([]byte, Stat, bool) {
	fd, err := syscall.Open(abs, openFlags, 0)
	if err != nil {
		return nil, Stat{}, false
	}
	return readFD(fd, max, nil)
}

// ReadFileInto reads one regular file of at most max bytes, opened by its path, into *buf
// (grown as needed, and kept by the caller for the next read, which overwrites it).
func ReadFileInto(abs string, max int64, buf *[]byte) ([]byte, Stat, bool) {
	fd, err := syscall.Open(abs, openFlags, 0)
	if err != nil {
		return nil, Stat{}, false
	}
	return readFD(fd, max, buf)
}

// readFD reads the open file fd whole, if it is a regular file of at most limit bytes, into
// *buf (grown as needed) or, with buf nil, into a buffer of its size; and closes it. These are
// the fstat, read and close of the quick read.
func readFD(fd int, limit int64, buf *[]byte) (src []byte, st Stat, ok bool) {
	defer syscall.Close(fd)
	var s syscall.Stat_t
	if err := syscall.Fstat(fd, &s); err != nil || s.Mode&syscall.S_IFMT != syscall.S_IFREG || s.Size > limit || s.Size < 0 {
		return nil, Stat{}, false
	}
	n := int(s.Size)
	if buf == nil {
		src = make([]byte, n)
	} else {
		if cap(*buf) < n {
			*buf = make([]byte, max(n, 16<<10))
		}
		src = (*buf)[:n]
	}
	for got := 0; got < n; {
		k, err := syscall.Read(fd, src[got:])
		if err == syscall.EINTR {
			continue
		}
		if err != nil || k <= 0 {
			return nil, Stat{}, false
		}
		got += k
	}
	st = Stat{Size: s.Size, Mtime: s.Mtim.Sec*1e9 + s.Mtim.Nsec, Ctime: s.Ctim.Sec*1e9 + s.Ctim.Nsec, Ino: uint64(s.Ino)}
	return src, st, true
}
