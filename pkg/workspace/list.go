package workspace

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/quickread"
	"github.com/incidentctl/incidentctl/pkg/settle"
)

// Filter selects incidents for List.
type Filter struct {
	Status     string   // "open" (default), "resolved", "all", or one status
	Severities []string // empty means all
	// MetaOnly says the caller needs the front matter alone: the documents returned may then
	// have only Path and Meta (no Src, actions or log). On a large repository this spares
	// reading and parsing every listed document in full.
	MetaOnly bool
	// Drills says whether drills are listed. The zero value leaves them out: every view of the
	// real record (board, list, stats) shows real incidents only unless asked.
	Drills DrillFilter
	// Board says the open incidents are wanted for the board (status, next): with Status
	// "open", they come from the open cache (openset.go), which does not look at every document
	// and sees a hand edit of a resolved document only once git does.
	Board bool
}

// DrillFilter selects by kind: real incidents, drills, or both.
type DrillFilter int

const (
	NoDrills   DrillFilter = iota // real incidents only
	WithDrills                    // real incidents and drills
	OnlyDrills                    // drills only
)

// keeps reports whether a document of this kind passes the filter.
func (f DrillFilter) keeps(kind string) bool {
	drill := kind == incident.KindDrill
	switch f {
	case WithDrills:
		return true
	case OnlyDrills:
		return drill
	}
	return !drill
}

// Bad documents do not stop a listing: each is reported and the rest are listed.
type ListResult struct {
	Incidents []*incident.Document // newest declaration first
	Errors    []error
}

// List reads every incident document and returns those matching the filter.
//
// The front matter of each document comes from the meta cache (cache.go) while the file is
// unchanged since it was last parsed in full; only changed documents, and the ones returned
// (unless MetaOnly), are read. Documents that do not parse are never cached, so each listing
// reports them, as if every document had been parsed.
func (w *Workspace) List(f Filter) (*ListResult, error) {
	sel, err := w.selectDocs(f, !f.MetaOnly)
	if err != nil {
		return nil, err
	}
	hs, keep, match := sel.hs, sel.keep, sel.match
	parallel(len(keep), func(k int) {
		h := &hs[keep[k]]
		switch {
		case h.doc != nil && (f.MetaOnly || h.doc.Src != nil):
		case f.MetaOnly:
			m, err := decodeMeta(h.record())
			if err != nil { // a damaged cache record: read the document instead
				h.doc, h.err = w.loadEntry(Entry{ID: h.id(), Path: h.path()})
				return
			}
			h.doc = &incident.Document{Path: h.path(), Meta: m}
		default:
			h.doc, h.err = w.loadEntry(Entry{ID: h.id(), Path: h.path()})
		}
	})
	res := &ListResult{}
	for _, k := range keep {
		h := &hs[k]
		// A document read in full just now may have changed since its header was read.
		if h.err == nil && match(h.doc.Meta.Status, h.doc.Meta.Severity, h.doc.Meta.Kind) {
			res.Incidents = append(res.Incidents, h.doc)
		}
	}
	res.Errors = headerErrors(hs)
	slices.SortStableFunc(res.Incidents, func(a, b *incident.Document) int {
		if c := b.Meta.DeclaredAt.Compare(a.Meta.DeclaredAt); c != 0 {
			return c
		}
		return strings.Compare(b.Meta.ID, a.Meta.ID)
	})
	return res, nil
}

// selection is what a listing found before reading any document in full: every document's
// header, the ones that match (keep, in folder order) and the filter.
type selection struct {
	hs    []header
	keep  []int
	match func(status, severity, kind string) bool
}

// selectDocs finds the documents the filter selects. keepFull says whether a document parsed
// now for its header is kept in full when it matches (List does; Each reads them again, in
// order, rather than hold them).
func (w *Workspace) selectDocs(f Filter, keepFull bool) (*selection, error) {
	match, err := w.filterMatch(f)
	if err != nil {
		return nil, err
	}
	var hs []header
	ok := false
	if status := strings.ToLower(f.Status); f.Board && (status == "open" || status == "") {
		hs, ok = w.openHeaders()
	}
	if !ok {
		folders, err := w.folders()
		if err != nil {
			return nil, fmt.Errorf("listing %s: %v", w.incidentsDir(), err)
		}
		hs = w.headers(folders, func(d *incident.Document) bool {
			return keepFull && match(d.Meta.Status, d.Meta.Severity, d.Meta.Kind)
		})
		if err := entriesErr(folders); err != nil {
			return nil, err
		}
	}
	// Keep the matches.
	var keep []int
	for i := range hs {
		h := &hs[i]
		switch {
		case h.err != nil:
		case h.doc != nil && match(h.doc.Meta.Status, h.doc.Meta.Severity, h.doc.Meta.Kind):
			keep = append(keep, i)
		case h.doc == nil && match(recordStatus(h.record())):
			keep = append(keep, i)
		}
	}
	return &selection{hs: hs, keep: keep, match: match}, nil
}

// filterMatch returns what the filter selects by: status, severity and kind.
func (w *Workspace) filterMatch(f Filter) (func(status, severity, kind string) bool, error) {
	status := strings.ToLower(f.Status)
	if status == "" {
		status = "open"
	}
	if status != "open" && status != "all" && !incident.ValidStatus(status) {
		return nil, invalid(i18n.Errorf("list.bad_status", "Status", strconv.Quote(f.Status), "Known", strings.Join(incident.Statuses, ", ")))
	}
	var sevs []string
	if len(f.Severities) > 0 {
		flow, err := w.Flow()
		if err != nil {
			return nil, err
		}
		for _, s := range f.Severities {
			for _, part := range strings.Split(s, ",") {
				l, err := flow.Severities.Lookup(part)
				if err != nil {
					return nil, invalid(err)
				}
				sevs = append(sevs, l.ID)
			}
		}
	}
	match := func(status0, severity, kind string) bool {
		open := status0 != incident.StatusResolved
		switch {
		case !f.Drills.keeps(kind):
			return false
		case status == "open" && !open, status != "open" && status != "all" && status0 != status:
			return false
		case len(sevs) > 0 && !slices.Contains(sevs, severity):
			return false
		}
		return true
	}
	return match, nil
}

// headerErrors returns the errors of the documents that could not be read, in the order of
// their IDs, as the documents are listed.
func headerErrors(hs []header) []error {
	var bad []*header
	for i := range hs {
		if hs[i].err != nil {
			bad = append(bad, &hs[i])
		}
	}
	slices.SortFunc(bad, func(a, b *header) int {
		if c := strings.Compare(a.id(), b.id()); c != 0 {
			return c
		}
		return strings.Compare(a.path(), b.path())
	})
	var out []error
	for _, h := range bad {
		out = append(out, h.err)
	}
	return out
}

// header is one document's front matter for a listing: from the cache, or from a full parse.
type header struct {
	f    *folder
	name string
	key  statKey            // of the file; zero when it could not be read
	cand metaRecord         // the cache's record for this file, if any
	data string             // the record, when the cache holds the file as it is
	doc  *incident.Document // parsed now, if keep said so
	rec  string             // ... and its record for the cache
	err  error
}

func (h *header) path() string { return h.f.docPath(h.name) }

// record is the document's front-matter record: the cache's, or the one made from parsing it
// now.
func (h *header) record() string {
	if h.data != "" {
		return h.data
	}
	return h.rec
}
func (h *header) id() string { return h.name[:12] }

// headers returns every document's front matter, in the order of folders, parsing only the
// documents the meta cache does not hold as they are now, and updates the cache. A document
// parsed now stays in memory in full only if keep says so.
func (w *Workspace) headers(folders []*folder, keep func(*incident.Document) bool) []header {
	now := w.settleLimit()
	cache := w.readMetaCache()
	// Sized at once: growing a slice of 100,000 headers by appending allocated five times its
	// size (the largest allocation of a warm listing).
	n := 0
	for _, f := range folders {
		n += f.count
	}
	hs := make([]header, 0, n)
	type span struct{ f, start, end int }
	var spans []span
	matched := 0
	for fi, f := range folders {
		recs := cache[f.rel]
		start := len(hs)
		f.eachDoc(func(name, id string) {
			for len(recs) > 0 && recs[0].name < name {
				recs = recs[1:]
			}
			h := header{f: f, name: name}
			if len(recs) > 0 && recs[0].name == name {
				h.cand = recs[0]
				matched++
			}
			hs = append(hs, h)
		})
		if len(hs) > start {
			spans = append(spans, span{fi, start, len(hs)})
		}
	}
	// Stat every document the cache has a record of, a folder at a time; read those that
	// changed, and those it has none of (every one after a clone), whose stat data the read
	// gives.
	parallel(len(spans), func(k int) {
		sp := spans[k]
		dir := w.abs(folders[sp.f].rel)
		statFolder(dir, hs[sp.start:sp.end])
	})
	var reread []int
	for i := range hs {
		h := &hs[i]
		if h.key != (statKey{}) && h.cand.name != "" && h.cand.key == h.key {
			h.data = h.cand.data
		} else {
			reread = append(reread, i)
		}
	}
	// Each worker reads through a quick reader of its own (pkg/quickread): the documents of a
	// folder come in order, and each goes into the reader's buffer, which the next one reuses,
	// so a document kept is copied out of it.
	parallelWith(len(reread), func() (func(int), func()) {
		r := quickread.New(incident.MaxSize)
		pr := new(incident.Reader) // the worker's too: it is done with each document before the next
		var rec []byte             // and the buffer each record is encoded in, then copied out of
		return func(k int) {
			h := &hs[reread[k]]
			// The front matter first (ParseMeta fails exactly when Parse does); the whole
			// document only if the caller keeps it.
			d, src, key, err := w.loadMetaWith(r, pr, Entry{ID: h.id(), Path: h.path()})
			if err != nil {
				h.err = err
				return
			}
			if h.key == (statKey{}) {
				h.key = key
			}
			rec = appendMeta(rec[:0], d)
			h.rec = string(rec)
			// A document the caller does not need in full is kept as its record only: a first
			// listing of 100,000 documents would otherwise hold every front matter (and whatever
			// its strings share memory with) at once.
			if keep(d) {
				if h.doc, err = incident.Parse(d.Path, bytes.Clone(src)); err != nil {
					h.doc, h.err = nil, err
				}
			}
		}, r.Close
	})
	// Rewrite the cache when there is something to gain: documents parsed now that will not
	// change again soon, or records of documents that are gone. A document being changed right
	// now (the one a responder logs to) is parsed again each time until it settles.
	changed := cache == nil || matched < cache.count()
	for _, i := range reread {
		if h := &hs[i]; h.err == nil && h.key.settled(now) {
			changed = true
			break
		}
	}
	if changed {
		w.writeMetaCache(hs, now)
	}
	return hs
}

// The meta cache: a header naming the build of incidentctl that wrote it (another build may
// parse differently) and the incidents folder, then per folder its documents, sorted by name:
//
//	F NUL <folder> NUL <count> NUL, then per document:
//	<name> NUL <size> <mtime> <ctime> <inode> <length> <front matter record>
//
// with numbers as varints. The record holds status, severity and kind first, so that filtering
// does not decode the rest.

const metaMagic = "incidentctl meta 3\n"

type metaCache map[string][]metaRecord // by folder

func (c metaCache) count() int {
	n := 0
	for _, rs := range c {
		n += len(rs)
	}
	return n
}

type metaRecord struct {
	name string
	key  statKey
	data string
}

var metaTimeKeys = []string{incident.KeyDeclaredAt, incident.KeyIdentifiedAt, incident.KeyMitigatedAt, incident.KeyResolvedAt}

// encodeMeta writes a parsed document's front matter as a record: the text fields, the roles,
// and each time as the instant and offset it was written with (and whether as "Z"), from which
// decodeMeta rebuilds exactly what time.Parse made of it. It reads d.Meta alone (no node of
// the front matter, which ParseMeta does not build).
func encodeMeta(d *incident.Document) []byte { return appendMeta(make([]byte, 0, 256), d) }

// appendMeta appends the record of d's front matter to b (encodeMeta).
func appendMeta(b []byte, d *incident.Document) []byte {
	m := &d.Meta
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	for _, s := range []string{m.Status, m.Severity, m.Kind, m.ID, m.Title, m.Commander, m.Impact, m.Announcement, m.Resolution, m.Template,
		m.Scenario, m.ScenarioCommit, m.Variant, m.Facilitator, m.Speed} {
		str(s)
	}
	b = binary.AppendUvarint(b, uint64(len(m.Roles)))
	for _, r := range m.Roles {
		str(r.Name)
		str(r.Holder)
	}
	for _, k := range metaTimeKeys {
		t := m.Milestone(k)
		if t == nil || k == incident.KeyDeclaredAt && t.IsZero() {
			b = append(b, 0)
			continue
		}
		// Written with "Z", the time parsed into UTC itself (time.Parse's rule; rfc3339.go);
		// with an offset, into the local zone or a fixed one (parsedTime).
		kind := byte(1)
		if t.Location() == time.UTC {
			kind = 2
		}
		_, off := t.Zone()
		b = append(b, kind)
		b = binary.AppendVarint(b, t.Unix())
		b = binary.AppendUvarint(b, uint64(t.Nanosecond()))
		b = binary.AppendVarint(b, int64(off))
	}
	return b
}

// uvarint is binary.Uvarint for a string.
func uvarint(s string) (uint64, int) {
	var x uint64
	var shift uint
	for i := 0; i < len(s) && i < binary.MaxVarintLen64; i++ {
		c := s[i]
		if c < 0x80 {
			if i == binary.MaxVarintLen64-1 && c > 1 {
				return 0, -(i + 1)
			}
			return x | uint64(c)<<shift, i + 1
		}
		x |= uint64(c&0x7f) << shift
		shift += 7
	}
	return 0, 0
}

type recordReader struct {
	s   string
	err bool
}

func (r *recordReader) num() uint64 {
	n, k := uvarint(r.s)
	if k <= 0 {
		r.err, r.s = true, ""
		return 0
	}
	r.s = r.s[k:]
	return n
}

func (r *recordReader) signed() int64 {
	u := r.num()
	x := int64(u >> 1)
	if u&1 != 0 {
		x = ^x
	}
	return x
}

func (r *recordReader) str() string {
	n := r.num()
	if n > uint64(len(r.s)) {
		r.err, r.s = true, ""
		return ""
	}
	v := r.s[:n]
	r.s = r.s[n:]
	return v
}

func (r *recordReader) byte() byte {
	if r.s == "" {
		r.err = true
		return 0
	}
	c := r.s[0]
	r.s = r.s[1:]
	return c
}

// recordStatus returns the status, severity and kind of a record without decoding the rest.
func recordStatus(data string) (status, severity, kind string) {
	rd := recordReader{s: data}
	return rd.str(), rd.str(), rd.str()
}

var errDamagedRecord = errors.New("damaged meta cache record")

// decodeMeta rebuilds what incident.Parse put into Meta.
func decodeMeta(data string) (incident.Meta, error) {
	rd := recordReader{s: data}
	var m incident.Meta
	for _, p := range []*string{&m.Status, &m.Severity, &m.Kind, &m.ID, &m.Title, &m.Commander, &m.Impact, &m.Announcement, &m.Resolution, &m.Template,
		&m.Scenario, &m.ScenarioCommit, &m.Variant, &m.Facilitator, &m.Speed} {
		*p = rd.str()
	}
	n := rd.num()
	if n > uint64(len(rd.s)) {
		return incident.Meta{}, errDamagedRecord
	}
	for range n {
		m.Roles = append(m.Roles, incident.Role{Name: rd.str(), Holder: rd.str()})
	}
	for _, key := range metaTimeKeys {
		kind := rd.byte()
		if kind == 0 {
			continue
		}
		sec, nsec, off := rd.signed(), rd.num(), rd.signed()
		if kind > 2 || nsec >= 1e9 {
			return incident.Meta{}, errDamagedRecord
		}
		t := parsedTime(sec, int64(nsec), int(off), kind == 2)
		switch key {
		case incident.KeyDeclaredAt:
			m.DeclaredAt = t
		case incident.KeyIdentifiedAt:
			m.IdentifiedAt = &t
		case incident.KeyMitigatedAt:
			m.MitigatedAt = &t
		case incident.KeyResolvedAt:
			m.ResolvedAt = &t
		}
	}
	if rd.err || rd.s != "" {
		return incident.Meta{}, errDamagedRecord
	}
	return m, nil
}

// parsedTime is what time.Parse(time.RFC3339, ...) returns for the instant written with this
// offset: UTC for "Z"; otherwise the local zone when it has that offset at that instant, else
// an unnamed fixed zone.
func parsedTime(sec, nsec int64, off int, z bool) time.Time {
	t := time.Unix(sec, nsec)
	if z {
		return t.UTC()
	}
	if _, o := t.In(time.Local).Zone(); o == off {
		return t.In(time.Local)
	}
	return t.In(time.FixedZone("", off))
}

func (w *Workspace) metaHeader() string {
	return metaMagic + settle.BuildKey() + "\n" + w.incidentsDir() + "\n"
}

// readMetaCache returns the cached records by folder, nil when there is no usable cache.
func (w *Workspace) readMetaCache() metaCache {
	b, err := os.ReadFile(filepath.Join(w.cacheDir(), "meta"))
	if err != nil {
		return nil
	}
	header := w.metaHeader()
	if !bytes.HasPrefix(b, []byte(header)) {
		return nil
	}
	rd := recordReader{s: bytesToString(b[len(header):])}
	field := func() (string, bool) {
		v, rest, ok := strings.Cut(rd.s, "\x00")
		rd.s = rest
		return v, ok
	}
	out := metaCache{}
	for len(rd.s) > 0 {
		tag, ok1 := field()
		rel, ok2 := field()
		count, ok3 := field()
		n, err := strconv.Atoi(count)
		if !ok1 || !ok2 || !ok3 || tag != "F" || err != nil || n < 0 || n > len(rd.s) {
			return nil
		}
		recs := make([]metaRecord, 0, n)
		for range n {
			name, ok := field()
			size, mtime, ctime, ino := rd.num(), rd.num(), rd.num(), rd.num()
			data := rd.str()
			if !ok || rd.err {
				return nil
			}
			recs = append(recs, metaRecord{name: name, key: statKey{size: int64(size), mtime: int64(mtime), ctime: int64(ctime), ino: ino}, data: data})
		}
		out[rel] = recs
	}
	return out
}

// writeMetaCache stores the front matter of every document that parsed and has settled (see
// settle.Window).
func (w *Workspace) writeMetaCache(hs []header, now int64) {
	w.writeCacheWith("meta", func(b *bufio.Writer) { w.appendMetaCache(b, hs, now) })
}

func (w *Workspace) appendMetaCache(b *bufio.Writer, hs []header, now int64) {
	b.WriteString(w.metaHeader())
	type rec struct {
		name string
		key  statKey
		data string
	}
	var recs []rec
	flush := func(dir string) {
		if len(recs) == 0 {
			return
		}
		b.WriteString("F\x00" + dir + "\x00" + strconv.Itoa(len(recs)) + "\x00")
		var n []byte
		for _, r := range recs {
			b.WriteString(r.name)
			b.WriteByte(0)
			n = n[:0]
			for _, v := range []uint64{uint64(r.key.size), uint64(r.key.mtime), uint64(r.key.ctime), r.key.ino, uint64(len(r.data))} {
				n = binary.AppendUvarint(n, v)
			}
			b.Write(n)
			b.WriteString(r.data)
		}
		recs = recs[:0]
	}
	for i := range hs {
		h := &hs[i]
		if i > 0 && hs[i-1].f != h.f {
			flush(hs[i-1].f.rel)
		}
		switch {
		case h.err != nil:
		case h.data != "":
			recs = append(recs, rec{h.name, h.key, h.data})
		case h.rec != "" && h.key.settled(now) && h.key != (statKey{}):
			recs = append(recs, rec{h.name, h.key, h.rec})
		}
	}
	if len(hs) > 0 {
		flush(hs[len(hs)-1].f.rel)
	}
}

// docReads counts the documents read from disk (the cache tests count them).
var docReads atomic.Int64

// loadMeta reads a document for its front matter (incident.ParseMeta), and returns its bytes
// for a full parse.
func (w *Workspace) loadMeta(e Entry) (*incident.Document, []byte, error) {
	d, src, _, err := w.loadMetaWith(nil, nil, e)
	return d, src, err
}

// loadMetaWith is loadMeta reading through r, when not nil: the bytes returned are then r's
// buffer, valid until r reads again (and so is the document's Src); and parsing with pr, when
// not nil: the document is then valid until pr parses again. key is the stat data of the file
// read (zero when it could not be taken).
func (w *Workspace) loadMetaWith(r *quickread.Reader, pr *incident.Reader, e Entry) (d *incident.Document, src []byte, key statKey, err error) {
	docReads.Add(1)
	src, key, err = w.readDoc(r, e.Path)
	if err != nil {
		return nil, nil, key, err
	}
	if pr != nil {
		d, err = pr.ParseMeta(e.Path, src)
	} else {
		d, err = incident.ParseMeta(e.Path, src)
	}
	return d, src, key, err
}

func (w *Workspace) loadEntry(e Entry) (*incident.Document, error) {
	docReads.Add(1)
	src, _, err := w.readDoc(nil, e.Path)
	if err != nil {
		return nil, err
	}
	return incident.Parse(e.Path, src)
}

// readDoc reads the document at rel, and returns its bytes and stat data: through r's buffer
// when r is not nil (valid until r reads again), else into a buffer of its own. The quick read
// (pkg/quickread) takes a regular file of at most incident.MaxSize bytes, opened without
// following a link, and gives the stat data of the open file; anything else is read the
// ordinary way, which refuses what the quick read left (a link, not a regular file, too
// large) with the same errors as ever, its stat data taken by a stat before the read.
func (w *Workspace) readDoc(r *quickread.Reader, rel string) ([]byte, statKey, error) {
	abs := w.abs(rel)
	var src []byte
	var st quickread.Stat
	ok := false
	if r != nil {
		src, st, ok = r.Read(abs)
	} else {
		src, st, ok = quickread.ReadFile(abs, incident.MaxSize)
	}
	if ok {
		return src, statKey{size: st.Size, mtime: st.Mtime, ctime: st.Ctime, ino: st.Ino}, nil
	}
	if err := w.checkRegular(rel); err != nil {
		return nil, statKey{}, err
	}
	var key statKey
	if fi, err := statFile(abs); err == nil && fi.Mode().IsRegular() {
		key = keyOf(fi)
	}
	src, err := readFile(abs)
	if err != nil {
		return nil, statKey{}, fmt.Errorf("reading %s: %v", rel, err)
	}
	return src, key, nil
}
