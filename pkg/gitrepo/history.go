package gitrepo

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/index"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/revwalk"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/worktree"
)

// Reads for comparing with another version of the repository (`incidentctl lint --base`): the
// merge base with a branch, and which files differ from it. Only the trees that differ are read,
// so the cost follows the size of the change, not of the repository.

// ResolveCommit resolves what a user typed for a commit, as `git rev-parse --verify
// <rev>^{commit}` does: a branch (main), a remote-tracking branch (origin/main), a tag, a full
// or abbreviated hash, or any of git's revision expressions (HEAD~2, main^2, main@{u}, @{1},
// @{-1}, v1^{}, ...): see revparse.go. Common syntax is read from the refs and objects it
// names; the rest is answered by git itself, or by go-git where git is not installed.
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
	h, err := r.resolveRevision(rev)
	if errors.Is(err, errRevUnsupported) {
		var byGit bool
		if h, byGit, err = r.revParseByGit(rev); !byGit {
			return r.resolveByGoGit(rev)
		}
	}
	if err == nil {
		if h, err = r.peelTo(h, plumbing.CommitObject); err == nil {
			return h, nil
		}
	}
	return plumbing.ZeroHash, revisionError(rev, nil)
}

func revisionError(rev string, err error) error {
	return newUserError(nil, err,
		"%q names no commit in this repository: give a branch (main, origin/main), a tag or a commit hash; in CI, fetch the history first (actions/checkout with fetch-depth: 0)", rev)
}

// resolveByGoGit is the resolver of last resort, where git is not installed: go-git's, which
// loads the whole pack index and ignores @{...}.
func (r *Repo) resolveByGoGit(rev string) (plumbing.Hash, error) {
	h, err := r.repo.ResolveRevision(plumbing.Revision(rev))
	if err != nil || h == nil || h.IsZero() {
		return plumbing.ZeroHash, revisionError(rev, err)
	}
	return *h, nil
}

// MergeBase returns the best common ancestor of two commits, as `git merge-base a b` does.
func (r *Repo) MergeBase(a, b plumbing.Hash) (plumbing.Hash, error) {
	bases, err := revwalk.MergeBasesAll(r.objects, a, b)
	if err != nil {
		return plumbing.ZeroHash, newUserError(nil, err,
			"cannot find the common ancestor of %s and %s: %v; if this is a shallow clone, fetch the whole history (git fetch --unshallow, or actions/checkout with fetch-depth: 0)", a.String()[:7], b.String()[:7], err)
	}
	if len(bases) == 0 {
		return plumbing.ZeroHash, newUserError(nil, nil,
			"%s and %s have no common ancestor; if this is a shallow clone, fetch the whole history (git fetch --unshallow, or actions/checkout with fetch-depth: 0)", a.String()[:7], b.String()[:7])
	}
	return bases[0], nil
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
// content or mode differs between two commits: added, modified and deleted ones, sorted, as
// `git diff --name-only --no-renames from to -- <prefixes>` lists them. Subtrees with the same
// hash on both sides, and those outside the prefixes, are never opened.
func (r *Repo) ChangedFiles(from, to plumbing.Hash, prefixes []string) ([]string, error) {
	var roots [2]plumbing.Hash
	for i, c := range []plumbing.Hash{from, to} {
		th, err := r.commitTree(c)
		if err != nil {
			return nil, err
		}
		roots[i] = th
	}
	var out []string
	if err := r.changedUnder(roots[0], roots[1], "", prefixes, &out); err != nil {
		return nil, err
	}
	sort.Strings(out)
	return slices.Compact(out), nil
}

// changedUnder appends to out the files below dir (a repository path, "" for the root) that
// differ between the trees a and b; a zero hash is a tree that does not exist.
func (r *Repo) changedUnder(a, b plumbing.Hash, dir string, prefixes []string, out *[]string) error {
	if a == b {
		return nil
	}
	var ea, eb []object.TreeEntry
	for _, side := range []struct {
		h       plumbing.Hash
		entries *[]object.TreeEntry
	}{{a, &ea}, {b, &eb}} {
		if side.h.IsZero() {
			continue
		}
		t, err := r.tree(side.h)
		if err != nil {
			return err
		}
		*side.entries = t.Entries
	}
	inA := make(map[string]object.TreeEntry, len(ea))
	for _, e := range ea {
		inA[e.Name] = e
	}
	visit := func(name string, x, y *object.TreeEntry) error {
		p := name
		if dir != "" {
			p = dir + "/" + name
		}
		if !relevant(p, prefixes) {
			return nil
		}
		if x != nil && y != nil && x.Hash == y.Hash && x.Mode == y.Mode {
			return nil
		}
		var subA, subB plumbing.Hash
		file := false
		for _, e := range []struct {
			e   *object.TreeEntry
			sub *plumbing.Hash
		}{{x, &subA}, {y, &subB}} {
			switch {
			case e.e == nil:
			case e.e.Mode == filemode.Dir:
				*e.sub = e.e.Hash
			default:
				file = true
			}
		}
		if file && underAny(p, prefixes) {
			*out = append(*out, p)
		}
		if !subA.IsZero() || !subB.IsZero() {
			return r.changedUnder(subA, subB, p, prefixes, out)
		}
		return nil
	}
	for i := range eb {
		var x *object.TreeEntry
		if e, ok := inA[eb[i].Name]; ok {
			x = &e
			delete(inA, eb[i].Name)
		}
		if err := visit(eb[i].Name, x, &eb[i]); err != nil {
			return err
		}
	}
	for i := range ea {
		if _, ok := inA[ea[i].Name]; ok {
			if err := visit(ea[i].Name, &ea[i], nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// relevant says whether path is under one of the prefixes or a folder on the way to one.
func relevant(path string, prefixes []string) bool {
	for _, p := range prefixes {
		if under(path, p) || strings.HasPrefix(p, path+"/") {
			return true
		}
	}
	return false
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

// worktreeChangesDecoded is WorktreeChanges for an index the raw reader does not handle
// (version 4, split or sparse, or none at all): it decodes the index with go-git and reads the
// commit's whole tree under the prefixes, so it costs in proportion to the repository. Like
// git, it trusts the index's hash for a file whose size and modification time match its index
// entry (and that was not modified in the same instant the index was written).
func (r *Repo) worktreeChangesDecoded(commit plumbing.Hash, prefixes []string) ([]string, error) {
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
	idx, indexTime := index.Decoded(filepath.Join(r.gitDir, "index"))
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
				} else if hash, err = worktree.HashFile(full, fi.Size()); err != nil {
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
