package workspace

import (
	"bufio"
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/incidentctl/incidentctl/pkg/settle"
)

// The element cache: what a caller made of each document for a listing (list --json: the
// document's encoded JSON element), so that a listing of 100,000 unchanged documents copies
// bytes instead of reading and parsing every document in full (seconds at that size).
//
// An element is kept per document with the document's stat data (as the meta cache keeps
// front matter, and only once the file has settled: see "Racy entries" in cache.go) and the
// span of clock readings it stays the same for (an action's time box turns overdue at an
// instant). The file names the build of incidentctl, the incidents folder and the caller's
// context (ElementCache.Context: everything else the element depends on, such as settings)
// plus the local time zone (documents' times are parsed into it); when any of them differs the
// cache is not used, and the next listing writes a new one.
//
// Layout: a header line set, then the elements (each stored through the file's dictionary of
// lines: elemdict.go), then the dictionary and an index of the elements (in the
// order a listing visits the documents, so that it is merged with them as they are visited,
// never held: cursor.go) and a fixed-size trailer that locates the index, checks it (CRC-32)
// and says how many bytes of elements it indexes. Bytes once written are never
// changed: a listing that has new elements to keep appends them and a new index after the old
// index, under an exclusive lock, and ends with a new trailer, so a concurrent reader that read
// the old trailer still reads what it describes; a run interrupted mid-way leaves a trailer
// that does not check, and the cache is then simply not used (the next listing writes a fresh
// one). Each append also writes the whole index again (~5 MB at 100,000 documents), so when
// the bytes no longer indexed (old indexes, replaced elements) pass half of those indexed, the
// next listing writes a fresh file and renames it over the old one.

// ElementCache names a cache of encoded elements (EachCached).
type ElementCache struct {
	Name    string // the file in <git dir>/incidentctl/
	Context string // all that an element depends on besides the document, the build and the clock
}

// Element is what EachCached's encode makes of a document.
type Element struct {
	B []byte
	// Keep says whether B may be cached; it then stays the same for every clock reading t with
	// From < t ≤ Until (Unix nanoseconds; math.MinInt64 and math.MaxInt64 for no limit).
	Keep        bool
	From, Until int64
}

const (
	elemMagic        = "incidentctl elements 3\n"
	elemTrailerMagic = "ICELEMT3"
	elemTrailerSize  = 8 + 8 + 4 + 8 + 8 // index offset, index length, CRC-32, live bytes, elemTrailerMagic
)

// The index is the dictionary (elemdict.go), then a sectioned file (cursor.go), per document:
//
//	<name> NUL <size> <mtime> <ctime> <inode> <from> <until> <offset> <length>
//
// with numbers as varints (from and until signed), so that a listing merges it with the
// documents as it visits them instead of holding it.

func elemBody(c *cacheCursor) {
	c.readKey()
	c.from, c.until = c.signed(), c.signed()
	c.off, c.n = c.num(), c.num()
}

// elemFile is an element cache as opened: its trailer read, its index not.
type elemFile struct {
	f       *os.File
	size    int64 // of the file when its trailer was read
	head    int64 // the header's length
	dataEnd int64 // where the index begins
	idxLen  int64
	crc     uint32
	live    int64 // bytes of the indexed elements
	dict    *elemDict
	entries int64 // where the index's entries begin, after the dictionary
	// a window of the file, for reading the elements of a listing in (mostly) file order
	buf      []byte
	bufStart int64
}

func (w *Workspace) elemHeader(c ElementCache) string {
	sum := sha256.Sum256([]byte(c.Context + "\x00" + localZoneKey()))
	return elemMagic + settle.BuildKey() + "\n" + w.incidentsDir() + "\n" + hex.EncodeToString(sum[:]) + "\n"
}

// localZoneKey names the local time zone: TZ, and the zone file it comes from.
func localZoneKey() string {
	tz, set := os.LookupEnv("TZ")
	k := strconv.Quote(tz) + strconv.FormatBool(set) + " " + os.Getenv("ZONEINFO")
	if !set {
		if link, err := os.Readlink("/etc/localtime"); err == nil {
			k += " " + link
		}
		if fi, err := os.Stat("/etc/localtime"); err == nil {
			k += " " + strconv.FormatInt(fi.Size(), 10) + " " + strconv.FormatInt(fi.ModTime().UnixNano(), 10)
		}
	}
	return k
}

// openElemCache opens the cache and reads its trailer; nil when there is no usable cache.
func (w *Workspace) openElemCache(c ElementCache) *elemFile {
	f, err := os.Open(filepath.Join(w.cacheDir(), c.Name))
	if err != nil {
		return nil
	}
	ef, err := readElemTrailer(f, w.elemHeader(c))
	if err != nil {
		f.Close()
		return nil
	}
	return ef
}

var errElemDamaged = errors.New("damaged element cache")

func readElemTrailer(f *os.File, header string) (*elemFile, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := fi.Size()
	if size < int64(len(header)+elemTrailerSize) {
		return nil, errElemDamaged
	}
	head := make([]byte, len(header))
	if _, err := f.ReadAt(head, 0); err != nil || string(head) != header {
		return nil, errElemDamaged
	}
	var tr [elemTrailerSize]byte
	if _, err := f.ReadAt(tr[:], size-elemTrailerSize); err != nil || string(tr[28:]) != elemTrailerMagic {
		return nil, errElemDamaged
	}
	ioff, ilen := int64(binary.LittleEndian.Uint64(tr[0:])), int64(binary.LittleEndian.Uint64(tr[8:]))
	live := int64(binary.LittleEndian.Uint64(tr[20:]))
	if ioff < int64(len(header)) || ilen < 0 || ioff+ilen != size-elemTrailerSize || live < 0 {
		return nil, errElemDamaged
	}
	dict, used, ok := readElemDict(bufio.NewReaderSize(io.NewSectionReader(f, ioff, ilen), 64<<10), ilen)
	if !ok {
		return nil, errElemDamaged
	}
	return &elemFile{f: f, size: size, head: int64(len(header)), dataEnd: ioff, idxLen: ilen,
		crc: binary.LittleEndian.Uint32(tr[16:]), live: live, dict: dict, entries: ioff + used}, nil
}

// cursor reads the index's entries from their start; its checksum goes on from the
// dictionary's, so that at the end it is the index's.
func (ef *elemFile) cursor() *cacheCursor {
	c := newCursor(ef.f, ef.entries, ef.dataEnd+ef.idxLen, elemBody)
	c.crc.crc = ef.dict.sum()
	return c
}

// entryOK says whether the cursor's entry points inside the elements.
func (ef *elemFile) entryOK(c *cacheCursor) bool {
	return c.off >= uint64(ef.head) && c.n <= uint64(ef.dataEnd) && c.off <= uint64(ef.dataEnd)-c.n && c.n < math.MaxUint32
}

// read returns an element's bytes as stored (elemDict.encode), valid until the next read.
func (ef *elemFile) read(off int64, n int64) ([]byte, error) {
	return ef.readAhead(off, n, elemReadWindow)
}

// holds says whether the window holds the element.
func (ef *elemFile) holds(off, n int64) bool {
	return off >= ef.bufStart && off+n <= ef.bufStart+int64(len(ef.buf))
}

// readAhead is read, reading window bytes from off (at least the element) when the window does
// not hold it.
func (ef *elemFile) readAhead(off, n, window int64) ([]byte, error) {
	if ef.holds(off, n) {
		return ef.buf[off-ef.bufStart : off-ef.bufStart+n], nil
	}
	size := max(n, window)
	size = min(size, max(ef.dataEnd-off, n))
	if int64(cap(ef.buf)) < size {
		ef.buf = make([]byte, size)
	}
	ef.buf = ef.buf[:size]
	k, err := ef.f.ReadAt(ef.buf, off)
	if k < int(n) {
		if err == nil || err == io.EOF {
			err = errElemDamaged
		}
		ef.buf = ef.buf[:0]
		return nil, err
	}
	ef.buf, ef.bufStart = ef.buf[:k], off
	return ef.buf[:n], nil
}

// elemWriter writes the elements of a listing into the cache: appended to the file read
// (append) or into a new file renamed over it at the end.
type elemWriter struct {
	f       *os.File
	tmp     string    // the new file's name, "" when appending
	dict    *elemDict // the file's: the old file's when there is one, else made from the first elements (setDict)
	enc     []byte    // an element encoded
	pos     int64
	added   []elemAdded // in the listing's order
	failed  bool
	written int64
}

// elemAdded is an element written by this listing.
type elemAdded struct {
	seq         uint32 // the document (docWalk)
	hit         bool   // copied from the old file: its key and span are the old index's
	n           uint32
	off         int64
	key         statKey
	from, until int64
}

func (ew *elemWriter) put(b []byte) (int64, bool) {
	if ew == nil || ew.failed {
		return 0, false
	}
	if _, err := ew.f.WriteAt(b, ew.pos); err != nil {
		ew.failed = true
		return 0, false
	}
	off := ew.pos
	ew.pos += int64(len(b))
	ew.written++
	return off, true
}

// setDict gives a new file without a dictionary one made from these first elements (lines
// that occur at least min times in them).
func (ew *elemWriter) setDict(samples [][]byte, min int) {
	if ew != nil && ew.dict == nil {
		ew.dict = buildElemDict(samples, min)
	}
}

// encoded is element b as the file stores it (valid until the next call).
func (ew *elemWriter) encoded(b []byte) []byte {
	if ew.dict == nil {
		ew.setDict([][]byte{b}, 1)
	}
	ew.enc = ew.dict.encode(ew.enc[:0], b)
	return ew.enc
}

// addElement is add of an element as encode made it.
func (ew *elemWriter) addElement(a elemAdded, b []byte) (int64, uint32, bool) {
	if ew == nil || len(b) == 0 {
		return 0, 0, false
	}
	e := ew.encoded(b)
	off, ok := ew.add(a, e)
	return off, uint32(len(e)), ok
}

// spillElement is spill of an element as encode made it.
func (ew *elemWriter) spillElement(b []byte) (int64, uint32, bool) {
	if ew == nil || len(b) == 0 {
		return 0, 0, false
	}
	e := ew.encoded(b)
	if len(e) >= math.MaxUint32 {
		return 0, 0, false
	}
	off, ok := ew.spill(e)
	return off, uint32(len(e)), ok
}

// add writes an element to be indexed, as the file stores it, and returns where it went.
func (ew *elemWriter) add(a elemAdded, b []byte) (int64, bool) {
	if len(b) == 0 || len(b) >= math.MaxUint32 {
		return 0, false
	}
	off, ok := ew.put(b)
	if !ok {
		return 0, false
	}
	a.off, a.n = off, uint32(len(b))
	ew.added = append(ew.added, a)
	return off, true
}

// spill writes an element for this listing alone (not indexed: a document that has not
// settled), and returns where it went. The bytes count as dead ones (see fresh in EachCached).
func (ew *elemWriter) spill(b []byte) (int64, bool) {
	off, ok := ew.put(b)
	if ok {
		ew.written--
	}
	return off, ok
}

// walkIndex visits what the new index holds, document by document in the index's order:
// the elements written now, and the old file's entries still current (current) that were
// not replaced. A fresh file copies those old elements into itself: copyAt is where the first
// goes, and copying says whether to copy them now (the pass before the index is written) or
// only to count where they went.
func (ew *elemWriter) walkIndex(ef *elemFile, docs *docWalk, current bitset, copyAt int64, copying bool, entry func(rel, name string, e elemAdded)) {
	var cur *cacheCursor
	if ef != nil {
		cur = ef.cursor()
	}
	fresh := ew.tmp != ""
	added := ew.added
	docs.each(func(seq uint32, rel, name string) {
		for len(added) > 0 && added[0].seq < seq {
			added = added[1:]
		}
		found := cur != nil && cur.find(rel, name) && ef.entryOK(cur)
		if len(added) > 0 && added[0].seq == seq {
			a := added[0]
			if a.hit {
				if !found {
					return
				}
				a.key, a.from, a.until = cur.key, cur.from, cur.until
			}
			if !copying {
				entry(rel, name, a)
			}
			return
		}
		if !found || !current.has(seq) {
			return
		}
		e := elemAdded{seq: seq, key: cur.key, from: cur.from, until: cur.until, off: int64(cur.off), n: uint32(cur.n)}
		if fresh {
			if copying {
				b, err := ef.read(e.off, int64(e.n))
				if err != nil {
					ew.failed = true
					return
				}
				ew.put(b)
				return
			}
			e.off = copyAt
			copyAt += int64(e.n)
		}
		if !copying {
			entry(rel, name, e)
		}
	})
}

// finish writes the index and the trailer (and renames a new file into place). A fresh file
// first takes the old file's elements of documents not listed now that are still current.
func (ew *elemWriter) finish(dir, name string, ef *elemFile, docs *docWalk, current bitset) {
	if ew == nil {
		return
	}
	slices.SortFunc(ew.added, func(a, b elemAdded) int { return cmp.Compare(a.seq, b.seq) })
	copyAt := ew.pos
	if ew.tmp != "" && ef != nil {
		ew.walkIndex(ef, docs, current, copyAt, true, nil)
	}
	if ew.written == 0 || ew.failed || entriesErr(docs.folders) != nil {
		ew.abandon(ef)
		return
	}
	defer ew.f.Close()
	sw := newSectionWriter(io.NewOffsetWriter(ew.f, ew.pos))
	if ew.dict == nil {
		ew.dict = newElemDict(nil)
	}
	sw.write(ew.dict.enc)
	var live int64
	ew.walkIndex(ef, docs, current, copyAt, false, func(rel, name string, e elemAdded) {
		sw.entry(rel, name)
		sw.buf = appendKey(sw.buf, e.key)
		sw.buf = binary.AppendVarint(sw.buf, e.from)
		sw.buf = binary.AppendVarint(sw.buf, e.until)
		sw.buf = binary.AppendUvarint(sw.buf, uint64(e.off))
		sw.buf = binary.AppendUvarint(sw.buf, uint64(e.n))
		live += int64(e.n)
	})
	if err := sw.close(); err != nil || ew.failed || entriesErr(docs.folders) != nil {
		ew.failed = true
	} else {
		var tr [elemTrailerSize]byte
		binary.LittleEndian.PutUint64(tr[0:], uint64(ew.pos))
		binary.LittleEndian.PutUint64(tr[8:], uint64(sw.count))
		binary.LittleEndian.PutUint32(tr[16:], sw.crc)
		binary.LittleEndian.PutUint64(tr[20:], uint64(live))
		copy(tr[28:], elemTrailerMagic)
		if _, err := ew.f.WriteAt(tr[:], ew.pos+sw.count); err != nil {
			ew.failed = true
		}
	}
	if ew.tmp == "" {
		if ew.failed {
			ew.f.Truncate(ef.size)
		}
		return
	}
	if err := ew.f.Close(); ew.failed || err != nil || os.Rename(ew.tmp, filepath.Join(dir, name)) != nil {
		os.Remove(ew.tmp)
	}
}

// abandon drops what was written: a new file is removed, an appended one cut back.
func (ew *elemWriter) abandon(old *elemFile) {
	if ew == nil {
		return
	}
	if ew.tmp != "" {
		ew.f.Close()
		os.Remove(ew.tmp)
		return
	}
	ew.f.Truncate(old.size)
	ew.f.Close()
}

// newElemWriter starts a new cache file.
func (w *Workspace) newElemWriter(c ElementCache) *elemWriter {
	dir := w.cacheDir()
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return nil
	}
	f, err := os.CreateTemp(dir, c.Name+".tmp-*")
	if err != nil {
		return nil
	}
	header := w.elemHeader(c)
	if _, err := f.WriteString(header); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil
	}
	return &elemWriter{f: f, tmp: f.Name(), pos: int64(len(header))}
}

// appendElemWriter continues the cache read as ef, if no one else writes it and it is still
// the file ef read; nil otherwise.
func (w *Workspace) appendElemWriter(c ElementCache, ef *elemFile) *elemWriter {
	f, err := os.OpenFile(filepath.Join(w.cacheDir(), c.Name), os.O_RDWR, 0)
	if err != nil {
		return nil
	}
	if !lockExclusive(f) {
		f.Close()
		return nil
	}
	a, err1 := f.Stat()
	b, err2 := ef.f.Stat()
	if err1 != nil || err2 != nil || !os.SameFile(a, b) || a.Size() != ef.size {
		f.Close() // replaced or appended to since it was read
		return nil
	}
	return &elemWriter{f: f, pos: ef.size, dict: ef.dict}
}

// clockNanos is a clock reading as Unix nanoseconds, clamped to what they can hold.
func clockNanos(t time.Time) int64 {
	switch {
	case t.Year() < 1678:
		return math.MinInt64 + 1
	case t.Year() > 2261:
		return math.MaxInt64
	}
	return t.UnixNano()
}

// elemReadWindow is how much of the elements read reads at once (a variable for the tests).
var elemReadWindow int64 = 1 << 20

// elemSlack is how many bytes of dead elements a cache may hold beyond as many as it holds
// live ones before it is written afresh (a variable for the tests).
var elemSlack int64 = 1 << 20
