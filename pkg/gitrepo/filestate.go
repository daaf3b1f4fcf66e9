package gitrepo

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/index"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/tree"
)

// FileState tells how the index and working tree copies of one file compare
// with HEAD. "Differs" means the content differs from the HEAD blob, or the
// file exists on one side only.
type FileState struct {
	AtHead, InIndex, InWorktree   bool
	IndexDiffers, WorktreeDiffers bool
	// BehindHead: the index entry (and the file, or the file holds HEAD's version) is the
	// version before HEAD's commit changed the path, as a change interrupted between moving the
	// branch and writing the index leaves it, or a git command that wrote back an index it had
	// read before that commit. CatchUp brings both to HEAD, which loses nothing.
	BehindHead bool
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
	switch why := r.specialIndex(data); {
	case why == index.SpecialSplit:
		entries, err = index.FindSplit(indexPath, data, path)
		if ng := (*index.NeedsGit)(nil); errors.As(err, &ng) {
			if !r.gitAvailable() {
				return FileState{}, needGit(ng.Why)
			}
			entries, err = r.gitIndexEntries(path)
		}
	case why != "" && r.gitAvailable():
		entries, err = r.gitIndexEntries(path)
	default:
		index.RecallPosition(r.hashPath(), data, path) // where the last change of path left the skip
		entries, err = index.Find(indexPath, data, path)
	}
	unmap()
	if err != nil {
		return FileState{}, err
	}
	var indexBlob plumbing.Hash
	if len(entries) > 0 {
		st.InIndex = true
		e := entries[0]
		st.IndexDiffers = len(entries) > 1 || e.Stage != 0 || e.IntentToAdd || !st.AtHead || e.Hash != headBlob
		if len(entries) == 1 && e.Stage == 0 && !e.IntentToAdd {
			indexBlob = e.Hash
		}
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
		if st.AtHead && st.IndexDiffers && !indexBlob.IsZero() && (h == headBlob || h == indexBlob) {
			st.BehindHead = r.parentHas(head.Commit, path, indexBlob)
		}
	} else {
		st.WorktreeDiffers = st.AtHead
	}
	return st, nil
}

// parentHas reports whether the first parent of commit has blob at path.
func (r *Repo) parentHas(commit plumbing.Hash, path string, blob plumbing.Hash) bool {
	_, b, err := r.readObject(commit)
	if err != nil {
		return false
	}
	ci, ok := firstParent(b)
	if !ok {
		return false
	}
	t, err := r.commitTree(ci)
	if err != nil {
		return false
	}
	e, found, err := r.lookup(t, path)
	return err == nil && found && e.Hash == blob
}

// firstParent reads the first "parent" line of a commit object.
func firstParent(b []byte) (plumbing.Hash, bool) {
	for _, line := range strings.Split(string(b), "\n") {
		if line == "" {
			break
		}
		if hex, ok := strings.CutPrefix(line, "parent "); ok && plumbing.IsHash(hex) {
			return plumbing.NewHash(hex), true
		}
	}
	return plumbing.ZeroHash, false
}

// CatchUp brings the index entry and the working-tree file of path to HEAD's version when
// FileState reports BehindHead (checked again under the locks): the file is rewritten only if
// it still holds the older version. It returns a sentence saying what it did ("" when there
// was nothing to do).
func (r *Repo) CatchUp(path string) (string, error) {
	note, err := r.catchUp(path)
	if note != "" {
		tracef("catch-up: %s", note)
	}
	return note, err
}

func (r *Repo) catchUp(path string) (string, error) {
	t, err := r.begin()
	if err != nil {
		return "", err
	}
	defer t.release()
	st, err := r.FileState(path)
	if err != nil || !st.BehindHead {
		return "", err
	}
	head, err := r.Head()
	if err != nil {
		return "", err
	}
	ht, err := r.commitTree(head.Commit)
	if err != nil {
		return "", err
	}
	e, _, err := r.lookup(ht, path)
	if err != nil {
		return "", err
	}
	_, b, err := r.readObject(head.Commit)
	if err != nil {
		return "", err
	}
	p, _ := firstParent(b)
	pt, err := r.commitTree(p)
	if err != nil {
		return "", err
	}
	old, _, err := r.lookup(pt, path)
	if err != nil {
		return "", err
	}
	edit := tree.Change{Path: path, Old: &tree.File{Hash: old.Hash, Mode: old.Mode}, New: &tree.File{Hash: e.Hash, Mode: e.Mode}}
	if err := r.ensureWorktree([]tree.Change{edit}); err != nil {
		return "", err
	}
	if err := r.writeIndexEdits(t, []tree.Change{edit}); err != nil {
		return "", err
	}
	return fmt.Sprintf("%s in the index was older than HEAD (commit %s), as an interrupted change or a git command that wrote back an older index leaves it: brought the index and the file to HEAD", path, short(head.Commit)), nil
}
