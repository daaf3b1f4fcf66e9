package workspace

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/incidentctl/incidentctl/pkg/incident"
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
// Layout: a header line set, then the elements' bytes, then an index of the elements and a
// fixed-size trailer that locates the index and checks it (CRC-32). Bytes once written are never
// changed: a listing that has new elements to keep appends them and a new index after the old
// index, under an exclusive lock, and ends with a new trailer, so a concurrent reader that read
// the old trailer still reads what it describes; a run interrupted mid-way leaves a trailer
// that does not check, and the cache is then simply not used (the next listing writes a fresh
// one). Each append also writes the whole index again (~10 MB at 100,000 documents), so when
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
	elemMagic        = "incidentctl elements 1\n"
	elemTrailerMagic = "ICELEMT1"
	elemTrailerSize  = 8 + 8 + 4 + 8 // index offset, index length, CRC-32, elemTrailerMagic
)

// elemEntry is one cached element.
type elemEntry struct {
	key         statKey
	from, until int64
	off, n      int64
	used        bool // copied into the file being written
}

// elemFile is an element cache as read.
type elemFile struct {
	f       *os.File
	size    int64 // of the file when its trailer was read
	dataEnd int64 // where the index begins
	entries map[string]*elemEntry
	live    int64 // bytes of the indexed elements
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

// openElemCache reads the cache's index; nil when there is no usable cache.
func (w *Workspace) openElemCache(c ElementCache) *elemFile {
	f, err := os.Open(filepath.Join(w.cacheDir(), c.Name))
	if err != nil {
		return nil
	}
	ef, err := readElemIndex(f, w.elemHeader(c))
	if err != nil {
		f.Close()
		return nil
	}
	return ef
}

var errElemDamaged = errors.New("damaged element cache")

func readElemIndex(f *os.File, header string) (*elemFile, error) {
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
	if _, err := f.ReadAt(tr[:], size-elemTrailerSize); err != nil || string(tr[20:]) != elemTrailerMagic {
		return nil, errElemDamaged
	}
	ioff, ilen := int64(binary.LittleEndian.Uint64(tr[0:])), int64(binary.LittleEndian.Uint64(tr[8:]))
	if ioff < int64(len(header)) || ilen < 0 || ioff+ilen != size-elemTrailerSize {
		return nil, errElemDamaged
	}
	idx := make([]byte, ilen)
	if _, err := f.ReadAt(idx, ioff); err != nil || crc32.ChecksumIEEE(idx) != binary.LittleEndian.Uint32(tr[16:]) {
		return nil, errElemDamaged
	}
	ef := &elemFile{f: f, size: size, dataEnd: ioff, entries: map[string]*elemEntry{}}
	rd := recordReader{s: bytesToString(idx)}
	for rd.s != "" {
		p := rd.str()
		e := &elemEntry{}
		e.key = statKey{size: int64(rd.num()), mtime: int64(rd.num()), ctime: int64(rd.num()), ino: rd.num()}
		e.from, e.until = rd.signed(), rd.signed()
		e.off, e.n = int64(rd.num()), int64(rd.num())
		if rd.err || e.off < int64(len(header)) || e.n < 0 || e.off+e.n > ioff {
			return nil, errElemDamaged
		}
		ef.entries[p] = e
		ef.live += e.n
	}
	return ef, nil
}

// lookup returns the element cached for the document at path as it is now (key), valid at
// clock reading now.
func (ef *elemFile) lookup(path string, key statKey, now int64) *elemEntry {
	if ef == nil || key == (statKey{}) {
		return nil
	}
	e := ef.entries[path]
	if e == nil || e.key != key || !(e.from < now && now <= e.until) {
		return nil
	}
	return e
}

// read returns an element's bytes, valid until the next read.
func (ef *elemFile) read(e *elemEntry) ([]byte, error) {
	const window = 1 << 20
	if e.off >= ef.bufStart && e.off+e.n <= ef.bufStart+int64(len(ef.buf)) {
		return ef.buf[e.off-ef.bufStart : e.off-ef.bufStart+e.n], nil
	}
	n := max(e.n, window)
	n = min(n, max(ef.dataEnd-e.off, e.n))
	if int64(cap(ef.buf)) < n {
		ef.buf = make([]byte, n)
	}
	ef.buf = ef.buf[:n]
	k, err := ef.f.ReadAt(ef.buf, e.off)
	if k < int(e.n) {
		if err == nil || err == io.EOF {
			err = errElemDamaged
		}
		ef.buf = ef.buf[:0]
		return nil, err
	}
	ef.buf, ef.bufStart = ef.buf[:k], e.off
	return ef.buf[:e.n], nil
}

// elemWriter writes the elements of a listing into the cache: appended to the file read
// (append) or into a new file renamed over it at the end.
type elemWriter struct {
	f       *os.File
	tmp     string // the new file's name, "" when appending
	pos     int64
	index   map[string]*elemEntry
	order   []string // of index, as written
	failed  bool
	written int64
}

func (ew *elemWriter) add(path string, key statKey, from, until int64, b []byte) {
	if ew == nil || ew.failed {
		return
	}
	if _, err := ew.f.WriteAt(b, ew.pos); err != nil {
		ew.failed = true
		return
	}
	if _, ok := ew.index[path]; !ok {
		ew.order = append(ew.order, path)
	}
	ew.index[path] = &elemEntry{key: key, from: from, until: until, off: ew.pos, n: int64(len(b))}
	ew.pos += int64(len(b))
	ew.written++
}

// finish writes the index and the trailer (and renames a new file into place).
func (ew *elemWriter) finish(dir, name string) {
	if ew == nil {
		return
	}
	defer ew.f.Close()
	if !ew.failed {
		var idx []byte
		for _, p := range ew.order {
			e := ew.index[p]
			idx = binary.AppendUvarint(idx, uint64(len(p)))
			idx = append(idx, p...)
			for _, v := range []uint64{uint64(e.key.size), uint64(e.key.mtime), uint64(e.key.ctime), e.key.ino} {
				idx = binary.AppendUvarint(idx, v)
			}
			idx = binary.AppendVarint(idx, e.from)
			idx = binary.AppendVarint(idx, e.until)
			idx = binary.AppendUvarint(idx, uint64(e.off))
			idx = binary.AppendUvarint(idx, uint64(e.n))
		}
		var tr [elemTrailerSize]byte
		binary.LittleEndian.PutUint64(tr[0:], uint64(ew.pos))
		binary.LittleEndian.PutUint64(tr[8:], uint64(len(idx)))
		binary.LittleEndian.PutUint32(tr[16:], crc32.ChecksumIEEE(idx))
		copy(tr[20:], elemTrailerMagic)
		if _, err := ew.f.WriteAt(append(idx, tr[:]...), ew.pos); err != nil {
			ew.failed = true
		}
	}
	if ew.tmp == "" {
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
	return &elemWriter{f: f, tmp: f.Name(), pos: int64(len(header)), index: map[string]*elemEntry{}}
}

// appendElemWriter continues the cache read as ef, if no one else writes it and it is still
// the file ef read; nil otherwise. The index it will write keeps ef's entries that are still
// current (keep).
func (w *Workspace) appendElemWriter(c ElementCache, ef *elemFile, keep func(path string, e *elemEntry) bool) *elemWriter {
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
	ew := &elemWriter{f: f, pos: ef.size, index: map[string]*elemEntry{}}
	for p, e := range ef.entries {
		if keep(p, e) {
			ew.order = append(ew.order, p)
			ew.index[p] = e
		}
	}
	return ew
}

// EachCached is Each for a caller whose work is to encode each document as bytes that depend
// only on the document, the clock and c.Context: encode is given one clock reading for the
// whole listing and says which span of readings its element holds for. The elements of unchanged documents come
// from the element cache instead of reading and parsing them. emit receives the bytes
// (valid until it returns), in the listing's order, on the calling goroutine. An error from
// encode or emit stops the listing and is returned.
func EachCached(w *Workspace, f Filter, c ElementCache, encode func(*incident.Document, time.Time) (Element, error), emit func([]byte) error) (errs []error, err error) {
	f.MetaOnly = false
	sel, err := w.selectDocs(f, false)
	if err != nil {
		return nil, err
	}
	hs := sel.hs
	order := w.listOrder(sel)
	clock := w.Now()
	now := clockNanos(clock)
	limit := w.settleLimit()
	ef := w.openElemCache(c)
	if ef != nil {
		defer ef.f.Close()
	}
	hit := make([]*elemEntry, len(order))
	misses := 0
	for k, i := range order {
		h := &hs[i]
		if hit[k] = ef.lookup(h.path(), h.key, now); hit[k] == nil {
			misses++
		}
	}
	// current says whether an element cached for a path still describes its document.
	byPath := map[string]statKey{}
	current := func(p string, e *elemEntry) bool {
		if len(byPath) == 0 {
			for i := range hs {
				byPath[hs[i].path()] = hs[i].key
			}
		}
		k, ok := byPath[p]
		return ok && k == e.key
	}
	// Where the new elements go: a fresh file when there is no usable cache or when most of it
	// is dead, else appended (only when something is to be kept: see add below).
	var ew *elemWriter
	fresh := ef == nil || ef.dataEnd-int64(len(w.elemHeader(c))) > ef.live+ef.live/2+elemSlack
	if fresh && (misses > 0 || ef != nil) {
		ew = w.newElemWriter(c)
	}
	appendTried := false
	keepNew := func(h *header, el *Element) {
		if !el.Keep || !h.key.settled(limit) || h.key == (statKey{}) {
			return
		}
		if ew == nil && !fresh && !appendTried {
			appendTried = true
			ew = w.appendElemWriter(c, ef, current)
		}
		ew.add(h.path(), h.key, el.From, el.Until, el.B)
	}

	type result struct {
		el  Element
		err error
		ok  bool
	}
	err = inWindows(len(order), func(k int) (r result) {
		if hit[k] != nil {
			return r
		}
		h := &hs[order[k]]
		d, err := w.loadEntry(Entry{ID: h.id(), Path: h.path()})
		if err != nil {
			h.err = err
			return r
		}
		// It may have changed since its header was read.
		if sel.match(d.Meta.Status, d.Meta.Severity, d.Meta.Kind) {
			el, err := encode(d, clock)
			r = result{el, err, true}
		}
		return r
	}, func(k int, r result) error {
		h := &hs[order[k]]
		if e := hit[k]; e != nil {
			b, err := ef.read(e)
			if err != nil {
				// The cache cannot be read after all: this one document is read instead.
				d, err := w.loadEntry(Entry{ID: h.id(), Path: h.path()})
				if err != nil {
					h.err = err
					return nil
				}
				if !sel.match(d.Meta.Status, d.Meta.Severity, d.Meta.Kind) {
					return nil
				}
				el, err := encode(d, clock)
				if err != nil {
					return err
				}
				return emit(el.B)
			}
			if ew != nil && ew.tmp != "" { // a fresh file keeps it too
				ew.add(h.path(), e.key, e.from, e.until, b)
				e.used = true
			}
			return emit(b)
		}
		if !r.ok {
			return nil
		}
		if r.err != nil {
			return r.err
		}
		keepNew(h, &r.el)
		return emit(r.el.B)
	})
	if err != nil {
		ew.abandon(ef)
		return nil, err
	}
	if ew != nil && ew.tmp != "" && ef != nil {
		// A fresh file replacing an old one keeps the old elements of documents not listed.
		for p, e := range ef.entries {
			if e.used || !current(p, e) {
				continue
			}
			if _, listed := ew.index[p]; listed {
				continue
			}
			if b, err := ef.read(e); err == nil {
				ew.add(p, e.key, e.from, e.until, b)
			}
		}
	}
	if ew != nil && ew.written > 0 {
		ew.finish(w.cacheDir(), c.Name)
	} else {
		ew.abandon(ef)
	}
	return headerErrors(hs), nil
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

// elemSlack is how many bytes of dead elements a cache may hold beyond as many as it holds
// live ones before it is written afresh (a variable for the tests).
var elemSlack int64 = 1 << 20
