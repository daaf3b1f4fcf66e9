package gitrepo

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Reads for comparing with another version of the repository (`incidentctl lint --base`): the
// merge base with a branch, and which files differ from it. Only the trees that differ are read,
// so the cost follows the size of the change, not of the repository.

// ResolveCommit resolves what a user typed for a commit: a branch (main), a remote-tracking
// branch (origin/main), a tag, a full or abbreviated hash, or an expression like HEAD~2.
func (r *Repo) ResolveCommit(rev string) (plumbing.Hash, error) {
	if rev == "HEAD" {
		h, err := r.Head()
		if err != nil {
			return plumbing.ZeroHash, err
		}
		if h.Unborn {
			return plumbing.ZeroHash, newUserError(nil, nil, "HEAD has no commit yet: commit something first")
		}
		return h.Commit, nil
	}
	h, err := r.repo.ResolveRevision(plumbing.Revision(rev))
	if err != nil || h == nil || h.IsZero() {
		return plumbing.ZeroHash, newUserError(nil, err,
			"%q names no commit in this repository: give a branch (main, origin/main), a tag or a commit hash; in CI, fetch the history first (actions/checkout with fetch-depth: 0)", rev)
	}
	return *h, nil
}

// MergeBase returns the best common ancestor of two commits, as `git merge-base a b` does.
func (r *Repo) MergeBase(a, b plumbing.Hash) (plumbing.Hash, error) {
	ca, err := object.GetCommit(r.repo.Storer, a)
	if err != nil {
		return plumbing.ZeroHash, objectError("commit", a, err)
	}
	cb, err := object.GetCommit(r.repo.Storer, b)
	if err != nil {
		return plumbing.ZeroHash, objectError("commit", b, err)
	}
	bases, err := ca.MergeBase(cb)
	if err != nil {
		return plumbing.ZeroHash, newUserError(nil, err,
			"cannot find the common ancestor of %s and %s: %v; if this is a shallow clone, fetch the whole history (git fetch --unshallow, or actions/checkout with fetch-depth: 0)", a.String()[:7], b.String()[:7], err)
	}
	if len(bases) == 0 {
		return plumbing.ZeroHash, newUserError(nil, nil,
			"%s and %s have no common ancestor; if this is a shallow clone, fetch the whole history (git fetch --unshallow, or actions/checkout with fetch-depth: 0)", a.String()[:7], b.String()[:7])
	}
	return bases[0].Hash, nil
}

// under reports whether path is prefix itself or inside it ("" is the whole repository).
func under(path, prefix string) bool {
	return prefix == "" || path == prefix || strings.HasPrefix(path, prefix+"/")
}

func underAny(path string, prefixes []string) bool {
	for _, p := range prefixes {
		if under(path, p) {
			return true
		}
	}
	return false
}

// ChangedFiles lists the files under the prefixes (repository paths; "" for everything) whose
// content or mode differs between two commits: added, modified and deleted ones, sorted.
// Subtrees with the same hash on both sides are never opened.
func (r *Repo) ChangedFiles(from, to plumbing.Hash, prefixes []string) ([]string, error) {
	trees := make([]*object.Tree, 2)
	for i, c := range []plumbing.Hash{from, to} {
		th, err := r.commitTree(c)
		if err != nil {
			return nil, err
		}
		if trees[i], err = r.tree(th); err != nil {
			return nil, err
		}
	}
	changes, err := object.DiffTree(trees[0], trees[1])
	if err != nil {
		return nil, newUserError(nil, err, "cannot compare %s with %s: %v", from.String()[:7], to.String()[:7], err)
	}
	seen := map[string]bool{}
	var out []string
	for _, ch := range changes {
		for _, e := range []object.ChangeEntry{ch.From, ch.To} {
			if e.Name != "" && !seen[e.Name] && underAny(e.Name, prefixes) {
				seen[e.Name] = true
				out = append(out, e.Name)
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

// TreeFiles maps each file under prefix in a commit to its blob hash. A prefix naming a file
// gives that file; one that does not exist gives nothing.
func (r *Repo) TreeFiles(commit plumbing.Hash, prefix string) (map[string]plumbing.Hash, error) {
	th, err := r.commitTree(commit)
	if err != nil {
		return nil, err
	}
	out := map[string]plumbing.Hash{}
	if prefix != "" {
		if err := checkPath(prefix); err != nil {
			return nil, err
		}
		e, found, err := r.lookup(th, prefix)
		if err != nil || !found {
			return out, err
		}
		if e.Mode != filemode.Dir {
			if e.Mode.IsFile() {
				out[prefix] = e.Hash
			}
			return out, nil
		}
		th = e.Hash
	}
	t, err := r.tree(th)
	if err != nil {
		return nil, err
	}
	w := object.NewTreeWalker(t, true, nil)
	defer w.Close()
	for {
		name, e, err := w.Next()
		if err != nil {
			break // io.EOF at the end; a missing object ends the walk as git would fail it
		}
		if e.Mode.IsFile() {
			if prefix != "" {
				name = prefix + "/" + name
			}
			out[name] = e.Hash
		}
	}
	return out, nil
}

// WorktreeChanges lists the files under the prefixes whose working-tree content differs from
// the commit: modified, untracked and deleted ones, sorted. Like git, it trusts the index's
// hash for a file whose size and modification time match its index entry (and that was not
// modified in the same instant the index was written), so unchanged files are not read.
func (r *Repo) WorktreeChanges(commit plumbing.Hash, prefixes []string) ([]string, error) {
	committed := map[string]plumbing.Hash{}
	for _, p := range prefixes {
		files, err := r.TreeFiles(commit, p)
		if err != nil {
			return nil, err
		}
		for k, v := range files {
			committed[k] = v
		}
	}
	idx, indexTime := r.readIndexEntries()
	seen := map[string]bool{}
	var out []string
	for _, p := range prefixes {
		start := filepath.Join(r.root, filepath.FromSlash(p))
		err := filepath.WalkDir(start, func(full string, de fs.DirEntry, err error) error {
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					return nil
				}
				return err
			}
			if de.IsDir() {
				if de.Name() == ".git" {
					return filepath.SkipDir
				}
				return nil
			}
			rel, err := filepath.Rel(r.root, full)
			if err != nil {
				return nil
			}
			rel = filepath.ToSlash(rel)
			if seen[rel] {
				return nil
			}
			seen[rel] = true
			fi, err := de.Info()
			if err != nil {
				return nil
			}
			var hash plumbing.Hash
			switch {
			case fi.Mode().IsRegular():
				if e, ok := idx[rel]; ok && uint32(fi.Size()) == e.Size && fi.ModTime().Equal(e.ModifiedAt) && fi.ModTime().Before(indexTime) {
					hash = e.Hash
				} else if hash, err = hashFile(full, fi.Size()); err != nil {
					return err
				}
			case fi.Mode()&os.ModeSymlink != 0:
				target, err := os.Readlink(full)
				if err != nil {
					return newUserError(nil, err, "cannot read the link %s: %v", full, err)
				}
				hash = BlobHash([]byte(target))
			default:
				return nil
			}
			if h, ok := committed[rel]; !ok || h != hash {
				out = append(out, rel)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	for p := range committed {
		if e, ok := idx[p]; ok && e.SkipWorktree {
			continue // left out of a sparse checkout, not deleted
		}
		if !seen[p] {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out, nil
}

// readIndexEntries returns the stage-0 entries (intent-to-add ones excepted) of .git/index and when it was written. Without
// a readable index every file is hashed, which is slower but still right.
func (r *Repo) readIndexEntries() (map[string]*index.Entry, time.Time) {
	path := filepath.Join(r.gitDir, "index")
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, time.Time{}
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, time.Time{}
	}
	var idx index.Index
	if err := index.NewDecoder(bytes.NewReader(data)).Decode(&idx); err != nil {
		return nil, time.Time{}
	}
	out := make(map[string]*index.Entry, len(idx.Entries))
	for _, e := range idx.Entries {
		if e.Stage == 0 && !e.IntentToAdd {
			out[e.Name] = e
		}
	}
	return out, fi.ModTime()
}

// hashFile computes a file's blob hash without holding it in memory (it may be a large file that
// has no business in the folder).
func hashFile(full string, size int64) (plumbing.Hash, error) {
	f, err := os.Open(full)
	if err != nil {
		return plumbing.ZeroHash, newUserError(nil, err, "cannot read %s: %v", full, err)
	}
	defer f.Close()
	h := plumbing.NewHasher(plumbing.BlobObject, size)
	if n, err := io.Copy(h, f); err != nil || n != size {
		return plumbing.ZeroHash, newUserError(nil, err, "cannot read %s (it changed while being read?): %v", full, err)
	}
	return h.Sum(), nil
}
