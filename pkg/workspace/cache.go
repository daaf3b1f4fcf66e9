package workspace

import (
	"bufio"
	"bytes"
	"errors"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"unsafe"

	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/settle"
)

// Finding an incident by a prefix of its random part, and listing incidents, look at every
// document: 100,000 file names, and for a listing their front matter. Reading them all costs
// seconds at that size, so two caches in <git dir>/incidentctl/ remember what was read, the way
// git's index remembers file stat data:
//
//   - entries: per folder under the incidents folder, its documents and subfolders, valid while
//     the folder's modification time and inode are unchanged (creating, removing or renaming an
//     entry always updates the folder's modification time);
//   - meta (list.go): per document, the front matter of its last successful parse, valid while
//     the file's size, modification and change times and inode are unchanged.
//
// Racy entries: a folder or file changed within a clock tick of being read could change again
// without its times changing. So, as git does with its index, a reading is only kept if what it
// read last changed before the run started looking: the run creates a file in the cache folder
// first and takes its modification time, the file system's own clock (which is what stamps the
// documents too, whatever its granularity, even on a network file system whose clock is not
// this machine's). Anything modified at or after that instant is read again next time. Where
// that stamp cannot be taken (a read-only or separate git folder), the limit is settle.Window
// before now, as wide as the coarsest timestamps (FAT's two seconds).
//
// The caches only ever save work: when one is missing, stale, unreadable or from another build
// of incidentctl, the documents are read as if it were not there, and a cache that cannot be
// written is simply not written.

// settleLimit is the instant (Unix nanoseconds, in the file system's clock) before which a file
// must have last changed for a reading of it to be kept: see "Racy entries" above. Every
// listing takes it afresh (beginScan) before it looks at the first folder.
func (w *Workspace) settleLimit() int64 {
	if w.scan.limit == 0 {
		w.beginScan()
	}
	return w.scan.limit
}

// beginScan takes the stamp for a listing about to start.
func (w *Workspace) beginScan() { w.scan.limit = w.fsStamp() }

func (w *Workspace) fsStamp() int64 { return settle.Stamp(w.cacheDir(), w.abs(w.incidentsDir())) }

// scanState is what one Workspace remembers between listings.
type scanState struct {
	limit int64 // settleLimit, once taken
}

// cacheDir is where the caches live: per working tree, since they describe its files.
func (w *Workspace) cacheDir() string { return filepath.Join(w.Repo.GitDir(), "incidentctl") }

// statKey identifies a version of a file or folder well enough to trust a cached reading of it.
type statKey struct {
	size, mtime, ctime int64
	ino                uint64
}

func keyOf(fi fs.FileInfo) statKey {
	ino, ctime := settle.InodeAndCtime(fi)
	return statKey{size: fi.Size(), mtime: fi.ModTime().UnixNano(), ctime: ctime, ino: ino}
}

// settled reports whether the last change came before limit (settleLimit): a reading of the
// file or folder can then be trusted while its key stays the same.
func (k statKey) settled(limit int64) bool {
	return k.mtime < limit && k.ctime < limit
}

// folder is one folder under the incidents folder, as far as documents are concerned.
type folder struct {
	rel     string   // repository path, slash-separated
	key     statKey  // of the folder itself (size is not used: it means nothing for folders)
	docs    string   // file names that start with an ID and end in .md, sorted, each followed by NUL
	count   int      // how many names docs holds
	subdirs []string // sorted
	fresh   bool     // read from the disk in this run (not from the cache)
	// src, when not nil: docs is not held but read from the entries cache each time it is
	// needed, size bytes at off, their CRC-32 sum (see entriesFile).
	src  *entriesFile
	off  int64
	size int
	sum  uint32
}

const entriesMagic = "incidentctl entries 1\n"

// entriesFile is the entries cache as a listing opened it. The document names of its folders
// (4.6 MB of 100,000 documents, nearly all of the file) are not held: a listing visits them a
// folder at a time, and reads each folder's names again from the open file when it visits them
// again (EachCached does, up to four times). incidentctl replaces the file by renaming a new
// one over it, never writes it in place, so the open file keeps what was read first; each
// reading is checked against the sum taken the first time, and one that differs (the file
// written in place by something else, or a read error) is err, which the listing returns.
type entriesFile struct {
	f    *os.File
	path string
	mu   sync.Mutex
	err  error
}

// read returns the size bytes at off, or "" (and records err) when they are not those whose
// CRC-32 was sum.
func (e *entriesFile) read(off int64, size int, sum uint32) string {
	b := make([]byte, size)
	if _, err := e.f.ReadAt(b, off); err != nil || crc32.ChecksumIEEE(b) != sum {
		e.mu.Lock()
		if e.err == nil {
			e.err = i18n.Errorf("list.entries_changed", "Path", e.path)
		}
		e.mu.Unlock()
		return ""
	}
	return bytesToString(b)
}

func (e *entriesFile) error() error {
	if e == nil {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.err
}

// entriesErr is the error of reading the document names of folders (as folders() returned
// them) again, if one failed: what a listing built on them is then not to be trusted.
func entriesErr(folders []*folder) error {
	for _, f := range folders {
		if f.src != nil {
			return f.src.error()
		}
	}
	return nil
}

// names returns the folder's document names as docs holds them (read again from the entries
// cache when it is not held; "" if that fails: see entriesErr).
func (f *folder) names() string {
	if f.src == nil {
		return f.docs
	}
	return f.src.read(f.off, f.size, f.sum)
}

// holdNames says whether the document names of the cached folders are held in memory rather
// than left in the entries cache (entriesFile): on Windows, where a file that is open cannot be
// replaced, so that folders() could not write the cache again while it reads the old one.
var holdNames = runtime.GOOS == "windows"

// folders lists the incidents folder and every folder below it, parents before children and
// siblings in name order, reading from the disk only the folders that changed since the
// entries cache was written. Like filepath.WalkDir, it does not follow symbolic links to
// folders, and skips folders that vanish while it runs. The names of the documents of the
// folders from the cache stay in the cache file (f.names); entriesErr tells whether reading
// them again failed.
func (w *Workspace) folders() ([]*folder, error) {
	w.beginScan()
	cached := w.readEntriesCache()
	now := w.settleLimit()
	var out []*folder
	reread := 0
	var visit func(rel string, fi fs.FileInfo) error
	visit = func(rel string, fi fs.FileInfo) error {
		key := keyOf(fi)
		key.size = 0
		f := cached[rel]
		if f == nil || f.key != key || !key.settled(now) {
			des, err := os.ReadDir(w.abs(rel))
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					return nil
				}
				return err
			}
			f = &folder{rel: rel, key: key, fresh: true}
			var docs strings.Builder
			for _, de := range des {
				switch name := de.Name(); {
				case de.IsDir():
					f.subdirs = append(f.subdirs, name)
				case strings.HasSuffix(name, ".md") && incident.IDFromFileName(name) != "":
					docs.WriteString(name)
					docs.WriteByte(0)
					f.count++
				}
			}
			f.docs = docs.String()
			reread++
		}
		out = append(out, f)
		for _, sub := range f.subdirs {
			p := path.Join(rel, sub)
			sfi, err := os.Lstat(w.abs(p))
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					continue
				}
				return err
			}
			if !sfi.IsDir() { // replaced by a file or a link since the listing
				continue
			}
			if err := visit(p, sfi); err != nil {
				return err
			}
		}
		return nil
	}
	root := w.incidentsDir()
	fi, err := os.Lstat(w.abs(root))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil
	case err != nil:
		return nil, err
	case !fi.IsDir():
		return nil, nil
	}
	if err := visit(root, fi); err != nil {
		return nil, err
	}
	// Write the cache when it saved nothing this time, or when folders that will not change
	// again soon had to be read: not for the current month's folder alone, which every change
	// touches.
	settledFresh := 0
	for _, f := range out {
		if f.fresh && f.key.settled(now) {
			settledFresh++
		}
	}
	if cached == nil || settledFresh > 0 && (settledFresh >= 4 || reread > len(out)/10) {
		w.writeEntriesCache(out, now)
	}
	if err := entriesErr(out); err != nil {
		return nil, err
	}
	return out, nil
}

// readEntriesCache returns the cached folders by repository path, nil when there is no usable
// cache. It reads the file a window at a time and keeps the folders' document names in it
// (entriesFile), unless holdNames.
func (w *Workspace) readEntriesCache() map[string]*folder {
	name := filepath.Join(w.cacheDir(), "entries")
	f, err := os.Open(name)
	if err != nil {
		return nil
	}
	var src *entriesFile
	if !holdNames {
		src = &entriesFile{f: f, path: name}
	}
	out := w.decodeEntries(bufio.NewReaderSize(f, cursorWindow), src)
	if out == nil || src == nil {
		f.Close() // an *os.File still open when it is no longer reachable is closed too
	}
	return out
}

// decodeEntries reads an entries cache from r; src is the file r reads, from its start (the
// folders' names are left in it), or nil to hold them.
func (w *Workspace) decodeEntries(r *bufio.Reader, src *entriesFile) map[string]*folder {
	header := entriesMagic + w.incidentsDir() + "\n"
	if head, err := r.Peek(len(header)); err != nil || string(head) != header {
		return nil
	}
	r.Discard(len(header))
	pos := int64(len(header))
	out := map[string]*folder{}
	// Names cannot hold a NUL byte, so NUL ends every field:
	// D <rel> <mtime> <ctime> <inode> <number of subfolders> <bytes of document names>, the
	// subfolders' names, then the documents' names.
	field := func() (string, bool) {
		b, err := r.ReadSlice(0)
		if err != nil {
			return "", false
		}
		pos += int64(len(b))
		return string(b[:len(b)-1]), true
	}
	for {
		if _, err := r.Peek(1); err == io.EOF {
			break
		}
		var f [7]string
		for i := range f {
			var ok bool
			if f[i], ok = field(); !ok {
				return nil // truncated or damaged: ignore it all
			}
		}
		if f[0] != "D" {
			return nil
		}
		mtime, err1 := strconv.ParseInt(f[2], 10, 64)
		ctime, err2 := strconv.ParseInt(f[3], 10, 64)
		ino, err3 := strconv.ParseUint(f[4], 10, 64)
		nsub, err4 := strconv.Atoi(f[5])
		ndocs, err5 := strconv.Atoi(f[6])
		if err := errors.Join(err1, err2, err3, err4, err5); err != nil || nsub < 0 || ndocs < 0 {
			return nil
		}
		d := &folder{rel: f[1], key: statKey{mtime: mtime, ctime: ctime, ino: ino}}
		for range nsub {
			name, ok := field()
			if !ok {
				return nil
			}
			d.subdirs = append(d.subdirs, name)
		}
		// The document names, a window at a time: counted, summed, and each checked to be one
		// that eachDoc hands on.
		var docs []byte
		var sum uint32
		nameLen := 0
		for left := ndocs; left > 0; {
			if r.Buffered() == 0 {
				if _, err := r.Peek(1); err != nil {
					return nil
				}
			}
			b, _ := r.Peek(min(left, r.Buffered()))
			for s := b; len(s) > 0; {
				i := bytes.IndexByte(s, 0)
				if i < 0 {
					nameLen += len(s)
					break
				}
				if nameLen+i < 12 {
					return nil
				}
				d.count++
				nameLen = 0
				s = s[i+1:]
			}
			sum = crc32.Update(sum, crc32.IEEETable, b)
			if src == nil {
				docs = append(docs, b...)
			}
			r.Discard(len(b))
			left -= len(b)
		}
		if nameLen != 0 {
			return nil // the last name has no NUL
		}
		if src == nil {
			d.docs = string(docs)
		} else if ndocs > 0 {
			d.src, d.off, d.size, d.sum = src, pos, ndocs, sum
		}
		pos += int64(ndocs)
		out[d.rel] = d
	}
	return out
}

// writeEntriesCache stores the folders whose listing can be trusted later.
func (w *Workspace) writeEntriesCache(folders []*folder, now int64) {
	w.writeCacheWith("entries", func(b *bufio.Writer) { w.appendEntriesCache(b, folders, now) })
}

func (w *Workspace) appendEntriesCache(b *bufio.Writer, folders []*folder, now int64) {
	b.WriteString(entriesMagic + w.incidentsDir() + "\n")
	for _, f := range folders {
		if !f.key.settled(now) || f.key == (statKey{}) {
			continue
		}
		docs := f.names()
		if f.src != nil && f.src.error() != nil {
			continue // the listing fails
		}
		for _, v := range []string{"D", f.rel, strconv.FormatInt(f.key.mtime, 10), strconv.FormatInt(f.key.ctime, 10),
			strconv.FormatUint(f.key.ino, 10), strconv.Itoa(len(f.subdirs)), strconv.Itoa(len(docs))} {
			b.WriteString(v + "\x00")
		}
		for _, d := range f.subdirs {
			b.WriteString(d + "\x00")
		}
		b.WriteString(docs)
	}
}

// writeCache replaces a cache file atomically; failing to is not an error.
func (w *Workspace) writeCache(name string, data []byte) {
	w.writeCacheWith(name, func(b *bufio.Writer) { b.Write(data) })
}

// writeCacheWith is writeCache of what fn writes to b, which goes to the file a buffer at a
// time: the meta cache of 100,000 documents is 30 MB, which held whole (and grown by doubling)
// cost as much again in allocations and the collector's time.
func (w *Workspace) writeCacheWith(name string, fn func(b *bufio.Writer)) {
	dir := w.cacheDir()
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return
	}
	tmp, err := os.CreateTemp(dir, name+".tmp-*")
	if err != nil {
		return
	}
	b := bufio.NewWriterSize(tmp, 256<<10)
	fn(b)
	err = b.Flush() // the first error of any write
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), filepath.Join(dir, name))
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
}

// eachDoc calls fn with every document's file name and ID.
func (f *folder) eachDoc(fn func(name, id string)) {
	for s := f.names(); len(s) > 0; {
		i := strings.IndexByte(s, 0)
		name := s[:i]
		s = s[i+1:]
		if len(name) >= 12 {
			fn(name, name[:12])
		}
	}
}

// docPath is the repository path of a document in a folder.
func (f *folder) docPath(name string) string { return path.Join(f.rel, name) }

// parallel runs fn(i) for i in [0, n) on every core.
func parallel(n int, fn func(i int)) {
	parallelWith(n, func() (func(int), func()) { return fn, func() {} })
}

// parallelWith is parallel with state of each worker's own: worker makes a worker's function
// and what to run when it is done. Each worker takes the indices in batches of consecutive
// ones.
func parallelWith(n int, worker func() (fn func(i int), done func())) {
	if n <= 0 {
		return
	}
	workers := min(n, runtime.GOMAXPROCS(0))
	if workers <= 1 {
		fn, done := worker()
		defer done()
		for i := range n {
			fn(i)
		}
		return
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	next := 0
	const batch = 64
	for range workers {
		wg.Go(func() {
			fn, done := worker()
			defer done()
			for {
				mu.Lock()
				start := next
				next += batch
				mu.Unlock()
				if start >= n {
					return
				}
				for i := start; i < min(start+batch, n); i++ {
					fn(i)
				}
			}
		})
	}
	wg.Wait()
}

// bytesToString shares a cache file's bytes as a string without copying tens of megabytes:
// the bytes are read for this purpose and never written to again.
func bytesToString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// statFile is os.Stat (following a symbolic link, as reading a document does).
var statFile = os.Stat
