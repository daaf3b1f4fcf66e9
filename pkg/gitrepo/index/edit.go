package index

import (
	"bufio"
	"crypto/sha1"
	"encoding/binary"
	"io"
	"sort"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	gogitindex "github.com/go-git/go-git/v5/plumbing/format/index"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/usererr"
)

// Edit is one path to change in the index: Old is what the commit being left has there, New
// what goes in (nil: absent, or removed).
type Edit struct {
	Path     string
	Old, New *Object
}

// Object is a blob (or link, or submodule commit) and its mode.
type Object struct {
	Hash plumbing.Hash
	Mode filemode.FileMode
}

// The index side of Integrate: like Commit's splice (index.go), one linear pass over the raw
// entries that copies untouched runs of bytes, but it can also remove entries and write any
// mode, and it checks on the way that every edited path is staged exactly as the old tip has
// it. Version 4 indexes go through go-git's decoder and encoder instead.

const extFlagSkipWorktree = 0x4000 // in the v3 extended flags

// evictWindow is how much of a mapped index PlanEdits and EditPlan.WriteIndex read before they
// drop it from memory again.
const evictWindow = 1 << 20

// EditPlan is a prepared index update for Integrate. SetStat fills in the stat data once the
// working tree files are written; WriteIndex writes the new index with its checksum.
type EditPlan struct {
	segs    [][]byte
	entries [][]byte // per edit (in the order given): its new entry; nil for a removal

	fb        *gogitindex.Index   // version 4: go-git encodes
	fbEntries []*gogitindex.Entry // per edit: its new entry; nil for a removal
}

func (p *EditPlan) SetStat(i int, st Stat) {
	if p.fb != nil {
		(&fallbackPlan{entries: p.fbEntries}).SetStat(i, st)
		return
	}
	if p.entries[i] != nil {
		st.put(p.entries[i][:entryStatLen])
	}
}

func (p *EditPlan) WriteIndex(w io.Writer) error {
	if p.fb != nil {
		b, err := (&fallbackPlan{idx: p.fb}).encode()
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	}
	h := sha1.New()
	bw := bufio.NewWriterSize(io.MultiWriter(w, h), 64<<10)
	for _, seg := range p.segs {
		// Runs of the old index go out a window at a time, each dropped from memory once
		// written (evict): the copy does not make the whole mapped index resident.
		for len(seg) > 0 {
			c := seg[:min(len(seg), evictWindow)]
			seg = seg[len(c):]
			if _, err := bw.Write(c); err != nil {
				return err
			}
			if len(c) == evictWindow {
				evict(c)
			}
		}
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	_, err := w.Write(h.Sum(nil))
	return err
}

// stagedEntry is what the index holds for one edited path.
type stagedEntry struct {
	hash                      plumbing.Hash
	stage                     int
	intentToAdd, skipWorktree bool
}

// indexMatches reports whether the index's entries for e.Path are what the old tip has (or
// already what the new tip has): then replacing them loses nothing the user staged.
func indexMatches(e Edit, found []stagedEntry) bool {
	switch len(found) {
	case 0:
		return e.Old == nil || e.New == nil
	case 1:
	default:
		return false // unmerged
	}
	f := found[0]
	if f.stage != 0 || f.intentToAdd || f.skipWorktree {
		return false
	}
	return (e.Old != nil && f.hash == e.Old.Hash) || (e.New != nil && f.hash == e.New.Hash)
}

func RawEntry(path string, e *Object) []byte {
	b := make([]byte, (entryFixedLen+len(path)+8)&^7)
	binary.BigEndian.PutUint32(b[24:], uint32(e.Mode))
	copy(b[entryStatLen:], e.Hash[:])
	binary.BigEndian.PutUint16(b[60:], uint16(min(len(path), flagNameMask)))
	copy(b[entryFixedLen:], path)
	return b
}

// PlanEdits prepares the index update for edits (sorted by path, distinct). dirty lists
// the edited paths whose index entries differ from the old tip; err is for an index that cannot
// be used, or a file/directory clash with entries the user staged.
func PlanEdits(indexPath string, data []byte, edits []Edit) (*EditPlan, []string, error) {
	order := make([]int, len(edits))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return edits[order[a]].Path < edits[order[b]].Path })

	// Files we put in place, and the directories they need.
	newFiles, newDirs := map[string]bool{}, map[string]bool{}
	for _, e := range edits {
		if e.New != nil {
			newFiles[e.Path] = true
			for i := 0; i < len(e.Path); i++ {
				if e.Path[i] == '/' {
					newDirs[e.Path[:i]] = true
				}
			}
		}
	}
	// clash takes the name as bytes: converting every entry's name of a 100,000-entry index
	// into a string would be 6 MB of garbage per splice (map lookups by string(b) do not copy).
	clash := func(b []byte) error {
		if newDirs[string(b)] {
			name := string(b)
			return usererr.New(nil, nil,
				"the incoming changes need %s to be a directory, but it is staged as a file; unstage it (git rm --cached %s) and try again", name, name)
		}
		for i := 0; i < len(b); i++ {
			if b[i] == '/' && newFiles[string(b[:i])] {
				name := string(b)
				return usererr.New(nil, nil,
					"the incoming changes need %s to be a file, but %s is staged inside it; unstage it (git rm --cached %s) and try again", name[:i], name, name)
			}
		}
		return nil
	}

	plan := &EditPlan{entries: make([][]byte, len(edits))}
	found := make([][]stagedEntry, len(edits))
	var dirty []string
	check := func(i int) {
		if !indexMatches(edits[i], found[i]) {
			dirty = append(dirty, edits[i].Path)
		}
	}

	if len(data) == 0 {
		hdr := make([]byte, indexHeaderLen)
		copy(hdr, "DIRC")
		binary.BigEndian.PutUint32(hdr[4:], 2)
		plan.segs = append(plan.segs, hdr)
		n := 0
		for _, i := range order {
			check(i)
			if e := edits[i]; e.New != nil {
				plan.entries[i] = RawEntry(e.Path, e.New)
				plan.segs = append(plan.segs, plan.entries[i])
				n++
			}
		}
		binary.BigEndian.PutUint32(hdr[8:], uint32(n))
		return plan, dirty, nil
	}

	version, count, err := indexHeader(data)
	if err != nil {
		return nil, nil, indexError(indexPath, err.Error())
	}
	if version == 4 {
		return planIndexEditsV4(indexPath, data, edits, clash)
	}

	end := len(data) - indexTrailerLen
	hdr := append([]byte(nil), data[:indexHeaderLen]...)
	plan.segs = append(plan.segs, hdr)
	copied := indexHeaderLen
	flush := func(upto int) {
		if upto > copied {
			plan.segs = append(plan.segs, data[copied:upto])
		}
		copied = upto
	}
	newCount := count
	k := 0 // the next edit (in path order) to place
	place := func(at int) {
		i := order[k]
		check(i)
		if e := edits[i]; e.New != nil {
			flush(at)
			plan.entries[i] = RawEntry(e.Path, e.New)
			plan.segs = append(plan.segs, plan.entries[i])
			newCount++
		}
		k++
	}
	// A mapping populated earlier (Map keeps the last one) would all be resident: start
	// from none of it.
	evict(data)
	off := indexHeaderLen
	evicted := 0
	for n := 0; n < count; n++ {
		if off-evicted >= evictWindow {
			evict(data[evicted:off]) // read once: no need to keep it resident (map_linux.go)
			evicted = off
		}
		e, err := parseEntry(data, off, end, version)
		if err != nil {
			return nil, nil, indexError(indexPath, err.Error())
		}
		name := e.name
		for k < len(order) && edits[order[k]].Path < string(name) {
			place(e.off)
		}
		if k < len(order) && edits[order[k]].Path == string(name) {
			// An entry (one stage of it) for an edited path: note it and drop it.
			se := stagedEntry{hash: e.hash(data), stage: e.stage()}
			if e.flags&flagExtended != 0 {
				ext := binary.BigEndian.Uint16(data[e.off+entryFixedLen:])
				se.intentToAdd, se.skipWorktree = ext&extFlagIntentToAdd != 0, ext&extFlagSkipWorktree != 0
			}
			found[order[k]] = append(found[order[k]], se)
			flush(e.off)
			copied = e.next
			newCount--
		} else if err := clash(name); err != nil {
			return nil, nil, err
		}
		off = e.next
	}
	entriesEnd := off
	for k < len(order) {
		place(entriesEnd)
	}
	flush(entriesEnd)

	dirs := map[string]bool{}
	for _, e := range edits {
		for i := 0; i < len(e.Path); i++ {
			if e.Path[i] == '/' {
				dirs[e.Path[:i]] = true
			}
		}
	}
	dirList := make([]string, 0, len(dirs))
	for d := range dirs {
		dirList = append(dirList, d)
	}
	sort.Strings(dirList)
	// A merge's edits leave the folders along them invalid in the cache tree (git rebuilds
	// those on its next commit).
	exts, ts, err := spliceExtensions(indexPath, nil, data[entriesEnd:end], dirList, untrackedChanges(edits, found))
	if err != nil {
		return nil, nil, err
	}
	if ts != nil {
		exts = ts.apply(exts)
	}
	if len(exts) > 0 {
		plan.segs = append(plan.segs, exts)
	}
	binary.BigEndian.PutUint32(hdr[8:], uint32(newCount))
	return plan, dirty, nil
}

// untrackedChanges lists the edited paths git invalidates the untracked cache for: every
// removal (read-cache.c, remove_file_from_index) and every addition that does not replace a
// stage-0 entry (add_index_entry_with_check).
func untrackedChanges(edits []Edit, found [][]stagedEntry) []string {
	var out []string
	for i, e := range edits {
		replaced := false
		for _, f := range found[i] {
			replaced = replaced || f.stage == 0
		}
		if e.New == nil || !replaced {
			out = append(out, e.Path)
		}
	}
	return out
}

// planIndexEditsV4 does the same with go-git's decoder and encoder (names in a version 4 index
// are prefix-compressed, so runs of entries cannot be copied as they are).
func planIndexEditsV4(indexPath string, data []byte, edits []Edit, clash func([]byte) error) (*EditPlan, []string, error) {
	idx, err := decodeIndex(indexPath, data)
	if err != nil {
		return nil, nil, err
	}
	pos := make(map[string]int, len(edits))
	for i, e := range edits {
		pos[e.Path] = i
	}
	found := make([][]stagedEntry, len(edits))
	kept := idx.Entries[:0]
	for _, e := range idx.Entries {
		if i, ok := pos[e.Name]; ok {
			found[i] = append(found[i], stagedEntry{hash: e.Hash, stage: int(e.Stage), intentToAdd: e.IntentToAdd, skipWorktree: e.SkipWorktree})
			continue
		}
		// go-git's encoder sorts with an unstable sort, which could reorder the stages of an
		// unmerged path.
		if e.Stage != 0 {
			return nil, nil, usererr.New(nil, nil,
				"the index has unresolved merge conflicts (%s); resolve them and commit (see `git status`) first", e.Name)
		}
		if err := clash([]byte(e.Name)); err != nil {
			return nil, nil, err
		}
		kept = append(kept, e)
	}
	var dirty []string
	plan := &EditPlan{fb: idx, fbEntries: make([]*gogitindex.Entry, len(edits))}
	for i, e := range edits {
		if !indexMatches(e, found[i]) {
			dirty = append(dirty, e.Path)
		}
		if e.New != nil {
			ne := &gogitindex.Entry{Name: e.Path, Hash: e.New.Hash, Mode: e.New.Mode}
			plan.fbEntries[i] = ne
			kept = append(kept, ne)
		}
	}
	idx.Entries = kept
	idx.Cache, idx.ResolveUndo, idx.EndOfIndexEntry = nil, nil, nil
	return plan, dirty, nil
}
