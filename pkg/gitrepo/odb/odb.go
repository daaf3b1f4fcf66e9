// Package odb is git's object database: it reads objects from loose object files and packs
// (with their .idx indexes and delta chains) and writes loose objects, the way git does
// (zlib level 1, a temporary file renamed to the object's name). Recently read objects are
// kept in a small cache. git documents the formats in Documentation/gitformat-pack.txt (packs,
// .idx files, deltas) and, for loose objects, in Documentation/user-manual.txt ("The Object
// Database") and gitrepository-layout(5) ("objects/").
//
// The package knows nothing about what the objects hold beyond what reading a commit's tree
// needs.
package odb

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"container/list"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/storer"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/perm"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/smallfile"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/work"
)

// Reading one object must not cost in proportion to the repository. go-git's object storage
// does: the first object it reads from a pack makes it decode every .idx file into memory and
// build a map from offset to name of every object in the pack (100 ms for the 600,000 objects
// of a repository with 100,000 incidents). Read looks the object up the way git does:
// the loose object file, else a binary search in each pack's .idx (a few small reads), then
// the object and its delta bases from the .pack. The result is checked against its name; any
// object it cannot read that way (an alternate object store, an unusual pack) is read through
// go-git instead, so this is only ever a faster path to the same bytes.

var errSlowPath = errors.New("not found on the fast path")

// Store is the object database of one repository.
type Store struct {
	packs     packSet                    // the mapped packs (pack.go)
	commonDir string                     // the shared git dir: objects/ is in it
	storer    storer.EncodedObjectStorer // go-git's, for what the fast path cannot read
	shared    perm.Shared                // core.sharedRepository
}

// New returns the object database in commonDir/objects; s is go-git's storage of the same
// repository, which reads what the fast path does not (alternates, unusual packs) and decodes
// objects for go-git's types; shared is core.sharedRepository, for the modes of new objects.
func New(commonDir string, s storer.EncodedObjectStorer, shared perm.Shared) *Store {
	return &Store{commonDir: commonDir, storer: s, shared: shared}
}

// createTemp creates a new file named prefix + a random suffix in dir with mode perm (before
// the umask), as os.CreateTemp does with 0600.
func createTemp(dir, prefix string, perm os.FileMode) (*os.File, error) {
	for range 100 {
		name := filepath.Join(dir, prefix+strconv.FormatUint(rand.Uint64(), 36))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if !errors.Is(err, os.ErrExist) {
			return f, err
		}
	}
	return nil, fmt.Errorf("cannot create a temporary file in %s", dir)
}

// Dir is the git dir the objects are in (for messages).
func (s *Store) Dir() string { return s.commonDir }

// Read returns an object's type and content.
func (s *Store) Read(h plumbing.Hash) (plumbing.ObjectType, []byte, error) {
	if work.ReadHook != nil {
		work.ReadHook(h)
	}
	work.Counts.ObjectsRead.Add(1)
	typ, data, err := s.ReadFast(h)
	if err == nil || errors.Is(err, plumbing.ErrObjectNotFound) {
		return typ, data, err
	}
	o, err := s.storer.EncodedObject(plumbing.AnyObject, h)
	if err != nil {
		return plumbing.InvalidObject, nil, err
	}
	rd, err := o.Reader()
	if err != nil {
		return plumbing.InvalidObject, nil, err
	}
	defer rd.Close()
	data, err = io.ReadAll(rd)
	return o.Type(), data, err
}

// ReadFast is Read without go-git's fallback: an object the fast path cannot read is an error,
// plumbing.ErrObjectNotFound when the object is certainly not in the repository.
func (s *Store) ReadFast(h plumbing.Hash) (plumbing.ObjectType, []byte, error) {
	objects := filepath.Join(s.commonDir, "objects")
	// A loose object read before comes from the cache first: looking for it in the packs
	// again would miss in each of them (see scan in pack.go for what a miss costs).
	if typ, data, ok := cache.get(h); ok {
		return typ, data, nil
	}
	// As git looks: the packs, the loose object, the packs again after looking for new ones.
	typ, data, err := s.readPacked(objects, h, false)
	if !errors.Is(err, errNoPack) {
		return typ, data, err
	}
	hex := h.String()
	b, err := smallfile.ReadFile(filepath.Join(objects, hex[:2], hex[2:]))
	if err == nil {
		typ, data, err := inflateLoose(b)
		if err != nil || objectName(typ, data) != h {
			return plumbing.InvalidObject, nil, errSlowPath
		}
		cache.add(h, typ, data)
		return typ, data, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return plumbing.InvalidObject, nil, errSlowPath
	}
	typ, data, err = s.readPacked(objects, h, true)
	if !errors.Is(err, errNoPack) {
		return typ, data, err
	}
	if s.packs.authoritative(objects) {
		return plumbing.InvalidObject, nil, plumbing.ErrObjectNotFound
	}
	return plumbing.InvalidObject, nil, errSlowPath
}

// inflateLoose decodes a loose object file: zlib("<type> <size>\0<content>").
func inflateLoose(b []byte) (plumbing.ObjectType, []byte, error) {
	zr, err := zlib.NewReader(bytes.NewReader(b))
	if err != nil {
		return plumbing.InvalidObject, nil, err
	}
	defer zr.Close()
	br := bufio.NewReader(zr)
	hdr, err := br.ReadString(0)
	if err != nil {
		return plumbing.InvalidObject, nil, err
	}
	kind, sizeText, ok := strings.Cut(strings.TrimSuffix(hdr, "\x00"), " ")
	size, err := strconv.ParseInt(sizeText, 10, 64)
	if !ok || err != nil || size < 0 || size > 1<<32 {
		return plumbing.InvalidObject, nil, fmt.Errorf("bad loose object header %q", hdr)
	}
	typ, err := plumbing.ParseObjectType(kind)
	if err != nil {
		return plumbing.InvalidObject, nil, err
	}
	data := make([]byte, size)
	if _, err := io.ReadFull(br, data); err != nil {
		return plumbing.InvalidObject, nil, err
	}
	return typ, data, nil
}

const (
	packCommit   = 1
	packTree     = 2
	packBlob     = 3
	packTag      = 4
	packOfsDelta = 6
	packRefDelta = 7
)

// zlibWriters are reused: a new one allocates and clears half a megabyte of compressor state,
// which cost more than writing the object itself.
var zlibWriters sync.Pool

func zlibWriter(w io.Writer) *zlib.Writer {
	if v := zlibWriters.Get(); v != nil {
		zw := v.(*zlib.Writer)
		zw.Reset(w)
		return zw
	}
	zw, _ := zlib.NewWriterLevel(w, zlib.BestSpeed) // a valid level: no error
	return zw
}

// zlibReaders are reused: a new one allocates the decompressor's tables (40 KB) every time,
// and resolving a delta chain inflates every link.
var zlibReaders sync.Pool

// inflate reads exactly len(dst) bytes of a zlib stream.
func inflate(r io.Reader, dst []byte) error {
	var zr io.ReadCloser
	if v := zlibReaders.Get(); v != nil {
		zr = v.(io.ReadCloser)
		if err := zr.(zlib.Resetter).Reset(r, nil); err != nil {
			return err
		}
	} else {
		var err error
		if zr, err = zlib.NewReader(r); err != nil {
			return err
		}
	}
	_, err := io.ReadFull(zr, dst)
	zr.Close()
	zlibReaders.Put(zr)
	return err
}

// objectCache keeps recently read loose objects (objects never change: a name is its content);
// packed ones are kept in the delta-base cache (pack.go). A lookup along a path reads the same
// few trees again and again: the root, incidents/, the year, the month.
type objectCache struct {
	mu    sync.Mutex
	max   int
	size  int
	items map[plumbing.Hash]*list.Element
	lru   list.List // of *cachedObject, most recent first
}

type cachedObject struct {
	h    plumbing.Hash
	typ  plumbing.ObjectType
	data []byte
}

var cache = &objectCache{max: 32 << 20, items: map[plumbing.Hash]*list.Element{}}

func (c *objectCache) get(h plumbing.Hash) (plumbing.ObjectType, []byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[h]
	if !ok {
		return plumbing.InvalidObject, nil, false
	}
	c.lru.MoveToFront(e)
	o := e.Value.(*cachedObject)
	return o.typ, bytes.Clone(o.data), true // callers may change what they get
}

// ResetCache empties the caches of recently read objects, as in a new process (tests).
func ResetCache() {
	cache.reset()
	deltaBases.reset()
}

func (c *objectCache) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.items, c.size = map[plumbing.Hash]*list.Element{}, 0
	c.lru.Init()
}

// add keeps a copy of small and middle-sized objects (not the odd huge blob).
func (c *objectCache) add(h plumbing.Hash, typ plumbing.ObjectType, data []byte) {
	if len(data) > c.max/8 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.items[h]; ok {
		return
	}
	c.items[h] = c.lru.PushFront(&cachedObject{h, typ, bytes.Clone(data)})
	c.size += len(data)
	for c.size > c.max {
		e := c.lru.Back()
		o := e.Value.(*cachedObject)
		c.lru.Remove(e)
		delete(c.items, o.h)
		c.size -= len(o.data)
	}
}

// applyDelta rebuilds an object from its base and a git delta: the two sizes, then copy
// (from the base) and insert (literal) instructions.
func applyDelta(base, delta []byte) ([]byte, error) { return applyDeltaTo(nil, base, delta) }

// applyDeltaTo is applyDelta writing into dst's memory when it is large enough.
func applyDeltaTo(dst, base, delta []byte) ([]byte, error) {
	num := func() (uint64, bool) {
		v, n := binary.Uvarint(delta)
		if n <= 0 {
			return 0, false
		}
		delta = delta[n:]
		return v, true
	}
	srcSize, ok1 := num()
	dstSize, ok2 := num()
	if !ok1 || !ok2 || srcSize != uint64(len(base)) || dstSize > 1<<32 {
		return nil, errSlowPath
	}
	out := dst[:0]
	if uint64(cap(out)) < dstSize {
		out = make([]byte, 0, dstSize)
	}
	for len(delta) > 0 {
		op := delta[0]
		delta = delta[1:]
		if op&0x80 == 0 {
			if op == 0 || int(op) > len(delta) {
				return nil, errSlowPath
			}
			out = append(out, delta[:op]...)
			delta = delta[op:]
			continue
		}
		var offset, size uint64
		for i := uint(0); i < 4; i++ {
			if op&(1<<i) != 0 {
				if len(delta) == 0 {
					return nil, errSlowPath
				}
				offset |= uint64(delta[0]) << (8 * i)
				delta = delta[1:]
			}
		}
		for i := uint(0); i < 3; i++ {
			if op&(0x10<<i) != 0 {
				if len(delta) == 0 {
					return nil, errSlowPath
				}
				size |= uint64(delta[0]) << (8 * i)
				delta = delta[1:]
			}
		}
		if size == 0 {
			size = 0x10000
		}
		if offset+size > uint64(len(base)) {
			return nil, errSlowPath
		}
		out = append(out, base[offset:offset+size]...)
	}
	if uint64(len(out)) != dstSize {
		return nil, errSlowPath
	}
	return out, nil
}

// writeObject stores an object as a loose object (see WriteRaw).
func (s *Store) writeObject(obj plumbing.EncodedObject) (plumbing.Hash, error) {
	rd, err := obj.Reader()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	content, err := io.ReadAll(rd)
	rd.Close()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	return s.WriteRaw(obj.Type(), content)
}

// WriteRaw stores an object as a loose object the way git does: zlib at level 1 (git's
// core.looseCompression default; go-git compresses at level 6, which for the 60 KB tree of a
// busy month folder costs more than everything else a commit writes), a temporary file in the
// fan-out folder renamed to its name, read-only. An object that is already there is left as
// it is. The object is compressed in memory and written with one call: the compressor emits
// 240 bytes at a time, a system call each when it writes to the file directly.
func (s *Store) WriteRaw(typ plumbing.ObjectType, content []byte) (plumbing.Hash, error) {
	h := plumbing.ComputeHash(typ, content)
	work.Counts.ObjectBytes.Add(int64(len(content)))
	hex := h.String()
	dir := filepath.Join(s.commonDir, "objects", hex[:2])
	path := filepath.Join(dir, hex[2:])
	if _, err := os.Lstat(path); err == nil {
		return h, nil
	}
	var buf bytes.Buffer
	buf.Grow(len(content)/2 + 64)
	zw := zlibWriter(&buf)
	fmt.Fprintf(zw, "%s %d\x00", typ, len(content)) // into memory: cannot fail
	zw.Write(content)
	zw.Close()
	zw.Reset(nil) // do not keep buf alive in the pool
	zlibWriters.Put(zw)

	if err := s.shared.MkdirAll(dir); err != nil {
		return plumbing.ZeroHash, err
	}
	// Mode 0444 before the umask, as git creates objects; "tmp_obj_" is git's own prefix,
	// which git fsck knows to ignore when a kill leaves one behind.
	tmp, err := createTemp(dir, "tmp_obj_", 0o444)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	_, err = tmp.Write(buf.Bytes())
	if cerr := s.shared.Adjust(tmp.Name()); err == nil {
		err = cerr
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return plumbing.ZeroHash, err
	}
	return h, nil
}
