package odb

import (
	"bytes"
	"errors"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/usererr"
)

// BlobHash computes git's object name for a blob with this content (what
// `git hash-object` prints) without writing anything.
func BlobHash(content []byte) plumbing.Hash {
	return plumbing.ComputeHash(plumbing.BlobObject, content)
}

// Blob returns the content of a blob.
func (s *Store) Blob(h plumbing.Hash) ([]byte, error) {
	typ, b, err := s.Read(h)
	if err != nil {
		return nil, ObjectError("blob", h, err)
	}
	if typ != plumbing.BlobObject {
		return nil, ObjectError("blob", h, plumbing.ErrObjectNotFound)
	}
	return b, nil
}

// CommitTree returns the tree of a commit, reading only the commit's header.
func (s *Store) CommitTree(commit plumbing.Hash) (plumbing.Hash, error) {
	typ, b, err := s.Read(commit)
	if err != nil {
		return plumbing.ZeroHash, ObjectError("commit", commit, err)
	}
	line, _, _ := bytes.Cut(b, []byte("\n"))
	hex, ok := bytes.CutPrefix(line, []byte("tree "))
	if typ != plumbing.CommitObject || !ok || !plumbing.IsHash(string(hex)) {
		return plumbing.ZeroHash, ObjectError("commit", commit, plumbing.ErrObjectNotFound)
	}
	return plumbing.NewHash(string(hex)), nil
}

// ObjectError is the sentence for an object of kind ("tree", "commit", ...) that cannot be
// read.
func ObjectError(kind string, h plumbing.Hash, err error) error {
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return usererr.New(nil, err,
			"the %s %s is missing from the repository; check it with `git fsck`", kind, h)
	}
	return usererr.New(nil, err, "cannot read the %s %s: %v; check the repository with `git fsck`", kind, h, err)
}

// Store writes an object (a go-git encoded object) as a loose object; the error is a sentence.
func (s *Store) Store(obj plumbing.EncodedObject) (plumbing.Hash, error) {
	h, err := s.writeObject(obj) // as git writes loose objects
	if err != nil {
		return plumbing.ZeroHash, usererr.New(nil, err,
			"cannot write a %s object into %s: %v", obj.Type(), s.commonDir, err)
	}
	return h, nil
}

// WriteBlob stores a blob with this content.
func (s *Store) WriteBlob(content []byte) (plumbing.Hash, error) {
	obj := s.storer.NewEncodedObject()
	obj.SetType(plumbing.BlobObject)
	w, err := obj.Writer()
	if err != nil {
		return plumbing.ZeroHash, usererr.New(nil, err, "cannot prepare a blob: %v", err)
	}
	w.Write(content) // a memory object: cannot fail
	w.Close()
	return s.Store(obj)
}
