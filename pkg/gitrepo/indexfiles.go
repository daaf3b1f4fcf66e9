package gitrepo

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/index"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/worktree"
)

// What the index says about the files under a folder, for a caller that keeps its own reading
// of those files (pkg/workspace's caches) and wants to know which ones git has changed since:
// every git command that changes files in the working tree (checkout, reset, merge, pull,
// stash, commit) records their new content in the index, and rewrites it.

// IndexID names one version of .git/index: its trailing checksum, which changes with every
// byte of it, and its stat data (all a caller can go by when git was told not to write the
// checksum, index.skipHash).
type IndexID struct {
	Sum   [20]byte
	Size  int64
	Mtime int64 // nanoseconds
	Ctime int64
	Ino   uint64
}

// Missing reports whether there was no index at all.
func (id IndexID) Missing() bool { return id == IndexID{} }

// HasSum reports whether the checksum names the content (git wrote one).
func (id IndexID) HasSum() bool { return id.Sum != [20]byte{} }

// IndexFile is the index's entry for one path.
type IndexFile struct {
	Path string
	Blob plumbing.Hash
	// Clean: a regular file at stage 0 only, neither announced (git add -N) nor left out of
	// a sparse checkout. Anything else (a conflict, a link, a submodule) is for the caller to
	// read from the working tree.
	Clean bool
	stat  index.Stat
	racy  bool
}

// Holds reports whether the working-tree file, as fi (from os.Stat or os.Lstat) describes it,
// is known to hold Blob: its stat data are those git recorded, and were recorded after the
// file last changed (git's racy-timestamp rule). False means only reading the file tells.
func (f *IndexFile) Holds(fi fs.FileInfo) bool {
	if !f.Clean || f.racy || !fi.Mode().IsRegular() {
		return false
	}
	x := index.Entry{Mode: 0o100644, Hash: f.Blob, Stat: f.stat}
	return statMatches(x, index.StatOf(fi), worktree.KindRegular)
}

// HoldsStat is Holds for a regular file whose stat data the caller has as numbers (size,
// modification and change times in nanoseconds, inode). The owner is not compared: changing
// it changes the change time.
func (f *IndexFile) HoldsStat(size, mtime, ctime int64, ino uint64) bool {
	if !f.Clean || f.racy {
		return false
	}
	e := f.stat
	return e.MtimeSec == uint32(mtime/1e9) && e.MtimeNsec == uint32(mtime%1e9) &&
		e.CtimeSec == uint32(ctime/1e9) && e.CtimeNsec == uint32(ctime%1e9) &&
		e.Ino == uint32(ino) && e.Size == uint32(size) && (e.Size != 0 || f.Blob == emptyBlob)
}

// ErrIndexNotWalkable: the index is split (core.splitIndex) or sparse, which IndexFiles does
// not read.
var ErrIndexNotWalkable = index.ErrNotWalkable

// IndexID returns the identity of the index as it is now, reading only its last 20 bytes. The
// zero IndexID means there is no index.
func (r *Repo) IndexID() (IndexID, error) {
	f, err := os.Open(filepath.Join(r.gitDir, "index"))
	if errors.Is(err, fs.ErrNotExist) {
		return IndexID{}, nil
	}
	if err != nil {
		return IndexID{}, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return IndexID{}, err
	}
	id := statID(fi)
	if fi.Size() >= 32 {
		if _, err := f.ReadAt(id.Sum[:], fi.Size()-20); err != nil && err != io.EOF {
			return IndexID{}, err
		}
	}
	return id, nil
}

func statID(fi fs.FileInfo) IndexID {
	id := IndexID{Size: fi.Size(), Mtime: fi.ModTime().UnixNano()}
	if ino, ok := inodeOf(fi); ok {
		id.Ino = ino
		c := index.StatOf(fi)
		id.Ctime = int64(c.CtimeSec)*1e9 + int64(c.CtimeNsec)
	}
	return id
}

// IndexFiles returns the entries of the paths under prefix ("incidents/"), in index order (by
// path, byte-wise), with the identity of the index they were read from. A path in conflict
// appears once, not Clean. It returns ErrIndexNotWalkable for a split or sparse index.
func (r *Repo) IndexFiles(prefix string) (_ IndexID, _ []IndexFile, err error) {
	indexPath := filepath.Join(r.gitDir, "index")
	fi, err := os.Stat(indexPath)
	if errors.Is(err, fs.ErrNotExist) {
		return IndexID{}, nil, nil
	}
	if err != nil {
		return IndexID{}, nil, err
	}
	// Stat data first, content second: if the index is replaced in between, its stat data are
	// the older ones, which only makes more entries racy.
	id := statID(fi)
	indexNs := fi.ModTime().UnixNano()
	data, unmap, err := index.Map(indexPath)
	if err != nil {
		return IndexID{}, nil, err
	}
	defer unmap()
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() { index.RecoverFault(recover(), &err) }()
	sum, ok := index.Checksum(data)
	if !ok {
		return IndexID{}, nil, index.Damaged(indexPath, "has no valid header")
	}
	id.Sum = sum
	var out []IndexFile
	werr := index.Walk(data, prefix, func(w *index.Walked) {
		name := string(w.Name)
		if n := len(out); n > 0 && out[n-1].Path == name {
			out[n-1].Clean = false // several stages: a conflict
			return
		}
		out = append(out, IndexFile{Path: name, Blob: plumbing.Hash(w.Hash), stat: w.Stat,
			Clean: w.Stage == 0 && !w.IntentToAdd && !w.SkipWorktree && w.Mode&^0o777 == 0o100000,
			// git's is_racy_stat, with nanoseconds as git built for Linux compares them.
			racy: int64(w.Stat.MtimeSec)*1e9+int64(w.Stat.MtimeNsec) >= indexNs})
	})
	if errors.Is(werr, index.ErrNotWalkable) {
		return id, nil, ErrIndexNotWalkable
	}
	if werr != nil {
		return IndexID{}, nil, index.Damaged(indexPath, werr.Error())
	}
	return id, out, nil
}
