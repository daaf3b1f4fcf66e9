// Package refs reads and writes git's references: HEAD, loose ref files and packed-refs, as git
// lays them out (gitrepository-layout(5): HEAD, refs/, packed-refs, logs/; the per-worktree
// namespaces of git-worktree(1)). A ref moves only under git's lock protocol
// (pkg/gitrepo/lockfile): take <ref>.lock, compare the ref with the value the change was
// computed from, write the new value into the lock, append the reflog lines
// (Documentation/git-reflog.txt, the format in refs/files-backend.c), and rename the lock over
// the ref. git describes the rules in Documentation/git-update-ref.txt and
// Documentation/technical/api-ref-transactions.
package refs

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/perm"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/smallfile"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/usererr"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/lockfile"
)

// Head describes what HEAD points at in this working tree.
type Head struct {
	Branch   string                 // short name, e.g. "main"; "" when detached
	Ref      plumbing.ReferenceName // e.g. refs/heads/main; "" when detached
	Commit   plumbing.Hash          // zero when the branch is unborn
	Detached bool
	Unborn   bool // the branch has no commit yet (fresh `git init`)
}

// Store is the refs of one working tree: its own HEAD (and per-worktree refs) in gitDir, the
// shared refs in commonDir.
type Store struct {
	gitDir, commonDir string
	locks             *lockfile.Locker
	shared            perm.Shared
}

// New returns the refs of the working tree whose git dir is gitDir; locks takes the ref locks
// (nil: plain locks), shared is core.sharedRepository.
func New(gitDir, commonDir string, locks *lockfile.Locker, shared perm.Shared) *Store {
	if locks == nil {
		locks = &lockfile.Locker{}
	}
	return &Store{gitDir: gitDir, commonDir: commonDir, locks: locks, shared: shared}
}

// Head reads HEAD of this working tree. It reads the files directly (HEAD in
// GitDir, the branch in CommonDir or packed-refs), as git does.
func (r *Store) Head() (Head, error) {
	path := filepath.Join(r.gitDir, "HEAD")
	b, err := smallfile.ReadFile(path)
	if err != nil {
		return Head{}, usererr.New(nil, err, "cannot read %s: %v; check the repository with `git status`", path, err)
	}
	content := strings.TrimSpace(string(b))
	if target, ok := strings.CutPrefix(content, "ref:"); ok {
		ref := plumbing.ReferenceName(strings.TrimSpace(target))
		h := Head{Ref: ref}
		if ref.IsBranch() {
			h.Branch = ref.Short()
		}
		hash, found, err := r.Read(ref)
		if err != nil {
			return Head{}, err
		}
		h.Commit, h.Unborn = hash, !found
		return h, nil
	}
	if !plumbing.IsHash(content) {
		return Head{}, usererr.New(nil, nil,
			"%s does not contain a branch or commit (%q); check the repository with `git status`", path, content)
	}
	return Head{Commit: plumbing.NewHash(content), Detached: true}, nil
}

// Path returns the file a loose ref lives in. A few ref namespaces are
// private to each working tree; everything else is shared.
func (r *Store) Path(ref plumbing.ReferenceName) string {
	name := string(ref)
	dir := r.commonDir
	for _, p := range []string{"refs/bisect/", "refs/worktree/", "refs/rewritten/"} {
		if strings.HasPrefix(name, p) {
			dir = r.gitDir
		}
	}
	return filepath.Join(dir, filepath.FromSlash(name))
}

// Read resolves a ref to a commit: the loose ref file first, then
// packed-refs. found=false means the ref does not exist.
func (r *Store) Read(ref plumbing.ReferenceName) (hash plumbing.Hash, found bool, err error) {
	for depth := 0; depth < 5; depth++ {
		path := r.Path(ref)
		b, err := smallfile.ReadFile(path)
		if err == nil {
			content := strings.TrimSpace(string(b))
			if target, ok := strings.CutPrefix(content, "ref:"); ok {
				ref = plumbing.ReferenceName(strings.TrimSpace(target))
				continue
			}
			if !plumbing.IsHash(content) {
				return plumbing.ZeroHash, false, usererr.New(nil, nil,
					"the ref file %s is corrupt (it contains %q); check the repository with `git fsck`", path, content)
			}
			return plumbing.NewHash(content), true, nil
		}
		// A directory where the ref file would be (refs/heads/a when
		// refs/heads/a/b exists), or a file where a directory would be, also
		// means "no loose ref".
		if !errors.Is(err, os.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR) && !isDir(path) {
			return plumbing.ZeroHash, false, usererr.New(nil, err, "cannot read the ref file %s: %v", path, err)
		}
		return r.readPackedRef(ref)
	}
	return plumbing.ZeroHash, false, usererr.New(nil, nil,
		"the ref %s is a chain of symbolic refs that is too long; check it with `git symbolic-ref`", ref)
}

// readPackedRef looks ref up in <CommonDir>/packed-refs.
func (r *Store) readPackedRef(ref plumbing.ReferenceName) (plumbing.Hash, bool, error) {
	path := filepath.Join(r.commonDir, "packed-refs")
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return plumbing.ZeroHash, false, nil
	}
	if err != nil {
		return plumbing.ZeroHash, false, usererr.New(nil, err, "cannot read %s: %v", path, err)
	}
	defer f.Close()
	want := []byte(ref)
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Bytes()
		// Comment lines start with '#', peeled tag lines with '^'.
		if len(line) < 42 || line[0] == '#' || line[0] == '^' || line[40] != ' ' {
			continue
		}
		if bytes.Equal(line[41:], want) {
			return plumbing.NewHash(string(line[:40])), true, nil
		}
	}
	if err := sc.Err(); err != nil {
		return plumbing.ZeroHash, false, usererr.New(nil, err, "cannot read %s: %v", path, err)
	}
	return plumbing.ZeroHash, false, nil
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}
