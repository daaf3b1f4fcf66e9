package gitrepo

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

func TestOpenFromSubfolder(t *testing.T) {
	t.Parallel()
	dir := newRepo(t, map[string]string{"a/b/c.txt": "c\n"})
	for _, from := range []string{dir, filepath.Join(dir, "a"), filepath.Join(dir, "a", "b"), filepath.Join(dir, "a", "b", "c.txt")} {
		r := openRepo(t, from)
		if r.Root() != dir || r.GitDir() != filepath.Join(dir, ".git") || r.CommonDir() != filepath.Join(dir, ".git") {
			t.Errorf("Open(%s): root %s gitdir %s common %s", from, r.Root(), r.GitDir(), r.CommonDir())
		}
	}
}

func TestOpenNotARepository(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, err := Open(dir)
	if !errors.Is(err, ErrNotRepository) {
		t.Fatalf("err = %v", err)
	}
	if want := "not a git repository (or any parent): " + dir + "; run `git init` first, or pass -C <dir>"; err.Error() != want {
		t.Errorf("err = %q\nwant  %q", err, want)
	}
	_, err = Open(filepath.Join(dir, "missing"))
	if err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing dir: %v", err)
	}
}

func TestOpenUnsupportedExtensions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		config [][]string
		want   []string
	}{
		{"partialClone", [][]string{{"core.repositoryformatversion", "1"}, {"extensions.partialClone", "origin"}},
			[]string{"extensions.partialClone", "full clone"}},
		{"objectFormat", [][]string{{"core.repositoryformatversion", "1"}, {"extensions.objectFormat", "sha256"}},
			[]string{"extensions.objectFormat", "SHA-256"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := newRepo(t, map[string]string{"f": "f\n"})
			for _, kv := range tc.config {
				gitOut(t, dir, "config", kv[0], kv[1])
			}
			_, err := Open(filepath.Join(dir))
			if !errors.Is(err, ErrUnsupportedRepository) {
				t.Fatalf("err = %v", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not mention %q:\n%s", w, err)
				}
			}
		})
	}
}

// extensions.worktreeConfig (what `git sparse-checkout` and `git config --worktree` set) only
// moves config into config.worktree, which incidentctl reads: such a repository opens and takes
// commits, and its per-worktree config is honoured.
func TestOpenWorktreeConfig(t *testing.T) {
	t.Parallel()
	for _, version := range []string{"0", "1"} {
		dir := newRepo(t, map[string]string{"f": "f\n"})
		gitOut(t, dir, "config", "core.repositoryformatversion", version)
		gitOut(t, dir, "config", "extensions.worktreeConfig", "true")
		gitOut(t, dir, "config", "--worktree", "user.name", "Worktree Person")
		gitOut(t, dir, "config", "--worktree", "user.email", "wt@example.com")
		r := openRepo(t, dir)
		a, _, err := r.Identity(testTime)
		if err != nil || a.Name != "Worktree Person" {
			t.Errorf("v%s: identity from config.worktree: %+v %v", version, a, err)
		}
		mustCommitFiles(t, r, "with worktreeConfig", map[string]string{"g.md": "g\n"})
		assertCommitted(t, dir, map[string]string{"g.md": "g\n"})
	}
}
