package odb

import (
	"bytes"
	"container/list"
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
)

// Packs are read the way git reads them (packfile.c): each pack's .idx and .pack are mapped
// into memory once per process, an object is found by binary search in the .idx, and a delta
// chain is resolved from the nearest base already in memory. Resolved objects are kept in a
// delta-base cache keyed by where they are in the pack (git's delta_base_cache): reading
// history newest first re-reads the same chains over and over (each root tree is a delta of a
// newer one), and without the cache every read inflates its whole chain again, up to 50 links.

// packSet is the packs of one object database, opened lazily and looked for again when an
// object is not found (a fetch or a repack adds packs), as git's reprepare_packed_git does.
type packSet struct {
	mu       sync.Mutex
	packs    []*pack
	known    map[string]bool // .idx names already opened (or refused)
	complete bool            // every pack in objects/pack could be opened
	last     *pack           // where the last object was found: looked in first
}

// pack is one mapped pack and its version 2 index.
type pack struct {
	name string   // pack-<checksum>, for messages
	sum  [20]byte // the pack's checksum: names its content, so it keys the delta-base cache
	idx  []byte
	data []byte
	n    int64
}

// errNoPack: no pack holds the object (it may still be loose, or in an alternate).
var errNoPack = errors.New("in no pack")

// find returns the pack holding h and the object's offset in it; with rescan, only among
// packs that appeared since the last look.
func (ps *packSet) find(objects string, h plumbing.Hash, rescan bool) (*pack, int64, error) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	packs := ps.packs
	switch {
	case ps.known == nil:
		ps.scan(objects)
		packs = ps.packs
	case rescan:
		if packs = ps.scan(objects); len(packs) == 0 {
			return nil, 0, errNoPack
		}
	}
	// The pack of the last find first, as git does (packfile.c's MRU list): reads come in
	// runs from one pack (a walk of old history from the clone's, a sync's from the packs of
	// recent fetches), and the other packs are then not looked at at all.
	last := ps.last
	if last != nil && !rescan {
		if off, ok := last.lookup(h); ok {
			return last, off, nil
		}
	}
	for _, p := range packs {
		if p == last {
			continue
		}
		if off, ok := p.lookup(h); ok {
			ps.last = p
			return p, off, nil
		}
	}
	return nil, 0, errNoPack
}

// authoritative reports whether a miss in every pack and among the loose objects means the
// object does not exist: every pack could be read, and no other object store is configured.
func (ps *packSet) authoritative(objects string) bool {
	ps.mu.Lock()
	complete := ps.complete
	ps.mu.Unlock()
	if !complete {
		return false
	}
	_, err := os.Lstat(filepath.Join(objects, "info", "alternates"))
	return errors.Is(err, os.ErrNotExist)
}

// scan opens the packs not opened yet and returns them.
func (ps *packSet) scan(objects string) []*pack {
	if ps.known == nil {
		ps.known, ps.complete = map[string]bool{}, true
	}
	des, err := os.ReadDir(filepath.Join(objects, "pack"))
	if err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			ps.complete = false
		}
		return nil
	}
	var added []*pack
	for _, de := range des {
		name := de.Name()
		if !strings.HasPrefix(name, "pack-") || !strings.HasSuffix(name, ".idx") || ps.known[name] {
			continue
		}
		ps.known[name] = true
		p, err := openPack(filepath.Join(objects, "pack", strings.TrimSuffix(name, ".idx")))
		if err != nil {
			ps.complete = false // read through go-git instead
			continue
		}
		added = append(added, p)
	}
	// Smaller packs first. A lookup that misses a pack reads its .idx where the name would be,
	// and each page it touches maps a block of its neighbours into the process (the kernel's
	// fault-around, 64 KB, which MADV_RANDOM does not turn off): at 100,000 incidents a miss in
	// the 20 MB .idx of the clone's pack costs up to 128 KB of resident memory, a miss in a
	// fetched pack of a few hundred objects a page it already has. A sync reads mostly recent
	// objects, which are in the small packs of earlier fetches: looked at biggest first, those
	// misses made 10 of its 45 MB. A small pack's miss costs a couple of reads of its fan-out
	// table (~8 ns), and where the big pack holds everything find looks there first anyway
	// (the last pack that had the object). That holds for the packs a later look finds too
	// (the pack a fetch just stored holds the commits a sync walks next), so they go in their
	// place by size.
	ps.packs = append(ps.packs, added...)
	sort.SliceStable(ps.packs, func(i, j int) bool { return ps.packs[i].n < ps.packs[j].n })
	sort.SliceStable(added, func(i, j int) bool { return added[i].n < added[j].n })
	return added
}

// openPack maps a pack and its index and checks that they belong together.
func openPack(base string) (*pack, error) {
	idx, err := mapFile(base + ".idx")
	if err != nil {
		return nil, err
	}
	p := &pack{name: filepath.Base(base), idx: idx}
	runtime.AddCleanup(p, unmapFile, idx)
	const names = 8 + 256*4
	if len(idx) < names+40 || !bytes.Equal(idx[:4], []byte{0xff, 't', 'O', 'c'}) || binary.BigEndian.Uint32(idx[4:]) != 2 {
		return nil, errSlowPath // version 1 indexes are left to go-git
	}
	p.n = int64(binary.BigEndian.Uint32(idx[8+255*4:]))
	if int64(len(idx)) < names+28*p.n+40 {
		return nil, errSlowPath
	}
	// The pack's header and checksum are read from the file, not through the mapping: a
	// repository that has fetched often has many small packs, and touching both ends of
	// each mapped all of them into the process (at 100,000 incidents after 137 fetches,
	// 8.5 MB of a sync's peak), though a command reads from a few.
	var head [12]byte
	var tail [20]byte
	data, err := mapFileEnds(base+".pack", head[:], tail[:])
	if err != nil {
		return nil, err
	}
	p.data = data
	runtime.AddCleanup(p, unmapFile, data)
	// The .idx ends with the pack's checksum and its own; the pack with its checksum.
	copy(p.sum[:], idx[len(idx)-40:])
	if len(data) < 12+20 || !bytes.Equal(head[:4], []byte("PACK")) ||
		tail != p.sum || int64(binary.BigEndian.Uint32(head[8:])) != p.n {
		return nil, errSlowPath
	}
	return p, nil
}

// lookup finds h by binary search within its fan-out bucket.
func (p *pack) lookup(h plumbing.Hash) (int64, bool) {
	const names = 8 + 256*4
	fan := func(i int) int64 { return int64(binary.BigEndian.Uint32(p.idx[8+4*i:])) }
	lo, hi := int64(0), fan(int(h[0]))
	if h[0] > 0 {
		lo = fan(int(h[0]) - 1)
	}
	if hi > p.n || lo > hi {
		return 0, false
	}
	for lo < hi {
		mid := (lo + hi) / 2
		switch c := bytes.Compare(p.idx[names+20*mid:names+20*mid+20], h[:]); {
		case c == 0:
			return p.offset(mid)
		case c < 0:
			lo = mid + 1
		default:
			hi = mid
		}
	}
	return 0, false
}

// offset is the pack offset of the i-th object of the index.
func (p *pack) offset(i int64) (int64, bool) {
	const names = 8 + 256*4
	offsets := names + 24*p.n // after the names and the CRC32s
	off := binary.BigEndian.Uint32(p.idx[offsets+4*i:])
	if off&0x80000000 == 0 {
		return int64(off), true
	}
	at := offsets + 4*p.n + 8*int64(off&0x7fffffff)
	if at+8 > int64(len(p.idx))-40 {
		return 0, false
	}
	return int64(binary.BigEndian.Uint64(p.idx[at:])), true
}

// prefix lists the objects of the pack whose names start with the hex digits of an
// abbreviated name (at most max of them).
func (p *pack) prefix(lo, hi plumbing.Hash, max int, out map[plumbing.Hash]bool) {
	const names = 8 + 256*4
	fan := func(i int) int64 { return int64(binary.BigEndian.Uint32(p.idx[8+4*i:])) }
	start := int64(0)
	if lo[0] > 0 {
		start = fan(int(lo[0]) - 1)
	}
	end := min(fan(int(hi[0])), p.n)
	i := start + int64(sort.Search(int(end-start), func(k int) bool {
		at := names + 20*(start+int64(k))
		return bytes.Compare(p.idx[at:at+20], lo[:]) >= 0
	}))
	for ; i < end && len(out) < max; i++ {
		var h plumbing.Hash
		copy(h[:], p.idx[names+20*i:])
		if bytes.Compare(h[:], hi[:]) > 0 {
			break
		}
		out[h] = true
	}
}

// header decodes the type and size of the entry at off and returns where its data starts.
func (p *pack) header(off int64) (kind byte, size uint64, pos int64, err error) {
	if off < 12 || off >= int64(len(p.data))-20 {
		return 0, 0, 0, errSlowPath
	}
	pos = off
	c := p.data[pos]
	pos++
	kind = (c >> 4) & 7
	size = uint64(c & 15)
	for shift := uint(4); c&0x80 != 0; shift += 7 {
		if pos >= int64(len(p.data)) || shift > 60 {
			return 0, 0, 0, errSlowPath
		}
		c = p.data[pos]
		pos++
		size |= uint64(c&0x7f) << shift
	}
	return kind, size, pos, nil
}

// chainLink is one delta of a chain being resolved: where it is and where its data starts.
type chainLink struct {
	off, pos int64
	size     uint64
}

// maxChain bounds a delta chain (git's own limit for packs it writes is 4095).
const maxChain = 10000

// objectAt returns the object at off, resolving its delta chain: down the chain to the first
// object already in the delta-base cache or stored whole, then up again applying each delta.
// Every object on the way is kept in the cache. The result is shared with the cache and must
// not be changed.
func (s *Store) objectAt(p *pack, off int64) (plumbing.ObjectType, []byte, error) {
	var chain []chainLink
	var baseType plumbing.ObjectType
	var base []byte
	for {
		if typ, data, ok := deltaBases.get(p.sum, off); ok {
			baseType, base = typ, data
			break
		}
		kind, size, pos, err := p.header(off)
		if err != nil {
			return plumbing.InvalidObject, nil, err
		}
		if size > 1<<32 {
			return plumbing.InvalidObject, nil, errSlowPath
		}
		switch kind {
		case packCommit, packTree, packBlob, packTag:
			data := make([]byte, size)
			if err := inflate(bytes.NewReader(p.data[pos:]), data); err != nil {
				return plumbing.InvalidObject, nil, err
			}
			baseType, base = plumbing.ObjectType(kind), data
			deltaBases.add(p.sum, off, baseType, base)
		case packOfsDelta:
			rel, n, ok := ofsDeltaDistance(p.data, pos)
			if !ok {
				return plumbing.InvalidObject, nil, errSlowPath
			}
			if rel <= 0 || rel > off || len(chain) >= maxChain {
				return plumbing.InvalidObject, nil, errSlowPath
			}
			chain = append(chain, chainLink{off: off, pos: pos + int64(n), size: size})
			off -= rel
			continue
		case packRefDelta:
			if pos+20 > int64(len(p.data)) || len(chain) >= maxChain {
				return plumbing.InvalidObject, nil, errSlowPath
			}
			h := plumbing.Hash(p.data[pos : pos+20])
			chain = append(chain, chainLink{off: off, pos: pos + 20, size: size})
			if boff, ok := p.lookup(h); ok {
				off = boff
				continue
			}
			// A base in another pack or loose (git never writes such packs, but they are valid).
			typ, data, err := s.ReadFast(h)
			if err != nil {
				return plumbing.InvalidObject, nil, err
			}
			baseType, base = typ, data
		default:
			return plumbing.InvalidObject, nil, errSlowPath
		}
		break
	}
	for i := len(chain) - 1; i >= 0; i-- {
		l := chain[i]
		delta := make([]byte, l.size)
		if err := inflate(bytes.NewReader(p.data[l.pos:]), delta); err != nil {
			return plumbing.InvalidObject, nil, err
		}
		out, err := applyDelta(base, delta)
		if err != nil {
			return plumbing.InvalidObject, nil, err
		}
		base = out
		deltaBases.add(p.sum, l.off, baseType, base)
	}
	return baseType, base, nil
}

// readPacked reads h from the packs (see find for rescan). A fault while reading a mapping (a
// pack truncated under our feet, which git never does) is an error, not a crash.
func (s *Store) readPacked(objects string, h plumbing.Hash, rescan bool) (typ plumbing.ObjectType, data []byte, err error) {
	p, off, err := s.packs.find(objects, h, rescan)
	if err != nil {
		return plumbing.InvalidObject, nil, err
	}
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if recover() != nil {
			typ, data, err = plumbing.InvalidObject, nil, errSlowPath
		}
	}()
	typ, data, err = s.objectAt(p, off)
	if err != nil {
		return plumbing.InvalidObject, nil, errSlowPath
	}
	if objectName(typ, data) != h {
		return plumbing.InvalidObject, nil, errSlowPath
	}
	return typ, bytes.Clone(data), nil // callers may change what they get
}

// deltaCache keeps objects resolved from packs, by pack and offset, least recently used
// dropped first beyond max bytes (git's core.deltaBaseCacheLimit is 96 MiB; a sync reads a few
// chains of month trees, a walk of history its root trees, both well within this).
type deltaCache struct {
	mu    sync.Mutex
	max   int
	size  int
	items map[deltaKey]*list.Element
	lru   list.List // of *deltaEntry, most recent first
}

type deltaKey struct {
	pack [20]byte
	off  int64
}

type deltaEntry struct {
	key  deltaKey
	typ  plumbing.ObjectType
	data []byte
}

var deltaBases = &deltaCache{max: 32 << 20, items: map[deltaKey]*list.Element{}}

func (c *deltaCache) get(pack [20]byte, off int64) (plumbing.ObjectType, []byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[deltaKey{pack, off}]
	if !ok {
		return plumbing.InvalidObject, nil, false
	}
	c.lru.MoveToFront(e)
	d := e.Value.(*deltaEntry)
	return d.typ, d.data, true
}

func (c *deltaCache) add(pack [20]byte, off int64, typ plumbing.ObjectType, data []byte) {
	if len(data) > c.max/8 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	k := deltaKey{pack, off}
	if _, ok := c.items[k]; ok {
		return
	}
	c.items[k] = c.lru.PushFront(&deltaEntry{k, typ, data})
	c.size += len(data)
	for c.size > c.max {
		e := c.lru.Back()
		d := e.Value.(*deltaEntry)
		c.lru.Remove(e)
		delete(c.items, d.key)
		c.size -= len(d.data)
	}
}

func (c *deltaCache) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.items, c.size = map[deltaKey]*list.Element{}, 0
	c.lru.Init()
}

// objectName is git's name for an object: the SHA-1 of "<type> <size>\0<content>". Reads check
// what they decoded against it with crypto/sha1 (hardware-accelerated) rather than go-git's
// collision-detecting SHA-1, which costs several times more: the name is already known and
// trusted, only a bug of this reader could make the two differ.
func objectName(typ plumbing.ObjectType, data []byte) plumbing.Hash {
	d := sha1.New()
	var hdr [32]byte
	b := append(hdr[:0], typ.Bytes()...)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(len(data)), 10)
	b = append(b, 0)
	d.Write(b)
	d.Write(data)
	var h plumbing.Hash
	d.Sum(h[:0])
	return h
}

// ofsDeltaDistance reads an offset delta's distance back to its base at pos in data (git's
// offset encoding: 7 bits a byte, each continuation adding one before the shift) and how many
// bytes it took; ok is false when data ends first or the distance overflows.
func ofsDeltaDistance(data []byte, pos int64) (rel int64, n int, ok bool) {
	for {
		if pos+int64(n) >= int64(len(data)) || rel > 1<<55 {
			return 0, 0, false
		}
		c := data[pos+int64(n)]
		n++
		if n == 1 {
			rel = int64(c & 0x7f)
		} else {
			rel = (rel+1)<<7 | int64(c&0x7f)
		}
		if c&0x80 == 0 {
			return rel, n, true
		}
	}
}
