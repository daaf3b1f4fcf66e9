package odb

import (
	"bytes"
	"errors"
	"io"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// go-git's own readers (object.GetCommit, tree walks, the pack encoder of a push, a fetch's
// negotiation) read objects through an EncodedObjectStorer. go-git's filesystem storage makes
// the first read from a pack decode every .idx into memory and resolves delta chains without
// a delta-base cache; FastStorer gives them the reads of this package instead, and go-git's
// storage for everything else (writing, iterating, what the fast path cannot read).

// FastStorer is go-git's object storage with EncodedObject, HasEncodedObject and
// EncodedObjectSize answered by Read.
type FastStorer struct {
	storer.EncodedObjectStorer
	s *Store
}

// Storer is go-git's object storage of the repository, reading through the fast path.
func (s *Store) Storer() storer.EncodedObjectStorer { return s.Fast(s.storer) }

// Fast wraps go-git's object storage es (of the same repository) so that it reads through the
// fast path.
func (s *Store) Fast(es storer.EncodedObjectStorer) *FastStorer {
	return &FastStorer{EncodedObjectStorer: es, s: s}
}

// EncodedObject returns the object h, of type t unless t is plumbing.AnyObject.
func (f *FastStorer) EncodedObject(t plumbing.ObjectType, h plumbing.Hash) (plumbing.EncodedObject, error) {
	typ, data, err := f.s.ReadFast(h)
	switch {
	case errors.Is(err, plumbing.ErrObjectNotFound):
		return nil, plumbing.ErrObjectNotFound
	case err != nil:
		return f.EncodedObjectStorer.EncodedObject(t, h)
	case t != plumbing.AnyObject && typ != t:
		return nil, plumbing.ErrObjectNotFound // as go-git answers
	}
	return &readObject{h: h, typ: typ, data: data}, nil
}

// HasEncodedObject returns nil when the object exists, plumbing.ErrObjectNotFound otherwise.
func (f *FastStorer) HasEncodedObject(h plumbing.Hash) error {
	_, err := f.EncodedObject(plumbing.AnyObject, h)
	return err
}

// EncodedObjectSize returns the size of the object's content.
func (f *FastStorer) EncodedObjectSize(h plumbing.Hash) (int64, error) {
	o, err := f.EncodedObject(plumbing.AnyObject, h)
	if err != nil {
		return 0, err
	}
	return o.Size(), nil
}

// readObject is an object read by the fast path, with its name already known (go-git's
// MemoryObject would hash the content again).
type readObject struct {
	h    plumbing.Hash
	typ  plumbing.ObjectType
	data []byte
}

func (o *readObject) Hash() plumbing.Hash           { return o.h }
func (o *readObject) Type() plumbing.ObjectType     { return o.typ }
func (o *readObject) SetType(t plumbing.ObjectType) { o.typ = t }
func (o *readObject) Size() int64                   { return int64(len(o.data)) }
func (o *readObject) SetSize(int64)                 {}
func (o *readObject) Reader() (io.ReadCloser, error) {
	return io.NopCloser(bytes.NewReader(o.data)), nil
}
func (o *readObject) Writer() (io.WriteCloser, error) {
	return nil, errors.New("an object read from the repository cannot be written to")
}
