// Package worktree writes and checks files in git's working tree the way a checkout does: a file
// is replaced atomically (a temporary file in the same folder renamed over it), never through
// a symbolic link or over a directory, and its stat data are read back in the index's form
// (pkg/gitrepo/index) so that git trusts the new index entry without hashing the file again.
// It also hashes working-tree files as blobs and reads stat data with as few system calls as
// possible. git documents the working tree in Documentation/gitglossary.txt ("working tree")
// and the checkout rules in Documentation/git-checkout-index.txt; entry.c and
// read-cache.c (fill_stat_data) are the reference.
package worktree

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/fault"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/index"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/usererr"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/odb"
)

// Check makes sure path can be written in the working tree: no
// parent is a file or a symbolic link (git never writes through a symlinked
// directory), and the path itself is not a directory. It runs before the
// branch moves, so a conflict leaves nothing half done.
func Check(root, path string) error {
	parts := strings.Split(path, "/")
	cur := root
	for i, part := range parts {
		cur = filepath.Join(cur, part)
		fi, err := os.Lstat(cur)
		if errors.Is(err, os.ErrNotExist) {
			return nil // the rest will be created
		}
		if err != nil {
			return usererr.New(nil, err, "cannot check %s in the working tree: %v", cur, err)
		}
		last := i == len(parts)-1
		switch {
		case last && fi.IsDir():
			return usererr.New(nil, nil,
				"cannot write %s: it is a directory in the working tree; move it away first", path)
		case !last && fi.Mode()&os.ModeSymlink != 0:
			return usererr.New(nil, nil,
				"cannot write %s: %s is a symbolic link in the working tree; replace it with a directory first",
				path, strings.Join(parts[:i+1], "/"))
		case !last && !fi.IsDir():
			return usererr.New(nil, nil,
				"cannot write %s: %s is a file in the working tree; move it away first",
				path, strings.Join(parts[:i+1], "/"))
		}
	}
	return nil
}

// Write replaces path with content atomically (a temporary file
// in the same directory renamed over it), so nobody ever sees a half-written
// file, and returns the stat data of the result for the index. The file gets the mode git's
// checkout gives a regular file (0666 less the umask).
func Write(root, path string, content []byte) (index.Stat, error) {
	return write(root, path, content, 0o666)
}

// TempPrefix is how the temporary file of a working-tree file starts: the file's name, hidden,
// then ".incidentctl-". A kill between writing it and renaming it leaves one behind; Clean
// removes those.
func TempPrefix(path string) string { return "." + filepath.Base(path) + ".incidentctl-" }

func write(root, path string, content []byte, mode os.FileMode) (index.Stat, error) {
	full := filepath.Join(root, filepath.FromSlash(path))
	dir := filepath.Dir(full)
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return index.Stat{}, usererr.New(nil, err, "cannot create the directory %s: %v", dir, err)
	}
	tmp, err := createTemp(dir, TempPrefix(full), mode)
	if err != nil {
		return index.Stat{}, usererr.New(nil, err, "cannot write a temporary file in %s: %v", dir, err)
	}
	fail := func(err error) (index.Stat, error) {
		tmp.Close()
		os.Remove(tmp.Name())
		return index.Stat{}, usererr.New(nil, err, "cannot write %s: %v", full, err)
	}
	if _, err := tmp.Write(content); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		return fail(err)
	}
	fault.Point("commit:worktree-temp")
	if err := os.Rename(tmp.Name(), full); err != nil {
		os.Remove(tmp.Name())
		return index.Stat{}, usererr.New(nil, err, "cannot write %s: %v", full, err)
	}
	// Stat after the rename: renaming may change the inode's ctime.
	fi, err := os.Lstat(full)
	if err != nil {
		return index.Stat{}, usererr.New(nil, err, "cannot read back %s: %v", full, err)
	}
	return index.StatOf(fi), nil
}

func createTemp(dir, prefix string, mode os.FileMode) (*os.File, error) {
	for range 100 {
		name := filepath.Join(dir, prefix+strconv.FormatUint(rand.Uint64(), 36))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, mode)
		if !errors.Is(err, os.ErrExist) {
			return f, err
		}
	}
	return nil, fmt.Errorf("cannot create a temporary file in %s", dir)
}

// Clean removes the temporary files a killed write of path left in its folder.
func Clean(root, path string) {
	full := filepath.Join(root, filepath.FromSlash(path))
	matches, _ := filepath.Glob(filepath.Join(filepath.Dir(full), globEscape(TempPrefix(full))+"*"))
	for _, m := range matches {
		os.Remove(m)
	}
}

func globEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`, `[`, `\[`)
	return r.Replace(s)
}

// Same reports whether the working-tree file at path holds exactly the blob h (a missing file
// holds the zero hash), as Hash reads it.
func Same(root, path string, h plumbing.Hash) (bool, error) {
	full := filepath.Join(root, filepath.FromSlash(path))
	fi, err := os.Lstat(full)
	if errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return h.IsZero(), nil
	}
	if err != nil {
		return false, usererr.New(nil, err, "cannot read %s: %v", full, err)
	}
	k := KindOf(fi.Mode())
	if k != KindRegular && k != KindSymlink {
		return false, nil
	}
	got, err := Hash(full, k)
	return err == nil && got == h, err
}

// Remove deletes a file and the directories it leaves empty, like git does.
func Remove(root, path string) error {
	full := filepath.Join(root, filepath.FromSlash(path))
	if err := os.Remove(full); err != nil && !errors.Is(err, os.ErrNotExist) {
		if fi, serr := os.Lstat(full); serr == nil && fi.IsDir() {
			return nil // a submodule's folder, or a directory that is also the user's: leave it
		}
		return usererr.New(nil, err, "cannot remove %s: %v", full, err)
	}
	for dir := filepath.Dir(full); dir != root && strings.HasPrefix(dir, root); dir = filepath.Dir(dir) {
		if os.Remove(dir) != nil {
			break // not empty (or not ours to remove)
		}
	}
	return nil
}

// WriteEntry writes one file with its mode (a regular or executable file, a symbolic link
// whose target is content, or the empty folder of a submodule) and returns its stat data.
func WriteEntry(root, path string, mode filemode.FileMode, content []byte) (index.Stat, error) {
	full := filepath.Join(root, filepath.FromSlash(path))
	if fi, err := os.Lstat(full); err == nil && fi.IsDir() {
		// A directory whose files were all removed, where a file goes now.
		if err := os.Remove(full); err != nil {
			return index.Stat{}, usererr.New(nil, err, "cannot replace the directory %s with a file: %v", full, err)
		}
	}
	switch mode {
	case filemode.Symlink:
		if err := os.MkdirAll(filepath.Dir(full), 0o777); err != nil {
			return index.Stat{}, usererr.New(nil, err, "cannot create the directory %s: %v", filepath.Dir(full), err)
		}
		tmp := filepath.Join(filepath.Dir(full), "."+filepath.Base(full)+".incidentctl-link")
		os.Remove(tmp)
		if err := os.Symlink(string(content), tmp); err != nil {
			return index.Stat{}, usererr.New(nil, err, "cannot create the link %s: %v", full, err)
		}
		if err := os.Rename(tmp, full); err != nil {
			os.Remove(tmp)
			return index.Stat{}, usererr.New(nil, err, "cannot write %s: %v", full, err)
		}
		fi, err := os.Lstat(full)
		if err != nil {
			return index.Stat{}, usererr.New(nil, err, "cannot read back %s: %v", full, err)
		}
		st := index.StatOf(fi)
		st.Mode = uint32(filemode.Symlink)
		return st, nil
	case filemode.Submodule:
		// git leaves an empty folder for a submodule it does not check out.
		if err := os.MkdirAll(full, 0o777); err != nil {
			return index.Stat{}, usererr.New(nil, err, "cannot create %s: %v", full, err)
		}
		return index.Stat{Mode: uint32(filemode.Submodule)}, nil
	}
	if mode == filemode.Executable {
		st, err := write(root, path, content, 0o777)
		st.Mode = uint32(filemode.Executable)
		return st, err
	}
	return Write(root, path, content)
}

// HashFile computes a file's blob hash without holding it in memory (it may be a large file that
// has no business in the folder).
func HashFile(full string, size int64) (plumbing.Hash, error) {
	f, err := os.Open(full)
	if err != nil {
		return plumbing.ZeroHash, usererr.New(nil, err, "cannot read %s: %v", full, err)
	}
	defer f.Close()
	h := plumbing.NewHasher(plumbing.BlobObject, size)
	if n, err := io.Copy(h, f); err != nil || n != size {
		return plumbing.ZeroHash, usererr.New(nil, err, "cannot read %s (it changed while being read?): %v", full, err)
	}
	return h.Sum(), nil
}

// Kind is what a working-tree path is, as git sees it.
type Kind int

const (
	KindOther Kind = iota
	KindRegular
	KindSymlink
	KindDir
)

func KindOf(m fs.FileMode) Kind {
	switch {
	case m.IsRegular():
		return KindRegular
	case m&fs.ModeSymlink != 0:
		return KindSymlink
	case m.IsDir():
		return KindDir
	}
	return KindOther
}

// Hash is the blob name of a working-tree file: its content, or a link's target.
func Hash(full string, kind Kind) (plumbing.Hash, error) {
	if kind == KindSymlink {
		target, err := os.Readlink(full)
		if err != nil {
			return plumbing.ZeroHash, usererr.New(nil, err, "cannot read the link %s: %v", full, err)
		}
		return odb.BlobHash([]byte(target)), nil
	}
	fi, err := os.Lstat(full)
	if err != nil {
		return plumbing.ZeroHash, usererr.New(nil, err, "cannot read %s: %v", full, err)
	}
	return HashFile(full, fi.Size())
}
