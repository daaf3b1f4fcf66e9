package lint

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"time"

	"github.com/incidentctl/incidentctl/pkg/config"
	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/settle"
)

// The result cache. Linting 100,000 documents parses every one of them, which is seconds of
// CPU; between two runs almost none has changed. So a run remembers, per document, what the
// single-document rules found and the small facts the rules across documents need (its id
// and where it is written, for id-unique), in <git dir>/incidentctl/lint, and the next run
// takes them instead of reading a document whose file is unchanged. The rules across
// documents (id-unique, the base rules, the template, the postmortems folder) are always
// computed afresh, over the cached facts. The postmortems of the postmortems folder are
// kept the same way (postmortems.go): what their own pass finds depends on the file, the
// settings and the clock only.
//
// A cached reading is used only when all of these hold:
//   - the file's stat data (size, modification and change times, inode) are the ones read,
//     and the file had settled (last changed before the run that read it began: the racy
//     window the listing caches of pkg/workspace use, see its cache.go), so a change within a
//     clock tick of the reading cannot go unnoticed;
//   - the cache was written by this build of incidentctl, with the same settings: the
//     configuration (.incidentctl.yaml as parsed and as written), the severity definitions,
//     the folders, the local time zone;
//   - the clock is where the findings stay true: at or after the instant they were made (a
//     time that was not in the future then is not later), before a pending postmortem falls
//     due (or an open follow-up of a postmortem); a document with a time in the future is
//     never cached (the finding names the clock);
//   - every postmortem a link of it names still exists or is still missing, as it was.
//
// A finding's message is kept with what it was made of (i18n.AppendText), so the findings read
// back print in any language exactly as a fresh reading's would; a finding whose message
// cannot be kept so means the document is not cached.
//
// Anything else, or a cache that is missing, unreadable or damaged, means reading the
// document, exactly as without a cache. A cache that cannot be written is not written. The
// cache is not used with --base (the base rules need the parsed documents), nor for drill
// scenarios (their rules look into other folders).

const lintCacheMagic = "incidentctl lint 2\n"

// statKey identifies a version of a file well enough to trust a cached reading of it.
type statKey struct {
	size, mtime, ctime int64
	ino                uint64
}

func keyOf(fi fs.FileInfo) statKey {
	ino, ctime := settle.InodeAndCtime(fi)
	return statKey{size: fi.Size(), mtime: fi.ModTime().UnixNano(), ctime: ctime, ino: ino}
}

func (k statKey) settled(limit int64) bool { return k.mtime < limit && k.ctime < limit }

// fileDep is a file a document's findings depend on: a postmortem its log links.
type fileDep struct {
	path   string
	exists bool
}

// cacheEntry is one document's cached reading.
type cacheEntry struct {
	key             statKey
	skipped, parsed bool
	id              string
	idLine, idCol   int
	since, until    int64 // the clock (Unix ns) the findings hold for: [since, until), until 0 for no end
	deps            []fileDep
	findings        []Finding // without Path
	// msgs are the findings' messages as i18n.AppendText keeps them: the English text with
	// the message id and arguments it was made of, so that a reader of any language gets
	// the message a fresh reading would give (the printer translates i18n.Text's texts).
	msgs []string
}

// resultCache is one run's view of the cache.
type resultCache struct {
	file    string
	header  string
	limit   int64 // the settle limit (Unix ns, the file system's clock)
	old     map[string]*cacheEntry
	partial bool // the run lints some documents only: the others' entries are kept
}

// openCache reads the cache in dir for a run with these settings; nil when the run does
// without (no folder given, settings that cannot be described).
func openCache(dir string, c *checker, opts Options) *resultCache {
	if dir == "" || opts.Base != "" {
		return nil
	}
	settings, err := cacheSettings(c, opts)
	if err != nil {
		return nil
	}
	rc := &resultCache{file: filepath.Join(dir, "lint"), partial: len(opts.Paths) > 0,
		header: lintCacheMagic + settle.BuildKey() + "\n" + settings + "\n"}
	rc.limit = settle.Stamp(dir, filepath.Join(c.root, filepath.FromSlash(c.incidents)))
	if b, err := os.ReadFile(rc.file); err == nil && bytes.HasPrefix(b, []byte(rc.header)) {
		rc.old, _ = decodeEntries(b[len(rc.header):]) // damaged: nil, as if there were none
	}
	return rc
}

// cacheSettings describes everything besides the document that the single-document rules
// read, as a hash.
func cacheSettings(c *checker, opts Options) (string, error) {
	raw, err := os.ReadFile(filepath.Join(c.root, config.FileName))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	b, err := json.Marshal(struct {
		Config                          config.Config
		Raw                             []byte
		Severities                      any
		SevFrom, Incidents, Postmortems string
		Root, Zone                      string
	}{opts.Config, raw, c.severities, c.sevFrom, c.incidents, c.postmortems, c.root, time.Local.String()})
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// lookup returns the cached reading of the document at rel with stat data key, nil when
// there is none that holds now.
func (rc *resultCache) lookup(c *checker, rel string, key statKey) *cacheEntry {
	e := rc.old[rel]
	if e == nil || e.key != key {
		return nil
	}
	now := c.now.UnixNano()
	if now < e.since || e.until != 0 && now >= e.until {
		return nil
	}
	for _, d := range e.deps {
		if c.exists(d.path) != d.exists {
			return nil
		}
	}
	return e
}

// entryFor makes the cache entry of a document just linted, nil when it must not be kept.
func (rc *resultCache) entryFor(c *checker, ld *lintedDoc, key statKey, f *finder) *cacheEntry {
	if !key.settled(rc.limit) {
		return nil
	}
	e := &cacheEntry{key: key, skipped: ld.skipped, parsed: ld.parsed, id: ld.id, idLine: ld.idLine, idCol: ld.idCol,
		since: c.now.UnixNano()}
	if f != nil {
		e.deps, e.until = f.deps, f.until
	}
	e.findings = make([]Finding, len(ld.findings))
	e.msgs = make([]string, len(ld.findings))
	for i, fd := range ld.findings {
		if fd.Rule == RuleFutureTime {
			return nil
		}
		m, ok := i18n.AppendText(nil, fd.Message)
		if !ok {
			return nil // a message that could not be translated once read back
		}
		fd.Path = ""
		e.findings[i], e.msgs[i] = fd, string(m)
	}
	return e
}

// use fills ld from a cached reading.
func (e *cacheEntry) use(ld *lintedDoc) {
	ld.skipped, ld.parsed, ld.id, ld.idLine, ld.idCol = e.skipped, e.parsed, e.id, e.idLine, e.idCol
	if len(e.findings) > 0 {
		ld.findings = make([]Finding, len(e.findings))
		for i, fd := range e.findings {
			fd.Path = ld.rel
			ld.findings[i] = fd
		}
	}
	ld.entry, ld.reused = e, true
	cacheReused.Add(1)
}

// cacheReused counts the documents taken from a cache, for the tests.
var cacheReused atomic.Int64

// save writes the entries of this run (docs sorted by path), when anything changed.
func (rc *resultCache) save(docs []*lintedDoc) {
	b := []byte(rc.header)
	dirty := false
	if !rc.partial {
		// A lint of everything: its entries are the cache, in the order docs has.
		kept := 0
		for _, ld := range docs {
			if ld.entry != nil {
				kept++
				dirty = dirty || !ld.reused
			}
		}
		if !dirty && kept == len(rc.old) {
			return // the same entries (each reused one is in the old cache, once)
		}
		size := len(b)
		for _, ld := range docs {
			if ld.entry != nil {
				size += len(ld.rel) + len(ld.id) + entryFixedSize // most entries: no findings, no links
			}
		}
		b = slices.Grow(b, size)
		for _, ld := range docs {
			if ld.entry != nil {
				b = appendEntry(b, ld.rel, ld.entry)
			}
		}
	} else {
		entries := make(map[string]*cacheEntry, len(rc.old)+len(docs))
		for rel, e := range rc.old {
			entries[rel] = e
		}
		for _, ld := range docs {
			switch {
			case ld.entry == nil:
				if _, had := entries[ld.rel]; had {
					delete(entries, ld.rel)
					dirty = true
				}
			case !ld.reused:
				entries[ld.rel], dirty = ld.entry, true
			}
		}
		if !dirty {
			return
		}
		rels := make([]string, 0, len(entries))
		for rel := range entries {
			rels = append(rels, rel)
		}
		slices.Sort(rels)
		for _, rel := range rels {
			b = appendEntry(b, rel, entries[rel])
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(rc.file), "lint-*")
	if err != nil {
		if os.MkdirAll(filepath.Dir(rc.file), 0o777) != nil {
			return
		}
		if tmp, err = os.CreateTemp(filepath.Dir(rc.file), "lint-*"); err != nil {
			return
		}
	}
	_, werr := tmp.Write(b)
	if cerr := tmp.Close(); werr != nil || cerr != nil || os.Rename(tmp.Name(), rc.file) != nil {
		os.Remove(tmp.Name())
	}
}

// The file: the header, then per entry its path and fields, integers as varints, strings as
// a length and the bytes.

func appendStr(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

// entryFixedSize is about what appendEntry writes for an entry besides its path and id when
// it has no findings and no links (sizes the buffer of a whole cache at once).
const entryFixedSize = 48

func appendEntry(b []byte, rel string, e *cacheEntry) []byte {
	b = appendStr(b, rel)
	b = binary.AppendVarint(b, e.key.size)
	b = binary.AppendVarint(b, e.key.mtime)
	b = binary.AppendVarint(b, e.key.ctime)
	b = binary.AppendUvarint(b, e.key.ino)
	b = appendBool(b, e.skipped)
	b = appendBool(b, e.parsed)
	b = appendStr(b, e.id)
	b = binary.AppendVarint(b, int64(e.idLine))
	b = binary.AppendVarint(b, int64(e.idCol))
	b = binary.AppendVarint(b, e.since)
	b = binary.AppendVarint(b, e.until)
	b = binary.AppendUvarint(b, uint64(len(e.deps)))
	for _, d := range e.deps {
		b = appendStr(b, d.path)
		b = appendBool(b, d.exists)
	}
	b = binary.AppendUvarint(b, uint64(len(e.findings)))
	for i, f := range e.findings {
		b = binary.AppendVarint(b, int64(f.Line))
		b = binary.AppendVarint(b, int64(f.Col))
		b = appendStr(b, f.Rule)
		b = appendStr(b, e.msgs[i])
		b = appendBool(b, f.pending)
	}
	return b
}

var errDamaged = errors.New("damaged lint cache")

type entryReader struct {
	b   []byte
	err error
}

func (r *entryReader) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.err, r.b = errDamaged, nil
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *entryReader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err, r.b = errDamaged, nil
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *entryReader) str() string {
	n := r.uvarint()
	if n > uint64(len(r.b)) {
		r.err, r.b = errDamaged, nil
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

func (r *entryReader) bool() bool {
	if len(r.b) == 0 {
		r.err = errDamaged
		return false
	}
	v := r.b[0]
	r.b = r.b[1:]
	if v > 1 {
		r.err = errDamaged
	}
	return v == 1
}

// count reads a number of items, each of at least min bytes.
func (r *entryReader) count(min int) int {
	n := r.uvarint()
	if n > uint64(len(r.b)/min) {
		r.err, r.b = errDamaged, nil
		return 0
	}
	return int(n)
}

func decodeEntries(b []byte) (map[string]*cacheEntry, error) {
	out := map[string]*cacheEntry{}
	r := &entryReader{b: b}
	for len(r.b) > 0 && r.err == nil {
		rel := r.str()
		e := &cacheEntry{}
		e.key.size, e.key.mtime, e.key.ctime, e.key.ino = r.varint(), r.varint(), r.varint(), r.uvarint()
		e.skipped, e.parsed = r.bool(), r.bool()
		e.id = r.str()
		e.idLine, e.idCol = int(r.varint()), int(r.varint())
		e.since, e.until = r.varint(), r.varint()
		if n := r.count(2); n > 0 {
			e.deps = make([]fileDep, n)
			for i := range e.deps {
				e.deps[i] = fileDep{r.str(), r.bool()}
			}
		}
		if n := r.count(6); n > 0 {
			e.findings, e.msgs = make([]Finding, n), make([]string, n)
			for i := range e.findings {
				f := &e.findings[i]
				f.Line, f.Col = int(r.varint()), int(r.varint())
				f.Rule, e.msgs[i] = r.str(), r.str()
				f.pending = r.bool()
				if r.err == nil {
					var rest []byte
					f.Message, rest, r.err = i18n.ReadText([]byte(e.msgs[i]))
					if r.err == nil && len(rest) > 0 {
						r.err = errDamaged
					}
				}
			}
		}
		out[rel] = e
	}
	if r.err != nil {
		return nil, r.err
	}
	return out, nil
}
