// Package gitrepo is incidentctl's git storage, and the one package the domain calls. It opens a
// repository, resolves the user's git identity the way git does, reads files at HEAD, and
// records changes to a few files as one commit with git plumbing: blobs, the trees along the
// changed paths, the commit, a compare-and-swap of the branch under git's own lock files, the
// working tree files, and a splice of the changed entries into .git/index. It never scans the
// working tree, so the cost of a commit does not grow with the number of files in the
// repository. It also integrates fetched commits, talks to remotes and answers the history
// questions lint --base asks.
//
// The parts of git it is made of each have a room of their own below it, and depend on each
// other one way only (ARCHITECTURE.md draws the map):
//
//	remote     fetch, push, transports, credentials
//	revwalk    merge bases, reachability, what a push must send
//	worktree   files in the working tree: written atomically, checked, hashed, stat'ed
//	index      the index file: mapped, found in, spliced, checksummed, extensions
//	tree       tree objects: raw entries, lookup along a path, build, edit, diff
//	refs       HEAD, refs, packed-refs, compare-and-swap under <ref>.lock, reflogs
//	odb        the object database: loose and packed objects, read and written
//	gitconfig  config files in git's order, includes, adding settings
//	lockfile   git's lock protocol (<file>.lock, O_EXCL, rename over)
//
// The package knows nothing about incidents.
//
// A Repo is not safe for concurrent use by several goroutines (neither is the
// go-git repository inside it). Separate processes are fine: they exclude each
// other through git's lock files, exactly like git itself.
package gitrepo

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-billy/v5/osfs"
	git "github.com/go-git/go-git/v5"
	gogitconfig "github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing/cache"
	cfgformat "github.com/go-git/go-git/v5/plumbing/format/config"
	"github.com/go-git/go-git/v5/storage/filesystem"
	"github.com/go-git/go-git/v5/storage/filesystem/dotgit"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/gitconfig"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/perm"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/smallfile"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/lockfile"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/odb"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/refs"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/remote"
)

// Repo is an open, non-bare git repository with a working tree.
type Repo struct {
	repo      *git.Repository
	root      string // absolute top level of the working tree
	gitDir    string // this working tree's git dir (.git, or .git/worktrees/<name>)
	commonDir string // the shared git dir: objects, refs, config

	indexFile string // $GIT_INDEX_FILE, or <git dir>/index

	// NoVerify makes every commit skip the pre-commit and commit-msg hooks (--no-verify).
	NoVerify bool

	objects *odb.Store
	refs    *refs.Store
	remotes *remote.Remotes
	locks   *lockfile.Locker
	cfg     *gitconfig.Set // every config value git reads here (config(), read once)
	notes   []string       // what Open repaired (Notes)
}

// Root returns the absolute top-level directory of the working tree.
func (r *Repo) Root() string { return r.root }

// GitDir returns this working tree's git directory. For the main working tree
// it is <root>/.git; for a linked working tree (git worktree add) it is
// <main>/.git/worktrees/<name>. HEAD, index and logs/HEAD live here.
func (r *Repo) GitDir() string { return r.gitDir }

// CommonDir returns the git directory shared by all working trees: objects,
// refs, packed-refs and the repository config live here.
func (r *Repo) CommonDir() string { return r.commonDir }

// Git returns the underlying go-git repository, for read-only use by callers
// that need more than this package offers.
func (r *Repo) Git() *git.Repository { return r.repo }

// Close releases file descriptors go-git may keep open. The Repo must not be
// used afterwards.
func (r *Repo) Close() error {
	if c, ok := r.repo.Storer.(interface{ Close() error }); ok {
		return c.Close()
	}
	return nil
}

// Open finds the repository containing dir. dir may be any folder inside the
// working tree, including one inside a linked working tree.
func Open(dir string) (*Repo, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, newUserError(nil, err, "cannot resolve the directory %q: %v", dir, err)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, newUserError(ErrNotRepository, err,
				"the directory %s does not exist; pass -C <dir> with the folder of your repository", abs)
		}
		return nil, newUserError(nil, err, "cannot read the directory %s: %v", abs, err)
	}
	if !fi.IsDir() {
		abs = filepath.Dir(abs)
	}

	root, gitDir, commonDir, err := locate(abs)
	if err != nil {
		return nil, err
	}
	g, err := openGoGit(root, gitDir, commonDir)
	if err != nil {
		return nil, openError(root, commonDir, err)
	}
	r := &Repo{repo: g, root: root, gitDir: gitDir, commonDir: commonDir, indexFile: filepath.Join(gitDir, "index")}
	if v := os.Getenv("GIT_INDEX_FILE"); v != "" {
		if !filepath.IsAbs(v) {
			v = filepath.Join(abs, v)
		}
		r.indexFile = v
	}
	r.refs = refs.New(gitDir, commonDir, nil, 0) // for the config's includeIf onbranch:
	var shared perm.Shared
	// A config git cannot read either is reported by what needs it (Identity, Commit).
	if cfg, err := r.config(); err == nil {
		if gitconfig.ParseBool(cfg.Get("core", "bare")) && os.Getenv("GIT_WORK_TREE") == "" {
			return nil, newUserError(ErrNotRepository, nil,
				"%s is a bare repository (core.bare is true): incidentctl needs a working tree; clone it (git clone %s) and run incidentctl in the clone", gitDir, gitDir)
		}
		if shared, err = perm.Parse(cfg.Get("core", "sharedrepository")); err != nil {
			return nil, newUserError(nil, err, "%v; fix it with `git config core.sharedRepository group` (or umask)", err)
		}
	}
	r.locks = &lockfile.Locker{MarkDir: filepath.Join(commonDir, "incidentctl", "locks"), Shared: shared, Wait: LockWait}
	r.objects = odb.New(commonDir, g.Storer, shared)
	r.refs = refs.New(gitDir, commonDir, r.locks, shared)
	r.remotes = remote.New(g, root, commonDir, r.refs, r.objects)
	tracef("open: working tree %s, git dir %s, index %s", root, gitDir, r.indexFile)
	if err := r.recoverInterrupted(); err != nil {
		// A read-only checkout, or a lock held right now: reading works on, and the next
		// change completes it first (tx.begin).
		r.note("an interrupted change could not be completed yet (%v); the next change completes it", err)
	}
	return r, nil
}

// LockWait is how long a change waits for a lock another git command holds before giving up
// with a sentence naming it (lockfile.DefaultWait; tests make it short).
var LockWait = lockfile.DefaultWait

// locate finds the working tree and git dirs the way git does: $GIT_DIR (with
// $GIT_WORK_TREE, core.worktree, or the current folder as the top of the working tree) when set,
// else discovery upwards from dir; $GIT_COMMON_DIR overrides the commondir file. Settings that
// move objects elsewhere ($GIT_OBJECT_DIRECTORY, $GIT_ALTERNATE_OBJECT_DIRECTORIES) are refused:
// a commit must go to the repository git would commit to.
func locate(dir string) (root, gitDir, commonDir string, err error) {
	for _, v := range []string{"GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES"} {
		if os.Getenv(v) != "" {
			return "", "", "", newUserError(ErrUnsupportedRepository, nil,
				"%s is set, which incidentctl does not support; unset it (unset %s) and run the command again", v, v)
		}
	}
	envDir := os.Getenv("GIT_DIR")
	if envDir == "" {
		root, gitDir, commonDir, err = discover(dir)
		if err != nil {
			return "", "", "", err
		}
		if wt := os.Getenv("GIT_WORK_TREE"); wt != "" {
			root = absFrom(dir, wt)
		}
	} else {
		gitDir = absFrom(dir, envDir)
		fi, err := os.Stat(gitDir)
		switch {
		case err != nil:
			return "", "", "", newUserError(ErrNotRepository, err, "GIT_DIR=%s: %v; set GIT_DIR to a git directory, or unset it", envDir, err)
		case !fi.IsDir():
			if gitDir, err = readGitFile(gitDir); err != nil {
				return "", "", "", err
			}
		}
		if _, err := os.Stat(filepath.Join(gitDir, "HEAD")); err != nil {
			return "", "", "", newUserError(ErrNotRepository, err,
				"GIT_DIR=%s is not a git directory (it has no HEAD file); set GIT_DIR to a git directory, or unset it", envDir)
		}
		if commonDir, err = commonDirOf(gitDir, ""); err != nil {
			return "", "", "", err
		}
		switch wt := os.Getenv("GIT_WORK_TREE"); {
		case wt != "":
			root = absFrom(dir, wt)
		case configWorktree(commonDir) != "":
			root = absFrom(gitDir, configWorktree(commonDir))
		default:
			root = dir // git takes the current folder as the top of the working tree
		}
	}
	if v := os.Getenv("GIT_COMMON_DIR"); v != "" {
		commonDir = absFrom(dir, v)
	}
	if fi, err := os.Stat(root); err != nil || !fi.IsDir() {
		return "", "", "", newUserError(ErrNotRepository, err, "the working tree %s does not exist; check GIT_WORK_TREE and core.worktree", root)
	}
	return filepath.Clean(root), filepath.Clean(gitDir), filepath.Clean(commonDir), nil
}

func absFrom(base, p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(base, p)
}

// configWorktree reads core.worktree from the repository's own config.
func configWorktree(commonDir string) string {
	b, err := os.ReadFile(filepath.Join(commonDir, "config"))
	if err != nil {
		return ""
	}
	cfg := cfgformat.New()
	if err := cfgformat.NewDecoder(bytes.NewReader(b)).Decode(cfg); err != nil {
		return ""
	}
	return cfg.Section("core").Option("worktree")
}

// openGoGit opens the go-git repository on storage for the git dir (sharing objects and refs
// with commonDir for a linked working tree) and the working tree root.
func openGoGit(root, gitDir, commonDir string) (*git.Repository, error) {
	var fs billy.Filesystem = osfs.New(gitDir)
	if commonDir != gitDir {
		fs = dotgit.NewRepositoryFilesystem(fs, osfs.New(commonDir))
	}
	st := &gogitStorage{Storage: filesystem.NewStorage(fs, cache.NewObjectLRUDefault())}
	return git.Open(st, osfs.New(root))
}

// gogitStorage is go-git's storage with one difference: extensions.worktreeConfig (set by
// `git sparse-checkout` and `git config --worktree`) is not shown to go-git, which refuses to
// open a repository with an extension it does not know. That extension changes only where
// config is read from, and incidentctl reads config itself (gitconfig.Load reads
// config.worktree); every other extension is still refused.
type gogitStorage struct {
	*filesystem.Storage
}

func (s *gogitStorage) Config() (*gogitconfig.Config, error) {
	cfg, err := s.Storage.Config()
	if err != nil || cfg.Raw == nil || !cfg.Raw.HasSection("extensions") {
		return cfg, err
	}
	ext := cfg.Raw.Section("extensions")
	for _, o := range ext.Options {
		if strings.EqualFold(o.Key, "worktreeconfig") {
			ext.RemoveOption(o.Key)
			break
		}
	}
	if len(ext.Options) == 0 {
		cfg.Raw.RemoveSection("extensions")
	}
	return cfg, nil
}

// discover walks up from dir to the first folder holding a .git directory or
// .git file, like git does, and returns the three locations a Repo needs.
func discover(dir string) (root, gitDir, commonDir string, err error) {
	for cur := dir; ; {
		candidate := filepath.Join(cur, ".git")
		fi, statErr := os.Stat(candidate)
		switch {
		case statErr == nil && fi.IsDir():
			root, gitDir = cur, candidate
		case statErr == nil:
			gitDir, err = readGitFile(candidate)
			if err != nil {
				return "", "", "", err
			}
			root = cur
		case !errors.Is(statErr, os.ErrNotExist):
			return "", "", "", newUserError(nil, statErr, "cannot read %s: %v", candidate, statErr)
		}
		if root != "" {
			break
		}
		parent := filepath.Dir(cur)
		if parent == cur {
			return "", "", "", newUserError(ErrNotRepository, nil,
				"not a git repository (or any parent): %s; run `git init` first, or pass -C <dir>", dir)
		}
		cur = parent
	}

	if _, err := os.Stat(filepath.Join(gitDir, "HEAD")); err != nil {
		return "", "", "", newUserError(ErrNotRepository, err,
			"%s is not a valid git directory (it has no HEAD file); check the repository with `git status`", gitDir)
	}

	commonDir, err = commonDirOf(gitDir, root)
	return root, gitDir, commonDir, err
}

// commonDirOf is the shared git directory of gitDir: the one its "commondir" file names
// (a linked working tree's), or gitDir itself.
func commonDirOf(gitDir, root string) (string, error) {
	// A linked working tree's git dir names the shared directory in its
	// "commondir" file, relative to itself.
	commonDir := gitDir
	if b, err := smallfile.ReadFile(filepath.Join(gitDir, "commondir")); err == nil {
		p := strings.TrimSpace(string(b))
		if !filepath.IsAbs(p) {
			p = filepath.Join(gitDir, p)
		}
		commonDir = filepath.Clean(p)
		if _, err := os.Stat(commonDir); err != nil {
			return "", newUserError(ErrNotRepository, err,
				"the linked working tree %s belongs to the repository %s, which no longer exists; "+
					"remove this folder, or run `git worktree repair` from the main working tree", root, commonDir)
		}
	}
	return commonDir, nil
}

// readGitFile reads a ".git" file ("gitdir: <path>"), which linked working
// trees and submodules use instead of a directory.
func readGitFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", newUserError(nil, err, "cannot read %s: %v", path, err)
	}
	line, _, _ := strings.Cut(string(b), "\n")
	target, ok := strings.CutPrefix(strings.TrimSpace(line), "gitdir:")
	if !ok {
		return "", newUserError(ErrNotRepository, nil,
			"%s is not a valid .git file (it does not start with \"gitdir:\"); fix or remove it", path)
	}
	target = strings.TrimSpace(target)
	if !filepath.IsAbs(target) {
		target = filepath.Join(filepath.Dir(path), target)
	}
	target = filepath.Clean(target)
	if fi, err := os.Stat(target); err != nil || !fi.IsDir() {
		return "", newUserError(ErrNotRepository, err,
			"%s points to %s, which is not a git directory; if this is a linked working tree whose repository moved, "+
				"run `git worktree repair` from the main working tree", path, target)
	}
	return target, nil
}

// openError turns go-git's open errors into sentences that say what to do.
func openError(root, commonDir string, err error) error {
	switch {
	case errors.Is(err, git.ErrUnknownExtension),
		errors.Is(err, git.ErrUnsupportedExtensionRepositoryFormatVersion):
		names := configuredExtensions(filepath.Join(commonDir, "config"))
		if len(names) == 0 {
			// Fall back to the names go-git put after the sentinel text.
			_, list, _ := strings.Cut(err.Error(), ": ")
			for _, n := range strings.Split(list, ",") {
				if n = strings.TrimSpace(n); n != "" {
					names = append(names, n)
				}
			}
		}
		return extensionError(root, names, err)
	case errors.Is(err, git.ErrUnsupportedRepositoryFormatVersion):
		return newUserError(ErrUnsupportedRepository, err,
			"the repository at %s uses a repository format version (core.repositoryformatversion) that incidentctl "+
				"cannot work with; use a clone made by a standard git installation", root)
	case errors.Is(err, git.ErrRepositoryIncomplete):
		return newUserError(ErrNotRepository, err,
			"the linked working tree %s belongs to a repository that no longer exists; "+
				"run `git worktree repair` from the main working tree", root)
	case errors.Is(err, git.ErrRepositoryNotExists):
		return newUserError(ErrNotRepository, err,
			"not a git repository (or any parent): %s; run `git init` first, or pass -C <dir>", root)
	}
	return newUserError(nil, err, "cannot open the git repository at %s: %v; check it with `git status`", root, err)
}

// configuredExtensions lists the keys of the [extensions] section of a config
// file, spelled as in the file, using go-git's config decoder.
func configuredExtensions(path string) []string {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	cfg := cfgformat.New()
	if err := cfgformat.NewDecoder(bytes.NewReader(b)).Decode(cfg); err != nil {
		return nil
	}
	var names []string
	for _, s := range cfg.Sections {
		if !s.IsName("extensions") {
			continue
		}
		for _, o := range s.Options {
			names = append(names, o.Key)
		}
	}
	sort.Strings(names)
	return names
}

// extensionError explains which extension blocks us and what the user can do.
func extensionError(root string, names []string, cause error) error {
	if len(names) == 0 {
		names = []string{"(unknown)"}
	}
	var exts, hints []string
	for _, n := range names {
		exts = append(exts, "extensions."+n)
		switch strings.ToLower(n) {
		case "worktreeconfig":
			exts[len(exts)-1] += " (set by `git sparse-checkout` or `git config --worktree`)"
			hints = append(hints, "if you do not need sparse checkout or per-worktree config, run "+
				"`git sparse-checkout disable` and `git config --unset extensions.worktreeConfig`; "+
				"otherwise run incidentctl in a regular full clone")
		case "partialclone":
			exts[len(exts)-1] += " (this is a partial clone made with `git clone --filter`)"
			hints = append(hints, "run incidentctl in a full clone (`git clone` without --filter)")
		case "objectformat":
			exts[len(exts)-1] += " (the repository uses SHA-256 object names)"
			hints = append(hints, "use a SHA-1 repository for incidents (`git init --object-format=sha1`)")
		case "refstorage":
			exts[len(exts)-1] += " (refs are stored in the reftable format)"
			hints = append(hints, "convert the refs with `git refs migrate --ref-format=files`, or use a clone with the default ref format")
		default:
			hints = append(hints, fmt.Sprintf("run incidentctl in a clone without extensions.%s", n))
		}
	}
	noun := "extension"
	if len(exts) > 1 {
		noun = "extensions"
	}
	return newUserError(ErrUnsupportedRepository, cause,
		"the repository at %s uses the git %s %s, which incidentctl cannot work with; %s",
		root, noun, strings.Join(exts, ", "), strings.Join(hints, "; "))
}
