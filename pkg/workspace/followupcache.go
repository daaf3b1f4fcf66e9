package workspace

import (
	"bufio"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/postmortem"
	"github.com/incidentctl/incidentctl/pkg/settle"
)

// The board lists overdue follow-ups, so every `incidentctl status` looks at every postmortem.
// Parsing thousands of them costs more than the rest of the board, so their follow-ups are
// cached in <git dir>/incidentctl/followups the way list caches front matter (cache.go): per
// postmortem, valid while the file's size, times and inode are unchanged and it had settled
// when it was read (cache.go, "Racy entries"). A postmortem that does not parse is never cached.
//
// A listing streams (eachFollowup): the postmortems are visited in the order of their paths
// (the order the listing has), each folder read and sorted as it is entered, and the cache,
// whose entries are in the same order, is read alongside with a window of the file, so that
// neither the cache nor the follow-ups are held whole (at 100,000 incidents there are tens of
// thousands of postmortems). The file: the header lines, then per postmortem
//
//	<path> NUL <size> <mtime> <ctime> <inode> <record length> <record> <CRC-32>
//
// numbers as varints, the record as appendFollowupRecord encodes it, the CRC-32 (IEEE, 4 bytes,
// big-endian) of all that precedes it in the entry: a damaged entry ends what is read of the
// file (the postmortems after it are read again, and the file written again).

const followupsMagic = "incidentctl followups 2\n"

func (w *Workspace) followupsHeader() string {
	return followupsMagic + settle.BuildKey() + "\n" + w.postmortemsDir() + "\n"
}

// pmError is a postmortem that could not be read, with its path for the order of the report.
type pmError struct {
	path string
	err  error
}

// eachFollowup calls fn with each follow-up of every postmortem, by postmortem path and then
// in the order each lists them, one postmortem at a time. An error from fn stops it and is
// returned. Postmortems that cannot be read are returned as errs when it is done, in the order
// the folders are walked (filepath.WalkDir's).
func (w *Workspace) eachFollowup(fn func(Followup) error) (errs []error, err error) {
	return w.eachFollowupSeen(fn, nil)
}

// followupsSeen is told what eachFollowupSeen looks at, for a cache built from the walk
// (followupset.go): every folder as it is entered (its stat data taken before it is read), and
// every postmortem with its stat data, and its record (appendFollowupRecord; the bytes are the
// callee's to copy) or why it could not be read.
type followupsSeen struct {
	folder     func(rel string, key statKey)
	postmortem func(rel string, key statKey, f *followupsFile, rec []byte, err error)
}

// eachFollowupSeen is eachFollowup telling seen (when not nil) what it looks at.
func (w *Workspace) eachFollowupSeen(fn func(Followup) error, seen *followupsSeen) (errs []error, err error) {
	postmortemWalks.Add(1)
	w.beginScan()
	limit := w.settleLimit()
	wall := w.Now()
	root := w.abs(w.postmortemsDir())
	header := w.followupsHeader()

	old := w.openFollowupsCache(header)
	if old != nil {
		defer old.f.Close()
	}
	// The new cache: written as the postmortems are visited when there is no old one to keep;
	// else the changes are collected and merged with the old file afterwards, if there are any.
	var fresh *followupsWriter
	if old == nil {
		fresh = w.newFollowupsWriter(header)
	}
	var added []followupsEntry // settled readings the old cache lacks, in path order
	var hits bitset            // entries of the old cache that still hold, by their number
	var bad []pmError
	var rd followupReader

	visit := func(rel string, key statKey) error {
		settled := key.settled(limit)
		if old != nil && settled && old.find(rel) && old.key == key {
			f, ok := rd.read(old.rec)
			if ok {
				hits = hits.with(old.index)
				if fresh != nil {
					fresh.add(rel, key, old.rec)
				}
				if seen != nil {
					seen.postmortem(rel, key, &f, old.rec, nil)
				}
				return emitFollowups(fn, f, rel, wall)
			}
		}
		postmortemReads.Add(1)
		doc, perr := w.loadFollowups(rel)
		if perr != nil {
			bad = append(bad, pmError{rel, perr})
			if seen != nil {
				seen.postmortem(rel, key, nil, nil, perr)
			}
			return nil
		}
		f := followupsFile{incident: doc.Meta.Incident, followups: doc.Meta.Followups}
		var rec []byte
		if settled || seen != nil {
			rec = appendFollowupRecord(nil, &f)
		}
		if settled {
			if fresh != nil {
				fresh.add(rel, key, rec)
			} else {
				added = append(added, followupsEntry{rel, key, rec})
			}
		}
		if seen != nil {
			seen.postmortem(rel, key, &f, rec, nil)
		}
		return emitFollowups(fn, f, rel, wall)
	}
	var dirSeen func(rel string, key statKey)
	if seen != nil {
		dirSeen = seen.folder
	}
	err = walkPostmortems(root, w.Root(), dirSeen, visit)
	if err != nil {
		if fresh != nil {
			fresh.abandon()
		}
		return nil, err
	}
	if fresh != nil {
		fresh.finish(w.cacheDir())
	} else if old != nil {
		old.drain()
		if old.damaged || len(added) > 0 || hits.count() != old.count {
			w.rewriteFollowupsCache(header, old, hits, added)
		}
	}
	slices.SortStableFunc(bad, func(a, b pmError) int { return compareFolders(a.path, b.path) })
	for _, e := range bad {
		errs = append(errs, e.err)
	}
	return errs, nil
}

// postmortemReads counts the postmortems eachFollowup parsed, postmortemWalks its walks of
// every postmortem (the tests count them).
var postmortemReads, postmortemWalks atomic.Int64

func emitFollowups(fn func(Followup) error, f followupsFile, rel string, wall time.Time) error {
	for _, fu := range f.followups {
		if err := fn(Followup{Followup: fu, Incident: f.incident, Path: rel, Overdue: fu.Overdue(wall)}); err != nil {
			return err
		}
	}
	return nil
}

// walkPostmortems calls visit with the repository path and stat data of every postmortem under
// root, in the order of the paths: a folder's entries sorted by name, a subfolder's name as if
// it ended in a slash (so "a-b.md" comes before the folder "a", whose paths go on "a/...").
// Files that are not named like a postmortem (<id>-<slug>.md), and what is not a regular file,
// are passed over. A missing root is no postmortem yet. dirSeen, when not nil, is called with
// the repository path and stat data (Lstat's, taken before it is read) of every folder entered.
func walkPostmortems(root, repo string, dirSeen func(rel string, key statKey), visit func(rel string, key statKey) error) error {
	rootRel, err := filepath.Rel(repo, root)
	if err != nil {
		return err
	}
	// Each folder's files are stat'ed by name in the open folder (statNames), and their paths
	// made from the folder's: a stat by path from the root and filepath.Rel of each were most
	// of the time of a board after an index change (23,700 postmortems at 100,000 incidents).
	var walk func(dir, rel string) error
	walk = func(dir, rel string) error {
		if dirSeen != nil {
			fi, err := os.Lstat(dir)
			if err != nil {
				if dir == root && errors.Is(err, fs.ErrNotExist) {
					return nil
				}
				return err
			}
			dirSeen(rel, keyOf(fi))
		}
		des, err := os.ReadDir(dir)
		if err != nil {
			if dir == root && errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		type entry struct {
			sortName string
			dir      bool
			file     int // the file's index in files
		}
		es := make([]entry, 0, len(des))
		var files []string
		for _, de := range des {
			name := de.Name()
			e := entry{sortName: name, dir: de.IsDir()}
			if e.dir {
				e.sortName += "/"
			} else if !strings.HasSuffix(name, ".md") || incident.IDFromFileName(name) == "" {
				continue // a README, notes
			} else {
				e.file = len(files)
				files = append(files, name)
			}
			es = append(es, e)
		}
		slices.SortFunc(es, func(a, b entry) int { return strings.Compare(a.sortName, b.sortName) })
		keys, oks := statNames(dir, files)
		for _, e := range es {
			if e.dir {
				name := strings.TrimSuffix(e.sortName, "/")
				if err := walk(filepath.Join(dir, name), path.Join(rel, name)); err != nil {
					return err
				}
				continue
			}
			if !oks[e.file] {
				continue
			}
			if err := visit(path.Join(rel, files[e.file]), keys[e.file]); err != nil {
				return err
			}
		}
		return nil
	}
	return walk(root, filepath.ToSlash(rootRel))
}

// followupsFile is what the cache holds of one postmortem.
type followupsFile struct {
	incident  string
	followups []postmortem.Followup
}

// appendFollowupRecord encodes f: the incident, then per follow-up its ID, text, owner, due,
// kind and link, done, when (flag; Unix seconds, nanoseconds, the zone's offset in seconds),
// its line and column.
func appendFollowupRecord(b []byte, f *followupsFile) []byte {
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	str(f.incident)
	b = binary.AppendUvarint(b, uint64(len(f.followups)))
	for i := range f.followups {
		fu := &f.followups[i]
		for _, s := range []string{fu.ID, fu.Text, fu.Owner, fu.Due, fu.Kind, fu.Link} {
			str(s)
		}
		flags := byte(0)
		if fu.Done {
			flags |= 1
		}
		if fu.DoneAt != nil {
			flags |= 2
		}
		b = append(b, flags)
		if t := fu.DoneAt; t != nil {
			_, off := t.Zone()
			b = binary.AppendVarint(b, t.Unix())
			b = binary.AppendUvarint(b, uint64(t.Nanosecond()))
			b = binary.AppendVarint(b, int64(off))
		}
		b = binary.AppendUvarint(b, uint64(max(fu.Line, 0)))
		b = binary.AppendUvarint(b, uint64(max(fu.Col, 0)))
	}
	return b
}

// followupReader decodes records; the zones of the times it makes are shared.
type followupReader struct {
	zones map[int64]*time.Location
}

// read decodes a record; ok is false when it is damaged (the postmortem is then read again).
func (r *followupReader) read(rec []byte) (f followupsFile, ok bool) {
	rd := recordReader{s: string(rec)}
	f.incident = rd.str()
	n := rd.num()
	if rd.err || n > uint64(len(rd.s)) {
		return f, false
	}
	f.followups = make([]postmortem.Followup, n)
	for i := range f.followups {
		fu := &f.followups[i]
		fu.ID, fu.Text, fu.Owner, fu.Due, fu.Kind, fu.Link = rd.str(), rd.str(), rd.str(), rd.str(), rd.str(), rd.str()
		flags := rd.byte()
		if flags > 3 {
			return f, false
		}
		fu.Done = flags&1 != 0
		if flags&2 != 0 {
			sec, nsec, off := rd.signed(), rd.num(), rd.signed()
			if nsec >= 1e9 || off < -86400 || off > 86400 {
				return f, false
			}
			if r.zones == nil {
				r.zones = map[int64]*time.Location{}
			}
			loc := r.zones[off]
			if loc == nil {
				loc = time.FixedZone("", int(off))
				r.zones[off] = loc
			}
			t := time.Unix(sec, int64(nsec)).In(loc)
			fu.DoneAt = &t
		}
		fu.Line, fu.Col = int(rd.num()), int(rd.num())
	}
	return f, !rd.err && rd.s == ""
}

// followupsCursor reads the old cache's entries in order.
type followupsCursor struct {
	f       *os.File
	r       *bufio.Reader
	path    []byte // the current entry's
	key     statKey
	rec     []byte
	index   int  // the current entry's number
	count   int  // entries read
	have    bool // an entry read and not passed yet
	done    bool
	damaged bool
}

func (w *Workspace) openFollowupsCache(header string) *followupsCursor {
	f, err := os.Open(filepath.Join(w.cacheDir(), "followups"))
	if err != nil {
		return nil
	}
	r := bufio.NewReaderSize(f, cursorWindow)
	head := make([]byte, len(header))
	if _, err := io.ReadFull(r, head); err != nil || string(head) != header {
		f.Close()
		return nil
	}
	return &followupsCursor{f: f, r: r, index: -1}
}

func (c *followupsCursor) fail() { c.done, c.damaged, c.have = true, true, false }

func (c *followupsCursor) advance() {
	c.have = false
	if _, err := c.r.Peek(1); err == io.EOF {
		c.done = true
		return
	}
	p, err := c.r.ReadSlice(0)
	if err != nil {
		c.fail()
		return
	}
	crc := crc32.Update(0, crc32.IEEETable, p)
	p = p[:len(p)-1]
	if c.count > 0 && strings.Compare(string(p), string(c.path)) <= 0 {
		c.fail() // out of order
		return
	}
	c.path = append(c.path[:0], p...)
	var v [5]uint64
	var nb [binary.MaxVarintLen64]byte
	for i := range v {
		if v[i], err = binary.ReadUvarint(c.r); err != nil {
			c.fail()
			return
		}
		crc = crc32.Update(crc, crc32.IEEETable, nb[:binary.PutUvarint(nb[:], v[i])])
	}
	if v[4] > 1<<24 {
		c.fail()
		return
	}
	c.key = statKey{size: int64(v[0]), mtime: int64(v[1]), ctime: int64(v[2]), ino: v[3]}
	if uint64(cap(c.rec)) < v[4]+4 {
		c.rec = make([]byte, v[4]+4)
	}
	c.rec = c.rec[:v[4]+4]
	if _, err := io.ReadFull(c.r, c.rec); err != nil {
		c.fail()
		return
	}
	sum := binary.BigEndian.Uint32(c.rec[v[4]:])
	c.rec = c.rec[:v[4]]
	if crc32.Update(crc, crc32.IEEETable, c.rec) != sum {
		c.fail()
		return
	}
	c.index = c.count
	c.count++
	c.have = true
}

// find moves to the entry of the postmortem at rel and reports whether there is one; entries
// before it are passed over. Calls must come in the order of the paths.
func (c *followupsCursor) find(rel string) bool {
	for !c.done {
		if !c.have {
			c.advance()
			continue
		}
		switch s := strings.Compare(bytesToString(c.path), rel); {
		case s < 0:
			c.have = false
		case s > 0:
			return false
		default:
			c.have = false
			return true
		}
	}
	return false
}

// drain reads the rest (to count the entries and find any damage).
func (c *followupsCursor) drain() {
	for !c.done {
		c.advance()
	}
}

// followupsEntry is one entry of the cache file.
type followupsEntry struct {
	path string
	key  statKey
	rec  []byte
}

// followupsWriter writes a new cache file.
type followupsWriter struct {
	tmp *os.File
	w   *bufio.Writer
	buf []byte
	err error
}

func (w *Workspace) newFollowupsWriter(header string) *followupsWriter {
	if os.MkdirAll(w.cacheDir(), 0o777) != nil {
		return nil
	}
	tmp, err := os.CreateTemp(w.cacheDir(), "followups.tmp-*")
	if err != nil {
		return nil
	}
	fw := &followupsWriter{tmp: tmp, w: bufio.NewWriterSize(tmp, cursorWindow)}
	_, fw.err = fw.w.WriteString(header)
	return fw
}

func (fw *followupsWriter) add(rel string, key statKey, rec []byte) {
	if fw == nil || fw.err != nil {
		return
	}
	b := append(fw.buf[:0], rel...)
	b = append(b, 0)
	b = appendKey(b, key)
	b = binary.AppendUvarint(b, uint64(len(rec)))
	b = append(b, rec...)
	b = binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b))
	fw.buf = b
	_, fw.err = fw.w.Write(b)
}

func (fw *followupsWriter) abandon() {
	if fw == nil {
		return
	}
	fw.tmp.Close()
	os.Remove(fw.tmp.Name())
}

func (fw *followupsWriter) finish(dir string) {
	if fw == nil {
		return
	}
	err := fw.err
	if err == nil {
		err = fw.w.Flush()
	}
	if cerr := fw.tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(fw.tmp.Name(), filepath.Join(dir, "followups"))
	}
	if err != nil {
		os.Remove(fw.tmp.Name())
	}
}

// rewriteFollowupsCache writes the cache afresh: the old entries that still hold (hits, by
// number) merged, in path order, with the readings made now (added).
func (w *Workspace) rewriteFollowupsCache(header string, old *followupsCursor, hits bitset, added []followupsEntry) {
	fw := w.newFollowupsWriter(header)
	if fw == nil {
		return
	}
	if _, err := old.f.Seek(0, io.SeekStart); err != nil {
		fw.abandon()
		return
	}
	again := &followupsCursor{f: old.f, r: bufio.NewReaderSize(old.f, cursorWindow), index: -1}
	if _, err := io.ReadFull(again.r, make([]byte, len(header))); err != nil {
		fw.abandon()
		return
	}
	next := func() {
		for again.advance(); again.have && !hits.hasAt(again.index); again.advance() {
		}
	}
	next()
	for _, a := range added {
		for again.have && strings.Compare(string(again.path), a.path) < 0 {
			fw.add(string(again.path), again.key, again.rec)
			next()
		}
		if again.have && string(again.path) == a.path {
			next() // replaced
		}
		fw.add(a.path, a.key, a.rec)
	}
	for again.have {
		fw.add(string(again.path), again.key, again.rec)
		next()
	}
	fw.finish(w.cacheDir())
}

// with sets bit i, growing the set as needed.
func (b bitset) with(i int) bitset {
	for len(b) <= i/64 {
		b = append(b, 0)
	}
	b[i/64] |= 1 << (i % 64)
	return b
}

// hasAt reports whether bit i is set (false beyond the set).
func (b bitset) hasAt(i int) bool { return i/64 < len(b) && b[i/64]&(1<<(i%64)) != 0 }

// count is how many bits are set.
func (b bitset) count() int {
	n := 0
	for _, w := range b {
		for ; w != 0; w &= w - 1 {
			n++
		}
	}
	return n
}
