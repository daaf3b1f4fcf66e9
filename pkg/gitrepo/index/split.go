package index

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"time"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/work"
)

// A split index (core.splitIndex; gitformat-index "Split index", git's split-index.c) keeps
// most entries in a shared index file, <git dir>/sharedindex.<hash>, written once and never
// changed, and only the changes in .git/index: its "link" extension names the shared index and
// holds two EWAH bitmaps over the shared entries, the ones deleted and the ones replaced. The
// entries of .git/index are first the replacements, in the order of the shared entries they
// replace and with empty names, then the added entries, sorted. Every other extension (TREE,
// UNTR, ...) lives in .git/index and describes the whole index.
//
// PrepareSplit writes a new .git/index against the same shared index, as git does when it
// updates an entry (read-cache.c replace_index_entry: a shared entry becomes a replacement, an
// added one stays added) or adds one (an addition), so the cost follows the size of the
// changes, not of the repository: the shared index is only mapped and skimmed for the updated
// paths. Where git would write a new shared index instead (write_locked_index: more than
// splitIndex.maxPercentChange of the entries, default 20 %, not in the shared index), or the
// index holds anything this writer does not reproduce (unmerged entries, a file where a folder
// is needed, a version 4 split or shared index), it returns a *NeedsGit and git writes it.

// SpecialSplit is Special's answer for a split index.
const SpecialSplit = "the index is split (core.splitIndex)"

// NeedsGit says why git itself has to write this index.
type NeedsGit struct{ Why string }

func (e *NeedsGit) Error() string { return "git writes this index: " + e.Why }

func needsGit(format string, args ...any) error { return &NeedsGit{Why: fmt.Sprintf(format, args...)} }

// DefaultMaxPercentChange is git's default for splitIndex.maxPercentChange.
const DefaultMaxPercentChange = 20

// splitFile is .git/index of a split index, parsed.
type splitFile struct {
	version  uint32
	base     [20]byte
	deleted  []int    // positions in the shared index, increasing
	replaced []int    // positions in the shared index, increasing
	repl     [][]byte // the replacement entries, parallel to replaced
	adds     []splitAdd
	exts     []byte // the extensions other than link
}

type splitAdd struct {
	name  string
	stage int
	entry []byte
}

func parseSplit(indexPath string, data []byte) (*splitFile, error) {
	version, count, err := indexHeader(data)
	if err != nil {
		return nil, indexError(indexPath, err.Error())
	}
	if version == 4 {
		return nil, needsGit("the split index is version 4")
	}
	end := len(data) - indexTrailerLen
	var entries []rawEntry
	off := indexHeaderLen
	for range count {
		e, err := parseEntry(data, off, end, version)
		if err != nil {
			return nil, indexError(indexPath, err.Error())
		}
		entries = append(entries, e)
		off = e.next
	}
	sf := &splitFile{version: version}
	found := false
	for ext := data[off:end]; len(ext) > 0; {
		if len(ext) < 8 {
			return nil, indexError(indexPath, "has a truncated extension header")
		}
		sig := string(ext[:4])
		size := int(binary.BigEndian.Uint32(ext[4:]))
		if size > len(ext)-8 {
			return nil, indexError(indexPath, fmt.Sprintf("has a truncated %q extension", sig))
		}
		body := ext[8 : 8+size]
		if sig == "link" {
			if found || len(body) < 20 {
				return nil, indexError(indexPath, "has a damaged link extension")
			}
			found = true
			copy(sf.base[:], body)
			if rest := body[20:]; len(rest) > 0 {
				del, n, err := readEwah(rest)
				if err != nil {
					return nil, indexError(indexPath, "has a damaged delete bitmap in its link extension")
				}
				rep, m, err := readEwah(rest[n:])
				if err != nil || n+m != len(rest) {
					return nil, indexError(indexPath, "has a damaged replace bitmap in its link extension")
				}
				sf.deleted, sf.replaced = del, rep
			}
		} else {
			sf.exts = append(sf.exts, ext[:8+size]...)
		}
		ext = ext[8+size:]
	}
	if !found {
		return nil, needsGit("the index is not split")
	}
	if sf.base == [20]byte{} {
		return nil, needsGit("the split index has no shared index")
	}
	if len(sf.replaced) > len(entries) {
		return nil, indexError(indexPath, "has more replaced entries than entries")
	}
	for i, e := range entries {
		b := data[e.off:e.next]
		if i < len(sf.replaced) {
			if len(e.name) != 0 {
				return nil, indexError(indexPath, "has a replacement entry with a name")
			}
			sf.repl = append(sf.repl, b)
			continue
		}
		if len(e.name) == 0 {
			return nil, indexError(indexPath, "has an added entry without a name")
		}
		sf.adds = append(sf.adds, splitAdd{name: string(e.name), stage: e.stage(), entry: b})
	}
	return sf, nil
}

// sharedIndex maps the shared index of sf.
func sharedIndexPath(indexPath string, base [20]byte) string {
	return filepath.Join(filepath.Dir(indexPath), "sharedindex."+hex.EncodeToString(base[:]))
}

type sharedIndex struct {
	data     []byte
	version  uint32
	count    int
	end      int
	path     string
	contents []tocEntry // splittoc.go
	newest   uint32     // splittoc.go, with contents
}

func openShared(path string) (*sharedIndex, func(), error) {
	data, unmap, err := MapSparse(path)
	if err != nil {
		return nil, nil, needsGit("cannot read the shared index %s: %v", path, err)
	}
	if len(data) == 0 {
		unmap()
		return nil, nil, needsGit("the shared index %s is missing", path)
	}
	version, count, err := indexHeader(data)
	if err != nil {
		unmap()
		return nil, nil, indexError(path, err.Error())
	}
	if version == 4 {
		unmap()
		return nil, nil, needsGit("the shared index is version 4")
	}
	return &sharedIndex{data: data, version: version, count: count, end: len(data) - indexTrailerLen, path: path}, unmap, nil
}

// sharedHit is what the shared index has at a name: its position and entry, or none.
type sharedHit struct {
	pos      int // -1: none
	stage    int
	children bool // entries below name + "/" (name as a folder)
}

// lookupShared finds every name of names (sorted) in the shared index in one forward skim.
// Only the entries from the first name on are parsed.
func (s *sharedIndex) lookup(names []string, folders bool) ([]sharedHit, error) {
	hits := make([]sharedHit, len(names))
	off, i := indexHeaderLen, 0
	var err error
	skimmed, parsed := 0, 0
	defer func() {
		work.Counts.EntriesSkimmed.Add(int64(skimmed))
		work.Counts.EntriesParsed.Add(int64(parsed))
	}()
	t := s.toc(s.path)
	for k, name := range names {
		hits[k].pos = -1
		if o, p := startAt(t, name); p > i {
			off, i = o, p
		}
		from := i
		if off, i, err = skipBelow(s.data, off, s.end, i, s.count, s.version, []byte(name), nil); err != nil {
			return nil, err
		}
		skimmed += i - from
		// From here: the name itself (several stages) and, for a folder check, what follows
		// until name+"0" (every name below "name/" sorts before it).
		o, j := off, i
		stop := name + "0"
		for ; j < s.count; j++ {
			parsed++
			e, err := parseEntry(s.data, o, s.end, s.version)
			if err != nil {
				return nil, err
			}
			n := string(e.name)
			if n == name {
				if hits[k].pos < 0 {
					hits[k].pos, hits[k].stage = j, e.stage()
				} else {
					hits[k].stage = max(hits[k].stage, 1) // several stages
				}
			} else if !folders || n >= stop {
				break
			} else if len(n) > len(name) && n[len(name)] == '/' && n[:len(name)] == name {
				hits[k].children = true
				break
			}
			o = e.next
		}
	}
	return hits, nil
}

// PrepareSplit is Prepare for a split index (data is .git/index, with the link extension).
// maxPercent is splitIndex.maxPercentChange (DefaultMaxPercentChange when unset). A *NeedsGit
// error says git must write this change. SharedIndex names the shared index the new index
// uses: git freshens its time when it writes a split index (freshen_shared_index), which is what
// keeps splitIndex.sharedIndexExpire from deleting it.
func PrepareSplit(indexPath string, data []byte, updates []Update, maxPercent int) (_ *Plan, err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() { RecoverFault(recover(), &err) }()
	if maxPercent == 0 {
		return nil, needsGit("splitIndex.maxPercentChange is 0: every write makes a new shared index")
	}
	sf, err := parseSplit(indexPath, data)
	if err != nil {
		return nil, err
	}
	for _, a := range sf.adds {
		if a.stage != 0 {
			return nil, needsGit("the index has unmerged entries")
		}
	}
	for _, r := range sf.repl {
		if binary.BigEndian.Uint16(r[60:])&flagStageMask != 0 {
			return nil, needsGit("the index has unmerged entries")
		}
	}
	sharedPath := sharedIndexPath(indexPath, sf.base)
	sh, unmap, err := openShared(sharedPath)
	if err != nil {
		return nil, err
	}
	defer unmap()

	sorted := append([]Update(nil), updates...)
	order := make([]int, len(updates))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return updates[order[a]].Path < updates[order[b]].Path })
	for i, j := range order {
		sorted[i] = updates[j]
	}
	paths := make([]string, len(sorted))
	for i, u := range sorted {
		paths[i] = u.Path
	}
	ancestors := ancestorDirs(sorted)

	deleted := make(map[int]bool, len(sf.deleted))
	for _, p := range sf.deleted {
		deleted[p] = true
	}
	// Folders along the paths must not be files, and the paths must not be folders: in the
	// added entries ...
	for _, a := range sf.adds {
		for _, d := range ancestors {
			if a.name == d {
				return nil, needsGit("%s is a file in the index, but a folder is needed", d)
			}
		}
		for _, p := range paths {
			if len(a.name) > len(p) && a.name[len(p)] == '/' && a.name[:len(p)] == p {
				return nil, needsGit("the index has files inside %s", p)
			}
		}
	}
	// ... and in the shared index (entries not deleted).
	hits, err := sh.lookup(ancestors, false)
	if err != nil {
		return nil, indexError(sharedPath, err.Error())
	}
	for k, h := range hits {
		if h.pos >= 0 && !deleted[h.pos] {
			return nil, needsGit("%s is a file in the index, but a folder is needed", ancestors[k])
		}
	}
	if hits, err = sh.lookup(paths, true); err != nil {
		return nil, indexError(sharedPath, err.Error())
	}

	replacedAt := make(map[int]int, len(sf.replaced)) // shared position -> index in repl
	for i, p := range sf.replaced {
		replacedAt[p] = i
	}
	plan := &Plan{entries: make([][]byte, len(updates))}
	repl := append([][]byte(nil), sf.repl...)
	replPos := append([]int(nil), sf.replaced...)
	adds := append([]splitAdd(nil), sf.adds...)
	var added []string
	for k, u := range sorted {
		h := hits[k]
		if h.children {
			return nil, needsGit("the index has files inside %s", u.Path)
		}
		// Where it is now: an added entry, a shared one (replaced or not), or nowhere.
		ai := sort.Search(len(adds), func(i int) bool { return adds[i].name >= u.Path })
		switch {
		case ai < len(adds) && adds[ai].name == u.Path:
			e := appendEntry(nil, u)
			adds[ai].entry = e
			plan.entries[order[k]] = e
		case h.pos >= 0 && !deleted[h.pos]:
			if h.stage != 0 {
				return nil, needsGit("%s is unmerged in the index", u.Path)
			}
			e := appendEntry(nil, Update{Hash: u.Hash}) // a replacement has no name
			if i, ok := replacedAt[h.pos]; ok {
				repl[i] = e
			} else {
				i := sort.SearchInts(replPos, h.pos)
				replPos = append(replPos[:i], append([]int{h.pos}, replPos[i:]...)...)
				repl = append(repl[:i], append([][]byte{e}, repl[i:]...)...)
				for p, j := range replacedAt {
					if j >= i {
						replacedAt[p] = j + 1
					}
				}
				replacedAt[h.pos] = i
			}
			plan.entries[order[k]] = e
		default:
			e := appendEntry(nil, u)
			adds = append(adds[:ai], append([]splitAdd{{name: u.Path, entry: e}}, adds[ai:]...)...)
			plan.entries[order[k]] = e
			added = append(added, u.Path)
		}
	}

	// git's too_many_not_shared_entries: more than maxPercent of the entries not in the
	// shared index makes git write a new one.
	total := sh.count - len(sf.deleted) + len(adds)
	if maxPercent != 100 && int64(total)*int64(maxPercent) < int64(len(adds))*100 {
		return nil, needsGit("more than %d%% of the entries would not be in the shared index (splitIndex.maxPercentChange)", maxPercent)
	}

	hdr := make([]byte, indexHeaderLen)
	copy(hdr, "DIRC")
	binary.BigEndian.PutUint32(hdr[4:], sf.version)
	binary.BigEndian.PutUint32(hdr[8:], uint32(len(repl)+len(adds)))
	plan.segs = append(plan.segs, hdr)
	plan.segs = append(plan.segs, repl...)
	for _, a := range adds {
		plan.segs = append(plan.segs, a.entry)
	}
	// link first, as git writes it (write_index_ext_header order: link, TREE, REUC, UNTR,
	// FSMN, ...), then the others adjusted as for a whole index.
	del, rep := newEwah(), newEwah()
	for _, p := range sf.deleted {
		del.set(p)
	}
	for _, p := range replPos {
		rep.set(p)
	}
	link := append([]byte(nil), sf.base[:]...)
	link = rep.appendTo(del.appendTo(link))
	exts := append([]byte("link"), binary.BigEndian.AppendUint32(nil, uint32(len(link)))...)
	exts = append(exts, link...)
	exts, ts, err := spliceExtensions(indexPath, exts, sf.exts, ancestors, added)
	if err != nil {
		return nil, err
	}
	plan.setTreeSplice(ts)
	plan.segs = append(plan.segs, exts)
	plan.fixed = 0
	plan.shared = sharedPath
	return plan, nil
}

// SharedIndex is the shared index a split index plan uses ("" for a whole index).
func (p *Plan) SharedIndex() string { return p.shared }

// FreshenShared sets the shared index's times to now, as git does after writing a split index
// against it (read-cache.c freshen_shared_index): splitIndex.sharedIndexExpire counts from
// there.
func (p *Plan) FreshenShared() {
	if p.shared != "" {
		now := timeNow()
		os.Chtimes(p.shared, now, now)
	}
}

// FindSplit is Find for a split index.
func FindSplit(indexPath string, data []byte, path string) (_ []EntryInfo, err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() { RecoverFault(recover(), &err) }()
	sf, err := parseSplit(indexPath, data)
	if err != nil {
		return nil, err
	}
	info := func(b []byte) EntryInfo {
		flags := binary.BigEndian.Uint16(b[60:])
		var h [20]byte
		copy(h[:], b[entryStatLen:])
		e := EntryInfo{Hash: h, Stage: int(flags&flagStageMask) >> 12}
		if flags&flagExtended != 0 {
			e.IntentToAdd = binary.BigEndian.Uint16(b[entryFixedLen:])&extFlagIntentToAdd != 0
		}
		return e
	}
	var found []EntryInfo
	for _, a := range sf.adds {
		if a.name == path {
			found = append(found, info(a.entry))
		}
	}
	sharedPath := sharedIndexPath(indexPath, sf.base)
	sh, unmap, err := openShared(sharedPath)
	if err != nil {
		return nil, err
	}
	defer unmap()
	off, i := startAt(sh.toc(sharedPath), path)
	off, i, err = skipBelow(sh.data, off, sh.end, i, sh.count, sh.version, []byte(path), nil)
	if err != nil {
		return nil, indexError(sharedPath, err.Error())
	}
	deleted := map[int]bool{}
	for _, p := range sf.deleted {
		deleted[p] = true
	}
	replacedAt := map[int]int{}
	for k, p := range sf.replaced {
		replacedAt[p] = k
	}
	for ; i < sh.count; i++ {
		e, err := parseEntry(sh.data, off, sh.end, sh.version)
		if err != nil {
			return nil, indexError(sharedPath, err.Error())
		}
		if !bytes.Equal(e.name, []byte(path)) {
			break
		}
		if !deleted[i] {
			if k, ok := replacedAt[i]; ok {
				found = append(found, info(sf.repl[k]))
			} else {
				found = append(found, info(sh.data[e.off:e.next]))
			}
		}
		off = e.next
	}
	sort.SliceStable(found, func(a, b int) bool { return found[a].Stage < found[b].Stage })
	return found, nil
}

// timeNow is time.Now (a variable for the tests).
var timeNow = time.Now
