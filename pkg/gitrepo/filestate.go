package gitrepo

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/index"
)

// FileState tells how the index and working tree copies of one file compare
// with HEAD. "Differs" means the content differs from the HEAD blob, or the
// file exists on one side only.
type FileState struct {
	AtHead, InIndex, InWorktree   bool
	IndexDiffers, WorktreeDiffers bool
}

// FileState looks only at this one path: its entry in HEAD's tree, its index
// entry (one pass over the raw index, no working tree scan) and the file
// itself, which it hashes. An unmerged or intent-to-add (`git add -N`) index
// entry counts as present and different.
func (r *Repo) FileState(path string) (FileState, error) {
	if err := checkPath(path); err != nil {
		return FileState{}, err
	}
	var st FileState

	var headBlob plumbing.Hash
	head, err := r.Head()
	if err != nil {
		return FileState{}, err
	}
	if !head.Unborn {
		c, err := r.commitTree(head.Commit)
		if err != nil {
			return FileState{}, err
		}
		e, found, err := r.lookup(c, path)
		if err != nil {
			return FileState{}, err
		}
		if found && e.Mode != filemode.Dir && e.Mode != filemode.Submodule {
			st.AtHead, headBlob = true, e.Hash
		}
	}

	indexPath := r.indexPath()
	data, unmap, err := index.Map(indexPath)
	if err != nil {
		return FileState{}, newUserError(nil, err, "cannot read the git index %s: %v", indexPath, err)
	}
	var entries []index.EntryInfo
	if why := index.Special(data); why != "" && why != index.SpecialV4 && r.gitAvailable() {
		entries, err = r.gitIndexEntries(path)
	} else {
		entries, err = index.Find(indexPath, data, path)
	}
	unmap()
	if err != nil {
		return FileState{}, err
	}
	if len(entries) > 0 {
		st.InIndex = true
		e := entries[0]
		st.IndexDiffers = len(entries) > 1 || e.Stage != 0 || e.IntentToAdd || !st.AtHead || e.Hash != headBlob
	} else {
		st.IndexDiffers = st.AtHead
	}

	full := filepath.Join(r.root, filepath.FromSlash(path))
	var content []byte
	fi, err := os.Lstat(full)
	switch {
	case errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ENOTDIR):
	case err != nil:
		return FileState{}, newUserError(nil, err, "cannot read %s: %v", full, err)
	case fi.Mode().IsRegular():
		if content, err = os.ReadFile(full); err != nil {
			return FileState{}, newUserError(nil, err, "cannot read %s: %v", full, err)
		}
		st.InWorktree = true
	case fi.Mode()&os.ModeSymlink != 0:
		// git stores a symbolic link as a blob holding its target.
		target, err := os.Readlink(full)
		if err != nil {
			return FileState{}, newUserError(nil, err, "cannot read the link %s: %v", full, err)
		}
		content, st.InWorktree = []byte(target), true
	}
	if st.InWorktree {
		h := BlobHash(content)
		if h != headBlob && fi.Mode().IsRegular() {
			// A checkout with CRLF (core.autocrlf, eol=crlf) or a smudge filter is not a change:
			// compare what git add would store.
			if way, err := r.way(true); err == nil {
				if text, other := way.attrs.conversion(path); (text || other) && r.gitAvailable() {
					if h, err = r.convertedHash(path); err != nil {
						return FileState{}, err
					}
				}
			}
		}
		st.WorktreeDiffers = !st.AtHead || h != headBlob
	} else {
		st.WorktreeDiffers = st.AtHead
	}
	return st, nil
}
