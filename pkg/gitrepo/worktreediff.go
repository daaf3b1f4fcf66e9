package gitrepo

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"syscall"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/index"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/worktree"
)

// WorktreeChanges lists the files under the prefixes (repository paths; "" for everything)
// whose working-tree content differs from the commit: modified, untracked and deleted ones,
// sorted. A file left out of a sparse checkout (skip-worktree) counts as its index version.
// Files git ignores are listed too: lint looks at every document in the folder.
//
// It works the way `git status` does, reading only what it must:
//   - the index against the commit: the index's cache tree names the tree of every folder it
//     still vouches for, so only the folders it does not vouch for, or whose tree differs from
//     the commit's, are read and compared entry by entry;
//   - the working tree against the index: every folder under the prefixes is listed and every
//     file's stat data compared with its index entry (git's rules, racy timestamps included);
//     only a file whose stat data differ is read and hashed.
//
// The paths found either way are then compared with the commit one by one. The index is read
// in place (mapped, never decoded into a structure per entry). An index go-git would have to
// decode (version 4, split or sparse) is handled by worktreeChangesDecoded instead.
func (r *Repo) WorktreeChanges(commit plumbing.Hash, prefixes []string) (_ []string, err error) {
	indexPath := filepath.Join(r.gitDir, "index")
	data, unmap, err := index.Map(indexPath)
	if err != nil {
		return nil, newUserError(nil, err, "cannot read the git index %s: %v", indexPath, err)
	}
	defer unmap()
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() { index.RecoverFault(recover(), &err) }()
	ix, ok, err := index.OpenRaw(indexPath, data)
	if err != nil {
		return nil, err
	}
	if !ok {
		return r.worktreeChangesDecoded(commit, prefixes)
	}
	if fi, err := os.Stat(indexPath); err == nil {
		ix.Mtime = fi.ModTime()
	}
	rootTree, err := r.commitTree(commit)
	if err != nil {
		return nil, err
	}
	cands := map[string]bool{}
	for _, p := range outermost(prefixes) {
		offs, err := ix.EntriesUnder(p)
		if err != nil {
			return nil, index.Damaged(indexPath, err.Error())
		}
		if err := r.indexAgainstTree(ix, rootTree, p, offs, cands); err != nil {
			return nil, err
		}
		if err := r.worktreeAgainstIndex(ix, p, offs, cands); err != nil {
			return nil, err
		}
	}
	var out []string
	for p := range cands {
		differs, err := r.differsFromCommit(ix, rootTree, p)
		if err != nil {
			return nil, err
		}
		if differs {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out, nil
}

// outermost drops the prefixes inside another one, and duplicates.
func outermost(prefixes []string) []string {
	var out []string
	for _, p := range prefixes {
		inside := false
		for _, q := range prefixes {
			if q != p && under(p, q) {
				inside = true
				break
			}
		}
		if !inside && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// indexAgainstTree adds to cands the paths under p whose index entry differs from the tree
// of the commit whose root tree is root: entries missing on either side, other content,
// conflicts and intent-to-add entries. offs are the index entries under p.
func (r *Repo) indexAgainstTree(ix *index.Raw, root plumbing.Hash, p string, offs []int32, cands map[string]bool) error {
	if p == "" {
		return r.compareFolder(ix, "", root, offs, cands)
	}
	e, found, err := r.lookup(root, p)
	if err != nil {
		return err
	}
	var tree plumbing.Hash
	switch {
	case found && e.Mode == filemode.Dir:
		tree = e.Hash
	case found:
		// p is a file in the commit.
		same := len(offs) > 0 && sameAsTree(ix.At(offs[0]), e.Hash) && string(ix.NameAt(offs[0])) == p
		if !same {
			cands[p] = true
		}
		if len(offs) > 0 && string(ix.NameAt(offs[0])) == p {
			offs = offs[1:]
		}
		for _, o := range offs {
			cands[string(ix.NameAt(o))] = true
		}
		return nil
	}
	// Entries named p itself (a file where the commit has a folder, or nothing) differ.
	for len(offs) > 0 && string(ix.NameAt(offs[0])) == p {
		cands[p] = true
		offs = offs[1:]
	}
	return r.compareFolder(ix, p, tree, offs, cands)
}

// sameAsTree says whether an index entry holds the blob the tree has.
func sameAsTree(e index.Entry, blob plumbing.Hash) bool {
	return e.Stage == 0 && !e.IntentToAdd && e.Hash == blob
}

// compareFolder compares the index entries below folder dir (offs, all of them below "dir/")
// with the tree (zero: the commit has no such folder).
func (r *Repo) compareFolder(ix *index.Raw, dir string, tree plumbing.Hash, offs []int32, cands map[string]bool) error {
	if h, ok := ix.CacheTree[dir]; ok && !tree.IsZero() && h == tree {
		return nil // the index vouches for this folder, and it is the commit's
	}
	prefix := dir + "/"
	if dir == "" {
		prefix = ""
	}
	var entries map[string]plumbingEntry
	if !tree.IsZero() {
		t, err := r.tree(tree)
		if err != nil {
			return err
		}
		entries = make(map[string]plumbingEntry, len(t.Entries))
		for _, e := range t.Entries {
			entries[e.Name] = plumbingEntry{hash: e.Hash, dir: e.Mode == filemode.Dir}
		}
	}
	for i := 0; i < len(offs); {
		name := ix.NameAt(offs[i])
		rest := string(name[len(prefix):])
		sub, _, isDir := strings.Cut(rest, "/")
		if !isDir {
			x := ix.At(offs[i])
			te, ok := entries[rest]
			if !ok || te.dir || !sameAsTree(x, te.hash) {
				cands[string(name)] = true
			}
			if ok && !te.dir {
				delete(entries, rest)
			}
			i++
			continue
		}
		// The entries of the subfolder are contiguous: those below "sub/", before "sub0".
		stop := []byte(prefix + sub + "0")
		j := i + sort.Search(len(offs)-i, func(k int) bool { return bytes.Compare(ix.NameAt(offs[i+k]), stop) >= 0 })
		var subTree plumbing.Hash
		if te, ok := entries[sub]; ok && te.dir {
			subTree = te.hash
			delete(entries, sub)
		}
		if err := r.compareFolder(ix, prefix+sub, subTree, offs[i:j], cands); err != nil {
			return err
		}
		i = j
	}
	// What the tree has and the index does not.
	for name, te := range entries {
		if te.dir {
			files, err := r.filesBelow(te.hash, prefix+name)
			if err != nil {
				return err
			}
			for _, f := range files {
				cands[f] = true
			}
			continue
		}
		cands[prefix+name] = true
	}
	return nil
}

type plumbingEntry struct {
	hash plumbing.Hash
	dir  bool
}

// filesBelow lists the files in a tree (named dir in the repository).
func (r *Repo) filesBelow(tree plumbing.Hash, dir string) ([]string, error) {
	t, err := r.tree(tree)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range t.Entries {
		p := dir + "/" + e.Name
		if e.Mode == filemode.Dir {
			sub, err := r.filesBelow(e.Hash, p)
			if err != nil {
				return nil, err
			}
			out = append(out, sub...)
			continue
		}
		out = append(out, p)
	}
	return out, nil
}

// worktreeAgainstIndex lists the working tree below p in index order, alongside the index
// entries offs, and adds to cands the untracked files, the tracked files that are gone, and
// those whose content differs from their entry.
func (r *Repo) worktreeAgainstIndex(ix *index.Raw, p string, offs []int32, cands map[string]bool) error {
	w := &wtWalk{r: r, ix: ix, offs: offs, cands: cands, gitlinks: map[string]bool{}}
	full := filepath.Join(r.root, filepath.FromSlash(p))
	if p == "" {
		if err := w.folder("", full); err != nil {
			return err
		}
		w.missingBefore(nil)
		return nil
	}
	fi, err := os.Lstat(full)
	switch {
	case errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR):
	case err != nil:
		return newUserError(nil, err, "cannot read %s: %v", full, err)
	case fi.IsDir():
		w.missingBefore([]byte(p + "/"))
		if err := w.folder(p, full); err != nil {
			return err
		}
	default:
		if err := w.file(p, full, fi); err != nil {
			return err
		}
	}
	w.missingBefore(nil)
	return nil
}

type wtWalk struct {
	r        *Repo
	ix       *index.Raw
	offs     []int32 // the index entries not consumed yet
	cands    map[string]bool
	gitlinks map[string]bool // submodules found checked out: their folders are not ours
}

// missingBefore consumes the index entries that sort before limit (nil: all): their files
// are not in the working tree.
func (w *wtWalk) missingBefore(limit []byte) {
	for len(w.offs) > 0 {
		name := w.ix.NameAt(w.offs[0])
		if limit != nil && bytes.Compare(name, limit) >= 0 {
			return
		}
		x := w.ix.At(w.offs[0])
		w.offs = w.offs[1:]
		switch {
		case x.SkipWorktree:
			// Left out of a sparse checkout: not deleted.
		case x.Mode == uint32(filemode.Submodule) && isDir(filepath.Join(w.r.root, filepath.FromSlash(string(name)))):
			w.gitlinks[string(name)] = true
		default:
			w.cands[string(name)] = true
		}
	}
}

// folder walks one folder of the working tree (rel in the repository, full on disk).
func (w *wtWalk) folder(rel, full string) error {
	d, err := os.Open(full)
	if err != nil {
		return newUserError(nil, err, "cannot read the folder %s: %v", full, err)
	}
	defer d.Close()
	des, err := d.ReadDir(-1)
	if err != nil {
		return newUserError(nil, err, "cannot read the folder %s: %v", full, err)
	}
	// git's order: a folder sorts as if its name ended in '/'.
	key := func(de fs.DirEntry) string {
		if de.IsDir() {
			return de.Name() + "/"
		}
		return de.Name()
	}
	slices.SortFunc(des, func(a, b fs.DirEntry) int { return strings.Compare(key(a), key(b)) })
	prefix := rel + "/"
	if rel == "" {
		prefix = ""
	}
	for _, de := range des {
		p := prefix + de.Name()
		if de.IsDir() {
			w.missingBefore([]byte(p + "/"))
			if de.Name() == ".git" || w.gitlinks[p] {
				continue
			}
			if err := w.folder(p, filepath.Join(full, de.Name())); err != nil {
				return err
			}
			continue
		}
		w.missingBefore([]byte(p))
		if err := w.fileAt(d, p, full, de.Name()); err != nil {
			return err
		}
	}
	return nil
}

// fileAt compares the file name in the open folder d with its index entry.
func (w *wtWalk) fileAt(d *os.File, p, dirFull, name string) error {
	st, kind, err := worktree.LstatAt(d, dirFull, name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // gone since the folder was listed: the entry is consumed as missing later
	}
	if err != nil {
		return newUserError(nil, err, "cannot read %s: %v", filepath.Join(dirFull, name), err)
	}
	return w.compare(p, filepath.Join(dirFull, name), st, kind)
}

// file compares a file that is itself a prefix.
func (w *wtWalk) file(p, full string, fi os.FileInfo) error {
	w.missingBefore([]byte(p))
	return w.compare(p, full, index.StatOf(fi), worktree.KindOf(fi.Mode()))
}

func (w *wtWalk) compare(p, full string, st index.Stat, kind worktree.Kind) error {
	if kind == worktree.KindOther {
		return nil // a socket or a device: git does not track it
	}
	var stages []index.Entry
	for len(w.offs) > 0 && string(w.ix.NameAt(w.offs[0])) == p {
		stages = append(stages, w.ix.At(w.offs[0]))
		w.offs = w.offs[1:]
	}
	if len(stages) != 1 || stages[0].Stage != 0 || stages[0].IntentToAdd {
		w.cands[p] = true // untracked, in conflict, or only announced (git add -N)
		return nil
	}
	return w.compareEntry(stages[0], p, full, st, kind)
}

// compareEntry compares a file with its stage-0 entry x: the stat data when they can be
// trusted, else the content.
func (w *wtWalk) compareEntry(x index.Entry, p, full string, st index.Stat, kind worktree.Kind) error {
	if statMatches(x, st, kind) && !w.racy(x) {
		return nil
	}
	h, err := worktree.Hash(full, kind)
	if err != nil {
		return err
	}
	if h != x.Hash {
		w.cands[p] = true
	}
	return nil
}

// statMatches compares a file's stat data with its index entry as git's ie_match_stat does
// (with core.checkStat=default and core.trustctime=true; like git built without USE_STDEV,
// the device is not compared).
func statMatches(x index.Entry, st index.Stat, kind worktree.Kind) bool {
	switch x.Mode &^ 0o777 {
	case 0o100000:
		if kind != worktree.KindRegular {
			return false
		}
	case 0o120000:
		if kind != worktree.KindSymlink {
			return false
		}
	default:
		return false
	}
	e := x.Stat
	return e.MtimeSec == st.MtimeSec && e.MtimeNsec == st.MtimeNsec &&
		e.CtimeSec == st.CtimeSec && e.CtimeNsec == st.CtimeNsec &&
		e.Ino == st.Ino && e.UID == st.UID && e.GID == st.GID && e.Size == st.Size &&
		// An empty size with a non-empty blob is how git marks an entry it found racy.
		(e.Size != 0 || x.Hash == emptyBlob)
}

var emptyBlob = BlobHash(nil)

// racy says whether the entry's file was modified no earlier than the index was written: a
// change in the same instant would not show in the stat data, so its content must be read.
func (w *wtWalk) racy(x index.Entry) bool {
	if w.ix.Mtime.IsZero() {
		return true
	}
	return int64(x.Stat.MtimeSec) >= w.ix.Mtime.Unix()
}

// differsFromCommit says whether the working-tree content of path differs from the commit.
func (r *Repo) differsFromCommit(ix *index.Raw, root plumbing.Hash, path string) (bool, error) {
	var want plumbing.Hash
	e, found, err := r.lookup(root, path)
	if err != nil {
		return false, err
	}
	inCommit := found && e.Mode != filemode.Dir && e.Mode != filemode.Submodule
	if inCommit {
		want = e.Hash
	}
	full := filepath.Join(r.root, filepath.FromSlash(path))
	fi, err := os.Lstat(full)
	switch {
	case errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR):
		if x, ok := ix.Stage0(path); ok && x.SkipWorktree {
			return !inCommit || x.Hash != want, nil
		}
		return inCommit, nil
	case err != nil:
		return false, newUserError(nil, err, "cannot read %s: %v", full, err)
	}
	kind := worktree.KindOf(fi.Mode())
	if kind != worktree.KindRegular && kind != worktree.KindSymlink {
		return inCommit, nil
	}
	h, err := worktree.Hash(full, kind)
	if err != nil {
		return false, err
	}
	return !inCommit || h != want, nil
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}
