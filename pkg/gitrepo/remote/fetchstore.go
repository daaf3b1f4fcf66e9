package remote

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/fault"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/refs"
)

// fetchStorage is the repository's storage as go-git's fetch sees it, with the refs handled the
// way git handles them. go-git writes a ref by truncating the file in place, without a lock
// file, so a kill at the wrong moment leaves an empty ref that git then calls an invalid
// pointer; here every ref go-git sets goes through refs.Store (the new value in <ref>.lock,
// renamed over the ref). go-git also reads every file under refs/ as a ref, the "<ref>.lock" of
// a git command running right now included, and stops at the first empty one; here lock files
// and files that hold no ref are skipped when the refs are listed.
type fetchStorage struct {
	storage.Storer
	refs      *refs.Store
	commonDir string
}

// Reindex passes on faststore.go's news that a pack was stored behind go-git's back.
func (s *fetchStorage) Reindex() {
	if r, ok := s.Storer.(interface{ Reindex() }); ok {
		r.Reindex()
	}
}

func (s *fetchStorage) SetReference(ref *plumbing.Reference) error {
	if ref.Type() != plumbing.HashReference {
		return s.Storer.SetReference(ref)
	}
	return s.refs.Set(ref.Name(), ref.Hash(), "fetch")
}

func (s *fetchStorage) CheckAndSetReference(new, old *plumbing.Reference) error {
	if new.Type() != plumbing.HashReference {
		return s.Storer.CheckAndSetReference(new, old)
	}
	// Fetch forces the remote-tracking ref (+src:dst), as git fetch does.
	return s.refs.Set(new.Name(), new.Hash(), "fetch")
}

// IterReferences lists the refs as git would: loose ref files (lock files and files that hold
// no ref left out), then packed-refs for the names not seen loose, then HEAD.
func (s *fetchStorage) IterReferences() (storer.ReferenceIter, error) {
	var out []*plumbing.Reference
	seen := map[plumbing.ReferenceName]bool{}
	root := filepath.Join(s.commonDir, "refs")
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".lock") {
			return nil
		}
		rel, err := filepath.Rel(s.commonDir, p)
		if err != nil {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		line := strings.TrimSpace(string(b))
		name := plumbing.ReferenceName(filepath.ToSlash(rel))
		switch {
		case plumbing.IsHash(line):
			out = append(out, plumbing.NewHashReference(name, plumbing.NewHash(line)))
		case strings.HasPrefix(line, "ref: "):
			out = append(out, plumbing.NewSymbolicReference(name, plumbing.ReferenceName(strings.TrimPrefix(line, "ref: "))))
		default:
			return nil // empty or damaged: not a ref
		}
		seen[name] = true
		return nil
	})
	if f, err := os.Open(filepath.Join(s.commonDir, "packed-refs")); err == nil {
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			line := sc.Text()
			if len(line) < 42 || line[0] == '#' || line[0] == '^' || line[40] != ' ' || !plumbing.IsHash(line[:40]) {
				continue
			}
			name := plumbing.ReferenceName(line[41:])
			if !seen[name] {
				seen[name] = true
				out = append(out, plumbing.NewHashReference(name, plumbing.NewHash(line[:40])))
			}
		}
		f.Close()
	}
	if head, err := s.Storer.Reference(plumbing.HEAD); err == nil {
		out = append(out, head)
	}
	return storer.NewReferenceSliceIter(out), nil
}

// faultWriter counts a fault step once part of the fetched pack is written (faststore.go's
// PackfileWriter wraps odb's pack writer with it).
type faultWriter struct {
	io.WriteCloser
	wrote bool
}

func (w *faultWriter) Write(b []byte) (int, error) {
	n, err := w.WriteCloser.Write(b)
	if !w.wrote && n > 0 {
		w.wrote = true
		fault.Point("fetch:pack")
	}
	return n, err
}
