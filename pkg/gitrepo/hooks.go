package gitrepo

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// Hooks run the way git commit runs them (githooks(5)): from the top of the working tree, with
// GIT_INDEX_FILE naming an index that holds exactly what is being committed (git commit
// <paths> does the same with its temporary index), GIT_EDITOR=":", no stdin, and their output
// on stderr. pre-commit and commit-msg can stop the commit (--no-verify skips both);
// prepare-commit-msg and commit-msg may edit the message; post-commit runs after the commit and
// cannot undo it.

// hookError is a hook that stopped the commit.
func hookError(name, path string, err error) error {
	return newUserError(nil, err,
		"the %s hook (%s) stopped the commit (%v); nothing was committed: fix what it reports, "+
			"or pass --no-verify to skip the pre-commit and commit-msg hooks", name, path, err)
}

// runHook runs one hook; env is added to the environment.
func (r *Repo) runHook(name, path string, env []string, args ...string) error {
	tracef("hook: %s %s", name, strings.Join(args, " "))
	cmd := exec.Command(path, args...)
	cmd.Dir = r.root
	cmd.Env = append(append(os.Environ(), "GIT_EDITOR=:"), env...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	return cmd.Run()
}

// hookIndex writes an index holding the tree being committed, with the stat data of the
// working-tree files that match it, for the hooks' GIT_INDEX_FILE.
func (r *Repo) hookIndex(treeHash plumbing.Hash) (string, error) {
	dir := filepath.Join(r.gitDir, "incidentctl")
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return "", newUserError(nil, err, "cannot create %s: %v", dir, err)
	}
	path := filepath.Join(dir, "hook-index")
	os.Remove(path)
	env := []string{"GIT_INDEX_FILE=" + path}
	if _, err := r.gitRun("the commit hooks need an index of what is committed", env, nil, "read-tree", treeHash.String()); err != nil {
		return "", err
	}
	// Stat data, so that `git diff` in a hook does not read every file; files that differ
	// make it exit 1, which is not an error here.
	r.gitRun("the commit hooks need an index of what is committed", env, nil, "update-index", "-q", "--refresh")
	return path, nil
}

// messageHooks runs prepare-commit-msg and commit-msg over msg and returns the message they
// leave (in $GIT_DIR/COMMIT_EDITMSG, as git commit does).
func (r *Repo) messageHooks(w *commitWay, msg, indexFile string) (string, error) {
	_, prep := w.hooks["prepare-commit-msg"]
	_, check := w.hooks["commit-msg"]
	if !prep && !check {
		return msg, nil
	}
	file := filepath.Join(r.gitDir, "COMMIT_EDITMSG")
	if err := os.WriteFile(file, []byte(msg), 0o666); err != nil {
		return "", newUserError(nil, err, "cannot write %s: %v", file, err)
	}
	env := []string{"GIT_INDEX_FILE=" + indexFile}
	if prep {
		if err := r.runHook("prepare-commit-msg", w.hooks["prepare-commit-msg"], env, file, "message"); err != nil {
			return "", hookError("prepare-commit-msg", w.hooks["prepare-commit-msg"], err)
		}
	}
	if check {
		if err := r.runHook("commit-msg", w.hooks["commit-msg"], env, file); err != nil {
			return "", hookError("commit-msg", w.hooks["commit-msg"], err)
		}
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", newUserError(nil, err, "cannot read the message back from %s: %v", file, err)
	}
	return cleanupMessage(string(b))
}

// cleanupMessage is git's default cleanup of a message a hook may have edited ("strip" for a
// message that went through an editor: comment lines and surrounding blank lines go).
func cleanupMessage(s string) (string, error) {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, "#") {
			continue
		}
		lines = append(lines, strings.TrimRight(l, " \t\r"))
	}
	return commitMessage(strings.Join(lines, "\n"))
}

// signedCommit makes the commit object with git commit-tree -S, which signs it the way git
// commit does (gpg.format, user.signingkey, gpg.program, gpg.ssh.program).
func (r *Repo) signedCommit(w *commitWay, treeHash plumbing.Hash, parents []plumbing.Hash, msg string, author, committer Signature) (plumbing.Hash, error) {
	args := []string{"commit-tree", treeHash.String()}
	for _, p := range parents {
		args = append(args, "-p", p.String())
	}
	args = append(args, "-S", "-F", "-")
	env := []string{
		"GIT_AUTHOR_NAME=" + author.Name, "GIT_AUTHOR_EMAIL=" + author.Email, "GIT_AUTHOR_DATE=" + gitDate(author),
		"GIT_COMMITTER_NAME=" + committer.Name, "GIT_COMMITTER_EMAIL=" + committer.Email, "GIT_COMMITTER_DATE=" + gitDate(committer),
	}
	out, err := r.gitRun(w.signWhy, env, []byte(msg), args...)
	if err != nil {
		return plumbing.ZeroHash, newUserError(nil, err,
			"cannot sign the commit (%s): %v; check the signing setup with `git commit --allow-empty -m test`, "+
				"or unset commit.gpgsign for this repository", w.signWhy, err)
	}
	return gitHash(out, "commit-tree")
}

// convertedBlob writes content as git add would store it at path (clean filters, ident,
// end-of-line conversion), through git hash-object.
func (r *Repo) convertedBlob(path string, content []byte) (plumbing.Hash, error) {
	out, err := r.gitRun(path+" is converted on its way into git (.gitattributes or core.autocrlf)", nil, content,
		"hash-object", "-w", "-t", "blob", "--path="+path, "--stdin")
	if err != nil {
		return plumbing.ZeroHash, err
	}
	return gitHash(out, "hash-object")
}

// convertedHash is the blob git add would make of the working-tree file at path.
func (r *Repo) convertedHash(path string) (plumbing.Hash, error) {
	out, err := r.gitRun(path+" is converted on its way into git (.gitattributes or core.autocrlf)", nil, nil,
		"hash-object", "--", path)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	return gitHash(out, "hash-object")
}
