package workspace

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/incidentctl/incidentctl/pkg/gitrepo"
	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/settle"
)

// The open set: the board (status, next) needs the open incidents only, and on a repository of
// 100,000 documents even looking at every file (the meta cache compares each one's stat data)
// costs a third of a second. The open cache, <git dir>/incidentctl/open, lets a run look at
// the open documents only, for as long as nothing else can have changed:
//
//   - git's index: the cache remembers the index it was built against (its checksum). Every
//     git command that changes files in the working tree (checkout, reset, merge, pull, rebase,
//     stash, commit, add) and every incidentctl write and sync rewrites the index; while it is
//     the same, git has changed nothing. When it differs, every document is stat'ed, and read
//     again only if it no longer holds the blob it held when it was last read (git's stat
//     rules), as the meta cache does.
//   - the folders, by their stat data as in the entries cache: a document created, removed or
//     renamed by any means changes its folder.
//   - the documents that are open, unreadable, untracked, in conflict, or that differed from
//     their index entry when they were last read (edited by hand and not committed) are
//     "watched": their stat data are compared on every run, so an edit of one of them is
//     seen at once.
//
// What it does not see at once: a resolved document, unchanged from git's index when last
// read, edited by hand (or by git apply) so that it is open again, while no git command has
// rewritten the index since. The board shows it at the next index change (git add, git
// commit, pull, any incidentctl write); `incidentctl list` looks at every file and
// shows it at once. A split or sparse index, or none, turns the open cache off: the board then
// looks at every document as list does.
//
// Building it with no cache to go by (after a clone, or a new build of incidentctl) reads every
// document; one that holds its index entry and whose front matter plainly says it is resolved
// (incident.SniffStatus) is not parsed (sniffResolved), so such a document with a broken body
// is reported by list and lint, not by the board.

const openMagic = "incidentctl open 2\n"

// Document classes in the open cache.
const (
	classResolved byte = iota
	classOpen
	classBad // does not parse: read on every run, so that each run reports it
)

// openDoc is one document in the open cache.
type openDoc struct {
	name    string // file name in its folder
	key     statKey
	class   byte
	watched bool
	data    string // open documents: their front-matter record (list.go)

	rec string // while building: the record of a document read now (for the meta cache)
	err error  // while building: why a document of classBad does not parse
}

// openFolder is one folder of the listing and its documents, sorted by name.
type openFolder struct {
	rel  string
	key  statKey
	docs []openDoc
}

type openCache struct {
	watchStamp // the folders' keys only (their documents are decoded by docsOf)
	watched    []watchedDoc
	// The encoded documents of every folder: most of the file (6 MB of 100,000 documents),
	// and needed only to rebuild the cache or write it again, so the fast path leaves them in
	// the file (read from restFile at restOff, the file as it was opened, even if replaced
	// since).
	restFile *os.File
	restOff  int64
	restData string // once read
	restOK   bool
}

// rest reads the encoded documents of every folder, and closes the file (so that it can be
// replaced on Windows, where an open file cannot be renamed over).
func (c *openCache) rest() (string, bool) {
	if c.restFile == nil {
		return c.restData, c.restOK
	}
	defer c.close()
	fi, err := c.restFile.Stat()
	if err != nil || fi.Size() < c.restOff {
		return "", false
	}
	b := make([]byte, fi.Size()-c.restOff)
	if _, err := c.restFile.ReadAt(b, c.restOff); err != nil {
		return "", false
	}
	c.restData, c.restOK = bytesToString(b), true
	return c.restData, true
}

func (c *openCache) close() {
	if c.restFile != nil {
		c.restFile.Close()
		c.restFile = nil
	}
}

// watchedDoc is a watched document with the folder it is in.
type watchedDoc struct {
	rel string
	openDoc
}

func (w *Workspace) openHeader() string {
	return openMagic + settle.BuildKey() + "\n" + w.incidentsDir() + "\n"
}

// openHeaders returns the headers of the open documents and of those that do not parse, for
// List with Board set. ok is false when the open cache cannot answer (no index, or one it cannot
// walk): List then looks at every document.
func (w *Workspace) openHeaders() (hs []header, ok bool) {
	w.beginScan()
	c := w.readOpenCache()
	if c != nil {
		defer c.close()
		if hs, ok := w.openFast(c); ok {
			return hs, true
		}
	}
	return w.openRebuild(c)
}

// openFast answers from the cache when the index and every folder are as it recorded them:
// only the watched documents are looked at (and read again if they changed).
func (w *Workspace) openFast(c *openCache) ([]header, bool) {
	if !w.stampHolds(&c.watchStamp) {
		return nil, false
	}
	changed := false
	for i := range c.watched {
		d := &c.watched[i]
		p := path.Join(d.rel, d.name)
		key, again, ok := w.watchedAgain(p, &d.openDoc)
		if !ok {
			return nil, false // gone, or not a file: its folder says more
		}
		if again {
			w.lookAgain(p, &d.openDoc, key, true)
			changed = true
		}
	}
	hs := w.openResult(c.watched)
	if changed {
		w.writeOpenCache(c, nil)
	}
	return hs, true
}

// lookAgain reads a document again (p is its path): its class and record, and key, the stat
// data it was read at (kept only if settled; ok is false when it could not be stat'ed).
func (w *Workspace) lookAgain(p string, d *openDoc, key statKey, ok bool) {
	d.key, d.data, d.rec, d.err = statKey{}, "", "", nil
	if ok && key.settled(w.settleLimit()) {
		d.key = key
	}
	m, _, err := w.loadMeta(Entry{ID: incident.IDFromFileName(path.Base(p)), Path: p})
	if err != nil {
		d.class, d.err = classBad, err
		return
	}
	d.fromRecord(string(encodeMeta(m)))
}

// sniffResolved classes a document resolved when the start of its file has a plain front
// matter saying so (incident.SniffStatus), without parsing it: the first board after a clone
// reads every document, most of them resolved, and parsing them was most of its time. It is
// used only when there is no open cache to go by (a clone, or a new build of incidentctl), for
// a document that holds what git's index records for it (so neither a hand edit nor a
// conflict), and it leaves no record for the meta cache, so that list and lint still
// parse it and report what is wrong with it. The price: a resolved document whose body does
// not parse is not reported by the board. buf is the reader's buffer, kept between calls.
func (w *Workspace) sniffResolved(p string, d *openDoc, key statKey, buf *[]byte) bool {
	if key.size > incident.MaxSize {
		return false
	}
	docReads.Add(1)
	if *buf == nil {
		*buf = make([]byte, sniffSize)
	}
	src, err := readStart(w.abs(p), *buf)
	if err != nil {
		return false
	}
	if st, ok := incident.SniffStatus(src); !ok || st != incident.StatusResolved {
		return false
	}
	docSniffs.Add(1)
	d.key, d.class, d.data, d.rec, d.err = statKey{}, classResolved, "", "", nil
	if key.settled(w.settleLimit()) {
		d.key = key
	}
	return true
}

// docSniffs counts the documents classed by sniffResolved (the tests count them).
var docSniffs atomic.Int64

// sniffSize is how much of a document sniffResolved reads: the front matter incidentctl writes
// is about 500 bytes.
const sniffSize = 4096

// fromRecord sets a document's class from a front-matter record.
func (d *openDoc) fromRecord(rec string) {
	d.class, d.data, d.rec = classResolved, "", rec
	if st, _, _ := recordStatus(rec); st != incident.StatusResolved {
		d.class, d.data = classOpen, rec
	}
}

// openResult turns the watched documents into List's headers: the open ones with their record,
// the unreadable ones with their error.
func (w *Workspace) openResult(watched []watchedDoc) []header {
	folders := map[string]*folder{}
	var hs []header
	for i := range watched {
		d := &watched[i]
		if d.class == classResolved {
			continue
		}
		f := folders[d.rel]
		if f == nil {
			f = &folder{rel: d.rel}
			folders[d.rel] = f
		}
		h := header{f: f, name: d.name, key: d.key, data: d.data, err: d.err}
		if d.class == classBad && h.err == nil {
			h.err = errors.New(h.path() + ": cannot be read") // not reached: bad documents are read on every run
		}
		hs = append(hs, h)
	}
	return hs
}

// watchStamp is what a watch cache (the open cache here, the open follow-ups cache of
// followupset.go) goes by: git's index, and the folders it covers by their stat data.
type watchStamp struct {
	index   gitrepo.IndexID
	folders []openFolder // rel and key
}

// stampHolds reports whether the index and every folder are as s recorded them. A folder whose
// key was not settled when it was read (recorded as zero) never holds.
func (w *Workspace) stampHolds(s *watchStamp) bool {
	id, err := w.Repo.IndexID()
	if err != nil || id.Missing() || !sameIndex(id, s.index) {
		return false
	}
	for _, f := range s.folders {
		fi, err := os.Lstat(w.abs(f.rel))
		if err != nil || !fi.IsDir() {
			return false
		}
		k := keyOf(fi)
		k.size = 0
		if k != f.key || f.key == (statKey{}) {
			return false
		}
	}
	return true
}

// watchedAgain stats a watched document (p its path). ok is false when it is gone or not a
// regular file; again is true when it must be read again (its stat data, key, are not those
// it was read at, those were not settled, or it could not be read then).
func (w *Workspace) watchedAgain(p string, d *openDoc) (key statKey, again, ok bool) {
	fi, err := statFile(w.abs(p))
	if err != nil || !fi.Mode().IsRegular() {
		return statKey{}, false, false
	}
	key = keyOf(fi)
	return key, key != d.key || d.key == (statKey{}) || d.class == classBad, true
}

// stampIndex is the index a watch cache built now records: an index without a checksum that
// changed just now may change again unseen, so it is recorded as one that never matches.
func stampIndex(id gitrepo.IndexID, limit int64) gitrepo.IndexID {
	if !id.HasSum() && id.Mtime >= limit {
		return gitrepo.IndexID{Size: -1}
	}
	return id
}

func sameIndex(a, b gitrepo.IndexID) bool {
	if a.HasSum() || b.HasSum() {
		return a.Sum == b.Sum
	}
	return a == b // no checksum (index.skipHash): the stat data alone
}

// openRebuild builds the cache again from the folders, the index and what the old cache (c,
// may be nil) knew. The index changed, so git may have changed any file (git stash pop leaves
// its changes out of the index, as a hand edit would): every document is stat'ed, and read
// again if its stat data changed since it was read. Without an old cache (the first run after
// a clone) the meta cache's readings are used where they hold, and the meta cache is written
// too, so that a listing after it reads nothing.
func (w *Workspace) openRebuild(c *openCache) ([]header, bool) {
	prefix := w.incidentsDir() + "/"
	if prefix == "./" {
		prefix = ""
	}
	id, files, err := w.Repo.IndexFiles(prefix)
	if err != nil || id.Missing() {
		return nil, false
	}
	folders, err := w.folders()
	if err != nil {
		return nil, false
	}
	limit := w.settleLimit()
	// The index entries and the old cache's documents by folder.
	type entries []*gitrepo.IndexFile
	byDir := map[string]entries{}
	for i := range files {
		dir, _ := path.Split(files[i].Path)
		dir = strings.TrimSuffix(dir, "/")
		if dir == "" {
			dir = "."
		}
		byDir[dir] = append(byDir[dir], &files[i])
	}
	var old map[string][]openDoc
	if c != nil {
		old = c.docsOf()
	}
	full := old == nil // nothing to go by: every document is read, or found in the meta cache
	var meta metaCache
	if full {
		meta = w.readMetaCache()
	}
	nf := make([]openFolder, len(folders))
	parallel(len(folders), func(fi int) {
		f := folders[fi]
		o := &nf[fi]
		o.rel, o.key = f.rel, f.key
		if !o.key.settled(limit) {
			o.key = statKey{} // looked at again next time
		}
		var names []string
		f.eachDoc(func(name, _ string) { names = append(names, name) })
		keys, oks := statNames(w.abs(f.rel), names)
		var buf []byte // sniffResolved's reads
		idx, prev := byDir[f.rel], old[f.rel]
		o.docs = make([]openDoc, len(names))
		for i, name := range names {
			d := &o.docs[i]
			d.name = name
			var e *gitrepo.IndexFile
			for len(idx) > 0 && path.Base(idx[0].Path) < name {
				idx = idx[1:]
			}
			if len(idx) > 0 && path.Base(idx[0].Path) == name {
				e = idx[0]
			}
			var was *openDoc
			for len(prev) > 0 && prev[0].name < name {
				prev = prev[1:]
			}
			if len(prev) > 0 && prev[0].name == name {
				was = &prev[0]
			}
			key := keys[i]
			// Open, unreadable, untracked, in conflict, or not what the index holds: watched.
			holds := oks[i] && e != nil && e.HoldsStat(key.size, key.mtime, key.ctime, key.ino)
			switch r, cached := meta.find(f.rel, name); {
			case !oks[i]:
				w.lookAgain(f.docPath(name), d, key, false)
			case was != nil && was.key == key && was.key != (statKey{}) && was.class != classBad && (was.class != classOpen || was.data != ""):
				d.key, d.class, d.data = was.key, was.class, was.data // unchanged since it was read
			case cached && r.key == key && key.settled(limit):
				d.key = key
				d.fromRecord(r.data)
			case full && holds && w.sniffResolved(f.docPath(name), d, key, &buf):
				// Resolved by its front matter, as git holds it: not parsed (see sniffResolved).
			default:
				w.lookAgain(f.docPath(name), d, key, true)
			}
			d.watched = d.class != classResolved || !holds
		}
	})
	if entriesErr(folders) != nil {
		return nil, false // List looks at every document, which reports it
	}
	nc := &openCache{watchStamp: watchStamp{index: stampIndex(id, limit), folders: nf}}
	for _, f := range nf {
		for _, d := range f.docs {
			if d.watched {
				nc.watched = append(nc.watched, watchedDoc{f.rel, d})
			}
		}
	}
	result := w.openResult(nc.watched)
	w.writeOpenCache(nc, nf)
	if full {
		// Every document was looked at: the meta cache gets every reading.
		var hs []header
		for fi, f := range nf {
			for _, d := range f.docs {
				data := d.rec
				if data == "" {
					data = d.data
				}
				hs = append(hs, header{f: folders[fi], name: d.name, key: d.key, rec: data, err: d.err})
			}
		}
		w.writeMetaCache(hs, limit)
	}
	return result, true
}

// find returns the record of document name in folder rel.
func (c metaCache) find(rel, name string) (metaRecord, bool) {
	recs := c[rel]
	i, ok := slices.BinarySearchFunc(recs, name, func(r metaRecord, name string) int { return strings.Compare(r.name, name) })
	if !ok {
		return metaRecord{}, false
	}
	return recs[i], true
}

// The file: the header lines, then binary sections (numbers as varints, strings as a length
// and the bytes):
//
//	index:   20-byte checksum, size, mtime, ctime, inode
//	folders: count, then per folder: rel, mtime, ctime, inode
//	watched: count, then per document: folder number, name, size, mtime, ctime, inode, class,
//	         record
//	docs:    per folder (in the order above): count, then per document, by name: bytes shared
//	         with the previous name, the rest of the name, size, mtime, ctime, inode, class
//	         (+ 4 if watched)
//
// The fast path decodes the first three; the documents only when the cache is rebuilt.

func (w *Workspace) writeOpenCache(c *openCache, folders []openFolder) {
	var e recordWriter
	e.watchHead(w.openHeader(), &c.watchStamp, c.watched)
	if folders == nil {
		rest, ok := c.rest() // the documents are as they were
		if !ok {
			return // the cache stays as it was: the next run looks again
		}
		e.b.WriteString(rest)
	} else {
		for _, f := range folders {
			e.num(uint64(len(f.docs)))
			prev := ""
			for _, d := range f.docs {
				k := 0
				for k < len(prev) && k < len(d.name) && prev[k] == d.name[k] {
					k++
				}
				e.num(uint64(k))
				e.str(d.name[k:])
				e.key(d.key)
				flags := d.class
				if d.watched {
					flags |= 4
				}
				e.b.WriteByte(flags)
				prev = d.name
			}
		}
	}
	w.writeCache("open", e.b.Bytes())
}

// openHeadChunk is how much of the open cache readOpenCache reads first: the sections the fast
// path decodes (the index, the folders, the watched documents: ~150 KB of 100,000 documents
// with 200 open) usually fit; if not, it reads twice as much and decodes again.
var openHeadChunk = 256 << 10 // a variable for the tests

func (w *Workspace) readOpenCache() *openCache {
	f, err := os.Open(filepath.Join(w.cacheDir(), "open"))
	if err != nil {
		return nil
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil
	}
	for n := int64(openHeadChunk); ; n *= 2 {
		n = min(n, fi.Size())
		b := make([]byte, n)
		if _, err := f.ReadAt(b, 0); err != nil {
			break
		}
		c, used := w.decodeOpenHead(b)
		if c != nil {
			c.restFile, c.restOff = f, int64(used)
			return c
		}
		if used < 0 || n == fi.Size() {
			break // damaged, or the whole file read
		}
	}
	f.Close()
	return nil
}

// decodeOpenHead decodes the sections before the documents from the start of the file, b. It
// returns the cache and how many bytes of b those sections take; nil and 0 when b ends before
// they do (more of the file may complete them), nil and -1 when they are damaged.
func (w *Workspace) decodeOpenHead(b []byte) (*openCache, int) {
	s, watched, used := decodeWatchHead(b, w.openHeader())
	if used <= 0 {
		return nil, used
	}
	return &openCache{watchStamp: s, watched: watched}, used
}

// recordWriter encodes a cache file as recordReader decodes it: numbers as varints, strings as
// a length and the bytes.
type recordWriter struct {
	b bytes.Buffer
	n []byte
}

func (e *recordWriter) num(v uint64) { e.n = binary.AppendUvarint(e.n[:0], v); e.b.Write(e.n) }
func (e *recordWriter) str(s string) { e.num(uint64(len(s))); e.b.WriteString(s) }
func (e *recordWriter) key(k statKey) {
	e.num(uint64(k.size))
	e.num(uint64(k.mtime))
	e.num(uint64(k.ctime))
	e.num(k.ino)
}

// watchHead writes the sections a watch cache starts with (the open cache, the open follow-ups
// cache): the header lines, then the index, the folders and the watched documents, as the
// open cache's file is described above.
func (e *recordWriter) watchHead(header string, s *watchStamp, watched []watchedDoc) {
	e.b.WriteString(header)
	e.b.Write(s.index.Sum[:])
	e.num(uint64(s.index.Size))
	e.num(uint64(s.index.Mtime))
	e.num(uint64(s.index.Ctime))
	e.num(s.index.Ino)
	e.num(uint64(len(s.folders)))
	number := map[string]int{}
	for i, f := range s.folders {
		e.str(f.rel)
		e.key(f.key)
		number[f.rel] = i
	}
	e.num(uint64(len(watched)))
	for _, d := range watched {
		e.num(uint64(number[d.rel]))
		e.str(d.name)
		e.key(d.key)
		e.b.WriteByte(d.class)
		e.str(d.data)
	}
}

// decodeWatchHead decodes what watchHead wrote from the start of b. used is how many bytes of
// b those sections take; 0 when b ends before they do (more of the file may complete them), -1
// when they are damaged.
func decodeWatchHead(b []byte, header string) (s watchStamp, watched []watchedDoc, used int) {
	if len(b) < len(header)+20 {
		if !bytes.HasPrefix([]byte(header), b) && !bytes.HasPrefix(b, []byte(header)) {
			return s, nil, -1
		}
		return s, nil, 0
	}
	if !bytes.HasPrefix(b, []byte(header)) {
		return s, nil, -1
	}
	copy(s.index.Sum[:], b[len(header):])
	rd := recordReader{s: bytesToString(b[len(header)+20:])}
	s.index.Size, s.index.Mtime, s.index.Ctime, s.index.Ino = int64(rd.num()), int64(rd.num()), int64(rd.num()), rd.num()
	key := func() statKey {
		return statKey{size: int64(rd.num()), mtime: int64(rd.num()), ctime: int64(rd.num()), ino: rd.num()}
	}
	nf := rd.num()
	if nf > uint64(len(rd.s)) {
		return s, nil, 0
	}
	for range nf {
		s.folders = append(s.folders, openFolder{rel: rd.str(), key: key()})
	}
	nw := rd.num()
	if nw > uint64(len(rd.s)) {
		return s, nil, 0
	}
	for range nw {
		fi := rd.num()
		if rd.err {
			return s, nil, 0
		}
		if fi >= uint64(len(s.folders)) {
			return s, nil, -1
		}
		d := watchedDoc{rel: s.folders[fi].rel, openDoc: openDoc{name: rd.str(), key: key(), class: rd.byte(), watched: true}}
		d.data = rd.str()
		if rd.err {
			return s, nil, 0
		}
		if d.class > classBad {
			return s, nil, -1
		}
		watched = append(watched, d)
	}
	if rd.err {
		return s, nil, 0
	}
	return s, watched, len(b) - len(rd.s)
}

// docsOf decodes the documents of every folder; nil if they are damaged (then every document
// is read again, as if there were no cache).
func (c *openCache) docsOf() map[string][]openDoc {
	rest, ok := c.rest()
	if !ok {
		return nil
	}
	rd := recordReader{s: rest}
	out := make(map[string][]openDoc, len(c.folders))
	for _, f := range c.folders {
		n := rd.num()
		if n > uint64(len(rd.s)) {
			return nil
		}
		docs := make([]openDoc, 0, n)
		prev := ""
		for range n {
			k := rd.num()
			rest := rd.str()
			if rd.err || k > uint64(len(prev)) {
				return nil
			}
			d := openDoc{name: prev[:k] + rest, key: statKey{size: int64(rd.num()), mtime: int64(rd.num()), ctime: int64(rd.num()), ino: rd.num()}}
			flags := rd.byte()
			d.class, d.watched = flags&3, flags&4 != 0
			if d.class > classBad || len(docs) > 0 && d.name <= docs[len(docs)-1].name {
				return nil
			}
			docs = append(docs, d)
			prev = d.name
		}
		out[f.rel] = docs
	}
	if rd.err || rd.s != "" {
		return nil
	}
	// Watched documents carry their records in the watched section.
	for _, w := range c.watched {
		docs := out[w.rel]
		if i, ok := slices.BinarySearchFunc(docs, w.name, func(d openDoc, name string) int { return strings.Compare(d.name, name) }); ok {
			docs[i].key, docs[i].class, docs[i].data = w.key, w.class, w.data
		}
	}
	return out
}
