package workspace

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/incidentctl/incidentctl/pkg/incident"
)

// A streamed listing (EachCached) of 100,000 documents holds, per document, a fixed-size
// record (listed: its place in the order and where its element is), never its front matter or
// an index entry: the meta cache and the element cache's index are merged with the documents
// as the folders are visited (cursor.go), and the listing is written as it is read. What it
// holds besides grows only with the documents it has to read (changed since the caches were
// written).

// docWalk visits the documents of the folders in order, numbering them (seq).
type docWalk struct {
	folders []*folder
	starts  []uint32 // the seq of each folder's first document, then the total
}

func newDocWalk(folders []*folder) *docWalk {
	d := &docWalk{folders: folders, starts: make([]uint32, 0, len(folders)+1)}
	n := uint32(0)
	for _, f := range folders {
		d.starts = append(d.starts, n)
		n += uint32(f.count)
	}
	d.starts = append(d.starts, n)
	return d
}

func (d *docWalk) count() int { return int(d.starts[len(d.starts)-1]) }

func (d *docWalk) each(fn func(seq uint32, rel, name string)) {
	for i, f := range d.folders {
		seq := d.starts[i]
		f.eachDoc(func(name, _ string) {
			fn(seq, f.rel, name)
			seq++
		})
	}
}

// path returns the repository path of document seq.
func (d *docWalk) path(seq uint32) string {
	i := sort.Search(len(d.folders), func(i int) bool { return d.starts[i+1] > seq })
	if i == len(d.folders) {
		return ""
	}
	f, k, out := d.folders[i], d.starts[i], ""
	f.eachDoc(func(name, _ string) {
		if k == seq {
			out = f.docPath(name)
		}
		k++
	})
	return out
}

// bitset is a set of document numbers.
type bitset []uint64

func newBitset(n int) bitset       { return make(bitset, (n+63)/64) }
func (b bitset) set(i uint32)      { b[i/64] |= 1 << (i % 64) }
func (b bitset) has(i uint32) bool { return b != nil && b[i/64]&(1<<(i%64)) != 0 }

// listed is one document of a streamed listing: its order (declaration time, ID, seq) and
// where its element is, in 48 bytes.
type listed struct {
	sec   int64  // declared at: Unix seconds
	off   int64  // the element's offset in the cache; when n is 0, its index in misses
	nsec  uint32 // ... and nanoseconds
	seq   uint32 // the document
	n     uint32 // the element's length; 0 when it is not cached
	idLen uint8  // the ID's length, when it fits in id; longID when it is in longIDs
	id    [12]byte
	inNew bool // the element is in the file this listing writes (firstPass), not the old one
}

const longID = 255

// setID sets the ID, and reports whether it is too long to be held in l (longIDs holds it).
func (l *listed) setID(id string) bool {
	if len(id) <= len(l.id) {
		l.idLen = uint8(copy(l.id[:], id))
		return false
	}
	l.idLen = longID
	return true
}

// missed is a listed document whose element is not cached: it is read in full.
type missed struct {
	path    string
	key     statKey
	settled bool
}

// docError is a document that could not be read, for the listing's report.
type docError struct {
	id, path string
	err      error
}

func sortedErrors(es []docError) []error {
	slices.SortStableFunc(es, func(a, b docError) int {
		if c := strings.Compare(a.id, b.id); c != 0 {
			return c
		}
		return strings.Compare(a.path, b.path)
	})
	var out []error
	for _, e := range es {
		out = append(out, e.err)
	}
	return out
}

// newMeta is a front-matter record made now, for the meta cache.
type newMeta struct {
	key statKey
	rec string
}

func metaBody(c *cacheCursor) {
	c.readKey()
	n := c.num()
	if c.done || n > 1<<24 {
		c.fail()
		return
	}
	if uint64(cap(c.rec)) < n {
		c.rec = make([]byte, n)
	}
	c.rec = c.rec[:n]
	if _, err := io.ReadFull(c.r, c.rec); err != nil {
		c.fail()
	}
}

// streamSel is what the first pass of a streamed listing found.
type streamSel struct {
	docs     *docWalk
	list     []listed
	misses   []missed
	longIDs  map[uint32]string
	errs     []docError
	current  bitset // documents whose element in the old cache is of the document as it is
	elemOK   bool   // the element cache's index read whole and checked
	matchDoc func(*incident.Document) bool
	free     func() // releases list
}

func (s *streamSel) idOf(l *listed) []byte {
	if l.idLen == longID {
		return []byte(s.longIDs[l.seq])
	}
	return l.id[:l.idLen]
}

// selDoc is a document of the folder streamSelect merges.
type selDoc struct {
	rec      string // the front-matter record made now
	listed   bool   // the filter selects it
	l        listed // its order, when listed
	long     string // its ID, when too long for l
	err      error
	hitOff   int64
	hitN     uint32
	readMeta bool
	el       Element // encoded now (fp), until written
	stored   bool    // el.B is as the new file stores it (elemDict.encode)
	newOff   int64   // where el went in fp's file
	newN     uint32
}

// docID is the document's ID, when listed.
func (d *selDoc) docID() string {
	if d.l.idLen == longID {
		return d.long
	}
	return string(d.l.id[:d.l.idLen])
}

// folderWindow is how many folders the first pass stats ahead of the one it merges.
const folderWindow = 2

// firstPass lets streamSelect encode the documents it has to read when no element cache is
// read (the first listing after a clone or an upgrade): each is then read and parsed once,
// not once for its front matter and again for its element, and its element goes into the new
// cache file at once, where the listing copies it from in its order.
type firstPass struct {
	encode func(*incident.Document, time.Time) (Element, error)
	clock  time.Time
	ew     *elemWriter // a new file
	// full says the filter takes every status and severity: a document is parsed in full at
	// once, not for its front matter first.
	full bool
}

// firstChunk is how many documents of a folder the first pass encodes before it writes their
// elements: what it holds of them at once.
const firstChunk = 1024

// streamSelect visits every document once, in folder order: it stats each, takes its front
// matter from the meta cache (or reads it, and updates the cache), keeps the ones the filter
// selects as listed records, and finds their elements in the element cache's index (ef, at
// clock reading now). The listed records come back in the listing's order.
func (w *Workspace) streamSelect(f Filter, ef *elemFile, now int64, fp *firstPass) (*streamSel, error) {
	match, err := w.filterMatch(f)
	if err != nil {
		return nil, err
	}
	folders, err := w.folders()
	if err != nil {
		return nil, errors.New("listing " + w.incidentsDir() + ": " + err.Error())
	}
	limit := w.settleLimit()
	docs := newDocWalk(folders)
	s := &streamSel{docs: docs, longIDs: map[uint32]string{}, current: newBitset(docs.count()),
		matchDoc: func(d *incident.Document) bool { return match(d.Meta.Status, d.Meta.Severity, d.Meta.Kind) }}
	s.list, s.free = offHeap[listed](docs.count())

	// The meta cache: read with a cursor; rewritten (below) when it lacks what was read now.
	var mc *cacheCursor
	var metaFile *os.File
	var metaStart int64
	header := w.metaHeader()
	if mf, err := os.Open(filepath.Join(w.cacheDir(), "meta")); err == nil {
		defer mf.Close()
		head := make([]byte, len(header))
		if fi, err := mf.Stat(); err == nil {
			if _, err := io.ReadFull(mf, head); err == nil && string(head) == header {
				metaFile, metaStart = mf, int64(len(header))
				mc = newCursor(mf, metaStart, fi.Size(), metaBody)
			}
		}
	}
	metaHit := newBitset(docs.count())
	newRecs := map[uint32]newMeta{}
	// Without a cache to copy from, the new one is written as the documents are read.
	var mw *sectionWriter
	var mtmp *os.File
	if mc == nil {
		if os.MkdirAll(w.cacheDir(), 0o777) == nil {
			if mtmp, err = os.CreateTemp(w.cacheDir(), "meta.tmp-*"); err == nil {
				mw = newSectionWriter(mtmp)
				mw.write([]byte(header))
			}
		}
	}
	var ec *cacheCursor
	if ef != nil {
		ec = ef.cursor()
	}

	type statted struct {
		names []string
		keys  []statKey
	}
	var ds []selDoc // per folder, reused
	err = inWindowsOf(len(folders), folderWindow, func(k int) statted {
		st := statted{names: make([]string, 0, docs.starts[k+1]-docs.starts[k])}
		folders[k].eachDoc(func(name, _ string) { st.names = append(st.names, name) })
		st.keys, _ = statNames(w.abs(folders[k].rel), st.names)
		return st
	}, func(k int, st statted) error {
		fo := folders[k]
		base := docs.starts[k]
		ds = slices.Grow(ds[:0], len(st.names))[:len(st.names)]
		var reread []int
		for j, name := range st.names {
			seq := base + uint32(j)
			key := st.keys[j]
			d := &ds[j]
			*d = selDoc{}
			if mc != nil && mc.find(fo.rel, name) && key != (statKey{}) && mc.key == key {
				rec := bytesToString(mc.rec) // valid until the cursor moves on
				if status, sev, kind := recordStatus(rec); !match(status, sev, kind) {
					metaHit.set(seq)
				} else if at, id, ok := recordOrder(rec); ok {
					metaHit.set(seq)
					d.listed, d.l = true, listed{sec: at.Unix(), nsec: uint32(at.Nanosecond()), seq: seq}
					if d.l.setID(id) {
						d.long = strings.Clone(id)
					}
				} else {
					d.readMeta = true
				}
			} else {
				d.readMeta = true
			}
			if d.readMeta {
				reread = append(reread, j)
			}
			if ec != nil && ec.find(fo.rel, name) && key != (statKey{}) && ec.key == key && ef.entryOK(ec) {
				s.current.set(seq)
				if ec.from < now && now <= ec.until && ec.n > 0 {
					d.hitOff, d.hitN = int64(ec.off), uint32(ec.n)
				}
			}
		}
		for c0 := 0; c0 < len(reread); c0 += firstChunk {
			chunk := reread[c0:min(c0+firstChunk, len(reread))]
			// Once the new file has its dictionary, the elements are stored through it on the
			// reading goroutines too, not one by one as they are written.
			var dict *elemDict
			if fp != nil {
				dict = fp.ew.dict
			}
			parallelWith(len(chunk), func() (func(int), func()) {
				r := newDocReader()
				return func(i int) {
					j := chunk[i]
					d := &ds[j]
					p := fo.docPath(st.names[j])
					src, _, err := r.read(w, p)
					if err != nil {
						d.err = err
						return
					}
					// The front matter first (ParseMeta fails exactly when Parse does), unless
					// the document is to be encoded whatever it holds.
					encode := fp != nil && d.hitN == 0
					var doc *incident.Document
					if encode && fp.full {
						doc, err = r.pr.Parse(p, src)
					} else {
						doc, err = incident.ParseMeta(p, src)
					}
					if err != nil {
						d.err = err
						return
					}
					d.rec = string(encodeMeta(doc))
					status, sev, kind := recordStatus(d.rec)
					if !match(status, sev, kind) {
						return
					}
					at, id, _ := recordOrder(d.rec)
					d.listed, d.l = true, listed{sec: at.Unix(), nsec: uint32(at.Nanosecond()), seq: base + uint32(j)}
					if d.l.setID(id) {
						d.long = id
					}
					if !encode {
						return
					}
					if !fp.full {
						if doc, err = r.pr.Parse(p, src); err != nil {
							return // read again when listed, which reports it
						}
					}
					// An encoding that fails is made again when listed, which stops there.
					if el, err := fp.encode(doc, fp.clock); err == nil && len(el.B) > 0 && len(el.B) < math.MaxUint32 {
						d.el = el
						if dict != nil {
							d.el.B, d.stored = dict.encode(nil, el.B), true
						}
					}
				}, r.close
			})
			if fp == nil {
				continue
			}
			// The elements made, into the new file in the listing's order (the listing then
			// reads them in file order, as it reads a cache it wrote).
			var made []int
			for _, j := range chunk {
				if ds[j].el.B != nil {
					made = append(made, j)
				}
			}
			slices.SortFunc(made, func(a, b int) int {
				x, y := &ds[a], &ds[b]
				if c := cmp.Compare(y.l.sec, x.l.sec); c != 0 {
					return c
				}
				if c := cmp.Compare(y.l.nsec, x.l.nsec); c != 0 {
					return c
				}
				if c := strings.Compare(y.docID(), x.docID()); c != 0 {
					return c
				}
				return cmp.Compare(x.l.seq, y.l.seq)
			})
			// The new file's dictionary comes from the first elements it gets.
			if len(made) > 0 && fp.ew.dict == nil {
				samples := make([][]byte, len(made))
				for i, j := range made {
					samples[i] = ds[j].el.B
				}
				fp.ew.setDict(samples, 2)
			}
			for _, j := range made {
				d := &ds[j]
				key := st.keys[j]
				var ok bool
				var n uint32
				added := elemAdded{seq: base + uint32(j), key: key, from: d.el.From, until: d.el.Until}
				switch keep := d.el.Keep && key.settled(limit) && key != (statKey{}); {
				case d.stored && keep:
					d.newOff, ok = fp.ew.add(added, d.el.B)
					n = uint32(len(d.el.B))
				case d.stored:
					if len(d.el.B) < math.MaxUint32 {
						d.newOff, ok = fp.ew.spill(d.el.B)
						n = uint32(len(d.el.B))
					}
				case keep:
					d.newOff, n, ok = fp.ew.addElement(added, d.el.B)
				default:
					d.newOff, n, ok = fp.ew.spillElement(d.el.B)
				}
				if ok {
					d.newN = n
				}
				d.el = Element{}
			}
		}
		for j, name := range st.names {
			seq := base + uint32(j)
			d := &ds[j]
			if d.err != nil {
				s.errs = append(s.errs, docError{name[:12], fo.docPath(name), d.err})
				continue
			}
			key := st.keys[j]
			if d.readMeta && key.settled(limit) && key != (statKey{}) {
				if mw != nil {
					mw.entry(fo.rel, name)
					mw.buf = appendKey(mw.buf, key)
					mw.buf = binary.AppendUvarint(mw.buf, uint64(len(d.rec)))
					mw.buf = append(mw.buf, d.rec...)
				} else if mc != nil {
					newRecs[seq] = newMeta{key, d.rec}
				}
			}
			if !d.listed {
				continue
			}
			l := d.l
			if l.idLen == longID {
				s.longIDs[seq] = d.long
			}
			l.off, l.n = d.hitOff, d.hitN
			if d.newN != 0 {
				l.off, l.n, l.inNew = d.newOff, d.newN, true
			}
			if l.n == 0 {
				l.off = int64(len(s.misses))
				s.misses = append(s.misses, missed{path: fo.docPath(name), key: key, settled: key.settled(limit)})
			}
			s.list = append(s.list, l)
		}
		return nil
	})
	if err == nil {
		err = entriesErr(folders)
	}
	if err != nil {
		if mtmp != nil {
			mtmp.Close()
			os.Remove(mtmp.Name())
		}
		s.free()
		return nil, err
	}
	// The element cache's index must check whole, or none of it is used.
	if ec != nil {
		ec.drain()
		s.elemOK = !ec.damaged && ec.crc.crc == ef.crc
		if !s.elemOK {
			s.current = newBitset(docs.count())
			for i := range s.list {
				if l := &s.list[i]; l.n != 0 {
					l.off, l.n = int64(len(s.misses)), 0
					p := docs.path(l.seq)
					key, settled := statKey{}, false
					if fi, err := statFile(w.abs(p)); err == nil && fi.Mode().IsRegular() {
						key = keyOf(fi)
						settled = key.settled(limit)
					}
					s.misses = append(s.misses, missed{path: p, key: key, settled: settled})
				}
			}
		}
	}
	// The meta cache.
	if mw != nil {
		if err := mw.close(); err == nil && mtmp.Close() == nil && os.Rename(mtmp.Name(), filepath.Join(w.cacheDir(), "meta")) == nil {
			mtmp = nil
		}
		if mtmp != nil {
			mtmp.Close()
			os.Remove(mtmp.Name())
		}
	} else if mc != nil {
		mc.drain()
		if mc.damaged || mc.names < mc.count || len(newRecs) > 0 {
			w.rewriteMetaCache(metaFile, metaStart, docs, metaHit, newRecs)
		}
	}
	slices.SortFunc(s.list, func(a, b listed) int {
		if c := cmp.Compare(b.sec, a.sec); c != 0 {
			return c
		}
		if c := cmp.Compare(b.nsec, a.nsec); c != 0 {
			return c
		}
		if c := bytes.Compare(s.idOf(&b), s.idOf(&a)); c != 0 {
			return c
		}
		return cmp.Compare(a.seq, b.seq)
	})
	return s, nil
}

// rewriteMetaCache writes the meta cache afresh: the records of the old file that still hold
// (hit), and those made now.
func (w *Workspace) rewriteMetaCache(old *os.File, start int64, docs *docWalk, hit bitset, recs map[uint32]newMeta) {
	fi, err := old.Stat()
	if err != nil {
		return
	}
	dir := w.cacheDir()
	tmp, err := os.CreateTemp(dir, "meta.tmp-*")
	if err != nil {
		return
	}
	mw := newSectionWriter(tmp)
	mw.write([]byte(w.metaHeader()))
	cur := newCursor(old, start, fi.Size(), metaBody)
	docs.each(func(seq uint32, rel, name string) {
		found := hit.has(seq) && cur.find(rel, name)
		key, rec := cur.key, cur.rec
		if r, ok := recs[seq]; ok {
			key, rec = r.key, []byte(r.rec)
		} else if !found {
			return
		}
		mw.entry(rel, name)
		mw.buf = appendKey(mw.buf, key)
		mw.buf = binary.AppendUvarint(mw.buf, uint64(len(rec)))
		mw.buf = append(mw.buf, rec...)
	})
	err = mw.close()
	if err == nil {
		err = entriesErr(docs.folders)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), filepath.Join(dir, "meta"))
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
}

// EachCached is Each for a caller whose work is to encode each document as bytes that depend
// only on the document, the clock and c.Context: encode is given one clock reading for the
// whole listing and says which span of readings its element holds for. The elements of
// unchanged documents come from the element cache instead of reading and parsing them. emit
// receives the bytes (valid until it returns), in the listing's order, on the calling
// goroutine. An error from encode or emit stops the listing and is returned. f.Board is not
// looked at: the listing visits every document. encode runs on the reading goroutines, in
// parallel (also while the documents are first visited, when there is no cache to read: see
// firstPass), and the document it is given is valid only until it returns (it is read into
// memory the next document reuses): nothing of it but its strings may be kept.
func EachCached(w *Workspace, f Filter, c ElementCache, encode func(*incident.Document, time.Time) (Element, error), emit func([]byte) error) (errs []error, err error) {
	clock := w.Now()
	now := clockNanos(clock)
	ef := w.openElemCache(c)
	if ef != nil {
		defer ef.f.Close()
	}
	// Without a cache to read, the first pass encodes what it reads into a new one.
	var ew *elemWriter
	var fp *firstPass
	if ef == nil {
		if ew = w.newElemWriter(c); ew != nil {
			status := strings.ToLower(f.Status)
			fp = &firstPass{encode: encode, clock: clock, ew: ew, full: status == "all" && len(f.Severities) == 0}
		}
	}
	s, err := w.streamSelect(f, ef, now, fp)
	if err != nil {
		ew.abandon(ef)
		return nil, err
	}
	defer s.free()
	if !s.elemOK {
		ef = nil
	}
	// What the first pass wrote, for reading back.
	var nf *elemFile
	if fp != nil {
		nf = &elemFile{f: ew.f, head: ew.pos, dataEnd: ew.pos, dict: ew.dict}
	}
	// Where the new elements go: a fresh file when there is no usable cache or when most of it
	// is dead, else appended (only when something is to be kept: see keepNew).
	fresh := ef == nil || ef.dataEnd-ef.head > ef.live+ef.live/2+elemSlack
	if ew == nil && fresh && (len(s.misses) > 0 || ef != nil) {
		if ew = w.newElemWriter(c); ew != nil && ef != nil {
			ew.dict = ef.dict // the elements copied from it stay as they are
		}
	}
	appendTried := false
	keepNew := func(l *listed, el *Element) {
		m := &s.misses[l.off]
		if !el.Keep || !m.settled || m.key == (statKey{}) {
			return
		}
		if ew == nil && !fresh && !appendTried {
			appendTried = true
			ew = w.appendElemWriter(c, ef)
		}
		ew.addElement(elemAdded{seq: l.seq, key: m.key, from: el.From, until: el.Until}, el.B)
	}
	// A document read in full now.
	read := func(p string) (el Element, ok bool, err error) {
		d, lerr := w.loadEntry(Entry{ID: path.Base(p)[:12], Path: p})
		if lerr != nil {
			s.errs = append(s.errs, docError{path.Base(p)[:12], p, lerr})
			return el, false, nil
		}
		// It may have changed since its header was read.
		if !s.matchDoc(d) {
			return el, false, nil
		}
		el, err = encode(d, clock)
		return el, true, err
	}
	var dec []byte // a cached element decoded
	type result struct {
		el      Element
		ok      bool  // the document still matches
		err     error // from encode
		loadErr error
	}
	err = inWindowsWith(len(s.list), eachWindow, func() (func(int) result, func()) {
		dr := newDocReader()
		return func(k int) (r result) {
			l := &s.list[k]
			if l.n != 0 {
				return r
			}
			m := &s.misses[l.off]
			d, err := dr.entry(w, m.path)
			if err != nil {
				r.loadErr = err
				return r
			}
			// It may have changed since its header was read.
			if s.matchDoc(d) {
				r.el, r.err = encode(d, clock)
				r.ok = true
			}
			return r
		}, dr.close
	}, func(k int, r result) error {
		l := &s.list[k]
		if l.n != 0 {
			from := ef
			if l.inNew {
				from = nf
			}
			// What the window reads: the elements listed next, as long as each follows the
			// last in the file (all of them when the file was written in the listing's order,
			// runs of them when the first pass wrote it folder by folder).
			ahead := int64(l.n)
			if !from.holds(l.off, int64(l.n)) {
				for j := k + 1; j < len(s.list); j++ {
					nx := &s.list[j]
					if nx.n == 0 || nx.inNew != l.inNew || nx.off != l.off+ahead || ahead+int64(nx.n) > elemReadWindow {
						break
					}
					ahead += int64(nx.n)
				}
			}
			b, err := from.readAhead(l.off, int64(l.n), ahead)
			var el []byte
			if err == nil {
				el, err = from.dict.decode(dec[:0], b)
				dec = el
			}
			if err != nil {
				// The cache cannot be read after all: this one document is read instead.
				el, ok, err := read(s.docs.path(l.seq))
				if err != nil || !ok {
					return err
				}
				return emit(el.B)
			}
			if ew != nil && ew.tmp != "" && !l.inNew { // a fresh file keeps it too
				ew.add(elemAdded{seq: l.seq, hit: true}, b)
			}
			return emit(el)
		}
		m := &s.misses[l.off]
		switch {
		case r.loadErr != nil:
			s.errs = append(s.errs, docError{path.Base(m.path)[:12], m.path, r.loadErr})
			return nil
		case !r.ok:
			return nil
		case r.err != nil:
			return r.err
		}
		el := r.el
		keepNew(l, &el)
		return emit(el.B)
	})
	if err != nil {
		if ew != nil {
			ew.abandon(ef)
		}
		return nil, err
	}
	if ew != nil {
		ew.finish(w.cacheDir(), c.Name, ef, s.docs, s.current)
	}
	return sortedErrors(s.errs), nil
}
