package index

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"encoding"
	"encoding/binary"
	"hash"
	"os"
	"path/filepath"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/smallfile"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/work"
)

// The index ends with the SHA-1 of everything before it, so a commit that changes one entry
// of a 10 MB index hashes 10 MB, most of them the same bytes as last time. SHA-1 is a
// sequential state machine whose state can be saved: index-sha1 (in <git dir>/incidentctl/)
// keeps the state after every hashCheckpoint bytes of the current index, and the next commit
// resumes from the last checkpoint before its first changed byte. The file names the index it
// describes by its trailing checksum (the SHA-1 of the whole content) and carries its own
// SHA-256, so a stale, foreign or damaged file is never used: the index is then hashed in full,
// as always, and the file written anew.

var hashCheckpoint int64 = 256 << 10 // a variable for the tests

// HashCheckpoint is how often (in bytes of the index) a hash state is saved.
func HashCheckpoint() int64 { return hashCheckpoint }

// SetHashCheckpoint changes HashCheckpoint and returns a function that restores it (tests
// only: small repositories need small intervals to have saved states at all).
func SetHashCheckpoint(n int64) (restore func()) {
	old := hashCheckpoint
	hashCheckpoint = n
	return func() { hashCheckpoint = old }
}

// Version 2 also carries the position hint (Plan.hint): after the index's checksum and size,
// <path length:2><path><offset:8><entry number:8>, a zero length when there is none. Version 3
// adds, after the hint, where the index's racy entries can be (RacyBound, racybound.go).
const indexHashMagic = "incidentctl index-sha1 3\n"

type Checkpoint struct {
	off   int64
	state []byte // the marshaled SHA-1 state after off bytes
}

// ckHasher hashes a stream and records its state at every checkpoint offset.
type ckHasher struct {
	h   hash.Hash
	pos int64
	cps []Checkpoint
}

func newCkHasher() *ckHasher { return &ckHasher{h: sha1.New()} }

func (c *ckHasher) Write(b []byte) {
	for len(b) > 0 {
		next := (c.pos/hashCheckpoint + 1) * hashCheckpoint
		n := int(min(int64(len(b)), next-c.pos))
		c.h.Write(b[:n])
		work.Counts.BytesHashed.Add(int64(n))
		c.pos += int64(n)
		b = b[n:]
		if c.pos == next {
			if m, ok := c.h.(encoding.BinaryMarshaler); ok {
				if st, err := m.MarshalBinary(); err == nil {
					c.cps = append(c.cps, Checkpoint{c.pos, st})
				}
			}
		}
	}
}

// resume sets the hasher to the state after cps[i].off bytes, keeping the checkpoints up to it.
func (c *ckHasher) resume(cps []Checkpoint, i int) bool {
	h := sha1.New()
	u, ok := h.(encoding.BinaryUnmarshaler)
	if !ok || u.UnmarshalBinary(cps[i].state) != nil {
		return false
	}
	c.h, c.pos, c.cps = h, cps[i].off, append([]Checkpoint(nil), cps[:i+1]...)
	return true
}

// readHashesFile returns what the file at path (index-sha1) says of the index whose content is
// data, from the position hint on, once its SHA-256, version and the index's checksum and size
// match; false otherwise.
func readHashesFile(path string, data []byte) ([]byte, bool) {
	b, err := smallfile.ReadFile(path)
	if err != nil || len(b) < len(indexHashMagic)+20+8+2+sha256.Size {
		return nil, false
	}
	body, sum := b[:len(b)-sha256.Size], b[len(b)-sha256.Size:]
	if s := sha256.Sum256(body); !bytes.Equal(s[:], sum) || !bytes.HasPrefix(body, []byte(indexHashMagic)) {
		return nil, false
	}
	body = body[len(indexHashMagic):]
	if !bytes.Equal(body[:20], data[len(data)-20:]) || binary.BigEndian.Uint64(body[20:]) != uint64(len(data)) {
		return nil, false // it describes another index
	}
	return body[28:], true
}

// ReadHashes returns the checkpoints, saved in the file at path, of the index whose content is
// data, or nil.
func ReadHashes(path string, data []byte) []Checkpoint {
	if int64(len(data)) < 2*hashCheckpoint {
		return nil // small: hashing it all is cheap
	}
	body, ok := readHashesFile(path, data)
	if ok {
		body, ok = skipHint(body)
	}
	if ok {
		_, body, ok = splitBound(body)
	}
	if !ok {
		return nil
	}
	var cps []Checkpoint
	for len(body) > 0 {
		if len(body) < 10 {
			return nil
		}
		off, n := int64(binary.BigEndian.Uint64(body)), int(binary.BigEndian.Uint16(body[8:]))
		if len(body) < 10+n || off != int64(len(cps)+1)*hashCheckpoint || off > int64(len(data)) {
			return nil
		}
		cps = append(cps, Checkpoint{off, body[10 : 10+n]})
		body = body[10+n:]
	}
	return cps
}

// SaveHashes records in the file at path the checkpoints of the index WriteTo has just
// written, and the plan's position hint; failing to is harmless.
func (p *Plan) SaveHashes(path string) {
	writeHashes(path, p.checksum, p.size, p.hasher.cps, p.hint, p.newBound())
}

// position is where the skip to a path's entry stops (skipBelow with the path's folders as
// stops): every entry before it sorts below the path and is none of its folders.
type position struct {
	path    string
	off, at int
}

// skipHint returns what follows the position hint in the body of a hashes file.
func skipHint(body []byte) ([]byte, bool) {
	if len(body) < 2 {
		return nil, false
	}
	n := int(binary.BigEndian.Uint16(body))
	if n == 0 {
		return body[2:], true
	}
	if len(body) < 2+n+16 {
		return nil, false
	}
	return body[2+n+16:], true
}

// RecallPosition reads the position hint that the file at path (index-sha1) keeps for the index
// whose content is data and, when it is for path, remembers it for Find and Prepare (scanMemo):
// the commit that wrote this index kept every entry before its change byte for byte, so the skip
// to the same path stops at the same place, and the next change to the same document starts
// there instead of passing every entry before it again. An index of another content (any other
// trailing checksum or size) has no hint.
func RecallPosition(path string, data []byte, target string) {
	if int64(len(data)) < 2*hashCheckpoint || Version(data) < 2 || Version(data) > 3 {
		return
	}
	body, ok := readHashesFile(path, data)
	if !ok {
		return
	}
	n := int(binary.BigEndian.Uint16(body))
	if n == 0 || len(body) < 2+n+16 || string(body[2:2+n]) != target {
		return
	}
	off := int(binary.BigEndian.Uint64(body[2+n:]))
	at := int(binary.BigEndian.Uint64(body[2+n+8:]))
	if off < indexHeaderLen || off > len(data)-indexTrailerLen || at < 0 || at > int(binary.BigEndian.Uint32(data[8:])) {
		return
	}
	scanMemo.remember(data, target, off, at)
}

// writeHashes records the checkpoints of the index just written; failing to is harmless.
func writeHashes(path string, checksum []byte, size int64, cps []Checkpoint, hint *position, rb *RacyBound) {
	if size < 2*hashCheckpoint || len(cps) == 0 {
		os.Remove(path)
		return
	}
	var b bytes.Buffer
	b.WriteString(indexHashMagic)
	b.Write(checksum)
	b.Write(binary.BigEndian.AppendUint64(nil, uint64(size)))
	if hint != nil && len(hint.path) < 1<<16 {
		b.Write(binary.BigEndian.AppendUint16(nil, uint16(len(hint.path))))
		b.WriteString(hint.path)
		b.Write(binary.BigEndian.AppendUint64(nil, uint64(hint.off)))
		b.Write(binary.BigEndian.AppendUint64(nil, uint64(hint.at)))
	} else {
		b.Write([]byte{0, 0})
	}
	b.Write(appendBound(nil, rb))
	for _, cp := range cps {
		b.Write(binary.BigEndian.AppendUint64(nil, uint64(cp.off)))
		b.Write(binary.BigEndian.AppendUint16(nil, uint16(len(cp.state))))
		b.Write(cp.state)
	}
	sum := sha256.Sum256(b.Bytes())
	b.Write(sum[:])
	if err := os.MkdirAll(filepath.Dir(path), 0o777); err != nil {
		return
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "index-sha1.tmp-*")
	if err != nil {
		return
	}
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

// ResumeHash lets the plan start hashing at the last checkpoint of the old index (content
// data, checkpoints cps) that lies in the part of the new index equal to it.
func (p *Plan) ResumeHash(data []byte, cps []Checkpoint) {
	if p.bg != nil || len(cps) == 0 || len(p.segs) == 0 || !bytes.Equal(p.segs[0], data[:len(p.segs[0])]) {
		return // no checkpoints, or the header (the entry count) changed: hash it all
	}
	// Up to the first new entry, the new index is the old one byte for byte.
	var same int64
	for _, seg := range p.segs[:p.fixed] {
		same += int64(len(seg))
	}
	i := len(cps) - 1
	for i >= 0 && cps[i].off > same {
		i--
	}
	if i < 0 {
		return
	}
	h := &ckHasher{}
	if h.resume(cps, i) {
		p.hasher = h
	}
}
