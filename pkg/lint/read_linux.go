//go:build linux

package lint

import (
	"syscall"

	"github.com/incidentctl/incidentctl/pkg/incident"
)

// readInto reads the regular file at abs, of at most incident.MaxSize bytes, into *buf (grown
// as needed) with one open, fstat, read and close, and returns its content and stat data. ok
// is false for anything else (a symbolic link, a device or FIFO, which O_NONBLOCK keeps from
// blocking the open, an error, a file larger than allowed or shorter than fstat said): the
// caller then reads it the ordinary way, which reports what is wrong.
func readInto(abs string, buf *[]byte) (src []byte, key statKey, ok bool) {
	fd, err := syscall.Open(abs, syscall.O_RDONLY|syscall.O_CLOEXEC|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, statKey{}, false
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil || st.Mode&syscall.S_IFMT != syscall.S_IFREG || st.Size > incident.MaxSize {
		return nil, statKey{}, false
	}
	n := int(st.Size)
	if cap(*buf) < n {
		*buf = make([]byte, max(n, 16<<10))
	}
	src = (*buf)[:n]
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
