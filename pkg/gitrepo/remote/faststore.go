package remote

import (
	"io"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/storage"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/odb"
)

// A fetch reads local objects to say what it has (the tips of the local refs and up to 100
// commits below each) and to see which wanted commits are already here. Through go-git's
// filesystem storage, the first of those reads decodes every pack index into memory and each
// packed object is rebuilt from its whole delta chain; at 100,000 incidents that was most of a
// sync's time and memory. readFast answers those reads with the repository's own object reader
// (odb: mapped indexes, a delta-base cache), and odb stores the received pack.

// readFast is go-git's storage of the repository with object reads through odb.
type readFast struct {
	storage.Storer
	objects *odb.Store
	fast    *odb.FastStorer
}

func newReadFast(s storage.Storer, objects *odb.Store) *readFast {
	return &readFast{Storer: s, objects: objects, fast: objects.Fast(s)}
}

func (s *readFast) EncodedObject(t plumbing.ObjectType, h plumbing.Hash) (plumbing.EncodedObject, error) {
	return s.fast.EncodedObject(t, h)
}

func (s *readFast) HasEncodedObject(h plumbing.Hash) error { return s.fast.HasEncodedObject(h) }

func (s *readFast) EncodedObjectSize(h plumbing.Hash) (int64, error) {
	return s.fast.EncodedObjectSize(h)
}

// PackfileWriter receives the fetched pack: odb indexes it and moves it into place
// (packwrite.go), without go-git's writer, which decodes every existing .idx first.
func (s *readFast) PackfileWriter() (io.WriteCloser, error) {
	w, err := s.objects.NewPackWriter()
	if err != nil {
		return nil, err
	}
	return &faultWriter{WriteCloser: &reindexing{WriteCloser: w, s: s.Storer}}, nil
}

// reindexing tells go-git's storage, once the pack is in place, that packs changed behind its
// back (it keeps a list of them once it has read one).
type reindexing struct {
	io.WriteCloser
	s storage.Storer
}

func (w *reindexing) Close() error {
	err := w.WriteCloser.Close()
	if r, ok := w.s.(interface{ Reindex() }); ok {
		r.Reindex()
	}
	return err
}
