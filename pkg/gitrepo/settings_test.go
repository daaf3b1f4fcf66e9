package gitrepo

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// needTool skips a test whose external tool is missing, unless INCIDENTCTL_REQUIRE_TOOLS=1.
func needTool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("INCIDENTCTL_REQUIRE_TOOLS") == "1" {
			t.Fatalf("%s is required (INCIDENTCTL_REQUIRE_TOOLS=1) but not installed", name)
		}
		t.Skipf("%s is not installed", name)
	}
}

func writeHook(t *testing.T, dir, name, script string) {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+script), 0o755); err != nil {
		t.Fatal(err)
	}
}

// The commit hooks run as git commit runs them: pre-commit sees exactly what is committed
// through GIT_INDEX_FILE and the file in the working tree, and can stop the commit (nothing
// changes); commit-msg can edit the message; post-commit runs after; NoVerify skips the
// first two; core.hooksPath moves them.
func TestCommitHooks(t *testing.T) {
	t.Parallel()
	dir := newRepo(t, map[string]string{"incidents/a.md": "one\n", "other.txt": "o\n"})
	writeFile(t, dir, "other.txt", "staged by the user\n")
	gitOut(t, dir, "add", "other.txt") // not part of incidentctl's commit: the hook must not see it
	out := t.TempDir()
	hooks := filepath.Join(dir, ".githooks")
	gitOut(t, dir, "config", "core.hooksPath", ".githooks")
	writeHook(t, hooks, "pre-commit", `
git diff --cached --name-only > "`+out+`/staged"
cat incidents/a.md > "`+out+`/worktree"
grep -q SECRET incidents/a.md && { echo "secret found" >&2; exit 1; }
exit 0
`)
	writeHook(t, hooks, "commit-msg", `echo "Checked-by: hook" >> "$1"`)
	writeHook(t, hooks, "post-commit", `git rev-parse HEAD > "`+out+`/post"`)
	r := openRepo(t, dir)

	c := mustCommitFiles(t, r, "log: two", map[string]string{"incidents/a.md": "one\ntwo\n"})
	if got := readFile(t, out, "staged"); got != "incidents/a.md\n" {
		t.Errorf("pre-commit saw staged %q, want only incidents/a.md", got)
	}
	if got := readFile(t, out, "worktree"); got != "one\ntwo\n" {
		t.Errorf("pre-commit saw the working-tree file %q", got)
	}
	if got := gitOut(t, dir, "log", "-1", "--format=%B"); !strings.Contains(got, "Checked-by: hook") {
		t.Errorf("commit-msg's trailer is missing: %q", got)
	}
	if got := strings.TrimSpace(readFile(t, out, "post")); got != c.String() {
		t.Errorf("post-commit saw HEAD %s, want %s", got, c)
	}
	assertCommitted(t, dir, map[string]string{"incidents/a.md": "one\ntwo\n"})
	if got := gitOut(t, dir, "diff", "--cached", "--name-only"); got != "other.txt\n" {
		t.Errorf("the user's staged change: %q", got)
	}

	// A refusal changes nothing: the file the hook saw is put back (its stat data differ, so
	// the index bytes may too once git status refreshes them, as after any touch).
	before := takeSnapshot(t, dir, "incidents/a.md")
	_, err := commitFiles(t, r, "log: secret", map[string]string{"incidents/a.md": "one\ntwo\nSECRET\n"})
	if err == nil || !strings.Contains(err.Error(), "pre-commit hook") || !strings.Contains(err.Error(), "--no-verify") {
		t.Fatalf("err = %v", err)
	}
	after := takeSnapshot(t, dir, "incidents/a.md")
	after.index = before.index
	before.assertSame(t, after)

	// --no-verify: pre-commit and commit-msg skipped, post-commit runs.
	os.Remove(filepath.Join(out, "post"))
	r.NoVerify = true
	c = mustCommitFiles(t, r, "log: secret anyway", map[string]string{"incidents/a.md": "one\ntwo\nSECRET\n"})
	r.NoVerify = false
	if got := gitOut(t, dir, "log", "-1", "--format=%B"); strings.Contains(got, "Checked-by") {
		t.Errorf("commit-msg ran with NoVerify: %q", got)
	}
	if got := strings.TrimSpace(readFile(t, out, "post")); got != c.String() {
		t.Errorf("post-commit did not run with NoVerify")
	}
	fsck(t, dir)
}

// commit.gpgsign with an SSH key: the commit is signed as git commit signs it, and git
// verify-commit accepts it. The key is made here, in the test's temporary folder.
func TestCommitSignedSSH(t *testing.T) {
	t.Parallel()
	needTool(t, "ssh-keygen")
	dir := newRepo(t, map[string]string{"f.md": "f\n"})
	key := filepath.Join(t.TempDir(), "id_ed25519")
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "test", "-f", key).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
	pub, err := os.ReadFile(key + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	signers := filepath.Join(t.TempDir(), "allowed_signers")
	os.WriteFile(signers, []byte("alice@example.com "+string(pub)), 0o644)
	for _, kv := range [][2]string{{"commit.gpgsign", "true"}, {"gpg.format", "ssh"}, {"user.signingkey", key}, {"gpg.ssh.allowedSignersFile", signers}} {
		gitOut(t, dir, "config", kv[0], kv[1])
	}
	r := openRepo(t, dir)
	mustCommitFiles(t, r, "signed", map[string]string{"f.md": "g\n"})
	if raw := gitOut(t, dir, "cat-file", "commit", "HEAD"); !strings.Contains(raw, "-----BEGIN SSH SIGNATURE-----") {
		t.Fatalf("the commit is not signed:\n%s", raw)
	}
	if _, errOut, err := gitRun(dir, nil, "verify-commit", "HEAD"); err != nil {
		t.Errorf("git verify-commit: %v\n%s", err, errOut)
	}
	assertCommitted(t, dir, map[string]string{"f.md": "g\n"})

	// A signing setup that fails refuses, and says what to do.
	gitOut(t, dir, "config", "user.signingkey", filepath.Join(t.TempDir(), "missing"))
	r2 := openRepo(t, dir)
	before := takeSnapshot(t, dir, "f.md")
	if _, err := commitFiles(t, r2, "unsigned", map[string]string{"f.md": "h\n"}); err == nil || !strings.Contains(err.Error(), "cannot sign") {
		t.Fatalf("err = %v", err)
	}
	before.assertSame(t, takeSnapshot(t, dir, "f.md"))
}

// commit.gpgsign with an OpenPGP key from gpg.program.
func TestCommitSignedOpenPGP(t *testing.T) {
	needTool(t, "gpg")
	home := t.TempDir()
	t.Setenv("GNUPGHOME", home)
	t.Cleanup(func() { exec.Command("gpgconf", "--kill", "gpg-agent").Run() })
	gen := exec.Command("gpg", "--batch", "--passphrase", "", "--quick-gen-key", "Alice Example <alice@example.com>", "ed25519", "sign", "never")
	if out, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("gpg --quick-gen-key: %v\n%s", err, out)
	}
	dir := newRepo(t, map[string]string{"f.md": "f\n"})
	gitOut(t, dir, "config", "commit.gpgsign", "true")
	gitOut(t, dir, "config", "user.signingkey", "alice@example.com")
	gpg, _ := exec.LookPath("gpg")
	gitOut(t, dir, "config", "gpg.program", gpg)
	r := openRepo(t, dir)
	mustCommitFiles(t, r, "signed", map[string]string{"f.md": "g\n"})
	if raw := gitOut(t, dir, "cat-file", "commit", "HEAD"); !strings.Contains(raw, "-----BEGIN PGP SIGNATURE-----") {
		t.Fatalf("the commit is not signed:\n%s", raw)
	}
	if _, errOut, err := gitRun(dir, nil, "verify-commit", "HEAD"); err != nil {
		t.Errorf("git verify-commit: %v\n%s", err, errOut)
	}
}

// gpg.format=x509: git signs with gpgsm. The certificate is made with openssl here and
// imported into a GNUPGHOME of the test's own.
func TestCommitSignedX509(t *testing.T) {
	needTool(t, "gpgsm")
	needTool(t, "openssl")
	home := t.TempDir()
	t.Setenv("GNUPGHOME", home)
	t.Cleanup(func() { exec.Command("gpgconf", "--kill", "gpg-agent").Run() })
	os.WriteFile(filepath.Join(home, "gpg-agent.conf"), []byte("allow-loopback-pinentry\n"), 0o600)
	os.WriteFile(filepath.Join(home, "gpgsm.conf"), []byte("disable-crl-checks\npinentry-mode loopback\n"), 0o600)
	run := func(name string, args ...string) string {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir = home
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "k.pem", "-out", "c.pem",
		"-subj", "/CN=Alice Example/emailAddress=alice@example.com", "-days", "2", "-addext", "keyUsage=digitalSignature")
	run("openssl", "pkcs12", "-export", "-inkey", "k.pem", "-in", "c.pem", "-out", "k.p12", "-passout", "pass:",
		"-keypbe", "PBE-SHA1-3DES", "-certpbe", "PBE-SHA1-3DES", "-macalg", "sha1")
	// gpgsm's import is flaky on a loaded machine (its agent starts late): try again, and skip
	// when the test's own key cannot be set up at all (the signing itself is git's and gpgsm's).
	imported := false
	for range 3 {
		cmd := exec.Command("gpgsm", "--batch", "--pinentry-mode", "loopback", "--passphrase", "", "--import", "k.p12")
		cmd.Dir = home
		if out, err := cmd.CombinedOutput(); err == nil {
			imported = true
			break
		} else {
			t.Logf("gpgsm --import: %v\n%s", err, out)
		}
	}
	if !imported {
		t.Skip("gpgsm could not import the test's certificate")
	}
	var fpr string
	for _, l := range strings.Split(run("gpgsm", "--list-keys", "--with-colons"), "\n") {
		if f := strings.Split(l, ":"); len(f) > 9 && f[0] == "fpr" {
			fpr = f[9]
			break
		}
	}
	os.WriteFile(filepath.Join(home, "trustlist.txt"), []byte(fpr+" S relax\n"), 0o600)
	dir := newRepo(t, map[string]string{"f.md": "f\n"})
	for _, kv := range [][2]string{{"commit.gpgsign", "true"}, {"gpg.format", "x509"}, {"user.signingkey", fpr}} {
		gitOut(t, dir, "config", kv[0], kv[1])
	}
	r := openRepo(t, dir)
	mustCommitFiles(t, r, "signed", map[string]string{"f.md": "g\n"})
	if raw := gitOut(t, dir, "cat-file", "commit", "HEAD"); !strings.Contains(raw, "-----BEGIN SIGNED MESSAGE-----") {
		t.Fatalf("the commit is not signed with gpgsm:\n%s", raw)
	}
	if _, errOut, err := gitRun(dir, nil, "verify-commit", "HEAD"); err != nil {
		t.Errorf("git verify-commit: %v\n%s", err, errOut)
	}
}

// core.autocrlf=true: a checkout with CRLF line ends is not a change, and a commit stores LF.
// A clean filter in .gitattributes is applied as git add applies it.
func TestCommitConversions(t *testing.T) {
	t.Parallel()
	dir := newRepo(t, map[string]string{"incidents/a.md": "one\ntwo\n"})
	gitOut(t, dir, "config", "core.autocrlf", "true")
	os.Remove(filepath.Join(dir, "incidents/a.md"))
	gitOut(t, dir, "checkout", "--", "incidents/a.md")
	if got := readFile(t, dir, "incidents/a.md"); got != "one\r\ntwo\r\n" {
		t.Fatalf("git checkout with autocrlf wrote %q", got)
	}
	r := openRepo(t, dir)
	st, err := r.FileState("incidents/a.md")
	if err != nil || st.WorktreeDiffers || st.IndexDiffers {
		t.Fatalf("a CRLF checkout counts as changed: %+v %v", st, err)
	}
	mustCommitFiles(t, r, "crlf in", map[string]string{"incidents/a.md": "one\r\ntwo\r\nthree\r\n"})
	if blob := gitOut(t, dir, "cat-file", "blob", "HEAD:incidents/a.md"); blob != "one\ntwo\nthree\n" {
		t.Errorf("the blob is %q, want LF line ends", blob)
	}
	mustCommitFiles(t, r, "lf in", map[string]string{"incidents/a.md": "one\ntwo\nthree\nfour\n"})
	if blob := gitOut(t, dir, "cat-file", "blob", "HEAD:incidents/a.md"); blob != "one\ntwo\nthree\nfour\n" {
		t.Errorf("the blob is %q, want LF kept", blob)
	}
	if st := gitOut(t, dir, "status", "--porcelain"); st != "" {
		t.Errorf("status: %q", st)
	}

	// A clean filter: what git add would store.
	dir2 := newRepo(t, map[string]string{".gitattributes": "*.up filter=upper\n"})
	gitOut(t, dir2, "config", "filter.upper.clean", "tr a-z A-Z")
	gitOut(t, dir2, "config", "filter.upper.smudge", "cat")
	r2 := openRepo(t, dir2)
	mustCommitFiles(t, r2, "filtered", map[string]string{"x.up": "shout\n"})
	if blob := gitOut(t, dir2, "cat-file", "blob", "HEAD:x.up"); blob != "SHOUT\n" {
		t.Errorf("the clean filter was not applied: %q", blob)
	}
	if st := gitOut(t, dir2, "status", "--porcelain"); st != "" {
		t.Errorf("status after a filtered commit: %q", st)
	}
	fsck(t, dir2)
}

// Index version 4 (feature.manyFiles) with flags on other entries and an untracked cache, a
// split index and a sparse index: each keeps its format, flags and extensions through a commit.
func TestCommitKeepsIndexFormats(t *testing.T) {
	t.Parallel()
	needTool(t, "git")
	files := map[string]string{"incidents/a.md": "a\n", "keep/assumed.txt": "x\n", "keep/skipped.txt": "y\n", "out/far.txt": "z\n"}
	t.Run("v4 with flags and untracked cache", func(t *testing.T) {
		dir := newRepo(t, files)
		gitOut(t, dir, "config", "feature.manyFiles", "true")
		gitOut(t, dir, "update-index", "--index-version", "4")
		gitOut(t, dir, "update-index", "--untracked-cache")
		gitOut(t, dir, "status", "--porcelain") // fills the untracked cache
		gitOut(t, dir, "update-index", "--assume-unchanged", "keep/assumed.txt")
		gitOut(t, dir, "update-index", "--skip-worktree", "keep/skipped.txt")
		writeFile(t, dir, "new-ita.txt", "n\n")
		gitOut(t, dir, "add", "-N", "new-ita.txt")
		flags := gitOut(t, dir, "ls-files", "-v", "keep", "new-ita.txt")
		r := openRepo(t, dir)
		mustCommitFiles(t, r, "v4", map[string]string{"incidents/a.md": "b\n", "incidents/new.md": "n\n"})
		assertCommitted(t, dir, map[string]string{"incidents/a.md": "b\n", "incidents/new.md": "n\n"})
		if v := indexVersion(t, dir); v != 4 {
			t.Errorf("index version %d, want 4", v)
		}
		if got := gitOut(t, dir, "ls-files", "-v", "keep", "new-ita.txt"); got != flags {
			t.Errorf("flags changed:\n%s->\n%s", flags, got)
		}
		if !strings.Contains(string(mustRead(t, filepath.Join(dir, ".git", "index"))), "UNTR") {
			t.Errorf("the untracked cache was dropped")
		}
		fsck(t, dir)
	})
	t.Run("split index", func(t *testing.T) {
		dir := newRepo(t, files)
		gitOut(t, dir, "update-index", "--split-index")
		r := openRepo(t, dir)
		mustCommitFiles(t, r, "split", map[string]string{"incidents/a.md": "b\n"})
		assertCommitted(t, dir, map[string]string{"incidents/a.md": "b\n"})
		if !strings.Contains(string(mustRead(t, filepath.Join(dir, ".git", "index"))), "link") {
			t.Errorf("the index is no longer split")
		}
		st, err := r.FileState("incidents/a.md")
		if err != nil || st.IndexDiffers || st.WorktreeDiffers {
			t.Errorf("FileState on a split index: %+v %v", st, err)
		}
		fsck(t, dir)
	})
	t.Run("sparse index", func(t *testing.T) {
		dir := newRepo(t, files)
		gitOut(t, dir, "sparse-checkout", "init", "--cone", "--sparse-index")
		gitOut(t, dir, "sparse-checkout", "set", "incidents", "keep")
		r := openRepo(t, dir)
		mustCommitFiles(t, r, "sparse", map[string]string{"incidents/a.md": "b\n"})
		assertCommitted(t, dir, map[string]string{"incidents/a.md": "b\n"})
		if !strings.Contains(string(mustRead(t, filepath.Join(dir, ".git", "index"))), "sdir") {
			t.Errorf("the index is no longer sparse")
		}
		if _, err := os.Stat(filepath.Join(dir, "out", "far.txt")); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("a file outside the sparse checkout appeared")
		}
		fsck(t, dir)
	})
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Without git, a commit that needs it (here: signing) is refused with a clear sentence, and
// the repository is left as it was.
func TestCommitNeedsGitClearly(t *testing.T) {
	dir := newRepo(t, map[string]string{"f.md": "f\n"})
	gitOut(t, dir, "config", "commit.gpgsign", "true")
	before := takeSnapshot(t, dir, "f.md")
	r := openRepo(t, dir)
	path := os.Getenv("PATH")
	t.Setenv("PATH", t.TempDir())
	_, err := commitFiles(t, r, "x", map[string]string{"f.md": "g\n"})
	os.Setenv("PATH", path)
	if err == nil || !strings.Contains(err.Error(), "git is not installed") || !strings.Contains(err.Error(), "commit.gpgsign") {
		t.Fatalf("err = %v", err)
	}
	before.assertSame(t, takeSnapshot(t, dir, "f.md"))
}

// Attributes that do not convert (merge=incidentctl, as init writes for incident documents)
// keep the fast path.
func TestAttributesThatDoNotConvert(t *testing.T) {
	t.Parallel()
	dir := newRepo(t, map[string]string{".gitattributes": "incidents/**/*.md merge=incidentctl diff\n*.bin -text\n"})
	r := openRepo(t, dir)
	w, err := r.way(false)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"incidents/2026/12/a.md", "x.bin"} {
		if text, other := w.attrs.conversion(p); text || other {
			t.Errorf("%s: conversion text=%v other=%v, want none", p, text, other)
		}
	}
	gitOut(t, dir, "config", "core.autocrlf", "input")
	r2 := openRepo(t, dir)
	w2, _ := r2.way(false)
	if text, _ := w2.attrs.conversion("incidents/2026/12/a.md"); !text {
		t.Errorf("core.autocrlf=input: no end-of-line conversion")
	}
	if text, _ := w2.attrs.conversion("x.bin"); text {
		t.Errorf("-text: end-of-line conversion")
	}
}
