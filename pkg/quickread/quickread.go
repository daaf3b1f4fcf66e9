// Package quickread reads many small files, folder by folder, with as few system calls as the
// system allows: what the listings and lint do with every document of a repository that no
// cache holds a reading of (every one, the first time after a clone).
//
// A Reader belongs to one goroutine. It keeps the folder it last read from open, so that the
// next file of the same folder is opened by name alone (no lookup of every folder of the path
// again); it opens without following a symbolic link and without blocking (a FIFO), takes the
// stat data from the open file, and reads it whole into its own buffer (Read, reused by the
// next read) or into a buffer of the file's size (ReadOwn). Anything out of the ordinary (a
// link, a device or FIFO, a file larger than the limit, an error, a file shorter than its stat
// said) gives ok false: the caller then reads it the ordinary way, which reports what is wrong.
// Elsewhere than Linux every read gives ok false.
package quickread

// Stat is what the caches of file readings compare (pkg/settle): the file's size, its
// modification and change times (Unix nanoseconds) and its inode, from the open file.
type Stat struct {
	Size, Mtime, Ctime int64
	Ino                uint64
}

// Read reads the regular file at abs into the reader's buffer, which the next read
// overwrites: nothing kept may point into it.
func (r *Reader) Read(abs string) (src []byte, st Stat, ok bool) { return r.read(abs, false) }

// ReadOwn reads the regular file at abs into a buffer of its own, for the caller to keep.
func (r *Reader) ReadOwn(abs string) (src []byte, st Stat, ok bool) { return r.read(abs, true) }
