// Package index reads and writes git's index file (.git/index, the staging area): the header,
// the entries with their stat data, flags and names, the extensions (the cache tree, TREE, among
// them) and the trailing SHA-1. git documents the format in Documentation/gitformat-index.txt
// (Documentation/technical/index-format.txt before git 2.38).
//
// The index is spliced in place rather than decoded and re-encoded: one linear pass over the
// raw entries copies untouched runs of bytes, inserts or replaces the few changed entries,
// fixes up the extensions, and one SHA-1 seals the result; the SHA-1 resumes from states saved
// for the previous index (hash.go). The file is mapped, not read (map_linux.go). Versions 2
// 3 and 4 (prefix-compressed names, v4.go) are spliced by Prepare; PlanEdits hands version 4
// to go-git's decoder and encoder (fallback.go), and pkg/gitrepo has git write it instead. Raw (raw.go) reads entries in place for comparisons with the
// working tree.
//
// The caller holds index.lock (pkg/gitrepo/lockfile) and streams the new index into it.
package index

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sort"
	"strings"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/usererr"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/work"
)

const (
	indexHeaderLen  = 12 // "DIRC", version, entry count
	entryStatLen    = 40 // ctime, mtime, dev, ino, mode, uid, gid, size
	entryFixedLen   = 62 // stat data + object name + flags
	indexTrailerLen = 20 // SHA-1 of everything before it

	flagExtended  = 0x4000 // v3+: two more flag bytes follow
	flagStageMask = 0x3000
	flagNameMask  = 0x0fff

	extFlagIntentToAdd = 0x2000 // in the v3 extended flags

	// Index mode of a regular, non-executable file.
	modeRegular = 0o100644
)

// Stat is what git stores per entry to notice changes without hashing:
// if a file's stat still matches, git trusts the recorded object name.
type Stat struct {
	CtimeSec, CtimeNsec uint32
	MtimeSec, MtimeNsec uint32
	Dev, Ino            uint32
	Mode                uint32
	UID, GID            uint32
	Size                uint32
}

// statAt reads the stat data at the start of the entry b.
func statAt(b []byte) Stat {
	be := binary.BigEndian
	return Stat{
		CtimeSec: be.Uint32(b[0:]), CtimeNsec: be.Uint32(b[4:]), MtimeSec: be.Uint32(b[8:]), MtimeNsec: be.Uint32(b[12:]),
		Dev: be.Uint32(b[16:]), Ino: be.Uint32(b[20:]), Mode: be.Uint32(b[24:]), UID: be.Uint32(b[28:]), GID: be.Uint32(b[32:]), Size: be.Uint32(b[36:]),
	}
}

func (s Stat) put(b []byte) {
	be := binary.BigEndian
	be.PutUint32(b[0:], s.CtimeSec)
	be.PutUint32(b[4:], s.CtimeNsec)
	be.PutUint32(b[8:], s.MtimeSec)
	be.PutUint32(b[12:], s.MtimeNsec)
	be.PutUint32(b[16:], s.Dev)
	be.PutUint32(b[20:], s.Ino)
	be.PutUint32(b[24:], s.Mode)
	be.PutUint32(b[28:], s.UID)
	be.PutUint32(b[32:], s.GID)
	be.PutUint32(b[36:], s.Size)
}

// Update is one stage-0 entry to put into the index.
type Update struct {
	Path string
	Hash plumbing.Hash
}

// Plan is a prepared splice. Everything that can fail because of the
// index's content fails in Prepare, before any ref moves; the stat data
// (known only after the working tree files are written) is patched in
// afterwards by SetStat, and WriteIndex streams the result and its checksum.
//
// The new index is a list of segments: the untouched runs of entries are
// slices of the old index's bytes (never copied in memory), our new entries
// and the adjusted header and extensions are small buffers of their own.
type Plan struct {
	segs    [][]byte
	entries [][]byte // per update (in the order given): its entry bytes
	// fixed is how many segments come before the first new entry: they are final as soon as
	// the plan is made, so begin can hash and write them while the commit is being built.
	fixed int

	bg *indexWriter // set by begin

	shared string // a split index: the shared index it uses (split.go)

	// hint is where the skip to the one updated path stopped in the old index (Prepare): the
	// entries before it are copied unchanged, so it holds in the new index too (RecallPosition).
	hint *position

	// hasher computes the trailing checksum, recording checkpoints (hash.go); it may
	// start from a saved state (ResumeHash). checksum and size are the result of WriteIndex.
	hasher   *ckHasher
	checksum []byte
	size     int64

	// Where the new index's racy entries can be (racybound.go): the runs of the old index
	// copied (mapped says they are all recorded), where each update's entry goes, and the old
	// index's bound (SetRacyBound).
	copies    []copyRange
	entryOffs []int
	newLen    int
	mapped    bool
	racyOld   *RacyBound

	// tree is the cache tree, inserted among the extensions when the index is written
	// (cachetree.go).
	tree *treeSplice
}

// setTreeSplice records ts (nil: no cache tree) for the extensions' segment, which is pushed
// next.
func (p *Plan) setTreeSplice(ts *treeSplice) {
	if ts != nil {
		ts.seg = len(p.segs)
	}
	p.tree = ts
}

// finishExtensions inserts the cache tree into the extensions' segment, which comes after
// every entry and so is never among the segments Begin writes early.
func (p *Plan) finishExtensions() {
	if ts := p.tree; ts != nil {
		seg := ts.apply(p.segs[ts.seg])
		p.newLen += len(seg) - len(p.segs[ts.seg])
		p.segs[ts.seg] = seg
		p.tree = nil
	}
}

// push adds b to the new index.
func (p *Plan) push(b []byte) {
	p.segs = append(p.segs, b)
	p.newLen += len(b)
}

// indexWriter is the work begin starts: the fixed segments hashed and written in the
// background.
type indexWriter struct {
	w        io.Writer
	hashDone chan struct{}
	writeErr chan error
}

// hashAt feeds b, which starts at offset pos of the new index, to the hasher, skipping what a
// resumed state already covers.
func (p *Plan) hashAt(b []byte, pos int64) {
	if end := pos + int64(len(b)); end > p.hasher.pos {
		p.hasher.Write(b[max(0, p.hasher.pos-pos):])
	}
}

// SetStat records the stat data of update i (the index into the updates
// passed to Prepare).
func (p *Plan) SetStat(i int, st Stat) {
	st.put(p.entries[i][:entryStatLen])
}

// begin starts hashing the segments before the first new entry and writing them to w, which
// must be the writer later given to WriteIndex. For a large index most of the work is done by the
// time the commit is published, so WriteIndex only has the rest to do: the entries of a recent
// incident sort near the end of incidents/. Wait must be called (WriteIndex does) before the data
// the plan was made from goes away.
func (p *Plan) Begin(w io.Writer) {
	if p.bg != nil {
		return
	}
	bg := &indexWriter{w: w, hashDone: make(chan struct{}), writeErr: make(chan error, 1)}
	p.bg = bg
	if p.hasher == nil {
		p.hasher = newCkHasher()
	}
	fixed := p.segs[:p.fixed]
	// One goroutine, hashing and writing a chunk at a time: on a machine with few cores a
	// second one would only compete with the commit being built.
	go func() {
		var err error
		defer func() {
			close(bg.hashDone)
			bg.writeErr <- err
		}()
		defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
		defer func() { RecoverFault(recover(), &err) }()
		const chunk = 1 << 20
		var n int64
		for _, seg := range fixed {
			for len(seg) > 0 {
				c := seg[:min(chunk, len(seg))]
				seg = seg[len(c):]
				p.hashAt(c, n)
				if _, err = w.Write(c); err != nil {
					return
				}
				n += int64(len(c))
				work.Counts.PrefixCopied.Add(int64(len(c)))
			}
		}
		if f, ok := w.(*os.File); ok {
			startWriteback(f, n)
		}
	}()
}

// wait waits for the work begin started; it returns the write error, if any.
func (p *Plan) Wait() error {
	if p.bg == nil {
		return nil
	}
	<-p.bg.hashDone
	err := <-p.bg.writeErr
	p.bg.writeErr <- err // wait may be called again
	return err
}

// WriteIndex writes the complete new index file, computing the trailing SHA-1
// on the way. After begin, w must be the writer begin was given.
func (p *Plan) WriteIndex(w io.Writer) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() { RecoverFault(recover(), &err) }()
	if p.hasher == nil {
		p.hasher = newCkHasher()
	}
	p.finishExtensions()
	segs, pos := p.segs, int64(0)
	if p.bg != nil {
		if err := p.Wait(); err != nil {
			return err
		}
		segs = p.segs[p.fixed:]
		for _, seg := range p.segs[:p.fixed] {
			pos += int64(len(seg))
		}
	}
	// Hash in a second goroutine while this one writes: for a large index
	// the SHA-1 and the write each take a few milliseconds.
	sum := make(chan []byte, 1)
	go func() {
		var fault error
		defer func() {
			if fault != nil {
				sum <- nil
			}
		}()
		defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
		defer func() { RecoverFault(recover(), &fault) }()
		for _, seg := range segs {
			p.hashAt(seg, pos)
			pos += int64(len(seg))
		}
		p.size = pos + indexTrailerLen // the file, checksum included
		sum <- p.hasher.h.Sum(nil)
	}()
	bw := bufio.NewWriterSize(w, 64<<10) // big runs bypass the buffer
	for _, seg := range segs {
		if _, err = bw.Write(seg); err != nil {
			break
		}
	}
	checksum := <-sum // always wait: the goroutine reads p.segs
	if err != nil {
		return err
	}
	if checksum == nil {
		return usererr.New(nil, errIndexFault, "%v; run the command again", errIndexFault)
	}
	p.checksum = checksum
	if _, err := bw.Write(checksum); err != nil {
		return err
	}
	return bw.Flush()
}

// bytes returns the new index file (for tests).
func (p *Plan) bytes() ([]byte, error) {
	var b bytes.Buffer
	err := p.WriteIndex(&b)
	return b.Bytes(), err
}

// readAll reads the size bytes of f.
func readAll(f *os.File, size int64) ([]byte, error) {
	b := make([]byte, size)
	n, err := io.ReadFull(f, b)
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		return b[:n], nil // it shrank: the checks on the content report it
	}
	return b, err
}

// errIndexFault is what reading a mapped index turns into when the file was truncated in
// place while we read it.
var errIndexFault = errors.New("the git index changed while it was being read (a tool that ignores index.lock rewrote it in place)")

// indexChanged is the panic of a reader that finds bytes of a mapped index it parsed before no
// longer parse: the file was rewritten in place. RecoverFault turns it into errIndexFault.
type indexChanged struct{}

// RecoverFault turns a memory fault or indexChanged (recovered as r) into *err and lets any
// other panic go on. A function that reads a mapped index starts with
//
//	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
//	defer func() { RecoverFault(recover(), &err) }()
func RecoverFault(r any, err *error) {
	if r == nil {
		return
	}
	if _, ok := r.(indexChanged); ok {
		*err = usererr.New(nil, errIndexFault, "%v; run the command again", errIndexFault)
		return
	}
	if _, ok := r.(interface{ Addr() uintptr }); ok {
		*err = usererr.New(nil, errIndexFault, "%v; run the command again", errIndexFault)
		return
	}
	panic(r)
}

// Damaged is the sentence for an index at path that cannot be used, and why.
func Damaged(path, why string) error { return indexError(path, why) }

// indexError is the sentence for an index we cannot use.
func indexError(path, why string) error {
	return usererr.New(nil, nil,
		"the git index %s %s; run `git status` to check it (`rm %s && git reset` rebuilds a damaged index)",
		path, why, path)
}

// rawEntry is one entry located in the raw index bytes.
type rawEntry struct {
	off   int    // offset of the entry
	next  int    // offset of the following entry
	name  []byte // path, slash-separated
	flags uint16
}

func (e rawEntry) stage() int { return int(e.flags&flagStageMask) >> 12 }

// hash returns the object name stored in the entry.
func (e rawEntry) hash(data []byte) plumbing.Hash {
	var h plumbing.Hash
	copy(h[:], data[e.off+entryStatLen:e.off+entryStatLen+20])
	return h
}

// parseEntry decodes the entry at off in a version 2 or 3 index whose entries
// must end before end. Entries are padded with 1-8 NUL bytes to a multiple of
// 8 bytes (counted from the entry start).
func parseEntry(data []byte, off, end int, version uint32) (rawEntry, error) {
	if off+entryFixedLen > end {
		return rawEntry{}, fmt.Errorf("entry at offset %d is truncated", off)
	}
	flags := binary.BigEndian.Uint16(data[off+60:])
	nameOff := off + entryFixedLen
	if flags&flagExtended != 0 {
		if version < 3 {
			return rawEntry{}, fmt.Errorf("entry at offset %d has extended flags in a version %d index", off, version)
		}
		nameOff += 2
	}
	n := int(flags & flagNameMask)
	if n == flagNameMask {
		// Names of 4095 bytes or more: the length field saturates and the
		// name is NUL-terminated.
		i := bytes.IndexByte(data[min(nameOff, end):end], 0)
		if i < 0 {
			return rawEntry{}, fmt.Errorf("entry at offset %d has an unterminated name", off)
		}
		n = i
	}
	size := (nameOff - off + n + 8) &^ 7
	if nameOff+n > end || off+size > end {
		return rawEntry{}, fmt.Errorf("entry at offset %d is truncated", off)
	}
	return rawEntry{off: off, next: off + size, name: data[nameOff : nameOff+n], flags: flags}, nil
}

// skipEntries returns the offset after n entries starting at off, reading
// only their flags: the tight loop that dominates the cost for a large index.
func skipEntries(data []byte, off, end int, version uint32, n int) (int, error) {
	for ; n > 0; n-- {
		if off+entryFixedLen > end {
			return 0, fmt.Errorf("entry at offset %d is truncated", off)
		}
		flags := binary.BigEndian.Uint16(data[off+60:])
		fixed := entryFixedLen
		if flags&flagExtended != 0 {
			fixed += 2
		}
		nameLen := int(flags & flagNameMask)
		if nameLen == flagNameMask || (flags&flagExtended != 0 && version < 3) {
			e, err := parseEntry(data, off, end, version) // rare: long name, or an error to report
			if err != nil {
				return 0, err
			}
			off = e.next
			continue
		}
		off += (fixed + nameLen + 8) &^ 7
	}
	if off > end {
		return 0, fmt.Errorf("the last entry is truncated")
	}
	return off, nil
}

// skipBelow returns the offset and number of the first entry, from the i-th at off on, whose
// name is not below target or equals one of the names in stop. It is the tight loop that finds
// where an update goes in an index of 100,000 entries: it reads each entry's flags and name
// and nothing else.
func skipBelow(data []byte, off, end, i, count int, version uint32, target []byte, stop []string) (int, int, error) {
	be := binary.BigEndian
	// The lengths of the stop names (below 64 bytes), so that most entries are compared with
	// none of them: this loop runs over every entry before the target.
	var stopLens uint64
	longStop := false
	for _, s := range stop {
		if len(s) < 64 {
			stopLens |= 1 << len(s)
		} else {
			longStop = true
		}
	}
	for ; i < count; i++ {
		if off+entryFixedLen > end {
			return 0, 0, fmt.Errorf("entry at offset %d is truncated", off)
		}
		flags := be.Uint16(data[off+60:])
		nameOff := off + entryFixedLen
		if flags&flagExtended != 0 {
			nameOff += 2
		}
		n := int(flags & flagNameMask)
		if n == flagNameMask || flags&flagExtended != 0 && version < 3 || nameOff+n > end {
			return off, i, nil // unusual: the caller's careful loop deals with it
		}
		name := data[nameOff : nameOff+n]
		if bytes.Compare(name, target) >= 0 {
			return off, i, nil
		}
		if n < 64 && stopLens&(1<<n) != 0 || n >= 64 && longStop {
			for _, s := range stop {
				if len(s) == n && string(name) == s {
					return off, i, nil
				}
			}
		}
		off += (nameOff - off + n + 8) &^ 7
	}
	return off, i, nil
}

// scanMemo remembers where skipBelow stopped for a path in an index (named by its size and
// trailing checksum, the SHA-1 of its content), so that a commit right after FileState does not
// scan 100,000 entries again. It holds no reference to the data.
var scanMemo memo

type memo struct {
	mu      sync.Mutex
	size    int
	sum     [20]byte
	path    string
	off, at int
}

func (m *memo) remember(data []byte, path string, off, at int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.size, m.path, m.off, m.at = len(data), path, off, at
	copy(m.sum[:], data[len(data)-indexTrailerLen:])
}

// recall returns the remembered position for path in data, or (off, at) unchanged.
func (m *memo) recall(data []byte, path string, off, at int) (int, int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.path == path && m.size == len(data) && bytes.Equal(m.sum[:], data[len(data)-indexTrailerLen:]) {
		return m.off, m.at
	}
	return off, at
}

// indexHeader validates the header and returns version and entry count.
func indexHeader(data []byte) (version uint32, count int, err error) {
	if len(data) < indexHeaderLen+indexTrailerLen {
		return 0, 0, fmt.Errorf("is too short (%d bytes)", len(data))
	}
	if string(data[:4]) != "DIRC" {
		return 0, 0, fmt.Errorf("does not start with the DIRC signature")
	}
	version = binary.BigEndian.Uint32(data[4:])
	if version < 2 || version > 4 {
		return 0, 0, fmt.Errorf("has version %d, which git does not define", version)
	}
	return version, int(binary.BigEndian.Uint32(data[8:])), nil
}

// appendEntry appends a new stage-0 entry for u with zeroed stat data (filled
// by SetStat) and the regular-file mode.
func appendEntry(out []byte, u Update) []byte {
	start := len(out)
	size := (entryFixedLen + len(u.Path) + 8) &^ 7
	out = append(out, make([]byte, size)...)
	e := out[start:]
	binary.BigEndian.PutUint32(e[24:], modeRegular)
	copy(e[entryStatLen:], u.Hash[:])
	flags := uint16(flagNameMask)
	if len(u.Path) < flagNameMask {
		flags = uint16(len(u.Path))
	}
	binary.BigEndian.PutUint16(e[60:], flags)
	copy(e[entryFixedLen:], u.Path)
	return out
}

// Prepare plans the splice of updates into the index file content data
// (nil or empty when there is no index yet). indexPath is only used in
// messages. Updates must have distinct, valid paths.
func Prepare(indexPath string, data []byte, updates []Update) (_ *Plan, err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() { RecoverFault(recover(), &err) }()
	// Work on the updates in path order; remember where each came from.
	order := make([]int, len(updates))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return updates[order[a]].Path < updates[order[b]].Path })
	sorted := make([]Update, len(updates))
	for i, j := range order {
		sorted[i] = updates[j]
	}

	plan := &Plan{entries: make([][]byte, len(updates)), entryOffs: make([]int, len(updates)), fixed: -1}
	emitNew := func(k int) {
		e := appendEntry(nil, sorted[k])
		if plan.fixed < 0 {
			plan.fixed = len(plan.segs)
		}
		plan.entryOffs[order[k]] = plan.newLen
		plan.push(e)
		plan.entries[order[k]] = e
	}
	if len(data) == 0 {
		// No index yet (fresh repository): a version 2 index with just our
		// entries.
		hdr := make([]byte, indexHeaderLen)
		copy(hdr, "DIRC")
		binary.BigEndian.PutUint32(hdr[4:], 2)
		binary.BigEndian.PutUint32(hdr[8:], uint32(len(updates)))
		plan.push(hdr)
		for k := range sorted {
			emitNew(k)
		}
		plan.fixed = max(plan.fixed, 0)
		return plan, nil
	}

	version, count, err := indexHeader(data)
	if err != nil {
		return nil, indexError(indexPath, err.Error())
	}
	if version == 4 {
		return prepareV4(indexPath, data, count, sorted, order)
	}

	end := len(data) - indexTrailerLen
	hdr := append([]byte(nil), data[:indexHeaderLen]...) // count patched below
	plan.push(hdr)

	ancestors := ancestorDirs(sorted) // sorted, unique
	// Past this name no entry can interact with an update any more: all
	// updates are placed, and every name starting with "<path>/" sorts
	// before "<path>0" ('0' follows '/').
	var quiet string
	for _, u := range sorted {
		quiet = max(quiet, u.Path+"0")
	}
	copied := indexHeaderLen // data[:copied] has been dealt with
	newCount := count
	ui, ai := 0, 0
	written := make([]bool, len(sorted))
	replaced := make([]bool, len(sorted)) // a stage-0 entry was there
	flush := func(upto int) {
		if upto > copied {
			plan.copies = append(plan.copies, copyRange{old: copied, new: plan.newLen, n: upto - copied})
			plan.push(data[copied:upto])
		}
		copied = upto
	}
	emit := func(k int) {
		emitNew(k)
		written[k] = true
		newCount++
	}

	// Entries below the first update that are not one of its folders need no look. FileState
	// has usually just found where that is, in the same index.
	off, first := indexHeaderLen, 0
	if len(sorted) == 1 {
		off, first = scanMemo.recall(data, sorted[0].Path, off, first)
	}
	from := first
	off, first, err = skipBelow(data, off, end, first, count, version, []byte(sorted[0].Path), ancestors)
	if err != nil {
		return nil, indexError(indexPath, err.Error())
	}
	if len(sorted) == 1 {
		plan.hint = &position{sorted[0].Path, off, first}
	}
	work.Counts.EntriesSkimmed.Add(int64(first - from))
	parsed := 0
	defer func() { work.Counts.EntriesParsed.Add(int64(parsed)) }()
	for i := first; i < count; i++ {
		parsed++
		e, err := parseEntry(data, off, end, version)
		if err != nil {
			return nil, indexError(indexPath, err.Error())
		}
		// Insert the updates that sort before this entry.
		for ui < len(sorted) && sorted[ui].Path < string(e.name) {
			if !written[ui] {
				flush(e.off)
				emit(ui)
			}
			ui++
		}
		// Replace this entry (every stage of it: an unmerged path becomes
		// resolved, as with `git add`).
		if ui < len(sorted) && sorted[ui].Path == string(e.name) {
			flush(e.off)
			if !written[ui] {
				emit(ui)
			}
			if e.stage() == 0 {
				replaced[ui] = true
			}
			copied = e.next
			newCount--
		}
		if err := checkDF(e.name, ancestors, &ai, sorted, ui); err != nil {
			return nil, err
		}
		off = e.next
		if ui == len(sorted) && string(e.name) >= quiet {
			// The rest is copied as is: only find where the entries end.
			if off, err = skipEntries(data, off, end, version, count-i-1); err != nil {
				return nil, indexError(indexPath, err.Error())
			}
			work.Counts.EntriesSkimmed.Add(int64(count - i - 1))
			break
		}
	}
	entriesEnd := off
	flush(entriesEnd)
	var added []string
	for k := range sorted {
		if !written[k] {
			emit(k)
		}
		if !replaced[k] {
			added = append(added, sorted[k].Path)
		}
	}

	exts, ts, err := spliceExtensions(indexPath, nil, data[entriesEnd:end], ancestors, added)
	if err != nil {
		return nil, err
	}
	if len(exts) > 0 || ts != nil {
		plan.setTreeSplice(ts)
		plan.push(exts)
	}
	binary.BigEndian.PutUint32(hdr[8:], uint32(newCount))
	plan.fixed = max(plan.fixed, 0) // no updates: nothing is fixed early
	plan.mapped = true
	return plan, nil
}

// checkDF refuses an index entry name (entries come in order) that is a file where one of
// our paths needs a directory (ancestors: the folders of our paths, sorted; *ai advances
// through them), or a directory where one of our files goes (sorted[:ui]: our paths that
// sort before name). It is the same check for every index version.
func checkDF(name []byte, ancestors []string, ai *int, sorted []Update, ui int) error {
	for *ai < len(ancestors) && ancestors[*ai] < string(name) {
		*ai++
	}
	if *ai < len(ancestors) && ancestors[*ai] == string(name) {
		return dfConflict(string(name), "is a file in the index, but a directory is needed for", sorted)
	}
	for _, u := range sorted[:ui] {
		p := u.Path
		if len(name) > len(p) && name[len(p)] == '/' && string(name[:len(p)]) == p {
			return usererr.New(nil, nil,
				"cannot record %s: the index has files inside a directory of that name (%s); "+
					"move them away first", p, name)
		}
	}
	return nil
}

func dfConflict(name, what string, sorted []Update) error {
	for _, u := range sorted {
		if strings.HasPrefix(u.Path, name+"/") {
			return usererr.New(nil, nil, "cannot record %s: %s %s it; move %s away first", u.Path, name, what, name)
		}
	}
	return usererr.New(nil, nil, "cannot record the changes: %s %s them; move it away first", name, what)
}

// ancestorDirs returns every directory along the paths ("a" and "a/b" for
// "a/b/c.md"), sorted and unique. The root ("") is not included.
func ancestorDirs(updates []Update) []string {
	seen := map[string]bool{}
	var dirs []string
	for _, u := range updates {
		for i := 0; i < len(u.Path); i++ {
			if u.Path[i] == '/' && !seen[u.Path[:i]] {
				seen[u.Path[:i]] = true
				dirs = append(dirs, u.Path[:i])
			}
		}
	}
	sort.Strings(dirs)
	return dirs
}

// spliceExtensions appends the extensions in ext to out, adjusted for the
// changed entries:
//   - TREE (cache tree): the root and every directory along a changed path are
//     invalidated, so git recomputes exactly those trees on its next commit, or named from
//     the trees a commit built (cachetree.go); the extension is inserted when the index is
//     written, at ts.at;
//   - UNTR (untracked cache): the folders along every path added to or removed from the
//     index (added; a replaced entry changes nothing) are invalidated as git does
//     (untracked.go); dropped if it cannot be read, which is always correct;
//   - FSMN (fsmonitor), EOIE and IEOT (entry offsets) describe entries by position or
//     the exact file layout: dropped. They are optional and git rebuilds them when it
//     wants them;
//   - other optional extensions (upper-case first letter, e.g. REUC) are kept
//     byte for byte;
//   - mandatory ones we cannot adjust (link: split index, sdir: sparse index)
//     make us stop with advice.
func spliceExtensions(indexPath string, out, ext []byte, dirs, added []string) (_ []byte, ts *treeSplice, _ error) {
	for pos := 0; pos < len(ext); {
		if len(ext)-pos < 8 {
			return nil, nil, indexError(indexPath, "has a truncated extension header")
		}
		sig := string(ext[pos : pos+4])
		size := int(binary.BigEndian.Uint32(ext[pos+4:]))
		if size > len(ext)-pos-8 {
			return nil, nil, indexError(indexPath, fmt.Sprintf("has a truncated %q extension", sig))
		}
		body := ext[pos+8 : pos+8+size]
		pos += 8 + size
		switch sig {
		case "TREE":
			// Written with the index (treeSplice.apply), once the commit's trees are known.
			ts = &treeSplice{at: len(out), old: body, dirs: dirs, added: added}
		case "UNTR":
			if nb, ok := invalidateUntracked(body, added); ok {
				out = append(out, "UNTR"...)
				out = binary.BigEndian.AppendUint32(out, uint32(len(nb)))
				out = append(out, nb...)
			}
		case "FSMN", "EOIE", "IEOT":
		case "link":
			return nil, nil, usererr.New(usererr.ErrUnsupportedRepository, nil,
				"the git index %s uses the split-index format, which incidentctl cannot update; "+
					"run `git update-index --no-split-index` (and `git config core.splitIndex false`) and try again", indexPath)
		case "sdir":
			return nil, nil, usererr.New(usererr.ErrUnsupportedRepository, nil,
				"the git index %s is a sparse index, which incidentctl cannot update; "+
					"run `git sparse-checkout disable` and try again", indexPath)
		default:
			if sig[0] < 'A' || sig[0] > 'Z' {
				return nil, nil, usererr.New(usererr.ErrUnsupportedRepository, nil,
					"the git index %s uses the extension %q, which incidentctl does not know; "+
						"update it with a plain `git status` from a standard git and try again", indexPath, sig)
			}
			out = append(out, ext[pos-8-size:pos]...)
		}
	}
	return out, ts, nil
}

// EntryInfo is what FileState needs to know about one index entry.
type EntryInfo struct {
	Hash        plumbing.Hash
	Stage       int
	IntentToAdd bool // `git add -N`: a placeholder, not real content
}

// Find returns the entries for path (several when the path is
// unmerged), reading only the raw bytes.
func Find(indexPath string, data []byte, path string) (_ []EntryInfo, err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() { RecoverFault(recover(), &err) }()
	if len(data) == 0 {
		return nil, nil
	}
	version, count, err := indexHeader(data)
	if err != nil {
		return nil, indexError(indexPath, err.Error())
	}
	if version == 4 {
		return findV4(indexPath, data, count, path)
	}
	end := len(data) - indexTrailerLen
	var found []EntryInfo
	want := []byte(path)
	stop := ancestorDirs([]Update{{Path: path}})
	from, at := scanMemo.recall(data, path, indexHeaderLen, 0) // RecallPosition's hint, if any
	off, first, err := skipBelow(data, from, end, at, count, version, want, stop)
	if err != nil {
		return nil, indexError(indexPath, err.Error())
	}
	work.Counts.EntriesSkimmed.Add(int64(first - at))
	scanMemo.remember(data, path, off, first)
	parsed := 0
	defer func() { work.Counts.EntriesParsed.Add(int64(parsed)) }()
	for i := first; i < count; i++ {
		parsed++
		e, err := parseEntry(data, off, end, version)
		if err != nil {
			return nil, indexError(indexPath, err.Error())
		}
		switch c := bytes.Compare(e.name, want); {
		case c == 0:
			info := EntryInfo{Hash: e.hash(data), Stage: e.stage()}
			if e.flags&flagExtended != 0 {
				info.IntentToAdd = binary.BigEndian.Uint16(data[e.off+entryFixedLen:])&extFlagIntentToAdd != 0
			}
			found = append(found, info)
		case c > 0:
			return found, nil // sorted: nothing further can match
		}
		off = e.next
	}
	return found, nil
}

// Version is the index's version from its header (0 when it has none).
func Version(data []byte) uint32 {
	if len(data) < indexHeaderLen || string(data[:4]) != "DIRC" {
		return 0
	}
	return binary.BigEndian.Uint32(data[4:])
}

// SpecialV4 is why git writes a version 4 index for index.PlanEdits, which splices versions
// 2 and 3 only (go-git's decoder still reads it).
const SpecialV4 = "the index is version 4 (index.version or feature.manyFiles)"

// Special says why git itself should write an index the splice (Prepare) would not keep as
// git does: a split index ("link") or a sparse index ("sdir"), or a mandatory extension nobody
// here knows. "" means the splice keeps it exactly (versions 2, 3 and 4).
func Special(data []byte) (why string) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if recover() != nil {
			why = "" // rewritten under us: Prepare reports it
		}
	}()
	if len(data) < indexHeaderLen+indexTrailerLen || string(data[:4]) != "DIRC" {
		return ""
	}
	version, count, err := indexHeader(data)
	if err != nil {
		return ""
	}
	end := len(data) - indexTrailerLen
	var off int
	if version == 4 {
		off, err = skipEntriesV4(data, count)
	} else {
		off, err = skipEntries(data, indexHeaderLen, end, version, count)
	}
	if err != nil {
		return ""
	}
	for ext := data[off:end]; len(ext) >= 8; {
		sig := string(ext[:4])
		size := int(binary.BigEndian.Uint32(ext[4:]))
		if size > len(ext)-8 {
			return ""
		}
		switch {
		case sig == "link":
			return SpecialSplit
		case sig == "sdir":
			return "the index is sparse (git sparse-checkout --sparse-index)"
		case sig[0] < 'A' || sig[0] > 'Z':
			return fmt.Sprintf("the index has the extension %q", sig)
		}
		ext = ext[8+size:]
	}
	return ""
}
