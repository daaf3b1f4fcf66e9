//go:build linux

package smallfile

import (
	"io/fs"
	"syscall"
)

// ReadFile is os.ReadFile for a file of the git directory: plain open, fstat, read and close
// system calls, with the same errors (an *fs.PathError wrapping the errno, so errors.Is with
// fs.ErrNotExist works). Not for files a user may have replaced by a FIFO or a device: the read
// blocks the thread, not only the goroutine.
func ReadFile(path string) ([]byte, error) {
	var fd int
	var err error
	for {
		if fd, err = syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0); err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	defer syscall.Close(fd)
	// One byte more than the size, so that the end is seen without growing the buffer.
	capacity := 512
	var st syscall.Stat_t
	if syscall.Fstat(fd, &st) == nil && st.Mode&syscall.S_IFMT == syscall.S_IFREG && st.Size > 0 && st.Size < 1<<30 {
		capacity = int(st.Size) + 1
	}
	buf := make([]byte, 0, capacity)
	for {
		n, err := syscall.Read(fd, buf[len(buf):cap(buf)])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "read", Path: path, Err: err}
		}
		if n <= 0 {
			return buf, nil
		}
		buf = buf[:len(buf)+n]
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
	}
}
