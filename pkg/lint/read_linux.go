//go:build linux

package lint

import (
	"strings"
	"syscall"

	"github.com/incidentctl/incidentctl/pkg/incident"
)

// fileReader is one worker's quick reader: its buffer, and the folder it last read from, kept
// open, so that opening the next document of the same month folder (the walk hands them out
// in order) looks up its name only, not every folder of the path again.
type fileReader struct {
	buf   []byte
	dir   string
	dirFD int // -1: none open
}

func newFileReader() *fileReader { return &fileReader{dirFD: -1} }

func (r *fileReader) close() {
	if r.dirFD >= 0 {
		syscall.Close(r.dirFD)
		r.dirFD = -1
	}
}

// read reads the regular file at abs, of at most incident.MaxSize bytes, into the reader's
// buffer (grown as needed; the next read overwrites it) with one open, fstat, read and
// close, and returns its content and stat data. ok is false for anything else (a symbolic
// link, a device or FIFO, which O_NONBLOCK keeps from blocking the open, an error, a file
// larger than allowed or shorter than fstat said): the caller then reads it the ordinary way,
// which reports what is wrong.
func (r *fileReader) read(abs string) (src []byte, key statKey, ok bool) {
	const flags = syscall.O_RDONLY | syscall.O_CLOEXEC | syscall.O_NOFOLLOW | syscall.O_NONBLOCK
	fd, err := -1, error(nil)
	if i := strings.LastIndexByte(abs, '/'); i > 0 {
		dir, name := abs[:i], abs[i+1:]
		if dir != r.dir {
			r.close()
			r.dir = dir
			if dfd, err := syscall.Open(dir, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0); err == nil {
				r.dirFD = dfd
			}
		}
		if r.dirFD >= 0 {
			fd, err = syscall.Openat(r.dirFD, name, flags, 0)
		} else {
			fd, err = syscall.Open(abs, flags, 0)
		}
	} else {
		fd, err = syscall.Open(abs, flags, 0)
	}
	if err != nil {
		return nil, statKey{}, false
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil || st.Mode&syscall.S_IFMT != syscall.S_IFREG || st.Size > incident.MaxSize {
		return nil, statKey{}, false
	}
	n := int(st.Size)
	if cap(r.buf) < n {
		r.buf = make([]byte, max(n, 16<<10))
	}
	src = r.buf[:n]
	for got := 0; got < n; {
		k, err := syscall.Read(fd, src[got:])
		if err == syscall.EINTR {
			continue
		}
		if err != nil || k <= 0 {
			return nil, statKey{}, false
		}
		got += k
	}
	key = statKey{size: st.Size, mtime: st.Mtim.Sec*1e9 + st.Mtim.Nsec, ctime: st.Ctim.Sec*1e9 + st.Ctim.Nsec, ino: uint64(st.Ino)}
	return src, key, true
}
