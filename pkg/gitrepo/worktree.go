package gitrepo

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
)

// checkWorktreePath makes sure path can be written in the working tree: no
// parent is a file or a symbolic link (git never writes through a symlinked
// directory), and the path itself is not a directory. It runs before the
// branch moves, so a conflict leaves nothing half done.
func (r *Repo) checkWorktreePath(path string) error {
	parts := strings.Split(path, "/")
	cur := r.root
	for i, part := range parts {
		cur = filepath.Join(cur, part)
		fi, err := os.Lstat(cur)
		if errors.Is(err, os.ErrNotExist) {
			return nil // the rest will be created
		}
		if err != nil {
			return newUserError(nil, err, "cannot check %s in the working tree: %v", cur, err)
		}
		last := i == len(parts)-1
		switch {
		case last && fi.IsDir():
			return newUserError(nil, nil,
				"cannot write %s: it is a directory in the working tree; move it away first", path)
		case !last && fi.Mode()&os.ModeSymlink != 0:
			return newUserError(nil, nil,
				"cannot write %s: %s is a symbolic link in the working tree; replace it with a directory first",
				path, strings.Join(parts[:i+1], "/"))
		case !last && !fi.IsDir():
			return newUserError(nil, nil,
				"cannot write %s: %s is a file in the working tree; move it away first",
				path, strings.Join(parts[:i+1], "/"))
		}
	}
	return nil
}

// writeWorktreeFile replaces path with content atomically (a temporary file
// in the same directory renamed over it), so nobody ever sees a half-written
// file, and returns the stat data of the result for the index.
func (r *Repo) writeWorktreeFile(path string, content []byte) (statData, error) {
	full := filepath.Join(r.root, filepath.FromSlash(path))
	dir := filepath.Dir(full)
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return statData{}, newUserError(nil, err, "cannot create the directory %s: %v", dir, err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(full)+".incidentctl-*")
	if err != nil {
		return statData{}, newUserError(nil, err, "cannot write a temporary file in %s: %v", dir, err)
	}
	fail := func(err error) (statData, error) {
		tmp.Close()
		os.Remove(tmp.Name())
		return statData{}, newUserError(nil, err, "cannot write %s: %v", full, err)
	}
	if _, err := tmp.Write(content); err != nil {
		return fail(err)
	}
	// Committed with mode 100644, so the file is not executable.
	if err := tmp.Chmod(0o644); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		return fail(err)
	}
	if err := os.Rename(tmp.Name(), full); err != nil {
		os.Remove(tmp.Name())
		return statData{}, newUserError(nil, err, "cannot write %s: %v", full, err)
	}
	// Stat after the rename: renaming may change the inode's ctime.
	fi, err := os.Lstat(full)
	if err != nil {
		return statData{}, newUserError(nil, err, "cannot read back %s: %v", full, err)
	}
	return statOf(fi), nil
}
