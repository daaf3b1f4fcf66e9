package gitrepo

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/gitconfig"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/index"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/tree"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/worktree"
)

// The git command does the parts of a change the fast path does not implement faithfully:
// signing a commit (git commit-tree -S runs gpg.program / gpg.ssh.program / gpgsm as git
// commit would), computing a blob through the clean filters and end-of-line conversion of
// core.autocrlf and .gitattributes (git hash-object --path), and writing an index in a format
// the splice does not write (git update-index on a copy: version 4, split, sparse). Each run
// names this repository explicitly (GIT_DIR, GIT_WORK_TREE), so it can only ever work on the
// repository incidentctl opened.

// gitCommand finds git on PATH.
func gitCommand() (string, error) { return exec.LookPath("git") }

// needGit is the error for a change that needs git when git is not installed.
func needGit(why string) error {
	return newUserError(nil, nil,
		"%s, which only the git command does the way git commit would, and git is not installed "+
			"(or not on PATH): install git, or change that setting for this repository", why)
}

// gitRun runs git in the working tree with extra environment and stdin; it returns stdout.
func (r *Repo) gitRun(why string, env []string, stdin []byte, args ...string) ([]byte, error) {
	bin, err := gitCommand()
	if err != nil {
		return nil, needGit(why)
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = r.root
	cmd.Env = append(append(os.Environ(), "GIT_DIR="+r.gitDir, "GIT_WORK_TREE="+r.root), env...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	tracef("run: git %s", strings.Join(args, " "))
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(errOut.String())
		if msg == "" {
			msg = err.Error()
		}
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			return nil, newUserError(nil, err, "cannot run git %s: %v", args[0], err)
		}
		return nil, newUserError(nil, err, "git %s failed (%s): %s", args[0], why, msg)
	}
	return out.Bytes(), nil
}

// gitHash parses a hash git printed.
func gitHash(out []byte, what string) (plumbing.Hash, error) {
	s := strings.TrimSpace(string(out))
	if !plumbing.IsHash(s) {
		return plumbing.ZeroHash, fmt.Errorf("git %s printed %q, not an object name", what, s)
	}
	return plumbing.NewHash(s), nil
}

// gitDate is a time as git reads it from GIT_AUTHOR_DATE: "@<unix seconds> <+hhmm>".
func gitDate(s Signature) string {
	return fmt.Sprintf("@%d %s", s.When.Unix(), s.When.Format("-0700"))
}

// gitAvailable reports whether git is installed.
func (r *Repo) gitAvailable() bool {
	_, err := gitCommand()
	return err == nil
}

// gitIndexEdits has git write the new index for edits, into the held index.lock: a copy of the
// current index (content data) is updated by `git update-index` (which keeps every format and
// extension git knows: version 4, split and sparse indexes, the untracked cache), and its
// bytes become the lock's content. Paths whose working-tree file holds the new content are
// added from the working tree, so they get their stat data; the others get exactly the entry
// of the change (--index-info), and removals are removed.
func (r *Repo) gitIndexEdits(t *tx, edits []tree.Change, data []byte, why string) error {
	tracef("index: git update-index writes it (%s)", why)
	dir := filepath.Join(r.gitDir, "incidentctl")
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return newUserError(nil, err, "cannot create %s: %v", dir, err)
	}
	next := filepath.Join(dir, "next-index")
	os.Remove(next + ".lock")
	if err := os.WriteFile(next, data, 0o666); err != nil {
		return newUserError(nil, err, "cannot write %s: %v", next, err)
	}
	// The copy keeps the index's timestamp: git smudges the entries that are racy against it
	// (racy.go), and a copy made now would hide them.
	if fi, err := os.Stat(r.indexPath()); err == nil {
		os.Chtimes(next, fi.ModTime(), fi.ModTime())
	}
	defer os.Remove(next)
	env := []string{"GIT_INDEX_FILE=" + next}
	var fromFiles []string
	var info strings.Builder
	for _, e := range edits {
		switch {
		case e.New == nil:
			fmt.Fprintf(&info, "0 %s\t%s\n", plumbing.ZeroHash, e.Path)
		case e.New.Mode != filemode.Submodule:
			if same, _ := worktree.Same(r.root, e.Path, e.New.Hash); same {
				fromFiles = append(fromFiles, e.Path)
				continue
			}
			fallthrough
		default:
			fmt.Fprintf(&info, "%o %s\t%s\n", uint32(e.New.Mode), e.New.Hash, e.Path)
		}
	}
	if info.Len() > 0 {
		if _, err := r.gitRun(why, env, []byte(info.String()), "update-index", "--index-info"); err != nil {
			return err
		}
	}
	if len(fromFiles) > 0 {
		if _, err := r.gitRun(why, env, nil, append([]string{"update-index", "--add", "--remove", "--"}, fromFiles...)...); err != nil {
			return err
		}
	}
	b, err := os.ReadFile(next)
	if err != nil {
		return newUserError(nil, err, "cannot read %s: %v", next, err)
	}
	if err := t.index.Write(b); err != nil {
		return err
	}
	return nil
}

// gitDirtyIndex lists the edited paths whose index entries are neither the old tip's nor the
// new tip's, as git ls-files reads them.
func (r *Repo) gitDirtyIndex(edits []tree.Change) ([]string, error) {
	args := []string{"ls-files", "--stage", "-z", "--"}
	for _, e := range edits {
		args = append(args, e.Path)
	}
	out, err := r.gitRun("the index is in a format only git reads", []string{"GIT_INDEX_FILE=" + r.indexPath()}, nil, args...)
	if err != nil {
		return nil, err
	}
	staged := map[string][]string{}
	for _, rec := range strings.Split(string(out), "\x00") {
		meta, path, ok := strings.Cut(rec, "\t")
		if ok {
			staged[path] = append(staged[path], meta)
		}
	}
	var dirty []string
	for _, e := range edits {
		got := staged[e.Path]
		want := func(f *tree.File) string {
			if f == nil {
				return ""
			}
			return fmt.Sprintf("%06o %s 0", uint32(f.Mode), f.Hash)
		}
		switch {
		case len(got) == 0 && (e.Old == nil || e.New == nil):
		case len(got) == 1 && (got[0] == want(e.Old) || got[0] == want(e.New)):
		default:
			dirty = append(dirty, e.Path)
		}
	}
	return dirty, nil
}

// gitIndexEntries reads the index entries of one path with git ls-files (for an index only git
// reads: split or sparse).
func (r *Repo) gitIndexEntries(path string) ([]index.EntryInfo, error) {
	out, err := r.gitRun("the index is in a format only git reads", []string{"GIT_INDEX_FILE=" + r.indexPath()}, nil,
		"ls-files", "--stage", "-z", "--", path)
	if err != nil {
		return nil, err
	}
	var found []index.EntryInfo
	for _, rec := range strings.Split(string(out), "\x00") {
		meta, p, ok := strings.Cut(rec, "\t")
		f := strings.Fields(meta)
		if !ok || p != path || len(f) != 3 || !plumbing.IsHash(f[1]) {
			continue
		}
		found = append(found, index.EntryInfo{Hash: plumbing.NewHash(f[1]), Stage: int(f[2][0] - '0')})
	}
	return found, nil
}

// specialIndex says why git should write this index for a commit (index.Special), looking
// past the header only when the repository may have a split or sparse index: finding the
// extensions means skimming every entry, which the common case must not pay for. Version 4 is
// spliced natively (index/v4.go).
func (r *Repo) specialIndex(data []byte) string {
	if !r.maySplitOrSparse() {
		return ""
	}
	return index.Special(data)
}

// specialEditsIndex is specialIndex for Integrate's and the recovery's edits (index.PlanEdits),
// which splice versions 2 and 3 only: git writes a version 4 index for them.
func (r *Repo) specialEditsIndex(data []byte) string {
	if index.Version(data) == 4 {
		return index.SpecialV4
	}
	return r.specialIndex(data)
}

// prepareSplit plans a commit's index on a split index (index.PrepareSplit) with this
// repository's settings: core.splitIndex=false makes git write the index whole again, and
// splitIndex.maxPercentChange says when git writes a new shared index (both: *index.NeedsGit).
func (r *Repo) prepareSplit(indexPath string, data []byte, updates []index.Update) (*index.Plan, error) {
	maxPercent := index.DefaultMaxPercentChange
	if cfg, err := r.config(); err == nil {
		if v := cfg.Get("core", "splitindex"); v != "" && !gitconfig.ParseBool(v) {
			return nil, &index.NeedsGit{Why: "core.splitIndex is false: git writes the index whole again"}
		}
		if v := strings.TrimSpace(cfg.Get("splitindex", "maxpercentchange")); v != "" {
			if n, err := strconv.Atoi(v); err == nil && n >= 0 && n <= 100 {
				maxPercent = n
			}
		}
	}
	return index.PrepareSplit(indexPath, data, updates, maxPercent)
}

// maySplitOrSparse: split index or sparse index settings, or shared index files.
func (r *Repo) maySplitOrSparse() bool {
	if cfg, err := r.config(); err == nil {
		for _, k := range [][2]string{{"core", "splitindex"}, {"index", "sparse"}, {"core", "sparsecheckout"}} {
			if gitconfig.ParseBool(cfg.Get(k[0], k[1])) {
				return true
			}
		}
	}
	m, _ := filepath.Glob(filepath.Join(r.gitDir, "sharedindex.*"))
	return len(m) > 0
}
