package gitrepo

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/gittest"
)

// revisionRepo builds a repository with every kind of name a revision can start from: merges,
// lightweight and annotated tags (of a tag, of a tree), a tag and a branch of the same name, a
// branch whose name is hex, a remote with its HEAD, upstreams (a remote one and a local one),
// reflogs with checkouts of branches and of a detached commit, FETCH_HEAD, ORIG_HEAD, refs both
// packed and loose, objects both packed and loose.
func revisionRepo(t *testing.T) string {
	t.Helper()
	dir := newRepo(t, map[string]string{"a": "1\n"})
	commit := func(msg string) {
		writeFile(t, dir, "a", msg+"\n")
		gitOut(t, dir, "commit", "-q", "-am", msg)
	}
	commit("two")
	commit("three")
	gitOut(t, dir, "checkout", "-q", "-b", "feature", "HEAD~1")
	writeFile(t, dir, "f", "feature\n")
	gitOut(t, dir, "add", "f")
	gitOut(t, dir, "commit", "-q", "-m", "feature one")
	gitOut(t, dir, "checkout", "-q", "main")
	gitOut(t, dir, "merge", "-q", "--no-ff", "-m", "merge feature", "feature")
	gitOut(t, dir, "tag", "light", "HEAD~2")
	gitOut(t, dir, "tag", "-a", "-m", "annotated", "v1", "main~3")
	gitOut(t, dir, "tag", "-a", "-m", "tag of a tag", "v1-again", "v1")
	gitOut(t, dir, "tag", "-a", "-m", "a tree", "treetag", "HEAD^{tree}")
	gitOut(t, dir, "branch", "dup", "HEAD~1")
	gitOut(t, dir, "tag", "dup", "HEAD~2") // git takes the tag
	gitOut(t, dir, "branch", "beef", "HEAD~1")
	gitOut(t, dir, "branch", "team/x", "feature")
	remote := filepath.Join(t.TempDir(), "remote.git")
	gitOut(t, dir, "init", "-q", "--bare", remote)
	gitOut(t, dir, "remote", "add", "origin", remote)
	gitOut(t, dir, "push", "-q", "-u", "origin", "main")
	gitOut(t, dir, "symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main")
	gitOut(t, dir, "branch", "-q", "--track", "side", "main")
	gitOut(t, dir, "repack", "-q", "-a", "-d")
	gitOut(t, dir, "pack-refs", "--all")
	commit("four") // main is ahead of origin/main; loose objects on top of the pack
	gitOut(t, dir, "checkout", "-q", "feature")
	gitOut(t, dir, "checkout", "-q", "--detach", "main~2")
	gitOut(t, dir, "checkout", "-q", "main")
	commit("five")
	gitOut(t, dir, "reset", "-q", "--hard", "HEAD~1") // ORIG_HEAD
	commit("five again")
	gitOut(t, dir, "fetch", "-q", "origin") // FETCH_HEAD
	gitOut(t, dir, "branch", "loose", "main~1")
	return dir
}

// Every revision gives what `git rev-parse --verify <rev>` and then ^{commit} give, or fails
// where git fails; the common syntax is answered without running git.
func TestResolveRevisionsMatchGitRevParse(t *testing.T) {
	dir := revisionRepo(t)
	full := func(rev string) string { return strings.TrimSpace(gitOut(t, dir, "rev-parse", rev)) }
	head, feature, tip := full("HEAD"), full("feature"), full("main~2")
	describe := strings.TrimSpace(gitOut(t, dir, "describe", "--tags", "--long", "main~1"))
	native := []string{
		"main", "HEAD", "@", "@~1", "HEAD~2", "main~3", "main^", "main^^", "main~", "main~1^2", "main~2^2", "main~2^1",
		"HEAD^0", "HEAD~0", "main^3", "main~100", "feature^{commit}~1",
		"light", "v1", "v1-again", "v1^{}", "v1^{commit}", "v1-again^{tag}", "v1-again^{}", "v1^{object}", "HEAD^{tree}",
		"treetag", "treetag^{}", "treetag^{commit}", "v1^{blob}",
		"dup", "beef", "refs/heads/dup", "heads/dup", "tags/dup", "feature", "team/x", "heads/team/x", "loose",
		"origin", "origin/main", "origin/HEAD", "remotes/origin/main", "refs/remotes/origin/main",
		"main@{u}", "main@{upstream}", "main@{U}", "main@{UpStream}", "@{u}", "@{upstream}", "HEAD@{u}", "side@{u}",
		"main@{u}~1",
		"main@{0}", "main@{1}", "main@{2}", "main@{3}", "@{0}", "@{1}", "@{2}", "HEAD@{0}", "HEAD@{1}", "HEAD@{4}",
		"@@{1}", "main@{1}~1", "@{-1}", "@{-2}", "@{-3}", "@{-1}~1", "@{-2}^2",
		"FETCH_HEAD", "ORIG_HEAD", "ORIG_HEAD~1",
		head, strings.ToUpper(head), head[:12], feature[:7], strings.ToUpper(feature[:9]), tip[:10] + "~1",
		describe, "nope", "nope~1", "refs/heads/nope", "main@{-1}", strings.Repeat("0", 40),
		"HEAD~2147483648", "v1^{}^{}", "@{0}~1",
	}
	byGit := []string{
		":/two", "HEAD:a", "main^{/two}", "@{push}", "main@{yesterday}", "main@{100}", "@{-10}", "feature@{u}",
		"@{-1}@{u}", "origin/main@{u}", "x@{}", "main^{nothing}", "refs/heads/../main", "main@{1 hour ago}", "main..feature", "-", "--", "--all", "a b",
	}
	var delegated []string
	revParseHook = func(rev string) { delegated = append(delegated, rev) }
	defer func() { revParseHook = nil }()
	r := openRepo(t, dir)
	resolved := map[string]string{}
	for _, list := range [][]string{native, byGit} {
		for _, rev := range list {
			delegated = nil
			got, err := r.ResolveCommit(rev)
			want := ""
			if obj, _, err := gitRun(dir, nil, "rev-parse", "--verify", "--quiet", "--end-of-options", rev); err == nil {
				if c, _, err := gitRun(dir, nil, "rev-parse", "--verify", "--quiet", strings.TrimSpace(obj)+"^{commit}"); err == nil {
					want = strings.TrimSpace(c)
				}
			}
			switch {
			case want == "" && err == nil:
				t.Errorf("ResolveCommit(%q) = %s, git rev-parse fails", rev, got)
			case want != "" && err != nil:
				t.Errorf("ResolveCommit(%q): %v; git rev-parse says %s", rev, err, want)
			case want != "" && got.String() != want:
				t.Errorf("ResolveCommit(%q) = %s, git rev-parse says %s", rev, got, want)
			}
			if want != "" {
				resolved[rev] = want
			}
			if len(delegated) > 0 && containsString(native, rev) {
				t.Errorf("ResolveCommit(%q) asked git rev-parse", rev)
			}
		}
	}
	// The table means something: most revisions name a commit, and not all the same one.
	distinct := map[string]bool{}
	for _, c := range resolved {
		distinct[c] = true
	}
	if len(resolved) < 60 || len(distinct) < 8 {
		t.Errorf("only %d revisions resolve, to %d commits", len(resolved), len(distinct))
	}
	for _, rev := range []string{"@{1}", "main@{2}", "@{-1}", "@{-2}", "main@{u}", "side@{u}", "FETCH_HEAD", "ORIG_HEAD"} {
		if resolved[rev] == "" || resolved[rev] == resolved["HEAD"] && rev != "side@{u}" {
			t.Errorf("%s: git gives %q: the repository does not exercise it", rev, resolved[rev])
		}
	}
	// Without git (PATH empty), the common syntax still works.
	t.Setenv("PATH", "")
	for _, rev := range []string{"HEAD~2", "main@{u}", "v1^{}", feature[:7]} {
		if _, err := r.ResolveCommit(rev); err != nil {
			t.Errorf("without git: ResolveCommit(%q): %v", rev, err)
		}
	}
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// A repository with thousands of objects whose abbreviated names share prefixes: every prefix
// of 4 to 8 hex digits resolves as git resolves it (unique, missing, or ambiguous, which git
// settles itself).
func TestAbbreviatedNamesMatchGit(t *testing.T) {
	t.Parallel()
	dir := newRepo(t, map[string]string{"seed": "x\n"})
	var b strings.Builder
	for i := range 3000 {
		fmt.Fprintf(&b, "blob\nmark :%d\ndata %d\nobject %d\n", i+1, len(fmt.Sprintf("object %d\n", i)), i)
	}
	b.WriteString("commit refs/heads/main\ncommitter X <x@x> 1700000000 +0000\ndata 4\nmany\nfrom refs/heads/main^0\n")
	for i := range 3000 {
		fmt.Fprintf(&b, "M 100644 :%d f%d\n", i+1, i)
	}
	gittest.OutStdin(t, dir, []byte(b.String()), "fast-import", "--quiet")
	gitOut(t, dir, "repack", "-q", "-a", "-d")
	r := openRepo(t, dir)
	names := strings.Fields(gitOut(t, dir, "cat-file", "--batch-all-objects", "--batch-check=%(objectname)"))
	ambiguous := 0
	for i, name := range names {
		if i%15 != 0 {
			continue
		}
		for n := 4; n <= 7; n++ {
			p := name[:n]
			h, err := r.resolveRevision(p)
			out, _, gerr := gitRun(dir, nil, "rev-parse", "--verify", "--quiet", p)
			switch {
			case err == errRevUnsupported:
				ambiguous++ // git's to settle
				if gerr == nil {
					t.Errorf("%s: left to git as ambiguous, git resolves it to %s", p, out)
				}
			case gerr != nil:
				t.Errorf("%s: resolved to %s, git fails", p, h)
			case err != nil:
				t.Errorf("%s: %v, git says %s", p, err, out)
			case h.String() != strings.TrimSpace(out):
				t.Errorf("%s: %s, git says %s", p, h, out)
			}
		}
	}
	if ambiguous == 0 {
		t.Errorf("no ambiguous prefix among 3,000 objects: the test does not test that case")
	}
	for _, p := range []string{"0000000", "fffffff"} { // most likely nothing
		if _, err := r.resolveRevision(p); err == nil && !gitOK(dir, "rev-parse", "--verify", "--quiet", p) {
			t.Errorf("%s resolved, git fails", p)
		}
	}
}
