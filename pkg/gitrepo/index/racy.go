package index

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"runtime/debug"
	"sort"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/work"
)

// Racily clean entries (git's Documentation/technical/racy-git.txt). git trusts an entry whose
// stat data still matches its file, but stat data is only as fine as a second (git is built
// without USE_NSEC by most distributions): a file changed again within the second it was
// staged keeps its size and mtime. git reads such an entry as "racy" while the index file
// still has the timestamp of that second, and then compares the content. Once the index is
// rewritten a second later that protection is gone, so every git command that writes the
// index first smudges the racy entries whose content no longer matches
// (read-cache.c, ce_smudge_racily_clean_entry): their size becomes 0, which sends every later
// reader to the content. incidentctl's index writers do the same: RacyEntries finds the
// entries git would look at, pkg/gitrepo compares their files, and Smudge writes the sizes.

// Racy is an index entry git calls racy: stage 0, a file or a symbolic link, not yet smudged,
// whose mtime is no earlier than the second the index file was written.
type Racy struct {
	Off  int // offset of the entry in the index
	Name string
	Mode uint32
	Hash plumbing.Hash
	Stat Stat
}

// RacyEntries returns the racy entries of the index whose content is data and whose file was
// last modified at the second indexSec (git's is_racy_timestamp, without nanoseconds: the
// wider test, so that no entry git would call racy is missed). It reads versions 2, 3 and 4,
// the entries of a split index's own file only (its shared index is another file: call it
// for that one too).
func RacyEntries(data []byte, indexSec uint32) ([]Racy, error) {
	return racyEntries(data, indexSec, false, nil)
}

// RacyEntriesStreamed is RacyEntries for an index mapped with MapSparse that the caller walks
// once more afterwards (Integrate, whose PlanEdits and WriteIndex keep a window of it
// resident): the pages already read are dropped from the process a window at a time (evict),
// so that this pass does not make the whole index resident either (16 MB at 100,000 entries).
func RacyEntriesStreamed(data []byte, indexSec uint32) ([]Racy, error) {
	return racyEntries(data, indexSec, true, nil)
}

// racyEntries finds the racy entries; with bound, it also records the newest modification
// second among the entries a racy check looks at, and where those of that second are.
func racyEntries(data []byte, indexSec uint32, streamed bool, bound *RacyBound) ([]Racy, error) {
	if len(data) == 0 {
		return nil, nil
	}
	version, count, err := indexHeader(data)
	if err != nil {
		return nil, err
	}
	end := len(data) - indexTrailerLen
	be := binary.BigEndian
	var out []Racy
	var name []byte // version 4: the previous entry's name
	off := indexHeaderLen
	evicted := 0
	for range count {
		if streamed && off-evicted >= evictWindow {
			evict(data[evicted:off])
			evicted = off
		}
		if off+entryFixedLen > end {
			return nil, fmt.Errorf("entry at offset %d is truncated", off)
		}
		b := data[off:]
		flags := be.Uint16(b[60:])
		nameOff := off + entryFixedLen
		if flags&flagExtended != 0 {
			nameOff += 2
		}
		var entryName []byte
		next := 0
		if version == 4 {
			drop, k := offsetVarint(data[min(nameOff, end):end])
			if k <= 0 || drop > uint64(len(name)) {
				return nil, fmt.Errorf("entry at offset %d has a bad name", off)
			}
			z := bytes.IndexByte(data[nameOff+k:end], 0)
			if z < 0 {
				return nil, fmt.Errorf("entry at offset %d has an unterminated name", off)
			}
			name = append(name[:len(name)-int(drop)], data[nameOff+k:nameOff+k+z]...)
			entryName, next = name, nameOff+k+z+1
		} else {
			n := int(flags & flagNameMask)
			if n == flagNameMask || flags&flagExtended != 0 && version < 3 || nameOff+n > end {
				e, err := parseEntry(data, off, end, version)
				if err != nil {
					return nil, err
				}
				entryName, next = e.name, e.next
			} else {
				entryName, next = data[nameOff:nameOff+n], off+(nameOff-off+n+8)&^7
			}
		}
		if mt := be.Uint32(b[8:]); flags&flagStageMask == 0 {
			if mt >= indexSec { // the mtime first: most entries stop here
				if r, ok := racyEntry(b, string(entryName), indexSec); ok {
					r.Off = off
					out = append(out, r)
				}
			}
			if bound != nil && mt >= bound.Newest {
				bound.see(b, off)
			}
		}
		off = next
	}
	if streamed {
		evict(data[evicted:off])
	}
	work.Counts.RacyChecked.Add(int64(count))
	return out, nil
}

// Smudge returns a copy of the index data with the size of each entry at offs set to 0, as
// git smudges a racily clean entry whose file changed. The copy keeps the old trailing
// checksum: it is only read from, by a writer that computes a new one.
func Smudge(data []byte, offs []int) []byte {
	out := bytes.Clone(data)
	for _, off := range offs {
		binary.BigEndian.PutUint32(out[off+36:], 0)
	}
	return out
}

// CheckpointsBefore keeps the checkpoints that describe the first n bytes at most: those a
// writer may still resume from after bytes at n changed.
func CheckpointsBefore(cps []Checkpoint, n int) []Checkpoint {
	i := 0
	for i < len(cps) && cps[i].off <= int64(n) {
		i++
	}
	return cps[:i]
}

// racySecond is the modification second of the entry b when a racy check looks at it at all: a
// regular file or a link with a size (git's smudged entries have none).
func racySecond(b []byte) (uint32, bool) {
	be := binary.BigEndian
	mode := be.Uint32(b[24:])
	if be.Uint32(b[36:]) == 0 || mode&0o170000 != 0o100000 && mode&0o170000 != 0o120000 {
		return 0, false
	}
	return be.Uint32(b[8:]), true
}

// SplitRacyEntries is RacyEntries for a split index (data, at indexPath): the entries of its
// own file, each replacement named from the shared index, and the shared index's own entries
// when it was written in the same second as indexSec or later (an entry is staged before the
// index holding it is written, so an older shared index holds no racy entry). Off is not set:
// git writes a split index whose entries need smudging.
func SplitRacyEntries(indexPath string, data []byte, indexSec uint32) (_ []Racy, err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() { RecoverFault(recover(), &err) }()
	sf, err := parseSplit(indexPath, data)
	if err != nil {
		return nil, err
	}
	var out []Racy
	var wantPos []int // shared positions whose names the replacements need
	var wantRacy []Racy
	for i, b := range sf.repl {
		if r, ok := racyEntry(b, "", indexSec); ok {
			wantPos = append(wantPos, sf.replaced[i])
			wantRacy = append(wantRacy, r)
		}
	}
	for _, a := range sf.adds {
		if r, ok := racyEntry(a.entry, a.name, indexSec); ok && a.stage == 0 {
			out = append(out, r)
		}
	}
	path := sharedIndexPath(indexPath, sf.base)
	fi, err := os.Stat(path)
	if err != nil {
		return nil, needsGit("cannot read the shared index %s: %v", path, err)
	}
	scanShared := uint32(fi.ModTime().Unix()) >= indexSec
	if len(wantPos) == 0 && !scanShared {
		return out, nil
	}
	sh, unmap, err := openShared(path)
	if err != nil {
		return nil, err
	}
	defer unmap()
	// The shared index's time is freshened by every write against it (git's and ours), so it
	// only says that its entries may be racy; the newest entry it records says whether they are.
	if scanShared && sh.newestSecond(path) < indexSec {
		scanShared = false
		if len(wantPos) == 0 {
			return out, nil
		}
	}
	gone := map[int]bool{}
	var contents []tocEntry // to jump to the next wanted position when not scanning
	if scanShared {
		for _, p := range sf.deleted {
			gone[p] = true
		}
		for _, p := range sf.replaced {
			gone[p] = true
		}
	} else {
		contents = sh.toc(path)
	}
	off, w := indexHeaderLen, 0
	for pos := 0; pos < sh.count && (scanShared || w < len(wantPos)); pos++ {
		if contents != nil {
			// The last recorded entry at or before the next wanted position.
			i := sort.Search(len(contents), func(i int) bool { return contents[i].pos > wantPos[w] }) - 1
			if i >= 0 && contents[i].pos > pos {
				pos, off = contents[i].pos, contents[i].off
			}
		}
		e, err := parseEntry(sh.data, off, sh.end, sh.version)
		if err != nil {
			return nil, indexError(path, err.Error())
		}
		for w < len(wantPos) && wantPos[w] == pos {
			wantRacy[w].Name = string(e.name)
			out = append(out, wantRacy[w])
			w++
		}
		if scanShared && !gone[pos] && e.stage() == 0 {
			if r, ok := racyEntry(sh.data[e.off:e.next], "", indexSec); ok {
				r.Name = string(e.name)
				out = append(out, r)
			}
		}
		off = e.next
	}
	for ; w < len(wantPos); w++ {
		out = append(out, wantRacy[w]) // a position past the shared index: unnamed, kept
	}
	return out, nil
}

// racyEntry reads the entry b (its fixed part: stat data, mode, hash) as a Racy if git would
// call it racy.
func racyEntry(b []byte, name string, indexSec uint32) (Racy, bool) {
	if sec, ok := racySecond(b); !ok || sec < indexSec {
		return Racy{}, false
	}
	r := Racy{Name: name, Mode: binary.BigEndian.Uint32(b[24:])}
	copy(r.Hash[:], b[entryStatLen:entryStatLen+20])
	r.Stat = statAt(b)
	return r, true
}
