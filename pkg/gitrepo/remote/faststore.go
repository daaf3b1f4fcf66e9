package remote

import (
	"errors"
	"io"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/odb"
)

// A fetch reads local objects to say what it has (the tips of the local refs and up to 100
// commits below each) and to see which wanted commits are already here. Through go-git's
// filesystem storage, the first of those reads decodes every pack index into memory and each
// packed object is rebuilt from its whole delta chain; at 100,000 incidents that was most of a
// sync's time and memory. readFast answers those reads with the repository's own object reader
// (odb: mapped indexes, a delta-base cache); the received pack is still written and indexed by
// go-git.

// readFast is go-git's storage of the repository with object reads through odb.
type readFast struct {
	storage.Storer
	fast *odb.FastStorer
}

func newReadFast(s storage.Storer, objects *odb.Store) *readFast {
	return &readFast{Storer: s, fast: objects.Fast(s)}
}

func (s *readFast) EncodedObject(t plumbing.ObjectType, h plumbing.Hash) (plumbing.EncodedObject, error) {
	return s.fast.EncodedObject(t, h)
}

func (s *readFast) HasEncodedObject(h plumbing.Hash) error { return s.fast.HasEncodedObject(h) }

func (s *readFast) EncodedObjectSize(h plumbing.Hash) (int64, error) {
	return s.fast.EncodedObjectSize(h)
}

// PackfileWriter hands go-git's pack writer through: the fetched pack is written by go-git.
func (s *readFast) PackfileWriter() (io.WriteCloser, error) {
	pw, ok := s.Storer.(storer.PackfileWriter)
	if !ok {
		return nil, errors.New("the object storage cannot take a pack")
	}
	return pw.PackfileWriter()
}
