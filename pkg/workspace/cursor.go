package workspace

import (
	"bufio"
	"encoding/binary"
	"hash/crc32"
	"io"
	"os"
	"strconv"
	"strings"
)

// The meta cache (list.go) and the element cache's index (elemcache.go) hold one entry per
// document, in sections per folder, the folders in the order folders() lists them and the
// documents of a section sorted by name, exactly the order a listing visits the documents in.
// A streamed listing (EachCached) reads them with a cursor, merging them with the documents as
// it visits them, a window of the file at a time: at 100,000 documents these files are tens of
// megabytes, which a listing that held them whole kept in memory throughout.

// cacheCursor reads the entries of a sectioned cache file in order.
type cacheCursor struct {
	r       *bufio.Reader
	crc     *crcReader
	body    func(c *cacheCursor) // reads an entry's fields after its name
	sec     string               // the current section's folder
	left    int                  // entries of the section not read yet
	name    []byte               // the current entry's name, while have
	have    bool
	done    bool // at the end, or damaged
	damaged bool
	count   int // entries read
	names   int // entries matched by name (find)

	// the current entry's fields (what body read)
	key         statKey
	from, until int64
	off, n      uint64
	rec         []byte
}

// crcReader checksums what is read through it.
type crcReader struct {
	r   io.Reader
	crc uint32
}

func (c *crcReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.crc = crc32.Update(c.crc, crc32.IEEETable, p[:n])
	return n, err
}

// cursorWindow is how much of a cache file a cursor holds at once.
const cursorWindow = 256 << 10

func newCursor(f *os.File, start, end int64, body func(*cacheCursor)) *cacheCursor {
	cr := &crcReader{r: io.NewSectionReader(f, start, end-start)}
	return &cacheCursor{r: bufio.NewReaderSize(cr, cursorWindow), crc: cr, body: body}
}

func (c *cacheCursor) fail() {
	c.done, c.damaged, c.have = true, true, false
}

func (c *cacheCursor) field() []byte {
	b, err := c.r.ReadSlice(0)
	if err != nil {
		c.fail()
		return nil
	}
	return b[:len(b)-1]
}

func (c *cacheCursor) num() uint64 {
	v, err := binary.ReadUvarint(c.r)
	if err != nil {
		c.fail()
	}
	return v
}

func (c *cacheCursor) signed() int64 {
	v, err := binary.ReadVarint(c.r)
	if err != nil {
		c.fail()
	}
	return v
}

func (c *cacheCursor) readKey() {
	c.key = statKey{size: int64(c.num()), mtime: int64(c.num()), ctime: int64(c.num()), ino: c.num()}
}

// advance reads the next entry, starting the next section when this one is done.
func (c *cacheCursor) advance() {
	c.have = false
	for c.left == 0 {
		if _, err := c.r.Peek(1); err == io.EOF {
			c.done = true
			return
		}
		tag := string(c.field())
		rel := string(c.field())
		n, err := strconv.Atoi(string(c.field()))
		if c.done || tag != "F" || err != nil || n < 0 {
			c.fail()
			return
		}
		c.sec, c.left = rel, n
	}
	c.name = append(c.name[:0], c.field()...)
	if c.done {
		return
	}
	c.body(c)
	if c.done {
		return
	}
	c.left--
	c.count++
	c.have = true
}

// find moves to the entry of the document name in the folder rel, and reports whether there
// is one; entries before it are passed over. Calls must come in the order of the file.
func (c *cacheCursor) find(rel, name string) bool {
	for !c.done {
		if !c.have {
			c.advance()
			continue
		}
		if s := compareFolders(c.sec, rel); s < 0 {
			c.have = false
			continue
		} else if s > 0 {
			return false
		}
		switch s := strings.Compare(bytesToString(c.name), name); {
		case s < 0:
			c.have = false
			continue
		case s > 0:
			return false
		}
		c.have = false
		c.names++
		return true
	}
	return false
}

// drain reads the rest of the file (to count its entries and check its checksum).
func (c *cacheCursor) drain() {
	for !c.done {
		c.advance()
	}
}

// compareFolders compares repository paths in the order folders() lists them: parents before
// children, siblings by name (a path's components compared in turn).
func compareFolders(a, b string) int {
	n := min(len(a), len(b))
	for i := range n {
		x, y := a[i], b[i]
		if x == y {
			continue
		}
		if x == '/' {
			return -1
		}
		if y == '/' {
			return 1
		}
		if x < y {
			return -1
		}
		return 1
	}
	switch {
	case len(a) < len(b):
		return -1
	case len(a) > len(b):
		return 1
	}
	return 0
}

// sectionWriter writes a sectioned cache file a folder at a time.
type sectionWriter struct {
	w     *bufio.Writer
	rel   string
	n     int
	buf   []byte // the current section's entries
	crc   uint32
	count int64 // bytes written
	err   error
}

func newSectionWriter(w io.Writer) *sectionWriter {
	return &sectionWriter{w: bufio.NewWriterSize(w, cursorWindow)}
}

// entry starts an entry of the folder rel; the caller appends its fields to s.buf.
func (s *sectionWriter) entry(rel, name string) {
	if s.n > 0 && rel != s.rel {
		s.flush()
	}
	s.rel = rel
	s.n++
	s.buf = append(s.buf, name...)
	s.buf = append(s.buf, 0)
}

func (s *sectionWriter) write(b []byte) {
	if s.err != nil {
		return
	}
	s.crc = crc32.Update(s.crc, crc32.IEEETable, b)
	s.count += int64(len(b))
	_, s.err = s.w.Write(b)
}

func (s *sectionWriter) flush() {
	if s.n == 0 {
		return
	}
	s.write([]byte("F\x00" + s.rel + "\x00" + strconv.Itoa(s.n) + "\x00"))
	s.write(s.buf)
	s.buf, s.n = s.buf[:0], 0
}

// close writes what is left.
func (s *sectionWriter) close() error {
	s.flush()
	if s.err != nil {
		return s.err
	}
	return s.w.Flush()
}

func appendKey(b []byte, k statKey) []byte {
	for _, v := range []uint64{uint64(k.size), uint64(k.mtime), uint64(k.ctime), k.ino} {
		b = binary.AppendUvarint(b, v)
	}
	return b
}
