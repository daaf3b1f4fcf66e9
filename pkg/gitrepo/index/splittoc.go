package index

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"os"
	"path/filepath"
	"sort"
)

// A shared index never changes once written (its name is its checksum), so where its entries
// lie can be computed once: the table of contents records the offset, position and name of every
// tocEvery-th entry, in <git dir>/incidentctl/sharedindex-<hash>.toc. A lookup then starts at
// the last recorded entry before its name instead of skimming the 100,000 entries before it,
// which is what keeps a write on a split index from growing with the repository. The file
// carries the shared index's size and checksum and its own SHA-256; one that does not match is
// built again (from one skim of the shared index), and failing to write it is harmless.
//
// It also records the newest modification second among the entries a racy check looks at
// (racyEntry: stage 0, regular files and links, a size). git freshens a shared index's times
// whenever it writes a split index against it (and so does incidentctl), so the file's own time
// says nothing about when its entries were recorded; this second does, and lets a racy check
// skip the whole shared index when it is older than the index's own second.

var tocEvery = 256 // a variable for the tests

const tocMagic = "incidentctl sharedindex-toc 2\n"

type tocEntry struct {
	off, pos int
	name     string
}

// tocPath is where the table of contents of the shared index sharedPath is kept.
func tocPath(sharedPath string) string {
	dir, name := filepath.Split(sharedPath)
	return filepath.Join(dir, "incidentctl", name+".toc")
}

// toc returns the table of contents of s, read from its file or built and saved.
func (s *sharedIndex) toc(sharedPath string) []tocEntry {
	if s.contents != nil {
		return s.contents
	}
	path := tocPath(sharedPath)
	sum := s.data[len(s.data)-indexTrailerLen:]
	if b, err := os.ReadFile(path); err == nil {
		if t, newest, ok := parseTOC(b, len(s.data), sum); ok {
			s.contents, s.newest = t, newest
			return t
		}
	}
	var t []tocEntry
	var newest uint32
	off := indexHeaderLen
	for i := 0; i < s.count; i++ {
		e, err := parseEntry(s.data, off, s.end, s.version)
		if err != nil {
			return nil // the lookups report it
		}
		if i%tocEvery == 0 {
			t = append(t, tocEntry{off: off, pos: i, name: string(e.name)})
		}
		if e.stage() == 0 {
			if sec, ok := racySecond(s.data[e.off:e.next]); ok && sec > newest {
				newest = sec
			}
		}
		off = e.next
	}
	s.contents, s.newest = t, newest
	var b bytes.Buffer
	b.WriteString(tocMagic)
	b.Write(binary.BigEndian.AppendUint64(nil, uint64(len(s.data))))
	b.Write(sum)
	b.Write(binary.BigEndian.AppendUint32(nil, newest))
	for _, e := range t {
		b.Write(binary.BigEndian.AppendUint32(nil, uint32(e.off)))
		b.Write(binary.BigEndian.AppendUint32(nil, uint32(e.pos)))
		b.Write(binary.BigEndian.AppendUint16(nil, uint16(len(e.name))))
		b.WriteString(e.name)
	}
	h := sha256.Sum256(b.Bytes())
	b.Write(h[:])
	if os.MkdirAll(filepath.Dir(path), 0o777) == nil {
		if tmp, err := os.CreateTemp(filepath.Dir(path), "toc.tmp-*"); err == nil {
			_, err = tmp.Write(b.Bytes())
			if cerr := tmp.Close(); err == nil {
				err = cerr
			}
			if err == nil {
				err = os.Rename(tmp.Name(), path)
			}
			if err != nil {
				os.Remove(tmp.Name())
			}
		}
	}
	return t
}

// newestSecond is the newest modification second among the shared index's entries that a racy
// check looks at (see above), or the largest second when the table of contents cannot be built.
func (s *sharedIndex) newestSecond(sharedPath string) uint32 {
	if s.toc(sharedPath) == nil {
		return ^uint32(0)
	}
	return s.newest
}

func parseTOC(b []byte, size int, sum []byte) (_ []tocEntry, newest uint32, _ bool) {
	if len(b) < len(tocMagic)+8+20+4+32 || string(b[:len(tocMagic)]) != tocMagic {
		return nil, 0, false
	}
	body, h := b[:len(b)-32], b[len(b)-32:]
	if got := sha256.Sum256(body); !bytes.Equal(got[:], h) {
		return nil, 0, false
	}
	p := body[len(tocMagic):]
	if binary.BigEndian.Uint64(p) != uint64(size) || !bytes.Equal(p[8:28], sum) {
		return nil, 0, false
	}
	newest = binary.BigEndian.Uint32(p[28:])
	p = p[32:]
	var t []tocEntry
	for len(p) > 0 {
		if len(p) < 10 {
			return nil, 0, false
		}
		n := int(binary.BigEndian.Uint16(p[8:]))
		if len(p) < 10+n {
			return nil, 0, false
		}
		e := tocEntry{off: int(binary.BigEndian.Uint32(p)), pos: int(binary.BigEndian.Uint32(p[4:])), name: string(p[10 : 10+n])}
		if e.off < indexHeaderLen || e.off >= size || len(t) > 0 && (e.pos <= t[len(t)-1].pos || e.off <= t[len(t)-1].off) {
			return nil, 0, false
		}
		t = append(t, e)
		p = p[10+n:]
	}
	return t, newest, true
}

// start returns where to begin looking for name: the offset and position of the last recorded
// entry whose name sorts before it (every entry before that one does too), or the first entry.
func startAt(t []tocEntry, name string) (off, pos int) {
	i := sort.Search(len(t), func(i int) bool { return t[i].name >= name })
	if i == 0 {
		return indexHeaderLen, 0
	}
	return t[i-1].off, t[i-1].pos
}
